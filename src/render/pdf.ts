// Grid -> PDF bytes (pdfmake). The page, type sizes, rules and footer come from the grid
// (GridDocument.page); the CJK font is embedded as a subset; one bookmark per section that names one.
//
// This file only translates, and measures. pdfmake does not repeat a merged cell's label after a
// page break (upstream #2274, #2895), and repeats header rows only at the top of a table, so the
// grid reaches renderPdf already paginated by layout (layout/paginate.ts), from the measurements
// `pdfMeasure` gives: the line heights of every heading and cell, from pdfmake's own line breaker
// (render/pdf-text.ts), and the rules, paddings and page height. renderPdf lays the pages out once
// and reports where every row landed (`placements`), so the caller can check the layout against
// the plan rather than trust it (output/paged-pdf.ts).
//
// Two ways to lay out, one result. A paginated grid whose every row fits its page is laid out by
// render/pdf-pages.ts (pdfmake's arithmetic, without pdfmake's per-document style lookups and
// measuring) and drawn by pdfmake's Renderer into pdfmake's document: the same bytes as pdfmake's
// createPdf, a third of the time. A grid with a row taller than a page (a very long goal text,
// which must continue on the next page rather than be clipped) goes to pdfmake's own layout, its
// long cell text in short pieces so that layout time grows linearly with text length.
import { createRequire } from 'node:module';
import pdfmake from 'pdfmake';
import type { Content, ContentTable, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import type { GridCell, GridDocument, GridHeading, GridTable, HeadingStyle, PageMeasure, PageStyle, RowPlacement } from '../layout/grid.js';
import type { LoadedFonts } from './fonts.js';
import { shareFont } from './shared-fonts.js';
import { ARCHIVE_OPTIONS, archiveInfoDictionary, makeArchival, PRODUCER, type ArchiveInfo } from './pdf-archive.js';
import './pdf-lines.js'; // every pdfmake line drawn as text runs
import { contentWidths, layoutPages, type PageItem, type PdfmakePage } from './pdf-pages.js';
import { isBoldFont, pdfText, PRESERVE_LEADING_SPACES, textLineHeights, textLines, type PdfLine, type TextMetrics } from './pdf-text.js';

const require = createRequire(import.meta.url);

export interface PdfOptions {
  fonts: LoadedFonts;
  /** Written as the PDF's CreationDate/ModDate; pass a fixed date for reproducible output. */
  creationDate: Date;
  /** Document title (PDF metadata): the project's name, or the 汇总表's title. */
  title?: string;
  /** The rest of what the archive file says of itself, and the declaration it carries (render/pdf-archive.ts). */
  archive?: Omit<ArchiveInfo, 'title' | 'creationDate'>;
  /**
   * The footer's numbers when this document is part of a longer one (a 汇总表 made in parts by pdfmake):
   * its first page is page `first` of `total`. Default: its own pages, 1 of N.
   */
  pageNumbers?: { first: number; total: number };
}

// Fonts and files come from memory only: no network, no file read during rendering.
const vfs = (pdfmake as unknown as { virtualfs: { writeFileSync(name: string, data: Buffer): void } }).virtualfs;
pdfmake.setUrlAccessPolicy(() => false);
pdfmake.setLocalAccessPolicy(() => false);

export interface PdfResult {
  bytes: Buffer;
  /** `placements[t][r]`: where row r of the t-th table (document order) landed. */
  placements: RowPlacement[][];
  /** Laid out here (render/pdf-pages.ts), not by pdfmake: a writer can then draw it as part of a longer PDF. */
  laidOutHere: boolean;
}

/** Off: pdfmake lays every document out itself, as before render/pdf-pages.ts (tests compare the PDFs). */
export const OWN_LAYOUT = { enabled: true };

/**
 * Lays the grid out once, as it is: tables already cut at their page breaks. Laid out here
 * (render/pdf-pages.ts) and drawn by pdfmake's Renderer, or, where a row is taller than a page,
 * laid out by pdfmake itself; the bytes are the same either way.
 */
export async function renderPdf(document: GridDocument, options: PdfOptions): Promise<PdfResult> {
  registerFonts(options.fonts);
  const laid = layOutHere(document, options.fonts, options.pageNumbers);
  if (laid) {
    const writer = pdfWriter(document.page, options);
    writer.drawPages(laid.pages);
    const placements = laid.rowPages.map((rows) => rows.map((page) => ({ page, split: false, tall: false })));
    return { bytes: Buffer.concat(await writer.end()), placements, laidOutHere: true };
  }
  const placements: RowPlacement[][] = [];
  const definition = documentDefinition(document, options, (cell, pages) => place(placements, cell, pages));
  const doc = (await pdfmake.createPdf(definition).getStream()) as unknown as Parameters<typeof makeArchival>[0] & PdfkitDocument;
  makeArchival(doc, archiveOf(options));
  const chunks: Buffer[] = [];
  doc.on('data', (chunk) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve());
    doc.on('error', (error) => reject(error));
  });
  doc.end();
  await ended;
  return { bytes: Buffer.concat(chunks), placements, laidOutHere: false };
}

