// A PDF back to packet data. A shenbao PDF carries its declaration as an associated file
// (AFRelationship /Source, application/json; render/pdf-archive.ts): `sourceOfPdf` returns it
// exactly as embedded. A PDF without one (an older shenbao's, or one whose attachment was
// removed) is read from the text it prints (`readPdfForms`): its pages' glyphs and rules become
// paragraphs and tables (pdf-read.ts, pdf-tables.ts), read against the templates' grid like a
// .docx (docx.ts). That reading says that it was made from the printed text.
//
// A PDF that carries its data may print something else (its pages edited, the attachment kept):
// `printedAgainstCarried` reads what it prints and names every field where the two differ. extract,
// diff and verify --printed all check through it. Only printed text is read (pdf-read.ts names what
// a page holds but does not print), and each glyph printed in the forms' fonts is checked to be
// the character it is read as (its outline in the embedded font against the font's own): a font
// whose ToUnicode map was changed to read other characters than it draws is named.
import { createRequire } from 'node:module';
import type * as FontkitModule from 'fontkit';
import { decodePDFRawStream, PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, PDFRef, PDFStream, type PDFObject } from '@pdfme/pdf-lib';
import { UserError } from '../errors.js';
import { declarationDocument } from '../layout/forms.js';
import { FORM_PAGE } from '../layout/page-style.js';
import { cellTextWidth, contentWidths } from '../layout/place.js';
import type { FormTemplates } from '../layout/templates.js';
import { WORD_PROPERTY } from '../render/word-properties.js';
import type { LoadedFonts } from '../render/fonts.js';
import { setText } from '../layout/text.js';
import { textMeasure } from '../render/measure.js';
import type { Display } from '../model/display.js';
import type { Packet } from '../model/packet.js';
import { fileProblem, type Diagnostic } from '../model/diagnostic.js';
import { diffPackets, printedDifference, type PacketChange } from './diff.js';
import { readForms, rowKey, tableHints, UnreadableForms, type ExtractedDocx, type FormsMedium } from './docx.js';
import { documentInfo, pdfPages, PdfReadLimit, quietly, type PdfFontSource, type PdfPageContent, type Unprinted } from './pdf-read.js';
import { glyphOfCode, glyphScale } from './embedded-glyphs.js';
import { printedStyle } from './printed-style.js';
import { pdfBlocks, type LineJoiner } from './pdf-tables.js';

/** A PDF loaded for reading; a file that is not one (or is damaged past reading), or is encrypted, is refused. */
export async function loadPdf(bytes: Uint8Array, file: string): Promise<PDFDocument> {
  let pdf: PDFDocument;
  try {
    pdf = await quietly(() => PDFDocument.load(bytes, { updateMetadata: false, ignoreEncryption: true, throwOnInvalidObject: false }));
    // A file whose objects could not be read has no catalog or pages tree to speak of.
    if (!(pdf.catalog instanceof PDFDict)) throw new Error('no catalog');
    pdf.getPageCount();
  } catch {
    throw new UserError(`${file} 不是可以读取的 PDF 文件（已损坏，或不是 PDF）`);
  }
  if (pdf.isEncrypted) throw new UserError(`${file} 是加密的 PDF，无法读出其中的数据；shenbao 生成的 PDF 不加密`);
  return pdf;
}

/** The JSON text of the PDF's Source file. */
export async function sourceOfPdf(bytes: Uint8Array, file: string): Promise<string> {
  const source = embeddedSource(await loadPdf(bytes, file), file);
  if (source === undefined) {
    throw new UserError(`${file} 里没有 shenbao 嵌入的数据（AFRelationship /Source 的 JSON 附件）：不是 shenbao 生成的，或是较早的版本生成的`);
  }
  return source;
}

