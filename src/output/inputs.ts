// Which data files a command works on: a file as given (a .json, or a fill-in workbook .xlsx), or
// every *.json directly in a folder but a JSON Schema (*.schema.json: `shenbao init` puts
// packet.schema.json beside the data). A folder's .xlsx files are not read: offices keep their own
// spreadsheets beside the data (a budget sheet, Excel's ~$ lock files); a workbook is named.
import type { Stats } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fsFailure, fsStep, notFoundMessage, READ, reading, UserError } from '../errors.js';
import { notRegular, refusedKind } from '../files.js';

export async function findDataFiles(input: string): Promise<string[]> {
  const info = await stat(input).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
    throw fsFailure(error, READ, input);
  });
  if (!info) throw new UserError(notFoundMessage(input));
  if (!info.isDirectory()) return [refuseSpecial(input, info)];
  const entries = await fsStep(reading('文件夹'), input, () => readdir(input));
  const files = entries.filter((f) => isDataFileName(f)).sort();
  if (files.length === 0) throw new UserError(`目录 ${input} 中没有 .json 数据文件`);
  // A FIFO or device among them is refused before any work (reading it would wait, or never end).
  for (const file of files.map((f) => path.join(input, f))) {
    const entry = await stat(file).catch(() => undefined);
    if (entry) refuseSpecial(file, entry);
  }
  return files.map((f) => path.join(input, f));
}

/** A FIFO, device or socket given as a data file: one line, before any work. (A folder is said when read.) */
function refuseSpecial(file: string, info: Stats): string {
  const kind = notRegular(info);
  if (kind && kind !== 'directory') throw refusedKind(file, kind, '数据文件');
  return file;
}

/** A folder's data file: *.json, not hidden, not a schema (*.schema.json). */
export function isDataFileName(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.endsWith('.json') && !lower.endsWith('.schema.json') && !name.startsWith('.');
}

/** A fill-in workbook (`shenbao xlsx`), read as its data. */
export const isWorkbookFile = (file: string): boolean => /\.xlsx$/i.test(file);
