// A laid-out line's text drawn as one PDF text object per run, not one per character.
//
// pdfmake's Renderer.renderLine draws every inline with its own pdfkit text() call, and pdfmake
// makes every CJK character an inline: each character became about 100 bytes of content stream
// (q, cm, BT, Tm, Tf, TJ, ET, Q, and a colour, an opacity and an empty `f` fill), half of the
// time of drawing a form and the larger part of what deflate compresses. Here the inlines of a line
// that share font, size, colour and opacity are written as one TJ array, with the same glyphs, in
// the same order (so the font subsets and ToUnicode maps are unchanged), each inline starting
// where pdfmake placed it: a TJ adjustment carries the pen from the end of one inline to the x of
// the next. test/pdf-lines.test.ts reads the content streams back and checks that every glyph
// lands where pdfmake's per-inline drawing puts it, and every rule is drawn the same.
//
// The arithmetic is pdfkit 0.19.1's _fragment (text.js) for `lineBreak: false`, `align: 'left'`,
// no spacing: baseline `page.height − y − ascender/1000·size`, pen advancing by each glyph's
// xAdvance, and pdfkit's kerning adjustments (xAdvance − advanceWidth) kept. A line with anything
// else (links, decorations, backgrounds, sup/sub, character spacing, font features, glyph
// offsets, page references) is drawn by pdfmake's own renderLine, as is every line when
// `TEXT_RUNS.enabled` is off (the tests' reference).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Off: pdfmake draws every inline itself (the reference the tests compare with). */
export const TEXT_RUNS = { enabled: true };

// What this file reads of pdfkit's document and fonts (pdfkit 0.19.1, through pdfmake's PDFDocument).
interface GlyphPosition {
  xAdvance: number;
  advanceWidth: number;
  xOffset: number;
  yOffset: number;
}
interface EmbeddedFont {
  id: string;
  ascender: number;
  encode(text: string, features?: unknown): [string[], GlyphPosition[]];
  ref(): unknown;
}
interface PdfkitDocument {
  page: { height: number; fonts: Record<string, unknown> };
  outline: { addItem(title: string, options: { expanded?: boolean }): unknown };
  _font: EmbeddedFont;
  opacity(opacity: number): PdfkitDocument;
  fillColor(color: unknown): PdfkitDocument;
  fontSize(size: number): PdfkitDocument;
  resolveColor(color: unknown, fallback: string): unknown;
  save(): PdfkitDocument;
  restore(): PdfkitDocument;
  transform(m11: number, m12: number, m21: number, m22: number, dx: number, dy: number): PdfkitDocument;
  addContent(data: string): PdfkitDocument;
}
/** A pdfmake inline as the Renderer receives it (pdfmake/js/TextInlines.js, Line.js). */
interface RenderedInline {
  text: string;
  x: number;
  font: EmbeddedFont;
  fontSize: number;
  color?: unknown;
  opacity?: number;
  [property: string]: unknown;
}
interface RenderedLine {
  inlines: RenderedInline[];
  getHeight(): number;
  getAscenderHeight(): number;
  _outline?: { text: string; parentId?: string; id?: string; expanded?: boolean };
  [property: string]: unknown;
}
interface Renderer {
  pdfDocument: PdfkitDocument;
  outlineMap: Record<string, { addItem(title: string, options: { expanded?: boolean }): unknown }>;
}
type RenderLine = (this: Renderer, line: RenderedLine, x: number, y: number) => void;

/** What makes pdfmake's renderLine do more than place text: such a line is left to it. */
const LINE_EXTRAS = ['_pageNodeRef', 'id'] as const;
const INLINE_EXTRAS = [
  '_pageNodeRef',
  'link',
  'linkToDestination',
  'linkToPage',
  'fontFeatures',
  'sup',
  'sub',
  'characterSpacing',
  'decoration',
  'background',
] as const;

const Renderer = (require('pdfmake/js/Renderer.js') as { default: { prototype: { renderLine: RenderLine } } }).default;
const pdfmakeRenderLine = Renderer.prototype.renderLine;
// Every pdfmake document of this process draws its lines here: the pages laid out here
// (render/pdf.ts pdfWriter) and those pdfmake lays out itself, so both ways still give the same bytes.
Renderer.prototype.renderLine = function renderLine(line, x, y) {
  if (!TEXT_RUNS.enabled || !drawRuns(this, line, x ?? 0, y ?? 0)) pdfmakeRenderLine.call(this, line, x, y);
};

/** A run of a line's inlines in one font, size, colour and opacity, encoded. */
interface Run {
  font: EmbeddedFont;
  fontSize: number;
  color: unknown;
  opacity: number;
  inlines: Array<{ x: number; glyphs: string[]; positions: GlyphPosition[] }>;
}

