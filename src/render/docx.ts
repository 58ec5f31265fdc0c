// Grid -> Word (.docx) bytes (docx 9). A translation of the grid, not a second layout: one handler
// per Word block (heading, table, the paragraphs between), in the style of mdast-util-to-hast. The page, type sizes, rules
// and footer come from the grid (GridDocument.page), as in the PDF.
//
// Word flows its own pages: a department adds rows, and each form must stay one table that flows,
// so the writer takes the grid unpaginated and puts no page break inside a form. Each grid section
// starts a new page (pageBreakBefore on its first paragraph). Rows never split across pages
// (cantSplit). Word repeats header rows (tblHeader) only at the top of a table, so a table whose
// `repeat` rows stand lower down (the 绩效指标 header of a form) is written as two tables, the
// second starting at those rows, with a 1-pt paragraph between them (Word would join two tables
// that touch). Word cannot print a merged 一级/二级 label again after a page break.
//
// One path, docx's object model, for a form and for a 汇总表 of thousands of forms. word/document.xml
// is streamed: docx's own head and tail (from its Packer's output), and between them each block as
// docx's object model serialises it (`prepForXml`), written out by the `xml` package; a long table a
// slice of rows at a time. So a 汇总表 is never one object tree in memory, and a form does not pay
// for a whole Packer call (about 6 ms for the parts every package has). The parts that do not depend on the grid (styles,
// numbering, footer, settings, relationships, custom properties) are taken from one Packer output
// per page style, fonts and properties, and deflated once (render/docx-zip.ts). A table cell docx
// has written before (the same width, span, merge, alignments, size and text: a form's labels are
// in every form) is written again as docx wrote it, not built and written anew (WrittenCell).
//
// Deterministic: the same grid and options give the same bytes. docx stamps the time into
// docProps/core.xml and the zip entries; this writes core.xml itself (dates from `creationDate`)
// and zips again with a fixed entry time. The font table is written here too, to name a fallback.
import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  LineRuleType,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  VerticalAlign,
  VerticalMergeType,
  WidthType,
  type IContext,
  type IRunOptions,
  type IXmlableObject,
} from 'docx';
import { strFromU8, strToU8, unzipSync } from 'fflate';
import xml from 'xml';
import type { Align, GridCell, GridDocument, GridHeading, GridRow, GridSection, GridTable, PageStyle, VAlign } from '../layout/grid.js';
import { deflatePart, zipChunks, type DeflatedPart, type StreamedPart } from './docx-zip.js';

export interface DocxOptions {
  /** docProps/core.xml created/modified; pass a fixed date for reproducible output. */
  creationDate: Date;
  /** Document properties: title (the project or the packet) and subject. */
  title: string;
  subject?: string;
  /** Custom document properties (name → text), e.g. what a reader needs that the page does not show. */
  properties?: Record<string, string>;
  fonts?: Partial<DocxFonts>;
}

export interface DocxFonts {
  /** East Asian text: the form's Song face, as Windows names it. */
  eastAsia: string;
  /** Latin letters and digits. */
  latin: string;
}

/** 宋体 for Chinese, Times New Roman for digits: what Windows offices have and expect. */
export const DEFAULT_DOCX_FONTS: DocxFonts = { eastAsia: 'SimSun', latin: 'Times New Roman' };

/**
 * What a reader without the named East Asian font should use instead (w:altName in the font
 * table): the old GB2312 faces' successors on Windows, else the CJK serif that Linux usually has
 * (Noto Serif CJK SC, from fonts-noto-cjk). LibreOffice 7.4 does not read w:altName (tried: an
 * altName of Noto Sans CJK SC still prints Noto Serif CJK); it substitutes through its own
 * replacement table and fontconfig.
 */
const FALLBACK: Record<string, string> = { 仿宋_GB2312: 'FangSong', 楷体_GB2312: 'KaiTi' };
const CJK_FALLBACK = 'Noto Serif CJK SC';
/**
 * The Latin font's metric-compatible substitute (same advance widths, so lines break where they do
 * in Word): Liberation, which Linux systems have (fonts-liberation). LibreOffice 7.4 ignores
 * w:altName: it finds Liberation Serif for Times New Roman through its own replacement table and
 * fontconfig, so it needs the font installed (npm run check:office says so); the name is for the
 * readers that do read it.
 */
