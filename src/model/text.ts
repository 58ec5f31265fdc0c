// Text fields of a data file: one zod builder gives every text field the same three checks, and
// each becomes part of the JSON Schema too (maxLength, pattern), so an editor flags what the CLI
// flags:
//   1. a maximum length (limits below; beyond it the field is refused, not laid out for minutes);
//   2. not blank: whitespace only (spaces, U+3000 全角空格, line breaks) is an error;
//   3. no invisible characters: C0/C1 control characters, the soft hyphen and the zero-width /
//      direction / BOM characters and fillers that come along when text is copied from a web page or
//      Word, and U+FFFD, which marks a character lost in a conversion of encodings. They print as
//      nothing or as an empty box, and make two equal-looking names differ; the direction ones can
//      make a file name read backwards (01-培训费<U+2066>fdp.exe shown as 01-培训费exe.pdf).
// Command-line options that shenbao writes into a file (or names a file with) get the same class
// and, besides, whatever XML 1.0 cannot hold: `unwritableCharacter` below.
// Lengths are counted as JavaScript counts them (UTF-16 code units): a character outside the BMP
// (CJK Extension B such as 𠀀) counts twice in zod but once in a JSON Schema editor; at these
// limits the difference does not matter.
import { z } from 'zod';

/** 项目总目标 / 年度总体目标: long free text. A 200,000-character goal is accepted and renders. */
export const GOAL_MAX_LENGTH = 200_000;
/** 汇总表标题, 单位, 项目名称, 项目类别, 主管部门, 实施单位, 一级/二级指标. Real ones are under 60. */
export const NAME_MAX_LENGTH = 200;
/** 三级指标 and 年度(/项目)指标值: sometimes a short sentence. Real ones are under 40. */
export const INDICATOR_TEXT_MAX_LENGTH = 500;

// Invisible characters refused in text. Decisions:
// - "\n" is a line break: goals keep them and print them.
// - "\r\n" (Windows line end, e.g. from an Excel or Word export) is accepted and normalised to
//   "\n" below: it means a line break, and refusing it would only make people edit invisibly.
//   A lone "\r" is refused: no current editor writes one, so it marks a damaged text.
// - "\t" is refused: a form cell cannot show a tab stop, and a tab in a field is almost always a
//   cell boundary pasted from a spreadsheet (two values run together).
// - Every bidirectional control is refused: the marks U+200E/U+200F and U+061C (ARABIC LETTER
//   MARK), the embeddings and overrides U+202A–U+202E, and the isolates U+2066–U+2069 (Unicode 6.3),
//   which reorder a file name as a file manager shows it just as U+202E does. The whole block
//   U+2060–U+206F is invisible: word joiner and invisible operators (U+2060–U+2064), the
//   unassigned U+2065, the isolates, and the deprecated format controls U+206A–U+206F.
// - U+FFFE and U+FFFF are not characters at all (noncharacters) and XML 1.0 cannot hold them: a
//   Word file with one is unreadable.
// - Fillers that print as nothing yet are no space, so a name with one looks like the name without:
//   the Hangul fillers U+115F, U+1160, U+3164 and U+FFA0, the Mongolian vowel separator U+180E
//   (a format character since Unicode 6.3), the combining grapheme joiner U+034F and the tag
//   characters U+E0000–U+E007F (they spell hidden ASCII text after a character).
// - A lone surrogate (JSON "\ud800") is half a character: no file can hold it (a Word file's XML
//   turns it into U+FFFD, which then reads back as another text).
// - U+FFFD, the replacement character, stands where a decoder met bytes it could not read: the
//   character that was there is lost. A data file is decoded strictly (validate/source.ts), so one in
//   a field was written by an earlier conversion; on the command line it is text typed in GBK.
// The class is read with the u flag (the tag characters lie outside the BMP), as ajv reads the
// JSON Schema's pattern.
const FORBIDDEN_CLASS =
  '\\x00-\\x09\\x0B\\x0C\\x0E-\\x1F\\x7F-\\x9F\\xAD\\u034F\\u061C\\u115F\\u1160\\u180E\\u200B-\\u200F\\u2028-\\u202E\\u2060-\\u206F\\u3164\\uD800-\\uDFFF\\uFEFF\\uFFA0\\uFFFD-\\uFFFF\\u{E0000}-\\u{E007F}';

/**
 * Matches text with no forbidden character and no lone "\r". Written as one lookahead at the
 * start (rather than `^(?:[^…]|\r\n)*$`) because V8 runs it over millions of characters without
 * exhausting its backtracking stack: with the u flag up to about 8 million on Node 20's default
 * stack, 40 times the longest field (the length check runs first and stops longer text). It is also
 * the JSON Schema `pattern` (ajv adds the u flag, so it means the same there).
 */
