// The distinct packet (test/fixtures/distinct.json): every amount and every field differs from
// every other, so a value printed in another field's cell shows up. For each form's grid (before
// pagination): every data cell shows exactly the value its path names, stands beside or under
// the label of that field, and the form's fixed part and merged 一级/二级 cells have their exact
// spans. What is expected is worked out here from the data file alone (amounts are formatted by
// hand below, not by the code's formatMoney).
import { beforeAll, describe, expect, it } from 'vitest';
import { declarationDocument, summaryDocument } from '../src/layout/forms.js';
import { loadTemplates, type FormTemplates } from '../src/layout/templates.js';
import { validatePacket } from '../src/validate/validate.js';
import type { DataPath, GridCell, GridDocument, GridTable } from '../src/layout/grid.js';
import { loadDistinct, loadDistinctRaw } from './support/golden.js';

const packet = loadDistinct();
let templates: FormTemplates;
beforeAll(async () => {
  templates = await loadTemplates();
});

// ── expected values, independently ────────────────────────────────────────────────────────────

/** `#,##0.00` on the decimal string itself: no Intl, no floating point, nothing from src/. */
function money(amount: string): string {
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(amount);
  if (!m) throw new Error(`not an amount: ${amount}`);
  return `${m[1]!.replace(/\B(?=(\d{3})+$)/g, ',')}.${(m[2] ?? '').padEnd(2, '0')}`;
}

const cents = (amount: string): bigint => {
  const [whole, fraction = ''] = amount.split('.');
  return BigInt(whole!) * 100n + BigInt(fraction.padEnd(2, '0'));
};
const fromCents = (c: bigint): string => `${c / 100n}.${String(c % 100n).padStart(2, '0')}`;

const valueAt = (path: DataPath): unknown =>
  path.reduce<unknown>((v, key) => (v === undefined ? undefined : (v as Record<string | number, unknown>)[key]), packet);

/** What the cell at `path` must print: amounts as #,##0.00, text as written, a blank as ''. */
function expectedText(path: DataPath): string {
  const value = valueAt(path);
  // The goal column's heading: the project's own, else the form's.
  if (path.at(-1) === 'overallGoalHeading') return (value as string | undefined) ?? '项目总目标';
  if (value === undefined) return '';
  if (typeof value !== 'string') throw new Error(`${path.join('.')} is not a printed leaf`);
  return path.includes('funds') ? money(value) : value;
}

const ANNUAL_KEYS = ['total', 'fiscal', 'carryover', 'other'] as const;
const PROJECT_KEYS = ['total', 'fiscal', 'other'] as const;

// ── the grid as slots ─────────────────────────────────────────────────────────────────────────

interface Placed {
  cell: GridCell;
  /** The row the cell starts in. */
  row: number;
}

/** Every slot of the table and the cell covering it; each slot must be covered exactly once. */
function slotsOf(table: GridTable): Placed[][] {
  const slots: Array<Array<Placed | undefined>> = table.rows.map(() => table.widths.map(() => undefined));
  table.rows.forEach((row, r) =>
    row.cells.forEach((cell) => {
      for (let dr = 0; dr < cell.rowSpan; dr++)
        for (let dc = 0; dc < cell.colSpan; dc++) {
          const line = slots[r + dr];
          expect(line, `${cell.text}: rowSpan runs past the table`).toBeDefined();
          expect(cell.col + dc, `${cell.text}: colSpan runs past the table`).toBeLessThan(table.widths.length);
          expect(line![cell.col + dc], `${cell.text}: slot (${r + dr}, ${cell.col + dc}) covered twice`).toBeUndefined();
          line![cell.col + dc] = { cell, row: r };
        }
    }),
  );
  slots.forEach((line, r) => line.forEach((slot, c) => expect(slot, `slot (${r}, ${c}) not covered`).toBeDefined()));
  return slots as Placed[][];
}

const key = (path: DataPath | undefined) => path?.join('.');
const placedCells = (table: GridTable): Placed[] => table.rows.flatMap((row, r) => row.cells.map((cell) => ({ cell, row: r })));

function tableOf(document: GridDocument): GridTable {
  expect(document.sections).toHaveLength(1);
  const tables = document.sections[0]!.blocks.filter((b): b is GridTable => b.type === 'table');
  expect(tables).toHaveLength(1);
  return tables[0]!;
}

const headingsOf = (document: GridDocument) =>
  document.sections[0]!.blocks.flatMap((b) => (b.type === 'heading' ? [{ level: b.level, text: b.text, path: b.path }] : []));

