// Word forms back to packet data: a .docx that shenbao wrote (a form, or the 汇总表), edited in
// Word or WPS since, read back into the packet's JSON. A PDF without embedded data is read the same
// way (`readForms`), from the paragraphs and tables its pages print (pdf-tables.ts).
//
// The template says where every value stands, so the reader does not guess: it lays out a probe,
// the same template drawn for a project with as many indicators as the Word file has indicator
// rows, and reads the Word tables against that grid cell by cell. A label cell must still hold its
// label, each cell must sit where the grid puts it with the same spans, and a value cell gives the
// value at its path. The one freedom is the one Word gives a department: indicator rows added or
// removed, and an 一级/二级 cell merged down over any of them (a row added inside a group belongs
// to it). Anything else (a column deleted, a table pasted in, a label retyped, a row added to the
// upper part) is refused with the form, the Word table, row and column, and what was expected.
//
// Assumes what shenbao's templates do: a value cell prints its value alone (no text around it),
// and the only rows that vary with the data are the indicator rows.
import type { GridBlock, GridCell, GridDocument, GridHeading, GridRow, GridTable } from '../layout/grid.js';
import { declarationDocument, summaryDocument } from '../layout/forms.js';
import type { FormTemplates } from '../layout/templates.js';
import type { Packet, Project } from '../model/packet.js';
import { wordTableParts } from '../render/docx.js';
import { standardTitle, WORD_PROPERTY } from '../render/word-properties.js';
import Big from 'big.js';
import { OVERALL_GOAL_HEADING } from '../layout/view.js';
import { DisplaySchema, formatDate, parseDate, withDefaults, type Display } from '../model/display.js';
import { UserError } from '../errors.js';
import { fieldLabel } from '../validate/format.js';
import { fileProblem, type Diagnostic, type ProblemPlace } from '../model/diagnostic.js';
import { OBJECT, readDocx, type DocxBlock, type DocxCell, type DocxContent, type DocxTable } from './docx-read.js';

export interface ExtractedDocx {
  /** A 汇总表 (front table and forms) or forms only. */
  kind: 'summary' | 'form';
  /** The packet as read, not yet validated; undefined when `problems` is not empty. */
  data?: Record<string, unknown>;
  /** Edits that cannot be read (errors), each naming the form, table, row, column and what was expected. */
  problems: Diagnostic[];
  /** Worth saying, but the data was read (warnings): e.g. packet fields the file no longer carries. */
  notes: Diagnostic[];
  /** The note (also in `notes`) on packet fields the file does not carry: gathering forms, others may carry them. */
  headerNote?: Diagnostic;
  /** Where each value was read (by data path, `projects.0.funds.annual.total`) and its text there. */
  places: Map<string, ReadPlace>;
}

/** Where a value was read, its text there, and the struck-through words left out of it (a warning). */
export interface ReadPlace {
  /** In words: 第 k 张申报表第 t 个表格第 r 行第 c 列. */
  place: string;
  /** The same, as numbers. */
  at: TableAt;
  text: string;
  struck?: string[];
  /** A workbook's cell, where the value was read from one (extract/workbook.ts). */
  cell?: { sheet: string; cell: string };
}

/** Fields whose cells the template merges down a group, and a department may merge over added rows. */
const GROUP_FIELDS = new Set(['level1', 'level2']);
const PROBE_YEAR = 2000;

export async function extractDocx(bytes: Uint8Array, file: string, templates: FormTemplates): Promise<ExtractedDocx> {
  return readForms(await readDocx(bytes, file), file, templates, WORD);
}

/** Where in the forms a problem is, 1-based: the 申报表 (none for the 汇总表's own table), its table, row and column. */
export interface TableAt {
  form?: number;
  table?: number;
  row?: number;
  column?: number;
}

/** What the packet-level notes say about the file the forms were read from. */
export interface FormsMedium {
  /** How a place is named to the user: Word, PDF. */
  name: string;
  /** A place in the file, for programs (`--json`): a Word table's cell; a PDF's tables are not numbered by page. */
  place(file: string, at: TableAt): ProblemPlace;
  /** Where the missing house style would have been, and what to do. */
  noStyle(file: string): string;
  /** Whether the file records a house style other than the default (a .docx's custom property). */
  recordsStyle: boolean;
  /** The packet fields (汇总表标题, 单位) the file did not carry, and what to do. */
  missing(file: string, fields: string[]): string;
}

const WORD: FormsMedium = {
  name: 'Word',
  place: (file, at) => ({ kind: 'word', file, ...at }),
  recordsStyle: true,
  noStyle: () =>
    `文件里没有 shenbao 记下的印制样式（在 Word 的“文件 → 属性 → 自定义”里，名为「${WORD_PROPERTY.display}」；表格被复制到新文件时会丢失），日期和年度一行按默认样式（2023-01-01、(2023年度)）读。这些表若按本单位的样式印出，请在 Word 里补上这个属性（值为原数据文件 display 的 JSON，如 {"dateFormat":"yyyy/M/d"}）`,
  missing: (_file, fields) =>
    `文件里没有 shenbao 记下的${fields.join('和')}（在 Word 的“文件 → 属性 → 自定义”里；表格被复制到新文件时会丢失），读回的数据缺这${fields.length > 1 ? '两' : '一'}项，请在 JSON 里补上`,
};

/**
 * Forms read back from a document's paragraphs and tables (a .docx's, or those a PDF prints:
 * extract/pdf-tables.ts) and its properties (`custom`, by WORD_PROPERTY name).
 */