/** The JSON text of the PDF's Source file; undefined when it has none. */
export function embeddedSource(pdf: PDFDocument, file: string): string | undefined {
  const lookup = (object: PDFObject | undefined) => (object instanceof PDFRef ? pdf.context.lookup(object) : object);
  const associated = lookup(pdf.catalog.get(PDFName.of('AF')));
  const specs = associated instanceof PDFArray ? associated.asArray().map(lookup) : [];
  for (const spec of specs) {
    if (!(spec instanceof PDFDict) || lookup(spec.get(PDFName.of('AFRelationship'))) !== PDFName.of('Source')) continue;
    const embedded = lookup(spec.get(PDFName.of('EF')));
    const stream = embedded instanceof PDFDict ? lookup(embedded.get(PDFName.of('F'))) : undefined;
    if (!(stream instanceof PDFStream)) continue;
    // Compared decoded: a re-save may write the name's slash as #2F (pdfkit) or #2f (qpdf), and
    // pdf-lib decodes only the first.
    const subtype = lookup(stream.dict.get(PDFName.of('Subtype')));
    const type = subtype instanceof PDFName ? subtype.decodeText().replace(/#([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))) : undefined;
    if (subtype !== undefined && type !== 'application/json') continue;
    try {
      const data = stream instanceof PDFRawStream ? decodePDFRawStream(stream).decode() : stream.getContents();
      return new TextDecoder('utf-8', { fatal: true }).decode(data);
    } catch {
      throw new UserError(`${file} 里附带的数据已损坏，无法读出`);
    }
  }
  return undefined;
}

const PDF_MEDIUM: FormsMedium = {
  name: 'PDF',
  // The tables a PDF prints are read across its pages: the place is the file.
  place: (file) => ({ kind: 'pdf', file }),
  recordsStyle: false,
  noStyle: () =>
    `PDF 没有记下印制样式，日期和年度一行按默认样式（2023-01-01、(2023年度)）读。这些表若按本单位的样式印出，请在读回的 JSON 里补上 display（如 {"dateFormat":"yyyy/M/d"}）再核对日期`,
  missing: (_file, fields) => `PDF 上没有印${fields.join('和')}，读回的数据缺这${fields.length > 1 ? '两' : '一'}项，请在 JSON 里补上`,
};

/** How each reason a text is not printed reads in a message. */
const UNPRINTED: Record<Unprinted, string> = {
  invisible: '设成了不显示（文字渲染模式 3 或 7）',
  clipped: '被裁剪掉了',
  'off-page': '在页面的可见范围以外',
  'layer-off': '在关闭的图层（可选内容）里',
  tiny: '高或宽不到 1 磅，看不见',
  background: '与底色相同（如白纸上的白字）',
  transparent: '是透明的',
  blended: '经软遮罩或混合模式（不是 Normal）画出，纸上不一定看得见',
  covered: '被后来画的色块或图片盖住了',
};
/** Runs of unprinted text named one by one; the rest counted. */
const UNPRINTED_NAMED = 20;

/** The lines that name a PDF's unprinted text: page, why, and the text (long runs cut). */
function unprintedLines(file: string, runs: ReadonlyArray<{ page: number; text: string; why: Unprinted }>): Diagnostic[] {
  const lines = runs.slice(0, UNPRINTED_NAMED).map(({ page, text, why }) => {
    const shown = [...text].length > 40 ? `${[...text].slice(0, 40).join('')}…` : text;
    return fileProblem('pdf-unprinted-text', { kind: 'pdf', file, page }, `第 ${page} 页有文字${UNPRINTED[why]}，不印在纸上，没有当作印出的读：「${shown}」`);
  });
  if (runs.length > UNPRINTED_NAMED) lines.push(fileProblem('pdf-unprinted-text', { kind: 'pdf', file }, `另有 ${runs.length - UNPRINTED_NAMED} 处文字不印在纸上，没有当作印出的读`));
  return lines;
}

// The CommonJS build of fontkit, as render/fonts.ts loads it: the embedded font programs are read with it.
const fontkit = createRequire(import.meta.url)('fontkit') as typeof FontkitModule;

/** Characters shown, by the font they are shown in: code → the text its ToUnicode entry says, and the first page. */
type GlyphUse = Map<PdfFontSource, Map<number, { text: string; page: number }>>;

/** Printed in glyphs that are not the characters read: the reading is worthless (other fonts only make line breaks a guess). */
const GLYPHS_DIFFER = 'pdf-glyphs-differ';

/** Characters named one by one in a line about glyphs. */
const GLYPHS_NAMED = 10;
/** Scripts (OpenType tags) a line's text may be shaped in besides the default: a digit or a letter is drawn as the run it is in has it. */
const RUN_SCRIPTS = ['latn', 'cyrl', 'grek'];
/** Embedded fonts named like the forms' fonts whose glyphs are checked; glyphs in more are not confirmed. */
const MAX_FONT_COPIES = 64;

/**
 * Lines naming what is printed in glyphs that are not the characters read: each glyph a PDF shows
 * in one of `fonts` (by name) is drawn from the embedded program; its outline must be one the font
 * draws for the text its ToUnicode entry says. A font whose map was changed to read other
 * characters than it draws (a copy whose 9 reads as 1), or a font of that name not embedded, is
 * named; so is text in fonts other than `fonts`, which cannot be checked.
 */
function unverifiedGlyphs(file: string, use: GlyphUse, fonts: LoadedFonts): Diagnostic[] {
  const faces = new Map([fonts.faces.regular, fonts.faces.bold].map((face) => [face.name, face]));
  const wrong = new Map<number, Set<string>>();
  // Glyphs of the face's outline at another scale: the text prints at another size than the PDF says.
  const rescaled = new Map<number, Set<string>>();
  const others = new Set<string>();
  // shenbao's PDFs embed each face once; a PDF with many copies is not read copy by copy.
  let copies = 0;
  for (const [source, codes] of use) {
    const face = faces.get(source.name);
    if (!face) {
      others.add(source.name || '（没有名字的字体）');
      continue;
    }
    if (++copies > MAX_FONT_COPIES) {
      for (const { text, page } of codes.values()) wrong.set(page, (wrong.get(page) ?? new Set()).add(text));
      continue;
    }
    let program: FontkitModule.Font | undefined;
    try {
      const parsed = source.program && source.codeIsGlyph ? fontkit.create(fontProgram(source.program)) : undefined;
      program = parsed && 'getGlyph' in parsed ? parsed : undefined;
    } catch {
      program = undefined;
    }
    const expected = new Map<string, FaceDrawings>();
    for (const [code, { text, page }] of codes) {
      let known = expected.get(text);
      if (!known) expected.set(text, (known = new FaceDrawings(face.font, text)));
      // The code is a CID: a CFF program's charset says which glyph it draws (the code itself under CIDToGIDMap /Identity).
      const glyph = program ? drawn(() => program.getGlyph(glyphOfCode(program, code))) : undefined;
      const outline = glyph && drawn(() => glyph.path.toSVG());
      const drawing = outline === undefined ? undefined : drawn(() => `${glyphScale(program!, glyph!.id)} ${outline}`);
      if (drawing !== undefined && text !== '\uFFFD' && known.draws(drawing)) continue;
      const at = glyph && text !== '\uFFFD' && known.hasOutline(outline) ? rescaled : wrong;
      at.set(page, (at.get(page) ?? new Set<string>()).add(text));
    }
  }
  const named = (texts: Set<string>) => `${[...texts].slice(0, GLYPHS_NAMED).map((t) => `「${t}」`).join('')}${texts.size > GLYPHS_NAMED ? ` 等 ${texts.size} 个字` : ''}`;
  const lines = [...wrong].map(([page, texts]) => {
    return fileProblem(
      GLYPHS_DIFFER,
      { kind: 'pdf', file, page },
      `第 ${page} 页印出的字形与 PDF 标明的字不符（字体的字符对照表被改过，或字体没有嵌入），读出的不一定是印出的：标作${named(texts)}的字`,
    );
  });
  for (const [page, texts] of rescaled) {
    lines.push(
      fileProblem(
        GLYPHS_DIFFER,
        { kind: 'pdf', file, page },
        `第 ${page} 页印出的字的大小与 PDF 标明的不符（嵌入的字体被改了缩放比例），读出的不一定是印出的：标作${named(texts)}的字`,
      ),
    );
  }
  if (others.size > 0) {
    const given = [...faces.keys()].join('、');
    lines.push(fileProblem('pdf-other-fonts', file, `它印用的字体 ${[...others].join('、')} 不是读它时用的 ${given}，印出的是什么字无法核对：若它是用 --font、--font-bold 生成的，请给出同样的字体`));
  }
  return lines;
}

/** What `draw` gives, or undefined for a glyph that cannot be drawn (a composite glyph that contains itself, a damaged table). */
function drawn<T>(draw: () => T): T | undefined {
  try {
    return draw();
  } catch {
    return undefined;
  }
}

/**
 * A face's glyphs as SVG path data, by glyph id: a face's glyphs do not change, and each is drawn
 * for many texts and PDFs. At most one string per glyph the forms print (a few thousand, about a
 * kilobyte each), kept as long as the face is.
 */
const faceOutlines = new WeakMap<FontkitModule.Font, Map<number, string>>();
function faceOutline(font: FontkitModule.Font, glyph: FontkitModule.Glyph): string {
  let outlines = faceOutlines.get(font);
  if (!outlines) faceOutlines.set(font, (outlines = new Map()));
  let outline = outlines.get(glyph.id);
  if (outline === undefined) outlines.set(glyph.id, (outline = glyph.path.toSVG()));
  return outline;
}

/**
 * What a face draws for a text, each run of glyphs as a drawing (outlines at the face's scale) and
 * as outlines alone: its own glyph, or the one shaping gives (a ligature), alone or in a run of
 * another script (Noto Serif SC draws a digit in a run of Latin letters, "ABC1" or "PM2.5", with a
 * glyph of its own). The runs are shaped and drawn one at a time, as a question needs them: the
 * glyph a PDF shows is nearly always the first, and shaping a text four ways took most of a read.
 */
class FaceDrawings {
  readonly #runs: Iterator<FontkitModule.Glyph[] | undefined>;
  readonly #drawings = new Set<string | undefined>();
  readonly #outlines = new Set<string | undefined>();

  constructor(
    readonly font: FontkitModule.Font,
    text: string,
  ) {
    this.#runs = (function* () {
      if ([...text].length === 1) yield drawn(() => [font.glyphForCodePoint(text.codePointAt(0)!)]);
      for (const script of [undefined, ...RUN_SCRIPTS]) yield drawn(() => font.layout(text, undefined, script).glyphs);
    })();
  }

  /** Whether the face draws the text as `drawing` (scale and outlines). */
  draws(drawing: string): boolean {
    while (!this.#drawings.has(drawing)) if (!this.#drawNext()) return false;
    return true;
  }

  /** Whether the face draws the text with these outlines, at any scale. */
  hasOutline(outline: string | undefined): boolean {
    while (this.#drawNext());
    return this.#outlines.has(outline);
  }

  #drawNext(): boolean {
    const next = this.#runs.next();
    if (next.done) return false;
    const run = next.value;
    this.#drawings.add(drawn(() => run?.map((g) => `${glyphScale(this.font, g.id)} ${faceOutline(this.font, g)}`).join('|')));
    this.#outlines.add(drawn(() => run?.map((g) => faceOutline(this.font, g)).join('|')));
    return true;
  }
}

