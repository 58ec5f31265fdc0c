// Low-level reader of a PDF's pages for the text fallback of `extract`: every glyph's character,
// size and place, and every ruled line, read from the content streams (pdf-lib parses the file;
// the operators are interpreted here). It knows nothing of our forms; pdf-tables.ts turns the
// rules into tables and the glyphs into their cells' text.
//
// Reads what PDF writers of text and tables use: text shown with Tj, TJ, ' and " in fonts whose
// ToUnicode map says what each code is (pdfkit writes one for every font), and straight lines
// stroked with m/l/S or re. Images, shadings, clipping and curves are passed over: a form's text and
// rules are all the reader needs. Coordinates are PDF points, y upwards, as on the page.
import { decodePDFRawStream, PDFArray, PDFDict, PDFDocument, PDFName, PDFNumber, PDFRawStream, PDFRef, PDFStream, type PDFObject } from 'pdf-lib';

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
}

/** A stroked straight line, horizontal or vertical (a table rule). */
export interface PdfRule {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  width: number;
}

export interface PdfPageContent {
  width: number;
  height: number;
  glyphs: PdfGlyph[];
  rules: PdfRule[];
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

/** A content stream operand: a number, a name ('/F1'), a string's bytes, or an array. */
type Operand = number | { name: string } | Uint8Array | Operand[] | null | boolean;

/** The pages of a loaded PDF, as glyphs and rules. */
export function readPdfPages(pdf: PDFDocument): PdfPageContent[] {
  const context = pdf.context;
  const lookup = (object: PDFObject | undefined): PDFObject | undefined => (object instanceof PDFRef ? context.lookup(object) : object);
  const fontCache = new Map<PDFObject, PdfFont>();
  return pdf.getPages().map((page) => {
    const { width, height } = page.getSize();
    const resources = page.node.Resources();
    const fontDict = lookup(resources?.get(PDFName.of('Font')));
    const fonts = new Map<string, PdfFont>();
    if (fontDict instanceof PDFDict) {
      for (const [name, ref] of fontDict.entries()) {
        const font = lookup(ref);
        if (!(font instanceof PDFDict)) continue;
        let read = fontCache.get(font);
        if (!read) fontCache.set(font, (read = readFont(font, lookup)));
        fonts.set(name.decodeText(), read);
      }
    }
    const contents = lookup(page.node.get(PDFName.of('Contents')));
    const streams = contents instanceof PDFArray ? contents.asArray().map(lookup) : [contents];
    const bytes = streams.filter((s): s is PDFStream => s instanceof PDFStream).map((s) => streamBytes(s));
    const content = Buffer.concat(bytes.flatMap((b) => [Buffer.from(b), Buffer.from('\n')]));
    return { width, height, ...interpret(content, fonts) };
  });
}

const streamBytes = (stream: PDFStream): Uint8Array => (stream instanceof PDFRawStream ? decodePDFRawStream(stream).decode() : stream.getContents());

// ---- fonts: code → characters and widths ----

interface PdfFont {
  name: string;
  /** Bytes per character code: 2 for Identity-H (pdfkit's CID fonts), else 1. */
  codeBytes: 1 | 2;
  unicode: Map<number, string>;
  widths: Map<number, number>;
  defaultWidth: number;
}

function readFont(font: PDFDict, lookup: (o: PDFObject | undefined) => PDFObject | undefined): PdfFont {
  const base = lookup(font.get(PDFName.of('BaseFont')));
  const name = base instanceof PDFName ? base.decodeText().replace(/^[A-Z]{6}\+/, '') : '';
  const subtype = lookup(font.get(PDFName.of('Subtype')));
  const composite = subtype === PDFName.of('Type0');
  const widths = new Map<number, number>();
  let defaultWidth = composite ? 1000 : 0;
  if (composite) {
    const descendants = lookup(font.get(PDFName.of('DescendantFonts')));
    const descendant = descendants instanceof PDFArray ? lookup(descendants.get(0)) : undefined;
    if (descendant instanceof PDFDict) {
      const dw = lookup(descendant.get(PDFName.of('DW')));
      if (dw instanceof PDFNumber) defaultWidth = dw.asNumber();
      const w = lookup(descendant.get(PDFName.of('W')));
      if (w instanceof PDFArray) {
        // [first [w1 w2 …]] or [first last w]
        const items = w.asArray().map(lookup);
        for (let i = 0; i < items.length; ) {
          const first = (items[i] as PDFNumber).asNumber();
          const next = items[i + 1];
          if (next instanceof PDFArray) {
            next.asArray().forEach((width, j) => widths.set(first + j, (lookup(width) as PDFNumber).asNumber()));
            i += 2;
          } else {
            const last = (next as PDFNumber).asNumber();
            const width = (items[i + 2] as PDFNumber).asNumber();
            for (let code = first; code <= last; code++) widths.set(code, width);
            i += 3;
          }
        }
      }
    }
  } else {
    const first = lookup(font.get(PDFName.of('FirstChar')));
    const list = lookup(font.get(PDFName.of('Widths')));
    if (first instanceof PDFNumber && list instanceof PDFArray) {
      list.asArray().forEach((width, j) => widths.set(first.asNumber() + j, (lookup(width) as PDFNumber).asNumber()));
    }
  }
  const toUnicode = lookup(font.get(PDFName.of('ToUnicode')));
  const unicode = toUnicode instanceof PDFStream ? readToUnicode(Buffer.from(streamBytes(toUnicode)).toString('latin1')) : new Map<number, string>();
  return { name, codeBytes: composite ? 2 : 1, unicode, widths, defaultWidth };
}

/** A ToUnicode CMap's bfchar and bfrange entries (both forms of bfrange). */
export function readToUnicode(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  // Hex strings may hold white space: pdfkit writes a ligature as <0066 0066 0069>.
  const hex = (text: string) => text.replace(/\s/g, '');
  const utf16 = (digits: string) => {
    const units: number[] = [];
    for (let i = 0; i + 4 <= digits.length; i += 4) units.push(parseInt(digits.slice(i, i + 4), 16));
    if (digits.length === 2) units.push(parseInt(digits, 16));
    return String.fromCharCode(...units);
  };
  const HEX = '<([0-9a-fA-F\\s]*)>';
  for (const section of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const [, code, text] of section[1]!.matchAll(new RegExp(`${HEX}\\s*${HEX}`, 'g'))) map.set(parseInt(hex(code!), 16), utf16(hex(text!)));
  }
  for (const section of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const [, low, high, array, start] of section[1]!.matchAll(new RegExp(`${HEX}\\s*${HEX}\\s*(?:\\[([^\\]]*)\\]|${HEX})`, 'g'))) {
      const from = parseInt(hex(low!), 16);
      const to = parseInt(hex(high!), 16);
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

// ---- content streams ----

interface GraphicsState {
  ctm: Matrix;
  lineWidth: number;
}

function interpret(content: Uint8Array, fonts: Map<string, PdfFont>): { glyphs: PdfGlyph[]; rules: PdfRule[] } {
  const glyphs: PdfGlyph[] = [];
  const rules: PdfRule[] = [];
  let state: GraphicsState = { ctm: IDENTITY, lineWidth: 1 };
  const saved: GraphicsState[] = [];
  let textMatrix = IDENTITY;
  let lineMatrix = IDENTITY;
  let font: PdfFont | undefined;
  let fontSize = 0;
  let charSpacing = 0;
  let wordSpacing = 0;
  let horizontalScale = 1;
  let leading = 0;
  let rise = 0;
  // The current path's straight segments, in page space; kept until it is stroked or dropped.
  let path: Array<[number, number, number, number]> = [];
  let current: [number, number] | undefined;
  let subpathStart: [number, number] | undefined;

  const show = (bytes: Uint8Array) => {
    if (!font) return;
    const step = font.codeBytes;
    for (let i = 0; i + step <= bytes.length; i += step) {
      const code = step === 2 ? (bytes[i]! << 8) | bytes[i + 1]! : bytes[i]!;
      const rendering = times([fontSize * horizontalScale, 0, 0, fontSize, 0, rise], times(textMatrix, state.ctm));
      const [x, y] = apply(rendering, 0, 0);
      const advance = ((font.widths.get(code) ?? font.defaultWidth) / 1000) * fontSize + charSpacing + (step === 1 && code === 32 ? wordSpacing : 0);
      const scaled = advance * horizontalScale;
      const end = apply(times(textMatrix, state.ctm), scaled, 0);
      glyphs.push({ text: font.unicode.get(code) ?? '\uFFFD', x, y, width: Math.hypot(end[0] - x, end[1] - y), size: scaleOf(rendering), font: font.name });
      textMatrix = times([1, 0, 0, 1, scaled, 0], textMatrix);
    }
  };
  const nextLine = (tx: number, ty: number) => {
    lineMatrix = times([1, 0, 0, 1, tx, ty], lineMatrix);
    textMatrix = lineMatrix;
  };

  for (const { operator, operands } of operations(content)) {
    const n = (i: number) => (typeof operands[i] === 'number' ? (operands[i] as number) : 0);
    switch (operator) {
      case 'q':
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
        leading = -n(1);
        nextLine(n(0), n(1));
        break;
      case 'T*':
        nextLine(0, -leading);
        break;
      case 'TL':
        leading = n(0);
        break;
      case 'Tc':
        charSpacing = n(0);
        break;
      case 'Tw':
        wordSpacing = n(0);
        break;
      case 'Tz':
        horizontalScale = n(0) / 100;
        break;
      case 'Ts':
        rise = n(0);
        break;
      case 'Tf': {
        const name = operands[0];
        font = name && typeof name === 'object' && 'name' in name ? fonts.get(name.name) : undefined;
        fontSize = n(1);
        break;
      }
      case 'Tj':
        if (operands[0] instanceof Uint8Array) show(operands[0]);
        break;
      case "'":
        nextLine(0, -leading);
        if (operands[0] instanceof Uint8Array) show(operands[0]);
        break;
      case '"':
        wordSpacing = n(0);
        charSpacing = n(1);
        nextLine(0, -leading);
        if (operands[2] instanceof Uint8Array) show(operands[2]);
        break;
      case 'TJ':
        for (const element of Array.isArray(operands[0]) ? operands[0] : []) {
          if (typeof element === 'number') textMatrix = times([1, 0, 0, 1, (-element / 1000) * fontSize * horizontalScale, 0], textMatrix);
          else if (element instanceof Uint8Array) show(element);
        }
        break;
      case 'm':
        current = subpathStart = apply(state.ctm, n(0), n(1));
        break;
      case 'l': {
        const to = apply(state.ctm, n(0), n(1));
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
        const corners = [apply(state.ctm, x, y), apply(state.ctm, x + w, y), apply(state.ctm, x + w, y + h), apply(state.ctm, x, y + h)];
        corners.forEach((corner, i) => {
          const next = corners[(i + 1) % 4]!;
          path.push([corner[0], corner[1], next[0], next[1]]);
        });
        current = subpathStart = corners[0];
        break;
      }
      case 'c':
      case 'v':
      case 'y':
        // A curve: not a rule. The path goes on from its end.
        current = apply(state.ctm, n(operands.length - 2), n(operands.length - 1));
        break;
      case 'S':
      case 's':
      case 'B':
      case 'B*':
      case 'b':
      case 'b*': {
        const width = state.lineWidth * scaleOf(state.ctm);
        for (const [x1, y1, x2, y2] of path) {
          if (Math.abs(x1 - x2) < 0.01 || Math.abs(y1 - y2) < 0.01) rules.push({ x1, y1, x2, y2, width });
        }
        path = [];
        current = subpathStart = undefined;
        break;
      }
      case 'f':
      case 'F':
      case 'f*':
      case 'n':
        path = [];
        current = subpathStart = undefined;
        break;
    }
  }
  return { glyphs, rules };
}

/** Content stream tokens grouped into operations (operands, then the operator). */
function* operations(content: Uint8Array): Generator<{ operator: string; operands: Operand[] }> {
  const stack: Operand[][] = [[]];
  const length = content.length;
  let i = 0;
  const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0x00;
  const isDelimiter = (c: number) => '()<>[]{}/%'.includes(String.fromCharCode(c));
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
      top().push(null);
      continue;
    }
    if (c === 0x3c) {
      const end = content.indexOf(0x3e, i);
      const hex = Buffer.from(content.subarray(i + 1, end < 0 ? length : end)).toString('latin1').replace(/[^0-9a-fA-F]/g, '');
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
    const token = Buffer.from(content.subarray(i, j)).toString('latin1');
    i = j;
    if (c === 0x2f) top().push({ name: token.slice(1).replace(/#([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))) });
    else if (/^[-+]?(?:\d+\.?\d*|\.\d+)$/.test(token)) top().push(Number(token));
    else if (token === 'true' || token === 'false') top().push(token === 'true');
    else if (token === 'null') top().push(null);
    else if (token === 'BI') {
      // An inline image: skip its data up to EI.
      const end = Buffer.from(content).indexOf('EI', i);
      i = end < 0 ? length : end + 2;
      stack.splice(0, stack.length, []);
    } else {
      const operands = stack[0]!.splice(0);
      stack.splice(1);
      yield { operator: token, operands };
    }
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

const unescapeXml = (text: string) =>
  text.replace(/&(lt|gt|quot|apos|amp|#(\d+)|#x([0-9a-fA-F]+));/g, (_, name: string, decimal?: string, hex?: string) =>
    decimal ? String.fromCodePoint(Number(decimal)) : hex ? String.fromCodePoint(parseInt(hex, 16)) : ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' } as Record<string, string>)[name]!,
  );
