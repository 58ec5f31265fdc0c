// `shenbao fonts <file|folder>`: the faces an office's font files hold (a collection such as
// Windows' simsun.ttc holds several), each with the name to give --font, whether shenbao can print
// with it (the same check as a build: fonts.ts), and which of the form's characters — and, given a
// data file, the data's — it lacks. Here, above render/, since it reads the templates (layout/)
// as well as the fonts, as output/printable.ts does for a build.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import type * as FontkitModule from 'fontkit';
import { fsStep, reading, UserError } from '../errors.js';
import { INPUT, readInput } from '../files.js';
import { DEFAULT_TEMPLATE_DIR } from '../layout/templates.js';
import { shownText } from '../model/text.js';
import { DataFileError, parseDataText, readDataFile } from '../validate/source.js';
import { FONT_FILE } from '../render/font-files.js';
import { checkFontFile, checkFontTag, mapsToGlyph, REQUIRED_TEXT, tablesOutside } from '../render/fonts.js';
import { nonSimplifiedForms } from '../render/glyph-forms.js';

export { nonSimplifiedNote } from '../render/glyph-forms.js';
import { printsNoGlyph } from '../render/glyphs.js';

const fontkit = createRequire(import.meta.url)('fontkit') as typeof FontkitModule;

/** One face of a font file. */
export interface FontFaceReport {
  file: string;
  /** What to give --font or --font-bold: the file, or `file#PostScriptName` for a face of a collection. */
  name: string;
  postscriptName: string;
  /** The family and style as the font names them, in Chinese where it has a Chinese name (宋体, 常规). */
  family: string;
  style: string;
  outlines: 'TrueType' | 'CFF' | 'CFF2';
  /** Why shenbao would refuse it (the message a build prints), or undefined when it prints with it. */
  refused?: string;
  /** The form's characters it lacks, in order. */
  formMissing: string[];
  /** The form's Chinese characters it prints, by default, in forms that are not Simplified Chinese (render/glyph-forms.ts). */
  nonSimplified: string[];
  /** The data's characters it lacks, in order (with a data file). */
  dataMissing?: string[];
}

export interface FontFacesReport {
  faces: FontFaceReport[];
  /** Files in a folder that could not be read as fonts, one line each. */
  unreadable: string[];
  /** How many different characters the form and the data print (what was checked). */
  formCharacters: number;
  dataCharacters?: number;
}

/**
 * The faces of `target` (a font file, or a folder's .ttf/.otf/.ttc/.otc files, not its subfolders).
 * `data`: a data file whose characters each face is checked for; `templateDir`: the templates.
 */
export async function fontFaces(target: string, options: { data?: string; templateDir?: string } = {}): Promise<FontFacesReport> {
  const form = [...new Set([...REQUIRED_TEXT, ...(await templateCharacters(options.templateDir ?? DEFAULT_TEMPLATE_DIR))])];
  const data = options.data === undefined ? undefined : await dataCharacters(options.data);
  const folder = (await fsStep(reading('字体文件'), target, () => stat(target))).isDirectory();
  const files = folder
    ? (await fsStep(reading('字体目录'), target, () => readdir(target))).filter((name) => FONT_FILE.test(name)).sort().map((name) => path.join(target, name))
    : [target];
  const faces: FontFaceReport[] = [];
  const unreadable: string[] = [];
  for (const file of files) {
    try {
      faces.push(...(await facesOf(file, form, data)));
    } catch (error) {
      // One bad file in a folder is named, and the others are listed; a file asked for by name is refused.
      if (!folder || !(error instanceof UserError)) throw error;
      unreadable.push(error.message);
    }
  }
  return { faces, unreadable, formCharacters: form.length, ...(data && { dataCharacters: data.length }) };
}