export function readForms(content: Pick<DocxContent, 'blocks' | 'custom'>, file: string, templates: FormTemplates, medium: FormsMedium): ExtractedDocx {
  // The house style the forms were printed in (a custom property, output/word-properties.ts):
  // the probe forms are drawn in it, and dates and zero amounts are read back through it.
  const styleText = content.custom[WORD_PROPERTY.display];
  let display: Display | undefined;
  if (styleText !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(styleText);
    } catch {
      parsed = undefined;
    }
    const checked = DisplaySchema.safeParse(parsed);
    if (!checked.success) throw new UnreadableForms(file, `自定义属性「${WORD_PROPERTY.display}」应是 shenbao 写下的印制样式，现在是「${styleText}」，无法按它读回日期和金额`);
    display = checked.data;
  }
  const style = withDefaults(display);
  // Empty paragraphs carry no data: the joint between two tables, a page break, an empty line.
  const blocks = content.blocks.filter((b) => b.type === 'table' || b.text.trim() !== '');
  const formTitle = titleOf(probeForm(templates, 0, 0, display));
  const starts = blocks.flatMap((b, i) => (b.type === 'paragraph' && squeeze(b.text) === squeeze(formTitle) ? [i] : []));
  if (starts.length === 0) {
    // The title with something before it: automatic numbering or a bullet set on it, or typed.
    const numbered = blocks.find((b) => b.type === 'paragraph' && squeeze(b.text).endsWith(squeeze(formTitle)) && squeeze(b.text) !== squeeze(formTitle));
    if (numbered) {
      const before = numbered.type === 'paragraph' ? numbered.text.slice(0, numbered.text.lastIndexOf(formTitle[0]!)) : '';
      throw new UnreadableForms(file, `标题「${numbered.type === 'paragraph' ? numbered.text : ''}」前面多了「${before.trim()}」（标题设了自动编号或项目符号，或打了字）。请在 Word 里去掉标题前的编号或文字后再读`);
    }
    throw new UnreadableForms(file, `没有找到「${formTitle}」，不是 shenbao 生成的申报表或汇总表`);
  }
  const problems: Diagnostic[] = [];
  const notes: Diagnostic[] = [];
  // A refusal (an error) or a note (a warning) of this file, at a form's table cell where there is one.
  const said = (code: string, at: TableAt, message: string, severity: Diagnostic['severity'] = 'error') =>
    fileProblem(code, medium.place(file, at), message, { severity, ...(at.form !== undefined && { project: at.form - 1 }) });
  const places = new Map<string, ReadPlace>();
  const front = blocks.slice(0, starts[0]);
  const kind = front.some((b) => b.type === 'table') ? 'summary' : 'form';
  if (kind === 'form' && front.length > 0) {
    const text = front.map((b) => `「${b.type === 'paragraph' ? b.text : ''}」`).join('');
    problems.push(said('form-text-before-title', { form: 1 }, `第 1 张申报表的标题前面多了文字 ${text}，请删去`));
  }

  const projects: Record<string, unknown>[] = [];
  const years = new Set<number>();
  // Year lines refused as they stand (（2026年度） in full-width brackets is a house style's).
  const refusedYears: string[] = [];
  starts.forEach((start, k) => {
    const segment = blocks.slice(start, starts[k + 1] ?? blocks.length);
    const read = readAgainst(segment, (n) => probeForm(templates, k, n, display), { file, form: `第 ${k + 1} 张申报表`, number: k + 1, medium }, problems);
    refusedYears.push(...read.refusedYears);
    const project: Record<string, unknown> = {};
    const packet = { projects: [] as unknown[] };
    packet.projects[k] = project;
    for (const { path, text, place, at, struck } of read.values) {
      setValue(packet, path, text, style);
      places.set(path.join('.'), { place, at, text, ...(struck ? { struck } : {}) });
      const notAmount = amountRefusal(path, text) ?? dateRefusal(path, text, style);
      if (notAmount) problems.push({ ...said('form-value-unreadable', at, `${place}（${fieldLabel(path)}）：${notAmount}`), path });
    }
    for (const { path, text, struck } of read.headings) {
      if (path.join('.') === 'year') years.add(Number(text));
      if (struck) notes.push(said('struck-text', { form: k + 1 }, `第 ${k + 1} 张申报表标题下的年度一行：带删除线的${struck.map((w) => `「${w.trim()}」`).join('')}按删除读，读入的是「${text}」`, 'warning'));
    }
    project.indicators = withoutEmptyRows((project.indicators as IndicatorRead[] | undefined) ?? [], `projects.${k}.indicators`, places, (row, at, words) =>
      notes.push(said('struck-row', at, `${row}：这一行的三级指标和指标值都带删除线（${words.map((w) => `「${w.trim()}」`).join('')}），按删除这条指标读`, 'warning')),
    );
    projects.push(project);
  });

  const data: Record<string, unknown> = {};
  const schema = content.custom[WORD_PROPERTY.schema];
  if (schema !== undefined) data.$schema = schema;
  const title = content.custom[WORD_PROPERTY.title];
  if (title !== undefined) data.title = title;
  const unit = content.custom[WORD_PROPERTY.unit];
  if (unit !== undefined) data.unit = unit;
  if (years.size > 1) problems.push(said('form-years-differ', {}, `各张申报表的年度不一致（${[...years].join('、')}），请改成同一年度`));
  if (years.size === 1) data.year = [...years][0];
  if (display !== undefined) data.display = display;
  data.projects = projects;

  if (kind === 'summary') {
    const where = { file, form: '汇总表', medium };
    const read = readAgainst(front, () => probeFront(templates, projects.length, display), where, problems);
    for (const { path, text } of read.headings) if (path.join('.') === 'title') data.title = text;
    // The front table repeats what the forms say: the two must agree, or which one is meant is a guess.
    for (const { path, text, place, at } of read.values) {
      const [, index, ...rest] = path as ['projects', number, ...string[]];
      const notAmount = amountRefusal(path, text);
      if (notAmount) {
        problems.push({ ...said('form-value-unreadable', at, `${place}（${fieldLabel(path)}）：${notAmount}`), path, project: index });
        continue;
      }
      const inForm = valueAt(projects[index], rest);
      if (inForm !== dataOf(path, text, style)) {
        problems.push({
          ...said('summary-differs-from-form', at, `${place}：「${text}」与第 ${index + 1} 张申报表上的「${inForm ?? ''}」不一致，请把两处改成一样（或只改申报表，汇总表会重新生成）`),
          path,
          project: index,
        });
      }
    }
    if (problems.length === 0) problems.push(...computedEdits(templates, data, read.computed).map(({ at, message }) => said('summary-computed-edited', at, message)));
  }

  // Without the house style the file was printed in, its dates and year line are read the default
  // way: a form printed as 2026/1/1 or （2026年度） then fails for no edit of the user's. A file that
  // records a style (a .docx) and kept shenbao's other properties did not lose it: it was printed
  // in the default style, and a date written otherwise is the user's edit.
  const kept = content.custom[WORD_PROPERTY.title] !== undefined || content.custom[WORD_PROPERTY.unit] !== undefined;
  if (styleText === undefined && !(medium.recordsStyle && kept)) {
    const dates = [...places].filter(([key]) => /\.(startDate|endDate)$/.test(key)).map(([, read]) => read.text.trim());
    // A year line in full-width brackets, or a date written in another order or with other separators.
    const styled = refusedYears.some((text) => /^（\d{4}年度）$/.test(text)) || dates.some((date) => /^\d{4}\D\d{1,2}\D\d{1,2}\D?$/.test(date) && !/^\d{4}-\d{2}-\d{2}$/.test(date));
    if (styled) {
      if (problems.length > 0) problems.push(said('style-not-recorded', {}, medium.noStyle(file)));
      else notes.push(said('style-not-recorded', {}, medium.noStyle(file), 'warning'));
    }
  }
  // A blank form carries the unit and not the title (output/blank.ts): the usual title, from the
  // unit and the year the form prints.
  let titled: Diagnostic | undefined;
  if (data.title === undefined && typeof data.unit === 'string' && typeof data.year === 'number' && kind === 'form' && medium === WORD) {
    data.title = standardTitle(data.unit, data.year);
    titled = said('title-from-unit', {}, `文件里没有记下汇总表标题，按单位和年度写成「${data.title}」`, 'warning');
  }
  const missing = [
    ...(data.title === undefined ? ['汇总表标题'] : []),
    ...(data.unit === undefined ? ['单位'] : []),
  ];
  const headerNote = missing.length > 0 ? said('header-not-recorded', {}, medium.missing(file, missing), 'warning') : titled;
  if (headerNote !== undefined) notes.push(headerNote);
  // Keys in the schema's order, as a person would write the file.
  const ordered = orderKeys(data, ['$schema', 'title', 'unit', 'year', 'display', 'projects']);
  const told = { notes, ...(headerNote !== undefined ? { headerNote } : {}) };
  return problems.length > 0 ? { kind, problems, ...told, places } : { kind, data: ordered, problems, ...told, places };
}

