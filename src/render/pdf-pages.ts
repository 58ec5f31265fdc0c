// pdfmake's pages for a grid that layout has already paginated, laid out here in one pass.
//
// pdfmake's own layout (LayoutBuilder, DocMeasure, TableProcessor) was a third of the time of a
// one-page form: it looks every style up again for every character and measures every text a
// second time. But once layout/paginate.ts has cut every table into pieces that fit a page, there
// is nothing left to decide: each section is one page, and every line, rule and alignment box
// sits where pdfmake would put it. So this file computes pdfmake's page items (text lines, rules,
// vertical-alignment boxes) itself, from the lines `textLines` already broke while measuring, and
// pdfmake's Renderer draws them as before: the PDFs are byte-identical to pdfmake's own layout
// (test/pdf-pages.test.ts compares every item, and the seed's PDFs keep their SHA-256).
//
// The arithmetic below follows pdfmake 0.3.11 step by step (DocumentContext, ElementWriter,
// LayoutBuilder.processRow, TableProcessor.beginRow/endRow/drawHorizontalLine), in the same order
// of floating-point operations, so that the numbers come out bit for bit the same. Where a
// document would need pdfmake to decide something (a line that does not fit on its page: a row
// taller than a page; a cell that spans rows and columns at once), `layoutPages` returns
// undefined and renderPdf lets pdfmake lay the document out itself.
import type { Align, GridCell, GridDocument, GridHeading, GridTable, PageStyle, VAlign } from '../layout/grid.js';
import type { LoadedFonts } from './fonts.js';
import { textLines, type PdfLine } from './pdf-text.js';

/** A page as pdfmake's Renderer reads it. */
export interface PdfmakePage {
  pageSize: { width: number; height: number; orientation: 'portrait' | 'landscape' };
  pageMargins: PageStyle['margins'];
  items: PageItem[];
}

export type PageItem =
  | { type: 'line'; item: PlacedLine }
  | { type: 'vector'; item: RuleVector }
  | { type: 'beginVerticalAlignment' | 'endVerticalAlignment'; item: AlignmentBox };

/** A measured line at its place on the page (the measured line itself is shared, not changed). */
export interface PlacedLine {
  line: PdfLine;
  x: number;
  y: number;
  /** The bookmark this line opens (pdfmake's `_outline`). */
  outline?: string;
}

export interface RuleVector {
  type: 'line';
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  lineWidth: number;
  lineColor: string;
}

/** A cell's text box for vertical alignment: pdfmake shifts the text by (view − node) / 2 for 'middle'. */
export interface AlignmentBox {
  verticalAlignment: VAlign;
  isCellContentMultiPage: false;
  getNodeHeight?(): number;
  getViewHeight?(): number;
}

export interface LaidOutPages {
  pages: PdfmakePage[];
  /** `rows[t][r]`: the page row r of the t-th table is on (every row of a piece is on one page). */
  rowPages: number[][];
}

// pdfmake's defaults for what the grid does not set (tableLayouts.defaultTableLayout).
const RULE_COLOR = 'black';

