// A data file's bytes -> text -> JSON value, keeping where every value stands in the file.
// Offices save JSON from Notepad, WPS or Excel add-ins: UTF-8 with or without a BOM, UTF-16 with a
// BOM, or the system's "ANSI" code page, which on a Chinese Windows is GBK (GB18030 is its superset).
// Decoding is the WHATWG TextDecoder's (full ICU in Node). A valid text's value is JSON.parse's,
// and the place of every value comes from places.ts (no syntax tree is kept). A text that is not
// valid JSON goes through momoa, whose tree gives the place and kind of the first mistake.
import { createRequire } from 'node:module';
import type * as Momoa from '@humanwhocodes/momoa';
import type { MemberNode, ValueNode } from '@humanwhocodes/momoa';
import { EnvironmentError, fsFailure, isErrno, READ } from '../errors.js';
import { INPUT, InputRefused, kindText, MAX_DATA_FILE_BYTES, megabytes, readBounded } from '../files.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { placesOf, type Place } from './places.js';
import { packetTooLarge } from './limits.js';

// momoa is needed only for a text JSON.parse refused: loaded then, not at every start.
const momoa = () => createRequire(import.meta.url)('@humanwhocodes/momoa') as typeof Momoa;

export type Encoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'gb18030';

export type { Place } from './places.js';

/** Larger than any real packet by far; refused before it is read (by its size), and while read (by the bytes). */
export { MAX_DATA_FILE_BYTES };

/** A data file that cannot be read as JSON at all: one clear Chinese message, maybe with its place. */
export class DataFileError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly place?: Place,
  ) {
    super(message);
    this.name = 'DataFileError';
  }

  get diagnostic(): Diagnostic {
    return { severity: 'error', path: [], message: this.message, code: this.code, ...this.place };
  }
}

const ENCODING_NAMES: Record<Encoding, string> = {
  'utf-8': 'UTF-8',
  'utf-8-bom': 'UTF-8（带 BOM）',
  'utf-16le': 'UTF-16LE',
  'utf-16be': 'UTF-16BE',
  gb18030: 'GB18030（GBK）',
};

const SAVE_AS_UTF8 = '记事本：文件 → 另存为 → 编码选 UTF-8；VS Code：点右下角的编码 → 通过编码保存 → UTF-8';

/**
 * Read and decode; throws DataFileError for anything the user has to mend. Only a regular file is
 * read (a FIFO would wait for ever, /dev/zero never end), and at most MAX_DATA_FILE_BYTES of it.
 */
export async function readDataFile(file: string): Promise<{ text: string; encoding: Encoding }> {
  let bytes: Uint8Array;
  try {
    bytes = await readBounded(file, { follow: true, ...INPUT.data });
  } catch (error) {
    if (error instanceof InputRefused) throw refused(error);
    // Out of memory: not the data's fault, the command stops (exit 3) with the line that says so.
    if (error instanceof EnvironmentError) throw error;
    // Missing, not to be read: worded as for every file a command is given, but a problem of this
    // data file only, so that a folder's other data files are still built.
    if (isErrno(error) && ['ENOENT', 'ENOTDIR', 'EACCES', 'EPERM'].includes(error.code!)) throw new DataFileError(fsFailure(error, READ, file).message, 'read');
    throw new DataFileError(`无法读取文件：${readErrorText(error as NodeJS.ErrnoException)}`, 'read');
  }
  return decodeDataFile(bytes);
}

/** The refusal as said of a data file (its name is printed before it). */
function refused(error: InputRefused): DataFileError {
  if (error.reason === 'too-large') {
    const size = error.size === undefined ? '' : `（${megabytes(error.size)} MB）`;
    return new DataFileError(`文件太大${size}，超过数据文件 ${megabytes(MAX_DATA_FILE_BYTES)} MB 的上限；请确认选对了文件`, 'file-too-large');
  }
  if (error.reason === 'directory') return new DataFileError(`无法读取文件：${readErrorText({ code: 'EISDIR' } as NodeJS.ErrnoException)}`, 'read');
  return new DataFileError(`是${kindText(error.reason)}，不是普通文件：shenbao 只读普通文件，请给出数据文件本身`, 'not-a-file');
}

function readErrorText(error: NodeJS.ErrnoException): string {
  if (error.code === 'EISDIR') return '这是一个文件夹，不是数据文件';
  // The system's own words are English: its error code is what a maintainer looks up.
  return `系统报告错误 ${error.code ?? '（未知）'}，请检查文件和磁盘`;
}

