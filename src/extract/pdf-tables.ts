// A PDF's pages (pdf-read.ts) as the paragraphs and tables they print, in the shape the Word reader
// gives (docx-read.ts), so that one reader (docx.ts) maps both to the packet.
//
// - Tables come from the rules: the distinct x of the vertical rules and y of the horizontal ones
//   make a fine grid, and two neighbouring slots are one cell where no rule runs between them. A
//   cell's columns are counted in that fine grid, as Word counts them in its tblGrid.
// - A cell's text is its glyphs, line by line. Where a line ends, either the text wrapped or the
//   value had a line break; `LineJoiner` asks the PDF writer's own line breaker which (a line that
//   would have gone on with the next line's start ends because the text breaks there).
// - Text outside the tables is paragraphs: each run of lines in one size is one paragraph (a title
//   long enough to wrap stays one). The page footer (第 1 页 共 2 页), in the bottom margin, is not read.
// - A table that goes on at the top of the next page (no heading above it) continues the table
//   before it: the header rows printed again there (`repeated`) are dropped, and its rows follow.
//   A row cut by the page's foot (a row taller than a page: its edges run on below its last rule
//   across, `open`) goes on in the first row of the next page: that row is folded into it.
// - Time is linear in the rules and the fine grid's slots (a glyph finds its cell by binary
//   search); a table of more than MAX_SLOTS slots is no form's, and is refused (PdfReadLimit).
import type { DocxBlock, DocxCell, DocxTable } from './docx-read.js';
import { PdfReadLimit, type PdfGlyph, type PdfPageContent, type PdfRule } from './pdf-read.js';

/**
 * The text of lines printed one under another in a box `width` wide (the text's own width inside
 * the cell's padding), in `size` pt, bold or not: the lines joined where the text wrapped, with
 * '\n' where the value had a line break.
 */
export type LineJoiner = (lines: ReadonlyArray<PrintedLine>, style: LineStyle) => string;

/** A line of a cell's text. `continued`: it heads the cell's next part, on the next page (no gap to read). */
export interface PrintedLine {
  text: string;
  baseline: number;
  continued?: boolean;
}
export interface LineStyle {
  size: number;
  width: number;
  font: string;
}

export interface PdfLayoutFacts {
  /** Space between a cell's rule and its text, left and right, in pt. */
  paddingX: number;
  /** Height of the bottom margin: text below it is the page footer. */
  footerTop: number;
  /** Width of the page's text area, for paragraphs. */
  textWidth: number;
}

/** What the forms' templates say about their tables, for joining a table's pages. */
export interface FormHints {
  /** Whether a row (its cells' texts) is a header row that each continuation page prints again. */
  repeated(cells: readonly DocxCell[]): boolean;
  /** Whether a label cut by a page break and printed again below it is one cell across the break (绩效指标). */
  spansRows(text: string): boolean;
}

/** Where a block was read: for messages. */
export interface PdfBlockPlace {
  page: number;
}

/**
 * The blocks of every page, continued tables joined. `repeated(cells)`: whether a row at the top
 * of a continued table is a header row printed again (dropped).
 */
export function pdfBlocks(
  pages: Iterable<PdfPageContent>,
  facts: PdfLayoutFacts,
  join: LineJoiner,
  forms: FormHints,
): Array<DocxBlock & { place: PdfBlockPlace }> {
  const blocks: Array<PageBlock & { place: PdfBlockPlace }> = [];
  let p = 0;
  for (const page of pages) {
    p++;
    let onPage: PageBlock[];
    try {
      onPage = pageBlocks(page, facts, join);
    } catch (error) {
      throw error instanceof PdfReadLimit ? new PdfReadLimit(`第 ${p} 页${error.message}`) : error;
    }
    onPage.forEach((block, i) => {
      const last = blocks.at(-1);
      if (i === 0 && block.type === 'table' && last?.type === 'table') {
        blocks[blocks.length - 1] = { ...continued(last, withoutRepeatedRows(block, last, forms), forms, join), place: last.place };
        return;
      }
      blocks.push({ ...block, place: { page: p } });
    });
  }
  return blocks.map((block) => {
    if (block.type === 'paragraph') return block;
    const rows = block.rows.map((cells, r) => cells.map(({ first, last, style, ...cell }) => ({ ...cell, row: r })));
    return { type: 'table', gridColumns: block.xs.length - 1, rows, headerRows: rows.map(() => false), place: block.place };
  });
}

