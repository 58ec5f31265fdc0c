// Grid -> Word (.docx) bytes (docx 9). A translation of the grid, not a second layout: one handler
// per block type (heading, table), in the style of mdast-util-to-hast. The page, type sizes, rules
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
// Deterministic: the same grid and options give the same bytes. docx stamps the time into
// docProps/core.xml and the zip entries; this writes core.xml itself (dates from `creationDate`)
// and zips again with a fixed entry time. The font table is written here too, to name a fallback.
import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  HeightRule,
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
  WidthType,
  type IRunOptions,
} from 'docx';
import { strFromU8, strToU8, unzipSync } from 'fflate';
import type { Align, GridBlock, GridCell, GridDocument, GridHeading, GridRow, GridSection, GridTable, PageStyle, VAlign } from '../layout/grid.js';
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

/**
 * Off: every .docx is packed whole by the docx library (tests compare the two ways byte for byte).
 * On: the parts that do not depend on the grid (styles, numbering, footer, settings, relationships,
 * custom properties) are packed by docx once per page style, fonts and properties, and each form's
 * word/document.xml is written here, exactly as docx writes it (documentXml): docx's object model
 * was nine tenths of a form's time.
 */
export const DOCX_SHELL = { enabled: true };

export async function renderDocx(grid: GridDocument, options: DocxOptions): Promise<Buffer> {
  if (DOCX_SHELL.enabled) {
    const shell = await shellOf(grid.page, { ...DEFAULT_DOCX_FONTS, ...options.fonts }, options.properties);
    // document.xml in one piece: deflated as the docx library's would be (test/docx.test.ts compares the bytes).
    const document: StreamedPart = { name: 'word/document.xml', pieces: [[...documentPieces(shell, grid.page, grid.sections)].join('')] };
    return Buffer.concat([...zipChunks(inZipOrder([...shell.parts, document, corePart(options)]))]);
  }
  const fonts = { ...DEFAULT_DOCX_FONTS, ...options.fonts };
  const { page } = grid;
  const children = grid.sections.flatMap((section, s) => {
    const blocks = section.blocks.flatMap((block) => handlers[block.type](block as never, page));
    // Each section starts a new page, as in the PDF.
    if (s > 0) {
      const first = blocks[0];
      if (first instanceof Paragraph) blocks[0] = headingParagraph(section.blocks[0] as GridHeading, page, true);
      else blocks.unshift(new Paragraph({ pageBreakBefore: true, spacing: { before: 0, after: 0 } }));
    }
    return blocks;
  });
  const packed = await Packer.toBuffer(wordDocument(page, fonts, options, children));
  const entries = unzipSync(packed);
  entries['word/fontTable.xml'] = strToU8(fontTableXml(fonts));
  delete entries['word/_rels/fontTable.xml.rels'];
  delete entries['docProps/core.xml']; // ours, with fixed dates
  const parts = Object.entries(entries).map(([name, data]): StreamedPart => ({ name, pieces: [data] }));
  return Buffer.concat([...zipChunks(inZipOrder([...parts, corePart(options)]))]);
}

/**
 * The .docx of `sections` (in order; each starts a new page), as chunks of bytes made as they are
 * taken: a 汇总表 of thousands of forms is written out section by section (render/docx-zip.ts).
 */
export async function* docxChunks(page: PageStyle, sections: Iterable<GridSection>, options: DocxOptions): AsyncGenerator<Uint8Array> {
  const shell = await shellOf(page, { ...DEFAULT_DOCX_FONTS, ...options.fonts }, options.properties);
  const document: StreamedPart = { name: 'word/document.xml', pieces: documentPieces(shell, page, sections) };
  yield* zipChunks(inZipOrder([...shell.parts, document, corePart(options)]));
}

function* documentPieces(shell: Shell, page: PageStyle, sections: Iterable<GridSection>): Generator<string> {
  yield shell.head;
  let first = true;
  for (const section of sections) {
    yield sectionXml(section, page, !first);
    first = false;
  }
  yield shell.tail;
}

/** docProps/core.xml: the form's own title and subject, and the build's date. */
const corePart = (options: DocxOptions): StreamedPart => ({ name: 'docProps/core.xml', pieces: [coreXml(options)] });

