// Which font files to use: the default Noto Serif SC, or the office's own. Kept apart from
// fonts.ts (which parses them with fontkit) so that the command line can name the files without
// loading a font parser it may not need in its own thread.
import { fileURLToPath } from 'node:url';

/** fonts/ at the package's root: dist/render/ and src/render/ are both two levels below it. */
const FONT_DIR = fileURLToPath(new URL('../../fonts/', import.meta.url));

export interface FontFiles {
  /** Family name used inside the PDF. */
  family: string;
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

