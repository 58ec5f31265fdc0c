// The fill-in workbook (`shenbao xlsx`), written fresh from the data each time with ExcelJS: an
// office's copy is never read, changed and saved again, for ExcelJS loses data validations on
// that round (exceljs#1184). The sheets and columns are model/workbook.ts's; the dropdowns read
// their lists from a hidden sheet through defined names, and 二级指标's list follows the row's
// 一级指标 through INDIRECT of the name that is that 一级指标.
import ExcelJS from 'exceljs';
import { UserError } from '../errors.js';
import { addRangeValidation } from './exceljs-adapter.js';
import { LEVEL1_NAMES, LEVEL2_BY_LEVEL1 } from '../model/framework.js';
import type { Packet, Project } from '../model/packet.js';
import {
  BLANK_ROWS,
  columnName,
  INDICATOR_FIELDS,
  printedHeader,
  PROJECT_FIELDS,
  SHEET,
  UNIT_CHOICES,
  UNIT_FIELDS,
  type WorkbookField,
} from '../model/workbook.js';

/** Excel keeps at most this many characters in a cell. */
export const EXCEL_CELL_MAX_LENGTH = 32_767;

const MONEY_FORMAT = '#,##0.00';
const DATE_FORMAT = 'yyyy-mm-dd';
const TEXT_FORMAT = '@';
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
const THIN: Partial<ExcelJS.Borders> = { bottom: { style: 'thin', color: { argb: 'FF8EA9DB' } } };
/** Protected without a password (the headers are not to be retyped by mistake), but rows may come and go. */
const PROTECTION: Partial<ExcelJS.WorksheetProtection> = {
  selectLockedCells: true,
  selectUnlockedCells: true,
  formatCells: true,
  formatColumns: true,
  formatRows: true,
  insertRows: true,
  deleteRows: true,
  sort: true,
  autoFilter: true,
};

export interface WorkbookOptions {
  /** Stamped as the workbook's creation time; default now. */
  date?: Date;
}

