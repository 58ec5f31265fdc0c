// Reading and writing files, for every stage: only regular files, never more bytes than a cap. Two kinds of caller:
// - a user's inputs (data files, templates and partials, fonts, the .docx/.pdf that extract, diff
//   and verify read): readInput, with a cap per kind and one Chinese line naming the file;
// - a packet folder's files (sign, and manifest.json for every command): readRegular, which says
//   "not a regular file" as undefined and lets the caller word it.
// A name in a packet folder may be anything by now: a folder, a FIFO (reading it would wait for
// ever), a device (/dev/zero never ends), a symbolic link (whose target is not a file shenbao
// wrote, and which renaming a signed file over it would replace). So a name is looked at first
// without following a link (lookAt), and a file is read from a handle opened without following a
// link and without waiting on a FIFO, and checked to be a regular file before a byte is read: what
// the name was changed to in the meantime is not read either. The size a file reports is a hint
// only (a device and a /proc file say 0, a file grows while read): at most cap + 1 bytes are read.
import { constants, type Stats } from 'node:fs';
import { link, lstat, open, readlink, rename, stat, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { EnvironmentError, fsStep, reading, UserError } from './errors.js';

// Not defined on Windows, which has no FIFOs to wait on; links are looked at first everywhere.
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const NONBLOCK = constants.O_NONBLOCK ?? 0;

/** Node reads at most this into one buffer (and no input of shenbao's comes near it): more is refused by its size. */
export const MAX_INPUT_BYTES = 2 * 1024 * 1024 * 1024;
/** A data file: the 10,000-project packet of the benchmark is 30 MB; more is not a packet. */
export const MAX_DATA_FILE_BYTES = 256 * 1024 * 1024;
/** A template or partial: the bundled ones are a few KB of markup, written by hand. */
export const MAX_TEMPLATE_BYTES = 4 * 1024 * 1024;
/**
 * A font file: the Noto Serif SC faces are 15 MB, the largest CJK TrueType fonts some tens of MB;
 * a build holds both faces in memory (read once, shared with its workers).
 */
export const MAX_FONT_BYTES = 256 * 1024 * 1024;
/** A .docx or PDF read back: the 汇总表 of a 10,000-project packet is about 300 MB. */
export const MAX_FORM_FILE_BYTES = 1024 * 1024 * 1024;

/** What is read, for its cap and its messages (读取 + noun: 读取模板, 读取字体文件). */
export interface InputKind {
  noun: string;
  limit: number;
}

export const INPUT = {
  data: { noun: '数据文件', limit: MAX_DATA_FILE_BYTES },
  template: { noun: '模板', limit: MAX_TEMPLATE_BYTES },
  font: { noun: '字体文件', limit: MAX_FONT_BYTES },
  word: { noun: 'Word 文件', limit: MAX_FORM_FILE_BYTES },
  pdf: { noun: 'PDF 文件', limit: MAX_FORM_FILE_BYTES },
  workbook: { noun: 'Excel 工作簿', limit: MAX_DATA_FILE_BYTES },
} as const satisfies Record<string, InputKind>;

/** What a name is, not following a symbolic link. */
export type Found =
  | { kind: 'file'; size: number }
  | { kind: 'missing' }
  | { kind: 'link' }
  | { kind: 'directory' }
  /** A FIFO, a socket, a device. */
  | { kind: 'special' };

export async function lookAt(file: string): Promise<Found> {
  let info;
  try {
    info = await lstat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw error;
  }
  if (info.isSymbolicLink()) return { kind: 'link' };
  if (info.isDirectory()) return { kind: 'directory' };
  if (!info.isFile()) return { kind: 'special' };
  return { kind: 'file', size: info.size };
}

/**
 * Where `file` is a symbolic link: where it points, and whether anything is there (a link to
 * nowhere is neither a file that exists nor a free name: `-o` naming one is said as such).
 * Undefined when it is no link.
 */
export async function linkAt(file: string): Promise<{ target: string; dangling: boolean; loop: boolean } | undefined> {
  const info = await lstat(file).catch(() => undefined);
  if (!info?.isSymbolicLink()) return undefined;
  const target = await readlink(file);
  const failed = await stat(file).then(
    () => undefined,
    (error: NodeJS.ErrnoException) => error.code,
  );
  const dangling = failed === 'ENOENT' || failed === 'ENOTDIR' || failed === 'ELOOP';
  return { target, dangling, loop: failed === 'ELOOP' };
}

/** A symbolic link along a path that leads nowhere: to a target that is missing, or round a loop of links. */
export interface BrokenLink {
  /** The path up to and including the link. */
  link: string;
  target: string;
  /** The links form a loop (ELOOP) rather than lead to a missing target. */
  loop: boolean;
  /** The loop as each link names the next, starting at `link` (where it could be followed). */
  chain?: string[];
}

/**
 * The first symbolic link along `file` (each folder on the way, and `file` itself) that leads
 * nowhere; undefined where every link on the way leads somewhere, or the path ends before one.
 */
export async function brokenLinkOn(file: string): Promise<BrokenLink | undefined> {
  const root = path.parse(file).root;
  let sofar = root;
  for (const part of path.normalize(file).slice(root.length).split(path.sep).filter((p) => p !== '')) {
    sofar = sofar === '' ? part : path.join(sofar, part);
    const found = await linkAt(sofar);
    if (found?.dangling) {
      const chain = found.loop ? await loopFrom(sofar) : undefined;
      return { link: sofar, target: found.target, loop: found.loop, ...(chain ? { chain } : {}) };
    }
    // What is not there yet will be made; a file on the way is said by the failure itself.
    if (!found && !(await stat(sofar).then((info) => info.isDirectory(), () => false))) return undefined;
  }
  return undefined;
}

/** The links from `link` as each names the next, until one repeats; undefined if they are not a plain loop. */
async function loopFrom(link: string): Promise<string[] | undefined> {
  const names = [link];
  const seen = [path.resolve(link)];
  let current = link;
  for (let hop = 0; hop < 40; hop++) {
    const target = await readlink(current).catch(() => undefined);
    if (target === undefined) return undefined;
    names.push(target);
    const next = path.resolve(path.dirname(path.resolve(current)), target);
    if (seen.includes(next)) return names;
    seen.push(next);
    current = next;
  }
  return undefined;
}

/** A broken link in words: 「X 是一个符号链接，…」. */
export function brokenLinkText({ link, target, loop, chain }: BrokenLink): string {
  if (!loop) return `${link} 是一个符号链接，指向的 ${target} 不存在（链接已失效）`;
  const links = chain && chain.length <= 9 ? `${chain.join(' → ')}，` : '';
  return `${link} 是一个符号链接，${links}这些链接互相指向，绕成了一个圈，指不到任何文件夹`;
}

/** What a file is when it is not a regular one. */
export type NotRegular = 'link' | 'directory' | 'fifo' | 'device' | 'socket';

const KIND_TEXT: Record<NotRegular, string> = {
  link: '符号链接',
  directory: '文件夹',
  fifo: '命名管道（FIFO）',
  device: '设备文件',
  socket: '套接字（socket）',
};

/** 命名管道（FIFO）, 设备文件…: what the user gave instead of a file. */
export const kindText = (kind: NotRegular): string => KIND_TEXT[kind];

/** What a file is, from its stat, when it is not a regular file; undefined for a regular one. */
export const notRegular = (info: Stats): NotRegular | undefined =>
  info.isFile()
    ? undefined
    : info.isSymbolicLink()
      ? 'link'
      : info.isDirectory()
        ? 'directory'
        : info.isFIFO()
          ? 'fifo'
          : info.isSocket()
            ? 'socket'
            : 'device';

/** Size in MB, one decimal, as the messages give it. */
export const megabytes = (size: number): string => String(Math.round((size / 1024 / 1024) * 10) / 10);

/** A file refused before or while it was read: not a regular file, or over its cap. The message names the file. */
// Named UserError still: a worker thread hands errors over by name, and this one is the user's to mend.
export class InputRefused extends UserError {
  constructor(
    message: string,
    readonly file: string,
    readonly reason: NotRegular | 'too-large',
    /** For 'too-large': the size it reports, or undefined when it said less than it held. */
    readonly size?: number,
  ) {
    super(message);
  }
}

interface ReadOptions {
  /** Follow a symbolic link (a user's input may be one); a packet folder's files are not followed. */
  follow?: boolean;
  /** The most bytes the file may have. */
  limit?: number;
  /** For the messages: 数据文件, 模板, 字体文件… */
  noun?: string;
  /** Read into shared memory (a SharedArrayBuffer of exactly the file's size), for worker threads. */
  shared?: boolean;
  /** Read only the first this many bytes (fewer if the file is shorter): to know a file by its start before reading it all. */
  prefix?: number;
}

/** A noun after a Chinese word: `读取 PDF 文件`, `读取模板` (a space before Latin letters, as printed Chinese has). */
const after = (noun: string): string => (/^[A-Za-z]/.test(noun) ? ` ${noun}` : noun);

/** `数据文件 /dev/zero 是设备文件，不是普通文件：…`, as InputRefused. */
export const refusedKind = (file: string, kind: NotRegular, noun: string): InputRefused =>
  new InputRefused(`${noun} ${file} 是${kindText(kind)}，不是普通文件：shenbao 只读普通文件，请给出${after(noun)}本身的路径`, file, kind);

const refusedSize = (file: string, noun: string, limit: number, size?: number) =>
  new InputRefused(
    `${noun} ${file} 太大${size === undefined ? '' : `（${megabytes(size)} MB）`}，超过${after(noun)} ${megabytes(limit)} MB 的上限：请确认选对了文件`,
    file,
    'too-large',
    size,
  );

/**
 * A regular file's bytes, read from a handle that cannot wait on a FIFO. Throws InputRefused for
 * anything else (a FIFO, a device, a socket, a folder; a link unless `follow`) and for a file over
 * `limit`, by the size it reports before a byte is read and by the bytes read; other failures
 * (ENOENT, EACCES…) are thrown as they come, for the caller to word.
 */
export async function readBounded(file: string, { follow = false, limit = MAX_INPUT_BYTES, noun = '文件', shared = false, prefix }: ReadOptions = {}): Promise<Buffer> {
  const cap = Math.min(limit, MAX_INPUT_BYTES);
  // Looked at before it is opened: opening a device can do something (a tape rewinds), and a
  // socket cannot be opened at all.
  const before = await (follow ? stat(file) : lstat(file));
  const kind = notRegular(before);
  if (kind) throw refusedKind(file, kind, noun);
  if (before.size > cap) throw refusedSize(file, noun, cap, before.size);
  let handle: FileHandle;
  try {
    handle = await open(file, constants.O_RDONLY | NONBLOCK | (follow ? 0 : NOFOLLOW));
  } catch (error) {
    // Replaced since it was looked at: by a link (not followed) or a socket.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' && !follow) throw refusedKind(file, 'link', noun);
    if (code === 'ENXIO') throw refusedKind(file, 'socket', noun);
    throw error;
  }
  try {
    // The handle's own file, which is what will be read.
    const info = await handle.stat();
    const opened = notRegular(info);
    if (opened) throw refusedKind(file, opened, noun);
    if (info.size > cap) throw refusedSize(file, noun, cap, info.size);
    if (prefix !== undefined) return await readPrefixOf(handle, prefix);
    let bytes: Buffer | undefined;
    try {
      bytes = await readAtMost(handle, info.size, cap, shared);
    } catch (error) {
      // Within its cap, and still more than this process may have (a limit on its memory).
      if (error instanceof RangeError) throw new EnvironmentError(`内存不足，无法读取${after(noun)} ${file}（${megabytes(info.size)} MB）：请关闭别的程序后重试，并确认选对了文件`);
      throw error;
    }
    if (bytes === undefined) throw refusedSize(file, noun, cap);
    return bytes;
  } finally {
    await handle.close();
  }
}

/** The first `length` bytes of `handle`, or all of it when it is shorter. */
async function readPrefixOf(handle: FileHandle, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let read = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, read, length - read, read);
    read += bytesRead;
    if (bytesRead === 0 || read === length) return buffer.subarray(0, read);
  }
}

