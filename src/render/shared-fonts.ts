// Each font parsed once per process, and shared by every PDF.
//
// pdfkit parses a font for every document it embeds it in (PDFFontFactory.open calls
// fontkit.create on the file's bytes), and fontkit then decodes its tables again, lazily, for that
// document: for a 15 MB CJK font that was ~40 % of the time of a one-page form. pdfkit accepts no
// parsed font. So pdfmake's PDFDocument.provideFont, the one place where pdfmake asks pdfkit for a
// font, is wrapped: for a font registered here it builds pdfkit's EmbeddedFont around the fontkit
// font that loadFonts already parsed (render/fonts.ts), and registers it in the document exactly as
// pdfkit's own `font()` would. The subset (which glyphs a PDF embeds) stays per document; what
// is shared is the parsed font and pdfkit's cache of laid-out words, which depend on nothing but
// the font. The PDFs are byte-identical to those pdfkit makes itself (test/shared-fonts.test.ts).
//
// The subset itself is made per document, but what it copies of each glyph does not change: for a
// TrueType font, fontkit's TTFSubset decodes every glyph's outline again for every document only to
// tell a composite glyph from a simple one (a fifth of a one-page form's time). So each shared
// font's subsets take a glyph's bytes, components and metrics from a cache kept with the font
// (fontkit 2.0.4, pinned: TTFSubset._addGlyph without the decoding).
//
// Relies on internals of pdfmake 0.3.11 (PDFDocument.provideFont, fonts, fontCache) and pdfkit
// 0.19.1 (EmbeddedFont(document, font, id), _fontCount, _fontFamilies, _font, _fontSource,
// _fontFamily, layoutCache); both are pinned in package.json, and the test fails if an upgrade
// changes them.
import { createRequire } from 'node:module';
import type * as fontkit from 'fontkit';

const require = createRequire(import.meta.url);

/** What this file touches of pdfkit's EmbeddedFont. */
interface EmbeddedFont {
  name: string;
  id: string;
  font: fontkit.Font;
  layoutCache?: Record<string, unknown>;
}
type EmbeddedFontClass = new (document: object, font: fontkit.Font, id: string) => EmbeddedFont;

/** What this file touches of a pdfmake PDFDocument (a pdfkit document). */
interface PdfmakeDocument {
  fonts: Record<string, Record<string, unknown>>;
  fontCache: Record<string, Record<string, EmbeddedFont>>;
  getFontType(bold: boolean, italics: boolean): string;
  _fontCount: number;
  _fontFamilies: Record<string, EmbeddedFont>;
  _font: EmbeddedFont;
  _fontSource: unknown;
  _fontFamily: unknown;
}

interface SharedFont {
  font: fontkit.Font;
  /** pdfkit's cache of laid-out words (text → glyph run): the same for every document. */
  layoutCache: Record<string, unknown>;
}

/** By the name the font file has in pdfmake's virtual file system. */
const shared = new Map<string, SharedFont>();

/** Fonts handed to documents: from the shared parse, or parsed by pdfkit itself (not registered here). */
export const FONT_USE = { shared: 0, parsedByPdfkit: 0 };

/** Off: pdfkit parses every font itself again, as without this file (tests compare the PDFs). */
export const SHARED_FONTS = { enabled: true };

/** Every document that names `vfsName` gets `font`, parsed once, from now on. */
export function shareFont(vfsName: string, font: fontkit.Font): void {
  installHook();
  cacheGlyphs(font);
  ownCodePoints(font);
  if (shared.get(vfsName)?.font !== font) shared.set(vfsName, { font, layoutCache: Object.create(null) as Record<string, unknown> });
}

let installed = false;
let embeddedFont: EmbeddedFontClass | undefined;

function installHook(): void {
  if (installed) return;
  installed = true;
  const PDFDocument = (require('pdfmake/js/PDFDocument.js') as { default: { prototype: PdfmakeDocument & { provideFont: ProvideFont } } }).default;
  const provideFont = PDFDocument.prototype.provideFont;
  PDFDocument.prototype.provideFont = function (this: PdfmakeDocument, family, bold, italics) {
    const type = this.getFontType(bold, italics);
    const cached = this.fontCache[family]?.[type];
    if (cached) return cached;
    const file = this.fonts[family]?.[type];
    const entry = typeof file === 'string' && SHARED_FONTS.enabled ? shared.get(file) : undefined;
    if (!entry) {
      FONT_USE.parsedByPdfkit++;
      return provideFont.call(this, family, bold, italics);
    }
    FONT_USE.shared++;
    (this.fontCache[family] ??= {})[type] = embed(this, entry);
    return this.fontCache[family][type];
  };
}
type ProvideFont = (this: PdfmakeDocument, family: string, bold: boolean, italics: boolean) => EmbeddedFont;

