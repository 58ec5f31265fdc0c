// `shenbao sign <file|dir>` on disk. A packet folder: every PDF its manifest.json names whose bytes
// are still as recorded is signed (a PDF changed since is the user's now and is left alone, as a
// build leaves it; one already signed is passed over), and the manifest then records the signed
// bytes, marked `signed`, so `verify` passes (and checks the signature) and a later build still
// knows the files for its own. The data hash of each entry stays: the signature is an incremental
// update, the data the PDF carries is unchanged. An output folder: each of its packet folders, each
// reported on its own; one that fails (locked, read-only, a file that cannot be read) is reported
// and the others are signed all the same. One file: signed; if its folder's manifest names it with
// these very bytes, the manifest follows too.
//
// Only regular files are signed (files.ts): a name the manifest gives that is now a folder, a FIFO,
// a device or a symbolic link is not a file shenbao wrote; it is reported, not read, not replaced.
//
// Nothing half-written: each signed file is written beside its original under a working name and
// renamed over it only when all are signed, under the folder's lock (output/lock.ts). The manifest
// is replaced first by one naming both versions of each file (complete: false, pending: 'sign'),
// then by the final one, so a process killed in between (kill -9, Ctrl-C) leaves every file known.
// The next sign finishes that manifest itself: each name gets the version whose size and SHA-256
// the file has now, and the PDFs not signed yet are signed. (An incomplete manifest a build left
// is the build's to finish: sign refuses it.)
import { chmod, lstat, readdir, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EnvironmentError, fsFailure, isErrno, isReading, notFoundMessage, READ, UserError, verbOf, type FsAction } from '../errors.js';
import { lockPacketFolder } from './lock.js';
import { isProvablyGone, olderOwner, ownerTag, parseOwnerTag } from './owner.js';
import { MANIFEST_FILE, manifestBytes, readManifest, sha256, type Manifest, type ManifestEntry } from './manifest.js';
import { lookAt, readRegular } from '../files.js';
import { AlreadySigned, checkSignOptions, signPdf, type SignOptions } from '../sign/sign.js';
import type { SignatureCheck } from '../sign/signatures.js';
import { fileProblem, type Diagnostic } from '../model/diagnostic.js';

export type SignOutcome =
  | { kind: 'signed'; file: string }
  /** Already signed: passed over (in a folder), with its signatures. */
  | { kind: 'already'; file: string; signatures: SignatureCheck[] }
  /** Named by the manifest, but changed since it was built (or during the signing): not shenbao's file as written. */
  | { kind: 'changed'; file: string }
  | { kind: 'missing'; file: string }
  /** Named by the manifest, but a symbolic link: not a file shenbao wrote; neither it nor its target is touched. */
  | { kind: 'link'; file: string }
  /** Named by the manifest, but a folder, a FIFO, a device…: not read, not touched. */
  | { kind: 'notFile'; file: string; directory: boolean };

export interface SignReport {
  /** The packet folder; undefined for a file outside one. */
  dir?: string;
  outcomes: SignOutcome[];
  /** manifest.json was rewritten with the signed files' sizes and hashes. */
  manifestUpdated: boolean;
  /** The folder's manifest was left by a sign interrupted in its swap: it was completed from the files there first. */
  resumed?: boolean;
  /**
   * Why the folder was not signed, or not to the end (what `outcomes` lists was done). The other
   * packet folders of an output folder are signed all the same.
   */
  failure?: UserError;
  /** What was not signed, and why (each outcome that is not signed or already signed, and the failure): errors. */
  problems: Diagnostic[];
}

