// A fill-in workbook read back into a packet (not yet validated): the sheets and columns of
// model/workbook.ts, each column found by its header text. What a cell holds is read as a person
// reads it: an amount typed as text "300,000.00" is 300000.00, a date cell or "2023年1月1日" is
// 2023-01-01, a formula is its last computed value. What cannot be read so (an amount with three
// decimals, a formula never computed, merged cells) is an error at its cell, never a guess.
import ExcelJS from 'exceljs';
import { fileProblem, type Diagnostic, type ProblemPlace } from '../model/diagnostic.js';
import {
  columnName,
  headerKey,
  INDICATOR_FIELDS,
  printedHeader,
  PROJECT_FIELDS,
  SHEET,
  UNIT_CHOICES,
  UNIT_FIELDS,
  type WorkbookField,
} from '../model/workbook.js';
import { cellRead, date, isPlainFormat, money, shown } from './workbook-cells.js';
import { checkWorkbookPackage, WorkbookRefused } from './workbook-package.js';
import { readChineseBuiltInFormats } from '../render/exceljs-adapter.js';

/** Where a value was read: the sheet, the cell, and the text there as shown. */
export interface SheetPlace {
  sheet: string;
  cell: string;
  text: string;
}

export interface ExtractedWorkbook {
  /** The packet as read, not yet validated; undefined when `problems` is not empty. */
  data?: Record<string, unknown>;
  /** Cells that cannot be read (errors), each at its cell. */
  problems: Diagnostic[];
  /** Worth saying, but nothing was lost (warnings): sheets and columns not read. */
  notes: Diagnostic[];
  /** Where each value was read, by data path (`projects.0.funds.annual.total`). */
  places: Map<string, SheetPlace>;
}

export async function readWorkbook(bytes: Uint8Array, file: string): Promise<ExtractedWorkbook> {
  await checkWorkbookPackage(bytes, file);
  readChineseBuiltInFormats();
  const book = new ExcelJS.Workbook();
  try {
    // The dropdowns are not read (values are checked as data): ExcelJS expands each over its range
    // cell by cell, some 40,000 cells for the 5,000 rows shenbao's workbook offers, which took a
    // quarter of reading one (ExcelJS's own option for this, ignoreNodes).
    await book.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ArrayBuffer, { ignoreNodes: ['dataValidations'] });
  } catch (error) {
    // ExcelJS says what it could not read in English; it is quoted as its words, after ours.
    throw new WorkbookRefused(file, `无法作为 Excel 工作簿读取：其中的内容不合 .xlsx 的规范（读取库 ExcelJS 的原话：${error instanceof Error ? error.message : String(error)}）。请在 Excel 或 WPS 里打开，另存为 .xlsx 再读`);
  }
  return new WorkbookReader(book, file).read();
}

/** A row of 项目 as read: its data so far (indicators are added from 绩效指标), its name, and its name's cell. */
interface ReadProject {
  data: Record<string, unknown>;
  name?: string;
  cell: string;
}

class WorkbookReader {
  private readonly problems: Diagnostic[] = [];
  private readonly notes: Diagnostic[] = [];
  private readonly places = new Map<string, SheetPlace>();

  constructor(
    private readonly book: ExcelJS.Workbook,
    private readonly file: string,
  ) {}

  read(): ExtractedWorkbook {
    const known = new Set<string>(Object.values(SHEET));
    const missing = [SHEET.unit, SHEET.projects, SHEET.indicators].filter((name) => !this.book.getWorksheet(name));
    if (missing.length > 0) {
      const found = this.book.worksheets.map((s) => `「${s.name}」`).join('');
      throw new WorkbookRefused(
        this.file,
        `工作簿里没有工作表${missing.map((m) => `「${m}」`).join('')}（有的是${found || '：没有工作表'}）：shenbao 读的是 shenbao xlsx 写出的填报工作簿，工作表名不能改`,
      );
    }
    for (const sheet of this.book.worksheets)
      if (!known.has(sheet.name)) this.note(sheet.name, 'A1', 'workbook-sheet-ignored', `工作表「${sheet.name}」不是填报表的一部分，没有读`);

    const data: Record<string, unknown> = {};
    this.readUnit(this.book.getWorksheet(SHEET.unit)!, data);
    const projects = this.readProjects(this.book.getWorksheet(SHEET.projects)!);
    // No project at all is said at the first row for one.
    this.places.set('projects', { sheet: SHEET.projects, cell: 'A2', text: '' });
    this.readIndicators(this.book.getWorksheet(SHEET.indicators)!, projects);
    data.projects = (projects ?? []).map((p) => p.data);
    const ok = this.problems.length === 0;
    return { ...(ok && { data }), problems: this.problems, notes: this.notes, places: this.places };
  }

