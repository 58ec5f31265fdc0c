// Low-level reader of a PDF's pages for the text fallback of `extract` and the printed-text check:
// every glyph the page prints, with its character, size and place, and every ruled line, read from
// the content streams (pdf-lib parses the file; the operators are interpreted here). It knows
// nothing of our forms; pdf-tables.ts turns the rules into tables and the glyphs into their cells' text.
//
// Reads what PDF writers of text and tables use: text shown with Tj, TJ, ' and " in fonts whose
// ToUnicode map says what each code is (pdfkit writes one for every font), straight lines stroked
// with m/l/S or re, form XObjects and the appearances of annotations. Coordinates are PDF points,
// y upwards, as on the page.
//
// Only text that is printed counts (what a reader of the paper sees): a glyph is left out, and
// named in `unprinted`, when it is drawn invisible (render mode 3 or 7), clipped away, outside the
// page's visible box, in an optional-content layer that is off, too small to see (under 1 pt high
// or wide), in the colour of what lies under it (white on white paper, or on a white box;
// transparent), through a soft mask or a blend mode other than Normal (how it shows is not worked
// out: not taken as printed), or covered by an opaque box or picture painted after it. A picture's
// own pixels are not looked at: text on a picture is taken as printed, and a picture with a mask
// covers nothing. Shapes other than one rectangle are not taken to cover anything, nor is text
// covered piecemeal by several boxes.
//
// Each glyph keeps its code and its font (`source`, with the embedded program), so that the caller
// can check that what is drawn is the character read (extract/pdf.ts).
//
// Every step is linear in the content read (an inline image is skipped by one forward scan), and
// what a page may hold is bounded (READ_LIMITS): a page past a limit is refused, not read slowly.
import { inflateSync, constants as zlib } from 'node:zlib';
import { decodePDFRawStream, PDFArray, PDFBool, PDFDict, PDFDocument, PDFName, PDFNumber, PDFRawStream, PDFRef, PDFStream, type PDFObject } from '@pdfme/pdf-lib';

export interface PdfGlyph {
  /** The characters the glyph stands for (its ToUnicode entry; '\uFFFD' where there is none). */
  text: string;
  /** Where the glyph's origin lands: x, and y of the baseline. */
  x: number;
  y: number;
  /** Its advance on the page, in pt. */
  width: number;
  /** Text size on the page (the font size times the text and graphics scaling), in pt. */
  size: number;
  /** The font's PostScript name without its subset tag (NotoSerifSC-Regular). */
  font: string;
  /** The character code shown, and the font it is shown in: to check that the glyph drawn is the character read. */
  code: number;
  source: PdfFontSource;
}

/** A font as a page uses it: one object per font dictionary, so two fonts of one name stay apart. */
export interface PdfFontSource {
  name: string;
  /** The embedded TrueType program (FontFile2) or bare CFF (FontFile3), where there is one. */
  program?: Uint8Array;
  /** Whether a code is the glyph id in the program (Identity-H with CIDToGIDMap /Identity, as pdfkit writes). */
  codeIsGlyph: boolean;
}

/** A stroked straight line, horizontal or vertical (a table rule). */
export interface PdfRule {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  width: number;
}

/** Why text a page holds is not printed. */
export type Unprinted = 'invisible' | 'clipped' | 'off-page' | 'layer-off' | 'tiny' | 'background' | 'transparent' | 'blended' | 'covered';

/** Text a page holds but does not print: a run of glyphs drawn one after another, not printed for one reason. */
export interface PdfUnprintedText {
  text: string;
  why: Unprinted;
}

export interface PdfPageContent {
  width: number;
  height: number;
  glyphs: PdfGlyph[];
  rules: PdfRule[];
  /** Text the page draws but does not print, not in `glyphs`. */
  unprinted: PdfUnprintedText[];
  /**
   * What the page paints whose effect on the text the reader does not work out (a shading, a
   * masked picture, a clip or fill that is not one rectangle, text used as a clip, a colour it
   * cannot tell, a box over part of a glyph). A shenbao form paints none of these; where they are,
   * what the page prints cannot be confirmed, so it is not taken as confirmed (fail safe).
   */
  unmodelled: string[];
}

/** What one page may hold, and a whole document: past these a page is not read (a PDF made to make the reader slow). */
export const READ_LIMITS = {
  /** Decoded bytes of one content stream (a form's page is tens of KB). */
  streamBytes: 64 * 1024 * 1024,
  /**
   * Operators interpreted on a page, form XObjects and annotations included, and in the whole
   * document (a form's page has about 3,000; a 汇总表 of 1,500 pages some 5 million).
   */
  pageOperations: 1_000_000,
  documentOperations: 20_000_000,
  /** Glyphs, ruled lines and opaque boxes or pictures on one page; opaque boxes in the whole document. */
  pageGlyphs: 20_000,
  pageRules: 10_000,
  pageCovers: 1_000,
  documentCovers: 5_000,
  /** q without Q, and form XObjects inside form XObjects. */
  saveDepth: 1_000,
  formDepth: 12,
} as const;

/** A page the reader refuses to read: too much on it, or drawn in a way no form is (the message is Chinese, for the user). */
export class PdfReadLimit extends Error {
  override name = 'PdfReadLimit';
}

export type Matrix = [number, number, number, number, number, number];
export const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];
/** m × n as PDF composes them: a point is transformed by m first. */
export const times = (m: Matrix, n: Matrix): Matrix => [
  m[0] * n[0] + m[1] * n[2],
  m[0] * n[1] + m[1] * n[3],
  m[2] * n[0] + m[3] * n[2],
  m[2] * n[1] + m[3] * n[3],
  m[4] * n[0] + m[5] * n[2] + n[4],
  m[4] * n[1] + m[5] * n[3] + n[5],
];
export const apply = (m: Matrix, x: number, y: number): [number, number] => [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
/** How much a matrix scales lengths (text sizes, line widths): the square root of its determinant. */
const scaleOf = (m: Matrix) => Math.sqrt(Math.abs(m[0] * m[3] - m[1] * m[2]));

/** An axis-aligned box on the page. */
interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}
function boxOf(points: ReadonlyArray<readonly [number, number]>): Box {
  const box = { x1: Infinity, y1: Infinity, x2: -Infinity, y2: -Infinity };
  for (const point of points) grow(box, point[0], point[1]);
  return box;
}
function grow(box: Box, x: number, y: number): void {
  box.x1 = Math.min(box.x1, x);
  box.y1 = Math.min(box.y1, y);
  box.x2 = Math.max(box.x2, x);
  box.y2 = Math.max(box.y2, y);
}
const intersect = (a: Box | undefined, b: Box): Box => (a ? { x1: Math.max(a.x1, b.x1), y1: Math.max(a.y1, b.y1), x2: Math.min(a.x2, b.x2), y2: Math.min(a.y2, b.y2) } : b);
const holds = (box: Box, x: number, y: number) => x >= box.x1 && x <= box.x2 && y >= box.y1 && y <= box.y2;
// Within a tenth of a point: a box drawn exactly over a glyph's box covers it.
const contains = (outer: Box, inner: Box) => inner.x1 >= outer.x1 - 0.1 && inner.x2 <= outer.x2 + 0.1 && inner.y1 >= outer.y1 - 0.1 && inner.y2 <= outer.y2 + 0.1;
/** The box a rectangle takes on the page under `m`, if it stays a rectangle there (no rotation or skew by other than right angles). */
function rectangleUnder(m: Matrix, x: number, y: number, w: number, h: number): Box | undefined {
  const straight = (Math.abs(m[1]) < 1e-9 && Math.abs(m[2]) < 1e-9) || (Math.abs(m[0]) < 1e-9 && Math.abs(m[3]) < 1e-9);
  return straight ? boxOf([apply(m, x, y), apply(m, x + w, y + h)]) : undefined;
}

/** A content stream operand: a number, a name ('/F1'), a string's bytes, an array, or an inline dictionary. */
type Operand = number | { name: string } | Uint8Array | Operand[] | Map<string, Operand> | null | boolean;
const nameOf = (operand: Operand | undefined) => (operand && typeof operand === 'object' && 'name' in operand ? operand.name : undefined);

