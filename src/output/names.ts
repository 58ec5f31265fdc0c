// Output file names that are safe on Windows and Linux whatever a project name holds:
// sanitize-filename drops / \ : * ? " < > |, control characters, reserved names (CON, NUL…) and
// trailing dots/spaces, and keeps the name within 255 bytes. Before it, the invisible and direction
// characters that data text may not hold (model/text.ts) become "_": a data file's name is not
// checked as data is, and U+2066 in a name can make a file manager show 01-培训费exe.pdf.pdf.
import path from 'node:path';
import sanitize from 'sanitize-filename';
import { replaceUnwritable } from '../model/text.js';

/** UTF-8 bytes left for the project name: 255 minus "NN-" and ".docx", with room to spare. */
const NAME_BYTES = 200;

export function projectFileName(number: number, count: number, name: string, extension: string): string {
  const width = Math.max(2, String(count).length);
  const safe = sanitize(replaceUnwritable(name.replace(/\s+/g, ' '), '_').replace(/[. ]+$/, '').trim(), { replacement: '_' });
  return `${String(number).padStart(width, '0')}-${truncateBytes(safe, NAME_BYTES) || '项目'}.${extension}`;
}

export const SUMMARY_FILE_NAME = '汇总表';

/** What a PDF says it is (its Subject): a form, or the 汇总表. `extract` tells them apart by it. */
export const PDF_SUBJECT = { form: '财政项目支出绩效目标申报表', summary: '项目绩效目标汇总表' } as const;

/** out/<packet>/: the data file's own name, e.g. data/minhang-2023.json -> minhang-2023. */
export function packetDirName(dataFile: string): string {
  return sanitize(replaceUnwritable(path.basename(dataFile, path.extname(dataFile)), '_'), { replacement: '_' }) || 'packet';
}

function truncateBytes(text: string, maxBytes: number): string {
  let out = '';
  for (const ch of text) {
    if (Buffer.byteLength(out + ch) > maxBytes) break;
    out += ch;
  }
  return out.replace(/[. ]+$/, '');
}