/** A table as read from one page or more: its column boundaries on the page, its cells by them. */
interface PlacedTable {
  type: 'table';
  xs: number[];
  rows: PrintedCell[][];
  /** Its last row has no rule below it: a row taller than a page, going on at the top of the next page. */
  open?: boolean;
}

/** A cell as printed: its first and last lines, and their style, for joining its parts on two pages. */
interface PrintedCell extends DocxCell {
  first?: string;
  last?: string;
  style?: LineStyle;
}
type PageBlock = PlacedTable | Extract<DocxBlock, { type: 'paragraph' }>;

/**
 * `next` (the rows a table goes on with on a new page) after `table`. The pages may rule different
 * columns (a page without the rows that use a boundary does not draw it): the cells of both are
 * counted in the columns of the two together.
 */
function continued(table: PlacedTable, next: PlacedTable, forms: FormHints, join: LineJoiner): PlacedTable {
  const xs = distinct([...table.xs, ...next.xs]);
  const index = (x: number) => xs.findIndex((v) => Math.abs(v - x) <= TOLERANCE);
  // Rows numbered in the joined table (a page's cells carry their row on the page).
  const recount = (part: PlacedTable, first: number) =>
    part.rows.map((cells, r) =>
      cells.map((cell) => {
        const col = index(part.xs[cell.col]!);
        return { ...cell, row: first + r, col, colSpan: index(part.xs[cell.col + cell.colSpan]!) - col };
      }),
    );
  const above = recount(table, 0);
  const below = recount(next, above.length);
  const end = above.length;
  if (table.open && below.length > 0 && goesOn(above, below[0]!, end, join)) {
    // The row went on: its next part is folded into it, and the rows below move up one.
    below.shift();
    for (const cells of below) for (const cell of cells) cell.row--;
    return { type: 'table', xs, rows: [...above, ...below], ...(next.open ? { open: true } : {}) };
  }
  // A label the break cut, printed again below it: one cell again.
  below[0] = (below[0] ?? []).filter((cell) => {
    const cut = above.flat().find((c) => c.col === cell.col && c.colSpan === cell.colSpan && c.row + c.rowSpan === end && c.text === cell.text);
    if (!cut || !forms.spansRows(cell.text)) return true;
    cut.rowSpan += cell.rowSpan;
    return false;
  });
  return { type: 'table', xs, rows: [...above, ...below], ...(next.open ? { open: true } : {}) };
}

/**
 * Whether `part` (the first row of a page) is the next part of the row above it that a page cut
 * (the rows before `end`): each of its cells under a cell of that row, the same columns. Then
 * each is joined into that cell: the same text is a label printed again (layout never cuts a
 * value so that its next part reads as what is above it), other text the value going on. Nothing
 * is changed where the part does not fit the row: the table is then read as it is, and refused
 * where it does not match the form.
 */
function goesOn(above: PrintedCell[][], part: readonly PrintedCell[], end: number, join: LineJoiner): boolean {
  const cut = above.flat().filter((cell) => cell.row + cell.rowSpan === end);
  const pairs = part.map((cell) => ({ cell, over: cut.find((c) => c.col === cell.col && c.colSpan === cell.colSpan) }));
  if (pairs.length !== cut.length || pairs.some(({ cell, over }) => !over || (over.text !== cell.text && (over.rowSpan > 1 || cell.rowSpan > 1)))) return false;
  for (const { cell, over } of pairs) {
    if (over!.text === cell.text) over!.rowSpan += cell.rowSpan - 1;
    else joinParts(over!, cell, join);
  }
  return true;
}