/** The file is not forms this reader can read at all: `reason` says why, without the file's name. */
export class UnreadableForms extends UserError {
  // Private: the error compares equal to a UserError of the same message.
  readonly #reason: string;

  constructor(file: string, reason: string) {
    super(`${file}：${reason}`);
    this.#reason = reason;
  }

  get reason(): string {
    return this.#reason;
  }
}

type IndicatorRead = Record<string, unknown> | undefined;

/**
 * The indicators of a form without its empty rows (三级指标 and 指标值 both blank: a blank form's
 * spare rows, or a row emptied), numbered again; `places` under `prefix` are moved to the new
 * numbers, so that a problem with a kept indicator names the Word cell it was read from.
 */
function withoutEmptyRows(
  indicators: readonly IndicatorRead[],
  prefix: string,
  places: ExtractedDocx['places'],
  struckOut: (row: string, at: TableAt, words: string[]) => void,
): IndicatorRead[] {
  const kept = [...indicators.entries()].filter(([, row]) => row !== undefined && (row.name !== undefined || row.target !== undefined));
  const keptRows = new Set(kept.map(([from]) => from));
  const read = [...places].filter(([key]) => key.startsWith(`${prefix}.`));
  // A row emptied by striking its words out is a deletion a reviewer must see (its warnings go with its places).
  for (const [i, row] of indicators.entries()) {
    if (row === undefined || keptRows.has(i)) continue;
    const struck = (['name', 'target'] as const).flatMap((field) => places.get(`${prefix}.${i}.${field}`)?.struck ?? []);
    const where = places.get(`${prefix}.${i}.name`);
    if (struck.length > 0 && where !== undefined) {
      const { column: _column, ...row } = where.at;
      struckOut(placeWords(row.form === undefined ? '汇总表' : `第 ${row.form} 张申报表`, row), row, struck);
    }
  }
  // Each row's places, by the row number as written in the key: looked up once per kept row (a
  // scan of every place per row took 86 s for 10,000 rows).
  const byRow = new Map<string, [string, ReadPlace][]>();
  for (const [key, place] of read) {
    places.delete(key);
    const rest = key.slice(prefix.length + 1);
    const dot = rest.indexOf('.');
    if (dot < 0) continue;
    const row = rest.slice(0, dot);
    if (!byRow.has(row)) byRow.set(row, []);
    byRow.get(row)!.push([rest.slice(dot + 1), place]);
  }
  kept.forEach(([from], to) => {
    for (const [field, place] of byRow.get(String(from)) ?? []) places.set(`${prefix}.${to}.${field}`, place);
  });
  return kept.map(([, row]) => row);
}

/**
 * 序号 and 合计 are worked out, not read: an edit there cannot be taken, so it is refused. Checked
 * against the 汇总表 drawn from the data as read (when its amounts can be added up at all).
 */
function computedEdits(templates: FormTemplates, data: Record<string, unknown>, computed: ComputedCell[]): Array<{ at: TableAt; message: string }> {
  let grid: GridDocument;
  try {
    grid = summaryDocument(templates, data as unknown as Packet, []);
  } catch {
    return []; // amounts that do not add up: validation says which
  }
  const table = gridBlocks(grid).find((b): b is GridTable => b.type === 'table');
  // Compared by value, as the amounts beside them are read: 2814495 is 2,814,495.00, 01 is 1, and
  // blank is zero where zero prints blank.
  const blankIsZero = withDefaults((data as Partial<Packet>).display).zeroAmount === '';
  const numberIn = (text: string) => {
    const written = text.trim() === '' && blankIsZero ? '0' : text.trim();
    return AMOUNT_TEXT.test(written) ? new Big(written.replace(/,/g, '')) : undefined;
  };
  return computed.flatMap(({ row, col, text, place, at }) => {
    const expected = table?.rows[row]?.cells.find((c) => c.col === col)?.text;
    if (expected === undefined || squeeze(expected) === squeeze(text)) return [];
    const [printed, typed] = [numberIn(expected), numberIn(text)];
    if (printed && typed?.eq(printed)) return [];
    return [{ at, message: `${place}：「${text}」是按各项目算出来的，不能改（按现在的数据应是「${expected}」）。请改各项目的数据，或把它改回去` }];
  });
}