/** The label a data cell must stand beside (left), under (above), or in the column of (header). */
function expectLabel(slots: Placed[][], at: Placed, where: 'left' | 'above', text: string): void {
  const neighbour = where === 'left' ? slots[at.row]![at.cell.col - 1] : slots[at.row - 1]?.[at.cell.col];
  expect(neighbour, `${key(at.cell.path)}: no cell ${where}`).toBeDefined();
  expect({ text: neighbour!.cell.text, role: neighbour!.cell.role, path: neighbour!.cell.path }, `the label ${where} ${key(at.cell.path)}`).toEqual({
    text,
    role: 'label',
    path: undefined,
  });
}

function expectColumnHeader(table: GridTable, slots: Placed[][], at: Placed, text: string): void {
  const header = table.rows.findIndex((row) => row.repeat);
  expect(header, 'the table has a header row').toBeGreaterThanOrEqual(0);
  expect(header, `${key(at.cell.path)} lies below the header row`).toBeLessThan(at.row);
  for (let c = at.cell.col; c < at.cell.col + at.cell.colSpan; c++)
    expect(slots[header]![c]!.cell.text, `the column header over ${key(at.cell.path)}`).toBe(text);
}

// ── the fixture itself ────────────────────────────────────────────────────────────────────────

describe('the distinct packet', () => {
  it('is valid: no errors and no warnings', () => {
    const validation = validatePacket(loadDistinctRaw());
    expect(validation.diagnostics).toEqual([]);
    expect(validation.packet).toBeDefined();
  });

  it('formats amounts by hand as #,##0.00 (the expectation’s own check)', () => {
    expect(['0', '815.5', '95174', '1234567.89', '99999999999.99'].map(money)).toEqual([
      '0.00', '815.50', '95,174.00', '1,234,567.89', '99,999,999,999.99',
    ]);
  });

  it('has every amount different from every other, the 汇总表’s column totals included', () => {
    const amounts = packet.projects.flatMap((p) => [
      ...PROJECT_KEYS.map((k) => p.funds.project[k]!),
      ...ANNUAL_KEYS.map((k) => p.funds.annual[k]),
    ]);
    const totals = ANNUAL_KEYS.map((k) => fromCents(packet.projects.reduce((sum, p) => sum + cents(p.funds.annual[k]), 0n)));
    const all = [...amounts, ...totals].map(cents);
    expect(all).toHaveLength(3 * 7 + 4);
    expect(new Set(all).size).toBe(all.length);
    // Every project's funds are filled and add up as the rules demand.
    for (const { funds } of packet.projects) {
      expect(cents(funds.project.total!)).toBe(cents(funds.project.fiscal!) + cents(funds.project.other!));
      expect(cents(funds.project.total!)).toBeGreaterThanOrEqual(cents(funds.annual.total));
      expect(cents(funds.annual.total)).toBe(cents(funds.annual.fiscal) + cents(funds.annual.carryover) + cents(funds.annual.other));
    }
  });

  it('has every text field different from every other', () => {
    const texts = [
      packet.title,
      packet.unit,
      ...packet.projects.flatMap((p) => [
        p.name, p.nature, p.category, p.department, p.implementer, p.startDate, p.endDate, p.annualGoal,
        ...(p.overallGoal === undefined ? [] : [p.overallGoal]),
        ...p.indicators.flatMap((i) => [i.name, i.target]),
      ]),
    ];
    expect(new Set(texts).size).toBe(texts.length);
    expect(packet.projects.map((p) => p.nature)).toEqual(['经常性项目', '阶段性项目', '一次性项目']);
    expect(packet.projects.map((p) => p.overallGoal === undefined)).toEqual([true, false, false]);
  });

  it('has a 阶段性项目 across two years, declared in the second', () => {
    expect(packet.year).toBe(2024);
    expect(packet.projects[1]).toMatchObject({ nature: '阶段性项目', startDate: '2023-07-01', endDate: '2024-06-30' });
  });
});

// ── each 申报表 ───────────────────────────────────────────────────────────────────────────────

/** The label left of each single field's value cell (relative to the project). */
const LEFT_LABEL: Record<string, string> = {
  name: '项目名称',
  nature: '项目性质',
  category: '项目类别',
  department: '主管部门',
  implementer: '实施单位',
  startDate: '计划开始日期',
  endDate: '计划完成日期',
  'funds.project.total': '项目资金总额',
  'funds.project.fiscal': '其中：财政资金',
  'funds.project.other': '其他资金',
  'funds.annual.total': '年度资金申请总额',
  'funds.annual.fiscal': '其中：当年财政拨款',
  'funds.annual.carryover': '上年结转资金',
  'funds.annual.other': '其他资金',
  overallGoalHeading: '项目绩效目标',
};
const ABOVE_LABEL: Record<string, string> = { annualGoal: '年度总体目标' };
const INDICATOR_HEADER: Record<string, string> = { level1: '一级指标', level2: '二级指标', name: '三级指标', target: '年度(/项目)指标值' };