/**
 * A PDF written part after part, each part laid out here as it comes and its bytes handed on
 * (`take`) rather than kept: a 汇总表 of thousands of pages is never held in memory. The parts
 * make the same PDF, byte for byte, as renderPdf makes of all their sections at once.
 */
export interface PdfPartWriter {
  /**
   * Lays out and draws the sections, whose first page is page `first` of `total`. False, with
   * nothing drawn, where they need pdfmake's own layout (a row taller than a page).
   */
  draw(document: GridDocument, pageNumbers: { first: number; total: number }): boolean;
  /** The bytes written since the last call. */
  take(): Promise<Buffer[]>;
  /** Ends the PDF: its last bytes. */
  end(): Promise<Buffer[]>;
}

/** Whether the sections are laid out here (no row taller than a page), so that a PdfPartWriter can draw them. */
export function laysOutHere(document: GridDocument, fonts: LoadedFonts): boolean {
  registerFonts(fonts);
  return layOutHere(document, fonts, undefined) !== undefined;
}

/** The pages as render/pdf-pages.ts lays them out, footers numbered; undefined where pdfmake must lay them out. */
function layOutHere(document: GridDocument, fonts: LoadedFonts, pageNumbers: PdfOptions['pageNumbers']) {
  if (!OWN_LAYOUT.enabled) return undefined;
  return layoutPages(document, fonts, (page, pages) => footerText(document.page, pageNumbers, page, pages));
}

export function pdfPartWriter(page: PageStyle, options: Omit<PdfOptions, 'pageNumbers'>): PdfPartWriter {
  registerFonts(options.fonts);
  const writer = pdfWriter(page, options);
  return {
    draw(document, pageNumbers) {
      const laid = layOutHere(document, options.fonts, pageNumbers);
      if (!laid) return false;
      writer.drawPages(laid.pages);
      return true;
    },
    take: writer.take,
    end: writer.end,
  };
}

/** The footer's text on a page: 第 X 页 共 Y 页. */
function footerText(page: PageStyle, pageNumbers: PdfOptions['pageNumbers'], currentPage: number, pageCount: number): string {
  return page.footer.parts
    .map((part) =>
      typeof part === 'string'
        ? part
        : part.field === 'page'
          ? currentPage + (pageNumbers ? pageNumbers.first - 1 : 0)
          : (pageNumbers?.total ?? pageCount),
    )
    .join('');
}

// pdfmake's document and renderer (pdfmake 0.3.11: Printer.createPdfKitDocument, Renderer).
interface PdfkitDocument {
  provideFont(family: string, bold: boolean, italics: boolean): object;
  on(event: 'data', listener: (chunk: Buffer) => void): void;
  on(event: 'end' | 'error', listener: (error?: Error) => void): void;
  end(): void;
}
type PdfmakeDocumentClass = new (
  fonts: object,
  images: object,
  patterns: object,
  attachments: object,
  options: object,
  virtualfs: unknown,
) => PdfkitDocument;
type RendererClass = new (document: PdfkitDocument) => { renderPages(pages: unknown[]): void };

/**
 * A new PDF that laid-out pages are drawn into, exactly as pdfmake's createPdf draws them after
 * its own layout (its document, its Renderer, its options and metadata).
 */