interface ReadValue {
  /** Struck-through words left out of `text`. */
  struck?: string[];
  path: Array<string | number>;
  text: string;
  /** Where in the Word file: 第 k 张申报表第 t 个表格第 r 行第 c 列. */
  place: string;
  at: TableAt;
}

/** A cell the template works out (序号, 合计): where it stands in the grid, and its text in Word. */
interface ComputedCell {
  row: number;
  col: number;
  text: string;
  place: string;
  at: TableAt;
}

interface Where {
  file: string;
  /** 第 k 张申报表, or 汇总表 */
  form: string;
  /** k, for a 申报表 */
  number?: number;
  medium: FormsMedium;
}

/** A place in words: 第 k 张申报表第 t 个表格第 r 行第 c 列 (as much of it as `at` has). */
function placeWords(form: string, at: TableAt): string {
  const table = at.table === undefined ? '' : `第 ${at.table} 个表格`;
  return `${form}${table}${at.row === undefined ? '' : `第 ${at.row} 行`}${at.column === undefined ? '' : `第 ${at.column} 列`}`;
}

/**
 * Reads `blocks` (one form, or the 汇总表's front) against the grid `probe(n)` draws for n
 * indicator rows, n found from the Word tables' rows. Problems go to `problems`.
 */
function readAgainst(
  blocks: readonly DocxBlock[],
  probe: (indicatorRows: number) => GridDocument,
  where: Where,
  problems: Diagnostic[],
): {
  values: ReadValue[];
  computed: ComputedCell[];
  headings: Array<{ path: Array<string | number>; text: string; struck?: string[] }>;
  refusedYears: string[];
} {
  const values: ReadValue[] = [];
  const computed: ComputedCell[] = [];
  const headings: Array<{ path: Array<string | number>; text: string; struck?: string[] }> = [];
  const refusedYears: string[] = [];
  const at = where.form;
  const form = where.number === undefined ? {} : { form: where.number };
  const refuse = (code: string, cell: TableAt, message: string) =>
    problems.push(fileProblem(code, where.medium.place(where.file, { ...form, ...cell }), message, where.number === undefined ? {} : { project: where.number - 1 }));
  const docxTables = blocks.filter((b): b is DocxTable => b.type === 'table');
  const paragraphs = blocks.filter((b): b is Extract<DocxBlock, { type: 'paragraph' }> => b.type === 'paragraph');

  // Each grid table is written as one Word table or two (see render/docx.ts). Deleting the empty
  // line between the two in Word joins them again: that is read as well.
  const gridTables = (grid: GridDocument) => gridBlocks(grid).filter((b): b is GridTable => b.type === 'table');
  const bareGrid = probe(0);
  const split = gridTables(bareGrid).flatMap((t) => wordTableParts(t)).length;
  const joined = docxTables.length !== split && docxTables.length === gridTables(bareGrid).length;
  const partsOf = (table: GridTable) => (joined ? [table.rows] : wordTableParts(table));
  const expectedRows = (grid: GridDocument) => gridTables(grid).flatMap((t) => partsOf(t).map((p) => p.length));
  if (docxTables.length !== split && !joined) {
    refuse('form-table-count', {}, `${at}：应有 ${split} 个表格，现在有 ${docxTables.length} 个。表格被删除、拆开或粘贴进来了，无法读取`);
    return { values, computed, headings, refusedYears };
  }
  const bare = expectedRows(bareGrid);
  const found = docxTables.reduce((sum, t) => sum + t.rows.length, 0);
  const grid = probe(Math.max(0, found - bare.reduce((a, b) => a + b, 0)));
  const expected = expectedRows(grid);
  const gridHeadings = gridBlocks(grid).filter((b): b is GridHeading => b.type === 'heading');

  // Headings: the same paragraphs in the same order, and no other text outside the tables.
  const list = (texts: string[]) => texts.map((t) => `「${t}」`).join('');
  if (paragraphs.length > gridHeadings.length) {
    const extra = paragraphs.slice(gridHeadings.length).map((p) => p.text);
    // The headings as the file writes them (its year and title), not as the probe draws them.
    const written = paragraphs.slice(0, gridHeadings.length).map((p) => p.text);
    refuse('form-text-outside-tables', {}, `${at}：表格外只应有标题 ${list(written)}，现在多了 ${list(extra)}。请把表格外加的文字删去`);
  } else if (paragraphs.length < gridHeadings.length) {
    refuse('form-heading-missing', {}, `${at}：表格上面应有标题 ${list(gridHeadings.map((h) => patternOf(h)))}，现在只有 ${list(paragraphs.map((p) => p.text))}。请把删去的标题加回去`);
  } else {
    gridHeadings.forEach((heading, i) => {
      const { text, unreadable } = paragraphs[i]!;
      if (unreadable) {
        for (const why of unreadable) refuse('form-heading-unreadable', {}, `${at}：标题「${text}」：${why}`);
        return;
      }
      const read = text.includes(OBJECT) ? undefined : readHeading(heading, text, probeValue(heading));
      if (read === undefined) {
        refuse('form-heading-changed', {}, `${at}：标题「${text}」应是「${patternOf(heading)}」这样${heading.path?.join('.') === 'year' ? '（YYYY 是四位数的年份）' : ''}`);
        if (heading.path?.join('.') === 'year') refusedYears.push(squeeze(text));
      }
      else if (heading.path) headings.push({ path: heading.path, text: read, ...(paragraphs[i]!.struck ? { struck: paragraphs[i]!.struck } : {}) });
    });
  }

  // Tables: the Word tables of each grid table, one after another, read as one.
  let next = 0;
  for (const table of gridTables(grid)) {
    const parts = partsOf(table);
    const firstNumber = next + 1;
    const words: DocxTable[] = [];
    next += parts.length;
    const shapeOk = parts.every((partRows, p) => {
      const number = firstNumber + p;
      const rows = expected[number - 1]!;
      const word = docxTables[number - 1]!;
      const columns = inGridColumns(word, partRows, table.widths.length);
      if (!columns) {
        const differs = firstSplitOrMerge(word, partRows, table.widths.length);
        if (differs) {
          refuse(
            'form-cell-split-merged',
            { table: number, row: differs.row + 1, column: differs.cell.col + 1 },
            `${where.form}第 ${number} 个表格第 ${differs.row + 1} 行第 ${differs.cell.col + 1} 列：这一行的单元格被拆分或合并了（这里应是${cellName(differs.cell)}，${spanText(differs.cell.rowSpan, differs.cell.colSpan)}），无法读取。请在 Word 里撤销这一处的拆分或合并`,
          );
        } else refuse('form-column-count', { table: number }, `${at}：第 ${number} 个表格应有 ${table.widths.length} 列，现在是 ${word.gridColumns} 列。列被删除或加入了，无法读取`);
        return false;
      }
      words.push(columns);
      if (word.rows.length !== rows) {
        const differs = firstRowDiffering(columns, partRows);
        if (differs) {
          refuse(
            'form-row-count',
            { table: number, row: differs.row + 1, column: differs.cell.col + 1 },
            `${where.form}第 ${number} 个表格第 ${differs.row + 1} 行第 ${differs.cell.col + 1} 列：这个表格应有 ${rows} 行，现在有 ${word.rows.length} 行，从这里起与原表不同（这里应是${cellName(differs.cell)}，${spanText(differs.cell.rowSpan, differs.cell.colSpan)}）：单元格被拆成了几行，或加入、删去了行。只有绩效指标表可以增删行，请撤销这一处的修改`,
          );
        } else refuse('form-row-count', { table: number }, `${at}：第 ${number} 个表格应有 ${rows} 行，现在有 ${word.rows.length} 行。只有绩效指标表可以增删行，请把这个表格改回原来的行数`);
        return false;
      }
      const below = rowsBelowGroups(columns, partRows);
      if (below?.split) {
        refuse(
          'form-group-split',
          { table: number, row: below.from + 1, column: below.label.col + 1 },
          `${where.form}第 ${number} 个表格第 ${below.from + 1} 行第 ${below.label.col + 1} 列：「${below.label.text}」的合并单元格从这一行起被拆开了（这一格没有与上面的「${below.label.text}」合并），无法读取。请把这一列重新与「${below.label.text}」合并`,
        );
        return false;
      }
      if (below) {
        const [first, last] = [below.from + 1, columns.rows.length];
        const rowsText = first === last ? `第 ${first} 行` : `第 ${first}–${last} 行`;
        refuse(
          'form-rows-outside-groups',
          { table: number, row: first },
          `${where.form}第 ${number} 个表格${rowsText}：${first === last ? '这一行' : `这 ${last - first + 1} 行`}加在了「${below.label.text}」各组的下面，第 ${below.label.col + 1} 列没有与「${below.label.text}」合并，不属于任何一组，无法读取。要加一条指标，请在组内的一行上“在下方插入行”（新行的一级、二级指标格与这一组合并），或把新行的第 ${below.label.col + 1} 列与「${below.label.text}」合并`,
        );
        return false;
      }
      return true;
    });
    if (shapeOk) {
      const read = readTable(table, words, firstNumber, where, problems);
      values.push(...read.values);
      computed.push(...read.computed);
    }
  }
  return { values, computed, headings, refusedYears };
}