// ---- the document ----

/** The pages of a loaded PDF, as the glyphs they print and the rules they draw. */
export function readPdfPages(pdf: PDFDocument): PdfPageContent[] {
  return [...pdfPages(pdf)];
}

/** The pages one by one (a long 汇总表 need not hold every page's glyphs at once). */
export function* pdfPages(pdf: PDFDocument): Generator<PdfPageContent> {
  const document = new DocumentReader(pdf);
  const pages = pdf.getPages();
  for (let p = 0; p < pages.length; p++) {
    try {
      yield document.page(pages[p]!);
    } catch (error) {
      if (error instanceof PdfReadLimit) throw new PdfReadLimit(`第 ${p + 1} 页${error.message}`);
      throw error;
    }
  }
}

/** What pages of one document share: fonts, decoded streams, the optional-content state, the budgets. */
class DocumentReader {
  readonly fonts = new Map<PDFObject, PdfFont>();
  readonly streams = new Map<PDFStream, Buffer>();
  readonly layersOff: Set<PDFObject>;
  readonly layersOn: Set<PDFObject>;
  readonly baseOff: boolean;
  operations = 0;
  covers = 0;
  /** What the document holds that the reader does not work out (PdfPageContent.unmodelled), found while reading a page. */
  unmodelled = new Set<string>();

  constructor(readonly pdf: PDFDocument) {
    // Optional content (layers): the default configuration's OFF list (and base state) says which are hidden.
    const properties = this.dict(this.pdf.catalog.get(PDFName.of('OCProperties')));
    const config = this.dict(properties?.get(PDFName.of('D')));
    const list = (key: string) => new Set(this.array(config?.get(PDFName.of(key))).map((o) => this.lookup(o)).filter((o): o is PDFObject => o !== undefined));
    this.layersOff = list('OFF');
    this.layersOn = list('ON');
    this.baseOff = this.lookup(config?.get(PDFName.of('BaseState'))) === PDFName.of('OFF');
  }

  lookup(object: PDFObject | undefined): PDFObject | undefined {
    return object instanceof PDFRef ? this.pdf.context.lookup(object) : object;
  }
  dict(object: PDFObject | undefined): PDFDict | undefined {
    const found = this.lookup(object);
    return found instanceof PDFDict ? found : undefined;
  }
  array(object: PDFObject | undefined): PDFObject[] {
    const found = this.lookup(object);
    return found instanceof PDFArray ? found.asArray() : [];
  }
  number(object: PDFObject | undefined): number | undefined {
    const found = this.lookup(object);
    return found instanceof PDFNumber ? found.asNumber() : undefined;
  }

  /** A stream's decoded bytes, decoded once however many pages draw it; a FlateDecode stream no larger than the limit. */
  bytes(stream: PDFStream): Buffer {
    let bytes = this.streams.get(stream);
    if (!bytes) {
      bytes = decodedStream(stream, this);
      this.streams.set(stream, bytes);
    }
    return bytes;
  }

  font(object: PDFObject | undefined): PdfFont | undefined {
    const dict = this.dict(object);
    if (!dict) return undefined;
    let font = this.fonts.get(dict);
    if (!font) this.fonts.set(dict, (font = readFont(dict, this)));
    return font;
  }

  /** Whether an optional-content group or membership dictionary is off in the default configuration. */
  layerOff(object: PDFObject | undefined): boolean {
    const dict = this.dict(object);
    if (!dict) return false;
    const type = this.lookup(dict.get(PDFName.of('Type')));
    const off = (group: PDFObject | undefined) => {
      const found = this.lookup(group);
      return found !== undefined && (this.layersOff.has(found) || (this.baseOff && !this.layersOn.has(found)));
    };
    if (type === PDFName.of('OCMD')) {
      // A visibility expression is not worked out: viewers evaluate it, this reader does not.
      if (dict.get(PDFName.of('VE')) !== undefined) this.unmodelled.add('有按表达式（/VE）显示的图层');
      const groups = this.lookup(dict.get(PDFName.of('OCGs')));
      const members = groups instanceof PDFArray ? groups.asArray() : groups ? [groups] : [];
      if (members.length === 0) return false;
      const states = members.map(off);
      const policy = this.lookup(dict.get(PDFName.of('P')));
      if (policy === PDFName.of('AllOn')) return states.some((s) => s);
      if (policy === PDFName.of('AnyOff')) return states.every((s) => !s);
      if (policy === PDFName.of('AllOff')) return states.some((s) => !s);
      return states.every((s) => s); // AnyOn, the default
    }
    return off(dict);
  }

  count(operations: number, page: PageCanvas): void {
    this.operations += operations;
    page.operations += operations;
    if (page.operations > READ_LIMITS.pageOperations) throw new PdfReadLimit(`的绘制指令超过 ${READ_LIMITS.pageOperations} 条`);
    if (this.operations > READ_LIMITS.documentOperations) throw new PdfReadLimit(`：整个文件的绘制指令超过 ${READ_LIMITS.documentOperations} 条`);
  }

  page(page: ReturnType<PDFDocument['getPages']>[number]): PdfPageContent {
    const { width, height } = page.getSize();
    // What is printed is what lies inside the crop box (the media box where there is none).
    const media = page.getMediaBox();
    const crop = page.getCropBox();
    const visible = intersect(
      { x1: media.x, y1: media.y, x2: media.x + media.width, y2: media.y + media.height },
      { x1: crop.x, y1: crop.y, x2: crop.x + crop.width, y2: crop.y + crop.height },
    );
    const canvas: PageCanvas = { visible, painted: [], rules: [], covers: [], order: 0, operations: 0, unmodelled: new Set() };
    this.unmodelled.clear();
    // Form fields a viewer draws from their values: what it draws is not in any content stream.
    const form = this.dict(this.pdf.catalog.get(PDFName.of('AcroForm')));
    if (this.lookup(form?.get(PDFName.of('NeedAppearances'))) === PDFBool.True) canvas.unmodelled.add('的表单要求阅读器自己画出字段（NeedAppearances）');
    const resources = this.dict(page.node.Resources());
    const contents = this.lookup(page.node.get(PDFName.of('Contents')));
    const streams = (contents instanceof PDFArray ? contents.asArray().map((s) => this.lookup(s)) : [contents]).filter((s): s is PDFStream => s instanceof PDFStream);
    // A page's content may be split between streams anywhere, even inside an operator: read as one.
    const content = streams.length === 1 ? this.bytes(streams[0]!) : Buffer.concat(streams.flatMap((s) => [this.bytes(s), Buffer.from('\n')]));
    interpret(content, resources, initialState(), canvas, this, { depth: 0, forms: new Set(), layerOff: false });
    // Annotations' appearances are drawn over the page: their text is printed, their boxes cover.
    for (const annotation of this.array(page.node.get(PDFName.of('Annots')))) drawAnnotation(this.dict(annotation), canvas, this);
    for (const what of this.unmodelled) canvas.unmodelled.add(what);
    return { width, height, ...printedOf(canvas) };
  }
}