/** An embedded program fontkit can open: a bare CFF (FontFile3, first byte its major version 1) in an sfnt of that one table. */
function fontProgram(program: Uint8Array): Buffer {
  const bytes = Buffer.from(program);
  if (bytes[0] !== 1) return bytes;
  const directory = Buffer.alloc(28);
  directory.write('OTTO', 0, 'latin1');
  directory.writeUInt16BE(1, 4); // one table
  directory.write('CFF ', 12, 'latin1');
  directory.writeUInt32BE(28, 20); // its offset, after this directory
  directory.writeUInt32BE(bytes.length, 24);
  return Buffer.concat([directory, bytes]);
}

/**
 * A PDF's forms as read from what it prints, with the lines naming the text it holds but does
 * not print (`unprinted`), and what it prints whose characters cannot be confirmed (`unverified`:
 * glyphs that are not what the PDF says they are, fonts other than those given).
 */
export type PrintedForms = ExtractedDocx & { unprinted: Diagnostic[]; unverified: Diagnostic[] };

/**
 * The forms a PDF prints, read back from its text. The unit comes from the document's Author (as
 * shenbao writes it), the 汇总表's title from its heading; the page is shenbao's form page. Only
 * printed text is read (pdf-read.ts): text it holds but does not print is named in `unprinted`
 * (and in `notes`). `display`: the house style the forms were printed in, where it is known (the
 * data a PDF carries says it); else it is read off the printed forms.
 */
