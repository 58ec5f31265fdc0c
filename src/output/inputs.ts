// Which data files a command works on: a file as given, or every *.json directly in a folder.
import type { Stats } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fsFailure, fsStep, UserError } from '../errors.js';
import { notRegular, refusedKind } from '../files.js';

export async function findDataFiles(input: string): Promise<string[]> {
  const info = await stat(input).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
    throw fsFailure(error, '读取', input);
  });
  if (!info) throw new UserError(`找不到文件或目录：${input}，请检查路径是否写对`);
  if (!info.isDirectory()) return [refuseSpecial(input, info)];
  const entries = await fsStep('读取文件夹', input, () => readdir(input));
  const files = entries.filter((f) => f.toLowerCase().endsWith('.json') && !f.startsWith('.')).sort();
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