/**
 * At most `cap` bytes from the start of `handle`; undefined when it holds more. `hint` (the size
 * the file reports) sizes the first buffer, so a file read whole is read into one buffer of its
 * size, and one more byte is asked for to know it ended.
 */
async function readAtMost(handle: FileHandle, hint: number, cap: number, shared: boolean): Promise<Buffer | undefined> {
  const allocate = (size: number) => (shared ? Buffer.from(new SharedArrayBuffer(size)) : Buffer.allocUnsafe(size));
  let buffer = allocate(Math.min(hint, cap));
  let length = 0;
  for (;;) {
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) return exact(buffer, length, allocate);
      length += bytesRead;
    }
    const probe = Buffer.alloc(1);
    const { bytesRead } = await handle.read(probe, 0, 1, length);
    if (bytesRead === 0) return buffer;
    if (length >= cap) return undefined;
    // Longer than it said (a file still growing, a /proc file that says 0): more room, to the cap.
    const bigger = allocate(Math.min(Math.max(length * 2, 64 * 1024), cap));
    buffer.copy(bigger, 0, 0, length);
    bigger[length++] = probe[0]!;
    buffer = bigger;
  }
}

/** The first `length` bytes; in shared memory, a buffer of their own (a worker takes the whole SharedArrayBuffer). */
function exact(buffer: Buffer, length: number, allocate: (size: number) => Buffer): Buffer {
  if (length === buffer.length) return buffer;
  if (!(buffer.buffer instanceof SharedArrayBuffer)) return buffer.subarray(0, length);
  const copy = allocate(length);
  buffer.copy(copy, 0, 0, length);
  return copy;
}