const LATIN_FALLBACK: Record<string, string> = { 'Times New Roman': 'Liberation Serif' };

/** Word measures in twips (1/20 pt), type in half-points, borders in eighths of a point. */
const twips = (pt: number) => Math.round(pt * 20);
/** Word's type sizes are whole half-points (a template's size="9.3" prints at 9.5 pt there). */
const halfPoints = (pt: number) => Math.round(pt * 2);

export async function renderDocx(grid: GridDocument, options: DocxOptions): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of docxChunks(grid.page, grid.sections, options)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/**
 * The .docx of `sections` (in order; each starts a new page), as chunks of bytes made as they are
 * taken: a 汇总表 of thousands of forms is written out a few hundred rows at a time.
 */
export async function* docxChunks(page: PageStyle, sections: Iterable<GridSection>, options: DocxOptions): AsyncGenerator<Uint8Array> {
  const fonts = { ...DEFAULT_DOCX_FONTS, ...options.fonts };
  const shell = await shellOf(page, fonts, options.properties);
  const document: StreamedPart = { name: 'word/document.xml', pieces: documentPieces(shell, page, fonts, sections) };
  yield* zipChunks(inZipOrder([...shell.parts, document, corePart(options)]));
}

/**
 * Table rows serialised at a time: docx's objects for a table take some 0.1 MB a row (one
 * 2,000-row table: 450 MB peak RSS), so a longer table (the 汇总表's list of projects, a form of
 * thousands of indicators) is written a slice at a time.
 */
const SLICE_ROWS = 100;

/**
 * word/document.xml: docx's head, then each block as docx's object model writes it, then docx's
 * tail. Each block is one of docx's paragraphs or tables, serialised by its own `prepForXml` (the
 * public method docx's Packer calls for every part) and written out as XML by the `xml` package,
 * the serialiser docx's format is the format of. A table of more rows than a slice holds is written
 * in slices: the first up to its </w:tbl>, the rows of each other slice, then </w:tbl>.
 */
async function* documentPieces(shell: Shell, page: PageStyle, _fonts: DocxFonts, sections: Iterable<GridSection>): AsyncGenerator<string> {
  yield shell.head;
  const context = { file: shell.document, viewWrapper: shell.document.Document, stack: [] };
  const xmlOf = (block: WordBlock) => {
    const prepared = handlers[block.type](block as never, page).prepForXml(context);
    return prepared === undefined ? '' : xml(prepared as xml.XmlObject);
  };
  for (const block of wordBlocks(sections)) {
    if (block.type !== 'table' || block.rows.length <= SLICE_ROWS) {
      yield xmlOf(block);
      continue;
    }
    const slices = tableSlices(block, SLICE_ROWS);
    for (const [i, slice] of slices.entries()) {
      const written = xmlOf(slice);
      const grid = written.indexOf('</w:tblGrid>');
      const close = i === slices.length - 1 ? written.length : written.lastIndexOf('</w:tbl>');
      if (grid < 0 || close < grid) throw new Error('bug: docx wrote a table without </w:tblGrid> and </w:tbl>');
      yield written.slice(i === 0 ? 0 : grid + '</w:tblGrid>'.length, close);
    }
  }
  yield shell.tail;
}

/** word/document.xml cut around its body: the text before it, the body, and the final w:sectPr on. */
function documentXmlParts(xml: string): { head: string; body: string; tail: string } {
  const start = xml.indexOf('<w:body>') + '<w:body>'.length;
  const end = xml.lastIndexOf('<w:sectPr');
  if (start < '<w:body>'.length || end < start) throw new Error('bug: docx wrote a word/document.xml without <w:body> and a final <w:sectPr>');
  return { head: xml.slice(0, start), body: xml.slice(start, end), tail: xml.slice(end) };
}

/** A table's rows in slices of `size`. */
function tableSlices(table: WordTable, size: number): WordTable[] {
  const slices: WordTable[] = [];
  for (let start = 0; start < table.rows.length; start += size) {
    slices.push({ ...table, rows: table.rows.slice(start, start + size), headerRows: Math.max(0, table.headerRows - start) });
  }
  return slices;
}

