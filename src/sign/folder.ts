// `shenbao sign <file|dir>` on disk. A packet folder: every PDF its manifest.json names whose bytes
// are still as recorded is signed (a PDF changed since is the user's now and is left alone, as a
// build leaves it; one already signed is passed over), and the manifest then records the signed
// bytes, so `verify` passes and a later build still knows the files for its own. The data hash of
// each entry stays: the signature is an incremental update, the data the PDF carries is unchanged.
// An output folder: each of its packet folders. One file: signed; if its folder's manifest names
// it with these very bytes, the manifest follows too.
//
// Nothing half-written: each signed file is written beside its original under a working name and
// renamed over it only when all are signed, under the folder's lock (output/lock.ts). The manifest
// is replaced first by one naming both versions of each file (complete: false, as a build does),
// then by the final one, so a process killed in between leaves every file known.
import { chmod, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fsStep, UserError } from '../errors.js';
import { lockPacketFolder } from '../output/lock.js';
import { MANIFEST_FILE, manifestBytes, readManifest, sha256, sha256File, type Manifest, type ManifestEntry } from '../output/manifest.js';
import { AlreadySigned, signPdf, type SignOptions } from './sign.js';
import type { SignatureCheck } from './signatures.js';

export type SignOutcome =
  | { kind: 'signed'; file: string }
  /** Already signed: passed over (in a folder), with its signatures. */
  | { kind: 'already'; file: string; signatures: SignatureCheck[] }
  /** Named by the manifest, but changed since it was built (or during the signing): not shenbao's file as written. */
  | { kind: 'changed'; file: string }
  | { kind: 'missing'; file: string };

export interface SignReport {
  /** The packet folder; undefined for a file outside one. */
  dir?: string;
  outcomes: SignOutcome[];
  /** manifest.json was rewritten with the signed files' sizes and hashes. */
  manifestUpdated: boolean;
}

/** shenbao's working files in a packet folder start with `.shenbao` (verify passes over them). */
const WORKING = '.shenbao-signing-';
const workingName = (what: string) => `${WORKING}${process.pid}-${Date.now()}-${what}`;