/** A fill-in workbook, empty or holding `packet` (valid: validate it first). */
export async function writeWorkbook(packet: Packet | undefined, options: WorkbookOptions = {}): Promise<Buffer> {
  if (packet) refuseUnwritable(packet);
  const book = new ExcelJS.Workbook();
  book.creator = 'shenbao';
  book.created = book.modified = options.date ?? new Date();
  writeGuide(book.addWorksheet(SHEET.guide));
  const unit = book.addWorksheet(SHEET.unit, { views: [{ state: 'frozen', ySplit: 1 }] });
  const projects = book.addWorksheet(SHEET.projects, { views: [{ state: 'frozen', xSplit: 1, ySplit: 1 }] });
  const indicators = book.addWorksheet(SHEET.indicators, { views: [{ state: 'frozen', ySplit: 1 }] });
  const lists = writeLists(book);

  await writeUnit(unit, packet, lists);
  const projectRows = (packet?.projects.length ?? 0) + BLANK_ROWS.projects;
  await writeTable(projects, PROJECT_FIELDS, (packet?.projects ?? []).map((p) => projectValues(p)), projectRows, lists);
  // 项目名称 in 绩效指标 is a dropdown of 项目's names, as many rows as 项目 has ready.
  book.definedNames.add(`${SHEET.projects}!$A$2:$A$${projectRows + 1}`, PROJECT_NAMES);
  const indicatorRows = (packet?.projects ?? []).flatMap((p) => p.indicators.map((i) => [p.name, i.level1, i.level2, i.name, i.target]));
  await writeTable(indicators, INDICATOR_FIELDS, indicatorRows, indicatorRows.length + BLANK_ROWS.indicators, lists);
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** A packet the workbook cannot hold as it is, said before anything is made. */
function refuseUnwritable(packet: Packet): void {
  const problems: string[] = [];
  const seen = new Map<string, number>();
  packet.projects.forEach((project, i) => {
    const first = seen.get(project.name);
    if (first !== undefined)
      problems.push(`第 ${i + 1} 个项目与第 ${first + 1} 个项目同名「${project.name}」：表格里的绩效指标按项目名称对应到项目，请先把名称改得不同`);
    else seen.set(project.name, i);
    for (const field of ['overallGoal', 'annualGoal'] as const) {
      const length = project[field]?.length ?? 0;
      if (length > EXCEL_CELL_MAX_LENGTH)
        problems.push(`第 ${i + 1} 个项目「${project.name}」的${field === 'annualGoal' ? '年度总体目标' : '项目总目标'}有 ${length} 个字符，Excel 的一个单元格最多放 ${EXCEL_CELL_MAX_LENGTH} 个`);
    }
  });
  if (problems.length > 0) throw new UserError(`无法写成 Excel 工作簿：\n${problems.join('\n')}`);
}

/** A project's cells, in PROJECT_FIELDS order. */
function projectValues(project: Project): unknown[] {
  return PROJECT_FIELDS.map((field) => valueAt(project, field.path));
}

function valueAt(from: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((value, key) => (value === undefined ? undefined : (value as Record<string, unknown>)[key]), from);
}

/** A value as its cell holds it: amounts as numbers, dates as dates (UTC midnight: ExcelJS writes dates as UTC). */
function cellValue(field: WorkbookField, value: unknown): ExcelJS.CellValue {
  if (value === undefined) return null;
  if (field.kind === 'money') return Number(value);
  if (field.kind === 'date') {
    const [y, m, d] = String(value).split('-').map(Number);
    return new Date(Date.UTC(y!, m! - 1, d!));
  }
  return typeof value === 'string' ? literal(value) : (value as ExcelJS.CellValue);
}

/**
 * Text as written, also where it looks like OOXML's escape of a character (_x000D_): ExcelJS
 * decodes those when it reads but does not escape them when it writes, so `_x0041_` came back
 * as A. `_x005F_` is the escaped underscore, as Excel writes it.
 */
const literal = (text: string): string => text.replace(/_x(?=[0-9A-Fa-f]{4}_)/g, '_x005F_x');

const formatOf = (field: WorkbookField) => (field.kind === 'money' ? MONEY_FORMAT : field.kind === 'date' ? DATE_FORMAT : field.kind === 'year' ? '0' : TEXT_FORMAT);

/** A header row, the rows of values, and `rows` data rows in all unlocked with their formats and dropdowns. */
async function writeTable(sheet: ExcelJS.Worksheet, fields: readonly WorkbookField[], rows: unknown[][], total: number, lists: Lists): Promise<void> {
  sheet.columns = fields.map((field, c) => ({
    width: columnWidth(field, rows.map((r) => r[c])),
    style: { numFmt: formatOf(field), protection: { locked: false }, alignment: { vertical: 'top', wrapText: field.kind === 'goal' } },
  }));
  header(sheet.getRow(1), fields.map(printedHeader));
  rows.forEach((values, r) => {
    const row = sheet.getRow(r + 2);
    fields.forEach((field, c) => (row.getCell(c + 1).value = cellValue(field, values[c])));
  });
  fields.forEach((field, c) => {
    const validation = dropdown(field, lists, c);
    if (!validation) return;
    // One validation over the column: a relative formula (INDIRECT($B2)) then follows each row, as Excel reads it.
    addRangeValidation(sheet, `${columnName(c)}2:${columnName(c)}${total + 1}`, validation);
  });
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: fields.length } };
  await sheet.protect('', PROTECTION);
}

function header(row: ExcelJS.Row, texts: readonly string[]): void {
  texts.forEach((text, c) => {
    const cell = row.getCell(c + 1);
    cell.value = text;
    cell.font = { bold: true };
    cell.fill = HEADER_FILL;
    cell.border = THIN;
    cell.numFmt = 'General';
    cell.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
    cell.protection = { locked: true };
  });
  row.height = 33;
}