/** pdfkit's `document.font(bytes)`, with the font already parsed (pdfkit 0.19.1, FontsMixin.font). */
function embed(document: PdfmakeDocument, entry: SharedFont): EmbeddedFont {
  const id = `F${++document._fontCount}`;
  const font = new (embeddedFontClass(entry.font))(document, entry.font, id);
  if (font.layoutCache) font.layoutCache = entry.layoutCache;
  ownEntries(font);
  document._fontSource = null;
  document._fontFamily = null;
  // No cache key (pdfkit's is the family, or a string source): registered by PostScript name,
  // reusing an equal font registered before (the same file as regular and bold), else by id.
  const known = document._fontFamilies[font.name];
  if (known && known.font === font.font) return (document._font = known);
  document._font = font;
  if (font.name && !known) document._fontFamilies[font.name] = font;
  if (!font.name || document._fontFamilies[font.name] !== font) document._fontFamilies[font.id] = font;
  return font;
}

/**
 * pdfkit's EmbeddedFont class, which pdfkit does not export: taken from a font it opens once, a
 * one-glyph subset of the shared font (a few hundred bytes, not the 15 MB file).
 */
function embeddedFontClass(font: fontkit.Font): EmbeddedFontClass {
  if (embeddedFont) return embeddedFont;
  const PDFKit = require('pdfkit') as new (options: object) => { font(src: Buffer): { _font: EmbeddedFont } };
  const subset = font.createSubset();
  subset.includeGlyph(font.getGlyph(0));
  const tiny = Buffer.from(subset.encode());
  embeddedFont = new PDFKit({ autoFirstPage: false }).font(tiny)._font.constructor as EmbeddedFontClass;
  return embeddedFont;
}

// ---- each glyph with the characters it was laid out for (fontkit 2.0.4) ----

/**
 * fontkit keeps one glyph object per glyph id, with the characters of the text that first asked
 * for it (getGlyph(id, codePoints)); pdfkit writes those characters into the PDF's ToUnicode map
 * (what copying or extracting the text gives). With a font parsed per document that mattered
 * within one document only; shared, one project's 培 + U+FE00 (a variation selector) made every
 * 培 of every later PDF copy as 培︀, and a soft hyphen every "-" of their dates. So a glyph asked
 * for with other characters than its cached object's comes as a view of that object with its own.
 */
const ownCodePointFonts = new WeakSet<object>();

function ownCodePoints(font: fontkit.Font): void {
  if (ownCodePointFonts.has(font)) return;
  ownCodePointFonts.add(font);
  type Glyph = { codePoints: number[] } | null;
  const withCache = font as unknown as { getGlyph(id: number, codePoints?: number[]): Glyph };
  const getGlyph = withCache.getGlyph.bind(font);
  withCache.getGlyph = (id, codePoints = []) => {
    const glyph = getGlyph(id, codePoints);
    const same = !glyph || codePoints.length === 0 || (glyph.codePoints.length === codePoints.length && glyph.codePoints.every((c, i) => c === codePoints[i]));
    return same ? glyph : (Object.create(glyph, { codePoints: { value: codePoints, enumerable: true } }) as Glyph);
  };
}

// ---- one subset glyph for each text a glyph stands for (pdfkit 0.19.1) ----

/**
 * A font draws some characters with one glyph: 工 and the radical ⼯ (U+2F2F), a space and a
 * no-break space, 试 and 试 + a variation selector. pdfkit embeds each glyph once, and its ToUnicode
 * map says only the text that first asked for it: every 工 of a form that printed ⼯ first copied,
 * searched and read back as ⼯. So a glyph asked for with other characters than before in the same
 * document is embedded again under a subset id of its own (the same outline, a few hundred bytes),
 * which the ToUnicode map gives its own characters. Only where the subset takes its glyphs from the
 * cache below (TrueType outlines), which maps such an id back to the font's glyph.
 */
interface EmbeddedFontInternals extends EmbeddedFont {
  subset: TrueTypeSubset & { ownGlyphs?: Map<number, number> };
  layout(text: string, features?: unknown): { glyphs: Array<{ id: number; codePoints: number[] }>; positions: unknown[] };
  encode(text: string, features?: unknown): unknown;
}

