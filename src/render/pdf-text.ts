// Long cell text for pdfmake, in time linear in its length.
//
// pdfmake 0.3.11 lays out one text node in time quadratic in its number of words:
// LayoutBuilder.buildNextLine copies the remaining words (`_inlines.slice(1)`) for every word it
// places and shifts each off the front of that array; CJK text is one word per character. A
// 200,000-character goal did not finish in 5 minutes. So a long text is handed to pdfmake as a
// stack of short text nodes, cut only where pdfmake starts a new line anyway:
//   - at a '\n' (never right after an empty paragraph, never leaving an empty last piece: pdfmake
//     lays those out differently from the same text in one node);
//   - inside a long paragraph, at the line starts pdfmake's own line breaker finds for the cell's
//     width (its TextBreaker, TextInlines and buildNextLine, run here on a bounded window at a time).
// The result lays out exactly as the one node would: same lines, same page breaks (checked in
// test/long-text.test.ts). Where rows and pages break is still decided as before (layout/paginate.ts
// and renderPdf); this only feeds pdfmake. Relies on pdfmake 0.3.x internals (js/*.js).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * `maxNodeChars`: a text of at most this many characters is one pdfmake node, as before (every
 * seed form); longer ones are cut into pieces of about this size. Tests raise it to compare with
 * pdfmake laying out a whole text as one node.
 */
export const LONG_TEXT = { maxNodeChars: 600 };

/**
 * A line's leading spaces are printed, not hung outside its box as pdfmake does by default: a
 * Chinese paragraph begins with two 全角空格 (U+3000), and the print must show the indent (and a
 * reader of the print find it). Both this measuring and the document pdfmake draws set it.
 */
export const PRESERVE_LEADING_SPACES = true;

export interface TextMetrics {
  /** pdfmake's font family name, registered in its virtual file system. */
  family: string;
  /** The fonts registered under that name (measuring documents are kept per fonts object). */
  fonts: object;
  fontSize: number;
  lineHeight: number;
  /** Width available to the text inside the cell, in pt, exactly as pdfmake computes it. */
  width: number;
  /** Bold face of the family (headings). */
  bold?: boolean;
  /** Where the lines sit in their width (recorded on the inlines; breaking does not depend on it). */
  alignment?: 'left' | 'center' | 'right';
}

/** A pdfmake cell's text content: the text itself, or a stack of pieces of it. */
export type PdfText = { text: string } | { stack: Array<{ text: string }> };

export function pdfText(text: string, metrics: () => TextMetrics, maxChars = LONG_TEXT.maxNodeChars): PdfText {
  if (text.length <= maxChars) return { text };
  const pieces = textPieces(text, maxChars, (paragraph) => lineStarts(paragraph, metrics()));
  return pieces.length === 1 ? { text } : { stack: pieces.map((piece) => ({ text: piece })) };
}

/**
 * The lines pdfmake lays `text` out in, top to bottom, as `pdfText` hands it over (one node, or a
 * stack of pieces laid out one below the other): what the text adds to a cell's height, line by
 * line, so that layout can tell where a page would break it, and what render/pdf-pages.ts places.
 * Runs pdfmake's own inline builder and line breaker, on short nodes only, so the cost is linear in
 * the text's length. The lines are shared (a cache per fonts object: a form's labels are the same
 * in every form) and must not be changed; their inlines carry the measuring document's fonts.
 */