/** An outcome as a problem (undefined for a file signed, or signed already). */
export function outcomeProblem(outcome: SignOutcome): Diagnostic | undefined {
  const said = (code: string, message: string) => fileProblem(code, outcome.file, message);
  switch (outcome.kind) {
    case 'changed':
      return said('sign-file-changed', `生成以后被改动过（与 ${MANIFEST_FILE} 记的不同），已不是 shenbao 写的文件，没有签名`);
    case 'link':
      return said('sign-file-link', '是一个符号链接，不是 shenbao 写的文件；没有签名，它和它指向的文件都没有改动');
    case 'notFile':
      return said('sign-not-file', `${outcome.directory ? '是一个文件夹' : '不是普通文件（是命名管道、设备等）'}，不是 shenbao 写的 PDF；没有签名，也没有改动它`);
    case 'missing':
      return said('sign-file-missing', `缺少这个文件（${MANIFEST_FILE} 记着它），没有签名`);
    default:
      return undefined;
  }
}

/** Why a folder (or a file) could not be signed: its message names the file. */
export const failureProblem = (failure: UserError): Diagnostic =>
  fileProblem(failure instanceof EnvironmentError ? 'sign-environment' : 'sign-refused', undefined, failure.message);

const problemsOf = (report: Omit<SignReport, 'problems'>): Diagnostic[] => [
  ...report.outcomes.flatMap((outcome) => outcomeProblem(outcome) ?? []),
  ...(report.failure ? [failureProblem(report.failure)] : []),
];

/** shenbao's working files in a packet folder start with `.shenbao` (verify passes over them). */
const WORKING = '.shenbao-signing-';
// .shenbao-signing-<owner>-<time>-<n>: the owner as owner.ts names it, so that a sign in another
// container sharing the folder never takes a running sign's files for abandoned. Older versions
// named .shenbao-signing-<pid>-<time>-<what>.
let workingFiles = 0;
const workingName = () => `${WORKING}${ownerTag()}-${Date.now()}-${workingFiles++}`;

/** Who wrote a working file, by its name; undefined if it is not one. */
function workingOwner(name: string) {
  if (!name.startsWith(WORKING)) return undefined;
  const rest = name.slice(WORKING.length);
  const tagged = parseOwnerTag(rest);
  if (tagged) return tagged.owner;
  const pid = /^(\d+)-/.exec(rest)?.[1];
  return pid ? olderOwner(undefined, Number(pid)) : undefined;
}

/** A file sign writes beside the one it replaces (verify passes over it). */
export const isSigningName = (name: string): boolean => workingOwner(name) !== undefined;

/**
 * A failed file-system call in sign's words. fsFailure's advice for a build (`-o`: write the
 * output elsewhere) does not fit: sign rewrites files where they are, and has no -o.
 */
export function signFailure(error: unknown, action: FsAction, target: string): Error {
  if (!isErrno(error)) return error as Error;
  const place = `${verbOf(action)} ${target}`;
  switch (error.code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new EnvironmentError(`磁盘空间不足，无法${place}：请清理磁盘空间后重试`);
    case 'EACCES':
    case 'EPERM':
      if (isReading(action)) break;
      return new EnvironmentError(
        `没有权限${place}：签名要在 PDF 所在的文件夹里写入签好的文件，请检查这个文件夹的权限，关闭正打开其中文件的程序（如 PDF 阅读器），或换一个有权限的用户运行`,
      );
    case 'EROFS':
      return new EnvironmentError(`无法${place}：所在的磁盘是只读的，签名要改写其中的文件；请把文件夹复制到可写的磁盘上再签名`);
    case 'EIO':
      return new EnvironmentError(`无法${place}：读写磁盘时出错，请检查磁盘`);
    case 'ENOTDIR':
      return new UserError(`无法${place}：路径中有一段是文件而不是文件夹，请检查路径`);
    case 'ENAMETOOLONG':
      return new UserError(`无法${place}：路径太长`);
  }
  return fsFailure(error, action, target);
}

async function step<T>(action: FsAction, target: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw signFailure(error, action, target);
  }
}

/** Working files of a sign that was killed outright (its process is gone): removed by the next one. */
async function sweepAbandoned(dir: string): Promise<void> {
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const owner = workingOwner(name);
    if (owner && isProvablyGone(owner)) await unlink(path.join(dir, name)).catch(() => undefined);
  }
}


