// How wide and how high the fonts set text: layout's TextMeasure (layout/text.ts), from the fonts
// loadFonts parsed once per process (render/fonts.ts), through fontkit's public API. A word's
// advance is what pdfkit draws for it: fontkit's shaping (kerning included), in font units,
// scaled to the size. Widths are kept per face: a form's labels and its Chinese characters come
// again in every form.
import type { Face, TextMeasure } from '../layout/text.js';
import type { LoadedFonts } from './fonts.js';

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
  measure = {
    width: (text, face, size) => faces[face].advance(text) * size,
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

export type { Face };