function inZipOrder<P extends { name: string }>(parts: P[]): P[] {
  return parts.sort((a, b) => zipOrder(a.name, b.name));
}

function wordDocument(page: PageStyle, fonts: DocxFonts, options: Pick<DocxOptions, 'title' | 'subject' | 'properties'>, children: Array<Paragraph | Table>): Document {
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
        children,
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
}

/** A few shells per process (one per packet's properties): kept, but not without bound. */
const shells = new Map<string, Promise<Shell>>();

function shellOf(page: PageStyle, fonts: DocxFonts, properties: DocxOptions['properties']): Promise<Shell> {
  const key = JSON.stringify([page, fonts, properties ?? {}]);
  let shell = shells.get(key);
  if (!shell) {
    if (shells.size >= 16) shells.delete(shells.keys().next().value!);
    shell = (async () => {
      const entries = unzipSync(await Packer.toBuffer(wordDocument(page, fonts, { title: '', properties }, [])));
      const document = strFromU8(entries['word/document.xml']!);
      for (const name of ['word/document.xml', 'docProps/core.xml', 'word/_rels/fontTable.xml.rels']) delete entries[name];
      entries['word/fontTable.xml'] = strToU8(fontTableXml(fonts));
      const body = document.indexOf('<w:body>') + '<w:body>'.length;
      const parts = Object.entries(entries).map(([name, data]) => deflatePart(name, data));
      return { parts, head: document.slice(0, body), tail: document.slice(body) };
    })();
    shells.set(key, shell);
  }
  return shell;
}

type Handler<B extends GridBlock> = (block: B, page: PageStyle) => Array<Paragraph | Table>;

const handlers: { [K in GridBlock['type']]: Handler<Extract<GridBlock, { type: K }>> } = {
  heading: (block, page) => [headingParagraph(block, page)],
  table: (block, page) => tables(block, page),
};

function headingParagraph(block: GridHeading, page: PageStyle, pageBreakBefore = false): Paragraph {
  const style = block.level === 1 ? page.headings.title : page.headings.subtitle;
  return new Paragraph({
    alignment: alignment(style.align),
    pageBreakBefore,
    keepNext: true,
    spacing: { before: twips(style.spaceBefore), after: twips(style.spaceAfter) },
    children: lines(block.text, { size: halfPoints(style.fontSize), bold: style.bold }),
  });
}

/** The grid table as Word tables: cut before its first `repeat` row below the top (see above). */
function tables(table: GridTable, page: PageStyle): Array<Paragraph | Table> {
  const [top, ...rest] = wordTableParts(table);
  return [wordTable(table, top!, page), ...rest.flatMap((rows) => [joint(), wordTable(table, rows, page)])];
}

/** The rows of each Word table a grid table becomes (one, or two: see above). The reader needs it too. */
export function wordTableParts(table: GridTable): GridRow[][] {
  const cut = table.rows.findIndex((row, r) => r > 0 && row.repeat && !table.rows[r - 1]!.repeat);
  if (cut <= 0) return [table.rows];
  const crossing = table.rows.slice(0, cut).some((row, r) => row.cells.some((cell) => r + cell.rowSpan > cut));
  if (crossing) throw new Error(`bug: a merged cell crosses the table's header row ${cut}; Word cannot repeat it`);
  return [table.rows.slice(0, cut), table.rows.slice(cut)];
}

/** The paragraph between two tables that must look like one: 1 pt high, no space. */
function joint(): Paragraph {
  return new Paragraph({ spacing: { before: 0, after: 0, line: 20, lineRule: LineRuleType.EXACT }, children: [new TextRun({ text: '', size: 2 })] });
}

function wordTable(table: GridTable, rows: readonly GridRow[], page: PageStyle): Table {
  const textWidth = twips(page.size.width - page.margins.left - page.margins.right);
  const widths = columnTwips(table.widths, textWidth);
  const rule = { style: BorderStyle.SINGLE, size: Math.max(2, Math.round(page.table.rule * 8)), color: '000000' };
  const fontSize = table.fontSize ?? page.fontSize;
  // The header rows at the top (all of them `repeat`) repeat on every page the table runs onto.
  let heading = true;
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
    // docx changes rows in place (it adds the merged cells' continuations): built fresh each time.
    rows: rows.map((row) => {
      heading &&= row.repeat;
      return new TableRow({
        tableHeader: heading,
        cantSplit: true,
        height: { value: 0, rule: HeightRule.AUTO },
        children: row.cells.map((cell) => wordCell(cell, widths, fontSize, page)),
      });
    }),
  });
}