/** The document laid out as pdfmake lays it out, or undefined where pdfmake must decide itself. */
export function layoutPages(document: GridDocument, fonts: LoadedFonts, footerText: (page: number, pages: number) => string): LaidOutPages | undefined {
  const { page: style } = document;
  const { size, margins } = style;
  const pageSize = { width: size.width, height: size.height, orientation: size.width > size.height ? ('landscape' as const) : ('portrait' as const) };
  const text = (value: string, fontSize: number, width: number, alignment: Align, bold = false, maxChars?: number) =>
    textLines(value, { family: fonts.family, fonts, fontSize, lineHeight: style.lineHeight, bold, alignment, width }, maxChars);

  // pdfmake makes one blank page of no sections, and none of an empty one: not followed here.
  if (document.sections.length === 0 || document.sections.some((section) => section.blocks.length === 0)) return undefined;
  const pages: PdfmakePage[] = [];
  const rowPages: number[][] = [];
  let tableIndex = 0;
  for (const section of document.sections) {
    const page: PdfmakePage = { pageSize, pageMargins: margins, items: [] };
    pages.push(page);
    // DocumentContext.addPage, then initializePage.
    const flow = new Flow(margins.left, size.width - margins.left - margins.right, margins.top, size.height - margins.top - margins.bottom);
    const top = margins.top;
    let first = true;
    for (const block of section.blocks) {
      // pdfmake opens a bookmark only at a text node (LayoutBuilder.processLeaf).
      const outline = first && block.type === 'heading' ? section.bookmark : undefined;
      first = false;
      if (block.type === 'heading') {
        if (!heading(block, style, flow, page, top, outline, text)) return undefined;
        continue;
      }
      const t = tableIndex++;
      const laid = table(block, t, style, flow, page, top, text);
      if (!laid) return undefined;
      rowPages.push(block.rows.map(() => pages.length - 1));
    }
  }

  // LayoutBuilder.addHeadersAndFooters: the footer laid out in a block as wide as the page and as
  // high as its bottom margin, then placed at the margin's top.
  const { footer } = style;
  for (const [p, page] of pages.entries()) {
    const blockHeight = margins.bottom;
    const flow = new Flow(0, size.width - 0 - 0, 0, blockHeight - 0 - 0);
    if (flow.availableHeight - footer.offset < 0) return undefined;
    flow.moveDown(footer.offset);
    for (const line of text(footerText(p + 1, pages.length), footer.fontSize, flow.availableWidth, 'center')) {
      if (line.getHeight() > flow.availableHeight && flow.y > 0) return undefined;
      const placed = flow.addLine(line);
      // ElementWriter.addFragment, at (0, page height − bottom margin).
      placed.x = placed.x + 0;
      placed.y = placed.y + (size.height - margins.bottom);
      page.items.push({ type: 'line', item: placed });
    }
  }
  return { pages, rowPages };
}

/** pdfmake's DocumentContext: where the next thing goes, and the room left. */
class Flow {
  lastColumnWidth = 0;
  constructor(
    public x: number,
    public availableWidth: number,
    public y: number,
    public availableHeight: number,
  ) {}

  moveDown(offset: number): void {
    this.y += offset;
    this.availableHeight -= offset;
  }

  /** ElementWriter.addLine and alignLine: the line at the current place, then below it. */
  addLine(line: PdfLine): PlacedLine {
    const placed: PlacedLine = { line, x: this.x + 0, y: this.y + 0 };
    const alignment = line.inlines[0]?.alignment;
    const offset = alignment === 'right' ? this.availableWidth - line.getWidth() : alignment === 'center' ? (this.availableWidth - line.getWidth()) / 2 : 0;
    if (offset) placed.x = placed.x + offset;
    this.moveDown(line.getHeight());
    return placed;
  }
}

type Lines = (value: string, fontSize: number, width: number, alignment: Align, bold?: boolean, maxChars?: number) => readonly PdfLine[];

/** A line's room on the page, as LayoutBuilder.processLeaf checks it: false where it would move to the next page. */
const fits = (line: PdfLine, flow: Flow, top: number) => !(line.getHeight() > flow.availableHeight && flow.y > top);

function heading(block: GridHeading, style: PageStyle, flow: Flow, page: PdfmakePage, top: number, outline: string | undefined, lines: Lines): boolean {
  const { fontSize, bold, align, spaceBefore, spaceAfter } = block.level === 1 ? style.headings.title : style.headings.subtitle;
  // LayoutBuilder.processNode's margins: a margin that does not fit moves to the next page.
  if (flow.availableHeight - spaceBefore < 0) return false;
  flow.moveDown(spaceBefore);
  let firstLine = true;
  for (const line of lines(block.text, fontSize, flow.availableWidth, align, bold, Infinity)) {
    if (!fits(line, flow, top)) return false;
    const placed = flow.addLine(line);
    if (firstLine && outline !== undefined) placed.outline = outline;
    firstLine = false;
    page.items.push({ type: 'line', item: placed });
  }
  if (flow.availableHeight - spaceAfter < 0) return false;
  flow.moveDown(spaceAfter);
  return true;
}