/**
 * A user's input file, whole: a regular file (a link to one is followed) of at most its kind's
 * cap. Anything else is a UserError naming the file: a FIFO, a device, a socket or a folder, a file
 * over the cap, and a failed read (读取模板 …：找不到它…).
 */
export async function readInput(file: string, kind: InputKind, { shared = false }: { shared?: boolean } = {}): Promise<Buffer> {
  return fsStep(reading(after(kind.noun)), file, () => readBounded(file, { follow: true, limit: kind.limit, noun: kind.noun, shared }));
}

/** The first `length` bytes of a user's input (fewer if it is shorter), checked as readInput checks the whole. */
export async function readInputPrefix(file: string, kind: InputKind, length: number): Promise<Buffer> {
  return fsStep(reading(after(kind.noun)), file, () => readBounded(file, { follow: true, limit: kind.limit, noun: kind.noun, prefix: length }));
}

/**
 * A packet folder's file: its bytes; undefined if it is not a regular file (any more), or is a
 * symbolic link unless `follow`. Over `limit` (by default what Node reads at most), InputRefused.
 */
export async function readRegular(file: string, { follow = false, limit = MAX_INPUT_BYTES }: { follow?: boolean; limit?: number } = {}): Promise<Buffer | undefined> {
  try {
    return await readBounded(file, { follow, limit });
  } catch (error) {
    if (error instanceof InputRefused && error.reason !== 'too-large') return undefined;
    throw error;
  }
}