/**
 * The merged 一级/二级 cells of each project, written out by hand from the fixture: the indicator
 * a group starts at, which level, its text and how many rows it spans.
 */
type Group = [start: number, level: 'level1' | 'level2', text: string, rowSpan: number];
const GROUPS: Group[][] = [
  [
    [0, 'level1', '产出指标', 4],
    [0, 'level2', '数量指标', 2],
    [2, 'level2', '质量指标', 1],
    [3, 'level2', '时效指标', 1],
    [4, 'level1', '效益指标', 1],
    [4, 'level2', '社会效益指标', 1],
    [5, 'level1', '满意度指标', 2],
    [5, 'level2', '服务对象满意度指标', 2],
  ],
  [
    [0, 'level1', '产出指标', 2],
    [0, 'level2', '数量指标', 1],
    [1, 'level2', '成本指标', 1],
    [2, 'level1', '成本指标', 1],
    [2, 'level2', '经济成本指标', 1],
    [3, 'level1', '效益指标', 2],
    [3, 'level2', '可持续影响指标', 1],
    [4, 'level2', '经济效益指标', 1],
    [5, 'level1', '满意度指标', 1],
    [5, 'level2', '社会公众或服务对象满意度指标', 1],
  ],
  [
    [0, 'level1', '产出指标', 2],
    [0, 'level2', '数量指标', 1],
    [1, 'level2', '时效指标', 1],
    [2, 'level1', '效益指标', 2],
    [2, 'level2', '社会效益指标', 1],
    [3, 'level2', '生态效益指标', 1],
    [4, 'level1', '满意度指标', 1],
    [4, 'level2', '服务对象满意度指标', 1],
  ],
];

/** A cell as [label text or '@' + path relative to the project, col, rowSpan, colSpan]. */
type Shape = [string, number, number, number];

/** The fixed part of the 申报表, rows 0–9, as the official form draws it. */
const fixedPart = (indicatorCount: number): Shape[][] => [
  [['项目名称', 0, 1, 1], ['@name', 1, 1, 2], ['项目性质', 3, 1, 1], ['@nature', 4, 1, 1], ['项目类别', 5, 1, 1], ['@category', 6, 1, 1]],
  [['主管部门', 0, 1, 1], ['@department', 1, 1, 2], ['实施单位', 3, 1, 2], ['@implementer', 5, 1, 2]],
  [['计划开始日期', 0, 1, 1], ['@startDate', 1, 1, 2], ['计划完成日期', 3, 1, 2], ['@endDate', 5, 1, 2]],
  [['项目资金（元）', 0, 4, 1], ['项目资金总额', 1, 1, 1], ['@funds.project.total', 2, 1, 1], ['年度资金申请总额', 3, 1, 2], ['@funds.annual.total', 5, 1, 2]],
  [['其中：财政资金', 1, 2, 1], ['@funds.project.fiscal', 2, 2, 1], ['其中：当年财政拨款', 3, 1, 2], ['@funds.annual.fiscal', 5, 1, 2]],
  [['上年结转资金', 3, 1, 2], ['@funds.annual.carryover', 5, 1, 2]],
  [['其他资金', 1, 1, 1], ['@funds.project.other', 2, 1, 1], ['其他资金', 3, 1, 2], ['@funds.annual.other', 5, 1, 2]],
  [['项目绩效目标', 0, 2, 1], ['@overallGoalHeading', 1, 1, 2], ['年度总体目标', 3, 1, 4]],
  [['@overallGoal', 1, 1, 2], ['@annualGoal', 3, 1, 4]],
  [['绩效指标', 0, indicatorCount + 1, 1], ['一级指标', 1, 1, 1], ['二级指标', 2, 1, 1], ['三级指标', 3, 1, 3], ['年度(/项目)指标值', 6, 1, 1]],
];
const FIXED_ROWS = 10;

