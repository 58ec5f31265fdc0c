// Which glyph forms a face prints. A CJK collection (Noto Serif CJK, Source Han Serif) holds one
// face per region, all with the same characters: its Japanese, Korean and Traditional Chinese
// faces print 出、效、表、第 in their own region's forms, where a 申报表 wants the Simplified
// Chinese ones. The face's own 'locl' substitutions say which: fontkit shapes a character in the
// face's default forms (as pdfkit draws it), and again for script 'hani', language 'ZHS'
// (Simplified Chinese); where the glyphs differ, the face's defaults are not Simplified Chinese.
// A font without such substitutions (SimSun, Noto Serif SC) draws the same glyph both ways.
import type * as FontkitModule from 'fontkit';
import type { Diagnostic } from '../model/diagnostic.js';
import type { FontFace } from './fonts.js';

/** Characters named one by one in the warning. */
const NAMED = 8;

/** Each font's answer per character (a build asks for every data file). */
const answers = new WeakMap<FontkitModule.Font, Map<string, boolean>>();

/**
 * The Chinese characters of `text`, in order, that `font` prints by default in other forms than
 * its Simplified Chinese ones. Only Han characters: quotes and Latin letters shaped as 'hani'
 * take other (full-width) glyphs in any CJK font, and are not a region's forms.
 */
export function nonSimplifiedForms(font: FontkitModule.Font, text: string): string[] {
  let known = answers.get(font);
  if (!known) answers.set(font, (known = new Map()));
  const glyphs = (ch: string, language?: string) => font.layout(ch, undefined, language ? 'hani' : undefined, language).glyphs.map((g) => g.id).join(' ');
  return [...new Set(text)].filter((ch) => {
    if (!/\p{Script=Han}/u.test(ch)) return false;
    let differs = known.get(ch);
    if (differs === undefined) {
      try {
        differs = glyphs(ch) !== glyphs(ch, 'ZHS');
      } catch {
        differs = false; // a layout table fontkit cannot apply: the default glyphs are what prints
      }
      known.set(ch, differs);
    }
    return differs;
  });
}

/** What to say of a face printing `chars` in forms that are not Simplified Chinese (after its name). */
export function nonSimplifiedNote(chars: readonly string[]): string {
  const shown = `${chars.slice(0, NAMED).map((ch) => `「${ch}」`).join('')}${chars.length > NAMED ? ` 等 ${chars.length} 个字` : ''}`;
  return `默认印出的${shown}不是简体中文的字形（它是日文、韩文或繁体中文的字体），申报表上会印成那种写法；请换用简体中文的字体（字体集合中名字带 sc 或 SC 的那个）`;
}

/** A warning for each face (`file`, or `file#face`) that prints some of `text` in forms that are not Simplified Chinese. */
export function glyphFormWarnings(faces: { regular: FontFace; bold: FontFace }, text: string): Diagnostic[] {
  const seen = new Set<string>();
  return [faces.regular, faces.bold].flatMap((face) => {
    if (seen.has(face.file)) return [];
    seen.add(face.file);
    const chars = nonSimplifiedForms(face.font, text);
    return chars.length === 0 ? [] : [{ severity: 'warning' as const, code: 'font-not-simplified', path: [], message: `字体 ${face.file} ${nonSimplifiedNote(chars)}` }];
  });
}