export function readPdfForms(pdf: PDFDocument, file: string, templates: FormTemplates, fonts: LoadedFonts, known?: { display?: Display }): PrintedForms {
  const page = FORM_PAGE;
  const measure = textMeasure(fonts);
  // The lines the writer sets `text` in, in a box `width` wide, as layout sets them.
  const lineBreaker = (text: string, { size, width, bold }: { size: number; width: number; bold: boolean }) =>
    setText(text, { face: bold ? 'bold' : 'regular', size, lineHeight: page.lineHeight, width }, measure);
  const bold = fonts.faces.bold.name;
  // A line ends where the text wrapped if the writer, given it with the next line after it, ends
  // it there too; else the value has a line break there. A gap of k lines' height is k − 1 empty lines.
  const join: LineJoiner = (lines, { size, width, font }) => {
    const style = { size, width, bold: font === bold };
    let text = lines[0]?.text ?? '';
    for (let i = 1; i < lines.length; i++) {
      const [before, after] = [lines[i - 1]!, lines[i]!];
      const [first] = lineBreaker(before.text + after.text, style);
      const height = lineBreaker(after.text, style)[0]?.height ?? size;
      const empty = after.continued ? 0 : Math.max(0, Math.round((before.baseline - after.baseline) / height) - 1);
      text += first?.text === before.text && empty === 0 ? after.text : `${'\n'.repeat(empty + 1)}${after.text}`;
    }
    return text;
  };
  const { repeated, spanning } = tableHints(templates);
  // The pages are read one at a time as the tables are put together; what each holds unprinted is kept.
  const hidden: Array<{ page: number; text: string; why: Unprinted }> = [];
  const use: GlyphUse = new Map();
  // What a page paints whose effect on its text is not worked out: the print is then not confirmed.
  const unmodelled: Diagnostic[] = [];
  function* pages(): Generator<PdfPageContent> {
    let number = 0;
    for (const content of pdfPages(pdf)) {
      number++;
      hidden.push(...content.unprinted.map((run) => ({ page: number, ...run })));
      unmodelled.push(...content.unmodelled.map((what) => fileProblem('pdf-unmodelled', { kind: 'pdf', file, page: number }, `第 ${number} 页${what}，印出的内容无法确认`)));
      for (const { source, code, text } of content.glyphs) {
        let codes = use.get(source);
        if (!codes) use.set(source, (codes = new Map()));
        if (!codes.has(code)) codes.set(code, { text, page: number });
      }
      yield content;
    }
  }
  let blocks: ReturnType<typeof pdfBlocks>;
  try {
    blocks = pdfBlocks(
      pages(),
      { paddingX: page.table.paddingX, footerTop: page.margins.bottom, textWidth: page.size.width - page.margins.left - page.margins.right },
      join,
      { repeated: (cells) => repeated.has(rowKey(cells.map((cell) => cell.text))), spansRows: (text) => spanning.has(rowKey([text])) },
    );
  } catch (error) {
    // A page past the reader's limits, a content stream in a filter pdf-lib cannot decode, or damaged: not a page shenbao wrote.
    if (!(error instanceof PdfReadLimit) && error instanceof Error && !/^(Error|TypeError|RangeError)$/.test(error.name)) throw error;
    const why = `读不出页面上的文字（${(error as Error).message}），不是 shenbao 生成的申报表或汇总表，或文件已损坏`;
    // Past the reader's limits the print is not confirmed: a page can be made to reach them on purpose.
    if (!(error instanceof PdfReadLimit)) throw new UnreadableForms(file, why);
    throw new UnreadablePrint(`${file}：${why}`, why, unprintedLines(file, hidden), [fileProblem('pdf-unreadable', file, why)]);
  }
  const unprinted = unprintedLines(file, hidden);
  const unverified = [...unverifiedGlyphs(file, use, fonts), ...unmodelled];
  const info = documentInfo(pdf);
  const custom: Record<string, string> = info.author !== undefined ? { [WORD_PROPERTY.unit]: info.author } : {};
  // A PDF does not say its house style (a .docx does): it is read off the printed forms, unless known.
  const forms = (display: Display | undefined) => {
    try {
      return readForms({ blocks, custom: display ? { ...custom, [WORD_PROPERTY.display]: JSON.stringify(display) } : custom }, file, templates, PDF_MEDIUM);
    } catch (error) {
      if (!(error instanceof UserError) || error instanceof UnreadablePrint) throw error;
      throw new UnreadablePrint(error.message, error instanceof UnreadableForms ? error.reason : error.message, unprinted, unverified);
    }
  };
  const plain = forms(known?.display);
  const style = known?.display ? undefined : printedStyle(blocks, plain.places);
  const read = style === undefined ? plain : forms(style);
  const notes = [
    fileProblem('pdf-read-from-text', file, 'PDF 里没有嵌入的数据，按它印出的文字读回', { severity: 'warning' }),
    ...unprinted.map((d) => ({ ...d, severity: 'warning' as const })),
    ...(style ? [fileProblem('pdf-style-read', file, `印制样式按 PDF 上印出的样子读作 ${JSON.stringify(style)}，已写入读回数据的 display`, { severity: 'warning' })] : []),
    ...read.notes,
  ];
  // The reader's messages speak of edits made in Word; in a PDF they mean its pages are not laid
  // out as this shenbao lays out its forms. Glyphs that are not the characters read make the
  // reading worthless (other fonts than given only make line breaks a guess: not a problem here).
  const misdrawn = unverified.filter((d) => d.code === GLYPHS_DIFFER);
  const problems =
    read.problems.length === 0
      ? misdrawn
      : [
          fileProblem(
            'pdf-layout-differs',
            file,
            `PDF 里没有嵌入的数据，按印出的文字也读不回：它的版式与 shenbao 的申报表不符（不是 shenbao 生成的，或由别的版本、别的模板生成；一格里的文字高过一页、又只能在空行处切开时，跨页印出后也读不回）。下面是读不上的地方；请改用它的原数据文件或 .docx`,
          ),
          ...read.problems,
          ...misdrawn,
        ];
  // (Where only glyphs are wrong, the data read is still given, for the printed check to compare.)
  return { ...read, notes, problems, unprinted, unverified };
}

