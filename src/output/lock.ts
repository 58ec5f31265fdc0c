// One build at a time per packet folder. Two builds swapping files into one folder would each
// record only their own versions in manifest.json, and the next build would take the other's
// files for foreign ones. The lock is a file created exclusively in the folder, naming the process
// that holds it (owner.ts: host, pid, boot, PID namespace, start time), what it does (a build, or
// `shenbao sign`, which rewrites the folder's PDFs and manifest.json as well), and a random token.
// A lock whose holder is provably gone (kill -9) is taken over; any other is respected, and the
// refusal says who holds it. A lock is released only by its holder, and only while it still holds
// this holder's token: a lock someone removed by hand and another build then took stays.
import { randomUUID } from 'node:crypto';
import { mkdir, open, rmdir, unlink } from 'node:fs/promises';
import { readRegular } from './files.js';
import path from 'node:path';
import { fsFailure, fsStep, UserError } from '../errors.js';
import { isProvablyGone, isThisProcess, ownerOf, ownerPlace, thisProcess, type ProcessOwner } from './owner.js';

export const LOCK_FILE = '.shenbao.lock';

/** What holds a folder: a build, or `shenbao sign`. */
export type LockPurpose = 'build' | 'sign';

interface LockOwner extends ProcessOwner {
  started: string;
  /** Absent in locks of older versions (always builds). */
  command?: LockPurpose;
  /** Absent in locks of older versions. */
  token?: string;
}

/** What the holder of a lock is doing, in the words of the message; a lock that does not say is a build's. */
const DOING: Record<LockPurpose, string> = { build: '生成', sign: '签名' };

export interface FolderLock {
  /** The folder did not exist before this build. */
  createdDir: boolean;
  /** Remove the lock; and the folder, if the build made it or `removeIfEmpty`, when nothing is left in it. */
  release(removeIfEmpty?: boolean): Promise<void>;
}

/**
 * Lock `dir` for a build (made if missing), or for `sign` (`purpose`; the folder is there, and is
 * not made). `failure` words a failed file-system call (sign's messages do not talk of -o).
 */
export async function lockPacketFolder(dir: string, purpose: LockPurpose = 'build', failure: typeof fsFailure = fsFailure): Promise<FolderLock> {
  const created = purpose === 'build' ? await fsStep('创建输出目录', dir, () => mkdir(dir, { recursive: true })) : undefined;
  const file = path.join(dir, LOCK_FILE);
  const token = randomUUID();
  // host, pid, started and command first: what older versions read.
  const { host, pid, ...identity } = thisProcess();
  const me: LockOwner = { host, pid, started: new Date().toISOString(), command: purpose, token, ...identity };
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(`${JSON.stringify(me)}\n`);
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw failure(error, '创建锁文件于', dir);
      const found = await readLock(file);
      if (attempt === 0 && found?.owner && isProvablyGone(ownerOf(found.owner))) {
        // Removed only if it is still the lock judged: another build may have taken it over meanwhile.
        if ((await readLock(file))?.text === found.text) await unlink(file).catch(() => undefined);
        continue;
      }
      const owner = found?.owner;
      // A lock that cannot be read says nothing of its holder: to a build, another build (as always).
      const doing = owner?.command ? DOING[owner.command] : purpose === 'build' ? DOING.build : '使用';
      throw new UserError(
        `另一个 shenbao 正在${doing} ${dir}${owner ? `（${ownerPlace(owner)}，${owner.started} 开始）` : ''}：` +
          `请等它结束后再${DOING[purpose]}。如果确定没有 shenbao 在运行，删除 ${file} 后重试`,
      );
    }
  }
  return {
    createdDir: created !== undefined,
    async release(removeIfEmpty = false) {
      if ((await readLock(file))?.owner?.token === token) await unlink(file).catch(() => undefined);
      if (created === undefined && !removeIfEmpty) return;
      // Up to the first folder this build made (mkdir -p made `out/` too, say), while empty.
      for (let folder = path.resolve(dir); ; folder = path.dirname(folder)) {
        if (!(await rmdir(folder).then(() => true, () => false))) break;
        if (created === undefined || folder === path.resolve(created)) break;
      }
    },
  };
}

/**
 * The lock of this process in `dir`, if any: a supervisor cleaning up after a worker thread it
 * stopped (the worker's token is its own; the process is the same).
 */
export async function releaseOwnLock(dir: string): Promise<void> {
  const file = path.join(dir, LOCK_FILE);
  const owner = (await readLock(file))?.owner;
  if (owner && isThisProcess(ownerOf(owner))) await unlink(file).catch(() => undefined);
}

/** The lock file's text, and its holder if it names one. */
async function readLock(file: string): Promise<{ text: string; owner?: LockOwner } | undefined> {
  // Only a regular file, and a small one: a FIFO put there would make every build wait for ever.
  const text = await readRegular(file, { limit: 64 * 1024 }).then((bytes) => bytes?.toString('utf8'), () => undefined);
  if (text === undefined) return undefined;
  try {
    const owner = JSON.parse(text) as Partial<LockOwner>;
    if (typeof owner.host === 'string' && Number.isInteger(owner.pid) && typeof owner.started === 'string') {
      const strings = (['command', 'token', 'boot', 'pidns', 'timens', 'startTicks'] as const).filter((key) => typeof owner[key] === 'string');
      const known = Object.fromEntries(strings.map((key) => [key, owner[key]]));
      if (known.command !== 'build' && known.command !== 'sign') delete known.command;
      return { text, owner: { host: owner.host, pid: owner.pid as number, started: owner.started, ...known } };
    }
  } catch {
    // half-written or not a lock of ours: not taken over, but named in the message
  }
  return { text };
}