/** docProps/core.xml: the form's own title and subject, and the build's date. */
const corePart = (options: DocxOptions): StreamedPart => ({ name: 'docProps/core.xml', pieces: [coreXml(options)] });

function inZipOrder<P extends { name: string }>(parts: P[]): P[] {
  return parts.sort((a, b) => zipOrder(a.name, b.name));
}

/**
 * The body of word/document.xml, block by block, as it is taken: what becomes one of docx's
 * paragraphs or tables.
 */
export type WordBlock =
  | { type: 'heading'; heading: GridHeading; pageBreakBefore: boolean }
  /** Before a section that starts with a table: a table cannot carry pageBreakBefore. */
  | { type: 'page-break' }
  /** Between the two Word tables of one grid table (see above). */
  | { type: 'joint' }
  | WordTable;

/**
 * A Word table: the grid table's rows, or a slice of them, each as the cells Word has in it. The
 * first `headerRows` repeat on every page the table runs onto.
 */
interface WordTable {
  type: 'table';
  table: GridTable;
  rows: readonly WordCell[][];
  headerRows: number;
}

/**
 * A cell as Word has it in a row. Word merges a cell down (vMerge): the cell where it begins
 * restarts the merge, and each row below holds a cell of the same width that continues it (an
 * empty paragraph of the same alignment), as docx writes a `rowSpan`. These are written here
 * rather than left to docx's `rowSpan`, so that a table can be written a slice at a time, and
 * so that every cell of a row is one docx has written before (see WrittenCell).
 */
interface WordCell {
  cell: GridCell;
  merge?: 'restart' | 'continue';
}

/** The cells Word has in each of `rows`: those begun in it, and a continuation of each merged cell begun above. */
function wordRows(rows: readonly GridRow[]): WordCell[][] {
  let above: Array<{ cell: GridCell; rows: number }> = [];
  return rows.map((row) => {
    const cells = [
      ...above.map(({ cell }): WordCell => ({ cell, merge: 'continue' })),
      ...row.cells.map((cell): WordCell => (cell.rowSpan > 1 ? { cell, merge: 'restart' } : { cell })),
    ].sort((a, b) => a.cell.col - b.cell.col);
    above = [...above, ...row.cells.map((cell) => ({ cell, rows: cell.rowSpan }))].map(({ cell, rows: left }) => ({ cell, rows: left - 1 })).filter(({ rows: left }) => left > 0);
    return cells;
  });
}

/** The blocks of `sections`; every section but the first starts a new page, as in the PDF. */
export function* wordBlocks(sections: Iterable<GridSection>): Generator<WordBlock> {
  let newPage = false;
  for (const section of sections) {
    for (const [b, block] of section.blocks.entries()) {
      if (block.type === 'heading') yield { type: 'heading', heading: block, pageBreakBefore: newPage && b === 0 };
      else {
        if (newPage && b === 0) yield { type: 'page-break' };
        for (const [p, rows] of wordTableParts(block).entries()) {
          if (p > 0) yield { type: 'joint' };
          // The header rows at the top (all of them `repeat`).
          const headerRows = rows.findIndex((row) => !row.repeat);
          yield { type: 'table', table: block, rows: wordRows(rows), headerRows: headerRows < 0 ? rows.length : headerRows };
        }
      }
    }
    newPage = true;
  }
}

/**
 * `blocks` as docx's object model: one Word section with the page, the type and the footer of
 * `page`. (Exported for the test that a streamed 汇总表 is the one docx packs whole.)
 */