  // ---- the three sheets ---------------------------------------------------------------------

  /** 单位: each field's label in column A, its value in column B. */
  private readUnit(sheet: ExcelJS.Worksheet, data: Record<string, unknown>): void {
    this.refuseMerges(sheet, [1, 2]);
    const rows = new Map<string, number>();
    sheet.eachRow((row, r) => {
      const label = cellRead(row.getCell(1));
      if (label.kind !== 'text') return;
      const field = UNIT_FIELDS.find((f) => [f.header, ...(f.aliases ?? [])].some((h) => headerKey(h) === headerKey(label.text)));
      if (!field) return;
      const first = rows.get(field.header);
      // Two rows for one field: which is meant? (The first would win unseen.)
      if (first !== undefined)
        this.problem(sheet.name, `A${r}`, 'workbook-field-twice', `${sheet.name}!A${r}：“${field.header}”有两行（第 ${first} 行和第 ${r} 行），不知道读哪一行：请删去一行`, field.path);
      else rows.set(field.header, r);
    });
    for (const field of UNIT_FIELDS) {
      const r = rows.get(field.header);
      if (r === undefined) {
        if (field.required) this.problem(sheet.name, 'A1', 'workbook-field-missing', `工作表「${sheet.name}」的 A 列里没有“${field.header}”一行：这一项必填`, field.path);
        continue;
      }
      const cell = sheet.getCell(r, 2);
      const value = this.value(sheet.name, cell, field, field.path, undefined);
      if (value === undefined) continue;
      const choices = UNIT_CHOICES[field.path.join('.')];
      if (choices && typeof value === 'string') {
        const choice = choices.find(([shown, stored]) => shown === value.trim() || (stored !== '' && stored === value.trim()));
        if (!choice) {
          this.problem(sheet.name, cell.address, 'workbook-choice', `${this.label(sheet.name, cell.address, field)}：「${value}」不是可选的值，应为 ${choices.map(([shown]) => shown).join('、')} 之一，或留空`, field.path);
          continue;
        }
        setAt(data, field.path, choice[1]);
      } else setAt(data, field.path, value);
    }
  }

  /** 项目: one project per row that has anything in a column of the table; undefined when its header is refused (said). */
  private readProjects(sheet: ExcelJS.Worksheet): ReadProject[] | undefined {
    const columns = this.headerColumns(sheet, PROJECT_FIELDS);
    if (!columns) return undefined;
    const projects: ReadProject[] = [];
    this.eachDataRow(sheet, columns, (row) => {
      const i = projects.length;
      const project: Record<string, unknown> = { funds: { project: {}, annual: {} } };
      const named = cellRead(row.getCell(columns.get(PROJECT_FIELDS[0]!)!));
      const owner = `项目 ${i + 1}${named.kind === 'text' && named.text.trim() !== '' ? `「${named.text.trim()}」` : ''}`;
      for (const [field, c] of columns) {
        const path = ['projects', String(i), ...field.path];
        const value = this.value(sheet.name, row.getCell(c), field, path, i, owner);
        if (value !== undefined) setAt(project, field.path, value);
      }
      project.indicators = [];
      const nameColumn = columns.get(PROJECT_FIELDS[0]!)!;
      const name = typeof project.name === 'string' ? project.name.trim() : undefined;
      projects.push({ data: project, name, cell: `${columnName(nameColumn - 1)}${row.number}` });
      this.places.set(`projects.${i}`, this.places.get(`projects.${i}.name`)!);
      this.places.set(`projects.${i}.indicators`, this.places.get(`projects.${i}.name`)!);
      this.places.set(`projects.${i}.funds.annual`, this.places.get(`projects.${i}.funds.annual.total`) ?? this.places.get(`projects.${i}.name`)!);
      this.places.set(`projects.${i}.funds.project`, this.places.get(`projects.${i}.funds.project.total`) ?? this.places.get(`projects.${i}.name`)!);
    });
    return projects;
  }

