// What a PDF's pages draw, read from their content streams (pdf-lib parses the file; the operators
// are interpreted here): every glyph with its font, size, colour and position on the page, and
// every path operation with its coordinates. Two PDFs that draw the same things at the same places
// compare equal however their content streams group the text.
import { apply, IDENTITY, times, type Matrix } from '../../src/extract/pdf-read.js';
import { decodePDFRawStream, PDFArray, PDFDict, PDFDocument, PDFName, PDFNumber, PDFRawStream, PDFRef, type PDFObject } from 'pdf-lib';

export interface DrawnGlyph {
  page: number;
  /** The font's BaseFont (its subset tag and name). */
  font: string;
  size: number;
  /** The glyph's code in the font (Identity-H: its subset glyph id), as 4 hex digits. */
  glyph: string;
  /** Where the glyph's origin lands on the page, in PDF points. */
  x: number;
  y: number;
  /** The fill colour and graphics state (opacity) in force. */
  fill: string;
}

export interface PageDrawing {
  glyphs: DrawnGlyph[];
  /** Path operators with their coordinates on the page, line width and stroke colour: `l 10 20 w0.5 …`. */
  paths: string[];
  /** How many text-showing operators (TJ, Tj) the page has. */
  textOperators: number;
}

type Operand = number | string | Operand[];

/** Content stream tokens: numbers, names (/F1), hex strings (<0001>, kept as 'hex:0001'), arrays and operators. */
function* operations(content: string): Generator<{ operator: string; operands: Operand[] }> {
  const token = /\s*(\[|\]|<[0-9a-fA-F\s]*>|\/[^\s/[\]<>()]+|[-+]?(?:\d+\.?\d*|\.\d+)|[A-Za-z'"*]+|\(|$)/y;
  const stack: Operand[][] = [[]];
  for (;;) {
    const match = token.exec(content);
    if (!match) throw new Error(`unreadable content at ${token.lastIndex}: ${content.slice(token.lastIndex, token.lastIndex + 30)}`);
    const t = match[1]!;
    if (t === '') return;
    if (t === '(') throw new Error('literal strings are not read by this test reader');
    const top = stack[stack.length - 1]!;
    if (t === '[') stack.push([]);
    else if (t === ']') {
      const array = stack.pop()!;
      stack[stack.length - 1]!.push(array);
    } else if (t.startsWith('<')) top.push(`hex:${t.slice(1, -1).replace(/\s/g, '')}`);
    else if (t.startsWith('/')) top.push(t);
    else if (/^[-+.\d]/.test(t)) top.push(Number(t));
    else {
      yield { operator: t, operands: top.splice(0) };
    }
  }
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;

/** Every page's glyphs and paths. */
export async function pageDrawings(bytes: Uint8Array): Promise<PageDrawing[]> {
  const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
  const context = pdf.context;
  const lookup = <T extends PDFObject | undefined>(object: PDFObject | undefined): T => (object instanceof PDFRef ? (context.lookup(object) as T) : (object as T));
  return pdf.getPages().map((page, p) => {
    const fonts = new Map<string, { name: string; widths: Map<number, number> }>();
    const fontDict = lookup<PDFDict | undefined>(page.node.Resources()?.get(PDFName.of('Font')));
    for (const [name, ref] of fontDict?.entries() ?? []) {
      const font = lookup<PDFDict>(ref);
      const descendant = lookup<PDFDict>(lookup<PDFArray>(font.get(PDFName.of('DescendantFonts'))).get(0));
      const w = lookup<PDFArray>(descendant.get(PDFName.of('W')));
      const widths = new Map<number, number>();
      // pdfkit writes W as [first [w w w …]].
      for (let i = 0; i < w.size(); i += 2) {
        const first = lookup<PDFNumber>(w.get(i)).asNumber();
        lookup<PDFArray>(w.get(i + 1))
          .asArray()
          .forEach((width, j) => widths.set(first + j, lookup<PDFNumber>(width).asNumber()));
      }
      fonts.set(name.decodeText(), { name: lookup<PDFName>(font.get(PDFName.of('BaseFont'))).asString(), widths });
    }
    const contents = lookup<PDFObject>(page.node.get(PDFName.of('Contents')));
    const streams = contents instanceof PDFArray ? contents.asArray().map((s) => lookup<PDFRawStream>(s)) : [contents as PDFRawStream];
    const content = streams.map((s) => Buffer.from(decodePDFRawStream(s).decode()).toString('latin1')).join('\n');

    const drawing: PageDrawing = { glyphs: [], paths: [], textOperators: 0 };
    let state = { ctm: IDENTITY, fill: '', stroke: '', lineWidth: 1, gs: '' };
    const saved: Array<typeof state> = [];
    let text = IDENTITY;
    let font: { name: string; widths: Map<number, number> } | undefined;
    let pathOpen = false;
    let size = 0;
    const show = (hex: string) => {
      for (let i = 0; i < hex.length; i += 4) {
        const glyph = hex.slice(i, i + 4);
        const [x, y] = apply(times(text, state.ctm), 0, 0);
        drawing.glyphs.push({ page: p, font: font!.name, size, glyph, x, y, fill: `${state.fill} ${state.gs}` });
        text = times([1, 0, 0, 1, ((font!.widths.get(parseInt(glyph, 16)) ?? 0) / 1000) * size, 0], text);
      }
    };
    for (const { operator, operands } of operations(content)) {
      const n = operands as number[];
      switch (operator) {
        case 'q':
          saved.push(state);
          break;
        case 'Q':
          state = saved.pop()!;
          break;
        case 'cm':
          state = { ...state, ctm: times(n as Matrix, state.ctm) };
          break;
        case 'gs':
          state = { ...state, gs: operands[0] as string };
          break;
        case 'scn':
        case 'sc':
        case 'rg':
        case 'g':
          state = { ...state, fill: n.join(' ') };
          break;
        case 'SCN':
        case 'SC':
        case 'RG':
        case 'G':
          state = { ...state, stroke: n.join(' ') };
          break;
        case 'w':
          state = { ...state, lineWidth: n[0]! };
          break;
        case 'BT':
          text = IDENTITY;
          break;
        case 'Tm':
          text = n as Matrix;
          break;
        case 'Tf':
          font = fonts.get((operands[0] as string).slice(1));
          size = n[1]!;
          break;
        case 'TJ':
          drawing.textOperators++;
          for (const element of operands[0] as Operand[]) {
            if (typeof element === 'number') text = times([1, 0, 0, 1, (-element / 1000) * size, 0], text);
            else show((element as string).slice(4));
          }
          break;
        case 'Tj':
          drawing.textOperators++;
          show((operands[0] as string).slice(4));
          break;
        case 'm':
        case 'l': {
          const [x, y] = apply(state.ctm, n[0]!, n[1]!);
          drawing.paths.push(`${operator} ${round(x)} ${round(y)}`);
          pathOpen = true;
          break;
        }
        case 're': {
          const [x, y] = apply(state.ctm, n[0]!, n[1]!);
          drawing.paths.push(`re ${round(x)} ${round(y)} ${n[2]} ${n[3]}`);
          pathOpen = true;
          break;
        }
        case 'h':
        case 'W':
          drawing.paths.push(operator);
          break;
        case 'S':
        case 'n':
        case 'f':
          // A fill with no path (pdfmake's fill(colour) before each inline) paints nothing.
          if (pathOpen) drawing.paths.push(`${operator} w${state.lineWidth} ${state.stroke} / ${state.fill}`);
          pathOpen = false;
          break;
      }
    }
    return drawing;
  });
}
