// What pagination needs to know (layout/page-flow.ts): every heading's and cell's lines, set as
// placement (layout/place.ts) will set them, with the same breaker and the same measure, so the
// breaks it plans are the breaks the pages get.
import { cellTextWidth, contentWidths, headingStyle } from './place.js';
import type { GridCell, GridTable, PageMeasure, PageStyle, TableBox } from './grid.js';
import { lineSpans, setText, type TextMeasure } from './text.js';

/** Sizes a one-line (`nowrap`) cell may shrink to, in pt: down in steps of `step` (Word sizes are whole half-points), never below `minSize`. */
export const ONE_LINE = { step: 0.5, minSize: 4 };

export function pageMeasure(page: PageStyle, measure: TextMeasure): PageMeasure {
  const { size, margins, lineHeight } = page;
  const heights = (lines: ReadonlyArray<{ height: number }>) => lines.map((line) => line.height);
  const tables = new WeakMap<GridTable, TableBox>();
  const measureTable = (block: GridTable): TableBox => {
    const widths = contentWidths(page, block.widths);
    const tableSize = block.fontSize ?? page.fontSize;
    const set = (cell: GridCell) => setText(cell.text, { face: 'regular', size: cell.fontSize ?? tableSize, lineHeight, width: cellTextWidth(page, widths, cell) }, measure);
    const lines = block.rows.map((row) => row.cells.map((cell) => heights(set(cell))));
    const { rule, paddingY } = page.table;
    // Where each line of a cell that is cut starts and ends in its text, found once.
    const spans = new Map<GridCell, Array<[number, number]>>();
    const text = (r: number, i: number, from: number, to: number) => {
      if (from >= to) return '';
      const cell = block.rows[r]!.cells[i]!;
      let cellSpans = spans.get(cell);
      if (!cellSpans) spans.set(cell, (cellSpans = lineSpans(cell.text, set(cell))));
      return cell.text.slice(cellSpans[from]![0], cellSpans[to - 1]![1]);
    };
    return { rule, paddingTop: paddingY, paddingBottom: paddingY, lines, text };
  };
  return {
    pageHeight: size.height - margins.top - margins.bottom,
    heading(block) {
      const style = headingStyle(page, block);
      const width = size.width - margins.left - margins.right;
      const lines = setText(block.text, { face: style.bold ? 'bold' : 'regular', size: style.fontSize, lineHeight, width }, measure);
      return { lines: heights(lines), marginTop: style.spaceBefore, marginBottom: style.spaceAfter };
    },
    table(block) {
      // Measured once: pagination plans with the box, and cuts the rows it plans to cut with it.
      let box = tables.get(block);
      if (!box) tables.set(block, (box = measureTable(block)));
      return box;
    },
    oneLineSize(block, cell) {
      const width = cellTextWidth(page, contentWidths(page, block.widths), cell);
      const start = cell.fontSize ?? block.fontSize ?? page.fontSize;
      // Smaller sizes are whole steps (half-points, as Word has them), from the largest below the
      // table's own (a template's size="9.3": 9, 8.5, …).
      const fits = (fontSize: number) => setText(cell.text, { face: 'regular', size: fontSize, lineHeight, width }, measure).length <= 1;
      if (fits(start)) return start;
      for (let s = Math.ceil(start / ONE_LINE.step - 1) * ONE_LINE.step; s > ONE_LINE.minSize; s -= ONE_LINE.step) {
        if (fits(s)) return s;
      }
      return ONE_LINE.minSize;
    },
  };
}
