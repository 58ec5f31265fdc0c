// Cells that print on one line (`nowrap`: amounts). An amount split over two lines (226,145,100.
// over 00) misreads; one of 99,999,999,999.99 does not fit the 汇总表's amount columns at 9 pt. So
// where the table's size would wrap such a cell, that cell alone gets the largest size at which it
// does not, as the measure of the writer that prints it finds (PageMeasure.oneLineSize): the grid
// then carries the size, and the PDF and Word writers both print it so.
import type { GridCell, GridDocument, GridSection, GridTable, PageMeasure, PageStyle } from './grid.js';

export function fitOneLine(document: GridDocument, measure: PageMeasure): GridDocument {
  return { ...document, sections: fitSections(document.sections, document.page, measure) };
}

export function fitSections(sections: readonly GridSection[], page: PageStyle, measure: PageMeasure): GridSection[] {
  return sections.map((section) => ({
    ...section,
    blocks: section.blocks.map((block) => (block.type === 'table' ? fitTable(block, page, measure) : block)),
  }));
}

/** The same, one section at a time as they are taken (a 汇总表 streamed to Word). */
export function* fitEach(sections: Iterable<GridSection>, page: PageStyle, measure: PageMeasure): Generator<GridSection> {
  for (const section of sections) yield* fitSections([section], page, measure);
}

function fitTable(table: GridTable, page: PageStyle, measure: PageMeasure): GridTable {
  const { oneLineSize } = measure;
  if (!oneLineSize || !table.rows.some((row) => row.cells.some((cell) => cell.noWrap && cell.fontSize === undefined))) return table;
  const size = table.fontSize ?? page.fontSize;
  const fit = (cell: GridCell): GridCell => {
    if (!cell.noWrap || cell.fontSize !== undefined) return cell;
    const fits = oneLineSize(table, cell);
    return fits < size ? { ...cell, fontSize: fits } : cell;
  };
  return { ...table, rows: table.rows.map((row) => ({ ...row, cells: row.cells.map(fit) })) };
}
