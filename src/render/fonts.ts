// The CJK fonts. By default Noto Serif SC (OFL-1.1), a Song-style face, whose regular and bold
// files ship in fonts/, so `npm install` brings them and no system font is used.
// An office may name its own fonts instead (see fonts/README.md): TrueType or OpenType/CFF files
// (.ttf, .otf), or one face of a collection (.ttc, .otc) named after `#`: simsun.ttc#SimSun.
//
// Each font is read and checked once per process: a file that is no font, a collection without a
// face name or with one it lacks (the message lists its faces) are refused; so is a damaged one
// (cut short, a table outside the file, glyphs that cannot be read, composite glyphs that contain
// themselves), one that cannot print the form (no Chinese, no digits for the page footer), one
// whose sizes are absurd (unitsPerEm, a Chinese character many ems wide, a line dozens of ems
// high), and a variable CFF2 one, which the PDF writer cannot embed; each with one Chinese line
// naming the file, before any work. What passes is parsed (fontkit) for the glyph check
// (glyphs.ts): `hasGlyph` answers from the font's cmap, cached per code point.
import path from 'node:path';
import type * as FontkitModule from 'fontkit';
import { createRequire } from 'node:module';

// The CommonJS build of fontkit, the one pdfkit loads: one copy in memory, and the fonts parsed
// here are the same kind of object pdfkit makes (render/shared-fonts.ts hands them to it).
const fontkit = createRequire(import.meta.url)('fontkit') as typeof FontkitModule;

import { fsFailure, reading, UserError } from '../errors.js';
import { shownText } from '../model/text.js';
import { INPUT, readInput, readInputPrefix } from '../files.js';

export { chooseFonts, DEFAULT_FONTS, FONT_FILE, fontSource, type FontFiles } from './font-files.js';
import type { FontFiles } from './font-files.js';
import { DEFAULT_FONTS, fontSource } from './font-files.js';

/** How many times this process parsed a font file (fontkit.create): once per file is the goal. */
export const FONT_PARSES = { count: 0 };

