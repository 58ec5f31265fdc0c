// Word forms back to packet data: a .docx that shenbao wrote (a form, or the 汇总表), edited in
// Word or WPS since, read back into the packet's JSON.
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
import { WORD_PROPERTY } from '../output/word-properties.js';
import { readDocx, type DocxBlock, type DocxCell, type DocxTable } from './docx-read.js';

export interface ExtractedDocx {
  /** A 汇总表 (front table and forms) or forms only. */
  kind: 'summary' | 'form';
  /** The packet as read, not yet validated; undefined when `problems` is not empty. */
  data?: Record<string, unknown>;
  /** Edits that cannot be read, each naming the form, table, row, column and what was expected. */
  problems: string[];
}

/** Fields whose cells the template merges down a group, and a department may merge over added rows. */
const GROUP_FIELDS = new Set(['level1', 'level2']);
const PROBE_YEAR = 2000;

export function extractDocx(bytes: Uint8Array, file: string, templates: FormTemplates): ExtractedDocx {
  const content = readDocx(bytes, file);
  // Empty paragraphs carry no data: the joint between two tables, a page break, an empty line.
  const blocks = content.blocks.filter((b) => b.type === 'table' || b.text.trim() !== '');
  const formTitle = titleOf(probeForm(templates, 0, 0));
  const starts = blocks.flatMap((b, i) => (b.type === 'paragraph' && squeeze(b.text) === squeeze(formTitle) ? [i] : []));
  const problems: string[] = [];
  if (starts.length === 0) {
    return { kind: 'form', problems: [`${file}：没有找到「${formTitle}」，不是 shenbao 生成的申报表或汇总表`] };
  }
  const front = blocks.slice(0, starts[0]);
  const kind = front.length > 0 ? 'summary' : 'form';

  const projects: Record<string, unknown>[] = [];
  const years = new Set<number>();
  starts.forEach((start, k) => {
    const segment = blocks.slice(start, starts[k + 1] ?? blocks.length);
    const where = `${file}：第 ${k + 1} 张申报表`;
    const read = readAgainst(segment, (n) => probeForm(templates, k, n), where, problems);
    const project: Record<string, unknown> = {};
    const packet = { projects: [] as unknown[] };
    packet.projects[k] = project;
    for (const { path, text } of read.values) setValue(packet, path, text);
    for (const { path, text } of read.headings) {
      if (path.join('.') === 'year') {
        const year = Number(text);
        if (Number.isInteger(year)) years.add(year);
      }
    }
    project.indicators = ((project.indicators as unknown[] | undefined) ?? []).filter((i) => i !== undefined);
    projects.push(project);
  });

  const data: Record<string, unknown> = {};
  const schema = content.custom[WORD_PROPERTY.schema];
  if (schema !== undefined) data.$schema = schema;
  const title = content.custom[WORD_PROPERTY.title];
  if (title !== undefined) data.title = title;
  const unit = content.custom[WORD_PROPERTY.unit];
  if (unit !== undefined) data.unit = unit;

  if (kind === 'summary') {
    const where = `${file}：汇总表`;
    const read = readAgainst(front, () => probeFront(templates, projects.length), where, problems);
    for (const { path, text } of read.headings) if (path.join('.') === 'title') data.title = text;
    // The front table repeats what the forms say: the two must agree, or which one is meant is a guess.
    for (const { path, text, place } of read.values) {
      const [, index, ...rest] = path as ['projects', number, ...string[]];
      const inForm = valueAt(projects[index], rest);
      const value = valueOf(path, text);
      if (inForm !== value) {
        problems.push(
          `${where}${place}：「${text}」与第 ${index + 1} 张申报表上的「${inForm ?? ''}」不一致，请把两处改成一样（或只改申报表，汇总表会重新生成）`,
        );
      }
    }
  }

  if (years.size > 1) problems.push(`${file}：各张申报表的年度不一致（${[...years].join('、')}），请改成同一年度`);
  if (years.size === 1) data.year = [...years][0];
  data.projects = projects;
  // Keys in the schema's order, as a person would write the file.
  const ordered = orderKeys(data, ['$schema', 'title', 'unit', 'year', 'projects']);
  return problems.length > 0 ? { kind, problems } : { kind, data: ordered, problems };
}

