// Which glyph an embedded font program draws for a code, and how big: what a viewer does with it.
//  - A CID-keyed CFF program (FontFile3 /CIDFontType0C) maps a code (its CID, under Identity-H)
//    to a glyph through its charset (PDF 32000-1 §9.7.4.2); the code is not the glyph's index.
//  - A glyph is drawn at its outline's size over the font's units per em (TrueType: head), or
//    through the FontMatrix (CFF: the top DICT's and the glyph's Font DICT's): an outline that
//    matches the face's but at another scale prints at another size.
import type * as FontkitModule from 'fontkit';

/** fontkit's reading of a 'CFF ' table: the parts a viewer uses to find and scale a glyph. */
interface CffTable {
  isCIDFont: boolean;
  fdForGlyph(glyph: number): number | null;
  topDict: {
    FontMatrix?: number[];
    FDArray?: Array<{ FontMatrix?: number[] }> | null;
    FDSelect?: unknown;
    charset?: { version?: number; glyphs?: number[]; ranges?: Array<{ first: number; nLeft: number; offset: number }> } | unknown[];
  };
}

const cffOf = (font: FontkitModule.Font): CffTable | undefined => (font as unknown as { 'CFF '?: CffTable | null })['CFF '] ?? undefined;

const glyphsByCid = new WeakMap<CffTable, Map<number, number>>();

/** CID → glyph index, from a CID-keyed CFF's charset (glyph 0 is CID 0; glyph i + 1 the charset's i-th). */
function cidGlyphs(cff: CffTable): Map<number, number> {
  let map = glyphsByCid.get(cff);
  if (map) return map;
  map = new Map([[0, 0]]);
  const charset = cff.topDict.charset;
  // A predefined charset (an array of glyph names) names no CIDs: every code draws .notdef.
  if (charset && !Array.isArray(charset)) {
    if (charset.version === 0) charset.glyphs?.forEach((cid, i) => map!.set(cid, i + 1));
    else for (const { first, nLeft, offset } of charset.ranges ?? []) for (let k = 0; k <= nLeft; k++) map.set(first + k, offset + 1 + k);
  }
  glyphsByCid.set(cff, map);
  return map;
}

/** The glyph `program` draws for `code` (a CID, or a glyph index under CIDToGIDMap /Identity): a missing CID draws .notdef (0). */
export function glyphOfCode(program: FontkitModule.Font, code: number): number {
  const cff = cffOf(program);
  if (!cff?.isCIDFont) return code;
  return cidGlyphs(cff).get(code) ?? 0;
}

/** The FontMatrix a CFF DICT has when it gives none (1000 units per em). */
const DEFAULT_MATRIX = [0.001, 0, 0, 0.001, 0, 0];

/** How `font` scales its glyph `glyph` to the text size: units per em, or the CFF FontMatrix (top, Font DICT). */
export function glyphScale(font: FontkitModule.Font, glyph: number): string {
  const cff = cffOf(font);
  if (!cff) return `${font.unitsPerEm}`;
  const { FontMatrix, FDArray, FDSelect } = cff.topDict;
  const fd = FDSelect && FDArray ? FDArray[cff.fdForGlyph(glyph) ?? -1] : undefined;
  // A face without Font DICTs (a name-keyed CFF) is embedded with one that has the default matrix.
  return JSON.stringify([FontMatrix ?? DEFAULT_MATRIX, fd?.FontMatrix ?? DEFAULT_MATRIX]);
}