describe.each(packet.projects.map((project, index) => [index + 1, project.name, index] as const))('申报表 %i %s', (_number, _name, index) => {
  const project = packet.projects[index]!;
  const base: DataPath = ['projects', index];
  let document: GridDocument;
  let table: GridTable;
  let slots: Placed[][];
  let data: Placed[];
  beforeAll(() => {
    document = declarationDocument(templates, project, packet.year, index);
    table = tableOf(document);
    slots = slotsOf(table);
    data = placedCells(table).filter((p) => p.cell.path);
  });
  const relative = (path: DataPath | undefined) => {
    expect(path?.slice(0, 2), `${key(path)} belongs to project ${index}`).toEqual(base);
    return path!.slice(2);
  };
  const shape = (cell: GridCell): Shape => [cell.path ? `@${relative(cell.path).join('.')}` : cell.text, cell.col, cell.rowSpan, cell.colSpan];

  it('has the title and the (2024年度) line, the latter from /year', () => {
    expect(document.sections[0]!.bookmark).toBe(project.name);
    expect(headingsOf(document)).toEqual([
      { level: 1, text: '财政项目支出绩效目标申报表', path: undefined },
      { level: 2, text: `(${packet.year}年度)`, path: ['year'] },
    ]);
  });

  it('shows in every data cell exactly the value its path names', () => {
    expect(data.length).toBeGreaterThan(0);
    for (const { cell } of data) expect(cell.text, key(cell.path)).toBe(expectedText(cell.path!));
  });

  it('has one cell for every field of the project, and one only', () => {
    const groupStarts = GROUPS[index]!.map(([start, level]) => `indicators.${start}.${level}`);
    const expected = [
      ...['name', 'nature', 'category', 'department', 'implementer', 'startDate', 'endDate', 'overallGoalHeading', 'overallGoal', 'annualGoal'],
      ...PROJECT_KEYS.map((k) => `funds.project.${k}`),
      ...ANNUAL_KEYS.map((k) => `funds.annual.${k}`),
      ...project.indicators.flatMap((_, i) => [`indicators.${i}.name`, `indicators.${i}.target`]),
      ...groupStarts,
    ].sort();
    expect(data.map((p) => relative(p.cell.path).join('.')).sort()).toEqual(expected);
  });

  it('prints each value of the data in one cell only (一级/二级 names aside: 成本指标 is both)', () => {
    const texts = placedCells(table).map((p) => p.cell.text);
    for (const { cell } of data) {
      if (cell.text === '' || ['level1', 'level2'].includes(String(cell.path!.at(-1)))) continue;
      expect(texts.filter((t) => t === cell.text), `${key(cell.path)}: ${cell.text}`).toHaveLength(1);
    }
  });

  it('puts every value beside (or under) the label of its own field', () => {
    for (const at of data) {
      const rel = relative(at.cell.path);
      const field = rel.join('.');
      if (rel[0] === 'indicators') {
        const i = rel[1] as number;
        const which = rel[2] as string;
        const indicator = project.indicators[i]!;
        expectColumnHeader(table, slots, at, INDICATOR_HEADER[which]!);
        const left = slots[at.row]![at.cell.col - 1]!.cell;
        if (which === 'level1') expectLabel(slots, at, 'left', '绩效指标');
        // A 二级 group sits in its own 一级 group, a 三级指标 in its own 二级 group.
        else if (which === 'level2') expect([left.text, left.path?.at(-1)], field).toEqual([indicator.level1, 'level1']);
        else if (which === 'name') expect([left.text, left.path?.at(-1)], field).toEqual([indicator.level2, 'level2']);
        else expect(key(left.path), field).toBe(key([...base, 'indicators', i, 'name']));
      } else if (field === 'overallGoal') {
        // Under the goal column's heading, itself a label that holds data.
        const above = slots[at.row - 1]![at.cell.col]!.cell;
        expect([above.role, key(above.path)], field).toEqual(['label', key([...base, 'overallGoalHeading'])]);
      } else if (LEFT_LABEL[field]) expectLabel(slots, at, 'left', LEFT_LABEL[field]);
      else if (ABOVE_LABEL[field]) expectLabel(slots, at, 'above', ABOVE_LABEL[field]);
      else throw new Error(`no label expected for ${field}`);
    }
  });

  it('draws the fixed part of the form with its exact spans', () => {
    expect(table.widths).toHaveLength(7);
    expect(table.rows.slice(0, FIXED_ROWS).map((row) => row.cells.map(shape))).toEqual(fixedPart(project.indicators.length));
    // Labels are labels, values are values (the goal column's heading is a label that holds data);
    // only the indicator header row repeats.
    for (const row of table.rows.slice(0, FIXED_ROWS))
      for (const cell of row.cells) expect(cell.role, cell.text).toBe(cell.path && cell.path.at(-1) !== 'overallGoalHeading' ? 'value' : 'label');
    expect(table.rows.map((row) => row.repeat)).toEqual(table.rows.map((_, r) => r === FIXED_ROWS - 1));
  });

  it('merges the 一级/二级 cells over their groups, with exact spans', () => {
    const groups = GROUPS[index]!;
    const rows = table.rows.slice(FIXED_ROWS);
    expect(rows).toHaveLength(project.indicators.length);
    const expected = project.indicators.map((_, i): Shape[] => [
      ...groups
        .filter(([start]) => start === i)
        .map(([start, level, _text, rowSpan]): Shape => [`@indicators.${start}.${level}`, level === 'level1' ? 1 : 2, rowSpan, 1]),
      [`@indicators.${i}.name`, 3, 1, 3],
      [`@indicators.${i}.target`, 6, 1, 1],
    ]);
    expect(rows.map((row) => row.cells.map(shape))).toEqual(expected);
    for (const [start, level, text] of groups) {
      const cell = rows[start]!.cells.find((c) => c.path?.at(-1) === level)!;
      expect([cell.text, cell.role], `indicators.${start}.${level}`).toEqual([text, 'label']);
    }
  });
});

