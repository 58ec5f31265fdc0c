// Packet -> view models: everything a template prints, already formatted (amounts `#,##0.00`,
// blanks as ''), and the indicator groups with the row spans their merged cells need.
import { formatDate, withDefaults, yearLine, type Display } from '../model/display.js';
import { formatMoney, sumMoney } from '../model/money.js';
import type { Indicator, Packet, Project } from '../model/packet.js';

export interface SpanLabel {
  text: string;
  rowSpan: number;
}

export interface IndicatorRowView {
  /** Position in the project's indicator list, for `field` paths. */
  index: number;
  /** Present on the first row of each 一级 / 二级 group only. */
  level1?: SpanLabel;
  level2?: SpanLabel;
  name: string;
  target: string;
}

export interface DeclarationView {
  year: number;
  /** The line under the title, in the packet's style: (2023年度), （2026年度）. */
  yearLine: string;
  name: string;
  nature: string;
  category: string;
  department: string;
  implementer: string;
  startDate: string;
  endDate: string;
  funds: {
    project: { total: string; fiscal: string; other: string };
    annual: { total: string; fiscal: string; carryover: string; other: string };
  };
  /** The left goal column's heading: the project's own, else 项目总目标. */
  overallGoalHeading: string;
  overallGoal: string;
  annualGoal: string;
  /** Rows under the 绩效指标 label: the indicator header row plus one per indicator. */
  indicatorBlockRows: number;
  indicators: IndicatorRowView[];
}

export interface SummaryRowView {
  number: number;
  name: string;
  nature: string;
  category: string;
  implementer: string;
  annual: DeclarationView['funds']['annual'];
}

export interface SummaryView {
  title: string;
  unit: string;
  year: number;
  projects: SummaryRowView[];
  total: DeclarationView['funds']['annual'];
}

/** The heading of the left goal column when a project names none. */
export const OVERALL_GOAL_HEADING = '项目总目标';

/** `display`: the packet's house style (dates, zero amounts, the year line); by default the seed's. */
export function declarationView(project: Project, year: number, display?: Display): DeclarationView {
  const { project: whole, annual } = project.funds;
  const style = withDefaults(display);
  const money = (amount: string | undefined) => formatMoney(amount, style.zeroAmount);
  return {
    year,
    yearLine: yearLine(year, style.yearBrackets),
    name: project.name,
    nature: project.nature,
    category: project.category,
    department: project.department,
    implementer: project.implementer,
    startDate: formatDate(project.startDate, style.dateFormat),
    endDate: formatDate(project.endDate, style.dateFormat),
    funds: {
      project: { total: money(whole.total), fiscal: money(whole.fiscal), other: money(whole.other) },
      annual: annualView(annual, style.zeroAmount),
    },
    overallGoalHeading: project.overallGoalHeading ?? OVERALL_GOAL_HEADING,
    overallGoal: project.overallGoal ?? '',
    annualGoal: project.annualGoal ?? '',
    indicatorBlockRows: project.indicators.length + 1,
    indicators: indicatorRows(project.indicators),
  };
}

export function summaryView(packet: Packet): SummaryView {
  const { zeroAmount } = withDefaults(packet.display);
  const annuals = packet.projects.map((p) => p.funds.annual);
  const total = (key: keyof Project['funds']['annual']) => sumMoney(annuals.map((a) => a[key]));
  return {
    title: packet.title,
    unit: packet.unit,
    year: packet.year,
    projects: packet.projects.map((project, i) => ({
      number: i + 1,
      name: project.name,
      nature: project.nature,
      category: project.category,
      implementer: project.implementer,
      annual: annualView(project.funds.annual, zeroAmount),
    })),
    total: annualView({ total: total('total'), fiscal: total('fiscal'), carryover: total('carryover'), other: total('other') }, zeroAmount),
  };
}

function annualView(annual: Project['funds']['annual'], zero: string): DeclarationView['funds']['annual'] {
  return {
    total: formatMoney(annual.total, zero),
    fiscal: formatMoney(annual.fiscal, zero),
    carryover: formatMoney(annual.carryover, zero),
    other: formatMoney(annual.other, zero),
  };
}

/** Consecutive indicators with the same 一级 (and 二级) share one merged label cell. */
function indicatorRows(indicators: readonly Indicator[]): IndicatorRowView[] {
  const runLength = (from: number, same: (a: Indicator, b: Indicator) => boolean): number => {
    let end = from + 1;
    while (end < indicators.length && same(indicators[from]!, indicators[end]!)) end++;
    return end - from;
  };
  const sameLevel1 = (a: Indicator, b: Indicator) => a.level1 === b.level1;
  const sameLevel2 = (a: Indicator, b: Indicator) => a.level1 === b.level1 && a.level2 === b.level2;

  return indicators.map((indicator, i) => {
    const previous = indicators[i - 1];
    const row: IndicatorRowView = { index: i, name: indicator.name, target: indicator.target };
    if (!previous || !sameLevel1(previous, indicator)) {
      row.level1 = { text: indicator.level1, rowSpan: runLength(i, sameLevel1) };
    }
    if (!previous || !sameLevel2(previous, indicator)) {
      row.level2 = { text: indicator.level2, rowSpan: runLength(i, sameLevel2) };
    }
    return row;
  });
}