/** A content stream's bytes: FlateDecode (what writers use) through zlib with the size limit; other filters through pdf-lib. */
function decodedStream(stream: PDFStream, document: DocumentReader): Buffer {
  const filter = document.lookup(stream.dict.get(PDFName.of('Filter')));
  const filters = filter instanceof PDFArray ? filter.asArray().map((f) => document.lookup(f)) : filter ? [filter] : [];
  const params = document.lookup(stream.dict.get(PDFName.of('DecodeParms')));
  const hasParams = params instanceof PDFDict || (params instanceof PDFArray && params.asArray().some((p) => document.lookup(p) instanceof PDFDict));
  if (stream instanceof PDFRawStream && filters.length === 1 && filters[0] === PDFName.of('FlateDecode') && !hasParams) {
    try {
      // A stream cut short is read as far as it goes, as viewers do.
      return inflateSync(stream.contents, { maxOutputLength: READ_LIMITS.streamBytes, finishFlush: zlib.Z_SYNC_FLUSH });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new PdfReadLimit(`的内容解压后超过 ${READ_LIMITS.streamBytes / 1024 / 1024} MB`);
      throw new PdfReadLimit(`的内容解压不出来（${(error as Error).message}）`);
    }
  }
  const bytes = stream instanceof PDFRawStream ? decodePDFRawStream(stream).decode() : stream.getContents();
  if (bytes.length > READ_LIMITS.streamBytes) throw new PdfReadLimit(`的内容解压后超过 ${READ_LIMITS.streamBytes / 1024 / 1024} MB`);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

// ---- fonts: code → characters and widths ----

interface PdfFont {
  name: string;
  source: PdfFontSource;
  /** Bytes per character code: 2 for Identity-H (pdfkit's CID fonts), else 1. */
  codeBytes: 1 | 2;
  unicode: Map<number, string>;
  /** Widths by code: single codes, and ranges [first, last, width] (a range is never spelled out). */
  widths: Map<number, number>;
  ranges: Array<[number, number, number]>;
  defaultWidth: number;
}

const widthOf = (font: PdfFont, code: number) => font.widths.get(code) ?? font.ranges.find(([first, last]) => code >= first && code <= last)?.[2] ?? font.defaultWidth;

function readFont(font: PDFDict, document: DocumentReader): PdfFont {
  const base = document.lookup(font.get(PDFName.of('BaseFont')));
  const name = base instanceof PDFName ? base.decodeText().replace(/^[A-Z]{6}\+/, '') : '';
  const subtype = document.lookup(font.get(PDFName.of('Subtype')));
  const composite = subtype === PDFName.of('Type0');
  const widths = new Map<number, number>();
  const ranges: PdfFont['ranges'] = [];
  let defaultWidth = composite ? 1000 : 0;
  if (composite) {
    const descendant = document.dict(document.array(font.get(PDFName.of('DescendantFonts')))[0]);
    if (descendant) {
      defaultWidth = document.number(descendant.get(PDFName.of('DW'))) ?? defaultWidth;
      // [first [w1 w2 …]] or [first last w]
      const items = document.array(descendant.get(PDFName.of('W'))).map((o) => document.lookup(o));
      for (let i = 0; i < items.length; ) {
        const first = document.number(items[i]);
        const next = items[i + 1];
        if (first === undefined) break;
        if (next instanceof PDFArray) {
          next.asArray().forEach((width, j) => widths.set(first + j, document.number(width) ?? defaultWidth));
          i += 2;
        } else {
          const last = document.number(next);
          const width = document.number(items[i + 2]);
          if (last === undefined || width === undefined) break;
          ranges.push([first, last, width]);
          i += 3;
        }
      }
    }
  } else {
    const first = document.number(font.get(PDFName.of('FirstChar')));
    if (first !== undefined) document.array(font.get(PDFName.of('Widths'))).forEach((width, j) => widths.set(first + j, document.number(width) ?? 0));
  }
  const toUnicode = document.lookup(font.get(PDFName.of('ToUnicode')));
  const unicode = toUnicode instanceof PDFStream ? readToUnicode(document.bytes(toUnicode).toString('latin1')) : new Map<number, string>();
  // The program the glyphs are drawn from: a composite font's in its descendant's descriptor.
  const descendant = composite ? document.dict(document.array(font.get(PDFName.of('DescendantFonts')))[0]) : undefined;
  const descriptor = document.dict((descendant ?? font).get(PDFName.of('FontDescriptor')));
  // A CFF face (an .otf, Noto CJK's .ttc) comes as FontFile3 /CIDFontType0C: its charset maps each CID to a glyph (extract/embedded-glyphs.ts).
  const cff = document.lookup(descendant?.get(PDFName.of('Subtype'))) === PDFName.of('CIDFontType0');
  const file = document.lookup(descriptor?.get(PDFName.of(cff ? 'FontFile3' : 'FontFile2')));
  const program = file instanceof PDFStream ? document.bytes(file) : undefined;
  const identity = cff || document.lookup(descendant?.get(PDFName.of('CIDToGIDMap'))) === PDFName.of('Identity');
  const codeIsGlyph = composite && identity && document.lookup(font.get(PDFName.of('Encoding'))) === PDFName.of('Identity-H');
  const source: PdfFontSource = { name, ...(program && { program }), codeIsGlyph };
  return { name, source, codeBytes: composite ? 2 : 1, unicode, widths, ranges, defaultWidth };
}

/** A ToUnicode CMap's bfchar and bfrange entries (both forms of bfrange); codes up to 0xFFFF, as the fonts read here use. */
export function readToUnicode(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  // Hex strings may hold white space: pdfkit writes a ligature as <0066 0066 0069>.
  const hex = (text: string) => text.replace(/\s/g, '');
  const utf16 = (digits: string) => {
    const units: number[] = [];
    for (let i = 0; i + 4 <= digits.length && units.length < 64; i += 4) units.push(parseInt(digits.slice(i, i + 4), 16));
    if (digits.length === 2) units.push(parseInt(digits, 16));
    return String.fromCharCode(...units);
  };
  const HEX = '<([0-9a-fA-F\\s]*)>';
  // Codes spelled out from ranges, over all of them: a font has at most 65,536 codes; ranges that
  // name them again and again are not read past this.
  let budget = 4 * 65_536;
  for (const section of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const [, code, text] of section[1]!.matchAll(new RegExp(`${HEX}\\s*${HEX}`, 'g'))) map.set(parseInt(hex(code!), 16), utf16(hex(text!)));
  }
  for (const section of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const [, low, high, array, start] of section[1]!.matchAll(new RegExp(`${HEX}\\s*${HEX}\\s*(?:\\[([^\\]]*)\\]|${HEX})`, 'g'))) {
      const from = parseInt(hex(low!), 16);
      // A range past the two-byte codes is cut there: no code beyond is ever shown.
      const to = Math.min(parseInt(hex(high!), 16), 0xffff, from + budget - 1);
      if (!(from <= to)) continue;
      budget -= to - from + 1;
      if (array !== undefined) {
        [...array.matchAll(new RegExp(HEX, 'g'))].forEach(([, digits], j) => {
          if (from + j <= to) map.set(from + j, utf16(hex(digits!)));
        });
      } else {
        // The last UTF-16 unit counts up from the range's start.
        const text = utf16(hex(start!));
        for (let code = from; code <= to; code++) {
          map.set(code, text.slice(0, -1) + String.fromCharCode(text.charCodeAt(text.length - 1) + (code - from)));
        }
      }
    }
  }
  return map;
}

// ---- colours ----

type Rgb = readonly [number, number, number];
/** A colour space as far as telling a colour's lightness goes. */
type Space = { kind: 'gray' | 'rgb' | 'cmyk' | 'lab' | 'separation' | 'unknown'; components: number };
/** A colour: its space and components; `rgb` where it can be told (a pattern or an indexed colour cannot). */
interface Colour {
  space: Space;
  rgb?: Rgb;
}
const GRAY: Space = { kind: 'gray', components: 1 };
const RGB: Space = { kind: 'rgb', components: 3 };
const CMYK: Space = { kind: 'cmyk', components: 4 };
const BLACK: Colour = { space: GRAY, rgb: [0, 0, 0] };
const PAPER: Rgb = [1, 1, 1];

function colourIn(space: Space, values: readonly number[]): Colour {
  const v = (i: number) => Math.min(1, Math.max(0, values[i] ?? 0));
  switch (space.kind) {
    case 'gray':
      return { space, rgb: [v(0), v(0), v(0)] };
    case 'rgb':
      return { space, rgb: [v(0), v(1), v(2)] };
    case 'cmyk':
      return { space, rgb: [(1 - v(0)) * (1 - v(3)), (1 - v(1)) * (1 - v(3)), (1 - v(2)) * (1 - v(3))] };
    case 'lab': {
      // Only a neutral Lab colour is told (L* 0–100 as grey); a coloured one is taken as showing.
      const [l, a, b] = [Math.min(1, Math.max(0, (values[0] ?? 0) / 100)), values[1] ?? 0, values[2] ?? 0];
      return Math.abs(a) < 2 && Math.abs(b) < 2 ? { space, rgb: [l, l, l] } : { space };
    }
    case 'separation':
      // No ink at all is paper; any tint of a spot colour is taken as showing.
      return values.every((x) => x <= 0) ? { space, rgb: PAPER } : { space };
    default:
      return { space };
  }
}

