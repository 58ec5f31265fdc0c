// Characters of the symbol fonts (Symbol, Wingdings…) as the Unicode characters they show. Word's
// Insert → Symbol writes `w:sym w:font="Symbol" w:char="F0B3"`; LibreOffice and older Word write
// the private-use character U+F0B3 in a run whose font is Symbol. Either way the page shows ≥, and
// the text must read ≥. A symbol with no Unicode character here is not guessed: undefined.
import { Encodings } from '@pdf-lib/standard-fonts';

/** Fonts whose characters are pictures at Latin-1 (or F0xx private-use) codes, not letters. */
const SYMBOL_FONT = /^(symbol|wingdings(?: [23])?|webdings)$/i;

export const isSymbolFont = (font: string | undefined): boolean => font !== undefined && SYMBOL_FONT.test(font.trim());

/**
 * The Symbol font's encoding is Adobe's (the PDF standard font of the same name): pdf-lib's table
 * from Unicode to code, turned round. Where two characters share a code (Ω is U+03A9 and U+2126),
 * the Greek letter is taken; Adobe's private-use pieces (bracket and radical extenders) are left
 * unmapped, and its sans-serif ® © ™ read as the ordinary ones.
 */
const SYMBOL: Map<number, string> = (() => {
  const byCode = new Map<number, number>();
  const greek = (cp: number) => cp >= 0x370 && cp <= 0x3ff;
  const sans: Record<string, string> = { registersans: '®', copyrightsans: '©', trademarksans: '™' };
  const table = new Map<number, string>();
  for (const cp of Encodings.Symbol.supportedCodePoints) {
    const { code, name } = Encodings.Symbol.encodeUnicodeCodePoint(cp);
    if (sans[name]) {
      table.set(code, sans[name]!);
      continue;
    }
    if (cp >= 0xe000 && cp <= 0xf8ff) continue;
    const known = byCode.get(code);
    if (known === undefined || (greek(cp) && !greek(known)) || (greek(cp) === greek(known) && cp < known)) byCode.set(code, cp);
  }
  for (const [code, cp] of byCode) if (!table.has(code)) table.set(code, String.fromCodePoint(cp));
  return table;
})();

/**
 * Wingdings and Wingdings 2: the characters forms use (check boxes, bullets, arrows), as Unicode
 * maps them (Unicode's Wingdings mapping, L2/13-207). Anything else is refused, not guessed.
 */
const WINGDINGS: Record<string, Record<number, string>> = {
  wingdings: {
    0x28: '☎', 0x4a: '☺', 0x4c: '☹', 0x6c: '●', 0x6e: '■', 0x6f: '□', 0x71: '❑', 0x75: '◆', 0x76: '❖',
    0xa1: '○', 0xa7: '▪', 0xa8: '□', 0xab: '★', 0xd8: '➢', 0xe8: '➔',
    0xfb: '✗', 0xfc: '✓', 0xfd: '☒', 0xfe: '☑',
  },
  'wingdings 2': { 0x4f: '✗', 0x50: '✓', 0x52: '☑', 0x54: '☒', 0xa3: '□' },
};

/**
 * What the symbol font `font` shows at `code` (a Latin-1 code, or its F0xx private-use form), or
 * undefined when this table does not know it.
 */
export function symbolCharacter(font: string, code: number): string | undefined {
  const at = code >= 0xf000 && code <= 0xf0ff ? code - 0xf000 : code;
  if (at < 0x20 || at > 0xff) return undefined;
  const name = font.trim().toLowerCase();
  if (name === 'symbol') return SYMBOL.get(at);
  return WINGDINGS[name]?.[at];
}

/** A code as the user may look it up: F0B3. */
export const symbolCode = (code: number): string => code.toString(16).toUpperCase().padStart(4, '0');