/** `next`'s text after `cell`'s, on a new line if the value has a line break where the page cut it. */
function joinParts(cell: PrintedCell, next: PrintedCell, join: LineJoiner): void {
  if (next.text === '') return;
  if (cell.text === '' || cell.last === undefined || next.first === undefined) {
    Object.assign(cell, { text: next.text, first: next.first, last: next.last, style: next.style });
    return;
  }
  const [before, after] = [cell.last, next.first];
  const both = join([{ text: before, baseline: 0 }, { text: after, baseline: 0, continued: true }], (cell.style ?? next.style)!);
  const between = both.slice(before.length, both.length - after.length);
  Object.assign(cell, { text: cell.text + between + next.text, last: next.last });
}

/**
 * The rows a table goes on with, without the header rows printed again above them: rows the
 * templates repeat that the table above has printed already (a header row printed the first time
 * at the top of a page is kept). A cell that starts in such a row and goes on below it (绩效指标
 * beside the header) starts below it instead.
 */
function withoutRepeatedRows(table: PlacedTable, above: PlacedTable, forms: FormHints): PlacedTable {
  const texts = (cells: readonly DocxCell[]) => cells.map((cell) => cell.text.replace(/\s+/g, '')).join('|');
  const printed = new Set(above.rows.map(texts));
  const rows = table.rows.map((cells) => [...cells]);
  while (rows.length > 1 && forms.repeated(rows[0]!) && printed.has(texts(rows[0]!))) {
    const going = rows.shift()!.filter((cell) => cell.rowSpan > 1);
    rows[0]!.push(...going.map((cell) => ({ ...cell, rowSpan: cell.rowSpan - 1 })));
    rows[0]!.sort((a, b) => a.col - b.col);
  }
  return { ...table, rows };
}

/** One page's paragraphs and tables, top to bottom. */
function pageBlocks(page: PdfPageContent, facts: PdfLayoutFacts, join: LineJoiner): PageBlock[] {
  const tables = ruledTables(page.rules);
  const inTable: PdfGlyph[][] = tables.map(() => []);
  const outside: PdfGlyph[] = [];
  for (const glyph of page.glyphs) {
    const [x, y] = centre(glyph);
    const t = tables.findIndex((table) => x > table.xs[0]! && x < table.xs.at(-1)! && y < table.ys[0]! && y > table.ys.at(-1)!);
    if (t >= 0) inTable[t]!.push(glyph);
    else if (glyph.y > facts.footerTop) outside.push(glyph);
  }
  const placed: Array<{ top: number; block: PageBlock }> = tables.map((table, t) => ({ top: table.ys[0]!, block: tableBlock(table, inTable[t]!, facts, join) }));
  for (const paragraph of paragraphs(outside)) {
    placed.push({
      top: paragraph[0]![0]!.y + paragraph[0]![0]!.size,
      block: { type: 'paragraph', text: join(paragraph.map(lineText), { size: paragraph[0]![0]!.size, width: facts.textWidth, font: paragraph[0]![0]!.font }) },
    });
  }
  return placed.sort((a, b) => b.top - a.top).map((p) => p.block);
}

/** Where a glyph's ink roughly is: the middle of its advance, a third of its size above the baseline. */
const centre = (glyph: PdfGlyph): [number, number] => [glyph.x + glyph.width / 2, glyph.y + glyph.size / 3];

/** Glyphs grouped into lines (one baseline), top to bottom, each left to right. */
function lines(glyphs: readonly PdfGlyph[]): PdfGlyph[][] {
  const sorted = [...glyphs].sort((a, b) => b.y - a.y || a.x - b.x);
  const result: PdfGlyph[][] = [];
  for (const glyph of sorted) {
    const line = result.at(-1);
    if (line && line[0]!.size === glyph.size && Math.abs(line[0]!.y - glyph.y) < glyph.size / 4) line.push(glyph);
    else result.push([glyph]);
  }
  return result.map((line) => line.sort((a, b) => a.x - b.x));
}