/**
 * Sign `target`: a PDF, a packet folder or an output folder. `onReport` hears of each file or
 * packet folder the moment it is done (a later failure never hides what was signed before it).
 */
export async function signPath(target: string, options: SignOptions, onReport?: (report: SignReport) => void): Promise<SignReport[]> {
  checkSignOptions(options);
  const reports: SignReport[] = [];
  const done = (report: SignReport) => {
    report.problems = problemsOf(report);
    reports.push(report);
    onReport?.(report);
  };
  const info = await lstat(target).catch((error: NodeJS.ErrnoException) => {
    throw error.code === 'ENOENT' ? new UserError(notFoundMessage(target)) : signFailure(error, READ, target);
  });
  if (info.isSymbolicLink()) {
    // A folder may be a link (nothing replaces it); a file is not followed: the signed file would replace the link.
    const real = await realpath(target).catch(() => undefined);
    if (!real || !(await stat(real).catch(() => undefined))?.isDirectory()) {
      throw new UserError(
        `${target} 是一个符号链接：shenbao 不会用签好的文件替换符号链接，${real ? `请直接签它指向的文件 ${real}` : '它指向的文件也不存在'}`,
      );
    }
  } else if (info.isFile()) {
    done(await signFile(target, options));
    return reports;
  } else if (!info.isDirectory()) {
    throw new UserError(`${target} 既不是 PDF 文件也不是目录，无法签名`);
  }
  if (await manifestAt(target)) {
    done(await signFolder(target, options));
    return reports;
  }
  const entries = await step(READ, target, () => readdir(target));
  for (const entry of entries.sort((a, b) => a.localeCompare(b, 'en'))) {
    const folder = path.join(target, entry);
    if (entry.startsWith('.shenbao') || !(await stat(folder).catch(() => undefined))?.isDirectory()) continue;
    if (await manifestAt(folder).catch(() => undefined)) done(await signFolder(folder, options));
  }
  if (reports.length === 0) throw new UserError(`${target} 里没有 ${MANIFEST_FILE}，也没有含 ${MANIFEST_FILE} 的子目录：sign 签的是 shenbao 的输出目录，或一个 PDF 文件`);
  return reports;
}

/** The folder's manifest (a regular file, shenbao's); undefined where there is none. */
async function manifestAt(dir: string): Promise<Manifest | undefined> {
  const file = path.join(dir, MANIFEST_FILE);
  const found = await step(READ, file, () => lookAt(file));
  if (found.kind === 'missing') return undefined;
  const foreign = (what: string) => new UserError(`${file} ${what}：无法按它签名。要签这个文件夹里的 PDF，请逐个给出文件`);
  if (found.kind !== 'file') throw foreign(found.kind === 'link' ? '是一个符号链接，不是 shenbao 写的' : found.kind === 'directory' ? '是一个文件夹' : '不是普通文件');
  try {
    return await readManifest(dir);
  } catch (error) {
    if (isErrno(error)) throw signFailure(error, READ, file);
    // readManifest's refusal speaks of a build's -o.
    if (error instanceof UserError) throw foreign('不是 shenbao 写的，或已损坏');
    throw error;
  }
}