function wordCell(cell: GridCell, widths: number[], fontSize: number, page: PageStyle): TableCell {
  const width = widths.slice(cell.col, cell.col + cell.colSpan).reduce((a, b) => a + b, 0);
  const cellSize = cell.fontSize ?? fontSize;
  const size = cellSize === page.fontSize ? undefined : halfPoints(cellSize);
  return new TableCell({
    width: { size: width, type: WidthType.DXA },
    rowSpan: cell.rowSpan,
    columnSpan: cell.colSpan,
    verticalAlign: verticalAlign(cell.valign),
    // One paragraph per line: Enter in Word makes a new one, and the reader joins them again.
    children: cell.text.split('\n').map((line) => new Paragraph({ alignment: alignment(cell.align), children: lines(line, { size }) })),
  });
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

const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** No author: the files go to other offices. Created = modified = the build's date. */
function coreXml(options: DocxOptions): string {
  const date = options.creationDate.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<dc:title>${xml(options.title)}</dc:title>` +
    `<dc:subject>${xml(options.subject ?? '')}</dc:subject>` +
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
    `<w:font w:name="${xml(fonts.eastAsia)}"><w:altName w:val="${xml(FALLBACK[fonts.eastAsia] ?? CJK_FALLBACK)}"/>` +
    '<w:panose1 w:val="02010600030101010101"/><w:charset w:val="86"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>';
  const latinFallback = LATIN_FALLBACK[fonts.latin];
  const latin =
    fonts.latin === fonts.eastAsia
      ? ''
      : `<w:font w:name="${xml(fonts.latin)}">${latinFallback ? `<w:altName w:val="${xml(latinFallback)}"/>` : ''}<w:panose1 w:val="02020603050405020304"/><w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>`;
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    '<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' +
    eastAsia +
    latin +
    '</w:fonts>'
  );
}

// ---- word/document.xml's body, as docx 9.15.2 writes it (pinned: test/docx.test.ts compares the two ways) for the same grid ----

/** docx's escaping of text and attribute values. */
const text = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

const JC: Record<Align, string> = { left: 'left', center: 'center', right: 'right' };
const V_ALIGN: Record<VAlign, string> = { top: 'top', middle: 'center', bottom: 'bottom' };

/** A section's body XML; every section but the document's first starts a new page, as in the PDF (see renderDocx). */
function sectionXml(section: GridSection, page: PageStyle, newPage: boolean): string {
  const out: string[] = [];
  section.blocks.forEach((block, b) => {
    const breakBefore = newPage && b === 0;
    if (block.type === 'heading') out.push(headingXml(block, page, breakBefore));
    else {
      if (breakBefore) out.push('<w:p><w:pPr><w:pageBreakBefore/><w:spacing w:after="0" w:before="0"/></w:pPr></w:p>');
      const [top, ...rest] = wordTableParts(block);
      out.push(tableXml(block, top!, page));
      for (const rows of rest) out.push(JOINT_XML, tableXml(block, rows, page));
    }
  });
  return out.join('');
}

const JOINT_XML =
  '<w:p><w:pPr><w:spacing w:after="0" w:before="0" w:line="20" w:lineRule="exact"/></w:pPr><w:r><w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr><w:t xml:space="preserve"></w:t></w:r></w:p>';

function headingXml(block: GridHeading, page: PageStyle, pageBreakBefore: boolean): string {
  const style = block.level === 1 ? page.headings.title : page.headings.subtitle;
  const size = halfPoints(style.fontSize);
  const rPr = `<w:rPr>${style.bold ? '<w:b/><w:bCs/>' : '<w:b w:val="false"/><w:bCs w:val="false"/>'}<w:sz w:val="${size}"/><w:szCs w:val="${size}"/></w:rPr>`;
  const runs = block.text
    .split('\n')
    .map((line, i) => `<w:r>${rPr}${i > 0 ? '<w:br/>' : ''}<w:t xml:space="preserve">${text(line)}</w:t></w:r>`)
    .join('');
  const pPr = `<w:pPr><w:keepNext/>${pageBreakBefore ? '<w:pageBreakBefore/>' : ''}<w:spacing w:after="${twips(style.spaceAfter)}" w:before="${twips(style.spaceBefore)}"/><w:jc w:val="${JC[style.align]}"/></w:pPr>`;
  return `<w:p>${pPr}${runs}</w:p>`;
}

function tableXml(table: GridTable, rows: readonly GridRow[], page: PageStyle): string {
  const textWidth = twips(page.size.width - page.margins.left - page.margins.right);
  const widths = columnTwips(table.widths, textWidth);
  const rule = `w:val="single" w:color="000000" w:sz="${Math.max(2, Math.round(page.table.rule * 8))}"`;
  const [y, x] = [twips(page.table.paddingY), twips(page.table.paddingX)];
  const tableSize = table.fontSize ?? page.fontSize;
  // Half-points, where a cell's size differs from the document's (a table's, or one cell's: layout/fit.ts).
  const sizeOf = (cell: GridCell) => {
    const fontSize = cell.fontSize ?? tableSize;
    return fontSize === page.fontSize ? undefined : halfPoints(fontSize);
  };
  const out = [
    `<w:tbl><w:tblPr><w:tblW w:type="dxa" w:w="${textWidth}"/><w:tblBorders>`,
    ['top', 'left', 'bottom', 'right', 'insideH', 'insideV'].map((side) => `<w:${side} ${rule}/>`).join(''),
    `</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar><w:top w:type="dxa" w:w="${y}"/><w:left w:type="dxa" w:w="${x}"/><w:bottom w:type="dxa" w:w="${y}"/><w:right w:type="dxa" w:w="${x}"/></w:tblCellMar></w:tblPr>`,
    `<w:tblGrid>${widths.map((w) => `<w:gridCol w:w="${w}"/>`).join('')}</w:tblGrid>`,
  ];
  // docx adds, in each row a merged cell covers below its first, a continuation cell copying its
  // width, span, alignment and vertical alignment.
  const continuing: Array<{ cell: GridCell; last: number }> = [];
  let heading = true;
  rows.forEach((row, r) => {
    heading &&= row.repeat;
    const cells: Array<{ cell: GridCell; continued: boolean }> = [
      ...continuing.filter((c) => c.last >= r).map(({ cell }) => ({ cell, continued: true })),
      ...row.cells.map((cell) => ({ cell, continued: false })),
    ].sort((a, b) => a.cell.col - b.cell.col);
    out.push(`<w:tr><w:trPr><w:cantSplit/>${heading ? '<w:tblHeader/>' : '<w:tblHeader w:val="off"/>'}<w:trHeight w:val="0" w:hRule="auto"/></w:trPr>`);
    for (const { cell, continued } of cells) {
      const width = widths.slice(cell.col, cell.col + cell.colSpan).reduce((a, b) => a + b, 0);
      const merge = continued ? '<w:vMerge w:val="continue"/>' : cell.rowSpan > 1 ? '<w:vMerge w:val="restart"/>' : '';
      const jc = `<w:pPr><w:jc w:val="${JC[cell.align]}"/></w:pPr>`;
      const size = sizeOf(cell);
      const paragraphs = continued
        ? `<w:p>${jc}</w:p>`
        : cell.text
            .split('\n')
            .map((line) => `<w:p>${jc}<w:r>${size ? `<w:rPr><w:sz w:val="${size}"/><w:szCs w:val="${size}"/></w:rPr>` : ''}<w:t xml:space="preserve">${text(line)}</w:t></w:r></w:p>`)
            .join('');
      out.push(`<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="${width}"/><w:gridSpan w:val="${cell.colSpan}"/>${merge}<w:vAlign w:val="${V_ALIGN[cell.valign]}"/></w:tcPr>${paragraphs}</w:tc>`);
      if (!continued && cell.rowSpan > 1) continuing.push({ cell, last: r + cell.rowSpan - 1 });
    }
    out.push('</w:tr>');
  });
  out.push('</w:tbl>');
  return out.join('');
}
