// A blank 申报表 filled in as a department does in Word: each value typed into its empty cell (a
// w:r/w:t in the cell's paragraph; a goal's lines as paragraphs, Enter between them), indicators
// typed into the spare rows of their group, a row inserted below the group's last one when the
// group has too few, and the rows not needed left empty.
import type { Document, Element } from '@xmldom/xmldom';
import { BLANK_GROUPS } from '../../src/output/blank.js';
import type { Project } from '../../src/model/packet.js';
import { cellsOf, children, descendants, rowsOf, run, setCellText, tables, textOf } from './docx.js';
import { money } from './seed.js';

/** Types `project` into the blank form's XML. Its indicators must come in BLANK_GROUPS order. */
export function fillBlank(document: Document, project: Project): void {
  const [upper, lower] = tables(document);
  const cells = descendants(upper!, 'tc');
  /** The value cell right of the `nth` label cell reading `label`. */
  const after = (label: string, nth = 0): Element => {
    const labelCell = cells.filter((tc) => textOf(tc) === label)[nth];
    if (!labelCell) throw new Error(`no label 「${label}」`);
    const row = cellsOf(labelCell.parentNode as unknown as Element);
    return row[row.indexOf(labelCell) + 1]!;
  };
  const type = (cell: Element, text: string | undefined) => {
    if (text !== undefined) typeLines(cell, text);
  };
  type(after('项目名称'), project.name);
  type(after('项目性质'), project.nature);
  type(after('项目类别'), project.category);
  type(after('主管部门'), project.department);
  type(after('实施单位'), project.implementer);
  type(after('计划开始日期'), project.startDate);
  type(after('计划完成日期'), project.endDate);
  const { project: whole, annual } = project.funds;
  const amount = (cell: Element, value: string | undefined) => type(cell, value === undefined ? undefined : money(value));
  amount(after('项目资金总额'), whole.total);
  amount(after('其中：财政资金'), whole.fiscal);
  amount(after('其他资金', 0), whole.other);
  amount(after('年度资金申请总额'), annual.total);
  amount(after('其中：当年财政拨款'), annual.fiscal);
  amount(after('上年结转资金'), annual.carryover);
  amount(after('其他资金', 1), annual.other);
  // The goals' row: the last of the upper table (its first cell continues 项目绩效目标 down).
  const goals = cellsOf(rowsOf(upper!).at(-1)!);
  type(goals.at(-2)!, project.overallGoal);
  type(goals.at(-1)!, project.annualGoal);

  // The indicator rows of each group, in order, below the header row.
  const rows = rowsOf(lower!).slice(1);
  let next = 0;
  const groups = BLANK_GROUPS.map((group) => {
    const own = rows.slice(next, next + group.rows);
    next += group.rows;
    return { ...group, own };
  });
  for (const group of groups) {
    const wanted = project.indicators.filter((i) => i.level1 === group.level1 && i.level2 === group.level2);
    while (group.own.length < wanted.length) group.own.push(insertRowBelow(group.own.at(-1)!));
    wanted.forEach((indicator, k) => {
      const row = cellsOf(group.own[k]!);
      setCellText(row.at(-2)!, indicator.name);
      setCellText(row.at(-1)!, indicator.target);
    });
  }
}

/** A new empty row below `row`, inside its merged 一级/二级 cells (Word's 在下方插入行 there). */
export function insertRowBelow(row: Element): Element {
  const copy = row.cloneNode(true) as Element;
  for (const cell of cellsOf(copy).slice(-2)) setCellText(cell, '');
  row.parentNode!.insertBefore(copy, row.nextSibling);
  return copy;
}

/** The text typed into a cell: one paragraph per line, as Enter makes them. */
function typeLines(cell: Element, text: string): void {
  const [first, ...rest] = text.split('\n');
  setCellText(cell, first!);
  const paragraph = children(cell, 'p')[0]!;
  let last = paragraph;
  for (const line of rest) {
    const p = paragraph.cloneNode(false) as Element;
    for (const pPr of children(paragraph, 'pPr')) p.appendChild(pPr.cloneNode(true));
    p.appendChild(run(cell.ownerDocument!, line));
    cell.insertBefore(p, last.nextSibling);
    last = p;
  }
}

/** The unit and year the test forms are made for. */
export const UNIT = '上海市某区社区事务办公室';
export const YEAR = 2027;
export const TITLE = `${UNIT}${YEAR}年度项目绩效目标汇总表`;

const NAMES = ['社区健康驿站运营', '老年助餐点补贴', '河道保洁养护', '校园安全护导', '文化馆展陈更新', '街道信息平台运维', '防汛物资储备', '公共绿地改造', '就业援助培训', '垃圾分类宣传'];
const DEPARTMENTS = ['卫生健康委员会', '民政局', '水务局', '教育局', '文化旅游局', '大数据中心', '应急管理局', '绿化市容局', '人力资源社会保障局', '生态环境局'];
const NATURES = ['经常性项目', '阶段性项目', '一次性项目'] as const;

/** Cents as an amount string: 12345 → "123.45". */
const amount = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

/**
 * Department `i`'s project (i from 0 to 9): every value distinct, within the form and from the
 * other departments'. Indicators in BLANK_GROUPS order; department 2, 5 and 8 have four 数量指标
 * (one more row than the blank has), odd ones no 项目总目标.
 */
export function departmentProject(i: number): Project {
  const n = i + 1;
  const [fiscal, carryover, other] = [30_000_000 + n * 123_400, 2_000_000 + n * 5_600, 1_000_000 + n * 736];
  const pad = (x: number) => String(x).padStart(2, '0');
  const quantity = Array.from({ length: 2 + (i % 3) }, (_, k) => ({ level1: '产出指标', level2: '数量指标', name: `${NAMES[i]}数量${k + 1}`, target: `≥${n * 10 + k}(次)` }));
  return {
    name: NAMES[i]!,
    nature: NATURES[i % 3]!,
    category: i % 2 === 0 ? '特定目标类' : '专项业务类',
    department: `上海市某区${DEPARTMENTS[i]}`,
    implementer: `上海市某区${DEPARTMENTS[i]}第${n}服务中心`,
    startDate: `${YEAR}-${pad((i % 6) + 1)}-${pad(10 + i)}`,
    endDate: `${YEAR}-12-${pad(20 + i)}`,
    funds: {
      project: { total: amount(fiscal * 3 + other * 2), fiscal: amount(fiscal * 3), other: amount(other * 2) },
      annual: { total: amount(fiscal + carryover + other), fiscal: amount(fiscal), carryover: amount(carryover), other: amount(other) },
    },
    ...(i % 2 === 0 ? { overallGoal: `${NAMES[i]}三年总目标第一句\n${NAMES[i]}三年总目标第二句` } : {}),
    annualGoal: `${YEAR}年完成${NAMES[i]}年度任务${n}项`,
    indicators: [
      ...quantity,
      { level1: '产出指标', level2: '质量指标', name: `${NAMES[i]}合格率`, target: `=${90 + (i % 10)}(%)` },
      { level1: '产出指标', level2: '时效指标', name: `${NAMES[i]}完成时限`, target: `${(i % 4) + 1}季度前` },
      { level1: '效益指标', level2: '社会效益指标', name: `${NAMES[i]}受益人数`, target: `≥${n * 100}(人)` },
      { level1: '满意度指标', level2: '服务对象满意度指标', name: `${NAMES[i]}满意度`, target: `≥${80 + n}(%)` },
    ],
  };
}