// ── the 汇总表's own table ────────────────────────────────────────────────────────────────────

const SUMMARY_HEADER = ['序号', '项目名称', '项目性质', '项目类别', '实施单位', '年度资金申请总额', '当年财政拨款', '上年结转资金', '其他资金'];
/** The column header over each field of a project row. */
const SUMMARY_FIELD_HEADER: Record<string, string> = {
  name: '项目名称',
  nature: '项目性质',
  category: '项目类别',
  implementer: '实施单位',
  'funds.annual.total': '年度资金申请总额',
  'funds.annual.fiscal': '当年财政拨款',
  'funds.annual.carryover': '上年结转资金',
  'funds.annual.other': '其他资金',
};

describe('汇总表 front table', () => {
  let document: GridDocument;
  let table: GridTable;
  let slots: Placed[][];
  let data: Placed[];
  beforeAll(() => {
    document = summaryDocument(templates, packet, []);
    table = tableOf(document);
    slots = slotsOf(table);
    data = placedCells(table).filter((p) => p.cell.path);
  });
  const totals = ANNUAL_KEYS.map((k) => money(fromCents(packet.projects.reduce((sum, p) => sum + cents(p.funds.annual[k]), 0n))));

  it('has the packet title as its heading, from /title', () => {
    expect(headingsOf(document)).toEqual([{ level: 1, text: packet.title, path: ['title'] }]);
  });

  it('shows in every data cell exactly the value its path names, once each', () => {
    for (const { cell } of data) expect(cell.text, key(cell.path)).toBe(expectedText(cell.path!));
    const expected = packet.projects.flatMap((_, i) => Object.keys(SUMMARY_FIELD_HEADER).map((f) => `projects.${i}.${f}`)).sort();
    expect(data.map((p) => key(p.cell.path)).sort()).toEqual(expected);
  });

  it('puts every value in its own project’s row and under its own column header', () => {
    for (const at of data) {
      const [, i, ...rest] = at.cell.path!;
      expectColumnHeader(table, slots, at, SUMMARY_FIELD_HEADER[rest.join('.')]!);
      // The row's 序号 is the project's number.
      expect(slots[at.row]![0]!.cell.text, key(at.cell.path)).toBe(String((i as number) + 1));
    }
  });

  it('has the exact rows and spans: header, one row per project, then 合计 with independent sums', () => {
    expect(table.widths).toHaveLength(9);
    const shape = (cell: GridCell) => [cell.path ? `@${key(cell.path)}` : cell.text, cell.col, cell.rowSpan, cell.colSpan, cell.role];
    expect(table.rows.map((row) => row.cells.map(shape))).toEqual([
      SUMMARY_HEADER.map((text, col) => [text, col, 1, 1, 'label']),
      ...packet.projects.map((_, i) => [
        [String(i + 1), 0, 1, 1, 'value'],
        ...Object.keys(SUMMARY_FIELD_HEADER).map((f, c) => [`@projects.${i}.${f}`, c + 1, 1, 1, 'value']),
      ]),
      [['合计', 0, 1, 5, 'label'], ...totals.map((text, c) => [text, c + 5, 1, 1, 'value'])],
    ]);
    expect(table.rows.map((row) => row.repeat)).toEqual(table.rows.map((_, r) => r === 0));
  });

  it('prints each amount in one cell only, the totals included', () => {
    const texts = placedCells(table).map((p) => p.cell.text);
    const amounts = [...packet.projects.flatMap((p) => ANNUAL_KEYS.map((k) => money(p.funds.annual[k]))), ...totals];
    for (const amount of amounts) expect(texts.filter((t) => t === amount), amount).toHaveLength(1);
  });
});
