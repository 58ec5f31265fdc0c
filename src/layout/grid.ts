// The grid model: what a form looks like, independent of PDF or Word. Plain JSON-safe data, no
// classes, nothing from pdfkit or docx. Both writers only translate it.
//
//   GridDocument ─ page: paper, margins, type sizes, heading styles, footer (PageStyle)
//     └ sections (each starts a new page; may carry a PDF bookmark)
//         └ blocks: headings (title, year line) and tables
//             └ rows ─ cells placed on resolved slots (col, rowSpan, colSpan)
//
// A heading or cell that shows a data value carries its absolute `path` in the packet, in the
// same form as a diagnostic's path, so readers can map it back and diagnostics can point at it.
//
// The grid is the whole hand-off from layout to the writers: a writer reads the page and the
// cells from here and holds no page or type constants of its own. The PDF writer gets the grid
// paginated and placed (layout/pages.ts); Word flows its own pages.

/** Where a value lives in the data file: ['projects', 3, 'indicators', 5, 'target'], ['year']. */
export type DataPath = Array<string | number>;

export interface GridDocument {
  page: PageStyle;
  sections: GridSection[];
}

/** The printed page, in pt (1/72 inch). Layout fills it in (layout/page-style.ts). */
export interface PageStyle {
  /** Paper size; A4 portrait is 595.28 × 841.89. */
  size: { width: number; height: number };
  margins: { top: number; right: number; bottom: number; left: number };
  /** Body text size (table cells unless a table sets its own). */
  fontSize: number;
  /** Line height as a multiple of the text size. */
  lineHeight: number;
  /** Title (level 1) and the line under it (level 2). */
  headings: { title: HeadingStyle; subtitle: HeadingStyle };
  /** Table rules and the space between a rule and a cell's text. */
  table: { rule: number; paddingX: number; paddingY: number };
  /** Page footer, centred in the bottom margin: text and fields (this page's number, the page count). */
  footer: { parts: Array<string | { field: 'page' | 'pages' }>; fontSize: number; /** from the top of the bottom margin */ offset: number };
}

export interface HeadingStyle {
  fontSize: number;
  bold: boolean;
  align: Align;
  spaceBefore: number;
  spaceAfter: number;
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
  /**
   * Its text goes on in the next row, at the top of the next page: a row taller than a page,
   * cut between lines by pagination (layout/paginate.ts). No rule closes it at the page's foot,
   * so that a reader sees the row go on.
   */
  continues?: boolean;
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
  /** Printed on one line (amounts): where the table's size would wrap it, layout sets `fontSize` (layout/fit.ts). */
  noWrap?: boolean;
  /** This cell's text size in pt, where it differs from its table's (set by layout/fit.ts). */
  fontSize?: number;
}

// What pagination knows of the text (layout/page-measure.ts), so that it can break pages (layout/page-flow.ts).

/** The text's measurements, in pt. */
export interface PageMeasure {
  /** Height of a page's content area (inside the margins). */
  pageHeight: number;
  heading(block: GridHeading): HeadingBox;
  table(block: GridTable): TableBox;
  /**
   * The largest text size, at most the cell's own, at which `cell` of `block` prints on one line
   * (down to a least size of the writer's own). Absent (a test's measure): `nowrap` cells keep their size.
   */
  oneLineSize?(block: GridTable, cell: GridCell): number;
}

export interface HeadingBox {
  /** Heights of the lines the heading is printed in. */
  lines: number[];
  marginTop: number;
  marginBottom: number;
}

export interface TableBox {
  /** Width of the horizontal rule above and below every row. */
  rule: number;
  /** Space between a rule and a cell's text, above and below. */
  paddingTop: number;
  paddingBottom: number;
  /** Heights of the lines of each cell's text: `lines[r][i]` for `table.rows[r].cells[i]`. */
  lines: number[][][];
  /**
   * The text of lines `from` to `to` (exclusive) of cell `i` of row `r`, as a value of its own that
   * sets to those very lines: where a row taller than a page is cut. Absent (a test's measure):
   * rows are not cut.
   */
  text?(r: number, i: number, from: number, to: number): string;
}
