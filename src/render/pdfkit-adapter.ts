// The only place shenbao touches pdfkit's and fontkit's internals; everything else uses their
// public APIs. Pinned: pdfkit 0.19.1, fontkit 2.0.4 (package.json); test/pdfkit-adapter.test.ts
// fails, saying what to re-check, when an upgrade changes either.
//
// 1. One font parse per process. pdfkit parses a font file for every document (`doc.font(bytes)`
//    calls fontkit.create), and fontkit decodes its tables again for each: with the 15 MB CJK
//    font that was 27 ms of a one-page form's 33 ms (node scratch, 20 forms, 2026-12-06), against
//    about 6 ms drawn from the parse loadFonts made once. `embedParsedFont` registers the parsed
//    font under a name, as `doc.registerFont` + `doc.font` would have.
// 2. fontkit keeps one glyph object per glyph id, with the characters of the text that first asked
//    for it, and pdfkit writes those into the ToUnicode map. Shared across documents, one form's
//    培 + U+FE00 would make every later form's 培 copy as 培︀: a glyph asked for with other
//    characters comes as a view with its own. And a subset decodes each glyph's whole outline again
//    for every document only to tell a composite glyph from a simple one: decoded once per process
//    (a one-page form 16.9 → 9.1 ms, node scratch/render-prof.mjs 200, same load).
// 3. PDF/A: pdfkit's XMP writes the Info values unescaped (a title R&D <预算> is not XML) and
//    lacks xmp:ModifyDate; its file ID hashes only the Info dictionary; its embedded file's
//    /CheckSum is hex text where the PDF format wants 16 bytes. Each is set here.
import { createRequire } from 'node:module';
import type * as fontkit from 'fontkit';

const require = createRequire(import.meta.url);

export const PINNED = { pdfkit: '0.19.1', fontkit: '2.0.4' };

interface EmbeddedFont {
  layoutCache?: Record<string, unknown>;
}
interface PdfkitInternals {
  _fontCount: number;
  _fontFamilies: Record<string, EmbeddedFont>;
  _addInfo(): void;
  _id: Buffer;
  appendXML(xml: string, newline?: boolean): void;
  ref(data?: Record<string, unknown>): unknown;
}
type EmbeddedFontClass = new (document: object, font: fontkit.Font, id: string) => EmbeddedFont;

let embeddedFontClass: EmbeddedFontClass | undefined;
/**
 * Shaped pieces of text (pdfkit's layoutCache) per font, shared by the documents that use it: they
 * depend on nothing but the font, and a form's labels come again in every form. pdfkit never empties
 * it, and a line of Chinese is one piece: in a 汇总表 of 10,000 forms (one document) it held every
 * line. Bounded here: emptied when it holds SHAPED_PIECES.
 */
const layoutCaches = new WeakMap<fontkit.Font, Record<string, unknown>>();
const SHAPED_PIECES = 10_000;

function boundedCache(): Record<string, unknown> {
  const pieces = new Map<string | symbol, unknown>();
  return new Proxy(Object.create(null) as Record<string, unknown>, {
    get: (_, key) => pieces.get(key),
    set: (_, key, value) => {
      if (pieces.size >= SHAPED_PIECES) pieces.clear();
      pieces.set(key, value);
      return true;
    },
  });
}

/** `doc.font(name)` draws in `font` from now on, parsed once for every document. */
export function embedParsedFont(doc: object, name: string, font: fontkit.Font): void {
  const pdf = doc as PdfkitInternals;
  ownCodePoints(font);
  const embedded = new (fontClass(font))(pdf, font, `F${++pdf._fontCount}`);
  let cache = layoutCaches.get(font);
  if (!cache) layoutCaches.set(font, (cache = boundedCache()));
  if (embedded.layoutCache) embedded.layoutCache = cache;
  pdf._fontFamilies[name] = embedded;
}

/** pdfkit's EmbeddedFont, which it does not export: from a one-glyph subset of a TrueType face (a few hundred bytes), or a CFF face's own file (a CFF subset is no font file; fontkit reads it lazily), by name in a collection. */
function fontClass(font: fontkit.Font): EmbeddedFontClass {
  if (embeddedFontClass) return embeddedFontClass;
  const PDFDocument = require('pdfkit') as new (options: object) => { font(src: Uint8Array, family?: string): { _font: object } };
  const doc = new PDFDocument({ autoFirstPage: false });
  const subset = font.createSubset();
  subset.includeGlyph(font.getGlyph(0));
  const bytes = (font as unknown as { stream: { buffer: Uint8Array } }).stream.buffer;
  const collection = Buffer.from(bytes.subarray(0, 4)).toString('latin1') === 'ttcf';
  const opened = 'cff' in subset ? doc.font(bytes, collection ? font.postscriptName : undefined) : doc.font(Buffer.from(subset.encode()));
  return (embeddedFontClass = opened._font.constructor as EmbeddedFontClass);
}

const withOwnCodePoints = new WeakSet<object>();
function ownCodePoints(font: fontkit.Font): void {
  if (withOwnCodePoints.has(font)) return;
  withOwnCodePoints.add(font);
  type Glyph = { codePoints: number[]; _decode(): unknown } | null;
  const cached = font as unknown as { getGlyph(id: number, codePoints?: number[]): Glyph };
  const getGlyph = cached.getGlyph.bind(font);
  const decoded = new WeakSet<object>();
  cached.getGlyph = (id, codePoints = []) => {
    const glyph = getGlyph(id, codePoints);
    if (glyph && !decoded.has(glyph) && typeof glyph._decode === 'function') { // a CFF glyph has none: its subset copies charstrings
      decoded.add(glyph);
      const decode = glyph._decode;
      let outline: unknown;
      glyph._decode = () => (outline ??= decode.call(glyph));
    }
    const same = !glyph || codePoints.length === 0 || (glyph.codePoints.length === codePoints.length && glyph.codePoints.every((c, i) => c === codePoints[i]));
    return same ? glyph : (Object.create(glyph, { codePoints: { value: codePoints, enumerable: true } }) as Glyph);
  };
}

/** The document's XMP descriptions (pdfkit wraps them in its packet), its file ID, and embedded files' checksums as bytes. */
export function archiveInternals(doc: object, xmp: (info: Record<string, unknown>) => string, fileId: Buffer): void {
  const pdf = doc as PdfkitInternals & { info: Record<string, unknown> };
  pdf._addInfo = function addInfo(this: typeof pdf) {
    this.appendXML(xmp(this.info));
  };
  pdf._id = fileId;
  const ref = pdf.ref;
  pdf.ref = function (this: PdfkitInternals, data?: Record<string, unknown>) {
    const params = data?.Type === 'EmbeddedFile' ? (data.Params as { CheckSum?: unknown } | undefined) : undefined;
    if (params?.CheckSum instanceof String) params.CheckSum = Buffer.from(params.CheckSum.valueOf(), 'hex');
    return ref.call(this, data);
  };
}
