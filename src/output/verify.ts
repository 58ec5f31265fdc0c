// `shenbao verify <dir>`: is this the packet that was built? Every file manifest.json names is
// read again and hashed; a file it names that is gone, or whose size or SHA-256 differ, and a file
// it does not name, are each reported by name. Nothing is written or changed.
//
// This is the files part of the archive check. What the PDFs carry inside them (the declaration
// as data, a signature) is checked here too once the PDFs carry it.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import { MANIFEST_FILE, readManifest, sha256File, type Manifest } from './manifest.js';

export interface VerifyFinding {
  /** missing: named but gone; altered: its bytes differ; added: not named (not shenbao's). */
  kind: 'missing' | 'altered' | 'added' | 'incomplete';
  /** The file, in the packet folder. */
  name: string;
  message: string;
}

export interface FolderVerification {
  dir: string;
  manifest: Manifest;
  /** Files named by the manifest that are there with their recorded bytes. */
  intact: number;
  findings: VerifyFinding[];
}

/** shenbao's own working names in a packet folder (its lock, a build's staging folder): never findings. */
const isWorkingName = (name: string) => name.startsWith('.shenbao');

/** A packet folder (with manifest.json), or an output folder whose packet folders are each verified. */
export async function verifyOutput(dir: string): Promise<FolderVerification[]> {
  const own = await readManifest(dir);
  if (own) return [await verifyFolder(dir, own)];
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    throw new UserError(error.code === 'ENOENT' ? `没有找到目录 ${dir}` : `无法读取目录 ${dir}（${error.code ?? error.message}）`);
  });
  const results: FolderVerification[] = [];
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name, 'en'))) {
    const folder = path.join(dir, entry.name);
    const manifest = await readManifest(folder);
    if (manifest) results.push(await verifyFolder(folder, manifest));
  }
  if (results.length === 0) throw new UserError(`${dir} 里没有 ${MANIFEST_FILE}，也没有含 ${MANIFEST_FILE} 的子目录：不是 shenbao 的输出目录`);
  return results;
}

async function verifyFolder(dir: string, manifest: Manifest): Promise<FolderVerification> {
  const findings: VerifyFinding[] = [];
  const where = (name: string) => path.join(dir, name);
  if (!manifest.complete) {
    findings.push({ kind: 'incomplete', name: MANIFEST_FILE, message: `${where(MANIFEST_FILE)}：上一次生成在替换文件时中断了，这个目录里新旧文件混在一起；请重新生成` });
  }
  let intact = 0;
  const named = new Set<string>([MANIFEST_FILE]);
  for (const entry of manifest.files) {
    named.add(entry.name);
    const file = where(entry.name);
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) {
      findings.push({ kind: 'missing', name: entry.name, message: `${file}：缺少这个文件（${MANIFEST_FILE} 记着它，${entry.size} 字节）` });
    } else if (info.size !== entry.size || (await sha256File(file)) !== entry.sha256) {
      findings.push({
        kind: 'altered',
        name: entry.name,
        message: `${file}：已被改动，与生成时不同（${info.size === entry.size ? '大小相同，内容不同' : `大小 ${info.size} 字节，生成时 ${entry.size} 字节`}）`,
      });
    } else intact++;
  }
  const present = await readdir(dir, { withFileTypes: true });
  for (const entry of present.filter((e) => !named.has(e.name) && !isWorkingName(e.name)).sort((a, b) => a.name.localeCompare(b.name, 'en'))) {
    const what = entry.isDirectory() ? '文件夹' : '文件';
    findings.push({ kind: 'added', name: entry.name, message: `${where(entry.name)}：多出来的${what}，${MANIFEST_FILE} 里没有它（不是这次生成的）` });
  }
  return { dir, manifest, intact, findings };
}