/** A slot of pdfmake's table body: a cell, or a placeholder under a span. */
interface Slot {
  cell?: GridCell;
  /** Covered by a cell to its left (colSpan) or above (rowSpan). */
  span: boolean;
  colSpan?: number;
  rowSpan?: number;
  /** Rows below the start of the rowSpan covering this placeholder (TableProcessor's _rowSpanCurrentOffset). */
  rowSpanOffset?: number;
  /** The placeholder in the last row of this cell's rowSpan. */
  endingCell?: Slot;
  /** Where the cell above ended, kept on its ending placeholder (DocumentContext.saveContextInEndingCell). */
  endingContext?: { x: number; y: number; availableHeight: number; availableWidth: number; lastColumnWidth: number };
  /** Set by endRow: the cell's bottom, for the alignment box of a rowSpan above ending here. */
  bottomY?: number;
}

interface Bottom {
  x: number;
  y: number;
  availableHeight: number;
  availableWidth: number;
}

function table(block: GridTable, t: number, style: PageStyle, flow: Flow, page: PdfmakePage, top: number, lines: Lines): boolean {
  const { rule, paddingX, paddingY } = style.table;
  const widths = contentWidths(style, block.widths);
  const columns = widths.length;
  const fontSize = block.fontSize ?? style.fontSize;

  // DocMeasure.measureTable: the offsets (gaps) before each column.
  const offsets: number[] = [];
  let prevRightPadding = 0;
  for (let i = 0; i < columns; i++) {
    offsets.push(prevRightPadding + rule + paddingX);
    prevRightPadding = paddingX;
  }
  // TableProcessor.beginTable: each column's left edge and outer width.
  const spans: Array<{ left: number; rowSpan: number; width: number }> = [{ left: 0, rowSpan: 0, width: 0 }];
  let left = 0;
  for (let i = 0; i < columns; i++) {
    const lastWidth = paddingX + paddingX + rule + widths[i]!;
    spans[spans.length - 1]!.width = lastWidth;
    left += lastWidth;
    spans.push({ left, rowSpan: 0, width: 0 });
  }

  // The body, with pdfmake's placeholders.
  const body: Slot[][] = block.rows.map(() => []);
  for (const [r, row] of block.rows.entries()) {
    for (const cell of row.cells) {
      if (cell.rowSpan > 1 && cell.colSpan > 1) return false; // pdfmake's own bookkeeping for these is not followed here
      if (body[r]![cell.col] || r + cell.rowSpan > block.rows.length) return false;
      body[r]![cell.col] = { cell, span: false, colSpan: cell.colSpan, rowSpan: cell.rowSpan };
      for (let j = 1; j < cell.colSpan; j++) body[r]![cell.col + j] = { span: true, rowSpan: cell.rowSpan };
      for (let k = 1; k < cell.rowSpan; k++) body[r + k]![cell.col] = { span: true };
    }
  }
  if (body.some((row) => row.length !== columns || Array.from(row).some((slot) => !slot))) return false;

  const hLine = (lineIndex: number, overrideY: number | undefined, moveDown: boolean) => {
    drawHorizontalLine(body, spans, lineIndex, rule, flow, page, overrideY);
    if (moveDown) flow.moveDown(rule);
  };

  let tableTopBorderY = 0;
  for (let r = 0; r < block.rows.length; r++) {
    const cells = body[r]!;
    // TableProcessor.beginRow.
    if (r === 0) {
      tableTopBorderY = flow.y;
      flow.moveDown(rule);
    }
    const rowTopY = flow.y;
    const reservedAtBottom = rule + paddingY;
    flow.availableHeight -= reservedAtBottom;
    flow.moveDown(paddingY);

    // LayoutBuilder.processRow: each cell from the row's top, the row as deep as its deepest cell.
    const saved = { x: flow.x, y: flow.y, availableHeight: flow.availableHeight, availableWidth: flow.availableWidth, lastColumnWidth: flow.lastColumnWidth };
    let bottomMost: Bottom = { x: flow.x, y: flow.y, availableHeight: flow.availableHeight, availableWidth: flow.availableWidth };
    flow.lastColumnWidth = 0;
    const boxes: Array<{ slot: Slot; begin: AlignmentBox; height: number }> = [];
    const calculateBottomMost = (endingCell: Slot | undefined) => {
      if (endingCell) {
        endingCell.endingContext = { x: flow.x, y: flow.y, availableHeight: flow.availableHeight, availableWidth: flow.availableWidth, lastColumnWidth: flow.lastColumnWidth };
      } else {
        bottomMost = flow.y > bottomMost.y ? { x: flow.x, y: flow.y, availableHeight: flow.availableHeight, availableWidth: flow.availableWidth } : { ...bottomMost };
      }
    };
    for (let i = 0; i < columns; i++) {
      const slot = cells[i]!;
      const begin = i;
      let width = widths[i]!;
      const leftOffset = offsets[i]!;
      const startingSpan = startingRowSpan(cells, i);
      for (let j = 1; j < (slot.colSpan ?? 1); j++) width += widths[++i]! + offsets[i]!;
      if (slot.cell && slot.cell.rowSpan > 1) slot.endingCell = body[r + slot.cell.rowSpan - 1]![begin];
      // DocumentContext.beginColumn.
      calculateBottomMost(startingSpan?.endingCell);
      flow.x = flow.x + flow.lastColumnWidth + (leftOffset || 0);
      flow.y = saved.y;
      flow.availableWidth = width;
      flow.availableHeight = saved.availableHeight;
      flow.lastColumnWidth = width;
      if (slot.cell) {
        const { cell } = slot;
        const beginBox: AlignmentBox = { verticalAlignment: cell.valign, isCellContentMultiPage: false };
        page.items.push({ type: 'beginVerticalAlignment', item: beginBox });
        const prevTop = flow.y;
        for (const line of lines(cell.text, cell.fontSize ?? fontSize, width, cell.align)) {
          if (!fits(line, flow, top)) return false;
          page.items.push({ type: 'line', item: flow.addLine(line) });
        }
        page.items.push({ type: 'endVerticalAlignment', item: { verticalAlignment: cell.valign, isCellContentMultiPage: false } });
        boxes.push({ slot, begin: beginBox, height: flow.y - prevTop });
      } else if (slot.endingContext) {
        // DocumentContext.markEnding: the cell above that ends here counts for this row's depth.
        const ending = slot.endingContext;
        flow.x = ending.x + 0;
        flow.y = ending.y - 0;
        flow.availableWidth = ending.availableWidth;
        flow.availableHeight = ending.availableHeight;
        flow.lastColumnWidth = ending.lastColumnWidth;
      }
    }
    const lastColumn = cells[columns - 1]!;
    const endingSpan = lastColumn.endingCell ?? (lastColumn.span ? startingRowSpan(cells, columns)?.endingCell : undefined);
    // DocumentContext.completeColumnGroup.
    calculateBottomMost(endingSpan);
    flow.x = saved.x;
    flow.y = bottomMost.y;
    flow.availableWidth = saved.availableWidth;
    flow.availableHeight = bottomMost.availableHeight;
    const rowHeight = bottomMost.y - saved.y;
    flow.lastColumnWidth = saved.lastColumnWidth;
    const rowBottomY = flow.y;
    for (const { slot, begin, height } of boxes) {
      begin.getNodeHeight = () => height;
      const ending = slot.cell!.rowSpan > 1 ? body[r + slot.cell!.rowSpan - 1]![slot.cell!.col]! : undefined;
      begin.getViewHeight = ending ? () => rowHeight + ending.bottomY! - rowBottomY : () => rowHeight;
    }

    // TableProcessor.endRow: the rules around the row.
    flow.moveDown(paddingY);
    flow.availableHeight += reservedAtBottom;
    const endingY = flow.y;
    if (endingY - rowTopY === paddingY) return false; // pdfmake's "orphan padding" case, not followed here
    if (r === 0) hLine(0, tableTopBorderY, false);
    const xs = lineXs(cells, spans);
    for (const [i, { x, index }] of xs.entries()) {
      // Every cell has all four borders (the default), so every line x gets its vertical rule.
      page.items.push({ type: 'vector', item: vector(x + rule / 2 + flow.x, rowTopY - rule, x + rule / 2 + flow.x, endingY + rule, rule) });
      if (i < xs.length - 1) {
        const slot = cells[index]!;
        slot.bottomY ??= endingY + rule / 2 - reservedAtBottom;
      }
    }
    for (const [i, slot] of cells.entries()) {
      if (slot.rowSpan) spans[i]!.rowSpan = slot.rowSpan;
      if (slot.rowSpan && slot.rowSpan > 1) for (let j = 1; j < slot.rowSpan; j++) body[r + j]![i]!.rowSpanOffset = j;
      if (spans[i]!.rowSpan > 0) spans[i]!.rowSpan--;
    }
    hLine(r + 1, undefined, true);
  }
  return true;
}