/**
 * The Word table with its cells' columns counted in the grid's columns. Word keeps our column
 * grid; LibreOffice, when it saves, drops the column boundaries no cell uses (the three columns
 * under 三级指标 become one). Either is read; any other number of columns means a column was
 * deleted or added: undefined.
 */
function inGridColumns(word: DocxTable, rows: readonly GridRow[], columns: number): DocxTable | undefined {
  if (word.gridColumns === columns) return word;
  const used = [...new Set(rows.flatMap((row) => row.cells.flatMap((cell) => [cell.col, cell.col + cell.colSpan])))].sort((a, b) => a - b);
  if (used[0] !== 0 || used.at(-1) !== columns || word.gridColumns !== used.length - 1) return undefined;
  const at = (boundary: number) => used[boundary]!;
  return {
    ...word,
    gridColumns: columns,
    rows: word.rows.map((cells) => cells.map((cell) => ({ ...cell, col: at(cell.col), colSpan: at(cell.col + cell.colSpan) - at(cell.col) }))),
  };
}

/** The slots a table's rows cover: each row's cells left to right, with those merged down into it from above. */
function rowCover<C extends { col: number; colSpan: number; rowSpan: number }>(rows: ReadonlyArray<readonly C[]>): Array<Array<{ start: number; end: number; cell: C }>> {
  const cover = rows.map(() => [] as Array<{ start: number; end: number; cell: C }>);
  rows.forEach((cells, r) => {
    for (const cell of cells) for (let dr = 0; dr < cell.rowSpan && r + dr < rows.length; dr++) cover[r + dr]!.push({ start: cell.col, end: cell.col + cell.colSpan, cell });
  });
  for (const row of cover) row.sort((a, b) => a.start - b.start);
  return cover;
}

/**
 * Where a Word table whose columns do not fit the grid's first differs from it: the first row
 * whose cells are not bounded as the grid's are (a cell split in Word, which adds a column to the
 * table; or cells merged, when LibreOffice then drops the column no other cell uses), and the grid
 * cell there. Which Word column each of the grid's column boundaries became is taken from the rows
 * that have as many cells as the grid's; a boundary no such row shows is unknown, and then a label
 * whose text is not there marks the place. Undefined when no row fits: a column deleted or added.
 */
