// One build at a time per packet folder. Two builds swapping files into one folder would each
// record only their own versions in manifest.json, and the next build would take the other's
// files for foreign ones. The lock is a file in the folder naming the process that holds it
// (owner.ts: host, pid, boot, PID namespace, start time), what it does (a build, or `shenbao
// sign`, which rewrites the folder's PDFs and manifest.json as well), and a random token. It is
// written whole into a file of its own beside it, then hard-linked to the lock's name (which fails
// if a lock is there): a lock of this version is never empty, even after a kill -9 at any moment.
// A lock whose holder is provably gone (kill -9) is taken over; so is an empty or unreadable one
// older than a few seconds (an older version, killed between creating its lock and writing it),
// with a warning. Any other is respected, and the refusal says who holds it. A lock is released
// only by its holder, and only while it still holds this holder's token: a lock someone removed by
// hand and another build then took stays.
import { randomBytes, randomUUID } from 'node:crypto';
import { link, lstat, mkdir, open, readdir, rmdir, unlink } from 'node:fs/promises';
import { readRegular } from '../files.js';
import path from 'node:path';
import { fsFailure, fsStep, UserError } from '../errors.js';
import { isProvablyGone, isThisProcess, ownerOf, ownerPlace, ownerTag, parseOwnerTag, thisProcess, type ProcessOwner } from './owner.js';

export const LOCK_FILE = '.shenbao.lock';

// .shenbao.lock-<owner>-<random>: a lock being written, before it is linked to LOCK_FILE. The
// owner (owner.ts) lets a later build remove one that a killed build left, and no one else's.
const WRITING_PREFIX = `${LOCK_FILE}-`;

/** Who was writing a lock under `name`; undefined if the name is not one of a lock being written. */
function writingOwner(name: string) {
  if (!name.startsWith(WRITING_PREFIX)) return undefined;
  const tagged = parseOwnerTag(name.slice(WRITING_PREFIX.length));
  return tagged && /^-[0-9a-f]{12}$/.test(tagged.rest) ? tagged.owner : undefined;
}

/** The lock, or a lock being written: shenbao's, never the user's files. */
export const isLockName = (name: string): boolean => name === LOCK_FILE || writingOwner(name) !== undefined;

/**
 * An empty or unreadable lock older than this was left by a build killed before it wrote it:
 * older versions write theirs within milliseconds of creating it, this one never leaves it empty.
 */
const ABANDONED_AFTER_MS = 5000;

/** File systems without hard links (FAT on a USB stick, some network shares) say so with these. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK']);

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
  /** An abandoned lock (empty or unreadable, left by a killed build) was taken over: the warning line saying so. */
  takenOver?: string;
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
  let takenOver: string | undefined;
  for (let attempt = 0; ; attempt++) {
    let placed: boolean;
    try {
      placed = await placeLock(dir, file, `${JSON.stringify(me)}\n`);
    } catch (error) {
      throw failure(error, '创建锁文件于', dir);
    }
    if (placed) break;
    const found = await readLock(file);
    const abandonedFor = found && !found.owner ? Date.now() - found.mtimeMs : undefined;
    if (attempt === 0 && found && (found.owner ? isProvablyGone(ownerOf(found.owner)) : abandonedFor! > ABANDONED_AFTER_MS)) {
      // Removed only if it is still the lock judged: another build may have taken it over meanwhile.
      if (sameLock(await readLock(file), found)) await unlink(file).catch(() => undefined);
      if (!found.owner) {
        const what = found.text.trim() === '' ? '是空的' : '的内容不是 shenbao 的锁';
        takenOver =
          `${file} ${what}，已有 ${Math.floor(abandonedFor! / 1000)} 秒没有改动：是一次被中断的 shenbao 留下的，` +
          `已把它当作废弃的锁删除，继续${DOING[purpose]}`;
      }
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
  await removeLeftWritings(dir);
  return {
    createdDir: created !== undefined,
    ...(takenOver ? { takenOver } : {}),
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
 * `text` as the lock `file`, whole: written and flushed into a new file of its own beside it, then
 * hard-linked to the lock's name; false if a lock is there. A kill at any moment leaves either no
 * lock or a whole one (and perhaps the file beside it, which a later build removes).
 */
async function placeLock(dir: string, file: string, text: string): Promise<boolean> {
  const writing = path.join(dir, `${WRITING_PREFIX}${ownerTag()}-${randomBytes(6).toString('hex')}`);
  const handle = await open(writing, 'wx');
  try {
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await link(writing, file);
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (code === 'EEXIST') return false;
      if (!NO_HARD_LINKS.has(code)) throw error;
    }
    return await createAndWrite(file, text);
  } finally {
    await unlink(writing).catch(() => undefined);
  }
}

/**
 * Without hard links: created exclusively and written at once, as older versions did. A kill
 * between the two leaves it empty; the next build takes it for abandoned after a few seconds.
 */
async function createAndWrite(file: string, text: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(text);
    await handle.sync();
    await handle.close();
    return true;
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(file).catch(() => undefined);
    throw error;
  }
}

/** Locks being written that builds killed meanwhile left beside the lock: removed (others' are left). */
async function removeLeftWritings(dir: string): Promise<void> {
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const owner = writingOwner(name);
    if (owner && isProvablyGone(owner)) await unlink(path.join(dir, name)).catch(() => undefined);
  }
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

interface FoundLock {
  text: string;
  owner?: LockOwner;
  /** When it was last written, and which file it is: a lock judged abandoned is removed only while it is that very lock. */
  mtimeMs: number;
  ino: number;
}

const sameLock = (now: FoundLock | undefined, judged: FoundLock): boolean =>
  now !== undefined && now.text === judged.text && now.ino === judged.ino && now.mtimeMs === judged.mtimeMs;

/** The lock file's text, and its holder if it names one. */
async function readLock(file: string): Promise<FoundLock | undefined> {
  const info = await lstat(file).catch(() => undefined);
  if (!info?.isFile()) return undefined;
  // Only a regular file, and a small one: a FIFO put there would make every build wait for ever.
  const text = await readRegular(file, { limit: 64 * 1024 }).then((bytes) => bytes?.toString('utf8'), () => undefined);
  if (text === undefined) return undefined;
  const found = { text, mtimeMs: info.mtimeMs, ino: info.ino };
  try {
    const owner = JSON.parse(text) as Partial<LockOwner>;
    if (typeof owner.host === 'string' && Number.isInteger(owner.pid) && typeof owner.started === 'string') {
      const strings = (['command', 'token', 'boot', 'pidns', 'timens', 'startTicks'] as const).filter((key) => typeof owner[key] === 'string');
      const known = Object.fromEntries(strings.map((key) => [key, owner[key]]));
      if (known.command !== 'build' && known.command !== 'sign') delete known.command;
      return { ...found, owner: { host: owner.host, pid: owner.pid as number, started: owner.started, ...known } };
    }
  } catch {
    // half-written or not a lock of ours: named in the message, and taken over only once it is old
  }
  return found;
}