async function facesOf(file: string, form: string[], data: string[] | undefined): Promise<FontFaceReport[]> {
  const bytes = await readInput(file, INPUT.font);
  checkFontTag(file, bytes);
  let parsed: FontkitModule.Font | FontkitModule.FontCollection;
  let fonts: FontkitModule.Font[];
  try {
    parsed = fontkit.create(bytes);
    fonts = 'fonts' in parsed ? parsed.fonts : [parsed];
  } catch {
    throw new UserError(`字体文件 ${file} 已损坏或不完整（无法读取文件头），请重新复制或下载这个字体文件`);
  }
  // A file cut short (a collection copied in part) has faces without names: the file is named as damaged.
  for (const font of fonts) {
    const outside = tablesOutside(font, bytes.length);
    if (outside) throw new UserError(`字体文件 ${file} 已损坏或不完整（${outside}），请重新复制或下载这个字体文件`);
  }
  const collection = 'fonts' in parsed;
  return fonts.map((font) => {
    const postscriptName = shownText(String(font.postscriptName ?? ''));
    const name = collection ? `${file}#${postscriptName}` : file;
    let refused: string | undefined;
    try {
      checkFontFile(name, bytes);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      refused = error.message;
    }
    const lacks = (chars: string[]) => {
      try {
        return chars.filter((ch) => !mapsToGlyph(font, ch.codePointAt(0)!));
      } catch {
        return chars; // a cmap that cannot be read maps nothing
      }
    };
    const named = (key: string, english: string | undefined) => {
      const [zh, en] = [shownText(font.getName(key, 'zh') ?? ''), shownText(english ?? '')];
      return zh && zh !== en ? `${zh}（${en}）` : en;
    };
    const tables = (font as unknown as { directory: { tables: Record<string, unknown> } }).directory.tables;
    return {
      file,
      name,
      postscriptName,
      family: named('fontFamily', font.familyName),
      style: named('fontSubfamily', font.subfamilyName),
      outlines: tables.CFF2 ? 'CFF2' : tables['CFF '] ? 'CFF' : 'TrueType',
      ...(refused !== undefined && { refused }),
      formMissing: lacks(form),
      nonSimplified: refused === undefined ? nonSimplifiedForms(font, form.join('')) : [],
      ...(data && { dataMissing: lacks(data) }),
    };
  });
}

/**
 * The characters the templates print themselves: their text outside Handlebars' {{…}} (comments
 * included) and the markup's <…>, as written (the bundled ones: templates/*.hbs and partials).
 */
async function templateCharacters(dir: string): Promise<string[]> {
  const names = async (folder: string) => (await readdir(folder).catch(() => [] as string[])).filter((f) => f.endsWith('.hbs')).map((f) => path.join(folder, f));
  const files = [...(await names(dir)), ...(await names(path.join(dir, 'partials')))];
  const texts = await Promise.all(files.map(async (file) => (await readInput(file, INPUT.template)).toString('utf8')));
  return printed(texts.join('').replace(/\{\{!--[\s\S]*?--\}\}|\{\{[\s\S]*?\}\}|<[^>]*>/g, ''));
}

/** Every character of the data's values (keys are not printed; nor is `$schema`), and of its numbers. */
async function dataCharacters(file: string): Promise<string[]> {
  let value: unknown;
  try {
    value = parseDataText((await readDataFile(file)).text).value;
  } catch (error) {
    if (error instanceof DataFileError) throw new UserError(`${file}：${error.message}`);
    throw error;
  }
  let text = '';
  const walk = (v: unknown): void => {
    if (typeof v === 'string' || typeof v === 'number') text += String(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') for (const [key, inner] of Object.entries(v)) if (!key.startsWith('$')) walk(inner);
  };
  walk(value);
  return printed(text);
}

/** The distinct characters of `text` that print a glyph, in order. */
const printed = (text: string) => [...new Set(text)].filter((ch) => !printsNoGlyph(ch.codePointAt(0)!) && !/\s|\p{Cc}/u.test(ch));