/** The colour a space starts in when it is set (black, or full tint of a spot colour). */
const initialColour = (space: Space): Colour => colourIn(space, space.kind === 'cmyk' ? [0, 0, 0, 1] : space.kind === 'separation' ? Array(space.components).fill(1) : [0, 0, 0]);

function spaceOf(operand: Operand | undefined, resources: PDFDict | undefined, document: DocumentReader): Space {
  const name = nameOf(operand);
  const device: Record<string, Space> = { DeviceGray: GRAY, G: GRAY, DeviceRGB: RGB, RGB, DeviceCMYK: CMYK, CMYK };
  if (name === undefined) return { kind: 'unknown', components: 1 };
  if (device[name]) return device[name];
  const entry = document.lookup(document.dict(resources?.get(PDFName.of('ColorSpace')))?.get(PDFName.of(name)));
  return spaceOfObject(entry, document, 0);
}

function spaceOfObject(entry: PDFObject | undefined, document: DocumentReader, depth: number): Space {
  const device: Record<string, Space> = { DeviceGray: GRAY, DeviceRGB: RGB, DeviceCMYK: CMYK, CalGray: GRAY, CalRGB: RGB };
  if (entry instanceof PDFName) return device[entry.decodeText()] ?? { kind: 'unknown', components: 1 };
  if (!(entry instanceof PDFArray) || depth > 4) return { kind: 'unknown', components: 1 };
  const [family, ...rest] = entry.asArray().map((o) => document.lookup(o));
  const kind = family instanceof PDFName ? family.decodeText() : '';
  if (kind === 'CalGray') return GRAY;
  if (kind === 'CalRGB') return RGB;
  if (kind === 'Lab') return { kind: 'lab', components: 3 };
  if (kind === 'ICCBased') {
    const n = rest[0] instanceof PDFStream ? document.number(rest[0].dict.get(PDFName.of('N'))) : undefined;
    return n === 1 ? GRAY : n === 3 ? RGB : n === 4 ? CMYK : { kind: 'unknown', components: n ?? 1 };
  }
  if (kind === 'Separation') return { kind: 'separation', components: 1 };
  if (kind === 'DeviceN') return { kind: 'separation', components: rest[0] instanceof PDFArray ? rest[0].size() : 1 };
  if (kind === 'Indexed') return { kind: 'unknown', components: 1 };
  return { kind: 'unknown', components: 1 };
}

/**
 * How far a colour painted at `alpha` stands out from what lies under it, 0 (not at all) to 1:
 * the largest difference of a red, green or blue component. A colour that cannot be told stands out.
 */
function contrast(colour: Colour, alpha: number, under: Rgb | undefined): number {
  if (!colour.rgb || !under) return alpha;
  return alpha * Math.max(...colour.rgb.map((c, i) => Math.abs(c - under[i]!)));
}
/** Below this, text does not show on paper (white on white, transparent, the colour of the box under it). */
const UNSEEN = 0.1;

// ---- the graphics state ----

interface TextState {
  font?: PdfFont;
  size: number;
  charSpacing: number;
  wordSpacing: number;
  horizontalScale: number;
  leading: number;
  rise: number;
  render: number;
}

interface GraphicsState {
  ctm: Matrix;
  lineWidth: number;
  fill: Colour;
  stroke: Colour;
  fillAlpha: number;
  strokeAlpha: number;
  /** A soft mask, or a blend mode other than Normal, is in force: what is painted may not show. */
  softMask: boolean;
  blendMode: boolean;
  /** The box painting is clipped to, on the page (the clipping paths' bounding boxes, intersected); none: the whole page. */
  clip?: Box;
  text: TextState;
}

const initialState = (): GraphicsState => ({
  ctm: IDENTITY,
  lineWidth: 1,
  fill: BLACK,
  stroke: BLACK,
  fillAlpha: 1,
  strokeAlpha: 1,
  softMask: false,
  blendMode: false,
  text: { size: 0, charSpacing: 0, wordSpacing: 0, horizontalScale: 1, leading: 0, rise: 0, render: 0 },
});

/** A glyph drawn, before it is known whether something painted later covers it. */
interface Drawn {
  glyph: PdfGlyph;
  order: number;
  box: Box;
  /** Set when it is not printed whatever comes after. */
  why?: Unprinted;
  /** The paints that would show it (fill, stroke, or both by the render mode). */
  paints: Array<{ colour: Colour; alpha: number }>;
  /** Starts a new run of unprinted text (the first glyph of a show operator). */
  first: boolean;
}

/** An opaque box or picture painted on the page: what lies under it is hidden; text over it is seen against its colour. */
interface Cover {
  order: number;
  box: Box;
  /** Its colour where it is a box of one colour; undefined for a picture. */
  rgb?: Rgb;
  opaque: boolean;
}

interface PageCanvas {
  visible: Box;
  painted: Drawn[];
  rules: PdfRule[];
  covers: Cover[];
  /** Paint order: each glyph, box and picture takes the next number. */
  order: number;
  operations: number;
  /** What was painted that the reader does not work out (PdfPageContent.unmodelled), each said once. */
  unmodelled: Set<string>;
}

/** The glyphs that are printed, the rules, and the text that is not printed (in runs). */
function printedOf(canvas: PageCanvas): Pick<PdfPageContent, 'glyphs' | 'rules' | 'unprinted' | 'unmodelled'> {
  const glyphs: PdfGlyph[] = [];
  const unprinted: PdfUnprintedText[] = [];
  const covers = canvas.covers;
  for (const drawn of canvas.painted) {
    let why = drawn.why;
    if (!why) {
      const [cx, cy] = [(drawn.box.x1 + drawn.box.x2) / 2, (drawn.box.y1 + drawn.box.y2) / 2];
      // What lies under the glyph: the last box painted before it, over its centre; else the paper.
      let under: Rgb | undefined = PAPER;
      for (let i = covers.length - 1; i >= 0; i--) {
        const cover = covers[i]!;
        if (cover.order < drawn.order && cover.opaque && holds(cover.box, cx, cy)) {
          under = cover.rgb;
          break;
        }
      }
      if (drawn.paints.some(({ colour }) => !colour.rgb)) canvas.unmodelled.add('文字的颜色无法判断（图案、专色、索引色等）');
      const seen = Math.max(...drawn.paints.map(({ colour, alpha }) => contrast(colour, alpha, under)));
      if (seen < UNSEEN) why = Math.max(...drawn.paints.map((p) => p.alpha)) < UNSEEN ? 'transparent' : 'background';
      else if (covers.some((cover) => cover.order > drawn.order && cover.opaque && contains(cover.box, drawn.box))) why = 'covered';
      // Covered in part: what still shows of the glyph is not worked out.
      else if (covers.some((cover) => cover.order > drawn.order && cover.opaque && overlapsInside(cover.box, drawn.box))) {
        canvas.unmodelled.add(`文字「${drawn.glyph.text}」被后画的色块或图片盖住了一部分`);
      }
    }
    if (!why) {
      glyphs.push(drawn.glyph);
      continue;
    }
    const last = unprinted.at(-1);
    if (last && last.why === why && !drawn.first) last.text += drawn.glyph.text;
    else unprinted.push({ text: drawn.glyph.text, why });
  }
  return { glyphs, rules: canvas.rules, unprinted, unmodelled: [...canvas.unmodelled] };
}

/** Whether `cover` overlaps `box` by more than a tenth of a point each way, without holding all of it. */
function overlapsInside(cover: Box, box: Box): boolean {
  const w = Math.min(cover.x2, box.x2) - Math.max(cover.x1, box.x1);
  const h = Math.min(cover.y2, box.y2) - Math.max(cover.y1, box.y1);
  return w > 0.1 && h > 0.1;
}

// ---- content streams ----

