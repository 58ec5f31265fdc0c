// Which font files to use: the default Noto Serif SC, or the office's own. Kept apart from
// fonts.ts (which parses them with fontkit) so that the command line can name the files without
// loading a font parser it may not need in its own thread.
import { fileURLToPath } from 'node:url';

/** fonts/ at the package's root: dist/render/ and src/render/ are both two levels below it. */
const FONT_DIR = fileURLToPath(new URL('../../fonts/', import.meta.url));

export interface FontFiles {
  /** Family name used inside the PDF. */
  family: string;
  /** A font file, or a face in a collection as `file#face` (see fontSource). */
  regular: string;
  bold: string;
}

export const DEFAULT_FONTS: FontFiles = {
  family: 'NotoSerifSC',
  regular: `${FONT_DIR}NotoSerifSC-Regular.ttf`,
  bold: `${FONT_DIR}NotoSerifSC-Bold.ttf`,
};

/**
 * The office's own fonts in place of the default: `bold` falls back to `regular` (titles then use
 * the same face), and either falls back to Noto Serif SC.
 */
export function chooseFonts(regular?: string, bold?: string): FontFiles {
  if (!regular && !bold) return DEFAULT_FONTS;
  return {
    family: 'OfficeFont',
    regular: regular ?? DEFAULT_FONTS.regular,
    bold: bold ?? regular ?? DEFAULT_FONTS.bold,
  };
}


/** Font files by what their names end in: TrueType and OpenType, single faces and collections. */
export const FONT_FILE = /\.(ttf|otf|ttc|otc)$/i;

/**
 * A font as the office names it: `simsun.ttc#SimSun` is the face whose PostScript name is SimSun
 * in the collection simsun.ttc. Only a name ending in a font file's extension before the last `#`
 * splits, and only where the name after it is no path (holds no / or \), so a folder or file
 * with `#` in its name (C:\字体#2\song.ttf, fonts/x.ttc#1/song.ttf) stays a file.
 */
export function fontSource(name: string): { file: string; face?: string } {
  const at = name.lastIndexOf('#');
  const face = name.slice(at + 1);
  return at > 0 && FONT_FILE.test(name.slice(0, at)) && !/[/\\]/.test(face) ? { file: name.slice(0, at), face } : { file: name };
}
