// What a packet folder holds before a build: shenbao's own files (named in manifest.json, bytes
// unchanged) and everything else, which a build must never delete, move or overwrite.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fsFailure, fsStep, READ, reading, UserError } from '../errors.js';
import { MANIFEST_FILE, readManifest, sha256File, type Manifest, type ManifestEntry } from './manifest.js';
import { isLockName } from './lock.js';
import { isStagingName } from './staging.js';

export interface PacketFolder {
  dir: string;
  /** False when the folder does not exist yet: the build creates it. */
  exists: boolean;
  manifest?: Manifest;
  /** Files shenbao wrote and nobody has changed since, by name. */
  owned: Map<string, ManifestEntry>;
  /** Every other entry of the folder (files the user put there, folders, edited outputs). */
  foreign: string[];
  /** Of `foreign`: files shenbao once wrote that were changed since; they are the user's now. */
  changed: string[];
}

export async function inspectPacketFolder(dir: string): Promise<PacketFolder> {
  const info = await stat(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    if (error.code === 'ENOTDIR') throw new UserError(`无法使用输出目录 ${path.dirname(dir)}：它（或它的上级）是一个文件，不是文件夹，请用 -o 换一个输出目录`);
    throw fsFailure(error, READ, dir);
  });
  const folder: PacketFolder = { dir, exists: info !== undefined, owned: new Map(), foreign: [], changed: [] };
  if (!info) return folder;
  if (!info.isDirectory()) throw new UserError(`输出位置 ${dir} 已有一个同名文件，不是文件夹：shenbao 不会覆盖它，请用 -o 换一个输出目录`);

  folder.manifest = await fsStep(READ, path.join(dir, MANIFEST_FILE), () => readManifest(dir));
  const recorded = new Map<string, ManifestEntry[]>();
  for (const entry of folder.manifest?.files ?? []) recorded.set(entry.name, [...(recorded.get(entry.name) ?? []), entry]);

  const entries = await fsStep(reading('文件夹'), dir, () => readdir(dir, { withFileTypes: true }));
  for (const entry of entries) {
    if (entry.name === MANIFEST_FILE || isLockName(entry.name) || isStagingName(entry.name)) continue;
    const versions = recorded.get(entry.name);
    if (versions && entry.isFile()) {
      const file = path.join(dir, entry.name);
      const hash = await fsStep(READ, file, () => sha256File(file));
      const match = versions.find((v) => v.sha256 === hash);
      if (match) {
        folder.owned.set(entry.name, match);
        continue;
      }
      folder.changed.push(entry.name);
    }
    folder.foreign.push(entry.name);
  }
  return folder;
}

/**
 * The names a build would write that are taken by a file not shenbao's. Compared without case
 * and Unicode normalisation differences, as Windows and macOS compare names.
 */
export function collisions(folder: PacketFolder, names: readonly string[]): string[] {
  const foreign = new Map(folder.foreign.map((name) => [foldName(name), name]));
  return names.flatMap((name) => foreign.get(foldName(name)) ?? []);
}

export const foldName = (name: string): string => name.normalize('NFC').toLowerCase();