/** One file; its folder's manifest follows if it names these bytes. */
async function signFile(file: string, options: SignOptions): Promise<SignReport> {
  const dir = path.dirname(file);
  const name = path.basename(file);
  // A manifest not shenbao's, or damaged, is not touched: the file is signed all the same.
  const manifest = await manifestAt(dir).catch(() => undefined);
  const lock = manifest ? await lockPacketFolder(dir, 'sign', signFailure) : undefined;
  try {
    let current = manifest && (await manifestAt(dir).catch(() => undefined)); // read again under the lock
    const resumed = current?.complete === false && current.pending === 'sign';
    if (resumed) current = await completeInterrupted(dir, current!);
    const bytes = await step(READ, file, () => readRegular(file));
    if (!bytes) throw new UserError(`${file} 不是普通文件，无法签名`);
    const signed = await signPdf(bytes, file, options);
    const entry = current?.complete ? current.files.find((e) => e.name === name && e.size === bytes.length && e.sha256 === sha256(bytes)) : undefined;
    const temporary = path.join(dir, workingName());
    try {
      await writeBeside(file, temporary, signed);
      if (!entry) {
        await replace(temporary, file);
        return { ...(resumed ? { dir, resumed } : {}), outcomes: [{ kind: 'signed', file }], manifestUpdated: resumed, problems: [] };
      }
      const report: SignReport = { dir, outcomes: [], manifestUpdated: resumed, ...(resumed ? { resumed } : {}), problems: [] };
      await swapIn(dir, current!, [{ entry, temporary, signed: signedEntry(entry, signed) }], report);
      return report;
    } finally {
      await unlink(temporary).catch(() => undefined);
    }
  } finally {
    await lock?.release();
  }
}

interface Staged {
  entry: ManifestEntry;
  temporary: string;
  signed: ManifestEntry;
}

const signedEntry = (entry: ManifestEntry, bytes: Buffer): ManifestEntry => ({ ...entry, size: bytes.length, sha256: sha256(bytes), signed: true });

/** A packet folder; what fails is the report's `failure` (the other folders go on). */
async function signFolder(dir: string, options: SignOptions): Promise<SignReport> {
  const report: SignReport = { dir, outcomes: [], manifestUpdated: false, problems: [] };
  let order = new Map<string, number>();
  try {
    const lock = await lockPacketFolder(dir, 'sign', signFailure);
    try {
      order = await signLocked(dir, options, report);
    } finally {
      await lock.release();
    }
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    report.failure = error;
  }
  report.outcomes.sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0));
  return report;
}

/** Signs the folder into `report`; the order of its files, for the report. */
async function signLocked(dir: string, options: SignOptions, report: SignReport): Promise<Map<string, number>> {
  await sweepAbandoned(dir);
  const file = (entry: ManifestEntry) => path.join(dir, entry.name);
  let manifest = await manifestAt(dir);
  if (!manifest) throw new UserError(`${dir} 里的 ${MANIFEST_FILE} 不见了：无法签名`);
  if (!manifest.complete) {
    if (manifest.pending !== 'sign') {
      throw new UserError(`${path.join(dir, MANIFEST_FILE)}：上一次生成在替换文件时中断了，这个目录里新旧文件混在一起；请先重新生成，再签名`);
    }
    manifest = await completeInterrupted(dir, manifest);
    report.resumed = true;
    report.manifestUpdated = true;
  }
  const order = new Map(manifest.files.map((e, i) => [file(e), i]));
  const staged: Staged[] = [];
  // Already signed, bytes as recorded, but not marked (signed by an older shenbao): marked now.
  const unmarked = new Set<string>();
  try {
    for (const entry of manifest.files.filter((e) => /\.pdf$/i.test(e.name))) {
      const found = await step(READ, file(entry), () => lookAt(file(entry)));
      if (found.kind === 'missing') report.outcomes.push({ kind: 'missing', file: file(entry) });
      else if (found.kind === 'link') report.outcomes.push({ kind: 'link', file: file(entry) });
      else if (found.kind !== 'file') report.outcomes.push({ kind: 'notFile', file: file(entry), directory: found.kind === 'directory' });
      if (found.kind !== 'file') continue;
      const bytes = found.size === entry.size ? await step(READ, file(entry), () => readRegular(file(entry))) : undefined;
      if (!bytes || sha256(bytes) !== entry.sha256) {
        report.outcomes.push({ kind: 'changed', file: file(entry) });
        continue;
      }
      let signed: Buffer;
      try {
        signed = await signPdf(bytes, file(entry), options);
      } catch (error) {
        if (!(error instanceof AlreadySigned)) throw error;
        report.outcomes.push({ kind: 'already', file: file(entry), signatures: error.signatures });
        if (!entry.signed) unmarked.add(entry.name);
        continue;
      }
      // Written at once, one file in memory at a time (a 汇总表 can be large).
      const temporary = path.join(dir, workingName());
      staged.push({ entry, temporary, signed: signedEntry(entry, signed) });
      await writeBeside(file(entry), temporary, signed);
    }
    const marked = unmarked.size === 0 ? manifest : { ...manifest, files: manifest.files.map((e) => (unmarked.has(e.name) ? { ...e, signed: true as const } : e)) };
    if (staged.length > 0) await swapIn(dir, marked, staged, report);
    else if (marked !== manifest) await writeManifest(dir, marked);
    if (marked !== manifest) report.manifestUpdated = true;
  } finally {
    for (const { temporary } of staged) await unlink(temporary).catch(() => undefined);
  }
  return order;
}

