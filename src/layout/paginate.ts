// Pagination, a layout stage: grid in, paginated grid out. page-flow.ts decides from the text's
// measurements (PageMeasure, layout/page-measure.ts) where every table breaks, and this cuts the
// tables there into one piece per page: every later piece starts with the header rows marked
// `repeat` above its first row, and a merged cell cut by the break is split, its text (the
// 一级/二级 label) printed again on the new page. place.ts then places the pieces.
import { fitOneLine } from './fit.js';
import type { GridCell, GridDocument, GridRow, GridSection, GridTable, PageMeasure } from './grid.js';
import { planBreaks, type RowCut, type TablePlan } from './page-flow.js';

export interface PagedDocument extends LaidOutDocument {
  /** For each table of the unpaginated document, where its pages break. */
  plans: TablePlan[];
}

/**
 * The document paginated: every table cut where `measure` says its pages break (page-flow.ts),
 * each continuation a section of its own. `forced[t]`: rows of the t-th table that must begin a
 * page in any case.
 */
export function paginate(grid: GridDocument, measure: PageMeasure, forced: ReadonlyArray<readonly number[]> = []): PagedDocument {
  // Amounts on one line first: a smaller size can make a row lower.
  const document = fitOneLine(grid, measure);
  const plans = planBreaks(document, measure, forced);
  return { ...cutDocument(document, plans, measure), plans };
}

export interface TablePiece {
  table: GridTable;
  /** For each row of the piece, the row of the whole table it shows. */
  sourceRows: number[];
  /** How many leading rows are repeated headers (0 on the first piece). */
  repeatedRows: number;
}

/** `breaks`: row indexes (ascending, > 0) that must begin a page. */
export function splitTable(table: GridTable, breaks: readonly number[]): TablePiece[] {
  const bounds = [0, ...breaks, table.rows.length];
  const repeatRows = range(0, table.rows.length).filter((r) => table.rows[r]!.repeat);
  // Cells may start above a piece and reach into it: look back as far as the longest span.
  let longestSpan = 1;
  for (const row of table.rows) for (const cell of row.cells) longestSpan = Math.max(longestSpan, cell.rowSpan);
  const pieces: TablePiece[] = [];
  for (let k = 0; k + 1 < bounds.length; k++) {
    const [start, end] = [bounds[k]!, bounds[k + 1]!];
    const repeated = k === 0 ? [] : repeatRows.filter((r) => r < start);
    const sourceRows = [...repeated, ...range(start, end)];
    const candidates = [...new Set([...repeated, ...range(Math.max(0, start - longestSpan + 1), end)])].sort((a, b) => a - b);
    pieces.push({ table: tableOfRows(table, sourceRows, candidates), sourceRows, repeatedRows: repeated.length });
  }
  return pieces;
}

/**
 * A table made of the given rows of `table` (in order). Each cell that covers any of them appears
 * once, at the first of them it covers, spanning those it covers. `candidates`: the rows (ascending)
 * whose cells may cover one of them (the piece's rows and, above its first, as far as a span reaches),
 * so that cutting a long table into pages takes time linear in its length.
 */