export const VISIBLE_TEXT_PATTERN = new RegExp(`^(?![\\s\\S]*(?:[${FORBIDDEN_CLASS}]|\\r(?!\\n)))`, 'u');

const FORBIDDEN_ANYWHERE = new RegExp(`[${FORBIDDEN_CLASS}]|\\r(?!\\n)`, 'gu');

const NAMES: Record<number, string> = {
  0x00: '空字符',
  0x09: '制表符 Tab',
  0x0d: '单独的回车符',
  0x7f: '删除符 DEL',
  0xad: '软连字符',
  0x061c: '阿拉伯字母标记',
  0x200b: '零宽空格',
  0x200c: '零宽非连接符',
  0x200d: '零宽连接符',
  0x200e: '从左到右标记',
  0x200f: '从右到左标记',
  0x2028: '行分隔符',
  0x2029: '段分隔符',
  0x202a: '从左到右嵌入',
  0x202b: '从右到左嵌入',
  0x202c: '方向格式结束',
  0x202d: '从左到右强制',
  0x202e: '从右到左强制',
  0x2060: '词连接符',
  0x2061: '不可见的函数应用符',
  0x2062: '不可见乘号',
  0x2063: '不可见分隔符',
  0x2064: '不可见加号',
  0x2066: '从左到右隔离',
  0x2067: '从右到左隔离',
  0x2068: '首字方向隔离',
  0x2069: '方向隔离结束',
  0xfeff: '零宽不换行空格 / BOM',
  0xfffe: '非字符',
  0xffff: '非字符',
  0x034f: '组合用字形连接符',
  0x115f: '韩文初声填充符',
  0x1160: '韩文中声填充符',
  0x180e: '蒙古文元音分隔符',
  0x3164: '韩文填充符',
  0xffa0: '半角韩文填充符',
};

/** The Chinese name of a refused character, if it has one. */
const nameOf = (codePoint: number): string | undefined =>
  NAMES[codePoint] ?? (codePoint >= 0xe0000 && codePoint <= 0xe007f ? '标签字符' : undefined);

