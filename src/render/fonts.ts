// The CJK fonts. By default Noto Serif SC (OFL-1.1), a Song-style face, from the npm package
// @expo-google-fonts/noto-serif-sc, so `npm install` brings it and no system font is used.
// An office may name its own TrueType files instead (see fonts/README.md).
//
// Each file is read and checked once per process: a collection (.ttc) or a file that is no font
// is refused; so is a damaged one (cut short, a table outside the file, glyphs that cannot be
// read) and one that cannot print the form (no Chinese, no digits for the page footer), each with
// one Chinese line naming the file. What passes is parsed (fontkit) for the glyph check
// (glyphs.ts): `hasGlyph` answers from the font's cmap, cached per code point.
import { open } from 'node:fs/promises';
import path from 'node:path';
import type * as FontkitModule from 'fontkit';
import { createRequire } from 'node:module';

// The CommonJS build of fontkit, the one pdfkit loads: one copy in memory, and the fonts parsed
// here are the same kind of object pdfkit makes (render/shared-fonts.ts hands them to it).
const fontkit = createRequire(import.meta.url)('fontkit') as typeof FontkitModule;

import { fsFailure, UserError } from '../errors.js';

export { chooseFonts, DEFAULT_FONTS, type FontFiles } from './font-files.js';
import type { FontFiles } from './font-files.js';
import { DEFAULT_FONTS } from './font-files.js';

/** How many times this process parsed a font file (fontkit.create): once per file is the goal. */
export const FONT_PARSES = { count: 0 };

/** One font file, parsed and checked. */
export interface FontFace {
  /** The file it was read from. */
  file: string;
  /** As the font names itself (PostScript name, e.g. NotoSerifSC-Regular), else the file's name. */
  name: string;
  /** The parsed font, shared: parse it again nowhere else. */
  font: FontkitModule.Font;
  /** Whether the font maps this code point to a glyph of its own (not .notdef); cached. */
  hasGlyph(codePoint: number): boolean;
}

export interface LoadedFonts {
  family: string;
  regular: Buffer;
  bold: Buffer;
  /** The same files parsed: body text and labels print in `regular`, <h1> titles in `bold`. */
  faces: { regular: FontFace; bold: FontFace };
}

/**
 * What shenbao prints itself, so every face must have it: a form title's characters (a font
 * without them has no Chinese at all) and the page footer 第 X 页 共 Y 页 with its digits.
 */
export const REQUIRED_TEXT = '财政项目支出绩效目标申报表第页共0123456789';

const REQUIRED_HAN = [...REQUIRED_TEXT].filter((ch) => /\p{Script=Han}/u.test(ch));

interface LoadedFile {
  data: Buffer;
  face: FontFace;
}

/**
 * Read and check the font files once per process (they are ~15 MB each), however many documents
 * follow. `bytes`: the file's bytes, already read (a worker of the form pool gets the build's).
 */
const cache = new Map<string, Promise<LoadedFile>>();
const readOnce = (file: string, bytes?: Buffer) => {
  let loaded = cache.get(file);
  if (!loaded) {
    loaded = (bytes ? Promise.resolve(bytes) : readShared(file)).then(
      (data) => checkFontFile(file, data),
      (error: NodeJS.ErrnoException) => {
        throw fsFailure(error, '读取字体文件', file);
      },
    );
    cache.set(file, loaded);
    loaded.catch(() => cache.delete(file));
  }
  return loaded;
};

/** The files' bytes in shared memory, for the form pool's workers: they parse them without a copy. */
export interface SharedFontBytes {
  regular: SharedArrayBuffer;
  bold: SharedArrayBuffer;
}

/** `shared`: the bytes of `files` as another thread read them (sharedFontBytes). */
export async function loadFonts(files: FontFiles = DEFAULT_FONTS, shared?: SharedFontBytes): Promise<LoadedFonts> {
  const [regular, bold] = await Promise.all([
    readOnce(files.regular, shared && Buffer.from(shared.regular)),
    readOnce(files.bold, shared && Buffer.from(shared.bold)),
  ]);
  return { family: files.family, regular: regular.data, bold: bold.data, faces: { regular: regular.face, bold: bold.face } };
}

/** The loaded fonts' bytes, to hand to a worker (they are read into shared memory). */
export function sharedFontBytes(fonts: Pick<LoadedFonts, 'regular' | 'bold'>): SharedFontBytes | undefined {
  const whole = (data: Buffer) => (data.buffer instanceof SharedArrayBuffer && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data.buffer : undefined);
  const [regular, bold] = [whole(fonts.regular), whole(fonts.bold)];
  return regular && bold ? { regular, bold } : undefined;
}

