// Glyph coverage: every character a grid will print, checked against the face that prints it,
// before anything is rendered. A character the font lacks would come out of the PDF as an empty
// box (.notdef), silently; here it becomes an error naming the field and the code point.
//
// Which face prints what (as render/pdf.ts draws the grid): <h1> titles in bold, everything else
// (year line, table cells) in regular. Line breaks and plain spaces print no glyph; nor does a
// variation selector (fontkit folds it into the character before it, or drops it). The text shenbao adds
// itself — the footer 第 X 页 共 Y 页 — is checked when the font is loaded (fonts.ts).
import type { DataPath, GridBlock, GridDocument } from '../layout/grid.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { FontFace, LoadedFonts } from './fonts.js';

export interface GlyphProblem {
  /** The data value that holds the character; absent for a template's own text (a label). */
  path?: DataPath;
  /** The character, e.g. '𠀀'. */
  char: string;
  /** Its code point as Unicode writes it: 'U+20000'. */
  codePoint: string;
  /** The face that lacks it (its own name, e.g. NotoSerifSC-Regular). */
  font: string;
  /** The text it appears in, when there is no path to name instead. */
  text?: string;
}

/**
 * The characters `document` prints that its fonts lack: one problem per character per field (or
 * per template text), in document order, however often it occurs.
 */
export function missingGlyphs(document: Pick<GridDocument, 'sections'>, fonts: Pick<LoadedFonts, 'faces'>): GlyphProblem[] {
  const problems: GlyphProblem[] = [];
  const seen = new Set<string>();
  const check = (text: string, face: FontFace, path: DataPath | undefined) => {
    for (const char of text) {
      const codePoint = char.codePointAt(0)!;
      if (printsNoGlyph(codePoint) || face.hasGlyph(codePoint)) continue;
      const key = `${face.name}\u0000${path ? JSON.stringify(path) : `text:${text}`}\u0000${char}`;
      if (seen.has(key)) continue;
      seen.add(key);
      problems.push({ ...(path ? { path } : { text }), char, codePoint: codePointName(codePoint), font: face.name });
    }
  };
  const { regular, bold } = fonts.faces;
  const block = (b: GridBlock) => {
    if (b.type === 'heading') check(b.text, b.level === 1 ? bold : regular, b.path);
    else for (const row of b.rows) for (const cell of row.cells) check(cell.text, regular, cell.path);
  };
  for (const section of document.sections) section.blocks.forEach(block);
  return problems;
}

/** The problems as diagnostics (errors, code 'glyph-missing'), at the path of the field. */
export function glyphDiagnostics(problems: readonly GlyphProblem[]): Diagnostic[] {
  return problems.map((p) => {
    const what = `「${p.char}」（${p.codePoint}）不在字体 ${p.font} 中，印出来会是空白方框`;
    return p.path
      ? { severity: 'error', path: p.path, message: what, hint: hintFor(p.char), code: 'glyph-missing' }
      : {
          severity: 'error',
          path: [],
          message: `模板文字「${p.text}」中的${what}`,
          hint: '请修改模板中的这段文字，或用 --font、--font-bold 换用含有这个字的字体',
          code: 'glyph-missing',
        };
  });
}

/** 'U+20000', 'U+E000' */
export const codePointName = (codePoint: number): string => `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;

/** A line break, a plain space or a variation selector: nothing to look for in a font. */
export const printsNoGlyph = (c: number): boolean => c === 0x0a || c === 0x20 || (c >= 0xfe00 && c <= 0xfe0f) || (c >= 0xe0100 && c <= 0xe01ef);

/** Where a rare character lives, as input methods and font makers name the blocks. */
const HAN_BLOCKS: ReadonlyArray<[number, number, string]> = [
  [0x3400, 0x4dbf, 'CJK 扩展 A 区'],
  [0x20000, 0x2a6df, 'CJK 扩展 B 区'],
  [0x2a700, 0x2b73f, 'CJK 扩展 C 区'],
  [0x2b740, 0x2b81f, 'CJK 扩展 D 区'],
  [0x2b820, 0x2ceaf, 'CJK 扩展 E 区'],
  [0x2ceb0, 0x2ebef, 'CJK 扩展 F 区'],
  [0x2ebf0, 0x2ee5f, 'CJK 扩展 I 区'],
  [0x30000, 0x3134f, 'CJK 扩展 G 区'],
  [0x31350, 0x323af, 'CJK 扩展 H 区'],
];

function hintFor(char: string): string {
  const c = char.codePointAt(0)!;
  if (/\p{Co}/u.test(char)) {
    return '这是私用区字符（造字程序或输入法自造的字），换了电脑或字体就显示不出来；请改用标准汉字，或用文字说明它的写法';
  }
  if (/\p{Extended_Pictographic}/u.test(char)) return '表格中不宜用表情符号，请删去或改用文字';
  if (/\p{Script=Han}/u.test(char)) {
    const block = HAN_BLOCKS.find(([from, to]) => c >= from && c <= to)?.[2];
    return `这是生僻字${block ? `（${block}）` : ''}：可用 --font、--font-bold 换用收有此字的中文字体，或按本单位惯例改写（如以同音字代替并加注）`;
  }
  return '可用 --font、--font-bold 换用含有这个字符的字体，或改用常见的写法';
}
