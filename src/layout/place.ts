// The last layout stage: a paginated grid (layout/paginate.ts) becomes positioned pages, every
// line of text at its x and baseline in its face and size, every rule at its ends. The PDF writer
// (render/pdf.ts) only draws them; the 汇总表 draws a form's pages as they were placed for its own
// PDF, without laying it out again.
//
// The geometry is the one the forms have always had (pdfmake's, whose layout this replaced):
//   - a table is as wide as the page's text; a column's share of it includes its rule and its
//     padding on both sides; the first row has a rule above it, every row one below;
//   - a row is as deep as its deepest cell; a merged cell's text counts in its last row;
//   - a cell's lines sit at its top, middle or bottom (`valign`) and left, centre or right;
//   - each section starts a new page; headings and rows follow one another down the page;
//   - a row that pagination cut (`continues`: a row taller than a page) runs down to the page's
//     bottom margin with no rule below it; its next part heads the next page;
//   - a line that does not fit above the page's bottom margin goes to the next page, where the
//     row continues below a rule and padding of its own (a row that no cut could help, a label
//     taller than a page: pagination has put every other row where it fits).
import type { Align, DataPath, GridCell, GridDocument, GridHeading, GridTable, PageStyle, VAlign } from './grid.js';
import { setText, type Face, type TextLine, type TextMeasure } from './text.js';

export interface PositionedPage {
  width: number;
  height: number;
  /** Text and rules, in the order they are drawn. */
  items: PageItem[];
  /** The outline entry (bookmark) that opens at this page. */
  bookmark?: string;
}

export type PageItem = PlacedText | PlacedRule;

/** One line of text. */
export interface PlacedText {
  type: 'text';
  text: string;
  face: Face;
  size: number;
  /** Left end of the line, and its baseline, from the page's top left corner, in pt. */
  x: number;
  baseline: number;
  /** The data value this line shows part of (the cell's or heading's path). */
  path?: DataPath;
}

export interface PlacedRule {
  type: 'rule';
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  width: number;
}

/** The document's pages: each section from a new page, rows taller than a page over as many as they need. */
export function placeDocument(document: GridDocument, measure: TextMeasure): PositionedPage[] {
  const pages: PositionedPage[] = [];
  for (const section of document.sections) {
    const flow = new Flow(document.page, pages);
    if (section.bookmark !== undefined) flow.page.bookmark = section.bookmark;
    for (const block of section.blocks) {
      if (block.type === 'heading') placeHeading(block, flow, measure);
      else placeTable(block, flow, measure);
    }
  }
  return pages;
}

/** The footer of page `number` of `total` (第 X 页 共 Y 页), centred in the bottom margin. */
export function pageFooter(page: PageStyle, number: number, total: number, measure: TextMeasure): PlacedText[] {
  const { footer, size, margins } = page;
  const text = footer.parts.map((part) => (typeof part === 'string' ? part : part.field === 'page' ? number : total)).join('');
  let top = size.height - margins.bottom + footer.offset;
  return setText(text, { face: 'regular', size: footer.fontSize, lineHeight: page.lineHeight, width: size.width }, measure).map((line) => {
    const placed = textAt(line, (size.width - line.width) / 2, top, 'regular', footer.fontSize);
    top += line.height;
    return placed;
  });
}

/**
 * The grid's widths are the columns' outer widths, shares of the full text width, as a form
 * designer measures them; a cell's text is narrower by its padding and rule.
 */
export function contentWidths(page: PageStyle, widths: readonly number[]): number[] {
  const { size, margins, table } = page;
  const total = widths.reduce((a, b) => a + b, 0);
  const textWidth = size.width - margins.left - margins.right - table.rule;
  return widths.map((w) => (w / total) * textWidth - 2 * table.paddingX - table.rule);
}

/** The width a cell's text has: its columns' and, between them, their padding and rules. */
export function cellTextWidth(page: PageStyle, widths: readonly number[], cell: Pick<GridCell, 'col' | 'colSpan'>): number {
  const gap = 2 * page.table.paddingX + page.table.rule;
  let width = widths[cell.col]!;
  for (let j = 1; j < cell.colSpan; j++) width += widths[cell.col + j]! + gap;
  return width;
}

export function headingStyle(page: PageStyle, block: GridHeading) {
  return block.level === 1 ? page.headings.title : page.headings.subtitle;
}