/** A hidden name beside `out`, random, so that no one can have put a file or a link there beforehand. */
export const temporaryBeside = (out: string): string => path.join(path.dirname(out), `.${path.basename(out)}.${randomBytes(6).toString('hex')}.tmp`);

/**
 * `content` in a new file beside `out`, to be renamed or linked into place; its path. Created
 * exclusively ('wx'): a file or link found at the name is never written through nor removed (a
 * new random name is tried instead). A failed write removes the file it created.
 */
export async function writeBeside(out: string, content: string | Uint8Array): Promise<string> {
  for (let tries = 1; ; tries++) {
    const temporary = temporaryBeside(out);
    try {
      await writeFile(temporary, content, { flag: 'wx' });
      return temporary;
    } catch (error) {
      // EEXIST comes from the exclusive open only: the name was someone else's, so nothing to remove.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        if (tries < 3) continue;
        throw error;
      }
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
  }
}

/**
 * A new file, never over one (extract's and blank's -o): written beside, then linked into place,
 * which fails if the name was taken meanwhile (a check before the work is not enough: a file saved
 * there during a long gathering would be replaced). Where the disk has no hard links (FAT, some
 * network shares), the name is looked at again right before the rename. A full disk never leaves
 * half a file, and the file beside is always removed.
 */
export async function writeNewFile(out: string, content: string | Uint8Array): Promise<void> {
  const taken = () => new UserError(`${out} 已存在：shenbao 不会覆盖它，这次什么也没有写。请换一个文件名再运行`);
  await fsStep('写入', out, async () => {
    // Whatever happens after, the file removed is the one written here.
    const temporary = await writeBeside(out, content);
    try {
      try {
        await link(temporary, out);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') throw taken();
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EOPNOTSUPP') throw error;
        if ((await lookAt(out)).kind !== 'missing') throw taken();
        await rename(temporary, out);
      }
    } finally {
      await unlink(temporary).catch(() => undefined);
    }
  });
}
