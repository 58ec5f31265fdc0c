// How wide and how high the fonts set text: layout's TextMeasure (layout/text.ts), from the fonts
// loadFonts parsed once per process (render/fonts.ts). A word's advance is fontkit's shaping of it
// (kerning included), in font units, scaled to the size; kept per face, since a form's labels and
// its Chinese characters come again in every form.
//
// A line is drawn by pdfkit, which shapes it a space-separated piece at a time, and shaping depends
// on context: in Noto Serif SC the digits after a Latin letter (nw12344, PM2.5) are other, wider
// glyphs than the same digits alone, so words measured one by one added up to 26 pt less than a
// line of a URL drew (hostile test, issue 18). So a line with anything but Chinese characters and
// punctuation is measured as pdfkit draws it, by pdfkit itself (`widthOfString`, public API, in a
// document kept for measuring). A line of Chinese only is its characters' advances added up: those
// are shaped alike anywhere (the seed's 192 lines of 30 characters: no difference).
import PDFDocument from 'pdfkit';
import type { Face, TextMeasure } from '../layout/text.js';
import type { LoadedFonts } from './fonts.js';
import { embedParsedFont } from './pdfkit-adapter.js';

/** Words whose advances are kept, per face: enough for every character and label a batch prints. */
const KEPT_WORDS = 50_000;

const measures = new WeakMap<LoadedFonts, TextMeasure>();

export function textMeasure(fonts: LoadedFonts): TextMeasure {
  let measure = measures.get(fonts);
  if (measure) return measure;
  const faces = {
    regular: faceMeasure(fonts.faces.regular.font),
    bold: faceMeasure(fonts.faces.bold.font),
  };
  const lines = lineMeasurer(fonts);
  measure = {
    width: (text, face, size) => faces[face].advance(text) * size,
    lineWidth: (text, face, size) => {
      if (!CHINESE_ONLY.test(text)) return lines(text, face) * size;
      let advance = 0;
      for (const ch of text) advance += faces[face].advance(ch);
      return advance * size;
    },
    extent: (face) => faces[face].extent,
  };
  measures.set(fonts, measure);
  return measure;
}

interface ShapingFont {
  unitsPerEm: number;
  ascent: number;
  descent: number;
  layout(text: string): { advanceWidth: number };
}

function faceMeasure(font: ShapingFont) {
  const em = font.unitsPerEm;
  const advances = new Map<string, number>();
  return {
    extent: { ascent: font.ascent / em, descent: -font.descent / em },
    /** Advance of `text` in ems. */
    advance(text: string): number {
      let advance = advances.get(text);
      if (advance === undefined) {
        advance = font.layout(text).advanceWidth / em;
        if (advances.size >= KEPT_WORDS) advances.delete(advances.keys().next().value!);
        advances.set(text, advance);
      }
      return advance;
    },
  } satisfies { extent: ReturnType<TextMeasure['extent']>; advance(text: string): number };
}

/** Chinese characters (with Extension A and compatibility ideographs), CJK punctuation, full-width forms. */
const CHINESE_ONLY = /^[\u2E80-\u2FDF\u3000-\u303F\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\uFE30-\uFE4F\uFF01-\uFF60\uFFE0-\uFFE6]*$/u;

/** Lines measured as pdfkit draws them, in ems, in a document kept for measuring (its shaped pieces are bounded: pdfkit-adapter.ts). */
function lineMeasurer(fonts: LoadedFonts): (text: string, face: Face) => number {
  let doc: PDFKit.PDFDocument | undefined;
  const widths = new Map<string, number>();
  return (text, face) => {
    const key = `${face}|${text}`;
    let width = widths.get(key);
    if (width !== undefined) return width;
    if (!doc) {
      doc = new PDFDocument({ autoFirstPage: false, font: null as unknown as string });
      embedParsedFont(doc, 'regular', fonts.faces.regular.font);
      embedParsedFont(doc, 'bold', fonts.faces.bold.font);
    }
    width = doc.font(face).fontSize(1).widthOfString(text);
    if (widths.size >= KEPT_WORDS) widths.delete(widths.keys().next().value!);
    widths.set(key, width);
    return width;
  };
}

export type { Face };
