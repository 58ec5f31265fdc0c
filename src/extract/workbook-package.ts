// A workbook's container, checked before ExcelJS reads it whole: ExcelJS inflates every part into
// memory and builds every row, so a zip bomb, or a sheet of a million rows, would take the machine's
// memory before a word could be said. Here each part is inflated with a cap on the bytes it
// actually gives (whatever its header claims), and each sheet's rows are counted, stopping at the cap.
import { UserError } from '../errors.js';
import { megabytes } from '../files.js';
import { ZipArchive, ZipDamaged, ZipEntryTooLarge } from './docx-zip.js';

/** The parts of a workbook, inflated, at most this much in all (a 1,000-project workbook is about 3 MB). */
export const MAX_WORKBOOK_INFLATED_BYTES = 200 * 1024 * 1024;
/** Rows of one sheet: 10,000 projects of 11 indicators each fit, ten times over. */
export const MAX_WORKBOOK_ROWS = 200_000;
const MAX_PARTS = 1_000;

/** The first bytes of an OLE2 compound file: an Excel 97–2003 .xls, or an .xlsx encrypted with a password to open. */
const OLE2 = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

/** Refuses what is no .xlsx, or is too big to read, each with one message naming the file; else returns. */
export async function checkWorkbookPackage(bytes: Uint8Array, file: string): Promise<void> {
  const head = Buffer.from(bytes.subarray(0, 8));
  if (head.equals(OLE2))
    throw new UserError(`${file} 是旧的 Excel 97-2003 工作簿（.xls），或设了打开密码：shenbao 只读 .xlsx。请在 Excel 或 WPS 里打开它，“另存为” Excel 工作簿（.xlsx，不设密码）后再读`);
  if (head.subarray(0, 2).toString('latin1') !== 'PK') throw new UserError(`${file} 不是 Excel 工作簿（.xlsx）：文件内容不是 .xlsx 的格式`);
  let zip: ZipArchive;
  try {
    zip = await ZipArchive.open(bytes);
  } catch (error) {
    if (error instanceof ZipDamaged) throw new UserError(`${file} 已损坏，无法读取（${error.message}）：请在 Excel 里打开并另存一次`);
    throw error;
  }
  if (zip.entries.length > MAX_PARTS) throw new UserError(`${file} 里有 ${zip.entries.length} 个部件，不像申报用的工作簿（最多 ${MAX_PARTS} 个）`);
  let left = MAX_WORKBOOK_INFLATED_BYTES;
  const tooBig = () =>
    new UserError(`${file} 解压后超过 ${megabytes(MAX_WORKBOOK_INFLATED_BYTES)} MB，太大，没有读（申报用的工作簿，1000 个项目也只有几 MB；它可能是“压缩炸弹”）`);
  for (const entry of zip.entries) {
    if (entry.name.endsWith('/')) continue;
    if (entry.originalSize > left) throw tooBig();
    let content: Uint8Array;
    try {
      content = await zip.inflate(entry, left);
    } catch (error) {
      if (error instanceof ZipEntryTooLarge) throw tooBig();
      if (error instanceof ZipDamaged) throw new UserError(`${file} 已损坏，无法读取（${error.message}）：请在 Excel 里打开并另存一次`);
      throw error;
    }
    left -= content.length;
    if (/^xl\/worksheets\/[^/]+\.xml$/i.test(entry.name)) {
      const rows = countRows(content);
      if (rows > MAX_WORKBOOK_ROWS)
        throw new UserError(`${file} 的一个工作表（${entry.name}）超过 ${MAX_WORKBOOK_ROWS.toLocaleString('en-US')} 行，太多，没有读：请删去空行，或把项目分到几个工作簿里`);
    }
  }
}

/** How many <row> elements a sheet's XML has (with or without a namespace prefix), counting up to just past the cap. */
function countRows(xml: Uint8Array): number {
  const text = Buffer.from(xml.buffer, xml.byteOffset, xml.byteLength).toString('latin1');
  const pattern = /<(?:[A-Za-z_][\w.-]*:)?row[\s>/]/g;
  let rows = 0;
  while (pattern.exec(text) && rows <= MAX_WORKBOOK_ROWS) rows++;
  return rows;
}