/** The forms a PDF prints could not be read; the text its pages hold but do not print is kept with the reason, to be said too. */
export class UnreadablePrint extends UserError {
  constructor(
    message: string,
    /** The message without the file's name (said around it). */
    readonly reason: string,
    readonly unprinted: Diagnostic[],
    readonly unverified: Diagnostic[],
  ) {
    super(message);
  }
}

/** A PDF's printed forms against the data it carries. */
export type PrintedCheck =
  | {
      readable: true;
      /** Carried → printed, field by field (each `before` is carried, `after` printed); [] when the PDF prints what it carries. */
      differences: PacketChange[];
      /** The data as printed: the carried data with the projects (and year) it prints. */
      printed: Record<string, unknown>;
      /** The text it holds but does not print, one line each. */
      unprinted: Diagnostic[];
      /** What it prints whose characters cannot be confirmed: glyphs other than the characters read, fonts other than given. */
      unverified: Diagnostic[];
    }
  | { readable: false; why: string; unprinted: Diagnostic[]; unverified: Diagnostic[] };

/**
 * What a PDF that carries its data prints, read back (readPdfForms, in the carried house style)
 * and compared with that data: the projects and the year (a form does not print the packet's
 * title, and the unit is in its properties, not on the page). `templates` and `fonts`: those it
 * was made with.
 */