/** One font file, parsed and checked. */
export interface FontFace {
  /** The file it was read from, with `#face` for a face of a collection (as FontFiles names it). */
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

export interface LoadedFile {
  data: Buffer;
  face: FontFace;
}

/**
 * Read and check the font files once per process (they are ~15 MB each), however many documents
 * follow. `bytes`: the file's bytes, already read (a worker of the form pool gets the build's).
 */
const cache = new Map<string, Promise<LoadedFile>>();
const readOnce = (name: string, bytes?: Buffer) => {
  let loaded = cache.get(name);
  if (!loaded) {
    loaded = (bytes ? Promise.resolve(bytes) : readFileOnce(fontSource(name).file)).then((data) => checkFontFile(name, data, bytes !== undefined));
    cache.set(name, loaded);
    loaded.catch(() => cache.delete(name));
  }
  return loaded;
};

/** The bytes of each file, read once: the regular and bold faces of one collection share them. */
const files = new Map<string, Promise<Buffer>>();
const readFileOnce = (file: string) => {
  let read = files.get(file);
  if (!read) {
    read = readShared(file).catch((error: NodeJS.ErrnoException) => {
      throw fsFailure(error, reading('字体文件'), file);
    });
    files.set(file, read);
    read.catch(() => files.delete(file));
  }
  return read;
};

/** The files' bytes in shared memory, for the form pool's workers: they parse them without a copy. */
export interface SharedFontBytes {
  regular: SharedArrayBuffer;
  bold: SharedArrayBuffer;
}

/** `shared`: the bytes of `files` as another thread read and checked them (sharedFontBytes of its loadFonts). */
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
 * each reading its own copy of 30 MB of fonts. Only a regular file (a FIFO would wait for ever)
 * of at most MAX_FONT_BYTES (a 3 GB file aborted Node), refused in one line naming the file.
 */
const readShared = async (file: string): Promise<Buffer> => {
  // Known by its first four bytes before the whole is read: a file that is no font (150 MB of
  // zeros, under the cap) is refused without holding it in memory.
  checkFontTag(file, await readInputPrefix(file, INPUT.font, 4));
  return readInput(file, INPUT.font, { shared: true });
};

/**
 * A variable font with CFF2 outlines: pdfkit embeds CFF outlines (FontFile3, CIDFontType0C, what
 * an .otf or the Noto CJK .ttc hold) but has no writer for CFF2. Refused, saying what works.
 */
const cff2Outlines = (file: string) =>
  new UserError(`字体文件 ${file} 是 CFF2 轮廓的可变 OpenType 字体，shenbao 不能把它嵌入 PDF：请换用 TrueType 字体（.ttf、.ttc）或 CFF 轮廓的 OpenType 字体（.otf、.otc）`);

/** A font by its first four bytes: TrueType, OpenType/CFF ('OTTO') or a collection ('ttcf'); anything else is refused. */
export function checkFontTag(file: string, data: Buffer): void {
  const tag = data.subarray(0, 4);
  const known = tag.equals(Buffer.from([0, 1, 0, 0])) || ['true', 'OTTO', 'ttcf'].includes(tag.toString('latin1'));
  if (!known) throw new UserError(`字体文件 ${file} 不是 TrueType/OpenType 字体文件，请换用 TrueType 字体文件（.ttf）`);
}

/**
 * Check the face `file` names (a font file, or `file#face` in a collection) in the file's bytes.
 * `checked`: the bytes come from the thread that loaded and checked them (a worker of the form
 * pool), which walked the composite glyphs already (20–30 ms a face).
 */
export function checkFontFile(file: string, data: Buffer, checked = false): LoadedFile {
  checkFontTag(fontSource(file).file, data);
  const face = parseFace(file, data, checked);
  const missing = [...new Set(REQUIRED_TEXT)].filter((ch) => !face.hasGlyph(ch.codePointAt(0)!));
  if (missing.length > 0) {
    const noChinese = REQUIRED_HAN.every((ch) => missing.includes(ch));
    const shown = missing.slice(0, 6).map((ch) => `「${ch}」`).join('');
    const list = missing.length > 6 ? `${shown}等 ${missing.length} 个字` : shown;
    throw new UserError(
      `字体文件 ${file} ${noChinese ? '不含中文字形' : '缺少印表必需的字形'}（缺${list}），不能用来印申报表；请换用含简体中文的 TrueType 字体`,
    );
  }
  // A Chinese character is one em wide in every Chinese font. Glyphs drawn for another unitsPerEm
  // than the head table says (16 for a font drawn at 1000 gave a 924-page blank PDF) are not.
  const { font } = face;
  for (const ch of REQUIRED_HAN) {
    const ems = font.glyphForCodePoint(ch.codePointAt(0)!).advanceWidth / font.unitsPerEm;
    if (!(ems >= HAN_WIDTH_EMS.min && ems <= HAN_WIDTH_EMS.max)) {
      throw new UserError(
        `字体文件 ${file} 中「${ch}」的字宽是字号的 ${Number(ems.toPrecision(3))} 倍（汉字的字宽约等于字号）：字形的大小与字体头（head 表）说的不符，印出来会错乱；请换用别的 TrueType 字体`,
      );
    }
  }
  // After the widths: a wrong unitsPerEm throws every size off, and the message above says so.
  const metrics = verticalMetricsProblem(font);
  if (metrics) throw new UserError(`字体文件 ${file} ${metrics}：字体文件已损坏或被改过，请换用别的 TrueType 字体`);
  return { data, face };
}

/** How wide a Chinese character may be, in ems: 1 in every Chinese font; half and double are far outside any real one. */
const HAN_WIDTH_EMS = { min: 0.5, max: 2 };

/**
 * unitsPerEm a face may have. The OpenType spec allows 16 to 16384; real fonts use 1000 (CFF
 * heritage), 2048 (TrueType) and 256 (SimSun, SimHei: from their bitmaps). Below 64 a Chinese
 * character's strokes cannot be placed on the grid at all, so such a value is a damaged or forged
 * head table, not a design.
 */
export const UNITS_PER_EM = { min: 64, max: 16384 };

/**
 * The vertical metrics the layout uses, in ems. A line is (ascender − descender) × size × the page's
 * line height (pdfmake, through pdfkit's lineHeight without the gap), and the baseline sits the
 * ascender below the line's top: both from fontkit's font.ascent and font.descent, which are the
 * hhea table's (OS/2's typo and win metrics and hhea.lineGap are not used, so they are not checked).
 * Real Chinese fonts: Noto Serif SC (measured; it is Source Han Serif) 1.151 and −0.286, and, as
 * recalled rather than measured here, Source Han Sans about 1.16 and −0.29, Microsoft YaHei about
 * 1.06 and −0.26, SimSun and SimHei (256 units) about 0.86 and −0.14: 1.0 to 1.45 ems a line. An ascender of
 * 32767 (hhea's largest) made every line 33 ems high: forms of 34 to 84 blank pages, exit 0. The
 * bounds are far outside any real font; below 0.8 ems between them the lines print over each other.
 */
export const VERTICAL_METRICS_EMS = { ascender: { min: 0, max: 2 }, descender: { min: -2, max: 0 }, minHeight: 0.8 };

/** What is wrong with a face's vertical metrics (hhea), or undefined. */
function verticalMetricsProblem(font: FontkitModule.Font): string | undefined {
  const { ascent, descent, unitsPerEm } = font;
  const ems = (value: number) => Number((value / unitsPerEm).toPrecision(3));
  const { ascender, descender, minHeight } = VERTICAL_METRICS_EMS;
  const outside = (name: string, what: string, value: number, range: { min: number; max: number }, usual: string) =>
    `的 hhea 表中${what}（${name}）是 ${value}，即字号的 ${ems(value)} 倍，不在 ${range.min} 到 ${range.max} 倍之间（中文字体约为 ${usual} 倍），排出来的行高会全错`;
  if (!(ascent >= ascender.min * unitsPerEm && ascent <= ascender.max * unitsPerEm)) return outside('ascender', '字顶高度', ascent, ascender, '0.86 到 1.16');
  if (!(descent >= descender.min * unitsPerEm && descent <= descender.max * unitsPerEm)) return outside('descender', '字底深度', descent, descender, '−0.29 到 −0.14');
  if (ascent - descent < minHeight * unitsPerEm) {
    return `的 hhea 表中字顶高度（ascender ${ascent}）到字底深度（descender ${descent}）只有字号的 ${ems(ascent - descent)} 倍，不到 ${minHeight} 倍（中文字体约为 1 到 1.44 倍），印出来各行会叠在一起`;
  }
  return undefined;
}

/**
 * How deep composite glyphs may nest. The OpenType spec sets no limit; real fonts nest one to three
 * levels (maxp.maxComponentDepth; Noto Serif SC has no composite glyph at all). fontkit resolves
 * components recursively, so a glyph that contains itself or a chain thousands deep would overflow
 * the stack or, embedded, print nothing; 16 is far above any real font.
 */
export const MAX_COMPONENT_DEPTH = 16;

/**
 * Why the composite glyphs of a TrueType 'glyf' table cannot be drawn, or undefined: a component
 * outside the font, a glyph that contains itself (directly or through others), nesting deeper than
 * MAX_COMPONENT_DEPTH, or a glyph's data outside the table. Read from the bytes as the OpenType spec
 * lays them out ('loca', 'glyf'), for every glyph, since layout (GSUB) may use glyphs that no
 * character maps to: about 20 ms for the 30,920 glyphs of Noto Serif SC.
 */
function compositeProblem(data: Buffer, tables: TableDirectory['tables']): string | undefined {
  const { head, maxp, loca, glyf } = tables;
  if (!head || !maxp || !loca || !glyf) return undefined;
  if (head.length < 54 || maxp.length < 6) return `${head.length < 54 ? 'head' : 'maxp'} 表太短`;
  const numGlyphs = data.readUInt16BE(maxp.offset + 4);
  const long = data.readInt16BE(head.offset + 50) !== 0;
  if ((numGlyphs + 1) * (long ? 4 : 2) > loca.length) return 'loca 表比字形数短';
  const offset = (id: number) => (long ? data.readUInt32BE(loca.offset + 4 * id) : 2 * data.readUInt16BE(loca.offset + 2 * id));
  const outside = (id: number) => `字形 ${id} 的数据超出了 glyf 表`;
  // fontkit reads a glyph wherever loca says: in another table, or past the file's end.
  const misplaced = (entry: number) => (offset(entry) > glyf.length ? `字形 ${Math.min(entry, numGlyphs - 1)} 的位置超出了 glyf 表` : undefined);

  /** A glyph's components (glyph ids), [] for a simple or empty glyph; a string says what is wrong. */
  const componentsOf = (id: number): number[] | string => {
    const wrong = misplaced(id) ?? misplaced(id + 1);
    if (wrong) return wrong;
    const [start, end] = [offset(id), offset(id + 1)];
    if (end - start < 10 || data.readInt16BE(glyf.offset + start) >= 0) return [];
    const parts: number[] = [];
    let at = start + 10;
    for (let flags = MORE_COMPONENTS; flags & MORE_COMPONENTS; ) {
      if (at + 4 > end) return outside(id);
      flags = data.readUInt16BE(glyf.offset + at);
      parts.push(data.readUInt16BE(glyf.offset + at + 2));
      // The arguments (two words or two bytes), then a scale, an x and y scale, or a 2×2 matrix.
      at += 4 + (flags & ARG_1_AND_2_ARE_WORDS ? 4 : 2) + (flags & WE_HAVE_A_SCALE ? 2 : flags & WE_HAVE_AN_X_AND_Y_SCALE ? 4 : flags & WE_HAVE_A_TWO_BY_TWO ? 8 : 0);
    }
    return at > end ? outside(id) : parts;
  };

  // Depth of each glyph's nesting once known; ON_PATH while its components are being visited.
  const ON_PATH = -2;
  const depth = new Int8Array(numGlyphs).fill(-1);
  const path: number[] = [];
  const visit = (id: number): number | string => {
    if (depth[id]! >= 0) return depth[id]!;
    if (depth[id] === ON_PATH) {
      const circle = path.slice(path.indexOf(id));
      return circle.length === 1 ? `组合字形 ${id} 包含它自己` : `组合字形 ${circle.join('、')} 互相包含，成了一个圈`;
    }
    const parts = componentsOf(id);
    if (typeof parts === 'string') return parts;
    if (parts.length === 0) return (depth[id] = 0);
    if (path.length >= MAX_COMPONENT_DEPTH) return `组合字形 ${path[0]} 嵌套超过 ${MAX_COMPONENT_DEPTH} 层`;
    depth[id] = ON_PATH;
    path.push(id);
    let deepest = 0;
    for (const part of parts) {
      if (part >= numGlyphs) return `组合字形 ${id} 用到了不存在的字形 ${part}（这个字体只有 ${numGlyphs} 个字形）`;
      const found = visit(part);
      if (typeof found === 'string') return found;
      deepest = Math.max(deepest, found + 1);
    }
    path.pop();
    // Below a glyph already walked, the path is short: its depth counts.
    if (deepest > MAX_COMPONENT_DEPTH) return `组合字形 ${id} 嵌套超过 ${MAX_COMPONENT_DEPTH} 层`;
    return (depth[id] = deepest);
  };
  // Most glyphs are simple: only composite ones (a negative contour count) are followed.
  const first = misplaced(0);
  if (first) return first;
  for (let id = 0, end = offset(0); id < numGlyphs; id++) {
    const start = end;
    end = offset(id + 1);
    if (end > glyf.length) return misplaced(id + 1);
    if (end - start < 10 || data.readInt16BE(glyf.offset + start) >= 0) continue;
    const found = visit(id);
    if (typeof found === 'string') return found;
  }
  return undefined;
}

// Composite glyph flags (OpenType 'glyf': Composite Glyph Description).
const ARG_1_AND_2_ARE_WORDS = 0x0001;
const WE_HAVE_A_SCALE = 0x0008;
const MORE_COMPONENTS = 0x0020;
const WE_HAVE_AN_X_AND_Y_SCALE = 0x0040;
const WE_HAVE_A_TWO_BY_TWO = 0x0080;

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
function parseFace(file: string, data: Buffer, compositesChecked = false): FontFace {
  const damaged = (detail: string) =>
    new UserError(`字体文件 ${file} 已损坏或不完整（${detail}），请重新复制或下载这个字体文件`);
  let font: FontkitModule.Font;
  try {
    FONT_PARSES.count++;
    const parsed = fontkit.create(data);
    const faces = 'fonts' in parsed ? parsed.fonts : [parsed];
    // Every face, not only the one named: a collection cut short has faces without names to list.
    // The file is damaged, whichever face was named.
    for (const face of faces) {
      const outside = tablesOutside(face, data.length);
      if (outside) throw new UserError(`字体文件 ${fontSource(file).file} 已损坏或不完整（${outside}），请重新复制或下载这个字体文件`);
    }
    font = chooseFace(fontSource(file), faces);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw damaged('无法读取文件头');
  }

  const { tables } = (font as unknown as { directory: TableDirectory }).directory;
  if (tables.CFF2) throw cff2Outlines(file);
  // pdfkit writes the PostScript name into every PDF as a name object, unescaped: "A>>endobj(" in a
  // forged name table broke the PDF's structure. The OpenType spec allows printable ASCII without
  // [](){}<>/% (name ID 6); "#" would start an escape in a PDF name, so it is refused as well.
  const postscriptName = font.postscriptName;
  if (postscriptName && !/^[!-~]+$/.test(postscriptName.replace(/[[\](){}<>/%#]/g, '\n'))) {
    throw new UserError(
      `字体文件 ${file} 的 PostScript 名称「${shownText(postscriptName)}」含有不允许的字符（只能用英文字母、数字和 - _ . 等符号，不能有空白和 [](){}<>/%#），嵌入 PDF 会弄坏文件：字体文件已损坏或被改过，请换用别的 TrueType 字体`,
    );
  }
  const absent = [...REQUIRED_TABLES, ...(tables['CFF '] ? [] : ['glyf', 'loca'])].filter((tag) => !tables[tag]);
  if (absent.length > 0) throw damaged(`缺少 ${absent.join('、')} 表`);
  const { unitsPerEm } = font;
  if (!(unitsPerEm >= UNITS_PER_EM.min && unitsPerEm <= UNITS_PER_EM.max)) {
    throw new UserError(
      `字体文件 ${file} 的 unitsPerEm（每个字号分成的设计单位数）是 ${unitsPerEm}，不在 ${UNITS_PER_EM.min} 到 ${UNITS_PER_EM.max} 之间（常见的是 1000 或 2048），印出来大小会全错：字体文件已损坏或被改过，请换用别的 TrueType 字体`,
    );
  }
  const composite = compositesChecked ? undefined : compositeProblem(data, tables);
  if (composite) throw damaged(composite);

  const known = new Map<number, boolean>();
  const hasGlyph = (codePoint: number): boolean => {
    let has = known.get(codePoint);
    if (has === undefined) {
      has = mapsToGlyph(font, codePoint);
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
  // Shown in messages: a family name is free text, and may hold what a terminal would obey.
  return { file, name: postscriptName || shownText(font.familyName ?? '') || path.basename(file), font, hasGlyph };
}

/** Whether the font maps the code point to a glyph of its own: a forged cmap can name one past the last glyph, which fontkit then reads from whatever lies there. */
export const mapsToGlyph = (font: FontkitModule.Font, codePoint: number): boolean =>
  font.hasGlyphForCodePoint(codePoint) && font.glyphForCodePoint(codePoint).id < font.numGlyphs;

/**
 * Why a face's tables are not all inside a file `length` bytes long (a file, or a collection,
 * copied only in part: fontkit then reads its directory as nothing or as garbage), or undefined.
 */
export function tablesOutside(font: FontkitModule.Font, length: number): string | undefined {
  const tables = Object.values((font as unknown as { directory: TableDirectory }).directory.tables);
  if (tables.length === 0) return '字体目录是空的，文件可能只复制了一部分';
  // Written so that a number read past the end (NaN) counts as outside.
  const outside = tables.find((table) => !(table.offset + table.length <= length));
  return outside ? `${String(outside.tag).trim()} 表超出了文件末尾，文件可能只复制了一部分` : undefined;
}

/**
 * The face `source` names among a file's faces, by PostScript name (as fontkit.create(buffer, name)
 * and pdfkit pick a collection's face). A collection without a face name is refused rather than
 * its first face taken: Noto Serif CJK's first face is the Japanese one, whose 骨、直 differ from
 * the Chinese forms. A single font needs no name; a wrong one is refused all the same.
 */
function chooseFace(source: { file: string; face?: string }, faces: FontkitModule.Font[]): FontkitModule.Font {
  const { file, face } = source;
  const names = faces.map((f) => shownText(String(f.postscriptName ?? '')));
  if (faces.length === 0) throw new UserError(`字体文件 ${file} 已损坏或不完整（字体集合中没有字体），请重新复制或下载这个字体文件`);
  const list = names.join('、');
  const named = face === undefined ? [] : faces.filter((f) => f.postscriptName === face);
  // pdfkit, too, picks a collection's face by name: two faces of one name cannot be told apart.
  if (named.length > 1) {
    const which = faces.flatMap((f, i) => (f.postscriptName === face ? [`第 ${i + 1} 个`] : [])).join('、');
    throw new UserError(`字体文件 ${file} 中有 ${named.length} 个字体都名为「${shownText(face!)}」（${which}），无法确定用哪一个；它含有 ${faces.length} 个字体：${list}；请换用字体名不重复的字体文件`);
  }
  const found = face === undefined ? (faces.length === 1 ? faces[0] : undefined) : named[0];
  if (found) return found;
  const how = `在文件名后加 # 和其中一个字体名，如 --font ${file}#${names[0]}`;
  throw new UserError(
    face === undefined
      ? `字体文件 ${file} 是字体集合，含 ${faces.length} 个字体：${list}；请${how}`
      : `字体文件 ${file} 中没有名为「${shownText(face)}」的字体，它含有 ${faces.length} 个字体：${list}；请${how}`,
  );
}