/** Draws a content stream (a page's, a form XObject's) on the page. */
function interpret(
  content: Buffer,
  resources: PDFDict | undefined,
  start: GraphicsState,
  canvas: PageCanvas,
  document: DocumentReader,
  nesting: { depth: number; forms: Set<PDFObject>; layerOff: boolean },
): void {
  let state = start;
  const saved: GraphicsState[] = [];
  let textMatrix = IDENTITY;
  let lineMatrix = IDENTITY;
  // The current path: its straight segments and its bounding box on the page, and whether it is one rectangle.
  let path: Array<[number, number, number, number]> = [];
  let bounds: Box | undefined;
  let rectangle: Box | undefined;
  let shapes = 0;
  // The corners of a path of one subpath drawn with m and l (a box drawn as four lines).
  let corners: Array<[number, number]> = [];
  let current: [number, number] | undefined;
  let subpathStart: [number, number] | undefined;
  let clipping = false;
  // Marked content: whether each open sequence is in a layer that is off.
  const layers: boolean[] = [];
  let layerOff = nesting.layerOff;
  let pending = 0;

  const font = (name: string | undefined) => (name === undefined ? undefined : document.font(document.dict(resources?.get(PDFName.of('Font')))?.get(PDFName.of(name))));
  const text = (change: Partial<TextState>) => {
    state = { ...state, text: { ...state.text, ...change } };
  };
  const paintsOf = (): Drawn['paints'] => {
    const mode = state.text.render % 4;
    const fill = { colour: state.fill, alpha: state.fillAlpha };
    const stroke = { colour: state.stroke, alpha: state.strokeAlpha };
    return mode === 0 ? [fill] : mode === 1 ? [stroke] : [fill, stroke];
  };
  const cover = (box: Box | undefined, rgb: Rgb | undefined, alpha: number) => {
    if (!box || layerOff) return;
    const clipped = state.clip ? intersect(state.clip, box) : box;
    if (clipped.x1 >= clipped.x2 || clipped.y1 >= clipped.y2) return;
    if (canvas.covers.length >= READ_LIMITS.pageCovers) throw new PdfReadLimit(`画的色块和图片超过 ${READ_LIMITS.pageCovers} 个`);
    if (++document.covers > READ_LIMITS.documentCovers) throw new PdfReadLimit(`：整个文件画的色块和图片超过 ${READ_LIMITS.documentCovers} 个`);
    // Nearly opaque hides what is under it.
    canvas.covers.push({ order: canvas.order++, box: clipped, ...(rgb ? { rgb } : {}), opaque: alpha >= 0.9 });
  };

  const show = (bytes: Uint8Array) => {
    const t = state.text;
    const f = t.font;
    if (!f) return;
    const step = f.codeBytes;
    for (let i = 0; i + step <= bytes.length; i += step) {
      const code = step === 2 ? (bytes[i]! << 8) | bytes[i + 1]! : bytes[i]!;
      const rendering = times([t.size * t.horizontalScale, 0, 0, t.size, 0, t.rise], times(textMatrix, state.ctm));
      const [x, y] = apply(rendering, 0, 0);
      const advance = (widthOf(f, code) / 1000) * t.size + t.charSpacing + (step === 1 && code === 32 ? t.wordSpacing : 0);
      const scaled = advance * t.horizontalScale;
      const end = apply(times(textMatrix, state.ctm), scaled, 0);
      const size = scaleOf(rendering);
      // Squeezed flat one way (Tz 1, or a matrix of 1 0 0 0.01) is as unreadable as small.
      const smallest = Math.min(Math.hypot(rendering[0], rendering[1]), Math.hypot(rendering[2], rendering[3]));
      const glyph: PdfGlyph = { text: f.unicode.get(code) ?? '\uFFFD', x, y, width: Math.hypot(end[0] - x, end[1] - y), size, font: f.name, code, source: f.source };
      // The glyph's box (in text space, 1 is the size): its width, from a fifth below the baseline to four fifths above.
      const em = widthOf(f, code) / 1000;
      const box = boxOf([apply(rendering, 0, -0.2), apply(rendering, 0, 0.8), apply(rendering, em, -0.2), apply(rendering, em, 0.8)]);
      const [cx, cy] = [(box.x1 + box.x2) / 2, (box.y1 + box.y2) / 2];
      const why: Unprinted | undefined =
        t.render === 3 || t.render === 7
          ? 'invisible'
          : layerOff
            ? 'layer-off'
            : !holds(canvas.visible, cx, cy)
              ? 'off-page'
              : state.clip && !holds(state.clip, cx, cy)
                ? 'clipped'
                : smallest < 1
                  ? 'tiny'
                  : state.softMask || state.blendMode
                    ? 'blended'
                    : undefined;
      if (t.render >= 4 && !layerOff) canvas.unmodelled.add('文字用作剪切路径（渲染模式 4–7）');
      if (canvas.painted.length >= READ_LIMITS.pageGlyphs) throw new PdfReadLimit(`的文字超过 ${READ_LIMITS.pageGlyphs} 个`);
      canvas.painted.push({ glyph, order: canvas.order++, box, ...(why ? { why } : {}), paints: paintsOf(), first: i === 0 });
      textMatrix = times([1, 0, 0, 1, scaled, 0], textMatrix);
    }
  };
  const nextLine = (tx: number, ty: number) => {
    lineMatrix = times([1, 0, 0, 1, tx, ty], lineMatrix);
    textMatrix = lineMatrix;
  };
  const endPath = () => {
    if (clipping && bounds) {
      if (!box()) canvas.unmodelled.add('剪切路径不是一个矩形');
      state = { ...state, clip: intersect(state.clip, bounds) };
    }
    clipping = false;
    path = [];
    bounds = undefined;
    rectangle = undefined;
    shapes = 0;
    corners = [];
    current = subpathStart = undefined;
  };
  /** The path as one box: a rectangle drawn with re, or four corners joined by straight lines. */
  const box = (): Box | undefined => {
    if (rectangle || shapes !== 1) return rectangle;
    const points = corners.length === 5 && corners[4]![0] === corners[0]![0] && corners[4]![1] === corners[0]![1] ? corners.slice(0, 4) : corners;
    if (points.length !== 4) return undefined;
    const straight = points.every((p, i) => {
      const q = points[(i + 1) % 4]!;
      return Math.abs(p[0] - q[0]) < 0.01 || Math.abs(p[1] - q[1]) < 0.01;
    });
    return straight ? boxOf(points) : undefined;
  };
  const point = (x: number, y: number) => {
    const p = apply(state.ctm, x, y);
    bounds ??= { x1: p[0], y1: p[1], x2: p[0], y2: p[1] };
    grow(bounds, p[0], p[1]);
    return p;
  };
  const setColour = (which: 'fill' | 'stroke', colour: Colour) => {
    state = { ...state, [which]: colour };
  };
  const components = (operands: Operand[]) => operands.filter((o): o is number => typeof o === 'number');
  const image = (m: Matrix, opaque: boolean) => {
    // An image fills the unit square under the CTM; a masked one, only where its mask lets it.
    if (opaque) cover(rectangleUnder(m, 0, 0, 1, 1), undefined, state.fillAlpha);
    else if (!layerOff) canvas.unmodelled.add('画了带遮罩的图片');
  };
  /** A filled path: one rectangle covers what it holds; any other shape, or a colour not told, is not worked out. */
  const fill = () => {
    const shape = box();
    if (!layerOff && bounds && (!shape || !state.fill.rgb)) canvas.unmodelled.add(shape ? '填充的颜色无法判断（图案、专色、索引色等）' : '画了不是矩形的填充图形');
    cover(shape, state.fill.rgb, state.fillAlpha);
  };

  for (const { operator, operands } of operations(content)) {
    if (++pending === 4096) {
      document.count(pending, canvas);
      pending = 0;
    }
    const n = (i: number) => (typeof operands[i] === 'number' ? (operands[i] as number) : 0);
    switch (operator) {
      case 'q':
        if (saved.length >= READ_LIMITS.saveDepth) throw new PdfReadLimit(`的图形状态嵌套超过 ${READ_LIMITS.saveDepth} 层`);
        saved.push(state);
        break;
      case 'Q':
        state = saved.pop() ?? state;
        break;
      case 'cm':
        state = { ...state, ctm: times([n(0), n(1), n(2), n(3), n(4), n(5)], state.ctm) };
        break;
      case 'w':
        state = { ...state, lineWidth: n(0) };
        break;
      case 'gs': {
        const graphics = document.dict(document.dict(resources?.get(PDFName.of('ExtGState')))?.get(PDFName.of(nameOf(operands[0]) ?? '')));
        if (!graphics) break;
        const fillAlpha = document.number(graphics.get(PDFName.of('ca')));
        const strokeAlpha = document.number(graphics.get(PDFName.of('CA')));
        const lineWidth = document.number(graphics.get(PDFName.of('LW')));
        const mask = document.lookup(graphics.get(PDFName.of('SMask')));
        const blend = document.lookup(graphics.get(PDFName.of('BM')));
        const modes = blend instanceof PDFArray ? blend.asArray().map((m) => document.lookup(m)) : blend ? [blend] : [];
        const normal = modes.length === 0 || modes[0] === PDFName.of('Normal') || modes[0] === PDFName.of('Compatible');
        state = {
          ...state,
          ...(mask !== undefined && { softMask: mask !== PDFName.of('None') }),
          ...(blend !== undefined && { blendMode: !normal }),
          ...(fillAlpha !== undefined && { fillAlpha }),
          ...(strokeAlpha !== undefined && { strokeAlpha }),
          ...(lineWidth !== undefined && { lineWidth }),
        };
        const fontEntry = document.array(graphics.get(PDFName.of('Font')));
        if (fontEntry.length === 2) text({ font: document.font(fontEntry[0]), size: document.number(fontEntry[1]) ?? state.text.size });
        break;
      }
      case 'g':
        setColour('fill', colourIn(GRAY, components(operands)));
        break;
      case 'G':
        setColour('stroke', colourIn(GRAY, components(operands)));
        break;
      case 'rg':
        setColour('fill', colourIn(RGB, components(operands)));
        break;
      case 'RG':
        setColour('stroke', colourIn(RGB, components(operands)));
        break;
      case 'k':
        setColour('fill', colourIn(CMYK, components(operands)));
        break;
      case 'K':
        setColour('stroke', colourIn(CMYK, components(operands)));
        break;
      case 'cs':
        setColour('fill', initialColour(spaceOf(operands[0], resources, document)));
        break;
      case 'CS':
        setColour('stroke', initialColour(spaceOf(operands[0], resources, document)));
        break;
      case 'sc':
      case 'scn':
        // A pattern (a name operand) is not told.
        setColour('fill', operands.some((o) => nameOf(o) !== undefined) ? { space: state.fill.space } : colourIn(state.fill.space, components(operands)));
        break;
      case 'SC':
      case 'SCN':
        setColour('stroke', operands.some((o) => nameOf(o) !== undefined) ? { space: state.stroke.space } : colourIn(state.stroke.space, components(operands)));
        break;
      case 'BT':
        textMatrix = lineMatrix = IDENTITY;
        break;
      case 'Tm':
        textMatrix = lineMatrix = [n(0), n(1), n(2), n(3), n(4), n(5)];
        break;
      case 'Td':
        nextLine(n(0), n(1));
        break;
      case 'TD':
        text({ leading: -n(1) });
        nextLine(n(0), n(1));
        break;
      case 'T*':
        nextLine(0, -state.text.leading);
        break;
      case 'TL':
        text({ leading: n(0) });
        break;
      case 'Tc':
        text({ charSpacing: n(0) });
        break;
      case 'Tw':
        text({ wordSpacing: n(0) });
        break;
      case 'Tz':
        text({ horizontalScale: n(0) / 100 });
        break;
      case 'Ts':
        text({ rise: n(0) });
        break;
      case 'Tr':
        text({ render: n(0) });
        break;
      case 'Tf':
        text({ font: font(nameOf(operands[0])), size: n(1) });
        break;
      case 'Tj':
        if (operands[0] instanceof Uint8Array) show(operands[0]);
        break;
      case "'":
        nextLine(0, -state.text.leading);
        if (operands[0] instanceof Uint8Array) show(operands[0]);
        break;
      case '"':
        text({ wordSpacing: n(0), charSpacing: n(1) });
        nextLine(0, -state.text.leading);
        if (operands[2] instanceof Uint8Array) show(operands[2]);
        break;
      case 'TJ':
        for (const element of Array.isArray(operands[0]) ? operands[0] : []) {
          if (typeof element === 'number') textMatrix = times([1, 0, 0, 1, (-element / 1000) * state.text.size * state.text.horizontalScale, 0], textMatrix);
          else if (element instanceof Uint8Array) show(element);
        }
        break;
      case 'm':
        current = subpathStart = point(n(0), n(1));
        if (++shapes === 1) corners = [current];
        break;
      case 'l': {
        const to = point(n(0), n(1));
        if (shapes === 1 && corners.length < 6) corners.push(to);
        if (current) path.push([current[0], current[1], to[0], to[1]]);
        current = to;
        break;
      }
      case 'h':
        if (current && subpathStart) path.push([current[0], current[1], subpathStart[0], subpathStart[1]]);
        current = subpathStart;
        break;
      case 're': {
        const [x, y, w, h] = [n(0), n(1), n(2), n(3)];
        const corners = [point(x, y), point(x + w, y), point(x + w, y + h), point(x, y + h)];
        corners.forEach((corner, i) => {
          const next = corners[(i + 1) % 4]!;
          path.push([corner[0], corner[1], next[0], next[1]]);
        });
        current = subpathStart = corners[0];
        // One rectangle alone is a box that covers what it fills.
        rectangle = ++shapes === 1 ? rectangleUnder(state.ctm, x, y, w, h) : undefined;
        break;
      }
      case 'c':
      case 'v':
      case 'y':
        // A curve: not a rule, and the path is no box. The path goes on from its end.
        for (let i = 0; i + 1 < operands.length; i += 2) point(n(i), n(i + 1));
        current = apply(state.ctm, n(operands.length - 2), n(operands.length - 1));
        shapes += 2;
        break;
      case 'sh':
        if (!layerOff) canvas.unmodelled.add('画了渐变（sh）');
        break;
      case 'W':
      case 'W*':
        clipping = true;
        break;
      case 'S':
      case 's':
      case 'B':
      case 'B*':
      case 'b':
      case 'b*': {
        const width = state.lineWidth * scaleOf(state.ctm);
        const showing = !layerOff && contrast(state.stroke, state.strokeAlpha, PAPER) >= UNSEEN;
        for (const [x1, y1, x2, y2] of path) {
          if (Math.abs(x1 - x2) >= 0.01 && Math.abs(y1 - y2) >= 0.01) continue;
          const middle: [number, number] = [(x1 + x2) / 2, (y1 + y2) / 2];
          // A rule that does not print (clipped away, off the page, white) divides no cells.
          if (!showing || !holds(canvas.visible, ...middle) || (state.clip && !holds(state.clip, ...middle))) continue;
          if (canvas.rules.length >= READ_LIMITS.pageRules) throw new PdfReadLimit(`画的线超过 ${READ_LIMITS.pageRules} 条`);
          canvas.rules.push({ x1, y1, x2, y2, width });
          // A thick line covers what lies under it.
          if (width >= 2) cover({ x1: Math.min(x1, x2) - (y1 === y2 ? 0 : width / 2), x2: Math.max(x1, x2) + (y1 === y2 ? 0 : width / 2), y1: Math.min(y1, y2) - (x1 === x2 ? 0 : width / 2), y2: Math.max(y1, y2) + (x1 === x2 ? 0 : width / 2) }, state.stroke.rgb, state.strokeAlpha);
        }
        if (operator !== 'S' && operator !== 's') fill();
        endPath();
        break;
      }
      case 'f':
      case 'F':
      case 'f*':
        fill();
        endPath();
        break;
      case 'n':
        endPath();
        break;
      case 'BMC':
        layers.push(layerOff);
        break;
      case 'BDC': {
        layers.push(layerOff);
        if (nameOf(operands[0]) === 'OC') {
          const entry = operands[1] instanceof Map ? undefined : document.dict(resources?.get(PDFName.of('Properties')))?.get(PDFName.of(nameOf(operands[1]) ?? ''));
          layerOff = layerOff || document.layerOff(entry);
        }
        break;
      }
      case 'EMC':
        layerOff = layers.pop() ?? false;
        break;
      case 'BI': {
        // Inline image (its dictionary is the operand): opaque unless a stencil mask.
        const dict = operands[0] instanceof Map ? operands[0] : new Map<string, Operand>();
        const mask = dict.get('IM') ?? dict.get('ImageMask');
        image(state.ctm, mask !== true);
        break;
      }
      case 'Do': {
        const name = nameOf(operands[0]);
        const object = document.lookup(document.dict(resources?.get(PDFName.of('XObject')))?.get(PDFName.of(name ?? '')));
        if (!(object instanceof PDFStream)) break;
        const subtype = document.lookup(object.dict.get(PDFName.of('Subtype')));
        if (subtype === PDFName.of('Image')) {
          const masked = ['SMask', 'Mask'].some((key) => object.dict.get(PDFName.of(key)) !== undefined) || document.lookup(object.dict.get(PDFName.of('ImageMask'))) === PDFBool.True;
          if (!layerOff && !document.layerOff(object.dict.get(PDFName.of('OC')))) image(state.ctm, !masked);
        } else if (subtype === PDFName.of('Form')) {
          drawForm(object, state, resources, canvas, document, { ...nesting, layerOff });
        }
        break;
      }
    }
  }
  document.count(pending, canvas);
}