const lineText = (line: readonly PdfGlyph[]) => ({ text: line.map((g) => g.text).join(''), baseline: line[0]!.y });

/** Lines outside tables as paragraphs: consecutive lines in the same size and font belong together. */
function paragraphs(glyphs: readonly PdfGlyph[]): PdfGlyph[][][] {
  const result: PdfGlyph[][][] = [];
  for (const line of lines(glyphs)) {
    const last = result.at(-1);
    const previous = last?.at(-1)?.[0];
    const gap = previous ? previous.y - line[0]!.y : Infinity;
    if (last && previous && previous.size === line[0]!.size && previous.font === line[0]!.font && gap < previous.size * 2) last.push(line);
    else result.push([line]);
  }
  return result;
}

// ---- tables from rules ----

interface RuledTable {
  /** Column boundaries (rule centres), left to right. */
  xs: number[];
  /** Row boundaries, top to bottom (y downwards on the page: descending). */
  ys: number[];
  /** The cells, in fine-grid slots. */
  cells: Array<{ row: number; col: number; rowSpan: number; colSpan: number }>;
  rule: number;
  /** The edges go on below the last rule across (a row cut by the page's foot): `ys` ends where they do. */
  open?: boolean;
}

const TOLERANCE = 0.05;
/** How far (pt) past their rule a table's edges must run for its last row to be open: more than a rule's own overhang. */
const OPEN_BELOW = 1;

/** Values within TOLERANCE of each other, as one (their first), sorted ascending. */
function distinct(values: number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const result: number[] = [];
  for (const v of sorted) if (result.length === 0 || v - result.at(-1)! > TOLERANCE) result.push(v);
  return result;
}