/** Bytes -> text: a BOM decides; otherwise strict UTF-8, and failing that GB18030 (GBK). */
export function decodeDataFile(bytes: Uint8Array): { text: string; encoding: Encoding } {
  const [b0, b1, b2] = bytes;
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return { text: strictly('utf-8', bytes.subarray(3)), encoding: 'utf-8-bom' };
  if (b0 === 0xff && b1 === 0xfe) return { text: strictly('utf-16le', bytes.subarray(2)), encoding: 'utf-16le' };
  if (b0 === 0xfe && b1 === 0xff) return { text: strictly('utf-16be', bytes.subarray(2)), encoding: 'utf-16be' };
  // NUL is never part of a JSON text: UTF-16 without its BOM, or not a text file at all.
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    throw new DataFileError(
      looksLikeUtf16(bytes)
        ? '文件像是没有 BOM 的 UTF-16 编码，无法可靠读取；请另存为 UTF-8'
        : `文件含有 NUL 字节（第 ${nul + 1} 个字节），不是文本文件；请确认选对了文件（不是 Excel、Word 或压缩文件）`,
      'encoding',
    );
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: strictly('gb18030', bytes), encoding: 'gb18030' };
  }
}

function strictly(encoding: 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030', bytes: Uint8Array): string {
  try {
    return new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const name = encoding === 'utf-8' ? 'UTF-8' : ENCODING_NAMES[encoding];
    throw new DataFileError(
      encoding === 'gb18030'
        ? '无法识别文件的编码：既不是 UTF-8，也不是 GB18030（GBK）；请用编辑器另存为 UTF-8'
        : `文件开头标明是 ${name} 编码，但内容不是有效的 ${name}；请用编辑器另存为 UTF-8`,
      'encoding',
    );
  }
}

/**
 * UTF-16 JSON starts with `{`, `[` or white space in one byte and NUL in the other, and, being
 * mostly ASCII, has a NUL in every other byte on that side: check the first 4 KB.
 */
function looksLikeUtf16(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 4096);
  const starts = (b: number | undefined) => b !== undefined && '{[ \t\r\n'.includes(String.fromCharCode(b));
  const nulSide = sample[0] === 0 && starts(sample[1]) ? 0 : sample[1] === 0 && starts(sample[0]) ? 1 : -1;
  if (nulSide < 0) return false;
  let nuls = 0;
  for (let i = nulSide; i < sample.length; i += 2) if (sample[i] === 0) nuls++;
  return nuls >= sample.length / 8;
}

/** The warning for a file read as something other than UTF-8; none for UTF-8 with or without BOM. */
export function encodingDiagnostic(encoding: Encoding): Diagnostic | undefined {
  if (encoding === 'utf-8' || encoding === 'utf-8-bom') return undefined;
  return {
    severity: 'warning',
    path: [],
    message: `文件不是 UTF-8 编码，已按 ${ENCODING_NAMES[encoding]}${encoding === 'gb18030' ? '' : ' '}读取；建议另存为 UTF-8`,
    hint: SAVE_AS_UTF8,
    code: 'encoding',
  };
}

export interface ParsedData {
  /** The value JSON.parse would give (for duplicate keys, the last one wins, as there). */
  value: unknown;
  /** Where the value at `path` starts; for a path that does not exist, its nearest existing container. */
  locate(path: ReadonlyArray<string | number>): Place | undefined;
  /** One error per repeated key, at the repeated key, in file order (past MAX_LISTED_PROBLEMS, one line for the rest). */
  duplicates: Diagnostic[];
  /** The projects (0-based) with a repeated key, listed or not; undefined for one outside the projects. */
  duplicatesIn: ReadonlySet<number | undefined>;
}

/** Text -> value with places; throws DataFileError (with its place) for a text that is not JSON. */
export function parseDataText(text: string): ParsedData {
  if (text.trim() === '') throw new DataFileError('文件是空的', 'empty-file');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw mistakeOf(text);
  }
  // Before the walk for places, and before any validation: their memory grows with every entry.
  const tooLarge = packetTooLarge(value);
  if (tooLarge) throw new DataFileError(tooLarge.message, tooLarge.code);
  let places: ReturnType<typeof placesOf>;
  try {
    places = placesOf(text);
  } catch (error) {
    // JSON.parse takes nesting far deeper than the walk can: said as before, for momoa's walk.
    throw syntaxError(text, error);
  }
  return { value, duplicates: places.duplicates, duplicatesIn: places.duplicatesIn, locate: places.locate };
}

/** The first mistake of a text that JSON.parse refused, with its place, found through momoa's tree. */
function mistakeOf(text: string): DataFileError {
  let body: ValueNode;
  try {
    body = momoa().parse(text, { mode: 'json' }).body;
  } catch (error) {
    return syntaxError(text, error);
  }
  try {
    // momoa accepts what JSON does not (raw control characters in strings): found on the walk.
    checkValue(text, body);
  } catch (error) {
    return error instanceof DataFileError ? error : syntaxError(text, error);
  }
  return syntaxError(text, new Error('JSON.parse refused it'));
}

/** Walks a tree momoa accepted for what JSON refuses: raw control characters in a string (stringValue). */
function checkValue(text: string, node: ValueNode): void {
  switch (node.type) {
    case 'Object':
      for (const member of node.members) {
        stringValue(text, member.name);
        checkValue(text, member.value);
      }
      return;
    case 'Array':
      for (const element of node.elements) checkValue(text, element.value);
      return;
    case 'String':
      stringValue(text, node);
      return;
    case 'Number':
    case 'Boolean':
    case 'Null':
      return;
    default:
      // NaN and Infinity exist only in json5 mode.
      throw new DataFileError(`不是有效的 JSON：第 ${node.loc.start.line} 行第 ${node.loc.start.column} 列附近有语法错误`, 'json', node.loc.start);
  }
}