function tableOfRows(table: GridTable, rows: number[], candidates: number[]): GridTable {
  const position = new Map(rows.map((r, i) => [r, i]));
  const pieceRows: GridRow[] = rows.map((r) => ({ repeat: table.rows[r]!.repeat, ...(table.rows[r]!.continues ? { continues: true } : {}), cells: [] }));
  for (const r of candidates) {
    for (const cell of table.rows[r]!.cells) {
      const covered: number[] = [];
      for (let c = r; c < r + cell.rowSpan; c++) if (position.has(c)) covered.push(position.get(c)!);
      if (covered.length === 0) continue;
      const first = covered[0]!;
      if (covered[covered.length - 1]! - first + 1 !== covered.length) {
        throw new Error(`bug: cell at row ${r} col ${cell.col} covers non-adjacent rows of a page piece`);
      }
      const copy: GridCell = { ...cell, rowSpan: covered.length };
      pieceRows[first]!.cells.push(copy);
    }
  }
  for (const row of pieceRows) row.cells.sort((a, b) => a.col - b.col);
  return { ...table, rows: pieceRows };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

export interface LaidOutDocument {
  /** The document with every table cut at its breaks; each continuation piece opens a new section. */
  document: GridDocument;
  /** The tables of `document`, in order: which original table (0-based, document order) and piece each is. */
  pieces: Array<{ table: number; piece: TablePiece }>;
}

/**
 * Cut each table of the document where `plans[t]` says for the t-th table: its rows taller than a
 * page into rows of a page each (their texts from `measure`), then the table at its page breaks.
 */
export function cutDocument(document: GridDocument, plans: readonly TablePlan[], measure?: PageMeasure): LaidOutDocument {
  const sections: GridSection[] = [];
  const pieces: LaidOutDocument['pieces'] = [];
  let table = 0;
  for (const section of document.sections) {
    let current: GridSection = { ...section, blocks: [] };
    for (const block of section.blocks) {
      if (block.type !== 'table') {
        current.blocks.push(block);
        continue;
      }
      const plan = plans[table] ?? { breaks: [], cuts: [] };
      const { rows, breaks } = plan.cuts.length > 0 ? cutRows(block, plan, measure) : { rows: block.rows, breaks: plan.breaks };
      splitTable({ ...block, rows }, breaks).forEach((piece, p) => {
        if (p > 0) {
          sections.push(current);
          current = { blocks: [] };
        }
        current.blocks.push(piece.table);
        pieces.push({ table, piece });
      });
      table++;
    }
    sections.push(current);
  }
  return { document: { page: document.page, sections }, pieces };
}

/**
 * The table's rows with each row taller than a page cut where `plan.cuts` says: row r cut k times
 * becomes k + 1 rows, each a page's part of it. A value's lines go to the part they are printed in
 * (`TableBox.text` gives each part's text); a label, and any cell spanning rows, spans all the
 * parts (a break prints it again below). Every part but the last `continues`. The breaks are
 * counted in the new rows, one before each part after the first.
 */
function cutRows(table: GridTable, plan: TablePlan, measure: PageMeasure | undefined): { rows: GridRow[]; breaks: number[] } {
  // The measure the cuts were planned with (a table is measured once: page-measure.ts).
  const box = measure?.table(table);
  if (!box?.text) throw new Error('bug: rows are cut without the measure that planned the cuts');
  const cutsOf = new Map<number, RowCut[]>();
  for (const cut of plan.cuts) cutsOf.set(cut.row, [...(cutsOf.get(cut.row) ?? []), cut]);
  // Where each row of the table starts among the new rows, and how many new rows it takes.
  const first: number[] = [];
  let count = 0;
  table.rows.forEach((_, r) => {
    first.push(count);
    count += (cutsOf.get(r)?.length ?? 0) + 1;
  });
  first.push(count);
  /** How many new rows a cell spanning `rowSpan` rows from row `r` spans. */
  const span = (r: number, rowSpan: number) => first[Math.min(r + rowSpan, table.rows.length)]! - first[r]!;
  const rows: GridRow[] = [];
  const breaks = plan.breaks.map((r) => first[r]!);
  table.rows.forEach((row, r) => {
    const cuts = cutsOf.get(r) ?? [];
    const parts: GridRow[] = [{ ...row, cells: [] }, ...cuts.map(() => ({ repeat: false, cells: [] }))];
    parts.forEach((part, k) => {
      if (k < cuts.length) part.continues = true;
      if (k > 0) breaks.push(first[r]! + k);
    });
    row.cells.forEach((cell, i) => {
      if (cuts.length === 0 || cell.rowSpan > 1 || cell.role === 'label') {
        parts[0]!.cells.push({ ...cell, rowSpan: span(r, cell.rowSpan) });
        return;
      }
      const ends = [0, ...cuts.map((cut) => cut.lines[i]!), box.lines[r]![i]!.length];
      parts.forEach((part, k) => part.cells.push({ ...cell, text: box.text!(r, i, ends[k]!, ends[k + 1]!) }));
    });
    for (const part of parts) part.cells.sort((a, b) => a.col - b.col);
    rows.push(...parts);
  });
  return { rows, breaks: breaks.sort((a, b) => a - b) };
}