/** A rule as pdfmake's TableProcessor adds it (ElementWriter.addVector offsets it by the context). */
function vector(x1: number, y1: number, x2: number, y2: number, lineWidth: number): RuleVector {
  return { type: 'line', x1, y1, x2, y2, lineWidth, lineColor: RULE_COLOR };
}

/** LayoutBuilder._findStartingRowSpanCell: the cell just left of slot i, if it starts a rowSpan and ends at i. */
function startingRowSpan(cells: Slot[], i: number): Slot | undefined {
  let requiredColspan = 1;
  for (let index = i - 1; index >= 0; index--) {
    const slot = cells[index]!;
    if (!slot.span) return (slot.rowSpan ?? 1) > 1 && (slot.colSpan ?? 1) === requiredColspan ? slot : undefined;
    requiredColspan++;
  }
  return undefined;
}

/** TableProcessor.endRow's getLineXs: where the row's vertical rules stand. */
function lineXs(cells: Slot[], spans: Array<{ left: number }>): Array<{ x: number; index: number }> {
  const result: Array<{ x: number; index: number }> = [];
  let cols = 0;
  for (const [i, slot] of cells.entries()) {
    if (!cols) {
      result.push({ x: spans[i]!.left, index: i });
      cols = slot.colSpan ?? 0;
    }
    if (cols > 0) cols--;
  }
  result.push({ x: spans[spans.length - 1]!.left, index: spans.length - 1 });
  return result;
}