/** Where the next thing goes: a page of the document, and how far down it. */
class Flow {
  index: number;
  y: number;
  constructor(
    readonly style: PageStyle,
    readonly pages: PositionedPage[],
  ) {
    this.index = pages.length;
    this.pageAt(this.index);
    this.y = style.margins.top;
  }
  get page(): PositionedPage {
    return this.pages[this.index]!;
  }
  /** Page `index`, added (blank) if the flow has not reached it yet. */
  pageAt(index: number): PositionedPage {
    while (this.pages.length <= index) this.pages.push({ width: this.style.size.width, height: this.style.size.height, items: [] });
    return this.pages[index]!;
  }
  get top(): number {
    return this.style.margins.top;
  }
  get bottom(): number {
    return this.style.size.height - this.style.margins.bottom;
  }
}

function textAt(line: TextLine, x: number, top: number, face: Face, size: number, path?: DataPath): PlacedText {
  return { type: 'text', text: line.text, face, size, x, baseline: top + line.ascent, ...(path ? { path } : {}) };
}

const alignOffset = (align: Align, room: number, width: number) => (align === 'right' ? room - width : align === 'center' ? (room - width) / 2 : 0);

function placeHeading(block: GridHeading, flow: Flow, measure: TextMeasure): void {
  const { style: page } = flow;
  const { fontSize, bold, align, spaceBefore, spaceAfter } = headingStyle(page, block);
  const face: Face = bold ? 'bold' : 'regular';
  const width = page.size.width - page.margins.left - page.margins.right;
  flow.y += spaceBefore;
  for (const line of setText(block.text, { face, size: fontSize, lineHeight: page.lineHeight, width }, measure)) {
    if (flow.y + line.height > flow.bottom && flow.y > flow.top) {
      flow.pageAt(++flow.index);
      flow.y = flow.top;
    }
    if (line.text !== '') flow.page.items.push(textAt(line, page.margins.left + alignOffset(align, width, line.width), flow.y, face, fontSize, block.path));
    flow.y += line.height;
  }
  flow.y += spaceAfter;
}

/** A place in the flow: page index and y. Later means further down the document. */
interface Spot {
  page: number;
  y: number;
}
const later = (a: Spot, b: Spot): Spot => (a.page > b.page || (a.page === b.page && a.y > b.y) ? a : b);

/** A cell being set: its lines where they fell, until the row it ends in is placed. */
interface SetCell {
  cell: GridCell;
  /** The row it ends in. */
  lastRow: number;
  /** Its lines, drawn in the order the cells start (a reader of the text finds them in the form's order), moved down once its row's depth is known. */
  lines: PlacedText[];
  /** Where its text starts and ends. */
  start: Spot;
  end: Spot;
  x: number;
  width: number;
  size: number;
}