function ownEntries(embedded: EmbeddedFont): void {
  const font = embedded as EmbeddedFontInternals;
  if (!cachedFonts.has(font.font)) return;
  // Per document: the characters each glyph was first embedded for, and the extra ids given out.
  const first = new Map<number, string>();
  const extra = new Map<string, number>();
  const real = (font.subset.ownGlyphs = new Map<number, number>());
  let next = font.font.numGlyphs;
  const layout = font.layout;
  const ownGlyphs = (text: string, features?: unknown) => {
    const run = layout.call(font, text, features);
    const glyphs = run.glyphs.map((glyph) => {
      const text = String.fromCodePoint(...glyph.codePoints);
      const seen = first.get(glyph.id);
      if (seen === undefined || glyph.codePoints.length === 0) {
        if (seen === undefined && glyph.codePoints.length > 0) first.set(glyph.id, text);
        return glyph;
      }
      if (seen === text) return glyph;
      const key = `${glyph.id}:${text}`;
      let id = extra.get(key);
      if (id === undefined) {
        extra.set(key, (id = next++));
        real.set(id, glyph.id);
      }
      return Object.create(glyph, { id: { value: id, enumerable: true } }) as typeof glyph;
    });
    return { ...run, glyphs };
  };
  // pdfkit's encode lays the text out (from the shared cache) and embeds each glyph: given these.
  const encode = font.encode;
  font.encode = function (text, features) {
    font.layout = ownGlyphs;
    try {
      return encode.call(font, text, features);
    } finally {
      font.layout = layout;
    }
  };
}

// ---- glyphs copied into subsets, from a cache kept with the font (fontkit 2.0.4) ----

/** What TTFSubset copies of a glyph: its bytes in the glyf table, its components, its metrics. */
interface CopiedGlyph {
  bytes: Uint8Array;
  /** A composite glyph's components and where their glyph ids sit in `bytes`. */
  components?: Array<{ glyphID: number; pos: number }>;
  advance: number;
  bearing: number;
}

/** What this file touches of fontkit's TTFSubset. */
interface TrueTypeSubset {
  font: TrueTypeFont;
  glyf: Uint8Array[];
  loca: { offsets: number[] };
  hmtx: { metrics: Array<{ advance: number; bearing: number }> };
  offset: number;
  includeGlyph(glyph: number): number;
  _addGlyph(gid: number): number;
}
interface TrueTypeFont {
  directory: { tables: Record<string, unknown> };
  loca?: { offsets: number[] };
  _variationProcessor?: unknown;
  createSubset(): TrueTypeSubset;
  getGlyph(gid: number): { advanceWidth: number; _getMetrics(): { leftBearing: number }; _decode(): { numberOfContours: number; components?: Array<{ glyphID: number; pos: number }> } | null };
  _getTableStream(tag: string): { pos: number; readBuffer(length: number): Uint8Array };
}

/** Glyphs copied so far, per font: counted by tests. */
export const GLYPH_COPIES = { decoded: 0, fromCache: 0 };

const cachedFonts = new WeakSet<object>();

function cacheGlyphs(shared: fontkit.Font): void {
  const font = shared as unknown as TrueTypeFont;
  // TrueType outlines only (a CFF font's subset works differently), and no variations (their glyphs are re-encoded).
  if (cachedFonts.has(font) || font.directory.tables['CFF '] || !font.loca || font._variationProcessor) return;
  cachedFonts.add(font);
  const copied = new Map<number, CopiedGlyph>();
  const createSubset = font.createSubset.bind(font);
  font.createSubset = () => {
    const subset = createSubset();
    subset._addGlyph = function (this: TrueTypeSubset & { ownGlyphs?: Map<number, number> }, id: number) {
      // A glyph embedded again for other characters (ownEntries) is the font's glyph it stands for.
      const gid = this.ownGlyphs?.get(id) ?? id;
      let glyph = copied.get(gid);
      if (glyph) GLYPH_COPIES.fromCache++;
      else {
        GLYPH_COPIES.decoded++;
        copied.set(gid, (glyph = copyGlyph(font, gid)));
      }
      let bytes = glyph.bytes;
      if (glyph.components) {
        // A composite glyph names its components by glyph id: their ids in this subset.
        bytes = new Uint8Array(bytes);
        const view = new DataView(bytes.buffer);
        for (const component of glyph.components) view.setUint16(component.pos, this.includeGlyph(component.glyphID));
      }
      this.glyf.push(bytes);
      this.loca.offsets.push(this.offset);
      this.hmtx.metrics.push({ advance: glyph.advance, bearing: glyph.bearing });
      this.offset += bytes.length;
      return this.glyf.length - 1;
    };
    return subset;
  };
}

/** TTFSubset._addGlyph's reading of one glyph (fontkit 2.0.4). */
function copyGlyph(font: TrueTypeFont, gid: number): CopiedGlyph {
  const glyph = font.getGlyph(gid);
  const glyf = glyph._decode();
  const offsets = font.loca!.offsets;
  const stream = font._getTableStream('glyf');
  stream.pos += offsets[gid]!;
  const bytes = Uint8Array.from(stream.readBuffer(offsets[gid + 1]! - offsets[gid]!));
  const components = glyf && glyf.numberOfContours < 0 ? glyf.components!.map(({ glyphID, pos }) => ({ glyphID, pos })) : undefined;
  return { bytes, components, advance: glyph.advanceWidth, bearing: glyph._getMetrics().leftBearing };
}
