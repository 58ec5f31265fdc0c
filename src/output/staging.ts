// Nothing half-written, nothing foreign touched. A build writes into a hidden staging folder inside
// the packet folder and swaps its files in only when everything is done. The swap moves only
// shenbao's own files (see folder.ts): the old versions are first moved aside, then the new ones
// moved in, each a rename within one folder; if any step fails, every step is undone, so the
// folder holds either the previous result or the new one. manifest.json is swapped first in a
// form that names both versions of each replaced file (complete: false), so even a build killed
// outright in the middle of the swap leaves a folder whose files are all still known as shenbao's.
import { createHash } from 'node:crypto';
import { lstat, mkdir, open, readdir, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { fsFailure, fsStep, UserError } from '../errors.js';
import type { PacketFolder } from './folder.js';
import { MANIFEST_FILE, manifestBytes, sha256, sha256File, VERSIONS, type Manifest, type ManifestEntry } from './manifest.js';

// .shenbao-staging-<host>-<pid>-<time>: the host, so that a build on another machine sharing the
// folder (or in another container) never takes this one's staging folder for abandoned.
const HOST = hostname().replace(/[^A-Za-z0-9]/g, '') || 'host';
const STAGING_PREFIX = `.shenbao-staging-${HOST}-`;
const STAGING_NAME = /^\.shenbao-staging-([A-Za-z0-9]+)-(\d+)-\d+$/;
export const isStagingName = (name: string): boolean => STAGING_NAME.test(name);

export interface CommitPlan {
  source: Manifest['source'];
  /** Files of the folder's owned set to keep as they are (--only: the forms not rebuilt). */
  keep: readonly string[];
}

export interface CommitResult {
  /** Names of shenbao's earlier files that were removed (projects gone, renumbered, in error). */
  removed: string[];
  /** No file of shenbao's is left in the folder. */
  empty: boolean;
}

export interface Staging {
  /** The packet folder (as the user named it). */
  target: string;
  /** Where this build's files are written. */
  dir: string;
  /** Write one output file into the staging folder, with what the manifest records of it. */
  write(name: string, bytes: Uint8Array, data?: string): Promise<void>;
  /** The same for a file made in chunks (the 汇总表): each is written as it comes, none kept. */
  writeChunks(name: string, chunks: AsyncIterable<Uint8Array>, data?: string): Promise<void>;
  /** Swap the written files in; shenbao's earlier files not written again and not kept go. */
  commit(plan: CommitPlan): Promise<CommitResult>;
  /** Throw away what was written (does nothing after commit). */
  discard(): Promise<void>;
}

/** Stage a build of `folder`, which exists and which this process has locked (lock.ts). */
export async function stagePacketFolder(folder: PacketFolder): Promise<Staging> {
  const target = folder.dir;
  await sweepAbandoned(target);
  const dir = path.join(target, `${STAGING_PREFIX}${process.pid}-${Date.now()}`);
  await fsStep('创建临时文件夹于', target, () => mkdir(dir));
  const written: ManifestEntry[] = [];
  let done = false;

  return {
    target,
    dir,
    async write(name, bytes, data) {
      await fsStep('写入', path.join(target, name), () => writeFile(path.join(dir, name), bytes));
      written.push({ name, size: bytes.byteLength, sha256: sha256(bytes), ...(data ? { data } : {}) });
    },
    async writeChunks(name, chunks, data) {
      const hash = createHash('sha256');
      let size = 0;
      const file = await fsStep('写入', path.join(target, name), () => open(path.join(dir, name), 'w'));
      try {
        for await (const chunk of chunks) {
          await fsStep('写入', path.join(target, name), () => file.writeFile(chunk));
          hash.update(chunk);
          size += chunk.byteLength;
        }
      } finally {
        await file.close();
      }
      written.push({ name, size, sha256: hash.digest('hex'), ...(data ? { data } : {}) });
    },
    async commit(plan) {
      const result = await swapIn(folder, dir, written, plan);
      done = true;
      await rm(dir, { recursive: true, force: true });
      return result;
    },
    async discard() {
      if (!done) await rm(dir, { recursive: true, force: true });
    },
  };
}

async function swapIn(
  folder: PacketFolder,
  staging: string,
  written: ManifestEntry[],
  plan: CommitPlan,
): Promise<{ removed: string[]; empty: boolean }> {
  const target = folder.dir;
  const writtenNames = new Set(written.map((e) => e.name));
  const keep = new Set(plan.keep);
  const kept = [...folder.owned.values()].filter((e) => keep.has(e.name) && !writtenNames.has(e.name));
  const replaced = [...folder.owned.keys()].filter((name) => writtenNames.has(name));
  const removed = [...folder.owned.keys()].filter((name) => !writtenNames.has(name) && !keep.has(name));
  const files = [...written, ...kept].sort((a, b) => a.name.localeCompare(b.name, 'en'));
  const outgoing = [...replaced, ...removed].map((name) => folder.owned.get(name)!);

  const final: Manifest = { generator: 'shenbao', format: 1, source: plan.source, versions: VERSIONS, complete: true, files };
  const pending: Manifest = { ...final, complete: false, pending: 'build', files: [...files, ...outgoing] };
  const pendingFile = path.join(staging, '.manifest.pending');
  const finalFile = path.join(staging, '.manifest.final');
  // Written before anything moves: a full disk fails here, with the folder untouched.
  await fsStep('写入', path.join(target, MANIFEST_FILE), async () => {
    await writeFile(pendingFile, manifestBytes(pending));
    await writeFile(finalFile, manifestBytes(final));
  });

  const previous = path.join(staging, '.previous');
  const manifest = path.join(target, MANIFEST_FILE);
  const undo: Array<() => Promise<void>> = [];
  const step = async (name: string, move: () => Promise<void>, back: () => Promise<void>) => {
    try {
      await move();
    } catch (error) {
      for (const revert of undo.reverse()) await revert().catch(() => undefined);
      throw error instanceof UserError ? error : fsFailure(error, '替换', path.join(target, name));
    }
    undo.push(back);
  };
  const move = (from: string, to: string) => () => rename(from, to);

  await fsStep('创建临时文件夹于', target, () => mkdir(previous));
  if (folder.manifest) await step(MANIFEST_FILE, move(manifest, path.join(previous, MANIFEST_FILE)), move(path.join(previous, MANIFEST_FILE), manifest));
  await step(MANIFEST_FILE, move(pendingFile, manifest), () => unlink(manifest));
  // The folder was read when the build began; a file the user saved over an output since, or put
  // under a new output's name, is theirs: checked again right before each move.
  const changedMeanwhile = (name: string) =>
    new UserError(`${path.join(target, name)} 在生成期间被改动或新放入，shenbao 没有替换它，这次什么也没有改：请重新生成`);
  for (const entry of outgoing) {
    const file = path.join(target, entry.name);
    await step(
      entry.name,
      async () => {
        if ((await sha256File(file)) !== entry.sha256) throw changedMeanwhile(entry.name);
        await rename(file, path.join(previous, entry.name));
      },
      move(path.join(previous, entry.name), file),
    );
  }
  const outgoingNames = new Set(outgoing.map((e) => e.name));
  for (const { name } of written) {
    const file = path.join(target, name);
    await step(
      name,
      async () => {
        if (!outgoingNames.has(name) && (await exists(file))) throw changedMeanwhile(name);
        await rename(path.join(staging, name), file);
      },
      move(file, path.join(staging, name)),
    );
  }
  // A folder left with no file of shenbao's needs no manifest.
  if (files.length === 0) await step(MANIFEST_FILE, () => unlink(manifest), async () => undefined);
  else await step(MANIFEST_FILE, move(finalFile, manifest), async () => undefined);
  return { removed, empty: files.length === 0 };
}

const exists = (file: string) => lstat(file).then(
  () => true,
  () => false,
);

/** Staging folders of builds of this host that were killed outright (no chance to clean up). */
async function sweepAbandoned(target: string): Promise<void> {
  for (const entry of await readdir(target).catch(() => [] as string[])) {
    const [, host, pid] = STAGING_NAME.exec(entry) ?? [];
    if (host === HOST && pid && !isRunning(Number(pid))) await rm(path.join(target, entry), { recursive: true, force: true });
  }
}

/** This process's own staging folders under `target` (the CLI's clean-up after a stopped worker). */
export async function removeOwnStaging(target: string): Promise<void> {
  for (const entry of await readdir(target).catch(() => [] as string[])) {
    const [, host, pid] = STAGING_NAME.exec(entry) ?? [];
    if (host === HOST && pid === String(process.pid)) await rm(path.join(target, entry), { recursive: true, force: true });
  }
}

/** Whether process `pid` of this host still runs (one of another user's counts as running). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