/**
 * The manifest a sign killed in its swap left (both versions of each file it was replacing):
 * each name gets the version the file now has (size and SHA-256), the recorded one where it has
 * neither (a file changed since is the user's, as ever). Written, complete, and returned.
 */
async function completeInterrupted(dir: string, manifest: Manifest): Promise<Manifest> {
  const files: ManifestEntry[] = [];
  for (const name of new Set(manifest.files.map((e) => e.name))) {
    const versions = manifest.files.filter((e) => e.name === name);
    files.push(versions.length === 1 ? versions[0]! : await versionThere(path.join(dir, name), versions));
  }
  const { pending: _, ...rest } = manifest;
  const complete: Manifest = { ...rest, complete: true, files };
  await writeManifest(dir, complete);
  return complete;
}

async function versionThere(file: string, versions: ManifestEntry[]): Promise<ManifestEntry> {
  const found = await step(READ, file, () => lookAt(file));
  if (found.kind === 'file' && versions.some((v) => v.size === found.size)) {
    const bytes = await step(READ, file, () => readRegular(file));
    const hash = bytes && sha256(bytes);
    const there = versions.find((v) => v.size === bytes?.length && v.sha256 === hash);
    if (there) return there;
  }
  return versions[0]!;
}

/**
 * The signed files renamed over their originals, the manifest around them: first naming both
 * versions (complete: false, pending: 'sign'), at the end what is there. A file changed since it
 * was read is not replaced.
 */
async function swapIn(dir: string, manifest: Manifest, staged: Staged[], report: SignReport): Promise<void> {
  const { pending: _, ...base } = manifest;
  await writeManifest(dir, { ...base, complete: false, pending: 'sign', files: [...manifest.files, ...staged.map((s) => s.signed)] });
  const done = new Map<string, ManifestEntry>();
  try {
    for (const { entry, temporary, signed } of staged) {
      const file = path.join(dir, entry.name);
      const bytes = await step(READ, file, () => readRegular(file));
      if (!bytes || sha256(bytes) !== entry.sha256) {
        report.outcomes.push({ kind: 'changed', file });
        continue;
      }
      await replace(temporary, file);
      done.set(entry.name, signed);
      report.outcomes.push({ kind: 'signed', file });
    }
  } finally {
    // What is there now, whatever happened above.
    await writeManifest(dir, { ...base, complete: true, files: manifest.files.map((e) => done.get(e.name) ?? e) });
    if (done.size > 0) report.manifestUpdated = true;
  }
}

/** Written beside `file` (same folder, so the rename is atomic), with its permissions. */
async function writeBeside(file: string, temporary: string, bytes: Buffer): Promise<void> {
  await step('写入', file, async () => {
    try {
      // A new file: never through a name someone put there.
      await writeFile(temporary, bytes, { flag: 'wx' });
      await chmod(temporary, (await lstat(file)).mode & 0o7777);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
  });
}

const replace = (temporary: string, file: string) => step('替换', file, () => rename(temporary, file));

async function writeManifest(dir: string, manifest: Manifest): Promise<void> {
  const file = path.join(dir, MANIFEST_FILE);
  const temporary = path.join(dir, workingName());
  await writeBeside(file, temporary, manifestBytes(manifest));
  await replace(temporary, file);
}
