// Reading a packet folder's files (sign, and manifest.json for every command): only regular files. A name in a packet folder may be anything by
// now: a folder, a FIFO (reading it would wait for ever), a device (/dev/zero never ends), a
// symbolic link (whose target is not a file shenbao wrote, and which renaming a signed file over it
// would replace). So a name is looked at first without following a link (lookAt), and a file is
// read from a handle opened without following a link and without waiting on a FIFO, and checked
// to be a regular file before a byte is read (readRegular): what the name was changed to in the
// meantime is not read either. Failures are thrown as they come (the caller words them).
import { constants } from 'node:fs';
import { link, lstat, open, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fsStep, UserError } from '../errors.js';

// Not defined on Windows, which has no FIFOs to wait on; links are looked at first everywhere.
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const NONBLOCK = constants.O_NONBLOCK ?? 0;

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
 * A regular file's bytes; undefined if it is not one (any more), or is a symbolic link unless
 * `follow`. At most `limit` + 1 bytes are read, so a caller can tell a file over its limit.
 */
export async function readRegular(file: string, { follow = false, limit = Infinity }: { follow?: boolean; limit?: number } = {}): Promise<Buffer | undefined> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | NONBLOCK | (follow ? 0 : NOFOLLOW));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP' && !follow) return undefined;
    throw error;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) return undefined;
    if (limit === Infinity) return await handle.readFile();
    const buffer = Buffer.alloc(Math.min(info.size, limit) + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
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
  const temporary = path.join(path.dirname(out), `.${path.basename(out)}.${process.pid}.tmp`);
  const taken = () => new UserError(`${out} 已存在：shenbao 不会覆盖它，这次什么也没有写。请换一个文件名再运行`);
  await fsStep('写入', out, async () => {
    try {
      await writeFile(temporary, content, { flag: 'wx' });
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
