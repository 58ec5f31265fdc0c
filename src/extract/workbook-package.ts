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
/** Cells of one sheet (empty styled ones too): 9 million took 3.2 GB in ExcelJS; 110,000 indicator rows are 550,000. */
export const MAX_WORKBOOK_CELLS = 2_000_000;

/** The first bytes of an OLE2 compound file: an Excel 97–2003 .xls, or an .xlsx encrypted with a password to open. */
const OLE2 = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

/** A workbook refused as a whole: `detail` says why, in words that follow the file's name. */
export class WorkbookRefused extends UserError {
  override name = 'WorkbookRefused';
  constructor(
    readonly file: string,
    readonly detail: string,
  ) {
    super(`${file}：${detail}`);
  }
}

/** Refuses what is no .xlsx, or is too big to read, each with one message naming the file; else returns. */
export async function checkWorkbookPackage(bytes: Uint8Array, file: string): Promise<void> {
  const refuse = (detail: string) => new WorkbookRefused(file, detail);
  const head = Buffer.from(bytes.subarray(0, 8));
  if (head.equals(OLE2))
    throw refuse('是旧的 Excel 97-2003 工作簿（.xls），或设了打开密码：shenbao 只读 .xlsx。请在 Excel 或 WPS 里打开它，“另存为” Excel 工作簿（.xlsx，不设密码）后再读');
  if (head.subarray(0, 2).toString('latin1') !== 'PK') throw refuse('不是 Excel 工作簿（.xlsx）：文件内容不是 .xlsx 的格式');
  let zip: ZipArchive;
  try {
    zip = await ZipArchive.open(bytes);
  } catch (error) {
    if (error instanceof ZipDamaged) throw refuse(`已损坏，无法读取（${error.message}）：请在 Excel 里打开并另存一次`);
    throw error;
  }
  const names = new Set<string>();
  for (const entry of zip.entries) {
    const name = entry.name.toLowerCase();
    // Two parts of one name: readers differ on which counts (LibreOffice the second, Excel calls the file damaged).
    if (names.has(name)) throw refuse(`已损坏：压缩包里有两个 ${entry.name}，不知道读哪一个。请在 Excel 里打开并另存一次`);
    names.add(name);
  }
  if (zip.entries.length > MAX_PARTS) throw refuse(`工作簿里有 ${zip.entries.length} 个部件，不像申报用的工作簿（最多 ${MAX_PARTS} 个）`);
  let left = MAX_WORKBOOK_INFLATED_BYTES;
  const tooBig = () => refuse(`解压后超过 ${megabytes(MAX_WORKBOOK_INFLATED_BYTES)} MB，太大，没有读（申报用的工作簿，1000 个项目也只有几 MB；它可能是“压缩炸弹”）`);
  const texts = new Map<string, string>();
  const over: string[] = [];
  const isoDates: string[] = [];
  for (const entry of zip.entries) {
    if (entry.name.endsWith('/')) continue;
    if (entry.originalSize > left) throw tooBig();
    let content: Uint8Array;
    try {
      content = await zip.inflate(entry, left);
    } catch (error) {
      if (error instanceof ZipEntryTooLarge) throw tooBig();
      if (error instanceof ZipDamaged) throw refuse(`已损坏，无法读取（${error.message}）：请在 Excel 里打开并另存一次`);
      throw error;
    }
    left -= content.length;
    if (/^xl\/worksheets\/[^/]+\.xml$/i.test(entry.name)) {
      const text = Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('latin1');
      if (countRows(text) > MAX_WORKBOOK_ROWS || countCells(text) > MAX_WORKBOOK_CELLS) over.push(entry.name);
      // An ISO date cell (t="d"): ExcelJS reads 2023-01-01T00:00 as the serial number 2023, a day in 1905.
      if (/<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*\bt="d"/.test(text)) isoDates.push(entry.name);
    }
    if (/^xl\/(_rels\/)?workbook\.xml(\.rels)?$/i.test(entry.name)) texts.set(entry.name.toLowerCase(), Buffer.from(content).toString('utf8'));
  }
  const sheetsOf = (parts: string[]) => {
    const names = sheetNames(texts.get('xl/workbook.xml') ?? '', texts.get('xl/_rels/workbook.xml.rels') ?? '');
    return parts.map((part) => `「${names.get(part) ?? part}」`).join('');
  };
  if (over.length > 0)
    throw refuse(`工作表${sheetsOf(over)}超过 ${MAX_WORKBOOK_ROWS.toLocaleString('en-US')} 行或 ${MAX_WORKBOOK_CELLS.toLocaleString('en-US')} 个单元格，太多，没有读：请删去空行，或把项目分到几个工作簿里`);
  if (isoDates.length > 0)
    throw refuse(`工作表${sheetsOf(isoDates)}里有按 ISO 文字存的日期单元格（t="d"，由程序写出）：shenbao 读不准它们，请在 Excel 或 WPS 里打开、另存一次`);
}

/** Each worksheet part's sheet name (xl/worksheets/sheet3.xml → 项目), from the workbook and its relationships, for messages. */
function sheetNames(workbook: string, rels: string): Map<string, string> {
  const attribute = (element: string, name: string) => new RegExp(`\\s(?:[\\w.-]+:)?${name}="([^"]*)"`).exec(element)?.[1];
  const targets = new Map<string, string>();
  for (const [element] of rels.matchAll(/<(?:\w+:)?Relationship\s[^>]*>/g)) {
    const id = attribute(element, 'Id');
    const target = attribute(element, 'Target');
    if (id && target) targets.set(id, target.startsWith('/') ? target.slice(1) : `xl/${target}`);
  }
  const names = new Map<string, string>();
  for (const [element] of workbook.matchAll(/<(?:\w+:)?sheet\s[^>]*>/g)) {
    const target = targets.get(attribute(element, 'id') ?? '');
    const name = attribute(element, 'name');
    if (target && name) names.set(target, name.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'"));
  }
  return names;
}

/** How many <c> elements (cells, empty styled ones too) a sheet's XML has, counting up to just past the cap. */
function countCells(text: string): number {
  const pattern = /<(?:[A-Za-z_][\w.-]*:)?c[\s>/]/g;
  let cells = 0;
  while (pattern.exec(text) && cells <= MAX_WORKBOOK_CELLS) cells++;
  return cells;
}

/** How many <row> elements a sheet's XML has (with or without a namespace prefix), counting up to just past the cap. */
function countRows(text: string): number {
  const pattern = /<(?:[A-Za-z_][\w.-]*:)?row[\s>/]/g;
  let rows = 0;
  while (pattern.exec(text) && rows <= MAX_WORKBOOK_ROWS) rows++;
  return rows;
}