export function textLines(text: string, metrics: TextMetrics, maxChars = LONG_TEXT.maxNodeChars): readonly PdfLine[] {
  const { family, fontSize, lineHeight, bold = false, alignment = 'left', width } = metrics;
  const key = `${family}|${fontSize}|${lineHeight}|${bold}|${alignment}|${width}|${maxChars}|${text}`;
  let cache = lineCaches.get(metrics.fonts);
  if (!cache) lineCaches.set(metrics.fonts, (cache = new Map()));
  const cached = cache.get(key);
  if (cached) {
    // Most recently used last: the labels every form prints stay, a finished form's data goes.
    cache.delete(key);
    cache.set(key, cached);
    return cached;
  }
  const cut = pdfText(text, () => metrics, maxChars);
  const pieces = 'text' in cut ? [cut.text] : cut.stack.map((piece) => piece.text);
  const { buildInlines, nextLine } = pdfmakeInternals();
  const lines: PdfLine[] = [];
  for (const piece of pieces) {
    const inlines = buildInlines(piece, metrics);
    for (let line = nextLine(inlines, width); line; line = nextLine(inlines, width)) lines.push(line);
  }
  // Bounded (a text's lines take about 4 KB): a batch of varied data would otherwise keep every text it measured.
  if (cache.size >= LINE_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(key, lines);
  return lines;
}

/** Texts whose lines are kept: a few forms' worth (one form has about 200 texts). */
const LINE_CACHE_SIZE = 2_000;
const lineCaches = new WeakMap<object, Map<string, readonly PdfLine[]>>();

/** The heights of `textLines`. */
export function textLineHeights(text: string, metrics: TextMetrics, maxChars = LONG_TEXT.maxNodeChars): number[] {
  return textLines(text, metrics, maxChars).map((line) => line.getHeight());
}

/** The face of a measured line's inline: the measuring document's bold font, or its regular one. */
export function isBoldFont(fonts: TextMetrics['fonts'], family: string, font: object): boolean {
  return font === pdfmakeInternals().font(fonts, family, true);
}

/**
 * `text` cut into pieces of about `maxChars` characters whose concatenation, joined by '\n' where
 * a cut fell on one, is `text`. `starts(paragraph)` gives a long paragraph's line starts.
 */
export function textPieces(text: string, maxChars: number, starts: (paragraph: string) => number[]): string[] {
  const paragraphs = text.split('\n');
  const pieces: string[] = [];
  let current: string[] = [];
  let length = 0;
  const flush = () => {
    if (current.length > 0) pieces.push(current.join('\n'));
    current = [];
    length = 0;
  };
  paragraphs.forEach((paragraph, i) => {
    const last = i === paragraphs.length - 1;
    // A cut before this paragraph: the piece before must not end with an empty paragraph, and the
    // text must not end with an empty piece.
    const mayCut = current.length > 0 && current[current.length - 1] !== '' && !(last && paragraph === '');
    if (mayCut && length + paragraph.length > maxChars) flush();
    if (paragraph.length <= maxChars) {
      current.push(paragraph);
      length += paragraph.length + 1;
      return;
    }
    // A long paragraph: whole lines, at most maxChars at a time (at least one line each). The first
    // piece joins the paragraphs before it, the last one those after it.
    const ends = [...starts(paragraph).slice(1), paragraph.length];
    let from = 0;
    ends.forEach((end, k) => {
      const next = ends[k + 1];
      if (next !== undefined && next - from <= maxChars) return;
      const slice = paragraph.slice(from, end);
      from = end;
      if (next === undefined) {
        current.push(slice);
        length += slice.length + 1;
      } else {
        pieces.push([...current, slice].join('\n'));
        current = [];
        length = 0;
      }
    });
  });
  flush();
  return pieces;
}

// ---- pdfmake's line breaker, on a bounded window of a paragraph at a time ----

/** What this project reads of a pdfmake inline (a word, or one CJK character, as measured). */
export interface PdfInline {
  text: string;
  /** Left edge within its line. */
  x: number;
  width: number;
  /** The measuring document's pdfkit font. */
  font: object;
  fontSize: number;
  alignment?: string;
}
/** pdfmake's Line (pdfmake/js/Line.js). */
export interface PdfLine {
  inlines: PdfInline[];
  getHeight(): number;
  getAscenderHeight(): number;
  getWidth(): number;
}
interface PdfmakeInternals {
  buildInlines(text: string, metrics: TextMetrics): PdfInline[];
  nextLine(inlines: PdfInline[], width: number): PdfLine | null;
  /** The measuring document's font for a face. */
  font(fonts: object, family: string, bold: boolean): object;
}

interface MeasuringDocument {
  provideFont(family: string, bold: boolean, italics: boolean): object;
}

let internals: PdfmakeInternals | undefined;
function pdfmakeInternals(): PdfmakeInternals {
  if (internals) return internals;
  const pdfmake = require('pdfmake') as { virtualfs: unknown; fonts: Record<string, Record<string, string>> };
  const PDFDocument = (require('pdfmake/js/PDFDocument.js') as { default: new (...args: unknown[]) => unknown }).default;
  const TextInlines = (require('pdfmake/js/TextInlines.js') as {
    default: new (doc: unknown) => { buildInlines(text: string, styles: unknown): { items: PdfInline[] } };
  }).default;
  const StyleContextStack = (require('pdfmake/js/StyleContextStack.js') as {
    default: new (dictionary: object, defaults: object) => unknown;
  }).default;
  const LayoutBuilder = (require('pdfmake/js/LayoutBuilder.js') as {
    default: { prototype: { buildNextLine(this: unknown, node: { _inlines: PdfInline[] }): PdfLine | null } };
  }).default;
  // One measuring document per fonts object: parsing the font is the expensive part.
  const measurers = new WeakMap<object, { document: MeasuringDocument; inlines: InstanceType<typeof TextInlines> }>();
  const measurer = (fonts: object) => {
    let found = measurers.get(fonts);
    if (!found) {
      const document = new PDFDocument(pdfmake.fonts, {}, {}, {}, {}, pdfmake.virtualfs) as MeasuringDocument;
      found = { document, inlines: new TextInlines(document) };
      measurers.set(fonts, found);
    }
    return found;
  };
  internals = {
    buildInlines(text, { family, fonts, fontSize, lineHeight, bold = false, alignment = 'left' }) {
      return measurer(fonts).inlines.buildInlines(text, new StyleContextStack({}, { font: family, fontSize, lineHeight, bold, alignment, preserveLeadingSpaces: PRESERVE_LEADING_SPACES })).items;
    },
    font: (fonts, family, bold) => measurer(fonts).document.provideFont(family, bold, false),
    nextLine(inlines, width) {
      const layout = { writer: { context: () => ({ availableWidth: width }) } };
      return LayoutBuilder.prototype.buildNextLine.call(layout, { _inlines: inlines });
    },
  };
  return internals;
}

const WINDOW = 400;

/**
 * Where pdfmake starts each line of `paragraph` (no '\n') in a cell of the given metrics: offsets,
 * ascending, the first 0. Greedy line filling depends only on the text from a line's start on, so
 * a window of the paragraph gives its lines exactly, except the last two, which the window's end
 * may have cut: those are laid out again in the next window.
 */
export function lineStarts(paragraph: string, metrics: TextMetrics): number[] {
  const { buildInlines, nextLine } = pdfmakeInternals();
  const starts = [0];
  let from = 0;
  let window = WINDOW;
  while (paragraph.length - from > window) {
    const text = paragraph.slice(from, from + window);
    const inlines = buildInlines(text, metrics);
    if (inlines.map((inline) => inline.text).join('') !== text) return [0]; // not cut: one node
    const lengths: number[] = [];
    for (let line = nextLine(inlines, metrics.width); line; line = nextLine(inlines, metrics.width)) {
      lengths.push(line.inlines.reduce((sum, inline) => sum + inline.text.length, 0));
    }
    if (lengths.length < 3) {
      window *= 2; // very long lines: take more text
      continue;
    }
    for (const length of lengths.slice(0, -2)) starts.push((from += length));
    window = WINDOW;
  }
  return starts;
}