/** The tables the rules draw: groups of rules that touch, each cut into cells. */
function ruledTables(rules: readonly PdfRule[]): RuledTable[] {
  const horizontal = rules.filter((r) => Math.abs(r.y1 - r.y2) < 0.01 && Math.abs(r.x1 - r.x2) > 0.01).map((r) => ({ y: r.y1, x1: Math.min(r.x1, r.x2), x2: Math.max(r.x1, r.x2), width: r.width }));
  const vertical = rules.filter((r) => Math.abs(r.x1 - r.x2) < 0.01 && Math.abs(r.y1 - r.y2) > 0.01).map((r) => ({ x: r.x1, y1: Math.min(r.y1, r.y2), y2: Math.max(r.y1, r.y2), width: r.width }));
  // Groups: vertical rules that overlap in height belong to one table with the horizontal rules they cross.
  const groups: Array<{ top: number; bottom: number; v: typeof vertical; h: typeof horizontal }> = [];
  for (const v of [...vertical].sort((a, b) => b.y2 - a.y2)) {
    const group = groups.find((g) => v.y2 >= g.bottom - 1 && v.y1 <= g.top + 1);
    if (group) {
      group.v.push(v);
      group.top = Math.max(group.top, v.y2);
      group.bottom = Math.min(group.bottom, v.y1);
    } else groups.push({ top: v.y2, bottom: v.y1, v: [v], h: [] });
  }
  for (const h of horizontal) groups.find((g) => h.y <= g.top + 1 && h.y >= g.bottom - 1)?.h.push(h);
  const tables: RuledTable[] = [];
  for (const group of groups) {
    const xs = distinct(group.v.map((v) => v.x));
    const ys = distinct(group.h.map((h) => h.y)).reverse();
    const rule = group.v.reduce((widest, v) => Math.max(widest, v.width), 0);
    // Edges running on below the last rule across: the last row is open, cut by the page's foot.
    const open = ys.length > 0 && group.bottom < ys.at(-1)! - rule - OPEN_BELOW;
    if (open) ys.push(group.bottom);
    if (xs.length < 2 || ys.length < 2) continue;
    const rows = ys.length - 1;
    const cols = xs.length - 1;
    if (rows * cols > MAX_SLOTS) throw new PdfReadLimit(`画的表格有 ${rows} 行 ${cols} 列的格子，超过 ${MAX_SLOTS} 格，不是申报表或汇总表`);
    // Is there a rule between slot (r, c) and the slot to its right / below it? Each rule marks the
    // slots it runs beside once (the rules on one line merged first), so this is linear in the slots.
    const right = walls(
      group.v.map((v) => ({ at: v.x, from: -v.y2, to: -v.y1 })),
      xs,
      ys.map((y) => -y),
      (k, r) => (r * cols + k - 1),
      rows * cols,
    );
    const below = walls(
      group.h.map((h) => ({ at: -h.y, from: h.x1, to: h.x2 })),
      ys.map((y) => -y),
      xs,
      (k, c) => ((k - 1) * cols + c),
      rows * cols,
    );
    const ruleRight = (r: number, c: number) => right[r * cols + c] === 1;
    const ruleBelow = (r: number, c: number) => below[r * cols + c] === 1;
    const owner = Int32Array.from({ length: rows * cols }, (_, i) => i);
    const find = (i: number): number => {
      let root = i;
      while (owner[root] !== root) root = owner[root]!;
      while (owner[i] !== root) [i, owner[i]] = [owner[i]!, root];
      return root;
    };
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        if (c + 1 < cols && !ruleRight(r, c)) owner[find(r * cols + c + 1)] = find(r * cols + c);
        if (r + 1 < rows && !ruleBelow(r, c)) owner[find((r + 1) * cols + c)] = find(r * cols + c);
      }
    }
    const boxes = new Map<number, { row: number; col: number; rowEnd: number; colEnd: number; slots: number }>();
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const key = find(r * cols + c);
        const box = boxes.get(key);
        if (!box) boxes.set(key, { row: r, col: c, rowEnd: r + 1, colEnd: c + 1, slots: 1 });
        else {
          box.row = Math.min(box.row, r);
          box.col = Math.min(box.col, c);
          box.rowEnd = Math.max(box.rowEnd, r + 1);
          box.colEnd = Math.max(box.colEnd, c + 1);
          box.slots++;
        }
      }
    }
    // A group of slots that is not a rectangle is no cell: each of its slots is read as a cell of its own.
    const cells: RuledTable['cells'] = [];
    for (const box of boxes.values()) {
      const rowSpan = box.rowEnd - box.row;
      const colSpan = box.colEnd - box.col;
      if (rowSpan * colSpan === box.slots) cells.push({ row: box.row, col: box.col, rowSpan, colSpan });
      else {
        for (let r = box.row; r < box.rowEnd; r++) {
          for (let c = box.col; c < box.colEnd; c++) if (boxes.get(find(r * cols + c)) === box) cells.push({ row: r, col: c, rowSpan: 1, colSpan: 1 });
        }
      }
    }
    cells.sort((a, b) => a.row - b.row || a.col - b.col);
    tables.push({ xs, ys, cells, rule, ...(open ? { open } : {}) });
  }
  return tables;
}

/**
 * The slots of `boundaries` (ascending for `order` 1, descending for -1) that `v` lies in: the one
 * it is strictly inside, or the two either side of an inner boundary it lies on; none outside the
 * first and last boundaries or on them.
 */
function slotsOf(boundaries: readonly number[], v: number, order: 1 | -1): number[] {
  let low = 0;
  let high = boundaries.length - 1;
  if (!(order * (v - boundaries[0]!) > 0 && order * (boundaries[high]! - v) > 0)) return [];
  // low < v ≤ high in the boundaries' order.
  while (high - low > 1) {
    const middle = (low + high) >> 1;
    if (order * (v - boundaries[middle]!) > 0) low = middle;
    else high = middle;
  }
  return v === boundaries[high] ? [low, high] : [low];
}

/** Fine-grid slots a page's table may have (a form has a few thousand): past this it is not read. */
const MAX_SLOTS = 250_000;

/**
 * Which slots have a rule on one side: for rules along boundary lines (`at`, ascending
 * `boundaries`) running from `from` to `to` across the other direction's `across` (ascending), a
 * flag for each slot whose middle across the rule covers, at `slot(k, i)` (k the boundary, i the
 * slot across).
 */
