// Grid -> PDF bytes (pdfmake). A4 portrait, the CJK font embedded as a subset, 第 X 页 共 Y 页
// in the footer, one bookmark per section that names one.
//
// pdfmake does not repeat a merged cell's label after a page break (upstream #2274, #2895), and
// repeats header rows only at the top of a table. So the document is paginated before pdfmake
// sees it: this file measures (the line heights of every heading and cell, from pdfmake's own line
// breaker; rules, paddings, page height), layout/page-flow.ts decides every page break of every
// table from those measurements in one go, layout/paginate.ts cuts the tables there (repeated
// header rows, merged labels printed again), and pdfmake lays out and writes the result once.
// Rows may break in pdfmake's layout only so that a row taller than a page (a very long goal
// text) continues on the next page instead of being clipped; any other split row is moved whole
// to a new page. A row that would run over three pages or more stays where it is.
//
// The one layout is checked, not trusted: every cell node carries an id, and pdfmake's
// pageBreakBefore hook sees each node's pages. If a piece still spilled onto a further page (a
// measurement was off), its first row that did is forced to begin a page, the rest of the table
// is paginated again and pdfmake lays it out again. With exact measurements that never happens:
// one pdfmake pass per document, whatever its length (`PdfResult.layoutPasses`). Long cell text reaches
// pdfmake in short pieces (render/pdf-text.ts), so layout time grows linearly with text length.
import pdfmake from 'pdfmake';
import type { Content, ContentTable, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import type { GridBlock, GridCell, GridDocument, GridHeading, GridTable } from '../layout/grid.js';
import type { PageMeasure } from '../layout/page-flow.js';
import { cutDocument, paginate, type LaidOutDocument } from '../layout/paginate.js';
import type { LoadedFonts } from './fonts.js';
import { pdfText, textLineHeights, type TextMetrics } from './pdf-text.js';

export interface PdfOptions {
  fonts: LoadedFonts;
  /** Written as the PDF's CreationDate/ModDate; pass a fixed date for reproducible output. */
  creationDate: Date;
  /** Document title (PDF metadata). */
  title?: string;
  /** Table text size in pt, where a table does not set its own. */
  fontSize?: number;
  /**
   * true (default): place every page break from one measurement, then lay out once. false: find
   * them the slow way, laying the document out again after each break found (one pdfmake pass per
   * continuation page); tests compare the two.
   */
  planBreaks?: boolean;
}

export const DEFAULT_PDF_OPTIONS = {
  fontSize: 10.5,
} satisfies Partial<PdfOptions>;

const A4_PORTRAIT = { pageSize: 'A4', pageOrientation: 'portrait' } as const;
const A4_WIDTH = 595.28;
const A4_HEIGHT = 841.89;
const PAGE_MARGINS: [number, number, number, number] = [36, 36, 36, 48];
const RULE = 0.6;
const PADDING_X = 3;
const PADDING_Y = 3;
const LINE_HEIGHT = 1.2;

// Fonts and files come from memory only: no network, no file read during rendering.
const vfs = (pdfmake as unknown as { virtualfs: { writeFileSync(name: string, data: Buffer): void } }).virtualfs;
pdfmake.setUrlAccessPolicy(() => false);
pdfmake.setLocalAccessPolicy(() => false);

export interface PdfResult {
  bytes: Buffer;
  /**
   * The document as laid out: tables cut at their page breaks, each continuation a section of its
   * own. Rendering it again (say, inside the 汇总表) takes a single pass.
   */
  laidOut: GridDocument;
  /** How many times pdfmake laid out the document (1 unless a measurement was off). */
  layoutPasses: number;
}

export async function renderPdf(document: GridDocument, pdfOptions: PdfOptions): Promise<PdfResult> {
  const options = { ...DEFAULT_PDF_OPTIONS, ...pdfOptions };
  registerFonts(options.fonts);
  const measure = pdfMeasure(options);
  let forced: number[][] = [];

  // Each pass either fits or forces a break strictly inside a piece, never the same row twice: so
  // it ends. Planned, the first pass fits unless a measurement was off.
  for (let passes = 1; ; passes++) {
    const laidOut = options.planBreaks === false ? cutDocument(document, forced) : paginate(document, measure, forced);
    const placements: Placements = new Map();
    const definition = documentDefinition(laidOut.document, options, (id, pages) => place(placements, id, pages));
    const bytes = await pdfmake.createPdf(definition).getBuffer();

    const added = overflowRows(laidOut.pieces, placements);
    if (added.length === 0) return { bytes, laidOut: laidOut.document, layoutPasses: passes };
    forced = mergeBreaks(forced, added);
  }
}

/** What layout needs to know to break pages: every heading's and cell's lines, as pdfmake sets them. */
function pdfMeasure(options: Required<Pick<PdfOptions, 'fontSize'>> & PdfOptions): PageMeasure {
  const { family } = options.fonts;
  const fonts = options.fonts;
  return {
    // In pdfmake's order of operations (DocumentContext.initializePage).
    pageHeight: A4_HEIGHT - PAGE_MARGINS[1] - PAGE_MARGINS[3],
    heading(block) {
      const style = headingStyle(block);
      const width = A4_WIDTH - PAGE_MARGINS[0] - PAGE_MARGINS[2];
      const metrics = { family, fonts, fontSize: style.fontSize, bold: style.bold, lineHeight: LINE_HEIGHT, width };
      return { lines: textLineHeights(block.text, metrics, Infinity), marginTop: style.margin[1], marginBottom: style.margin[3] };
    },
    table(block) {
      const widths = contentWidths(block.widths);
      const fontSize = block.fontSize ?? options.fontSize;
      const lines = block.rows.map((row) =>
        row.cells.map((cell) => textLineHeights(cell.text, { family, fonts, fontSize, lineHeight: LINE_HEIGHT, width: cellWidth(widths, cell) })),
      );
      return { rule: RULE, paddingTop: PADDING_Y, paddingBottom: PADDING_Y, lines };
    },
  };
}

function registerFonts(fonts: LoadedFonts): void {
  const regular = `${fonts.family}-regular.ttf`;
  const bold = `${fonts.family}-bold.ttf`;
  vfs.writeFileSync(regular, fonts.regular);
  vfs.writeFileSync(bold, fonts.bold);
  pdfmake.setFonts({ [fonts.family]: { normal: regular, bold, italics: regular, bolditalics: bold } });
}

/**
 * Where the rows landed, by row id: the page each starts on, whether it ran onto the next, and
 * whether it is taller than a page (ran over three pages or more).
 */
type Placements = Map<string, { page: number; split: boolean; tall: boolean }>;

// Cell ids must be unique in a document: `<row id>:<column>:<rowSpan>`.
const rowId = (table: number, row: number) => `t${table}r${row}`;

function place(placements: Placements, cellId: string, pages: number[]): void {
  const [row, , rowSpan] = cellId.split(':');
  const placement = placements.get(row!) ?? { page: Infinity, split: false, tall: false };
  placement.page = Math.min(placement.page, ...pages);
  // A merged label may sit on either side of a break; only one-row cells tell a split row.
  if (rowSpan === '1' && pages.length > 1) placement.split = true;
  if (rowSpan === '1' && pages.length > 2) placement.tall = true;
  placements.set(row!, placement);
}

/** For each piece that spilled onto a further page, the first row that did: a new break. */
function overflowRows(pieces: LaidOutDocument['pieces'], placements: Placements): Array<{ table: number; row: number }> {
  return pieces.flatMap(({ table, piece }, i) => {
    const first = piece.repeatedRows;
    const startPage = placements.get(rowId(i, first))?.page;
    if (startPage === undefined) return [];
    // The piece's first row may itself be taller than a page: nothing to gain by moving it.
    for (let row = first + 1; row < piece.sourceRows.length; row++) {
      const placement = placements.get(rowId(i, row));
      if (placement && (placement.page > startPage || (placement.split && !placement.tall))) {
        return [{ table, row: piece.sourceRows[row]! }];
      }
    }
    return [];
  });
}

function mergeBreaks(breaks: number[][], added: Array<{ table: number; row: number }>): number[][] {
  const merged = breaks.map((rows) => [...rows]);
  for (const { table, row } of added) (merged[table] ??= []).push(row);
  return merged.map((rows) => (rows ?? []).sort((a, b) => a - b));
}

function documentDefinition(
  document: GridDocument,
  options: Required<Pick<PdfOptions, 'fontSize'>> & PdfOptions,
  record: (cellId: string, pages: number[]) => void,
): TDocumentDefinitions {
  let tableIndex = 0;
  const content: Content[] = [];
  document.sections.forEach((section, s) => {
    const nodes: Content[] = [];
    for (const block of section.blocks) {
      if (block.type === 'heading') nodes.push(heading(block));
      else {
        const t = tableIndex++;
        const font = { family: options.fonts.family, fonts: options.fonts, fontSize: block.fontSize ?? options.fontSize };
        nodes.push(pdfTable(block, (row) => rowId(t, row), font));
      }
    }
    const first = nodes[0] as Record<string, unknown> | undefined;
    if (first && s > 0) first.pageBreak = 'before';
    if (first && section.bookmark) Object.assign(first, { outline: true, outlineText: section.bookmark });
    content.push(...nodes);
  });

  return {
    ...A4_PORTRAIT,
    pageMargins: PAGE_MARGINS,
    info: {
      title: options.title,
      creator: 'shenbao',
      producer: 'shenbao (pdfmake)',
      creationDate: options.creationDate,
      modDate: options.creationDate,
    },
    defaultStyle: { font: options.fonts.family, fontSize: options.fontSize, lineHeight: LINE_HEIGHT },
    footer: (currentPage: number, pageCount: number) => ({
      text: `第 ${currentPage} 页 共 ${pageCount} 页`,
      alignment: 'center',
      fontSize: 9,
      margin: [0, 18, 0, 0],
    }),
    content,
    pageBreakBefore: (node: { id?: string; pageNumbers?: number[] }) => {
      if (node.id?.startsWith('t') && node.pageNumbers?.length) record(node.id, node.pageNumbers);
      return false;
    },
  };
}

function headingStyle(block: GridHeading) {
  return block.level === 1
    ? { fontSize: 18, bold: true, alignment: 'center', margin: [0, 0, 0, 4] as [number, number, number, number] }
    : { fontSize: 12, bold: false, alignment: 'center', margin: [0, 0, 0, 8] as [number, number, number, number] };
}

function heading(block: Extract<GridBlock, { type: 'heading' }>): Content {
  const { fontSize, bold, alignment, margin } = headingStyle(block);
  return block.level === 1
    ? { text: block.text, fontSize, bold, alignment: alignment as 'center', margin }
    : { text: block.text, fontSize, alignment: alignment as 'center', margin };
}

function pdfTable(table: GridTable, rowIdOf: (row: number) => string, font: Omit<TextMetrics, 'lineHeight' | 'width'>): ContentTable {
  const columns = table.widths.length;
  const widths = contentWidths(table.widths);
  const body: TableCell[][] = table.rows.map((row, r) => {
    // pdfmake wants every slot filled; slots covered by a span hold empty placeholders.
    const slots: TableCell[] = Array.from({ length: columns }, () => ({}));
    for (const cell of row.cells) {
      const metrics = () => ({ ...font, lineHeight: LINE_HEIGHT, width: cellWidth(widths, cell) });
      slots[cell.col] = pdfCell(cell, `${rowIdOf(r)}:${cell.col}:${cell.rowSpan}`, table.fontSize, metrics);
    }
    return slots;
  });
  return {
    table: { widths, body },
    layout: {
      hLineWidth: () => RULE,
      vLineWidth: () => RULE,
      paddingLeft: () => PADDING_X,
      paddingRight: () => PADDING_X,
      paddingTop: () => PADDING_Y,
      paddingBottom: () => PADDING_Y,
    },
  };
}

/**
 * The grid's widths are the columns' outer widths, shares of the full text width, as a form
 * designer measures them; pdfmake wants each column's width inside its padding and rules.
 */
function contentWidths(widths: number[]): number[] {
  const total = widths.reduce((a, b) => a + b, 0);
  const textWidth = A4_WIDTH - PAGE_MARGINS[0] - PAGE_MARGINS[2] - RULE;
  return widths.map((w) => (w / total) * textWidth - 2 * PADDING_X - RULE);
}

/**
 * The width pdfmake gives a cell's text: its columns' widths and, between them, the padding and
 * rule (pdfmake's table offsets), summed in pdfmake's order so that lines break where it breaks them.
 */
function cellWidth(widths: number[], cell: GridCell): number {
  const gap = PADDING_X + RULE + PADDING_X;
  let width = widths[cell.col]!;
  for (let j = 1; j < cell.colSpan; j++) width += widths[cell.col + j]! + gap;
  return width;
}

function pdfCell(cell: GridCell, id: string, fontSize: number | undefined, metrics: () => TextMetrics): TableCell {
  return {
    ...pdfText(cell.text, metrics),
    ...(fontSize ? { fontSize } : {}),
    id,
    rowSpan: cell.rowSpan,
    colSpan: cell.colSpan,
    alignment: cell.align,
    verticalAlignment: cell.valign,
  } as TableCell;
}