/** Draws the line as runs; false (nothing drawn) if pdfmake's renderLine must draw it. */
function drawRuns(renderer: Renderer, line: RenderedLine, x: number, y: number): boolean {
  // As pdfmake tests them: by truth (pdfmake sets the absent ones to null, false or 0).
  if (LINE_EXTRAS.some((key) => line[key])) return false;
  if (line.inlines.some((inline) => INLINE_EXTRAS.some((key) => inline[key]))) return false;
  const doc = renderer.pdfDocument;

  // Encoded in pdfmake's order (one encode per inline), so the subset's glyph ids are its own.
  const runs: Run[] = [];
  for (const inline of line.inlines) {
    const text = `${inline.text}`.replace(/\n/g, '');
    if (text.length === 0) continue; // pdfkit draws nothing for it either
    const [glyphs, positions] = inline.font.encode(text);
    if (positions.some((p) => p.xOffset || p.yOffset)) return false;
    const color = doc.resolveColor(inline.color, 'black');
    const opacity = typeof inline.opacity === 'number' ? inline.opacity : 1;
    const last = runs[runs.length - 1];
    const run =
      last && last.font === inline.font && last.fontSize === inline.fontSize && last.color === color && last.opacity === opacity
        ? last
        : runs[runs.push({ font: inline.font, fontSize: inline.fontSize, color, opacity, inlines: [] }) - 1]!;
    run.inlines.push({ x: x + inline.x, glyphs, positions });
  }

  // The bookmark, as pdfmake's renderLine adds it.
  if (line._outline) {
    const { text, parentId, id, expanded } = line._outline;
    const parent = (parentId && renderer.outlineMap[parentId]) || doc.outline;
    const outline = parent.addItem(text, { expanded });
    if (id) renderer.outlineMap[id] = outline as Renderer['outlineMap'][string];
  }

  const lineHeight = line.getHeight();
  const descent = lineHeight - line.getAscenderHeight();
  for (const run of runs) drawRun(doc, run, y, lineHeight, descent);
  return true;
}

function drawRun(doc: PdfkitDocument, run: Run, y: number, lineHeight: number, descent: number): void {
  const { font, fontSize } = run;
  // pdfmake: opacity, then the colour (its fill() also writes an `f` with no path, left out here).
  doc.opacity(run.opacity);
  doc.fillColor(run.color);
  doc._font = font;
  doc.fontSize(fontSize);
  // pdfmake's renderLine: the y it gives pdfkit's text().
  const shiftToBaseline = lineHeight - (font.ascender / 1000) * fontSize - descent;
  const top = y + shiftToBaseline;
  // pdfkit's _fragment, default baseline.
  const dy = (font.ascender / 1000) * fontSize;
  doc.save();
  doc.transform(1, 0, 0, -1, 0, doc.page.height);
  const baseline = doc.page.height - top - dy;
  if (doc.page.fonts[font.id] == null) doc.page.fonts[font.id] = font.ref();
  const first = run.inlines[0]!;
  doc.addContent('BT');
  doc.addContent(`1 0 0 1 ${number(first.x)} ${number(baseline)} Tm`);
  doc.addContent(`/${font.id} ${number(fontSize)} Tf`);

  const scale = fontSize / 1000;
  const commands: string[] = [];
  let hex: string[] = [];
  /** Where pdfkit's pen would be: the start of this inline plus the advances drawn so far. */
  let pen = first.x;
  run.inlines.forEach((inline, i) => {
    pen = inline.x;
    inline.positions.forEach((position, g) => {
      hex.push(inline.glyphs[g]!);
      pen += position.xAdvance * scale;
      // In text space thousandths, what moves the pen after this glyph beyond its width: pdfkit's
      // kerning adjustment, and after an inline's last glyph, the way on to the next inline's x.
      let shift = position.xAdvance - position.advanceWidth;
      const next = g === inline.positions.length - 1 ? run.inlines[i + 1] : undefined;
      if (next) shift += ((next.x - pen) * 1000) / fontSize;
      const written = number(-shift);
      if (written !== 0 || (g === inline.positions.length - 1 && i === run.inlines.length - 1)) {
        commands.push(`<${hex.join('')}> ${written}`);
        hex = [];
      }
    });
  });
  doc.addContent(`[${commands.join(' ')}] TJ`);
  doc.addContent('ET');
  doc.restore();
}

/** pdfkit's number format (PDFObject.number): at most six decimals. */
function number(n: number): number {
  if (n > -1e21 && n < 1e21) return Math.round(n * 1e6) / 1e6;
  throw new Error(`unsupported number: ${n}`);
}