function walls(
  rules: ReadonlyArray<{ at: number; from: number; to: number }>,
  boundaries: readonly number[],
  across: readonly number[],
  slot: (k: number, i: number) => number,
  size: number,
): Uint8Array {
  const flags = new Uint8Array(size);
  const byBoundary = new Map<number, Array<{ from: number; to: number }>>();
  for (const rule of rules) {
    const k = nearest(boundaries, rule.at);
    if (k <= 0 || k >= boundaries.length - 1) continue;
    const list = byBoundary.get(k);
    if (list) list.push(rule);
    else byBoundary.set(k, [rule]);
  }
  const middles = across.slice(0, -1).map((v, i) => (v + across[i + 1]!) / 2);
  for (const [k, list] of byBoundary) {
    list.sort((a, b) => a.from - b.from);
    // Overlapping rules on one line merged, so that each slot is marked once.
    const merged: Array<{ from: number; to: number }> = [];
    for (const { from, to } of list) {
      const last = merged.at(-1);
      if (last && from <= last.to) last.to = Math.max(last.to, to);
      else merged.push({ from, to });
    }
    let i = 0;
    for (const { from, to } of merged) {
      while (i < middles.length && middles[i]! < from) i++;
      for (; i < middles.length && middles[i]! <= to; i++) flags[slot(k, i)] = 1;
    }
  }
  return flags;
}

/** The index of the boundary within TOLERANCE of `v` (ascending boundaries), or -1. */
function nearest(boundaries: readonly number[], v: number): number {
  let low = 0;
  let high = boundaries.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (boundaries[middle]! < v - TOLERANCE) low = middle + 1;
    else high = middle;
  }
  return Math.abs(boundaries[low]! - v) <= TOLERANCE ? low : -1;
}

/** A ruled table with its glyphs: each cell with its text. */
function tableBlock(table: RuledTable, glyphs: readonly PdfGlyph[], facts: PdfLayoutFacts, join: LineJoiner): PlacedTable {
  const { xs, ys } = table;
  const inCell: PdfGlyph[][] = table.cells.map(() => []);
  // Each fine-grid slot's cell, so that a glyph finds its cell by two binary searches.
  const cols = xs.length - 1;
  const slots = new Int32Array((ys.length - 1) * cols).fill(-1);
  table.cells.forEach((cell, i) => {
    for (let r = cell.row; r < cell.row + cell.rowSpan; r++) for (let c = cell.col; c < cell.col + cell.colSpan; c++) slots[r * cols + c] = i;
  });
  for (const glyph of glyphs) {
    const [x, y] = centre(glyph);
    // On a boundary inside a cell (centred text over an unruled column line) it is that cell's;
    // on one between two cells, neither's.
    const found = new Set(slotsOf(ys, y, -1).flatMap((r) => slotsOf(xs, x, 1).map((c) => slots[r * cols + c]!)));
    const [i] = found;
    if (found.size === 1 && i! >= 0) inCell[i!]!.push(glyph);
  }
  const rows: PrintedCell[][] = Array.from({ length: ys.length - 1 }, () => []);
  table.cells.forEach((cell, i) => {
    const glyphLines = lines(inCell[i]!);
    const cellLines = glyphLines.map(lineText);
    const width = xs[cell.col + cell.colSpan]! - xs[cell.col]! - 2 * facts.paddingX - table.rule;
    const glyph = glyphLines[0]?.[0];
    const style = glyph ? { size: glyph.size, width, font: glyph.font } : undefined;
    const text = style ? join(cellLines, style) : '';
    const printed = style ? { first: cellLines[0]!.text, last: cellLines.at(-1)!.text, style } : {};
    rows[cell.row]!.push({ row: cell.row, col: cell.col, rowSpan: cell.rowSpan, colSpan: cell.colSpan, text, ...printed });
  });
  return { type: 'table', xs, rows, ...(table.open ? { open: true } : {}) };
}
