// The data files of the folder `shenbao serve` was started on, and nothing else: a name from the
// browser is a file directly in that folder (no path, no `..`, no symbolic link), and is read and
// written only as a data file. A save is atomic (written beside, then renamed over), in the
// schema's key order, and refused when the file changed on disk since the browser read it. The
// folder's fill-in workbooks (.xlsx) are read too, as the data they hold, and never written: their
// data is saved as the .json of the same name.
import { createHash } from 'node:crypto';
import { chmod, lstat, readdir, realpath, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import { fsStep, READ } from '../errors.js';
import { readBounded, writeBeside, writeNewFile } from '../files.js';
import { DisplaySchema } from '../model/display.js';
import { AnnualFundsSchema, IndicatorSchema, PacketSchema, ProjectFundsSchema, ProjectSchema } from '../model/packet.js';
import { isDataFileName } from '../output/inputs.js';

export interface DataFileInfo {
  name: string;
  /** A data file, or a fill-in workbook (opened as its data, saved as the .json of its name). */
  kind: 'json' | 'workbook';
  size: number;
  /** ISO time of the last change. */
  modified: string;
}

/** A data file as read: its text and its version (the SHA-256 of its bytes), to save against. */
export interface ReadDataFile {
  text: string;
  version: string;
}

/** A name the browser may not have: said with the status to answer. */
export class RefusedName extends UserError {
  constructor(
    message: string,
    readonly status: 403 | 404,
  ) {
    super(message);
  }
}

const versionOf = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** A data file the page can open and save again: what the server takes in one request (server.ts MAX_BODY_BYTES). */
export const MAX_SERVED_FILE_BYTES = 20 * 1024 * 1024;

export class PacketFolder {
  /** Saves of one file, one after another: two with the same version must not both win. */
  private readonly saving = new Map<string, Promise<unknown>>();

  private constructor(readonly folder: string) {}

  /** The folder, its links resolved once: every file served must lie directly in it. */
  static async open(folder: string): Promise<PacketFolder> {
    return new PacketFolder(await realpath(folder));
  }

  /** The data files and workbooks directly in the folder (regular files only; a link is not followed), by name. */
  async list(): Promise<DataFileInfo[]> {
    const names = (await readdir(this.folder)).filter((name) => isDataFileName(name) || isWorkbookName(name)).sort();
    const files: DataFileInfo[] = [];
    for (const name of names) {
      const info = await lstat(path.join(this.folder, name)).catch(() => undefined);
      if (info?.isFile() && info.nlink === 1) files.push({ name, kind: isWorkbookName(name) ? 'workbook' : 'json', size: info.size, modified: info.mtime.toISOString() });
    }
    return files;
  }

  /**
   * The path of data file `name` (or, `workbook`, of a workbook), refused unless it is a plain
   * name of one directly in the folder. `opens`: the refusal says a workbook would be opened too.
   */
  private async pathOf(name: string, { exists, workbook = false, opens = workbook }: { exists: boolean; workbook?: boolean; opens?: boolean }): Promise<string> {
    if (!plainName(name) || !(isDataFileName(name) || (workbook && isWorkbookName(name))))
      throw new RefusedName(`「${name}」不是这个文件夹里的数据文件名（只能是文件夹里的 .json 文件${opens ? '或 .xlsx 工作簿' : ''}，不能带路径）`, 403);
    const file = path.join(this.folder, name);
    const info = await lstat(file).catch(() => undefined);
    if (!exists) {
      if (info) throw new RefusedName(`${name} 已存在`, 403);
      return file;
    }
    if (!info) throw new RefusedName(`文件夹里没有 ${name}`, 404);
    // A link could lead anywhere (out of the folder): not followed, not served.
    if (!info.isFile()) throw new RefusedName(`${name} 不是普通文件（是链接、文件夹或设备），不打开它`, 403);
    // A hard link is the same file as one elsewhere, perhaps outside the folder: not opened either.
    if (info.nlink > 1) throw new RefusedName(`${name} 还有别的硬链接（同一个文件也在别处），不打开它：请复制一份放进文件夹`, 403);
    return file;
  }

  /** The path of data file `name`, for build to read: refused as a read is. */
  async dataFilePath(name: string): Promise<string> {
    return this.pathOf(name, { exists: true });
  }

  /** Workbook `name`'s bytes, opened as a data file is (no link followed), at most what a data file may be. */
  async readWorkbook(name: string): Promise<Buffer> {
    const file = await this.pathOf(name, { exists: true, workbook: true });
    return fsStep(READ, file, () => readBounded(file, { follow: false, limit: MAX_SERVED_FILE_BYTES, noun: 'Excel 工作簿' }));
  }

  /** The version of data file `name` (see read), or null when there is none (a link or folder by that name is refused). */
  async versionOf(name: string): Promise<string | null> {
    try {
      return (await this.read(name)).version;
    } catch (error) {
      if (error instanceof RefusedName && error.status === 404) return null;
      throw error;
    }
  }

  /** Data file `name`, as it is on disk. `opens`: asked by the page, which opens workbooks too (its refusal says so). */
  async read(name: string, { opens = false }: { opens?: boolean } = {}): Promise<ReadDataFile> {
    const file = await this.pathOf(name, { exists: true, opens });
    // Opened without following a link (O_NOFOLLOW): one put in its place since pathOf looked is
    // refused, not followed out of the folder. At most what a save can send back.
    const bytes = await fsStep(READ, file, () => readBounded(file, { follow: false, limit: MAX_SERVED_FILE_BYTES, noun: '数据文件' }));
    return { text: bytes.toString('utf8'), version: versionOf(bytes) };
  }

  /**
   * Saves `data` as `name`, in the schema's key order: over the file when it is still `version`
   * (else the file on disk is returned, nothing written), or as a new file when `version` is null
   * (a file already there is returned, as a changed one is).
   */
  async save(name: string, data: unknown, version: string | null): Promise<{ saved: ReadDataFile } | { conflict: ReadDataFile }> {
    const before = this.saving.get(name) ?? Promise.resolve();
    const mine = before.catch(() => undefined).then(() => this.saveNow(name, data, version));
    this.saving.set(name, mine);
    try {
      return await mine;
    } finally {
      if (this.saving.get(name) === mine) this.saving.delete(name);
    }
  }

  private async saveNow(name: string, data: unknown, version: string | null): Promise<{ saved: ReadDataFile } | { conflict: ReadDataFile }> {
    const text = dataText(data);
    const saved = { text, version: versionOf(Buffer.from(text)) };
    if (version === null) {
      // A file of that name made meanwhile (or a workbook's .json already there) is someone's: shown, not replaced.
      const there = await this.versionOf(name);
      if (there !== null) return { conflict: await this.read(name) };
      await writeNewFile(await this.pathOf(name, { exists: false }), text);
      return { saved };
    }
    const file = await this.pathOf(name, { exists: true });
    const now = await this.read(name);
    if (now.version !== version) return { conflict: now };
    const { mode } = await lstat(file);
    const temporary = await writeBeside(file, text);
    try {
      // Saved as readable as it was (a file only its owner could read stays so).
      await chmod(temporary, mode & 0o7777);
      await rename(temporary, file);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
    return { saved };
  }
}

/** A name directly in the folder: no path, no control character, not . or .. */
const plainName = (name: string): boolean => name !== '' && name === path.basename(name) && !/[\\/\u0000-\u001f\u007f]/.test(name) && name !== '.' && name !== '..';

/**
 * A fill-in workbook of the folder: *.xlsx, not hidden, not Excel's lock file (~$…) of an open
 * workbook, and one whose data can be saved beside it (X.xlsx as X.json, a data file's name).
 */
export function isWorkbookName(name: string): boolean {
  return plainName(name) && /\.xlsx$/i.test(name) && !name.startsWith('~$') && isDataFileName(jsonNameOf(name));
}

/** The data file a workbook's data is saved as: 2027填报.xlsx → 2027填报.json. */
export const jsonNameOf = (workbook: string): string => `${workbook.slice(0, -'.xlsx'.length)}.json`;

/** The data as a data file's text: in the schema's key order, indented by two, a newline at the end. */
export function dataText(data: unknown): string {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new UserError('要保存的数据应是一个 JSON 对象（数据包）');
  try {
    return `${JSON.stringify(inSchemaOrder(data), null, 2)}\n`;
  } catch (error) {
    if (error instanceof RangeError) throw new UserError('要保存的数据嵌套太深，写不成数据文件');
    throw error;
  }
}

const KEYS = {
  packet: Object.keys(PacketSchema.shape),
  project: Object.keys(ProjectSchema.shape),
  funds: ['project', 'annual'],
  projectFunds: Object.keys(ProjectFundsSchema.shape),
  annualFunds: Object.keys(AnnualFundsSchema.shape),
  indicator: Object.keys(IndicatorSchema.shape),
  display: Object.keys(DisplaySchema.shape),
};

/** An object's known keys in `keys` order, then any other as given (a draft may hold them: validate names them). */
function ordered(value: unknown, keys: readonly string[], inner: Record<string, (v: unknown) => unknown> = {}): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const object = value as Record<string, unknown>;
  const names = [...keys.filter((k) => Object.hasOwn(object, k)), ...Object.keys(object).filter((k) => !keys.includes(k))];
  // Own entries only: a key named toString or __proto__ is data, not a way into Object.prototype.
  return Object.fromEntries(names.map((k) => [k, Object.hasOwn(inner, k) ? inner[k]!(object[k]) : object[k]]));
}

const each = (f: (v: unknown) => unknown) => (value: unknown) => (Array.isArray(value) ? value.map(f) : value);

/** The data in the schema's key order (as shenbao writes data files), whatever order the browser sent. */
export function inSchemaOrder(data: unknown): unknown {
  const project = (p: unknown) =>
    ordered(p, KEYS.project, {
      funds: (f) => ordered(f, KEYS.funds, { project: (x) => ordered(x, KEYS.projectFunds), annual: (x) => ordered(x, KEYS.annualFunds) }),
      indicators: each((i) => ordered(i, KEYS.indicator)),
    });
  return ordered(data, KEYS.packet, { display: (d) => ordered(d, KEYS.display), projects: each(project) });
}
