// The fill-in workbook (`shenbao xlsx`): its sheets and columns, as one table that both the writer
// (render/workbook.ts) and the reader (extract/workbook.ts) follow. A column is found by its header
// text when read, never by its position, so each header says which field of the packet it holds.
import { LEVEL1_NAMES } from './framework.js';
import { CATEGORY_EXAMPLES } from './json-schema.js';
import { NATURES } from './packet.js';

export const SHEET = {
  guide: '说明',
  unit: '单位',
  projects: '项目',
  indicators: '绩效指标',
  /** Hidden: the dropdowns' lists (inline lists are capped at 255 characters). */
  lists: '列表',
} as const;

/** How a cell's value is read and written. */
export type CellKind =
  /** Text, trimmed by validation. */
  | 'text'
  /** Text kept exactly as written: line breaks, spaces (the goals). */
  | 'goal'
  /** 元 with two decimals: a number cell, or text such as 300,000.00. */
  | 'money'
  /** A date cell, or text 2023-01-01, 2023/1/1, 2023年1月1日. */
  | 'date'
  /** A whole year: a number, or its digits as text. */
  | 'year';

export interface WorkbookField {
  /** The header (项目、绩效指标) or the label in column A (单位), as printed. */
  header: string;
  /** Other header texts read as this one (as an office may have retyped it). */
  aliases?: readonly string[];
  /** The field's path, from the project (项目、绩效指标) or the packet (单位). */
  path: readonly string[];
  kind: CellKind;
  required: boolean;
  /** Column width in Excel's character units (a Chinese character is two). */
  width: number;
  /** What to write there, for 说明. */
  note: string;
  /** A dropdown's choices; `strict`: nothing else may be typed (else a warning only). */
  list?: { values: readonly string[]; strict: boolean };
}

/** 单位: one row per field, its label in column A and its value in column B. */
export const UNIT_FIELDS: readonly WorkbookField[] = [
  { header: '汇总表标题', path: ['title'], kind: 'text', required: true, width: 0, note: '汇总表顶上的标题，如“××单位2027年度项目绩效目标汇总表”' },
  { header: '单位', aliases: ['单位名称'], path: ['unit'], kind: 'text', required: true, width: 0, note: '编制单位的全称' },
  { header: '年度', path: ['year'], kind: 'year', required: true, width: 0, note: '四位年份，如 2027' },
  {
    header: '日期格式',
    path: ['display', 'dateFormat'],
    kind: 'text',
    required: false,
    width: 0,
    note: '可留空。表上日期的印法：yyyy-MM-dd（默认）、yyyy/M/d、yyyy年M月d日……',
  },
  {
    header: '零金额',
    path: ['display', 'zeroAmount'],
    kind: 'text',
    required: false,
    width: 0,
    note: '可留空。金额为零时印 0.00（默认）、0，或选“留空”不印',
    list: { values: ['0.00', '0', '留空'], strict: true },
  },
  {
    header: '年度括号',
    path: ['display', 'yearBrackets'],
    kind: 'text',
    required: false,
    width: 0,
    note: '可留空。申报表年度一行的括号：半角（默认，印成 (2027年度)）或全角（印成 （2027年度））',
    list: { values: ['半角', '全角'], strict: true },
  },
];

/** How 单位's choices are written in the workbook and in the data. */
export const UNIT_CHOICES: Readonly<Record<string, ReadonlyArray<readonly [cell: string, data: string]>>> = {
  'display.zeroAmount': [
    ['0.00', '0.00'],
    ['0', '0'],
    ['留空', ''],
  ],
  'display.yearBrackets': [
    ['半角', 'ascii'],
    ['全角', 'fullwidth'],
  ],
};

const MONEY_NOTE = '金额，单位元，最多两位小数；写数字，或写成 300,000.00 这样的文字';

