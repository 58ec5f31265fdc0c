// The seed packet (data/minhang-2023.json) and the values its forms must print, worked out from the
// data file alone: nothing from the code under test decides what is expected.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Packet, Project } from '../../src/model/packet.js';

export const SEED_FILE = fileURLToPath(new URL('../../data/minhang-2023.json', import.meta.url));
export const loadSeed = (): Packet => JSON.parse(readFileSync(SEED_FILE, 'utf8')) as Packet;

/** `#,##0.00` the plain way (the seed's amounts are small enough for a double). */
export const money = (amount: string | undefined): string =>
  amount === undefined ? '' : Number(amount).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** What a 申报表 shows, in reading order: header values, amounts, goals, then every indicator. */
export function declarationValues(project: Project, year: number): string[] {
  const { annual, project: whole } = project.funds;
  return [
    '财政项目支出绩效目标申报表',
    `(${year}年度)`,
    '项目名称', project.name, '项目性质', project.nature, '项目类别', project.category,
    '主管部门', project.department, '实施单位', project.implementer,
    '计划开始日期', project.startDate, '计划完成日期', project.endDate,
    '项目资金总额', money(whole.total), '年度资金申请总额', money(annual.total),
    '其中：财政资金', money(whole.fiscal), '其中：当年财政拨款', money(annual.fiscal),
    '上年结转资金', money(annual.carryover),
    '其他资金', money(whole.other), '其他资金', money(annual.other),
    '项目总目标', '年度总体目标', project.overallGoal ?? '', project.annualGoal ?? '',
    '一级指标', '二级指标', '三级指标', '年度(/项目)指标值',
    ...project.indicators.flatMap((indicator) => [indicator.name, indicator.target]),
  ];
}

/** Four 一级/二级 groups, for generated forms with many indicators. */
export const LEVELS = [
  ['产出指标', '数量指标'],
  ['产出指标', '质量指标'],
  ['效益指标', '社会效益指标'],
  ['满意度指标', '服务对象满意度指标'],
] as const;