export function printedAgainstCarried(pdf: PDFDocument, file: string, carried: Record<string, unknown>, templates: FormTemplates, fonts: LoadedFonts): PrintedCheck {
  let read: PrintedForms;
  // The carried style, the default where it has none: what it prints is read as it was printed, not guessed.
  const display = carried.display !== null && typeof carried.display === 'object' ? (carried.display as Display) : {};
  try {
    read = readPdfForms(pdf, file, templates, fonts, { display });
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    const [why, unprinted, unverified] = error instanceof UnreadablePrint ? [error.reason, error.unprinted, error.unverified] : [error instanceof UnreadableForms ? error.reason : error.message, [], []];
    return { readable: false, why, unprinted, unverified };
  }
  const layout = read.problems.filter((d) => !read.unverified.includes(d));
  if (!read.data) {
    // The first problem is the text reader's preface (for a PDF without data); what follows says where.
    const [first, ...more] = layout.slice(1);
    const why = first === undefined ? (layout[0]?.message ?? '') : `${first.message}${more.length > 0 ? `；另有 ${more.length} 处读不上` : ''}`;
    return { readable: false, why, unprinted: read.unprinted, unverified: read.unverified };
  }
  const printed: Record<string, unknown> = { ...carried, projects: read.data.projects, ...(read.data.year !== undefined && { year: read.data.year }) };
  const differences = diffPackets(carried as unknown as Packet, printed as unknown as Packet);
  const alike = printsAlike(carried as unknown as Packet, printed as unknown as Packet, templates, fonts);
  return { readable: true, differences: differences.filter((change) => !alike(change)), printed, unprinted: read.unprinted, unverified: read.unverified };
}

