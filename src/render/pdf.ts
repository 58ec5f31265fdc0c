// Grid -> PDF bytes (pdfmake). A4 portrait, the CJK font embedded as a subset, 第 X 页 共 Y 页
// in the footer, one bookmark per section that names one.
//
// pdfmake does not repeat a merged cell's label after a page break (upstream #2274, #2895), and
// repeats header rows only at the top of a table. So tables are laid out, the rows that landed on
// a new page are read back (every cell node carries an id; pdfmake's pageBreakBefore hook sees
// each node's page), the table is cut there (layout/paginate.ts) and laid out again, until every
// piece fits its page. A table that fits is laid out once.
import pdfmake from 'pdfmake';
import type { Content, ContentTable, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import type { GridBlock, GridCell, GridDocument, GridTable } from '../layout/grid.js';
import { splitTable, type TablePiece } from '../layout/paginate.js';
import type { LoadedFonts } from './fonts.js';

export interface PdfOptions {
  fonts: LoadedFonts;
  /** Written as the PDF's CreationDate/ModDate; pass a fixed date for reproducible output. */
  creationDate: Date;
  /** Document title (PDF metadata). */
  title?: string;
  /** Table text size in pt. */
  fontSize: number;
}

export const DEFAULT_PDF_OPTIONS = {
  fontSize: 10.5,
} satisfies Partial<PdfOptions>;

const A4_PORTRAIT = { pageSize: 'A4', pageOrientation: 'portrait' } as const;
const A4_WIDTH = 595.28;
const PAGE_MARGINS: [number, number, number, number] = [36, 36, 36, 48];
const RULE = 0.6;
const PADDING_X = 3;
const PADDING_Y = 3;
const MAX_LAYOUT_PASSES = 50;

// Fonts and files come from memory only: no network, no file read during rendering.
const vfs = (pdfmake as unknown as { virtualfs: { writeFileSync(name: string, data: Buffer): void } }).virtualfs;
pdfmake.setUrlAccessPolicy(() => false);
pdfmake.setLocalAccessPolicy(() => false);

export async function renderPdf(document: GridDocument, options: PdfOptions): Promise<Buffer> {
  registerFonts(options.fonts);
  const tables = document.sections.flatMap((s) => s.blocks.filter((b): b is GridTable => b.type === 'table'));
  const breaks = tables.map((): number[] => []);

  for (let pass = 1; ; pass++) {
    const pieces = tables.map((table, t) => splitTable(table, breaks[t]!));
    const pageOfRow = new Map<string, number>();
    const definition = documentDefinition(document, pieces, options, (id, page) => {
      const row = rowOfCellId(id);
      if (!pageOfRow.has(row) || page < pageOfRow.get(row)!) pageOfRow.set(row, page);
    });
    const pdf = await pdfmake.createPdf(definition).getBuffer();

    const added = pieces.map((tablePieces, t) => overflowRows(tablePieces, t, pageOfRow));
    if (added.every((rows) => rows.length === 0) || pass === MAX_LAYOUT_PASSES) return pdf;
    added.forEach((rows, t) => (breaks[t] = [...breaks[t]!, ...rows].sort((a, b) => a - b)));
  }
}

function registerFonts(fonts: LoadedFonts): void {
  const regular = `${fonts.family}-regular.ttf`;
  const bold = `${fonts.family}-bold.ttf`;
  vfs.writeFileSync(regular, fonts.regular);
  vfs.writeFileSync(bold, fonts.bold);
  pdfmake.setFonts({ [fonts.family]: { normal: regular, bold, italics: regular, bolditalics: bold } });
}

/** For each piece that spilled onto a further page, the first row that did: a new break. */
function overflowRows(pieces: TablePiece[], t: number, pages: Map<string, number>): number[] {
  const pageOfRow = (p: number, row: number) => pages.get(rowId(t, p, row));
  const breaks: number[] = [];
  pieces.forEach((piece, p) => {
    const first = piece.repeatedRows;
    const startPage = pageOfRow(p, first);
    if (startPage === undefined) return;
    for (let row = first + 1; row < piece.sourceRows.length; row++) {
      const page = pageOfRow(p, row);
      if (page !== undefined && page > startPage) {
        breaks.push(piece.sourceRows[row]!);
        return;
      }
    }
  });
  return breaks;
}

// Cell ids must be unique in a document: `<row id>:<column>`; pages are recorded per row.
const rowId = (table: number, piece: number, row: number) => `t${table}p${piece}r${row}`;
const rowOfCellId = (id: string) => id.slice(0, id.lastIndexOf(':'));

function documentDefinition(
  document: GridDocument,
  pieces: TablePiece[][],
  options: PdfOptions,
  record: (id: string, page: number) => void,
): TDocumentDefinitions {
  let tableIndex = 0;
  const content: Content[] = [];
  document.sections.forEach((section, s) => {
    const nodes: Content[] = [];
    for (const block of section.blocks) {
      if (block.type === 'heading') nodes.push(heading(block));
      else {
        const t = tableIndex++;
        pieces[t]!.forEach((piece, p) => nodes.push(pdfTable(piece.table, (row) => rowId(t, p, row), p > 0)));
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
    defaultStyle: { font: options.fonts.family, fontSize: options.fontSize, lineHeight: 1.2 },
    footer: (currentPage: number, pageCount: number) => ({
      text: `第 ${currentPage} 页 共 ${pageCount} 页`,
      alignment: 'center',
      fontSize: 9,
      margin: [0, 18, 0, 0],
    }),
    content,
    pageBreakBefore: (node: { id?: string; startPosition?: { pageNumber: number } }) => {
      if (node.id?.includes(':') && node.startPosition) record(node.id, node.startPosition.pageNumber);
      return false;
    },
  };
}

function heading(block: Extract<GridBlock, { type: 'heading' }>): Content {
  return block.level === 1
    ? { text: block.text, fontSize: 18, bold: true, alignment: 'center', margin: [0, 0, 0, 4] }
    : { text: block.text, fontSize: 12, alignment: 'center', margin: [0, 0, 0, 8] };
}

function pdfTable(table: GridTable, rowIdOf: (row: number) => string, newPage: boolean): ContentTable {
  const columns = table.widths.length;
  const body: TableCell[][] = table.rows.map((row, r) => {
    // pdfmake wants every slot filled; slots covered by a span hold empty placeholders.
    const slots: TableCell[] = Array.from({ length: columns }, () => ({}));
    for (const cell of row.cells) slots[cell.col] = pdfCell(cell, `${rowIdOf(r)}:${cell.col}`, table.fontSize);
    return slots;
  });
  return {
    table: { widths: contentWidths(table.widths), body, dontBreakRows: true },
    layout: {
      hLineWidth: () => RULE,
      vLineWidth: () => RULE,
      paddingLeft: () => PADDING_X,
      paddingRight: () => PADDING_X,
      paddingTop: () => PADDING_Y,
      paddingBottom: () => PADDING_Y,
    },
    ...(newPage ? { pageBreak: 'before' as const } : {}),
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

function pdfCell(cell: GridCell, id: string, fontSize: number | undefined): TableCell {
  return {
    text: cell.text,
    ...(fontSize ? { fontSize } : {}),
    id,
    rowSpan: cell.rowSpan,
    colSpan: cell.colSpan,
    alignment: cell.align,
    verticalAlignment: cell.valign,
  } as TableCell;
}