function pdfWriter(page: PageStyle, options: Omit<PdfOptions, 'pageNumbers'>) {
  const PdfmakeDocument = (require('pdfmake/js/PDFDocument.js') as { default: PdfmakeDocumentClass }).default;
  const Renderer = (require('pdfmake/js/Renderer.js') as { default: RendererClass }).default;
  // Printer.createPdfKitDocument's options and createMetadata's info, for this document.
  const info = archiveInfoDictionary(archiveOf(options), PRODUCER);
  const pdf = new PdfmakeDocument(
    (pdfmake as unknown as { fonts: object }).fonts,
    {},
    {},
    {},
    {
      size: [page.size.width, page.size.height],
      pdfVersion: ARCHIVE_OPTIONS.pdfVersion,
      subset: ARCHIVE_OPTIONS.subset,
      lang: ARCHIVE_OPTIONS.lang,
      tagged: false,
      displayTitle: false,
      compress: true,
      fontLayoutCache: true,
      bufferPages: false,
      autoFirstPage: false,
      info,
      font: null,
    },
    vfs,
  );
  makeArchival(pdf as unknown as Parameters<typeof makeArchival>[0], archiveOf(options));
  const { family } = options.fonts;
  const faces = new Map<object, object>();
  const faceOf = (font: object) => {
    let face = faces.get(font);
    if (!face) faces.set(font, (face = pdf.provideFont(family, isBoldFont(options.fonts, family, font), false)));
    return face;
  };
  let chunks: Buffer[] = [];
  let failed: Error | undefined;
  const ended = new Promise<void>((resolve, reject) => {
    pdf.on('end', () => resolve());
    pdf.on('error', (error) => reject((failed = error)));
  });
  ended.catch(() => undefined); // said by take() or end()
  pdf.on('data', (chunk) => chunks.push(chunk));
  const renderer = new Renderer(pdf);
  const taken = () => {
    if (failed) throw failed;
    const out = chunks;
    chunks = [];
    return out;
  };
  return {
    drawPages(pages: PdfmakePage[]): void {
      renderer.renderPages(pages.map((p) => ({ ...p, items: p.items.map((item) => pdfmakeItem(item, faceOf)) })));
    },
    /** pdfkit hands its bytes on asynchronously: those written so far, once they have come out. */
    async take(): Promise<Buffer[]> {
      await new Promise((resolve) => setImmediate(resolve));
      return taken();
    },
    async end(): Promise<Buffer[]> {
      pdf.end();
      await ended;
      return taken();
    },
  };
}

const archiveOf = (options: Omit<PdfOptions, 'pageNumbers'>): ArchiveInfo => ({ ...options.archive, title: options.title, creationDate: options.creationDate });

/** A laid-out item as pdfmake's Renderer reads it: lines with this document's fonts. */
function pdfmakeItem(item: PageItem, faceOf: (font: object) => object): unknown {
  if (item.type !== 'line') return item;
  const { line, x, y, outline } = item.item;
  return {
    type: 'line',
    item: {
      x,
      y,
      inlines: line.inlines.map((inline) => ({ ...inline, font: faceOf(inline.font) })),
      _outline: outline === undefined ? undefined : { text: outline, expanded: false },
      getHeight: () => line.getHeight(),
      getAscenderHeight: () => line.getAscenderHeight(),
      getWidth: () => line.getWidth(),
    } satisfies Record<string, unknown> & Partial<Record<keyof PdfLine, unknown>>,
  };
}

/** Sizes a one-line (`nowrap`) cell may shrink to, in pt: down in steps of `step` (Word sizes are whole half-points), never below `minSize`. */
export const ONE_LINE = { step: 0.5, minSize: 4 };

/** What layout needs to know to break pages: every heading's and cell's lines, as pdfmake sets them. */
export function pdfMeasure(page: PageStyle, fonts: LoadedFonts): PageMeasure {
  // Measuring asks pdfmake's own text layout, which finds the fonts by name.
  registerFonts(fonts);
  const { family } = fonts;
  const { size, margins, lineHeight } = page;
  return {
    // In pdfmake's order of operations (DocumentContext.initializePage).
    pageHeight: size.height - margins.top - margins.bottom,
    heading(block) {
      const style = headingStyle(page, block);
      const width = size.width - margins.left - margins.right;
      const metrics = { family, fonts, fontSize: style.fontSize, bold: style.bold, lineHeight, width };
      return { lines: textLineHeights(block.text, metrics, Infinity), marginTop: style.spaceBefore, marginBottom: style.spaceAfter };
    },
    table(block) {
      const widths = contentWidths(page, block.widths);
      const fontSize = block.fontSize ?? page.fontSize;
      const lines = block.rows.map((row) =>
        row.cells.map((cell) =>
          textLineHeights(cell.text, { family, fonts, fontSize: cell.fontSize ?? fontSize, lineHeight, width: cellWidth(page, widths, cell) }),
        ),
      );
      const { rule, paddingY } = page.table;
      return { rule, paddingTop: paddingY, paddingBottom: paddingY, lines };
    },
    oneLineSize(block, cell) {
      const width = cellWidth(page, contentWidths(page, block.widths), cell);
      const start = cell.fontSize ?? block.fontSize ?? page.fontSize;
      // pdfmake's own line breaker decides. Smaller sizes are whole steps (half-points, as Word has
      // them), from the largest below the table's own (a template's size="9.3": 9, 8.5, …).
      const fits = (fontSize: number) => textLines(cell.text, { family, fonts, fontSize, lineHeight, width }).length <= 1;
      if (fits(start)) return start;
      for (let size = Math.ceil(start / ONE_LINE.step - 1) * ONE_LINE.step; size > ONE_LINE.minSize; size -= ONE_LINE.step) {
        if (fits(size)) return size;
      }
      return ONE_LINE.minSize;
    },
  };
}

