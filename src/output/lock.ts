// One build at a time per packet folder. Two builds swapping files into one folder would each
// record only their own versions in manifest.json, and the next build would take the other's
// files for foreign ones. The lock is a file created exclusively in the folder, naming the host
// and process that hold it, and what it does (a build, or `shenbao sign`, which rewrites the
// folder's PDFs and manifest.json as well); a lock left by a process of this host that no longer
// runs (kill -9) is taken over, any other is respected.
import { mkdir, open, readFile, rmdir, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { fsFailure, fsStep, UserError } from '../errors.js';

export const LOCK_FILE = '.shenbao.lock';

/** What holds a folder: a build, or `shenbao sign`. */
export type LockPurpose = 'build' | 'sign';

interface LockOwner {
  host: string;
  pid: number;
  started: string;
  /** Absent in locks of older versions (always builds). */
  command?: LockPurpose;
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
  const me: LockOwner = { host: hostname(), pid: process.pid, started: new Date().toISOString(), command: purpose };
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(`${JSON.stringify(me)}\n`);
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw failure(error, '创建锁文件于', dir);
      const owner = await readOwner(file);
      if (attempt === 0 && owner && isStale(owner)) {
        await unlink(file).catch(() => undefined);
        continue;
      }
      // A lock that cannot be read says nothing of its holder: to a build, another build (as always).
      const doing = owner?.command ? DOING[owner.command] : purpose === 'build' ? DOING.build : '使用';
      throw new UserError(
        `另一个 shenbao 正在${doing} ${dir}${owner ? `（${owner.host} 上的进程 ${owner.pid}，${owner.started} 开始）` : ''}：` +
          `请等它结束后再${DOING[purpose]}。如果确定没有 shenbao 在运行，删除 ${file} 后重试`,
      );
    }
  }
  return {
    createdDir: created !== undefined,
    async release(removeIfEmpty = false) {
      await unlink(file).catch(() => undefined);
      if (created === undefined && !removeIfEmpty) return;
      // Up to the first folder this build made (mkdir -p made `out/` too, say), while empty.
      for (let folder = path.resolve(dir); ; folder = path.dirname(folder)) {
        if (!(await rmdir(folder).then(() => true, () => false))) break;
        if (created === undefined || folder === path.resolve(created)) break;
      }
    },
  };
}

/** The lock of this process in `dir`, if any (a supervisor cleaning up after a stopped worker). */
export async function releaseOwnLock(dir: string): Promise<void> {
  const file = path.join(dir, LOCK_FILE);
  const owner = await readOwner(file);
  if (owner && owner.host === hostname() && owner.pid === process.pid) await unlink(file).catch(() => undefined);
}

async function readOwner(file: string): Promise<LockOwner | undefined> {
  try {
    const owner = JSON.parse(await readFile(file, 'utf8')) as Partial<LockOwner>;
    if (typeof owner.host === 'string' && typeof owner.pid === 'number' && typeof owner.started === 'string') {
      return { host: owner.host, pid: owner.pid, started: owner.started, ...(owner.command === 'build' || owner.command === 'sign' ? { command: owner.command } : {}) };
    }
  } catch {
    // unreadable or half-written: not taken over, but named in the message
  }
  return undefined;
}

function isStale(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return false;
  if (owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