function firstSplitOrMerge(word: DocxTable, rows: readonly GridRow[], columns: number): { row: number; cell: GridCell } | undefined {
  const grid = rowCover(rows.map((row) => row.cells));
  const cells = rowCover(word.rows);
  const count = Math.min(grid.length, cells.length);
  const votes = new Map<number, Map<number, number>>();
  const vote = (from: number, to: number) => {
    const tally = votes.get(from) ?? new Map<number, number>();
    votes.set(from, tally.set(to, (tally.get(to) ?? 0) + 1));
  };
  for (let r = 0; r < count; r++) {
    if (grid[r]!.length !== cells[r]!.length) continue;
    grid[r]!.forEach((slot, i) => (vote(slot.start, cells[r]![i]!.start), vote(slot.end, cells[r]![i]!.end)));
  }
  if (votes.size === 0) return undefined;
  const known = new Map<number, number>([...votes].map(([from, tally]) => [from, [...tally].sort((a, b) => b[1] - a[1])[0]![0]]));
  known.set(0, 0).set(columns, word.gridColumns);
  // A slot differs if a boundary it knows lands elsewhere, or its label is not the Word cell's text.
  const differs = (slot: { start: number; end: number; cell: GridCell }, other: { start: number; end: number; cell: DocxCell } | undefined) =>
    !other ||
    [[slot.start, other.start] as const, [slot.end, other.end] as const].some(([from, to]) => known.has(from) && known.get(from) !== to) ||
    (slot.cell.role === 'label' && !slot.cell.path && squeeze(slot.cell.text) !== squeeze(other.cell.text));
  for (let r = 0; r < count; r++) {
    const at = grid[r]!.findIndex((slot, i) => differs(slot, cells[r]![i]));
    if (at >= 0) return { row: r, cell: grid[r]![at]!.cell };
    if (cells[r]!.length !== grid[r]!.length) return { row: r, cell: grid[r]!.at(-1)!.cell };
  }
  return undefined;
}

/**
 * Where a table with rows added or removed (a cell split into rows, a row inserted or deleted)
 * first differs from the grid: its row and the grid's cell there. In a row where a cell was split
 * in two rows, the cells beside it span one row more: the one that does not is the split one.
 */
function firstRowDiffering(word: DocxTable, rows: readonly GridRow[]): { row: number; cell: GridCell } | undefined {
  for (let r = 0; r < Math.min(word.rows.length, rows.length); r++) {
    const grid = rows[r]!.cells;
    const atCol = (cell: GridCell) => word.rows[r]!.find((w) => w.col === cell.col);
    const differ = grid.filter((cell) => {
      const w = atCol(cell);
      return !w || w.colSpan !== cell.colSpan || w.rowSpan !== cell.rowSpan;
    });
    if (differ.length === 0 && word.rows[r]!.length === grid.length) continue;
    const taller = differ.filter((cell) => (atCol(cell)?.rowSpan ?? 0) > cell.rowSpan);
    const split = taller.length > 0 ? grid.find((cell) => !taller.includes(cell) && atCol(cell)?.rowSpan === cell.rowSpan && atCol(cell)?.colSpan === cell.colSpan) : undefined;
    return { row: r, cell: split ?? differ[0] ?? grid.at(-1)! };
  }
  return undefined;
}

/**
 * Indicator rows added at the end of a table below a label that spans down to its last row
 * (绩效指标), without being merged into it: the label's Word cell stops short. Undefined when none.
 */
function rowsBelowGroups(word: DocxTable, rows: readonly GridRow[]): { from: number; label: GridCell; split: boolean } | undefined {
  for (const [r, row] of rows.entries()) {
    for (const cell of row.cells) {
      if (cell.role !== 'label' || cell.path || cell.rowSpan < 2 || r + cell.rowSpan !== rows.length) continue;
      const merged = word.rows[r]?.find((w) => w.col === cell.col && w.colSpan === cell.colSpan);
      const from = r + (merged?.rowSpan ?? cell.rowSpan);
      // Only indicator rows vary: a label over other rows that stops short was unmerged, not added to.
      const indicators = rows.slice(from).every((below) => below.cells.some((c) => c.path?.includes('indicators')));
      // Rows added below each start a cell of their own; a merge split in the middle leaves the
      // rows under the split merged with each other.
      const split = (word.rows[from]?.find((w) => w.col === cell.col)?.rowSpan ?? 1) > 1;
      if (merged && from < r + cell.rowSpan && indicators) return { from, label: cell, split };
    }
  }
  return undefined;
}

/** A grid cell as a person finds it on the form: its label, or the field its value is. */
const cellName = (cell: GridCell) => (cell.role === 'label' && !cell.path ? `标签「${cell.text}」` : cell.path ? `「${fieldLabel(cell.path)}」的值` : '算出的值');

/** The Word tables of one grid table against it, cell by cell. */
function readTable(
  table: GridTable,
  words: readonly DocxTable[],
  firstNumber: number,
  where: Where,
  problems: Diagnostic[],
): { values: ReadValue[]; computed: ComputedCell[] } {
  // Each grid row's Word table and row there; the Word cells by slot (grid row, column).
  const origin: Array<{ number: number; row: number }> = [];
  const slots: Array<Array<DocxCell | undefined>> = [];
  let offset = 0;
  words.forEach((word, p) => {
    word.rows.forEach((cells, r) => {
      origin.push({ number: firstNumber + p, row: r });
      slots[offset + r] ??= Array.from({ length: table.widths.length }, () => undefined);
      for (const cell of cells) {
        for (let dr = 0; dr < cell.rowSpan; dr++) {
          for (let dc = 0; dc < cell.colSpan; dc++) {
            const row = (slots[offset + r + dr] ??= Array.from({ length: table.widths.length }, () => undefined));
            row[cell.col + dc] = { ...cell, row: offset + cell.row };
          }
        }
      }
    });
    offset += word.rows.length;
  });
  const atOf = (row: number, col: number): TableAt => ({
    ...(where.number !== undefined && { form: where.number }),
    table: origin[row]!.number,
    row: origin[row]!.row + 1,
    column: col + 1,
  });

  const values: ReadValue[] = [];
  const computed: ComputedCell[] = [];
  table.rows.forEach((row, r) => {
    for (const cell of row.cells) {
      const at = atOf(r, cell.col);
      const place = placeWords(where.form, at);
      // A refusal names the field the cell holds, where it holds one.
      const what = cell.path ? fieldLabel(cell.path) : cell.role === 'label' ? `标签「${cell.text}」` : '算出的值';
      const refuse = (why: string, code: string, named = true) =>
        problems.push(
          fileProblem(code, where.medium.place(where.file, at), `${place}${named ? `（${what}）` : ''}：${why}`, {
            ...(cell.path && { path: cell.path }),
            ...(where.number !== undefined && { project: where.number - 1 }),
          }),
        );
      const word = slots[r]?.[cell.col];
      if (!word) {
        refuse(`这里应有「${label(cell)}」的单元格，现在没有`, 'form-cell-missing');
        continue;
      }
      const groupMerge = cell.rowSpan === 1 && GROUP_FIELDS.has(String(cell.path?.at(-1)));
      const sameSpan = word.row === r && word.col === cell.col && word.colSpan === cell.colSpan && word.rowSpan === cell.rowSpan;
      const coversGroup = groupMerge && word.col === cell.col && word.colSpan === cell.colSpan && word.row <= r && word.row + word.rowSpan >= r + 1;
      if (!sameSpan && !coversGroup) {
        refuse(`单元格的合并与原表不同（应${spanText(cell.rowSpan, cell.colSpan)}，现在${spanText(word.rowSpan, word.colSpan)}），无法读取`, 'form-cell-span');
        continue;
      }
      if (word.nestedTable) {
        refuse('单元格里粘贴了表格，无法读取', 'form-cell-table');
        continue;
      }
      if (word.text.includes(OBJECT)) {
        refuse('单元格里有文本框、图片或公式，无法读取。请改成文字', 'form-cell-object');
        continue;
      }
      // A footnote, a symbol without a character, a numbering format not known (docx-read.ts).
      if (word.unreadable) {
        for (const why of word.unreadable) refuse(why, 'form-cell-unreadable');
        continue;
      }
      // A cell with a path holds data, even when printed as a label (一级/二级指标). Its struck
      // words are said once, with the row the cell starts in (a group cell covers several).
      const struck = word.struck && word.row === r ? { struck: word.struck } : {};
      if (cell.path) values.push({ path: cell.path, text: word.text, place, at, ...struck });
      else if (cell.role === 'label' && squeeze(word.text) !== squeeze(cell.text)) {
        refuse(`这里是标签「${cell.text}」，现在是「${word.text}」。标签不能改，请改回去`, 'form-label-changed', false);
      } else if (cell.role === 'value') computed.push({ row: r, col: cell.col, text: word.text, place, at });
    }
  });
  return { values, computed };
}

