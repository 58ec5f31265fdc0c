// The grid model: what a form looks like, independent of PDF or Word. Plain JSON-safe data, no
// classes, nothing from pdfmake or docx. Both renderers only translate it.
//
//   GridDocument ─ sections (each starts a new page; may carry a PDF bookmark)
//     └ blocks: headings (title, year line) and tables
//         └ rows ─ cells placed on resolved slots (col, rowSpan, colSpan)
//
// A heading or cell that shows a data value carries its absolute `path` in the packet, in the
// same form as a diagnostic's path, so readers can map it back and diagnostics can point at it.

/** Where a value lives in the data file: ['projects', 3, 'indicators', 5, 'target'], ['year']. */
export type DataPath = Array<string | number>;

export interface GridDocument {
  sections: GridSection[];
}

export interface GridSection {
  /** Bookmark (PDF outline entry) pointing at the section's first page. */
  bookmark?: string;
  blocks: GridBlock[];
}

export type GridBlock = GridHeading | GridTable;

export interface GridHeading {
  type: 'heading';
  /** 1: the form's title; 2: the line under it, e.g. (2023年度). */
  level: 1 | 2;
  text: string;
  /** The data value the heading shows, e.g. ['year'] for (2023年度), ['title'] for the 汇总表's. */
  path?: DataPath;
}

export interface GridTable {
  type: 'table';
  /** Relative column widths; their sum is the table's full width. */
  widths: number[];
  /** Text size in pt when the table needs its own (a dense summary); else the document's. */
  fontSize?: number;
  rows: GridRow[];
}

export interface GridRow {
  /** A header row printed again at the top of every continuation page below it. */
  repeat: boolean;
  /** The cells that start in this row, left to right. */
  cells: GridCell[];
}

export type CellRole = 'label' | 'value';
export type Align = 'left' | 'center' | 'right';
export type VAlign = 'top' | 'middle' | 'bottom';

export interface GridCell {
  /** First column slot this cell covers (0-based), resolved from the markup's spans. */
  col: number;
  rowSpan: number;
  colSpan: number;
  /** Text as printed; '\n' is a line break. */
  text: string;
  role: CellRole;
  align: Align;
  valign: VAlign;
  /**
   * The data value this cell shows, from the packet's root: ['projects', 2, 'funds', 'annual',
   * 'total']. Labels and computed values (the 汇总表's 序号 and 合计) have none.
   */
  path?: DataPath;
}