interface ReadValue {
  path: Array<string | number>;
  text: string;
  /** Where in the Word file: 第 t 个表格第 r 行第 c 列. */
  place: string;
}

/**
 * Reads `blocks` (one form, or the 汇总表's front) against the grid `probe(n)` draws for n
 * indicator rows, n found from the Word tables' rows. Problems go to `problems`.
 */
function readAgainst(
  blocks: readonly DocxBlock[],
  probe: (indicatorRows: number) => GridDocument,
  where: string,
  problems: string[],
): { values: ReadValue[]; headings: Array<{ path: Array<string | number>; text: string }> } {
  const values: ReadValue[] = [];
  const headings: Array<{ path: Array<string | number>; text: string }> = [];
  const docxTables = blocks.filter((b): b is DocxTable => b.type === 'table');
  const paragraphs = blocks.filter((b) => b.type === 'paragraph');

  const expectedRows = (grid: GridDocument) => gridBlocks(grid).flatMap((b) => (b.type === 'table' ? wordTableParts(b).map((p) => p.length) : []));
  const bare = expectedRows(probe(0));
  const found = docxTables.reduce((sum, t) => sum + t.rows.length, 0);
  if (docxTables.length !== bare.length) {
    problems.push(`${where}：应有 ${bare.length} 个表格，现在有 ${docxTables.length} 个。表格被删除、拆开或粘贴进来了，无法读取`);
    return { values, headings };
  }
  const grid = probe(Math.max(0, found - bare.reduce((a, b) => a + b, 0)));
  const expected = expectedRows(grid);
  const gridHeadings = gridBlocks(grid).filter((b): b is GridHeading => b.type === 'heading');

  // Headings: the same paragraphs in the same order, text outside the tables being nothing else.
  if (paragraphs.length !== gridHeadings.length) {
    const extra = paragraphs.slice(gridHeadings.length).map((p) => `「${p.type === 'paragraph' ? p.text : ''}」`);
    problems.push(
      `${where}：表格外应只有 ${gridHeadings.map((h) => `「${h.text}」`).join('')} ${gridHeadings.length} 段标题，现在有 ${paragraphs.length} 段${extra.length ? `（多出 ${extra.join('')}）` : ''}。请把表格外加的文字删去`,
    );
  } else {
    gridHeadings.forEach((heading, i) => {
      const text = (paragraphs[i] as { text: string }).text;
      const read = readHeading(heading, text, probeValue(heading));
      if (read === undefined) problems.push(`${where}：标题「${text}」应是「${heading.text}」的样子`);
      else if (heading.path) headings.push({ path: heading.path, text: read });
    });
  }

  // Tables: the Word tables of each grid table, one after another, read as one.
  let next = 0;
  for (const table of gridBlocks(grid).filter((b): b is GridTable => b.type === 'table')) {
    const parts = wordTableParts(table);
    const firstNumber = next + 1;
    const words: DocxTable[] = [];
    next += parts.length;
    const shapeOk = parts.every((partRows, p) => {
      const number = firstNumber + p;
      const rows = expected[number - 1]!;
      const word = docxTables[number - 1]!;
      const columns = inGridColumns(word, partRows, table.widths.length);
      if (!columns) {
        problems.push(`${where}：第 ${number} 个表格应有 ${table.widths.length} 列，现在是 ${word.gridColumns} 列。列被删除或加入了，无法读取`);
        return false;
      }
      words.push(columns);
      if (word.rows.length !== rows) {
        problems.push(
          `${where}：第 ${number} 个表格应有 ${rows} 行，现在有 ${word.rows.length} 行。只有绩效指标表可以增删行，请把这个表格改回原来的行数`,
        );
        return false;
      }
      return true;
    });
    if (shapeOk) values.push(...readTable(table, words, firstNumber, where, problems));
  }
  return { values, headings };
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

/** The Word tables of one grid table against it, cell by cell. */
function readTable(table: GridTable, words: readonly DocxTable[], firstNumber: number, where: string, problems: string[]): ReadValue[] {
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
  const placeOf = (row: number, col: number) => `第 ${origin[row]!.number} 个表格第 ${origin[row]!.row + 1} 行第 ${col + 1} 列`;

  const values: ReadValue[] = [];
  const used = new Set<DocxCell>();
  table.rows.forEach((row, r) => {
    for (const cell of row.cells) {
      const place = placeOf(r, cell.col);
      const word = slots[r]?.[cell.col];
      if (!word) {
        problems.push(`${where}${place}：这里应有「${label(cell)}」的单元格，现在没有`);
        continue;
      }
      const groupMerge = cell.rowSpan === 1 && GROUP_FIELDS.has(String(cell.path?.at(-1)));
      const sameSpan = word.row === r && word.col === cell.col && word.colSpan === cell.colSpan && word.rowSpan === cell.rowSpan;
      const coversGroup = groupMerge && word.col === cell.col && word.colSpan === cell.colSpan && word.row <= r && word.row + word.rowSpan >= r + 1;
      if (!sameSpan && !coversGroup) {
        problems.push(`${where}${place}：单元格的合并与原表不同（应${spanText(cell.rowSpan, cell.colSpan)}，现在${spanText(word.rowSpan, word.colSpan)}），无法读取`);
        continue;
      }
      if (word.nestedTable) {
        problems.push(`${where}${place}：单元格里粘贴了表格，无法读取`);
        continue;
      }
      used.add(word);
      // A cell with a path holds data, even when printed as a label (一级/二级指标).
      if (!cell.path) {
        if (cell.role === 'label' && squeeze(word.text) !== squeeze(cell.text)) {
          problems.push(`${where}${place}：这里是标签「${cell.text}」，现在是「${word.text}」。标签不能改，请改回去`);
        }
        continue;
      }
      values.push({ path: cell.path, text: word.text, place });
    }
  });
  return values;
}

const spanText = (rows: number, cols: number) => (rows === 1 && cols === 1 ? '不合并' : `跨 ${rows} 行 ${cols} 列`);
const label = (cell: GridCell) => (cell.role === 'label' ? cell.text : (cell.path?.join('.') ?? '值'));

/** A form drawn for a project with `n` indicators, each in a group of its own. */
function probeForm(templates: FormTemplates, index: number, n: number): GridDocument {
  return declarationDocument(templates, probeProject(n), PROBE_YEAR, index);
}

/** The 汇总表's front (title and table) drawn for `count` projects. */
function probeFront(templates: FormTemplates, count: number): GridDocument {
  const packet: Packet = { title: '汇总表标题', unit: '单位', year: PROBE_YEAR, projects: Array.from({ length: count }, () => probeProject(0)) };
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

function titleOf(grid: GridDocument): string {
  const title = gridBlocks(grid).find((b): b is GridHeading => b.type === 'heading' && b.level === 1);
  return title?.text ?? '';
}

const gridBlocks = (grid: GridDocument): GridBlock[] => grid.sections.flatMap((s) => s.blocks);

/** Whitespace does not count in labels and titles: a line break typed into one is harmless. */
const squeeze = (text: string) => text.replace(/\s+/g, '');

/**
 * A cell's text as data at `path`: amounts without thousands separators, blank optional values
 * left out (undefined), everything else as written.
 */
function valueOf(path: ReadonlyArray<string | number>, text: string): string | undefined {
  const field = String(path.at(-1));
  if (path.includes('funds')) {
    const bare = text.replace(/[,，\s]/g, '');
    return bare === '' ? undefined : bare;
  }
  if (field === 'overallGoal' && text.trim() === '') return undefined;
  return text;
}

/** Sets the value at `path`, creating the objects on the way even for a blank value (funds.project: {}). */
function setValue(root: Record<string, unknown>, path: ReadonlyArray<string | number>, text: string): void {
  const value = valueOf(path, text);
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