const spanText = (rows: number, cols: number) => (rows === 1 && cols === 1 ? '不合并' : `跨 ${rows} 行 ${cols} 列`);
const label = (cell: GridCell) => (cell.role === 'label' ? cell.text : cell.path ? fieldLabel(cell.path) : '值');

/**
 * What a PDF's reader needs to join a table's pages (pdf-tables.ts), by `rowKey` of texts: the
 * header rows printed again at the top of each page a table goes on to (`repeat`), and the labels
 * that span rows (绩效指标), which a page break cuts and prints again.
 */
export function tableHints(templates: FormTemplates): { repeated: Set<string>; spanning: Set<string> } {
  const grids = [probeForm(templates, 0, 1, undefined), probeFront(templates, 1, undefined)];
  const rows = grids.flatMap((grid) => gridBlocks(grid).filter((b): b is GridTable => b.type === 'table')).flatMap((table) => table.rows);
  return {
    repeated: new Set(rows.filter((row) => row.repeat).map((row) => rowKey(row.cells.map((cell) => cell.text)))),
    spanning: new Set(rows.flatMap((row) => row.cells.filter((cell) => cell.role === 'label' && !cell.path && cell.rowSpan > 1).map((cell) => rowKey([cell.text])))),
  };
}

/** A row by its cells' texts, whitespace aside. */
export const rowKey = (texts: readonly string[]) => texts.map(squeeze).join('|');

/** A form drawn for a project with `n` indicators, each in a group of its own. */
function probeForm(templates: FormTemplates, index: number, n: number, display: Display | undefined): GridDocument {
  return declarationDocument(templates, probeProject(n), PROBE_YEAR, index, display);
}

/** The 汇总表's front (title and table) drawn for `count` projects. */
function probeFront(templates: FormTemplates, count: number, display: Display | undefined): GridDocument {
  const packet: Packet = {
    title: '汇总表标题',
    unit: '单位',
    year: PROBE_YEAR,
    ...(display ? { display } : {}),
    projects: Array.from({ length: count }, () => probeProject(0)),
  };
  return summaryDocument(templates, packet, []);
}

function probeProject(n: number): Project {
  const money = '1.00';
  return {
    name: '项目名称',
    nature: '经常性项目',
    category: '项目类别',
    department: '主管部门',
    implementer: '实施单位',
    startDate: `${PROBE_YEAR}-01-01`,
    endDate: `${PROBE_YEAR}-12-31`,
    funds: { project: { total: money, fiscal: money, other: money }, annual: { total: money, fiscal: money, carryover: money, other: money } },
    overallGoal: '项目总目标',
    annualGoal: '年度总体目标',
    indicators: Array.from({ length: n }, (_, i) => ({ level1: `一级${i}`, level2: `二级${i}`, name: `三级${i}`, target: `指标值${i}` })),
  };
}

/** The value a probe heading shows, to find it inside the heading's text: the year, the title. */
function probeValue(heading: GridHeading): string | undefined {
  const key = heading.path?.join('.');
  if (key === 'year') return String(PROBE_YEAR);
  if (key === 'title') return '汇总表标题';
  return undefined;
}

/** The value in a heading's text, with the text around it as the probe has it; undefined if it does not fit. */
function readHeading(heading: GridHeading, text: string, value: string | undefined): string | undefined {
  if (value === undefined) return squeeze(text) === squeeze(heading.text) ? text : undefined;
  const at = heading.text.indexOf(value);
  const [before, after] = [heading.text.slice(0, at), heading.text.slice(at + value.length)];
  const trimmed = text.trim();
  if (!trimmed.startsWith(before) || !trimmed.endsWith(after) || trimmed.length < before.length + after.length) return undefined;
  const inner = trimmed.slice(before.length, trimmed.length - after.length);
  if (heading.path?.join('.') === 'year' && !/^\d{4}$/.test(inner)) return undefined;
  return inner;
}

/** How a heading reads, with YYYY for the year it shows: 「(YYYY年度)」. */
function patternOf(heading: GridHeading): string {
  return heading.path?.join('.') === 'year' ? heading.text.replace(String(PROBE_YEAR), 'YYYY') : heading.text;
}

function titleOf(grid: GridDocument): string {
  const title = gridBlocks(grid).find((b): b is GridHeading => b.type === 'heading' && b.level === 1);
  return title?.text ?? '';
}