export const codePointLabel = (codePoint: number): string =>
  `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;

/** The first refused character of `text` and how many there are, or undefined when there is none. */
export function findInvisible(text: string): { index: number; position: number; codePoint: number; count: number } | undefined {
  let first: RegExpExecArray | undefined;
  let count = 0;
  for (const match of text.matchAll(FORBIDDEN_ANYWHERE)) {
    first ??= match;
    count += 1;
  }
  if (!first) return undefined;
  // Position as a reader counts characters: by code point, 1-based.
  const position = Array.from(text.slice(0, first.index)).length + 1;
  return { index: first.index, position, codePoint: first[0].codePointAt(0)!, count };
}

/** e.g. `第 12 个字符是不可见字符 U+200B（零宽空格），多半是从网页或 Word 复制来的，请删除` */
export function invisibleMessage(text: string): string {
  const found = findInvisible(text);
  if (!found) return '含有不可见字符'; // not reached: called only when the pattern failed
  const { position, codePoint, count } = found;
  const name = nameOf(codePoint);
  const code = `${codePointLabel(codePoint)}${name ? `（${name}）` : ''}`;
  const more = count > 1 ? `（共 ${count} 处）` : '';
  if (codePoint === 0x09) return `第 ${position} 个字符是 ${code}，表上无法显示，请换成空格或删除${more}`;
  if (codePoint === 0x0d) return `第 ${position} 个字符是 ${code}，换行请用 \\n 或 \\r\\n${more}`;
  if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint <= 0x9f))
    return `第 ${position} 个字符是控制字符 ${code}，表上无法显示，多半是文件损坏或复制时带入的，请删除${more}`;
  if (codePoint === 0xfffe || codePoint === 0xffff) return `第 ${position} 个字符是 ${code}，不是文字，多半是文件损坏或转换编码时带入的，请删除${more}`;
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) return `第 ${position} 个字符是单独的代理码元 ${code}（半个字符），多半是文件损坏或截断时带入的，请改回原来的字${more}`;
  if (codePoint === REPLACEMENT_CHARACTER)
    return `第 ${position} 个字符是替换字符 ${code}（�），这里原来的字在转换编码时丢了（多半是 GBK 编码的文字被当成 UTF-8 读），请改回原来的字${more}`;
  return `第 ${position} 个字符是不可见字符 ${code}，多半是从网页或 Word 复制来的，请删除${more}`;
}

/**
 * The first character of `text` that no file shenbao writes may hold, for a command-line option
 * that is written into a file or names one (a font name, a title, a signature's reason, -o): the
 * forbidden class above, every other control character too (a line break or a tab in a one-line
 * option is a slip), and what XML 1.0 cannot hold (U+FFFE and U+FFFF, in the class, and a lone
 * surrogate). Position as a reader counts characters: by code point, 1-based.
 */
export function unwritableCharacter(text: string): { position: number; codePoint: number; label: string } | undefined {
  let position = 0;
  // By code point: a lone surrogate comes as a character of its own.
  for (const char of text) {
    position += 1;
    const codePoint = char.codePointAt(0)!;
    const lone = codePoint >= 0xd800 && codePoint <= 0xdfff;
    if (!lone && codePoint >= 0x20 && !FORBIDDEN_ONE.test(char)) continue;
    const code = codePointLabel(codePoint);
    const name = nameOf(codePoint);
    let label: string;
    if (codePoint === 0x0a) label = `换行符 ${code}`;
    else if (codePoint === 0x0d) label = `回车符 ${code}`;
    else if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint <= 0x9f)) label = `控制字符 ${code}${name ? `（${name}）` : ''}`;
    else if (lone) label = `单独的代理码元 ${code}（半个字符）`;
    else if (codePoint === 0xfffe || codePoint === 0xffff) label = `非字符 ${code}`;
    else if (codePoint === REPLACEMENT_CHARACTER) label = `替换字符 ${code}（�）`;
    else label = `不可见字符 ${code}${name ? `（${name}）` : ''}`;
    return { position, codePoint, label };
  }
  return undefined;
}

const FORBIDDEN_ONE = new RegExp(`^[${FORBIDDEN_CLASS}]$`, 'u');

/** U+FFFD: where a decoder met bytes it could not read. */
const REPLACEMENT_CHARACTER = 0xfffd;

/**
 * `text` as a message may show it: each character unwritableCharacter refuses written out as
 * \u{2066}, so that a name in a message can neither reorder the line (U+202E, U+2066) nor send the
 * terminal a command (ESC), nor hide what is wrong with it.
 */
export function shownText(text: string): string {
  return Array.from(text, (char) => (unwritableCharacter(char) ? `\\u{${char.codePointAt(0)!.toString(16).toUpperCase()}}` : char)).join('');
}

/** `text` with each character unwritableCharacter refuses replaced: for a name made from a file's name. */
export function replaceUnwritable(text: string, replacement: string): string {
  return Array.from(text, (char) => (unwritableCharacter(char) ? replacement : char)).join('');
}

/**
 * e.g. `--docx-font 的第 3 个字符是控制字符 U+0001，不能写进文件，请删除它`; undefined when `text` has
 * no such character. `option` names the option as typed; `use` says where it would go.
 */
export function unwritableMessage(option: string, text: string, use = '不能写进文件'): string | undefined {
  const found = unwritableCharacter(text);
  if (!found) return undefined;
  const space = /[!-~]$/.test(option) ? ' ' : ''; // after --docx-font, not after 签名的原因（--reason）
  const at = `${option}${space}的第 ${found.position} 个字符是${found.label}`;
  // Typed in a terminal that sends GBK (an SSH client such as Xshell set to GBK): Node reads the
  // command line as UTF-8 and puts U+FFFD for each byte it cannot read.
  if (found.codePoint === REPLACEMENT_CHARACTER)
    return `${at}：这里原来的字没能读出来，多半是终端用 GBK 编码输入、而 shenbao 按 UTF-8 读；请把终端的编码改为 UTF-8 后重新输入`;
  return `${at}，${use}，请删除它`;
}

export interface TextOptions {
  maxLength: number;
  /** Strip surrounding whitespace from the value (single-line fields); goals keep theirs. */
  trim?: boolean;
  /** The message for whitespace-only text. */
  blank?: string;
}

/**
 * A text field: at most `maxLength` characters, not blank, no invisible characters; "\r\n" becomes
 * "\n". The checks run in that order on the text as written (before trimming, so that a BOM or a
 * tab at the end is reported as in an editor), and each field gets one message: the length check
 * and the blank check stop the others (a 17-million-character text is not scanned further).
 */
export function textField(title: string, { maxLength, trim = true, blank = '不能为空' }: TextOptions) {
  let schema = z
    .string()
    .max(maxLength, { abort: true }) // message: chineseErrorMap, `太长：最多 … 个字符，现有 … 个`
    .regex(/\S/, { error: blank, abort: true })
    .regex(VISIBLE_TEXT_PATTERN, { error: (issue) => invisibleMessage(String(issue.input)) });
  if (trim) schema = schema.trim();
  return schema.overwrite((value) => value.replace(/\r\n/g, '\n')).meta({ title });
}