/** Working files of a sign that was killed outright (its process is gone): removed by the next one. */
async function sweepAbandoned(dir: string): Promise<void> {
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const pid = name.startsWith(WORKING) ? Number(name.slice(WORKING.length).split('-')[0]) : NaN;
    if (Number.isInteger(pid) && !isRunning(pid)) await unlink(path.join(dir, name)).catch(() => undefined);
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function signPath(target: string, options: SignOptions): Promise<SignReport[]> {
  const info = await stat(target).catch((error: NodeJS.ErrnoException) => {
    throw new UserError(error.code === 'ENOENT' ? `没有找到 ${target}` : `无法读取 ${target}（${error.code ?? error.message}）`);
  });
  if (info.isFile()) return [await signFile(target, options)];
  if (!info.isDirectory()) throw new UserError(`${target} 既不是 PDF 文件也不是目录，无法签名`);
  if (await readManifest(target)) return [await signFolder(target, options)];
  const reports: SignReport[] = [];
  for (const entry of (await readdir(target)).sort((a, b) => a.localeCompare(b, 'en'))) {
    const folder = path.join(target, entry);
    if (entry.startsWith('.shenbao') || !(await stat(folder).catch(() => undefined))?.isDirectory()) continue;
    if (await readManifest(folder).catch(() => undefined)) reports.push(await signFolder(folder, options));
  }
  if (reports.length === 0) throw new UserError(`${target} 里没有 ${MANIFEST_FILE}，也没有含 ${MANIFEST_FILE} 的子目录：sign 签的是 shenbao 的输出目录，或一个 PDF 文件`);
  return reports;
}

/** One file; its folder's manifest follows if it names these bytes. */
async function signFile(file: string, options: SignOptions): Promise<SignReport> {
  const dir = path.dirname(file);
  const name = path.basename(file);
  // A manifest not shenbao's, or damaged, is not touched: the file is signed all the same.
  const manifest = await readManifest(dir).catch(() => undefined);
  const lock = manifest ? await lockPacketFolder(dir) : undefined;
  try {
    const current = manifest && (await readManifest(dir).catch(() => undefined)); // read again under the lock
    const bytes = await fsStep('读取', file, () => readFile(file));
    const signed = await signPdf(bytes, file, options);
    const entry = current?.complete ? current.files.find((e) => e.name === name && e.sha256 === sha256(bytes)) : undefined;
    const temporary = path.join(dir, workingName(name));
    try {
      await writeBeside(file, temporary, signed);
      if (!entry) {
        await replace(temporary, file);
        return { outcomes: [{ kind: 'signed', file }], manifestUpdated: false };
      }
      const report: SignReport = { dir, outcomes: [], manifestUpdated: false };
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

const signedEntry = (entry: ManifestEntry, bytes: Buffer): ManifestEntry => ({ ...entry, size: bytes.length, sha256: sha256(bytes) });

async function signFolder(dir: string, options: SignOptions): Promise<SignReport> {
  const lock = await lockPacketFolder(dir);
  const staged: Staged[] = [];
  try {
    await sweepAbandoned(dir);
    const manifest = await readManifest(dir);
    if (!manifest) throw new UserError(`${dir} 里的 ${MANIFEST_FILE} 不见了：无法签名`);
    if (!manifest.complete) throw new UserError(`${path.join(dir, MANIFEST_FILE)}：上一次生成在替换文件时中断了，这个目录里新旧文件混在一起；请先重新生成，再签名`);
    const report: SignReport = { dir, outcomes: [], manifestUpdated: false };
    for (const entry of manifest.files.filter((e) => /\.pdf$/i.test(e.name))) {
      const file = path.join(dir, entry.name);
      const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined;
        throw error;
      });
      if (!bytes) {
        report.outcomes.push({ kind: 'missing', file });
        continue;
      }
      if (bytes.length !== entry.size || sha256(bytes) !== entry.sha256) {
        report.outcomes.push({ kind: 'changed', file });
        continue;
      }
      let signed: Buffer;
      try {
        signed = await signPdf(bytes, file, options);
      } catch (error) {
        if (!(error instanceof AlreadySigned)) throw error;
        report.outcomes.push({ kind: 'already', file, signatures: error.signatures });
        continue;
      }
      // Written at once, one file in memory at a time (a 汇总表 can be large).
      const temporary = path.join(dir, workingName(String(staged.length)));
      staged.push({ entry, temporary, signed: signedEntry(entry, signed) });
      await writeBeside(file, temporary, signed);
    }
    if (staged.length > 0) await swapIn(dir, manifest, staged, report);
    const order = new Map(manifest.files.map((e, i) => [path.join(dir, e.name), i]));
    report.outcomes.sort((a, b) => order.get(a.file)! - order.get(b.file)!);
    return report;
  } finally {
    for (const { temporary } of staged) await unlink(temporary).catch(() => undefined);
    await lock.release();
  }
}

/**
 * The signed files renamed over their originals, the manifest around them: first naming both
 * versions (complete: false), at the end what is there. A file changed since it was read is not
 * replaced.
 */
async function swapIn(dir: string, manifest: Manifest, staged: Staged[], report: SignReport): Promise<void> {
  await writeManifest(dir, { ...manifest, complete: false, files: [...manifest.files, ...staged.map((s) => s.signed)] });
  const done = new Map<string, ManifestEntry>();
  try {
    for (const { entry, temporary, signed } of staged) {
      const file = path.join(dir, entry.name);
      if ((await fsStep('读取', file, () => sha256File(file))) !== entry.sha256) {
        report.outcomes.push({ kind: 'changed', file });
        continue;
      }
      await replace(temporary, file);
      done.set(entry.name, signed);
      report.outcomes.push({ kind: 'signed', file });
    }
  } finally {
    // What is there now, whatever happened above.
    await writeManifest(dir, { ...manifest, complete: true, files: manifest.files.map((e) => done.get(e.name) ?? e) });
    report.manifestUpdated = done.size > 0;
  }
}

/** Written beside `file` (same folder, so the rename is atomic), with its permissions. */
async function writeBeside(file: string, temporary: string, bytes: Buffer): Promise<void> {
  await fsStep('写入', file, async () => {
    try {
      await writeFile(temporary, bytes);
      await chmod(temporary, (await stat(file)).mode & 0o7777);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
  });
}

const replace = (temporary: string, file: string) => fsStep('替换', file, () => rename(temporary, file));

async function writeManifest(dir: string, manifest: Manifest): Promise<void> {
  const file = path.join(dir, MANIFEST_FILE);
  const temporary = path.join(dir, workingName(MANIFEST_FILE));
  await writeBeside(file, temporary, manifestBytes(manifest));
  await replace(temporary, file);
}