  /** 绩效指标: each row to the project its 项目名称 names, in row order. */
  private readIndicators(sheet: ExcelJS.Worksheet, projects: readonly ReadProject[] | undefined): void {
    const columns = this.headerColumns(sheet, INDICATOR_FIELDS);
    // 项目 unread (its header refused, said): its rows cannot be told apart, nor matched.
    if (!columns || !projects) return;
    const byName = new Map<string, number[]>();
    projects.forEach((p, i) => p.name !== undefined && byName.set(p.name, [...(byName.get(p.name) ?? []), i]));
    const [nameField, ...fields] = INDICATOR_FIELDS as [WorkbookField, ...WorkbookField[]];
    this.eachDataRow(sheet, columns, (row) => {
      const nameCell = row.getCell(columns.get(nameField)!);
      const read = this.value(sheet.name, nameCell, nameField, undefined, undefined);
      const where = nameCell.address;
      if (read === undefined) {
        if (cellRead(nameCell).kind === 'blank')
          this.problem(sheet.name, where, 'workbook-indicator-project', `${sheet.name}!${where}（项目名称）：这一行有指标，但没有写项目名称：请从下拉列表里选它属于的项目`, []);
        return;
      }
      const name = String(read).trim();
      const matches = byName.get(name) ?? [];
      if (matches.length !== 1) {
        const why =
          matches.length === 0
            ? `“${SHEET.projects}”表里没有名为「${name}」的项目`
            : `“${SHEET.projects}”表里有 ${matches.length} 个项目都叫「${name}」（${matches.map((m) => projects[m]!.cell).join('、')}），不知道这个指标属于哪一个：请先把项目名称改得不同`;
        this.problem(sheet.name, where, 'workbook-indicator-project', `${sheet.name}!${where}（项目名称）：${why}`, []);
        return;
      }
      const p = matches[0]!;
      const indicators = projects[p]!.data.indicators as Array<Record<string, unknown>>;
      const j = indicators.length;
      const indicator: Record<string, unknown> = {};
      for (const field of fields) {
        const c = columns.get(field);
        if (c === undefined) continue;
        const owner = `项目 ${p + 1}「${name}」的第 ${j + 1} 个指标`;
        const value = this.value(sheet.name, row.getCell(c), field, ['projects', String(p), 'indicators', String(j), ...field.path], p, owner);
        if (value !== undefined) indicator[field.path[0]!] = value;
      }
      this.places.set(`projects.${p}.indicators.${j}`, { sheet: sheet.name, cell: where, text: name });
      indicators.push(indicator);
    });
  }

  // ---- a table's header and rows ----------------------------------------------------------------

