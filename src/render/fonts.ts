// The CJK fonts. By default Noto Serif SC (OFL-1.1), a Song-style face, from the npm package
// @expo-google-fonts/noto-serif-sc, so `npm install` brings it and no system font is used.
// An office may name its own TrueType files instead (see fonts/README.md).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { UserError } from '../errors.js';

export interface FontFiles {
  /** Family name used inside the PDF. */
  family: string;
  regular: string;
  bold: string;
}

const require = createRequire(import.meta.url);

export const DEFAULT_FONTS: FontFiles = {
  family: 'NotoSerifSC',
  regular: require.resolve('@expo-google-fonts/noto-serif-sc/400Regular/NotoSerifSC_400Regular.ttf'),
  bold: require.resolve('@expo-google-fonts/noto-serif-sc/700Bold/NotoSerifSC_700Bold.ttf'),
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

export interface LoadedFonts {
  family: string;
  regular: Buffer;
  bold: Buffer;
}

/** Read the font files once per process (they are ~15 MB each), however many documents follow. */
const cache = new Map<string, Promise<Buffer>>();
const readOnce = (file: string) => {
  let buffer = cache.get(file);
  if (!buffer) {
    buffer = readFile(file).then(
      (data) => checkFontFile(file, data),
      (error: NodeJS.ErrnoException) => {
        throw new UserError(`无法读取字体文件 ${file}：${error.code ?? error.message}`);
      },
    );
    cache.set(file, buffer);
    buffer.catch(() => cache.delete(file));
  }
  return buffer;
};

export async function loadFonts(files: FontFiles = DEFAULT_FONTS): Promise<LoadedFonts> {
  const [regular, bold] = await Promise.all([readOnce(files.regular), readOnce(files.bold)]);
  return { family: files.family, regular, bold };
}

/** TrueType or OpenType, by the first four bytes; collections (.ttc) and other files are refused. */
function checkFontFile(file: string, data: Buffer): Buffer {
  const tag = data.subarray(0, 4);
  const known = tag.equals(Buffer.from([0, 1, 0, 0])) || ['true', 'OTTO'].includes(tag.toString('latin1'));
  if (known) return data;
  const hint = tag.toString('latin1') === 'ttcf' ? '是字体集合（.ttc），请换用单个字体的 .ttf 文件' : '不是 TrueType/OpenType 字体文件';
  throw new UserError(`字体文件 ${file} ${hint}`);
}