/**
 * The lines pdfmake breaks `text` into in a box `width` wide: their texts, and how far each moves
 * the next line down. For reading a PDF's text back (extract): to tell a wrapped line from a line
 * break in the value, and an empty line from none.
 */
export function pdfLineBreaker(
  page: PageStyle,
  fonts: LoadedFonts,
): (text: string, style: { size: number; width: number; bold: boolean }) => Array<{ text: string; height: number }> {
  registerFonts(fonts);
  return (text, { size, width, bold }) =>
    textLines(text, { family: fonts.family, fonts, fontSize: size, lineHeight: page.lineHeight, bold, width }, Infinity).map((line) => ({
      text: line.inlines.map((inline) => inline.text).join(''),
      height: line.getHeight(),
    }));
}

function registerFonts(fonts: LoadedFonts): void {
  const regular = `${fonts.family}-regular.ttf`;
  const bold = `${fonts.family}-bold.ttf`;
  vfs.writeFileSync(regular, fonts.regular);
  vfs.writeFileSync(bold, fonts.bold);
  // Parsed once, by loadFonts: no document parses them again (render/shared-fonts.ts).
  shareFont(regular, fonts.faces.regular.font);
  shareFont(bold, fonts.faces.bold.font);
  pdfmake.setFonts({ [fonts.family]: { normal: regular, bold, italics: regular, bolditalics: bold } });
}

/** A table cell as pdfmake reports it back: which table and row, and how many rows it spans. */
interface CellPlace {
  table: number;
  row: number;
  rowSpan: number;
}

/** The first and last page a row's one-row cells start on. */
const oneRowStarts = new WeakMap<RowPlacement, { first: number; last: number }>();

/** pdfmake's pages of one cell, folded into its row's placement. */
function place(placements: RowPlacement[][], { table, row, rowSpan }: CellPlace, pages: number[]): void {
  const rows = (placements[table] ??= []);
  const placement = (rows[row] ??= { page: Infinity, split: false, tall: false });
  placement.page = Math.min(placement.page, ...pages.map((p) => p - 1));
  // A merged label may sit on either side of a break; only one-row cells tell a split row.
  if (rowSpan !== 1) return;
  if (pages.length > 1) placement.split = true;
  if (pages.length > 2) placement.tall = true;
  // Cells in different sizes (an amount fitted smaller) may start on different pages: split too.
  const start = Math.min(...pages);
  const seen = oneRowStarts.get(placement) ?? { first: start, last: start };
  oneRowStarts.set(placement, { first: Math.min(seen.first, start), last: Math.max(seen.last, start) });
  if (Math.max(seen.last, start) > Math.min(seen.first, start)) placement.split = true;
}