function placeTable(table: GridTable, flow: Flow, measure: TextMeasure): void {
  const { style: page } = flow;
  const { rule, paddingX, paddingY } = page.table;
  const widths = contentWidths(page, table.widths);
  const columns = widths.length;
  const left = page.margins.left;
  // Each column's outer left edge from the table's left (edges[columns]: the table's width).
  const edges = [0];
  for (const w of widths) edges.push(edges.at(-1)! + w + 2 * paddingX + rule);
  const x = (col: number) => left + edges[col]!;
  const tableSize = table.fontSize ?? page.fontSize;
  // Text stops this far above the page's bottom margin: the row's padding and rule go below it.
  const textBottom = flow.bottom - rule - paddingY;
  // On a page a row continues onto, its text starts below a rule and padding of its own.
  const continuedTop = flow.top + rule + paddingY;

  // The merged cells (rowSpan > 1) covering each row, to know where rules stop.
  const coveredBy: Array<Array<GridCell>> = table.rows.map(() => []);
  table.rows.forEach((row, r) => {
    for (const cell of row.cells) for (let k = 1; k < cell.rowSpan && r + k < table.rows.length; k++) coveredBy[r + k]!.push(cell);
  });

  const open = new Map<GridCell, SetCell>(); // merged cells whose last row is still to come
  const itemsOf = (p: number) => flow.pageAt(p).items;
  const horizontal = (p: number, y: number, from: number, to: number) => itemsOf(p).push({ type: 'rule', x1: x(from), y1: y, x2: x(to), y2: y, width: rule });
  /** The table's width at `y`, broken where a merged cell goes on below it (`crossing`). */
  const ruleAcross = (p: number, y: number, crossing: ReadonlyArray<Pick<GridCell, 'col' | 'colSpan'>>) => {
    let from: number | undefined;
    for (let col = 0; col <= columns; col++) {
      const crossed = col < columns && crossing.some((cell) => col >= cell.col && col < cell.col + cell.colSpan);
      if (col < columns && !crossed) {
        from ??= col;
        continue;
      }
      if (from !== undefined) horizontal(p, y, from, col);
      from = undefined;
    }
  };

  table.rows.forEach((row, r) => {
    if (r === 0) {
      ruleAcross(flow.index, flow.y + rule / 2, []);
      flow.y += rule;
    }
    const rowTop: Spot = { page: flow.index, y: flow.y };
    const textTop: Spot = { page: flow.index, y: flow.y + paddingY };

    // Each cell starting here, its lines down from the row's top, onto further pages if need be.
    for (const cell of row.cells) {
      const width = cellTextWidth(page, widths, cell);
      const size = cell.fontSize ?? tableSize;
      const set: SetCell = { cell, lastRow: r + cell.rowSpan - 1, lines: [], start: textTop, end: textTop, x: x(cell.col) + rule + paddingX, width, size };
      let spot = textTop;
      for (const line of setText(cell.text, { face: 'regular', size, lineHeight: page.lineHeight, width }, measure)) {
        const atTop = spot.y <= (spot.page === rowTop.page ? textTop.y : continuedTop);
        if (spot.y + line.height > textBottom && !atTop) spot = { page: spot.page + 1, y: continuedTop };
        if (line.text !== '') {
          const placed = textAt(line, set.x + alignOffset(cell.align, width, line.width), spot.y, 'regular', size, cell.path);
          flow.pageAt(spot.page).items.push(placed);
          set.lines.push(placed);
        }
        spot = { page: spot.page, y: spot.y + line.height };
      }
      set.end = spot;
      open.set(cell, set);
    }

    // The row ends below every cell that ends in it.
    const ending = [...open.values()].filter((set) => set.lastRow === r);
    let bottom: Spot = textTop;
    for (const set of ending) bottom = later(bottom, set.end);
    // A row cut by pagination goes down to the page's foot, open there: it goes on on the next page.
    if (row.continues) bottom = { page: bottom.page, y: Math.max(bottom.y, textBottom) };
    for (const set of ending) {
      open.delete(set.cell);
      alignInRow(set, bottom);
    }

    // Rules: the row's edges on every page it is on, and the rule below it.
    const boundaries = [...row.cells, ...coveredBy[r]!].map((cell) => cell.col).concat(columns);
    for (let p = rowTop.page; p <= bottom.page; p++) {
      const top = p === rowTop.page ? rowTop.y - rule : flow.top;
      const last = p === bottom.page;
      const end = last ? bottom.y + paddingY + rule : textBottom + paddingY + rule;
      for (const col of [...new Set(boundaries)].sort((a, b) => a - b)) {
        const at = x(col) + rule / 2;
        itemsOf(p).push({ type: 'rule', x1: at, y1: top, x2: at, y2: end, width: rule });
      }
      if (p > rowTop.page) ruleAcross(p, flow.top + rule / 2, []);
      if (!last) ruleAcross(p, textBottom + paddingY + rule / 2, []);
    }
    flow.index = bottom.page;
    if (!row.continues) ruleAcross(flow.index, bottom.y + paddingY + rule / 2, coveredBy[r + 1] ?? []);
    flow.y = bottom.y + paddingY + rule;
  });
}

/** A cell on one page sits at the top, middle or bottom of its row (of the rows it spans). */
function alignInRow(set: SetCell, bottom: Spot): void {
  if (set.start.page !== set.end.page || set.end.page !== bottom.page) return;
  const shift = valignOffset(set.cell.valign, bottom.y - set.start.y, set.end.y - set.start.y);
  if (shift !== 0) for (const line of set.lines) line.baseline += shift;
}

const valignOffset = (valign: VAlign, room: number, depth: number) => (valign === 'bottom' ? room - depth : valign === 'middle' ? (room - depth) / 2 : 0);

/** `pages` with their footers, the first being page `first` of `total` (a form's pages in a 汇总表 are not its own 1 to N). */
export function* numberPages(pages: Iterable<PositionedPage>, style: PageStyle, first: number, total: number, measure: TextMeasure): Generator<PositionedPage> {
  let number = first;
  for (const page of pages) yield { ...page, items: [...page.items, ...pageFooter(style, number++, total, measure)] };
}