/** 单位: a label, the value (unlocked) and what to write, one row each. */
async function writeUnit(sheet: ExcelJS.Worksheet, packet: Packet | undefined, lists: Lists): Promise<void> {
  sheet.columns = [
    { width: 14, style: { protection: { locked: true } } },
    { width: Math.max(40, ...UNIT_FIELDS.map((f) => displayWidth(String(valueAt(packet, f.path) ?? '')) + 2)), style: { protection: { locked: false }, numFmt: TEXT_FORMAT } },
    { width: 60, style: { protection: { locked: true }, alignment: { wrapText: true, vertical: 'top' } } },
  ];
  header(sheet.getRow(1), ['栏目', '填写内容', '说明']);
  UNIT_FIELDS.forEach((field, i) => {
    const row = sheet.getRow(i + 2);
    row.getCell(1).value = field.header;
    row.getCell(1).font = { bold: field.required };
    const value = valueAt(packet, field.path);
    const choices = UNIT_CHOICES[field.path.join('.')];
    const cell = row.getCell(2);
    if (field.kind === 'year') cell.numFmt = '0';
    cell.value = choices && value !== undefined ? (choices.find(([, data]) => data === value)?.[0] ?? null) : cellValue(field, value);
    row.getCell(3).value = field.note;
    const validation = dropdown(field, lists, 1);
    if (validation) row.getCell(2).dataValidation = validation;
  });
  await sheet.protect('', { ...PROTECTION, insertRows: false, deleteRows: false, sort: false, autoFilter: false });
}

/** 说明: how to fill the workbook in, and every column. */
function writeGuide(sheet: ExcelJS.Worksheet): void {
  sheet.columns = [{ width: 12 }, { width: 30 }, { width: 8 }, { width: 80 }];
  const lines = [
    '财政项目支出绩效目标申报表 填报工作簿',
    '',
    '1. 在“单位”表填写汇总表标题、单位和年度。',
    '2. 在“项目”表每个项目填一行：项目名称、性质、类别、部门、日期、资金和目标。金额以元为单位，最多两位小数。',
    '3. 在“绩效指标”表每个指标填一行：先选项目名称，再选一级指标、二级指标（二级的下拉列表随一级而变），再写三级指标和指标值。一个项目的指标按行的先后印在表上。',
    '4. 表头（第一行）已锁定，不要改动；可以插入、删除行，可以在右边加自己的列（读取时不用，会提示）。',
    '5. 填好后：shenbao validate 本文件.xlsx 检查；shenbao build 本文件.xlsx 生成申报表和汇总表。每个问题都会写明工作表和单元格，如 项目!K3。',
    '',
  ];
  lines.forEach((text, i) => {
    const cell = sheet.getCell(`A${i + 1}`);
    cell.value = text;
    if (i === 0) cell.font = { bold: true, size: 14 };
  });
  const start = lines.length + 1;
  header(sheet.getRow(start), ['工作表', '列（栏目）', '必填', '怎样填']);
  const rows: Array<[string, WorkbookField]> = [
    ...UNIT_FIELDS.map((f): [string, WorkbookField] => [SHEET.unit, f]),
    ...PROJECT_FIELDS.map((f): [string, WorkbookField] => [SHEET.projects, f]),
    ...INDICATOR_FIELDS.map((f): [string, WorkbookField] => [SHEET.indicators, f]),
  ];
  rows.forEach(([sheetName, field], i) => {
    const row = sheet.getRow(start + 1 + i);
    row.values = [sheetName, sheetName === SHEET.unit ? field.header : printedHeader(field), field.required ? '是' : '否', field.note];
    row.getCell(4).alignment = { wrapText: true, vertical: 'top' };
  });
}