function documentDefinition(
  document: GridDocument,
  options: PdfOptions,
  record: (cell: CellPlace, pages: number[]) => void,
): TDocumentDefinitions {
  const { page } = document;
  // Each cell is known by its index here, passed to pdfmake as the cell's `headlineLevel`: pdfmake
  // hands it back to pageBreakBefore and uses it for nothing else (an `id` would also become a
  // named destination in the PDF).
  const cells: CellPlace[] = [];
  const cellIndex = (cell: CellPlace) => cells.push(cell) - 1;
  let tableIndex = 0;
  const content: Content[] = [];
  document.sections.forEach((section, s) => {
    const nodes: Content[] = [];
    for (const block of section.blocks) {
      if (block.type === 'heading') nodes.push(heading(page, block));
      else {
        const t = tableIndex++;
        const font = { family: options.fonts.family, fonts: options.fonts, fontSize: block.fontSize ?? page.fontSize };
        nodes.push(pdfTable(page, block, font, (row, cell) => cellIndex({ table: t, row, rowSpan: cell.rowSpan })));
      }
    }
    const first = nodes[0] as Record<string, unknown> | undefined;
    if (first && s > 0) first.pageBreak = 'before';
    if (first && section.bookmark) Object.assign(first, { outline: true, outlineText: section.bookmark });
    content.push(...nodes);
  });

  const { size, margins, footer } = page;
  return {
    pageSize: { width: size.width, height: size.height },
    pageOrientation: size.width > size.height ? 'landscape' : 'portrait',
    pageMargins: [margins.left, margins.top, margins.right, margins.bottom],
    // createMetadata's keys, lower case, in the order archiveInfoDictionary gives them.
    info: Object.fromEntries(Object.entries(archiveInfoDictionary(archiveOf(options), PRODUCER)).map(([key, value]) => [key.charAt(0).toLowerCase() + key.slice(1), value])),
    version: ARCHIVE_OPTIONS.pdfVersion,
    subset: ARCHIVE_OPTIONS.subset,
    language: ARCHIVE_OPTIONS.lang,
    defaultStyle: { font: options.fonts.family, fontSize: page.fontSize, lineHeight: page.lineHeight, preserveLeadingSpaces: PRESERVE_LEADING_SPACES },
    footer: (currentPage: number, pageCount: number) => ({
      text: footerText(page, options.pageNumbers, currentPage, pageCount),
      alignment: 'center',
      fontSize: footer.fontSize,
      margin: [0, footer.offset, 0, 0],
    }),
    content,
    pageBreakBefore: (node: { headlineLevel?: unknown; pageNumbers?: number[] }) => {
      const cell = typeof node.headlineLevel === 'number' ? cells[node.headlineLevel] : undefined;
      if (cell && node.pageNumbers?.length) record(cell, node.pageNumbers);
      return false;
    },
  };
}

function headingStyle(page: PageStyle, block: GridHeading): HeadingStyle {
  return block.level === 1 ? page.headings.title : page.headings.subtitle;
}

function heading(page: PageStyle, block: GridHeading): Content {
  const { fontSize, bold, align, spaceBefore, spaceAfter } = headingStyle(page, block);
  const margin: [number, number, number, number] = [0, spaceBefore, 0, spaceAfter];
  return { text: block.text, fontSize, ...(bold ? { bold } : {}), alignment: align, margin };
}

function pdfTable(
  page: PageStyle,
  table: GridTable,
  font: Omit<TextMetrics, 'lineHeight' | 'width'>,
  cellIndex: (row: number, cell: GridCell) => number,
): ContentTable {
  const columns = table.widths.length;
  const widths = contentWidths(page, table.widths);
  const body: TableCell[][] = table.rows.map((row, r) => {
    // pdfmake wants every slot filled; slots covered by a span hold empty placeholders.
    const slots: TableCell[] = Array.from({ length: columns }, () => ({}));
    for (const cell of row.cells) {
      const metrics = () => ({ ...font, lineHeight: page.lineHeight, width: cellWidth(page, widths, cell) });
      slots[cell.col] = pdfCell(cell, cellIndex(r, cell), table.fontSize, metrics);
    }
    return slots;
  });
  const { rule, paddingX, paddingY } = page.table;
  return {
    table: { widths, body },
    layout: {
      hLineWidth: () => rule,
      vLineWidth: () => rule,
      paddingLeft: () => paddingX,
      paddingRight: () => paddingX,
      paddingTop: () => paddingY,
      paddingBottom: () => paddingY,
    },
  };
}

/**
 * The width pdfmake gives a cell's text: its columns' widths and, between them, the padding and
 * rule (pdfmake's table offsets), summed in pdfmake's order so that lines break where it breaks them.
 */
function cellWidth(page: PageStyle, widths: number[], cell: GridCell): number {
  const gap = page.table.paddingX + page.table.rule + page.table.paddingX;
  let width = widths[cell.col]!;
  for (let j = 1; j < cell.colSpan; j++) width += widths[cell.col + j]! + gap;
  return width;
}

function pdfCell(cell: GridCell, index: number, tableSize: number | undefined, metrics: () => TextMetrics): TableCell {
  const fontSize = cell.fontSize ?? tableSize;
  return {
    ...pdfText(cell.text, () => ({ ...metrics(), fontSize: fontSize ?? metrics().fontSize })),
    ...(fontSize ? { fontSize } : {}),
    headlineLevel: index,
    rowSpan: cell.rowSpan,
    colSpan: cell.colSpan,
    alignment: cell.align,
    verticalAlignment: cell.valign,
  } as TableCell;
}