/** A form XObject drawn in `state`: its matrix, its bounding box as a clip, its resources (else the caller's). */
function drawForm(
  form: PDFStream,
  state: GraphicsState,
  outer: PDFDict | undefined,
  canvas: PageCanvas,
  document: DocumentReader,
  { depth, forms, layerOff }: { depth: number; forms: Set<PDFObject>; layerOff: boolean },
): void {
  if (depth >= READ_LIMITS.formDepth || forms.has(form)) throw new PdfReadLimit(`的表单对象（XObject）嵌套超过 ${READ_LIMITS.formDepth} 层，或套着自己`);
  const off = layerOff || document.layerOff(form.dict.get(PDFName.of('OC')));
  const values = document.array(form.dict.get(PDFName.of('Matrix'))).map((o) => document.number(o) ?? 0);
  const matrix: Matrix = values.length === 6 ? (values as Matrix) : IDENTITY;
  const ctm = times(matrix, state.ctm);
  const bbox = document.array(form.dict.get(PDFName.of('BBox'))).map((o) => document.number(o) ?? 0);
  const clip = bbox.length === 4 ? intersect(state.clip, boxOf([apply(ctm, bbox[0]!, bbox[1]!), apply(ctm, bbox[2]!, bbox[1]!), apply(ctm, bbox[0]!, bbox[3]!), apply(ctm, bbox[2]!, bbox[3]!)])) : state.clip;
  const resources = document.dict(form.dict.get(PDFName.of('Resources'))) ?? outer;
  forms.add(form);
  try {
    interpret(document.bytes(form), resources, { ...state, ctm, ...(clip && { clip }) }, canvas, document, { depth: depth + 1, forms, layerOff: off });
  } finally {
    forms.delete(form);
  }
}