  /** Each field's column (1-based), by the header in row 1; undefined when a required one is missing (said). */
  private headerColumns(sheet: ExcelJS.Worksheet, fields: readonly WorkbookField[]): Map<WorkbookField, number> | undefined {
    const columns = new Map<WorkbookField, number>();
    const header = sheet.getRow(1);
    const seen: string[] = [];
    /** Columns of an amount in another unit (年度资金申请总额（万元）). */
    const otherUnits: Array<{ address: string; text: string; field: WorkbookField }> = [];
    header.eachCell({ includeEmpty: false }, (cell, c) => {
      // The rest of a merged header is its first cell again: said once.
      if (cell.type === ExcelJS.ValueType.Merge) return;
      const read = cellRead(cell);
      if (read.kind === 'blank') return;
      const text = read.kind === 'text' ? read.text : read.kind === 'number' ? String(read.value) : '';
      seen.push(`${cell.address}「${text}」`);
      const field = fields.find((f) => [f.header, printedHeader(f), ...(f.aliases ?? [])].some((h) => headerKey(h) === headerKey(text)));
      if (!field) {
        // 项目资金总额（万元）: the column is ours, the unit is not; dropped with a note, its amounts would be lost.
        const other = fields.find((f) => f.kind === 'money' && headerKey(f.header) === headerKey(text).replace(/[(（][^)）]*[)）]$/, ''));
        if (other) otherUnits.push({ address: cell.address, text, field: other });
        else this.note(sheet.name, cell.address, 'workbook-column-ignored', `${sheet.name}!${cell.address}：列「${text}」不是填报表的栏目，没有读`);
        return;
      }
      const before = columns.get(field);
      if (before !== undefined) {
        this.problem(sheet.name, cell.address, 'workbook-header', `${sheet.name}!${cell.address}：列「${text}」与 ${columnName(before - 1)}1 是同一栏（${field.header}），不知道读哪一列：请删去一列`, []);
        return;
      }
      columns.set(field, c);
    });
    // Beside its column in 元, an office's own column in 万元 is its own (not read, said); instead of it, the amounts would be lost.
    for (const { address, text, field } of otherUnits) {
      if (columns.has(field)) this.note(sheet.name, address, 'workbook-column-ignored', `${sheet.name}!${address}：列「${text}」不是填报表的栏目（金额读的是 ${columnName(columns.get(field)! - 1)} 列「${printedHeader(field)}」），没有读`);
      else this.problem(sheet.name, address, 'workbook-header', `${sheet.name}!${address}：列「${text}」的单位不是元：金额一律以元填写，表头写「${printedHeader(field)}」`, []);
    }
    this.refuseMerges(sheet, [...columns.values()]);
    const missing = fields.filter((f) => !columns.has(f) && f.required);
    if (missing.length > 0) {
      this.problem(
        sheet.name,
        'A1',
        'workbook-header',
        `工作表「${sheet.name}」的第 1 行缺少栏目 ${missing.map((f) => `「${printedHeader(f)}」`).join('')}（第 1 行现有：${seen.join('、') || '空'}）：表头要照 shenbao xlsx 写出的样子，列的先后可以变`,
        [],
      );
      return undefined;
    }
    return columns;
  }

  /** Each row below the header with anything in the table's columns. */
  /**
   * Each row below the header with anything in the table's columns. Hidden rows and columns are
   * read too (an office may hide a row to drop it: it is not dropped), each said in a note.
   */
  private eachDataRow(sheet: ExcelJS.Worksheet, columns: Map<WorkbookField, number>, each: (row: ExcelJS.Row) => void): void {
    const used = [...columns.values()];
    const hidden: number[] = [];
    sheet.eachRow((row, r) => {
      if (r === 1) return;
      if (used.every((c) => cellRead(row.getCell(c)).kind === 'blank')) return;
      if (row.hidden) hidden.push(r);
      each(row);
    });
    if (hidden.length > 0) {
      const shown = `${hidden.slice(0, 10).join('、')} ${hidden.length > 10 ? `等 ${hidden.length} 行` : '行'}`;
      this.note(sheet.name, `A${hidden[0]}`, 'workbook-hidden', `工作表「${sheet.name}」第 ${shown}是隐藏的，其中的数据照样读了：不要的行请删去，不要只隐藏`);
    }
    for (const [field, c] of columns)
      if (sheet.getColumn(c).hidden)
        this.note(sheet.name, `${columnName(c - 1)}1`, 'workbook-hidden', `${sheet.name}!${columnName(c - 1)} 列（${field.header}）是隐藏的，其中的数据照样读了`);
  }

  /**
   * A merge over a column that is read cannot be read as a person reads it (a value for every row
   * it spans?): refused with its range. One elsewhere (over a note column of the office's) is not read.
   */
  private refuseMerges(sheet: ExcelJS.Worksheet, read: readonly number[]): void {
    if (!sheet.hasMerges) return;
    for (const range of sheet.model.merges) {
      const [from, to = from] = range.split(':').map((a) => sheet.getCell(a!).fullAddress.col);
      if (!read.some((c) => c >= from! && c <= to!)) continue;
      this.problem(
        sheet.name,
        range.split(':')[0]!,
        'workbook-merged',
        `${sheet.name}!${range}：合并了单元格，读不出每一行的值：请取消合并，在每一格里都填上值`,
        [],
      );
    }
  }

  // ---- cells --------------------------------------------------------------------------------

  /**
   * The value of `field` in `cell`, as the data holds it; undefined where the cell is blank, or
   * cannot be read (an error at the cell, said here). `path`: where it goes in the data (recorded
   * as its place; none for 项目名称 in 绩效指标).
   */
  private value(sheetName: string, cell: ExcelJS.Cell, field: WorkbookField, path: readonly string[] | undefined, project: number | undefined, owner?: string): unknown {
    const read = cellRead(cell);
    if (path) this.places.set(path.join('.'), { sheet: sheetName, cell: cell.address, text: shown(cell, read) });
    const fail = (why: string) => {
      this.problem(sheetName, cell.address, 'workbook-cell', `${this.label(sheetName, cell.address, field, owner)}：${why}`, path ?? [], project);
      return undefined;
    };
    if (read.kind === 'blank') return undefined;
    if (read.kind === 'refused') return fail(read.why);
    switch (field.kind) {
      case 'money':
        return money(read, fail);
      case 'date':
        return date(read, fail);
      case 'year':
        if (read.kind === 'number' && Number.isInteger(read.value)) return read.value;
        if (read.kind === 'text' && /^\s*\d{4}\s*$/.test(read.text.normalize('NFKC'))) return Number(read.text.normalize('NFKC').trim());
        // A date shown as its year alone (format yyyy): the year it shows.
        if (read.kind === 'date' && /^(y+|y+"年")$/i.test(cell.numFmt ?? '')) return read.value.getUTCFullYear();
        return fail(`「${shown(cell, read)}」不是年份：请写四位数的年份，如 2027`);
      default:
        if (read.kind === 'text') return read.text;
        if (read.kind === 'date') return fail('这一格是日期：这里应是文字');
        // A number typed where text belongs (指标值 100) reads as typed, unless a format shows it otherwise (90%).
        if (isPlainFormat(read.format) && (read.format.trim() !== '0' || Number.isInteger(read.value))) return String(read.value);
        return fail(`这一格是数字 ${read.value}，按格式“${read.format}”显示成别的样子：请把单元格设为文本格式，照表上要印的样子输入`);
    }
  }

  /** What a cell holds, formulas by their last computed value. */
  /** 项目!K3（项目 1「培训费」，年度资金申请总额）: the cell, whose it is, and its field. */
  private label(sheetName: string, address: string, field: WorkbookField, owner?: string): string {
    return `${sheetName}!${address}（${owner ? `${owner}，` : ''}${field.header}）`;
  }

  private problem(sheet: string, cell: string, code: string, message: string, path: readonly string[], project?: number): void {
    const dataPath = path.map((p) => (/^\d+$/.test(p) ? Number(p) : p));
    this.problems.push(fileProblem(code, this.place(sheet, cell), message, { path: dataPath, ...(project !== undefined && { project }) }));
  }

  private note(sheet: string, cell: string, code: string, message: string): void {
    this.notes.push(fileProblem(code, this.place(sheet, cell), message, { severity: 'warning' }));
  }

  private place(sheet: string, cell: string): ProblemPlace {
    return { kind: 'sheet', file: this.file, sheet, cell };
  }
}

function setAt(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let at = target;
  path.slice(0, -1).forEach((key) => (at = (at[key] ??= {}) as Record<string, unknown>));
  at[path[path.length - 1]!] = value;
}