/** momoa lets raw control characters through in strings; JSON (and JSON.parse) does not. */
function stringValue(text: string, node: MemberNode['name']): string {
  if (node.type !== 'String') throw new DataFileError(`不是有效的 JSON：第 ${node.loc.start.line} 行第 ${node.loc.start.column} 列附近有语法错误`, 'json', node.loc.start);
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u001f]/;
  if (control.test(node.value)) {
    const raw = text.slice(node.loc.start.offset, node.loc.end.offset);
    const at = raw.search(control);
    if (at >= 0) {
      const code = raw.charCodeAt(at);
      const place = { line: node.loc.start.line, column: node.loc.start.column + at };
      const what = code === 0x0a || code === 0x0d ? '换行' : code === 0x09 ? '制表符' : '控制字符';
      const detail = `文字中间不能直接有${what}（U+${code.toString(16).toUpperCase().padStart(4, '0')}）；换行请写成 \\n，制表符写成 \\t`;
      throw new DataFileError(`不是有效的 JSON：第 ${place.line} 行第 ${place.column} 列附近有语法错误（${detail}）`, 'json', place);
    }
  }
  return node.value;
}

const TOKEN_TEXT: Record<string, string> = {
  Comma: '逗号「,」',
  Colon: '冒号「:」',
  LBrace: '「{」',
  RBrace: '「}」',
  LBracket: '「[」',
  RBracket: '「]」',
  String: '字符串',
  Number: '数字',
  Boolean: '「true/false」',
  Null: '「null」',
};

/** momoa's English message -> `不是有效的 JSON：第 3 行第 16 列附近有语法错误（多了一个逗号）`. */
function syntaxError(text: string, error: unknown): DataFileError {
  if (error instanceof RangeError) return new DataFileError('不是有效的 JSON：嵌套层数太多', 'json');
  const e = error as Error & Partial<Place> & { offset?: number };
  if (typeof e.line !== 'number' || typeof e.column !== 'number') {
    return new DataFileError(`不是有效的 JSON：${e.message}`, 'json');
  }
  const place = { line: e.line, column: e.column };
  const detail = syntaxDetail(text, e.message.replace(/\s*\(\d+:\d+\)$/, ''), e.offset ?? -1);
  return new DataFileError(`不是有效的 JSON：第 ${place.line} 行第 ${place.column} 列附近有语法错误（${detail}）`, 'json', place);
}

function syntaxDetail(text: string, message: string, offset: number): string {
  const before = offset > 0 ? text.slice(0, offset).trimEnd().at(-1) : undefined;
  if (message.startsWith('Unexpected end of input')) return '文件意外结束：可能缺少「}」「]」或引号';
  const token = /^Unexpected token (\w+) found\.$/.exec(message)?.[1];
  if (token) {
    if ((token === 'RBrace' || token === 'RBracket') && before === ',') return '最后一项后面不能有逗号';
    if (token === 'Comma' && before === ',') return '多了一个逗号';
    if (token === 'Comma' && (before === '{' || before === '[')) return '开头不能是逗号';
    if (['String', 'Number', 'Boolean', 'Null', 'LBrace', 'LBracket'].includes(token) && before && /["\d}\]el]/.test(before)) {
      return '上一项后面缺少逗号';
    }
    return `这里不应出现${TOKEN_TEXT[token] ?? token}`;
  }
  const identifier = /^Unexpected identifier '(.*)' found\.$/.exec(message)?.[1];
  if (identifier !== undefined) return `不认识的「${identifier}」：文字要用英文双引号 " 括起来`;
  const char = /^Unexpected character '([\s\S]*)' found\.$/.exec(message)?.[1];
  if (char !== undefined) {
    // momoa names one UTF-16 unit; take the whole character from the text when that is half of one.
    const c = /^[\ud800-\udfff]$/.test(char) && offset >= 0 && offset < text.length ? String.fromCodePoint(text.codePointAt(offset)!) : char;
    if (c === "'") return '字符串要用英文双引号 "，不能用单引号';
    if ('“”‘’'.includes(c)) return `用了中文引号「${c}」，应为英文双引号 "`;
    if ('，：'.includes(c)) return `用了中文标点「${c}」，应为英文的「${c === '，' ? ',' : ':'}」`;
    if (c === '/') return 'JSON 里不能写注释';
    if (c === '\\') return '「\\」后面只能跟 " \\ / b f n r t 或 u 加四位十六进制数';
    return `这里不应出现字符「${c}」（U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}）`;
  }
  const escape = /^Invalid unicode escape (.*)\.$/.exec(message)?.[1];
  if (escape !== undefined) return `无效的转义「${escape}」：\\u 后面应是四位十六进制数`;
  return message;
}