/**
 * An annotation's normal appearance, drawn over the page as a viewer and a printer draw it (PDF
 * 32000-1 12.5.5: its box mapped onto the annotation's /Rect). A hidden annotation is not drawn.
 */
function drawAnnotation(annotation: PDFDict | undefined, canvas: PageCanvas, document: DocumentReader): void {
  if (!annotation) return;
  const flags = document.number(annotation.get(PDFName.of('F'))) ?? 0;
  // Hidden (2); NoView (32) unless printed (4).
  if (flags & 2 || (flags & 32 && !(flags & 4)) || document.layerOff(annotation.get(PDFName.of('OC')))) return;
  const rect = document.array(annotation.get(PDFName.of('Rect'))).map((o) => document.number(o) ?? 0);
  if (rect.length !== 4) return;
  const subtype = document.lookup(annotation.get(PDFName.of('Subtype')));
  // A link, a pop-up, or anything of no area (an invisible signature's widget) draws nothing on the page.
  if (subtype === PDFName.of('Link') || subtype === PDFName.of('Popup') || rect[0] === rect[2] || rect[1] === rect[3]) return;
  // Printed but not shown: paper and screen differ.
  if (flags & 32) canvas.unmodelled.add('有只打印、不在屏幕上显示的注释');
  let normal = document.lookup(document.dict(annotation.get(PDFName.of('AP')))?.get(PDFName.of('N')));
  if (normal instanceof PDFDict && !(normal instanceof PDFStream)) {
    const state = document.lookup(annotation.get(PDFName.of('AS')));
    normal = state instanceof PDFName ? document.lookup(normal.get(state)) : undefined;
  }
  // Without an appearance a viewer draws one of its own (a FreeText's text, a field's value).
  if (!(normal instanceof PDFStream)) {
    canvas.unmodelled.add('有没有外观的注释（阅读器会自己画出它）');
    return;
  }
  const bbox = document.array(normal.dict.get(PDFName.of('BBox'))).map((o) => document.number(o) ?? 0);
  const values = document.array(normal.dict.get(PDFName.of('Matrix'))).map((o) => document.number(o) ?? 0);
  const matrix: Matrix = values.length === 6 ? (values as Matrix) : IDENTITY;
  if (bbox.length !== 4) return;
  const box = boxOf([apply(matrix, bbox[0]!, bbox[1]!), apply(matrix, bbox[2]!, bbox[1]!), apply(matrix, bbox[0]!, bbox[3]!), apply(matrix, bbox[2]!, bbox[3]!)]);
  const target = boxOf([
    [rect[0]!, rect[1]!],
    [rect[2]!, rect[3]!],
  ]);
  const [w, h] = [box.x2 - box.x1, box.y2 - box.y1];
  if (w <= 0 || h <= 0 || target.x2 <= target.x1 || target.y2 <= target.y1) return;
  // A maps the appearance's box onto the rectangle; the form's own matrix is applied in drawForm.
  const a: Matrix = [(target.x2 - target.x1) / w, 0, 0, (target.y2 - target.y1) / h, target.x1 - (box.x1 * (target.x2 - target.x1)) / w, target.y1 - (box.y1 * (target.y2 - target.y1)) / h];
  drawForm(normal, { ...initialState(), ctm: a }, undefined, canvas, document, { depth: 0, forms: new Set(), layerOff: false });
}