const gridBlocks = (grid: GridDocument): GridBlock[] => grid.sections.flatMap((s) => s.blocks);

/** Whitespace does not count in labels and titles: a line break typed into one is harmless. */
const squeeze = (text: string) => text.replace(/\s+/g, '');

/** An amount as the form prints it (200,000.00) or as a person types it (200000): nothing else. */
const AMOUNT_TEXT = /^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$/;

/**
 * Why a date cell's text cannot be read as a date in the house style the form is printed in, said
 * with the form's own way of writing one (not the data file's ISO format). Undefined when it is
 * one, or blank (then it is missing), or no date's cell.
 */
function dateRefusal(path: ReadonlyArray<string | number>, text: string, style: Required<Display>): string | undefined {
  const field = String(path.at(-1));
  if ((field !== 'startDate' && field !== 'endDate') || text.trim() === '' || parseDate(text, style.dateFormat) !== undefined) return undefined;
  return `「${text}」不是这张表的日期写法（或不是真实的日期）：请写成 ${formatDate('2027-01-01', style.dateFormat)}、${formatDate('2027-12-31', style.dateFormat)} 这样`;
}

/**
 * Why an amount cell's text (at `path`) cannot be read as an amount, with the fix for the usual
 * ways of writing one otherwise: full-width digits, a dash for none, 万, 元 or ￥. Undefined when it
 * is an amount, blank, or no amount's cell. Refused here, not left to validation: the fix is in
 * the Word cell, and "300000⏎50000" must never be pieced together into another number.
 */
function amountRefusal(path: ReadonlyArray<string | number>, text: string): string | undefined {
  const written = text.trim();
  if (!path.includes('funds') || written === '') return undefined;
  const refused = `「${text}」不是金额。金额以元为单位，写成 200000、200000.00 或 200,000.00`;
  if (AMOUNT_TEXT.test(written)) {
    if (written.startsWith('-')) return `「${text}」是负数：金额不能是负数`;
    if (/\.\d{3,}$/.test(written)) return `「${text}」有 ${written.split('.')[1]!.length} 位小数：金额最多两位小数（到分），如 200000.00`;
    return undefined;
  }
  if (/^(?:[-‐‑–—―−－─━~～/／]+|无)$/.test(written)) {
    return `${refused}；没有这项资金请写 0${path.at(-2) === 'project' ? '（项目资金也可以留空）' : ''}`;
  }
  const fixes: string[] = [];
  let amount = written;
  const halfWidth = amount.replace(/[０-９．，]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
  if (halfWidth !== amount) fixes.push('把全角数字改成半角');
  amount = halfWidth;
  const bare = amount.replace(/^[￥¥]\s*/, '').replace(/\s*元$/, '');
  const wan = /^(.*?)\s*万$/.exec(bare);
  if (wan && AMOUNT_TEXT.test(wan[1]!)) {
    fixes.push(`把「万」换算成元${bare !== amount ? '（不写「元」「￥」）' : ''}`);
    amount = new Big(wan[1]!.replace(/,/g, '')).times(10000).toFixed();
  } else if (bare !== amount) {
    fixes.push('去掉「元」「￥」');
    amount = bare;
  }
  if (fixes.length > 0 && AMOUNT_TEXT.test(amount)) return `${refused}；请${fixes.join('，')}：${amount}`;
  return `${refused}，一格只写一个金额，不带单位、文字或换行`;
}

/**
 * A cell's text as data at `path`. Amounts without thousands separators, with two decimals as the
 * form prints them; an amount written any other way is kept as written, for validation to refuse
 * (never pieced together: "300000⏎50000" is not 30000050000). Blank optional values are left out
 * (undefined). A goal loses the empty lines Word leaves at its end (Enter after the last line);
 * everything else is as written.
 */
function valueOf(path: ReadonlyArray<string | number>, text: string, style: Required<Display>): string | undefined {
  const field = String(path.at(-1));
  if (path.includes('funds')) {
    const amount = text.trim();
    // Printed blank for zero: a year's amounts are never missing, so blank is 0 there. A project's
    // (optional) amounts stay left out: blank cannot tell zero from none.
    if (amount === '') return style.zeroAmount === '' && path.includes('annual') ? '0.00' : undefined;
    if (!AMOUNT_TEXT.test(amount)) return text;
    const plain = amount.replace(/,/g, '');
    return /\.\d{3,}$/.test(plain) ? plain : new Big(plain).toFixed(2);
  }
  if (field === 'startDate' || field === 'endDate') return parseDate(text, style.dateFormat) ?? text;
  // The heading every form prints when the project names none: not data.
  if (field === 'overallGoalHeading') return text.trim() === OVERALL_GOAL_HEADING ? undefined : text;
  if (field === 'overallGoal' || field === 'annualGoal') {
    const goal = text.replace(/(?:\n[ \t\u3000]*)+$/, '');
    return field === 'overallGoal' && goal.trim() === '' ? undefined : goal;
  }
  return text;
}

/**
 * A cell's value as data: a blank cell (a blank form's, or one emptied) is a value not given, so
 * that validation says 缺少必填项 where one is required, not that the text is wrong.
 */
function dataOf(path: ReadonlyArray<string | number>, text: string, style: Required<Display>): string | undefined {
  const value = valueOf(path, text, style);
  return value?.trim() === '' ? undefined : value;
}

/** Sets the value at `path`, creating the objects on the way even for a blank value (funds.project: {}). */
function setValue(root: Record<string, unknown>, path: ReadonlyArray<string | number>, text: string, style: Required<Display>): void {
  const value = dataOf(path, text, style);
  let node = root as Record<string | number, unknown>;
  path.forEach((key, i) => {
    if (i === path.length - 1) {
      if (value !== undefined) node[key] = value;
      return;
    }
    node[key] ??= typeof path[i + 1] === 'number' ? [] : {};
    node = node[key] as Record<string | number, unknown>;
  });
}

function valueAt(root: unknown, path: ReadonlyArray<string | number>): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown> | undefined)?.[key], root);
}

function orderKeys(data: Record<string, unknown>, order: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(order.filter((key) => key in data).map((key) => [key, data[key]]));
}