/** The defined names of the lists on the hidden sheet, by what they list. */
interface Lists {
  level1: string;
  /** By field header (项目性质, 项目类别, 零金额, 年度括号). */
  byField: Map<string, string>;
}

const PROJECT_NAMES = '项目名称列表';

/**
 * 列表 (hidden): 一级指标 in column A, each 一级指标's 二级指标 under it in a column of its own
 * (defined by the 一级指标's own name, for INDIRECT), then the other fields' choices.
 */
function writeLists(book: ExcelJS.Workbook): Lists {
  const sheet = book.addWorksheet(SHEET.lists, { state: 'hidden' });
  const columns: Array<{ name: string; title: string; values: readonly string[] }> = [
    { name: '一级指标列表', title: '一级指标', values: LEVEL1_NAMES },
    ...LEVEL1_NAMES.map((level1) => ({ name: level1, title: level1, values: LEVEL2_BY_LEVEL1[level1]! })),
  ];
  const byField = new Map<string, string>();
  for (const field of [...UNIT_FIELDS, ...PROJECT_FIELDS]) {
    if (!field.list) continue;
    const name = `${field.header}列表`;
    byField.set(field.header, name);
    columns.push({ name, title: field.header, values: field.list.values });
  }
  columns.forEach((column, c) => {
    const letter = columnName(c);
    sheet.getCell(`${letter}1`).value = column.title;
    column.values.forEach((value, r) => (sheet.getCell(`${letter}${r + 2}`).value = value));
    book.definedNames.add(`${SHEET.lists}!$${letter}$2:$${letter}$${column.values.length + 1}`, column.name);
    sheet.getColumn(c + 1).width = 24;
  });
  return { level1: '一级指标列表', byField };
}

/** The dropdown of column `c`'s cells, if it has one. */
function dropdown(field: WorkbookField, lists: Lists, c: number): ExcelJS.DataValidation | undefined {
  const base = { type: 'list' as const, allowBlank: true, showErrorMessage: true, showInputMessage: false };
  if (field.header === '项目名称' && field.path.length === 0)
    return { ...base, formulae: [PROJECT_NAMES], errorStyle: 'warning', errorTitle: '项目名称', error: '“项目”表里没有这个项目名称' };
  if (field.path[0] === 'level1') return { ...base, formulae: [lists.level1], errorStyle: 'stop', errorTitle: '一级指标', error: '请从列表里选一级指标' };
  if (field.path[0] === 'level2') {
    const level1 = `$${columnName(c - 1)}2`;
    return { ...base, formulae: [`INDIRECT(${level1})`], errorStyle: 'warning', errorTitle: '二级指标', error: '这个二级指标不属于本行的一级指标' };
  }
  const name = lists.byField.get(field.header);
  if (!name || !field.list) return undefined;
  return { ...base, formulae: [name], errorStyle: field.list.strict ? 'stop' : 'information', errorTitle: field.header, error: `请从列表里选：${field.list.values.join('、')}` };
}

/** An amount as its cell shows it (#,##0.00), for its width: one formatter (toLocaleString made one per call: 0.3 s of a 1,000-project workbook). */
const GROUPED = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** A column as wide as its header and (up to a point) its values, counting a Chinese character as two. */
function columnWidth(field: WorkbookField, values: readonly unknown[]): number {
  const header = Math.max(...printedHeader(field).split(/(?<=：)/).map(displayWidth));
  const longest = values.reduce<number>((max, value) => {
    if (value === undefined || value === null) return max;
    const text = field.kind === 'money' ? GROUPED.format(Number(value)) : String(value);
    return Math.max(max, ...text.split('\n').map(displayWidth));
  }, 0);
  return Math.min(field.kind === 'goal' ? field.width : 60, Math.max(field.width, header + 2, longest + 2));
}

/** Width in Excel's units: East Asian wide characters count two. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u{20000}-\u{3FFFD}]/u.test(ch) ? 2 : 1;
  return width;
}
