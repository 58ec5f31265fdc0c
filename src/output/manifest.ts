// manifest.json: the record, kept in every packet folder, of the files shenbao wrote there, each
// with its size and SHA-256. It is how a build tells its own files (which it may replace or
// remove) from everybody else's (which it never touches): a file is shenbao's only if the manifest
// names it AND its bytes still hash to what was recorded. A file edited since (a stamped PDF saved
// over ours) is the user's from then on.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import { readRegular } from '../files.js';
import { SHENBAO_VERSION } from '../version.js';
import { jsonPieces } from './json-pieces.js';

export const MANIFEST_FILE = 'manifest.json';

/** shenbao's version (package.json) and its data format's: recorded in every manifest. */
export const VERSIONS = { shenbao: SHENBAO_VERSION, dataFormat: 1 };
const GENERATOR = 'shenbao';
const FORMAT = 1;

export interface ManifestEntry {
  name: string;
  size: number;
  sha256: string;
  /** SHA-256 of the data the file was made from (the project, or the packet for the 汇总表). */
  data?: string;
  /** Signed by `shenbao sign` (these bytes are the signed file): verify then wants its signature to hold. */
  signed?: true;
}

export interface Manifest {
  generator: typeof GENERATOR;
  format: typeof FORMAT;
  /** The data file this folder was built from (build.ts: a folder belongs to one data file). */
  source: ManifestSource;
  /** What wrote the files: shenbao's version, and the version of the data format (the JSON Schema) it read. Absent in older folders. */
  versions?: { shenbao: string; dataFormat: number };
  /**
   * false while a build swaps its files in. Until it says true again, `files` lists the old and
   * the new version of every file being replaced, so a build killed half-way still knows its own.
   */
  complete: boolean;
  /** While not complete: what was swapping files in (a build, or `sign`, which can finish its own swap). */
  pending?: 'build' | 'sign';
  /**
   * While a build swaps its files in: the staging folder (a name in this folder) that holds the
   * new files, the old ones moved aside and the manifest to end with. The next build finishes the
   * swap from it (staging.ts).
   */
  swap?: string;
  files: ManifestEntry[];
}

export interface ManifestSource {
  /** The data file's name. */
  file: string;
  sha256: string;
  /** Where it was: its absolute path, links resolved. Absent in older folders. */
  path?: string;
  /** The same, from the packet folder (links resolved): a data file moved together with its output folder is still found. */
  relative?: string;
}

/** The folder's manifest; undefined if there is none. A manifest.json not written by shenbao is refused. */
export async function readManifest(dir: string): Promise<Manifest | undefined> {
  const file = path.join(dir, MANIFEST_FILE);
  let bytes: Buffer | undefined;
  try {
    // Only a regular file is read: a FIFO named manifest.json would make every command wait for ever.
    bytes = await readRegular(file, { follow: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const manifest = bytes && parseManifest(bytes);
  if (manifest) return manifest;
  throw new UserError(
    `输出目录 ${dir} 中已有一个 ${MANIFEST_FILE}，但不是 shenbao 写的（或已损坏）：shenbao 不会覆盖它。请把它移走，或用 -o 换一个输出目录`,
  );
}

/** A manifest as shenbao writes it, from its bytes; undefined for anything else. */
export function parseManifest(bytes: Uint8Array): Manifest | undefined {
  try {
    const manifest = JSON.parse(Buffer.from(bytes).toString('utf8')) as Manifest;
    if (manifest.generator === GENERATOR && manifest.format === FORMAT && Array.isArray(manifest.files) && manifest.files.every(isEntry)) {
      return { ...manifest, source: sourceOf(manifest.source) };
    }
  } catch {
    // not ours
  }
  return undefined;
}

/** The recorded source, its paths kept only where they are strings (a damaged record names no file). */
function sourceOf(source: unknown): ManifestSource {
  const s = (source ?? {}) as Partial<Record<keyof ManifestSource, unknown>>;
  const text = (value: unknown) => (typeof value === 'string' && value !== '' && !value.includes('\0') ? value : undefined);
  const at = text(s.path);
  const relative = text(s.relative);
  return {
    file: typeof s.file === 'string' ? s.file : '',
    sha256: typeof s.sha256 === 'string' ? s.sha256 : '',
    ...(at && path.isAbsolute(at) ? { path: at } : {}),
    ...(relative ? { relative } : {}),
  };
}

/** A file entry as shenbao writes it; a name is a plain file name, never a path. */
function isEntry(entry: unknown): entry is ManifestEntry {
  const e = entry as Partial<ManifestEntry> | null;
  return (
    typeof e?.name === 'string' &&
    e.name !== '' &&
    path.basename(e.name) === e.name &&
    e.name !== '.' &&
    e.name !== '..' &&
    typeof e.size === 'number' &&
    typeof e.sha256 === 'string'
  );
}

/**
 * The data file a folder's manifest records, where it is now: found from the folder first (a data
 * file moved together with its output folder, or a copied year's folder), then where it was.
 * Undefined when it is at neither place (moved, renamed or deleted), or when the manifest is from
 * a version that did not record it.
 */
export async function recordedDataFile(dir: string, source: ManifestSource): Promise<string | undefined> {
  const here = source.relative === undefined ? undefined : await realpath(dir).then((real) => path.resolve(real, source.relative!), () => undefined);
  for (const candidate of [here, source.path]) {
    if (candidate !== undefined && (await stat(candidate).catch(() => undefined))?.isFile()) return candidate;
  }
  return undefined;
}

export function manifestBytes(manifest: Manifest): Buffer {
  return Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
}

/** The data a 汇总表's PDF carries: the packet without `$schema` (an editor's pointer, not data). */
export function packetData<P extends { $schema?: string }>(packet: P): Omit<P, '$schema'> {
  const { $schema: _, ...data } = packet;
  return data;
}

/** The data a form's PDF carries: its packet's header with its one project. */
export const formData = <H extends { $schema?: string }>(header: H, project: unknown) => ({ ...packetData(header), projects: [project] });

/** A form's `data` in the manifest: the hash of what its PDF carries. */
export const formDataHash = (header: { $schema?: string }, project: unknown): string => sha256(JSON.stringify(formData(header, project)));

/**
 * The 汇总表's `data` in the manifest: the hash of what its PDF carries. Hashed a project at a time
 * (json-pieces.ts): the whole packet's JSON is some 34 MB at 10,000 projects, and its UTF-8 as many again.
 */
export function packetDataHash(packet: { $schema?: string }): string {
  const hash = createHash('sha256');
  for (const piece of jsonPieces(packetData(packet), 2, true)) hash.update(piece);
  return hash.digest('hex');
}

export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** SHA-256 of a file on disk, streamed (a 汇总表 can be large). */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