export function wordDocument(page: PageStyle, blocks: Iterable<WordBlock>, options: Pick<DocxOptions, 'title' | 'subject' | 'properties' | 'fonts'>): Document {
  const fonts = { ...DEFAULT_DOCX_FONTS, ...options.fonts };
  const font = { ascii: fonts.latin, hAnsi: fonts.latin, cs: fonts.latin, eastAsia: fonts.eastAsia, hint: 'eastAsia' };
  return new Document({
    title: options.title,
    subject: options.subject ?? '',
    creator: 'shenbao',
    lastModifiedBy: 'shenbao',
    revision: 1,
    customProperties: Object.entries(options.properties ?? {}).map(([name, value]) => ({ name, value })),
    styles: {
      default: {
        document: {
          run: { font, size: halfPoints(page.fontSize), language: { value: 'en-US', eastAsia: 'zh-CN' } },
          paragraph: { spacing: { before: 0, after: 0, line: Math.round(240 * page.lineHeight), lineRule: LineRuleType.AUTO } },
        },
      },
    },
    sections: [
      {
        properties: {
          page: {
            size: { width: twips(page.size.width), height: twips(page.size.height) },
            margin: {
              top: twips(page.margins.top),
              right: twips(page.margins.right),
              bottom: twips(page.margins.bottom),
              left: twips(page.margins.left),
              header: twips(page.margins.top / 2),
              footer: twips(Math.max(0, page.margins.bottom - page.footer.offset - page.footer.fontSize * page.lineHeight)),
            },
          },
        },
        footers: { default: footer(page) },
        children: [...blocks].map((block) => handlers[block.type](block as never, page)),
      },
    ],
  });
}

/**
 * What docx packs around the body: every part but the body and core.xml, deflated once (our font
 * table among them), and document.xml's text before and after the body.
 */
interface Shell {
  parts: DeflatedPart[];
  head: string;
  tail: string;
  /** The document docx packed them from: the context its blocks are serialised in. */
  document: Document;
}

/** A few shells per process (one per packet's properties): kept, but not without bound. */
const shells = new Map<string, Promise<Shell>>();

function shellOf(page: PageStyle, fonts: DocxFonts, properties: DocxOptions['properties']): Promise<Shell> {
  const key = JSON.stringify([page, fonts, properties ?? {}]);
  let shell = shells.get(key);
  if (!shell) {
    if (shells.size >= 16) shells.delete(shells.keys().next().value!);
    shell = (async () => {
      const document = wordDocument(page, [], { title: '', fonts, ...(properties ? { properties } : {}) });
      const entries = unzipSync(await Packer.toBuffer(document));
      const { head, body, tail } = documentXmlParts(strFromU8(entries['word/document.xml']!));
      if (body) throw new Error('bug: docx wrote a body for a document without blocks');
      for (const name of ['word/document.xml', 'docProps/core.xml', 'word/_rels/fontTable.xml.rels']) delete entries[name];
      entries['word/fontTable.xml'] = strToU8(fontTableXml(fonts));
      return { parts: Object.entries(entries).map(([name, data]) => deflatePart(name, data)), head, tail, document };
    })();
    shells.set(key, shell);
  }
  return shell;
}

type Handler<B extends WordBlock> = (block: B, page: PageStyle) => Paragraph | Table;

const handlers: { [K in WordBlock['type']]: Handler<Extract<WordBlock, { type: K }>> } = {
  heading: ({ heading, pageBreakBefore }, page) => headingParagraph(heading, page, pageBreakBefore),
  'page-break': () => new Paragraph({ pageBreakBefore: true, spacing: { before: 0, after: 0 } }),
  // 1 pt high, no space: the two tables look like one.
  joint: () => new Paragraph({ spacing: { before: 0, after: 0, line: 20, lineRule: LineRuleType.EXACT }, children: [new TextRun({ text: '', size: 2 })] }),
  table: (table, page) => wordTable(table, page),
};

function headingParagraph(block: GridHeading, page: PageStyle, pageBreakBefore: boolean): Paragraph {
  const style = block.level === 1 ? page.headings.title : page.headings.subtitle;
  return new Paragraph({
    alignment: alignment(style.align),
    pageBreakBefore,
    keepNext: true,
    spacing: { before: twips(style.spaceBefore), after: twips(style.spaceAfter) },
    children: lines(block.text, { size: halfPoints(style.fontSize), bold: style.bold }),
  });
}

/** The rows of each Word table a grid table becomes (one, or two: see above). The reader needs it too. */
export function wordTableParts(table: GridTable): GridRow[][] {
  const cut = table.rows.findIndex((row, r) => r > 0 && row.repeat && !table.rows[r - 1]!.repeat);
  if (cut <= 0) return [table.rows];
  const crossing = table.rows.slice(0, cut).some((row, r) => row.cells.some((cell) => r + cell.rowSpan > cut));
  if (crossing) throw new Error(`bug: a merged cell crosses the table's header row ${cut}; Word cannot repeat it`);
  return [table.rows.slice(0, cut), table.rows.slice(cut)];
}