/** 项目: one row per project. */
export const PROJECT_FIELDS: readonly WorkbookField[] = [
  { header: '项目名称', path: ['name'], kind: 'text', required: true, width: 30, note: '每个项目一行；项目名称不要重复，绩效指标按它对应到项目' },
  { header: '项目性质', path: ['nature'], kind: 'text', required: true, width: 14, note: '从下拉列表选：经常性项目、阶段性项目、一次性项目', list: { values: NATURES, strict: true } },
  { header: '项目类别', path: ['category'], kind: 'text', required: true, width: 14, note: '从下拉列表选，或照本地的分类填写，如 特定目标类、其他运转类', list: { values: CATEGORY_EXAMPLES, strict: false } },
  { header: '主管部门', path: ['department'], kind: 'text', required: true, width: 24, note: '主管部门全称' },
  { header: '实施单位', path: ['implementer'], kind: 'text', required: true, width: 24, note: '实施单位全称' },
  { header: '计划开始日期', path: ['startDate'], kind: 'date', required: true, width: 14, note: '日期，如 2027-01-01；也可写成 2027/1/1 或 2027年1月1日' },
  { header: '计划完成日期', path: ['endDate'], kind: 'date', required: true, width: 14, note: '日期，写法同上' },
  { header: '项目资金总额', aliases: ['项目资金：资金总额'], path: ['funds', 'project', 'total'], kind: 'money', required: false, width: 18, note: `可留空（整个项目、可跨年度的资金）。${MONEY_NOTE}` },
  { header: '项目资金：其中财政资金', aliases: ['项目资金：财政资金'], path: ['funds', 'project', 'fiscal'], kind: 'money', required: false, width: 18, note: '可留空。金额，写法同上' },
  { header: '项目资金：其他资金', path: ['funds', 'project', 'other'], kind: 'money', required: false, width: 18, note: '可留空。金额，写法同上' },
  { header: '年度资金申请总额', aliases: ['年度资金：年度资金申请总额', '年度资金：申请总额'], path: ['funds', 'annual', 'total'], kind: 'money', required: true, width: 18, note: `本年度的申请总额。${MONEY_NOTE}` },
  { header: '年度资金：其中当年财政拨款', aliases: ['其中：当年财政拨款', '当年财政拨款'], path: ['funds', 'annual', 'fiscal'], kind: 'money', required: true, width: 18, note: '金额，写法同上；没有写 0' },
  { header: '年度资金：上年结转资金', aliases: ['上年结转资金'], path: ['funds', 'annual', 'carryover'], kind: 'money', required: true, width: 18, note: '金额，写法同上；没有写 0' },
  { header: '年度资金：其他资金', path: ['funds', 'annual', 'other'], kind: 'money', required: true, width: 18, note: '金额，写法同上；没有写 0' },
  { header: '项目总目标的标题', path: ['overallGoalHeading'], kind: 'text', required: false, width: 22, note: '可留空（印“项目总目标”）；跨年度的项目可写 项目总体目标(2027年-2029年)' },
  { header: '项目总目标', path: ['overallGoal'], kind: 'goal', required: false, width: 50, note: '可留空；照原样保留换行（单元格里按 Alt+Enter 换行）' },
  { header: '年度总体目标', path: ['annualGoal'], kind: 'goal', required: true, width: 50, note: '必填；照原样保留换行' },
];

/** 绩效指标: one row per indicator, in the order the form prints them. */
export const INDICATOR_FIELDS: readonly WorkbookField[] = [
  { header: '项目名称', path: [], kind: 'text', required: true, width: 30, note: '从下拉列表选（即“项目”表里的项目名称）；一个项目的指标按行的先后印在表上' },
  { header: '一级指标', path: ['level1'], kind: 'text', required: true, width: 14, note: '从下拉列表选：产出指标、成本指标、效益指标、满意度指标', list: { values: LEVEL1_NAMES, strict: true } },
  { header: '二级指标', path: ['level2'], kind: 'text', required: true, width: 26, note: '从下拉列表选：列表随本行的一级指标而变（先选一级指标）' },
  { header: '三级指标', path: ['name'], kind: 'text', required: true, width: 34, note: '指标名称' },
  { header: '指标值', aliases: ['年度指标值', '年度(/项目)指标值', '指标值（年度）'], path: ['target'], kind: 'text', required: true, width: 18, note: '按表上印出的原样写，如 ≥4(次)、=90(%)、提升、4季度前；以 = 开头时照样输入即可' },
];

/** The data rows that carry the dropdowns and unlocked cells in a workbook (beyond those filled). */
export const BLANK_ROWS = { projects: 500, indicators: 5_000 } as const;

/**
 * A header as compared: without spaces and a unit in brackets (（元）), colons and brackets in
 * one width, so 项目资金总额（元） and 项目资金总额 are one header.
 */
export function headerKey(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(/[(（]元[)）]$/, '')
    .replace(/：/g, ':');
}

/** The header printed in the workbook: amounts say their unit. */
export const printedHeader = (field: WorkbookField): string => (field.kind === 'money' ? `${field.header}（元）` : field.header);

/** Excel's name for column `index` (0-based): A, B, … Z, AA. */
export function columnName(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}