/**
 * TableProcessor.drawHorizontalLine, for cells with every border: one segment per cell edge,
 * none where a rowSpan above continues below the line.
 */
function drawHorizontalLine(
  body: Slot[][],
  spans: Array<{ left: number; rowSpan: number; width: number }>,
  lineIndex: number,
  lineWidth: number,
  flow: Flow,
  page: PdfmakePage,
  overrideY: number | undefined,
): void {
  const offset = lineWidth / 2;
  let currentLine: { left: number; width: number } | null = null;
  let cellAbove: Slot | undefined;
  let currentCell: Slot | undefined;
  let rowCellAbove: Slot | undefined;
  for (let i = 0, l = spans.length; i < l; i++) {
    const data = spans[i]!;
    let shouldDrawLine = !data.rowSpan;
    if (shouldDrawLine && i < l - 1) {
      if (lineIndex > 0) cellAbove = body[lineIndex - 1]![i];
      if (lineIndex < body.length) currentCell = body[lineIndex]![i];
      shouldDrawLine = true;
    }
    if (cellAbove && cellAbove.rowSpanOffset) rowCellAbove = body[lineIndex - 1 - cellAbove.rowSpanOffset]![i];
    if (!currentLine && shouldDrawLine) currentLine = { left: data.left, width: 0 };
    if (shouldDrawLine) {
      let colSpanIndex = 0;
      const spanning = rowCellAbove?.colSpan ? rowCellAbove : cellAbove?.colSpan ? cellAbove : currentCell?.colSpan ? currentCell : undefined;
      if (spanning) {
        while (spanning.colSpan! > colSpanIndex) currentLine!.width += spans[i + colSpanIndex++]!.width || 0;
        i += colSpanIndex - 1;
      } else {
        currentLine!.width += spans[i]!.width || 0;
      }
    }
    const y = (overrideY || 0) + offset;
    if (shouldDrawLine && currentLine && currentLine.width) {
      const dy = overrideY === undefined ? flow.y : 0;
      page.items.push({ type: 'vector', item: vector(currentLine.left + flow.x, y + dy, currentLine.left + currentLine.width + flow.x, y + dy, lineWidth) });
      currentLine = null;
      cellAbove = undefined;
      currentCell = undefined;
      rowCellAbove = undefined;
    }
  }
}

/**
 * The grid's widths are the columns' outer widths, shares of the full text width, as a form
 * designer measures them; pdfmake wants each column's width inside its padding and rules.
 */
export function contentWidths(page: PageStyle, widths: number[]): number[] {
  const { size, margins, table } = page;
  const total = widths.reduce((a, b) => a + b, 0);
  const textWidth = size.width - margins.left - margins.right - table.rule;
  return widths.map((w) => (w / total) * textWidth - 2 * table.paddingX - table.rule);
}