/**
 * Whether a value carried and the value read from the print of its cell print alike: set in the
 * cell's width, they give the same lines. A line break after a full line prints as a wrap does,
 * and spaces at a value's ends print nothing: the reader cannot tell them, and such a difference
 * is no sign of a changed page. Where the forms cannot be laid out (data that is not valid), no
 * difference is taken for alike.
 */
function printsAlike(carried: Packet, printed: Packet, templates: FormTemplates, fonts: LoadedFonts): (change: PacketChange) => boolean {
  const measure = textMeasure(fonts);
  /** Each value cell of project `index`'s form: its lines as set, by its data path (laid out only for a project with differences). */
  const cellsOf = (packet: Packet, index: number) => {
    const cells = new Map<string, () => string[]>();
    const grid = declarationDocument(templates, packet.projects[index]!, packet.year, index, packet.display);
    for (const block of grid.sections.flatMap((section) => section.blocks)) {
      if (block.type !== 'table') continue;
      const widths = contentWidths(grid.page, block.widths);
      for (const cell of block.rows.flatMap((row) => row.cells)) {
        if (!cell.path) continue;
        const style = { face: 'regular' as const, size: cell.fontSize ?? block.fontSize ?? grid.page.fontSize, lineHeight: grid.page.lineHeight, width: cellTextWidth(grid.page, widths, cell) };
        cells.set(cell.path.join('.'), () => setText(cell.text, style, measure).map((line) => line.text.trimEnd()));
      }
    }
    return cells;
  };
  const forms = new Map<number, [Map<string, () => string[]>, Map<string, () => string[]>] | undefined>();
  const sides = (index: number) => {
    if (!forms.has(index)) {
      try {
        forms.set(index, [cellsOf(carried, index), cellsOf(printed, index)]);
      } catch {
        forms.set(index, undefined);
      }
    }
    return forms.get(index);
  };
  return (change) => {
    const [root, index] = change.path;
    if (change.kind !== 'changed' || root !== 'projects' || typeof index !== 'number') return false;
    const both = sides(index);
    const key = change.path.join('.');
    const [before, after] = [both?.[0].get(key), both?.[1].get(key)];
    return before !== undefined && after !== undefined && JSON.stringify(before()) === JSON.stringify(after());
  };
}

/** Every problem a printed check finds: each difference, the unprinted text, or why the print could not be read. */
export function printedCheckLines(file: string, check: PrintedCheck): Diagnostic[] {
  if (!check.readable) {
    const why = `印出的文字读不回，无法与内嵌的数据核对（${check.why}）；若它是用别的模板或字体生成的，请用 --templates、--font 给出生成时用的`;
    return [fileProblem('printed-unreadable', file, why), ...check.unprinted, ...check.unverified];
  }
  return [
    ...check.differences.map((change) => fileProblem('printed-differs', file, `印出的与内嵌的数据不同：${printedDifference(change)}`, { path: change.path })),
    ...check.unprinted,
    ...check.unverified,
  ];
}

