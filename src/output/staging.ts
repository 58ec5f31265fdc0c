// Nothing half-written, nothing foreign touched. A build writes into a hidden staging folder inside
// the packet folder and swaps its files in only when everything is done. The swap moves only
// shenbao's own files (see folder.ts): the old versions are first moved aside, then the new ones
// moved in, each a rename within one folder; if any step fails, every step is undone, so the
// folder holds either the previous result or the new one. manifest.json is replaced first (a new
// one written beside and renamed over it: the folder is never without one) by a journal that names
// both versions of each replaced file (complete: false) and the staging folder, so a build killed
// outright in the middle of the swap leaves a folder whose files are all still known as shenbao's,
// and the next build finishes the swap (finishInterruptedSwap).
import { createHash } from 'node:crypto';
import { copyFile, lstat, mkdir, open, readdir, rename, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fsFailure, fsStep, READ, UserError } from '../errors.js';
import type { PacketFolder } from './folder.js';
import { lookAt, readRegular } from '../files.js';
import { isProvablyGone, isThisProcess, olderOwner, ownerTag, parseOwnerTag, type Owner } from './owner.js';
import { MANIFEST_FILE, manifestBytes, parseManifest, readManifest, sha256, sha256File, VERSIONS, type Manifest, type ManifestEntry } from './manifest.js';

// .shenbao-staging-<owner>-<time>: the owner as owner.ts names it (host, pid, start time, boot and
// namespaces), given when the folder is made, so that a build on another machine sharing the
// folder, or in another container, never takes a running build's staging folder for abandoned.
// Older versions named .shenbao-staging-<host>-<pid>-<time>.
const STAGING_PREFIX = '.shenbao-staging-';
const OLDER_STAGING_NAME = /^\.shenbao-staging-([A-Za-z0-9]+)-(\d+)-\d+$/;

/** Who made a staging folder, by its name; undefined if it is not one. */
function stagingOwner(name: string): Owner | undefined {
  if (!name.startsWith(STAGING_PREFIX)) return undefined;
  const tagged = parseOwnerTag(name.slice(STAGING_PREFIX.length));
  if (tagged) return /^-\d+$/.test(tagged.rest) ? tagged.owner : undefined;
  const [, host, pid] = OLDER_STAGING_NAME.exec(name) ?? [];
  return host && pid ? olderOwner(host, Number(pid)) : undefined;
}
export const isStagingName = (name: string): boolean => stagingOwner(name) !== undefined;

// In the staging folder, during the swap: the journal and the manifest to end with, and the old files moved aside.
const PENDING_MANIFEST = '.manifest.pending';
const FINAL_MANIFEST = '.manifest.final';
const PREVIOUS = '.previous';

export interface CommitPlan {
  source: Manifest['source'];
  /** Files of the folder's owned set to keep as they are (--only: the forms not rebuilt). */
  keep: readonly string[];
  /** Called before each step of the swap (tests stop the build there: BuildOptions.onSwapStep). */
  onSwapStep?: (step: SwapStep) => void | Promise<void>;
}

/**
 * The steps of a swap, in order: the manifests written into the staging folder; manifest.json
 * replaced by the journal; each old file moved aside; each new file moved in; the final manifest
 * renamed over the journal; the staging folder removed; done.
 */
export type SwapStep =
  | { kind: 'prepare' | 'journal' | 'final' | 'clean-up' | 'done' }
  | { kind: 'aside' | 'in'; name: string };

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
  const dir = path.join(target, `${STAGING_PREFIX}${ownerTag()}-${Date.now()}`);
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
      await plan.onSwapStep?.({ kind: 'clean-up' });
      await rm(dir, { recursive: true, force: true });
      await plan.onSwapStep?.({ kind: 'done' });
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
  const hook = async (step: SwapStep) => plan.onSwapStep?.(step);

  const final: Manifest = { generator: 'shenbao', format: 1, source: plan.source, versions: VERSIONS, complete: true, files };
  // The journal: while it is manifest.json, the next build finishes the swap from the staging folder it names.
  const pending: Manifest = { ...final, complete: false, pending: 'build', swap: path.basename(staging), files: [...files, ...outgoing] };
  const pendingFile = path.join(staging, PENDING_MANIFEST);
  const finalFile = path.join(staging, FINAL_MANIFEST);
  const previous = path.join(staging, PREVIOUS);
  const manifest = path.join(target, MANIFEST_FILE);
  const oldManifest = path.join(previous, MANIFEST_FILE);
  await hook({ kind: 'prepare' });
  // Written before anything moves: a full disk fails here, with the folder untouched. The old
  // manifest is copied, not moved: the folder is never without one (a kill then would leave
  // shenbao's files unknown to it).
  await fsStep('写入', manifest, async () => {
    await syncFiles(written.map((e) => path.join(staging, e.name)));
    await mkdir(previous);
    await writeDurably(pendingFile, manifestBytes(pending));
    await writeDurably(finalFile, manifestBytes(final));
    if (folder.manifest) await copyFile(manifest, oldManifest);
  });

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

  await hook({ kind: 'journal' });
  await step(MANIFEST_FILE, move(pendingFile, manifest), folder.manifest ? move(oldManifest, manifest) : () => unlink(manifest));
  // The folder was read when the build began; a file the user saved over an output since, or put
  // under a new output's name, is theirs: checked again right before each move.
  const changedMeanwhile = (name: string) =>
    new UserError(`${path.join(target, name)} 在生成期间被改动或新放入，shenbao 没有替换它，这次什么也没有改：请重新生成`);
  for (const entry of outgoing) {
    const file = path.join(target, entry.name);
    await hook({ kind: 'aside', name: entry.name });
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
    await hook({ kind: 'in', name });
    await step(
      name,
      async () => {
        if (!outgoingNames.has(name) && (await exists(file))) throw changedMeanwhile(name);
        await rename(path.join(staging, name), file);
      },
      move(file, path.join(staging, name)),
    );
  }
  await hook({ kind: 'final' });
  // A folder left with no file of shenbao's needs no manifest.
  if (files.length === 0) await step(MANIFEST_FILE, () => unlink(manifest), async () => undefined);
  else await step(MANIFEST_FILE, move(finalFile, manifest), async () => undefined);
  return { removed, empty: files.length === 0 };
}