function wordTable({ table, rows, headerRows }: WordTable, page: PageStyle): Table {
  const textWidth = twips(page.size.width - page.margins.left - page.margins.right);
  const widths = columnTwips(table.widths, textWidth);
  const rule = { style: BorderStyle.SINGLE, size: Math.max(2, Math.round(page.table.rule * 8)), color: '000000' };
  const fontSize = table.fontSize ?? page.fontSize;
  const tableCell = ({ cell, merge }: WordCell) => {
    const size = cell.fontSize ?? fontSize;
    const width = widths.slice(cell.col, cell.col + cell.colSpan).reduce((a, b) => a + b, 0);
    return writtenCell(width, cell, merge, size === page.fontSize ? undefined : halfPoints(size));
  };
  return new Table({
    layout: TableLayoutType.FIXED,
    width: { size: textWidth, type: WidthType.DXA },
    columnWidths: widths,
    borders: { top: rule, bottom: rule, left: rule, right: rule, insideHorizontal: rule, insideVertical: rule },
    margins: {
      top: twips(page.table.paddingY),
      bottom: twips(page.table.paddingY),
      left: twips(page.table.paddingX),
      right: twips(page.table.paddingX),
    },
    // Word's defaults are left out: a row that is not a header, a height to fit the text.
    rows: rows.map((cells, r) => new TableRow({ ...(r < headerRows ? { tableHeader: true } : {}), cantSplit: true, children: cells.map(tableCell) })),
  });
}

/**
 * Table cells docx has written, the last used last. The same width, span, merge, alignments, type
 * size and text make the same cell: the labels of a form (the template's fixed texts) are the same
 * in every form, and so are many values (a unit, a year's dates, 0.00) and the cells that continue
 * a merged cell. A cell is kept from the second time it comes; the first time it is only noted
 * (null), so that a value of one project is not kept (kept, 1,000 forms of distinct values took
 * some 40 MB more peak RSS). A form has some 100 cells, a 汇总表's list of projects a few per
 * project: a thousand are kept or noted, enough that the labels and common values stay.
 */
const writtenCells = new Map<string, WrittenCell | null>();
const WRITTEN_CELLS = 1_000;

/** The table cell of these options: the one docx has written before, or a new one. */
function writtenCell(width: number, cell: GridCell, merge: WordCell['merge'], size: number | undefined): WrittenCell {
  // A continuing cell shows no text: an empty paragraph of the cell's alignment.
  const text = merge === 'continue' ? undefined : cell.text;
  const key = `${width}\t${cell.colSpan}\t${merge ?? ''}\t${cell.align}\t${cell.valign}\t${size ?? ''}\t${text ?? ''}`;
  const known = writtenCells.get(key);
  if (known !== undefined) writtenCells.delete(key);
  else if (writtenCells.size >= WRITTEN_CELLS) writtenCells.delete(writtenCells.keys().next().value!);
  const written =
    known ??
    new WrittenCell({
      width: { size: width, type: WidthType.DXA },
      // Every cell has its span, one column too: where Word merges cells it only changes the number.
      columnSpan: cell.colSpan,
      ...(merge ? { verticalMerge: merge === 'restart' ? VerticalMergeType.RESTART : VerticalMergeType.CONTINUE } : {}),
      verticalAlign: verticalAlign(cell.valign),
      // One paragraph per line: Enter in Word makes a new one, and the reader joins them again.
      children:
        text === undefined
          ? [new Paragraph({ alignment: alignment(cell.align) })]
          : text.split('\n').map((line) => new Paragraph({ alignment: alignment(cell.align), children: lines(line, { size }) })),
    });
  writtenCells.set(key, known === undefined ? null : written);
  return written;
}