/** Content stream tokens grouped into operations (operands, then the operator); an inline image as one BI operation with its dictionary. */
function* operations(content: Buffer): Generator<{ operator: string; operands: Operand[] }> {
  const stack: Operand[][] = [[]];
  const length = content.length;
  let i = 0;
  const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0x00;
  const isDelimiter = (c: number) => c === 0x28 || c === 0x29 || c === 0x3c || c === 0x3e || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d || c === 0x2f || c === 0x25;
  const top = () => stack[stack.length - 1]!;
  while (i < length) {
    const c = content[i]!;
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === 0x25) {
      // % comment to the end of the line
      while (i < length && content[i] !== 0x0a && content[i] !== 0x0d) i++;
      continue;
    }
    if (c === 0x5b) {
      // Arrays nest no deeper than a TJ needs; deeper is not a form's content.
      if (stack.length > 64) throw new PdfReadLimit('的内容里数组嵌套太深');
      stack.push([]);
      i++;
      continue;
    }
    if (c === 0x5d) {
      const array = stack.length > 1 ? stack.pop()! : [];
      top().push(array);
      i++;
      continue;
    }
    if (c === 0x3c && content[i + 1] === 0x3c) {
      // An inline dictionary (marked content properties): skipped whole.
      let depth = 0;
      while (i < length) {
        if (content[i] === 0x3c && content[i + 1] === 0x3c) {
          depth++;
          i += 2;
        } else if (content[i] === 0x3e && content[i + 1] === 0x3e) {
          depth--;
          i += 2;
          if (depth === 0) break;
        } else i++;
      }
      top().push(new Map());
      continue;
    }
    if (c === 0x3c) {
      const end = content.indexOf(0x3e, i);
      const hex = content.toString('latin1', i + 1, end < 0 ? length : end).replace(/[^0-9a-fA-F]/g, '');
      const even = hex.length % 2 === 1 ? `${hex}0` : hex;
      top().push(Uint8Array.from(Buffer.from(even, 'hex')));
      i = end < 0 ? length : end + 1;
      continue;
    }
    if (c === 0x28) {
      const [bytes, next] = literalString(content, i + 1);
      top().push(bytes);
      i = next;
      continue;
    }
    // A regular token: a name, a number, a keyword.
    let j = i + 1;
    while (j < length && !isSpace(content[j]!) && !isDelimiter(content[j]!)) j++;
    const token = content.toString('latin1', i, j);
    i = j;
    if (c === 0x2f) top().push({ name: token.slice(1).replace(/#([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))) });
    else if (/^[-+]?(?:\d+\.?\d*|\.\d+)$/.test(token)) top().push(Number(token));
    else if (token === 'true' || token === 'false') top().push(token === 'true');
    else if (token === 'null') top().push(null);
    else if (token === 'BI') {
      const [dict, next] = inlineImage(content, i);
      i = next;
      stack.splice(0, stack.length, []);
      yield { operator: 'BI', operands: [dict] };
    } else {
      const operands = stack[0]!.splice(0);
      stack.splice(1);
      yield { operator: token, operands };
    }
  }
}

/**
 * An inline image from just after BI: its dictionary (keys and simple values, up to ID) and
 * where its data ends (after EI). The data is skipped by its length where the dictionary gives
 * one (/L, PDF 2.0), else up to the first EI standing alone: one forward scan, never a copy.
 */
function inlineImage(content: Buffer, start: number): [Map<string, Operand>, number] {
  const dict = new Map<string, Operand>();
  const length = content.length;
  const isSpace = (c: number | undefined) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0x00;
  const ends = (c: number | undefined) => isSpace(c) || c === 0x2f || c === 0x5b || c === 0x5d || c === 0x3c || c === 0x28;
  let i = start;
  let key: string | undefined;
  const value = (v: Operand) => {
    if (key !== undefined) dict.set(key, v);
    key = undefined;
  };
  for (;;) {
    while (i < length && isSpace(content[i])) i++;
    if (i >= length) return [dict, length];
    const c = content[i]!;
    // Values the image's keys do not need read: arrays (/Decode, /Filter lists), strings (an /Indexed palette).
    if (c === 0x5b) {
      const end = content.indexOf(0x5d, i);
      i = end < 0 ? length : end + 1;
      value(null);
      continue;
    }
    if (c === 0x3c) {
      const end = content.indexOf(0x3e, i);
      i = end < 0 ? length : end + 1;
      value(null);
      continue;
    }
    if (c === 0x28) {
      i = literalString(content, i + 1)[1];
      value(null);
      continue;
    }
    let j = i + 1;
    while (j < length && !ends(content[j])) j++;
    const token = content.toString('latin1', i, j);
    i = j;
    if (token === 'ID') break;
    if (key === undefined && token.startsWith('/')) key = token.slice(1);
    else value(token.startsWith('/') ? { name: token.slice(1) } : token === 'true' ? true : token === 'false' ? false : /^[-+]?[\d.]+$/.test(token) ? Number(token) : null);
  }
  // One white-space character after ID, then the data.
  const data = i + 1;
  const size = dict.get('L') ?? dict.get('Length');
  if (typeof size === 'number' && size >= 0) {
    const end = content.indexOf('EI', data + size, 'latin1');
    return [dict, end < 0 ? length : end + 2];
  }
  let from = data;
  for (;;) {
    const end = content.indexOf('EI', from, 'latin1');
    if (end < 0) return [dict, length];
    if (isSpace(content[end - 1]) && (end + 2 >= length || isSpace(content[end + 2]))) return [dict, end + 2];
    from = end + 1;
  }
}

/** A literal string's bytes from just after its '(' to its matching ')', and where it ends. */
function literalString(content: Uint8Array, start: number): [Uint8Array, number] {
  const out: number[] = [];
  let depth = 1;
  let i = start;
  while (i < content.length) {
    const c = content[i++]!;
    if (c === 0x5c) {
      const e = content[i++]!;
      const escapes: Record<number, number> = { 0x6e: 10, 0x72: 13, 0x74: 9, 0x62: 8, 0x66: 12, 0x28: 0x28, 0x29: 0x29, 0x5c: 0x5c };
      if (e in escapes) out.push(escapes[e]!);
      else if (e >= 0x30 && e <= 0x37) {
        let octal = e - 0x30;
        for (let k = 0; k < 2 && content[i]! >= 0x30 && content[i]! <= 0x37; k++) octal = octal * 8 + (content[i++]! - 0x30);
        out.push(octal & 0xff);
      } else if (e === 0x0d) {
        if (content[i] === 0x0a) i++;
      } else if (e !== 0x0a) out.push(e);
      continue;
    }
    if (c === 0x28) depth++;
    if (c === 0x29 && --depth === 0) break;
    out.push(c);
  }
  return [Uint8Array.from(out), i];
}

/**
 * pdf-lib says what it skips in a damaged file on the console, in English ("Trying to parse
 * invalid object"): kept off it while `work` runs (loading a PDF); the caller says it in Chinese.
 */
export async function quietly<T>(work: () => Promise<T>): Promise<T> {
  const { log, warn } = console;
  console.log = console.warn = () => undefined;
  try {
    return await work();
  } finally {
    console.log = log;
    console.warn = warn;
  }
}

/**
 * The PDF's document information (Title, Author, …) as text; where the Info dictionary lacks one
 * (a linearised copy whose Info pdf-lib does not reach), the XMP metadata's (dc:title, dc:creator,
 * dc:description, pdf:Keywords), as shenbao writes both.
 */
export function documentInfo(pdf: PDFDocument): { title?: string; author?: string; subject?: string; keywords?: string } {
  const read = (get: () => string | undefined) => {
    try {
      return get();
    } catch {
      return undefined;
    }
  };
  const xmp = read(() => {
    const metadata = pdf.catalog.lookup(PDFName.of('Metadata'));
    return metadata instanceof PDFStream ? Buffer.from(streamBytes(metadata)).toString('utf8') : undefined;
  });
  const fromXmp = (element: string) => {
    const inner = xmp && new RegExp(`<${element}>([\\s\\S]*?)</${element}>`).exec(xmp)?.[1];
    const value = inner?.includes('<rdf:li') ? /<rdf:li[^>]*>([\s\S]*?)<\/rdf:li>/.exec(inner)?.[1] : inner;
    return value === undefined ? undefined : unescapeXml(value);
  };
  const info = {
    title: read(() => pdf.getTitle()) ?? fromXmp('dc:title'),
    author: read(() => pdf.getAuthor()) ?? fromXmp('dc:creator'),
    subject: read(() => pdf.getSubject()) ?? fromXmp('dc:description'),
    keywords: read(() => pdf.getKeywords()) ?? fromXmp('pdf:Keywords'),
  };
  return Object.fromEntries(Object.entries(info).filter(([, v]) => v !== undefined));
}

const streamBytes = (stream: PDFStream): Uint8Array => (stream instanceof PDFRawStream ? decodePDFRawStream(stream).decode() : stream.getContents());

const unescapeXml = (text: string) =>
  text.replace(/&(lt|gt|quot|apos|amp|#(\d+)|#x([0-9a-fA-F]+));/g, (_, name: string, decimal?: string, hex?: string) =>
    decimal ? String.fromCodePoint(Number(decimal)) : hex ? String.fromCodePoint(parseInt(hex, 16)) : ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' } as Record<string, string>)[name]!,
  );