/**
 * Finish the swap of a build that was killed in it (a power cut, an OOM kill, kill -9): while
 * manifest.json is the journal (complete: false, naming the staging folder), the staging folder
 * holds every new file not moved in yet, the old ones moved aside and the manifest to end with,
 * all written before the swap began. So the swap is carried forward: the old versions still in
 * the folder are moved aside, the new ones moved in, and the final manifest renamed over the
 * journal. Each move looks at what is there first, so a finish killed in turn is finished by the
 * next. A file that is neither version (the user's since) is not touched. Without the staging
 * folder (removed by hand) nothing is done here: the journal names both versions of each file,
 * so the build that follows still knows them all and replaces them.
 *
 * Call it with the folder locked, before it is read for a build. Says whether a swap was finished.
 */
/** Whether `dir` holds the journal of a build killed in its swap, not yet finished (the next build finishes it). */
export async function interruptedSwapPending(dir: string): Promise<boolean> {
  const journal = await readManifest(dir).catch(() => undefined);
  return journal !== undefined && !journal.complete && journal.pending === 'build';
}

export async function finishInterruptedSwap(dir: string): Promise<boolean> {
  const journal = await readManifest(dir).catch(() => undefined); // one not shenbao's is refused by the build's own reading
  if (!journal || journal.complete || journal.pending !== 'build' || journal.swap === undefined) return false;
  const name = journal.swap;
  if (path.basename(name) !== name || !isStagingName(name)) return false;
  const staging = path.join(dir, name);
  if ((await lookAt(staging).catch(() => undefined))?.kind !== 'directory') return false;
  const bytes = await readRegular(path.join(staging, FINAL_MANIFEST)).catch(() => undefined);
  const final = bytes && parseManifest(bytes);
  if (!final?.complete) return false;

  const manifest = path.join(dir, MANIFEST_FILE);
  const previous = path.join(staging, PREVIOUS);
  await fsStep('创建临时文件夹于', dir, () => mkdir(previous, { recursive: true }));
  const version = (e: ManifestEntry) => `${e.name}\0${e.sha256}`;
  const finalVersions = new Set(final.files.map(version));
  for (const old of journal.files.filter((e) => !finalVersions.has(version(e)))) {
    const file = path.join(dir, old.name);
    const found = await fsStep(READ, file, () => lookAt(file));
    if (found.kind !== 'file' || found.size !== old.size || (await fsStep(READ, file, () => sha256File(file))) !== old.sha256) continue;
    await fsStep('替换', file, () => rename(file, path.join(previous, old.name)));
  }
  for (const entry of final.files) {
    const from = path.join(staging, entry.name);
    const file = path.join(dir, entry.name);
    // Not there: moved in already, or a file kept from before. In the way: the user's.
    if ((await lookAt(from).catch(() => undefined))?.kind !== 'file') continue;
    if ((await fsStep(READ, file, () => lookAt(file))).kind !== 'missing') continue;
    await fsStep('替换', file, () => rename(from, file));
  }
  if (final.files.length === 0) await fsStep('替换', manifest, () => unlink(manifest));
  else await fsStep('替换', manifest, () => rename(path.join(staging, FINAL_MANIFEST), manifest));
  await rm(staging, { recursive: true, force: true });
  return true;
}

/**
 * The new files made durable before the journal names them: after a power cut, a file renamed in
 * is never found empty (it would then be taken for the user's, and be in every later build's way).
 * Many at a time, which the disk takes as few flushes: 600 files in 0.5 s, one by one 3 s
 * (measured on this project's machine, ext4).
 */
async function syncFiles(files: readonly string[]): Promise<void> {
  for (let i = 0; i < files.length; i += 32) {
    await Promise.all(
      files.slice(i, i + 32).map(async (file) => {
        // Opened for writing: Windows flushes only a handle that may write.
        const handle = await open(file, 'r+');
        try {
          await handle.sync();
        } finally {
          await handle.close();
        }
      }),
    );
  }
}

/** A small file made durable before the swap depends on it (a power cut must not leave an empty journal). */
async function writeDurably(file: string, bytes: Uint8Array): Promise<void> {
  const handle = await open(file, 'wx');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

const exists = (file: string) => lstat(file).then(
  () => true,
  () => false,
);

/** Staging folders of builds that were killed outright (no chance to clean up): only those whose process is provably gone. */
async function sweepAbandoned(target: string): Promise<void> {
  for (const entry of await readdir(target).catch(() => [] as string[])) {
    const owner = stagingOwner(entry);
    if (owner && isProvablyGone(owner)) await rm(path.join(target, entry), { recursive: true, force: true, maxRetries: 3 });
  }
}

/** This process's own staging folders under `target` (the CLI's clean-up after a stopped worker thread). */
export async function removeOwnStaging(target: string): Promise<void> {
  for (const entry of await readdir(target).catch(() => [] as string[])) {
    const owner = stagingOwner(entry);
    // Retried: a write of the stopped thread may still land while the folder is removed.
    if (owner && isThisProcess(owner)) await rm(path.join(target, entry), { recursive: true, force: true, maxRetries: 3 });
  }
}