/**
 * A table cell docx writes once: docx's own TableCell, whose XML depends only on its options, so
 * that one object stands for every cell of the same options, in any row of any table (docx adds
 * cells to rows for a `rowSpan`, not used here, and changes no cell), and `prepForXml` gives what
 * docx gave the first time: plain data, which the `xml` package only reads (docx changes such data
 * afterwards only for fields, and a cell has none). docx's objects were most of a form's time:
 * about 100 cells of some 15 objects each.
 */
class WrittenCell extends TableCell {
  private written: IXmlableObject | undefined;

  override prepForXml(context: IContext): IXmlableObject | undefined {
    return (this.written ??= super.prepForXml(context));
  }
}

/** Text as runs; a '\n' inside (a heading) is a line break. Spaces are kept (xml:space). */
function lines(text: string, run: Omit<IRunOptions, 'text' | 'children' | 'break'>): TextRun[] {
  return text.split('\n').map((line, i) => new TextRun({ ...run, text: line, ...(i > 0 ? { break: 1 } : {}) }));
}

/** Column widths in twips, summing to the table width exactly (largest remainders get the odd twips). */
function columnTwips(shares: number[], total: number): number[] {
  const sum = shares.reduce((a, b) => a + b, 0);
  const exact = shares.map((w) => (w / sum) * total);
  const widths = exact.map(Math.floor);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0, left = total - widths.reduce((a, b) => a + b, 0); k < left; k++) widths[order[k % order.length]![1]]! += 1;
  return widths;
}

function footer(page: PageStyle): Footer {
  const size = halfPoints(page.footer.fontSize);
  const children = page.footer.parts.map((part) =>
    typeof part === 'string'
      ? new TextRun({ text: part, size })
      : new TextRun({ size, children: [part.field === 'page' ? PageNumber.CURRENT : PageNumber.TOTAL_PAGES] }),
  );
  return new Footer({ children: [new Paragraph({ alignment: AlignmentType.CENTER, children })] });
}

function alignment(align: Align) {
  return { left: AlignmentType.LEFT, center: AlignmentType.CENTER, right: AlignmentType.RIGHT }[align];
}

function verticalAlign(valign: VAlign) {
  return { top: VerticalAlign.TOP, middle: VerticalAlign.CENTER, bottom: VerticalAlign.BOTTOM }[valign];
}

/** [Content_Types].xml first, as Office writes it; then by name. */
const zipOrder = (a: string, b: string) => (a === '[Content_Types].xml' ? -1 : b === '[Content_Types].xml' ? 1 : a < b ? -1 : a > b ? 1 : 0);

const escaped = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** No author: the files go to other offices. Created = modified = the build's date. */
function coreXml(options: DocxOptions): string {
  const date = options.creationDate.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<dc:title>${escaped(options.title)}</dc:title>` +
    `<dc:subject>${escaped(options.subject ?? '')}</dc:subject>` +
    '<dc:creator>shenbao</dc:creator><cp:lastModifiedBy>shenbao</cp:lastModifiedBy><cp:revision>1</cp:revision>' +
    `<dcterms:created xsi:type="dcterms:W3CDTF">${date}</dcterms:created>` +
    `<dcterms:modified xsi:type="dcterms:W3CDTF">${date}</dcterms:modified>` +
    '</cp:coreProperties>'
  );
}

/**
 * The fonts the document names, each with a fallback (w:altName; the Latin one where it has a
 * metric-compatible one), the GB2312 character set and a Song-like panose for the East Asian one,
 * so that a reader without it substitutes a CJK serif.
 */
function fontTableXml(fonts: DocxFonts): string {
  const eastAsia =
    `<w:font w:name="${escaped(fonts.eastAsia)}"><w:altName w:val="${escaped(FALLBACK[fonts.eastAsia] ?? CJK_FALLBACK)}"/>` +
    '<w:panose1 w:val="02010600030101010101"/><w:charset w:val="86"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>';
  const latinFallback = LATIN_FALLBACK[fonts.latin];
  const latin =
    fonts.latin === fonts.eastAsia
      ? ''
      : `<w:font w:name="${escaped(fonts.latin)}">${latinFallback ? `<w:altName w:val="${escaped(latinFallback)}"/>` : ''}<w:panose1 w:val="02020603050405020304"/><w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>`;
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    '<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' +
    eastAsia +
    latin +
    '</w:fonts>'
  );
}
