// Doctoring a built PDF as an attacker would, for the read-back tests: a page's content stream is
// decoded (pdf-lib), edited as text, and written back compressed; everything else (the attached
// data, the metadata) is kept. pdfkit shows each run of text as `[<hex glyph ids> 0] TJ` in a
// subset font (Identity-H: two bytes a glyph), so text is found and written through the font's own
// ToUnicode map: `hex('1,234,567.89')` gives the glyph ids that print it.
import { decodePDFRawStream, PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, PDFRef, PDFStream, type PDFObject } from '@pdfme/pdf-lib';
import { readToUnicode } from '../../src/extract/pdf-read.js';

export interface PageText {
  /** The page's content stream, as text (latin1: one character a byte). */
  content: string;
  /** The glyph ids (hex, four digits each) that print `text` in the page's font `font` (pdfkit's F2 is the regular face). */
  hex(text: string, font?: string): string;
  /** The page's resources, to add an ExtGState, a layer or an XObject to. */
  resources: PDFDict;
  pdf: PDFDocument;
}

/** `bytes` with page `page`'s content stream replaced by what `edit` makes of it. */
export async function doctorPage(bytes: Uint8Array, page: number, edit: (text: PageText) => string): Promise<Uint8Array> {
  const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
  const context = pdf.context;
  const lookup = (object: PDFObject | undefined) => (object instanceof PDFRef ? context.lookup(object) : object);
  const node = pdf.getPages()[page]!.node;
  const resources = node.Resources()!;
  const fonts = lookup(resources.get(PDFName.of('Font'))) as PDFDict;
  const codes = new Map<string, Map<string, string>>();
  for (const [name, ref] of fonts.entries()) {
    const font = lookup(ref) as PDFDict;
    const cmap = lookup(font.get(PDFName.of('ToUnicode'))) as PDFRawStream;
    const byText = new Map<string, string>();
    for (const [code, text] of readToUnicode(Buffer.from(decodePDFRawStream(cmap).decode()).toString('latin1'))) {
      if (!byText.has(text)) byText.set(text, code.toString(16).padStart(4, '0'));
    }
    codes.set(name.decodeText(), byText);
  }
  const hex = (text: string, font = 'F2') =>
    [...text]
      .map((char) => {
        const code = codes.get(font)?.get(char);
        if (code === undefined) throw new Error(`the subset font ${font} has no glyph for 「${char}」`);
        return code;
      })
      .join('');
  const contents = lookup(node.get(PDFName.of('Contents')));
  const streams = contents instanceof PDFArray ? contents.asArray().map((s) => lookup(s) as PDFStream) : [contents as PDFStream];
  const content = streams.map((s) => Buffer.from(s instanceof PDFRawStream ? decodePDFRawStream(s).decode() : s.getContents()).toString('latin1')).join('\n');
  const edited = edit({ content, hex, resources, pdf });
  node.set(PDFName.of('Contents'), context.register(context.flateStream(Buffer.from(edited, 'latin1'))));
  return pdf.save();
}

/** `content` with the one text run `[<hex> 0] TJ` that prints `text` replaced by `by(run)`; fails unless there is exactly one. */
export function aroundRun(page: PageText, text: string, by: (run: string) => string): string {
  const run = `[<${page.hex(text)}> 0] TJ`;
  const count = page.content.split(run).length - 1;
  if (count !== 1) throw new Error(`「${text}」 is printed ${count} times on the page, not once`);
  return page.content.replace(run, by(run));
}

/** `content` with `insert` put before the BT that opens the text object printing `text` (a clip must be set outside BT … ET). */
export function beforeTextObject(page: PageText, text: string, insert: string): string {
  const at = page.content.indexOf(`[<${page.hex(text)}> 0] TJ`);
  if (at < 0) throw new Error(`「${text}」 is not printed on the page`);
  const bt = page.content.lastIndexOf('BT', at);
  return `${page.content.slice(0, bt)}${insert}\n${page.content.slice(bt)}`;
}

/** A ToUnicode CMap saying `map` (code → text), as bfchar entries: to give a font a map that lies. */
export function toUnicodeCMap(map: ReadonlyMap<number, string>): string {
  const utf16 = (text: string) => [...text].map((ch) => Buffer.from(ch, 'utf16le').swap16().toString('hex')).join('');
  const entries = [...map].map(([code, text]) => `<${code.toString(16).padStart(4, '0')}> <${utf16(text)}>`);
  return [
    '/CIDInit /ProcSet findresource begin 12 dict begin begincmap',
    '/CMapName /Doctored def 1 begincodespacerange <0000> <ffff> endcodespacerange',
    `${entries.length} beginbfchar`,
    ...entries,
    'endbfchar endcmap CMapName currentdict /CMap defineresource pop end end',
  ].join('\n');
}

/** The ToUnicode map of the page's font `font`, read as the reader reads it. */
export function toUnicodeOf(page: PageText, font = 'F2'): Map<number, string> {
  const lookup = (object: PDFObject | undefined) => (object instanceof PDFRef ? page.pdf.context.lookup(object) : object);
  const dict = lookup((lookup(page.resources.get(PDFName.of('Font'))) as PDFDict).get(PDFName.of(font))) as PDFDict;
  return readToUnicode(Buffer.from(decodePDFRawStream(lookup(dict.get(PDFName.of('ToUnicode'))) as PDFRawStream).decode()).toString('latin1'));
}