/**
 * A file read into shared memory: the form pool's workers then parse these bytes rather than
 * each reading its own copy of 30 MB of fonts.
 */
async function readShared(file: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const data = Buffer.from(new SharedArrayBuffer(size));
    let read = 0;
    for (let bytesRead = -1; read < size && bytesRead !== 0; read += bytesRead) {
      ({ bytesRead } = await handle.read(data, read, size - read, read));
    }
    return read === size ? data : data.subarray(0, read);
  } finally {
    await handle.close();
  }
}

/** TrueType or OpenType, by the first four bytes; collections (.ttc) and other files are refused. */
function checkFontFile(file: string, data: Buffer): LoadedFile {
  const tag = data.subarray(0, 4);
  const known = tag.equals(Buffer.from([0, 1, 0, 0])) || ['true', 'OTTO'].includes(tag.toString('latin1'));
  if (!known) {
    const hint = tag.toString('latin1') === 'ttcf' ? '是字体集合（.ttc），请换用单个字体的 .ttf 文件' : '不是 TrueType/OpenType 字体文件，请换用 .ttf 或 .otf 字体文件';
    throw new UserError(`字体文件 ${file} ${hint}`);
  }
  const face = parseFace(file, data);
  const missing = [...new Set(REQUIRED_TEXT)].filter((ch) => !face.hasGlyph(ch.codePointAt(0)!));
  if (missing.length > 0) {
    const noChinese = REQUIRED_HAN.every((ch) => missing.includes(ch));
    const shown = missing.slice(0, 6).map((ch) => `「${ch}」`).join('');
    const list = missing.length > 6 ? `${shown}等 ${missing.length} 个字` : shown;
    throw new UserError(
      `字体文件 ${file} ${noChinese ? '不含中文字形' : '缺少印表必需的字形'}（缺${list}），不能用来印申报表；请换用含简体中文的 TrueType 字体`,
    );
  }
  return { data, face };
}

/** The tables every face needs, besides its outlines (glyf + loca, or CFF). */
// pdfkit reads post (isFixedPitch, italicAngle) and name when it embeds a face.
const REQUIRED_TABLES = ['cmap', 'head', 'hhea', 'hmtx', 'maxp', 'post', 'name'];

interface TableDirectory {
  tables: Record<string, { tag: string; offset: number; length: number }>;
}

/**
 * Parse with fontkit and make sure it can be read through: every table inside the file (a file
 * cut short loses its last tables), the tables a renderer needs present, and a glyph's outline
 * readable (fontkit reads tables lazily and would otherwise fail in the middle of rendering).
 */
function parseFace(file: string, data: Buffer): FontFace {
  const damaged = (detail: string) =>
    new UserError(`字体文件 ${file} 已损坏或不完整（${detail}），请重新复制或下载这个字体文件`);
  let font: FontkitModule.Font;
  try {
    FONT_PARSES.count++;
    const parsed = fontkit.create(data);
    if ('fonts' in parsed) throw new UserError(`字体文件 ${file} 是字体集合（.ttc），请换用单个字体的 .ttf 文件`);
    font = parsed;
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw damaged('无法读取文件头');
  }

  const { tables } = (font as unknown as { directory: TableDirectory }).directory;
  for (const table of Object.values(tables)) {
    if (table.offset + table.length > data.length) throw damaged(`${table.tag.trim()} 表超出了文件末尾，文件可能只复制了一部分`);
  }
  const outlines = tables.glyf && tables.loca ? [] : tables['CFF '] || tables.CFF2 ? [] : ['glyf', 'loca'];
  const absent = [...REQUIRED_TABLES.filter((tag) => !tables[tag]), ...outlines];
  if (absent.length > 0) throw damaged(`缺少 ${absent.join('、')} 表`);

  const known = new Map<number, boolean>();
  const hasGlyph = (codePoint: number): boolean => {
    let has = known.get(codePoint);
    if (has === undefined) {
      has = font.hasGlyphForCodePoint(codePoint);
      known.set(codePoint, has);
    }
    return has;
  };
  try {
    // The cmap, a sample glyph and the last one: their outlines and advance widths.
    hasGlyph(REQUIRED_TEXT.codePointAt(0)!);
    for (const glyph of [font.glyphForCodePoint(REQUIRED_TEXT.codePointAt(0)!), font.getGlyph(font.numGlyphs - 1)]) {
      void glyph.path.commands.length;
      void glyph.advanceWidth;
    }
  } catch {
    throw damaged('字形数据无法读取');
  }
  return { file, name: font.postscriptName || font.familyName || path.basename(file), font, hasGlyph };
}
