// Packet -> view models: everything a template prints, already formatted (amounts `#,##0.00`,
// blanks as ''), and the indicator groups with the row spans their merged cells need.
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

export function declarationView(project: Project, year: number): DeclarationView {
  const { project: whole, annual } = project.funds;
  return {
    year,
    name: project.name,
    nature: project.nature,
    category: project.category,
    department: project.department,
    implementer: project.implementer,
    startDate: project.startDate,
    endDate: project.endDate,
    funds: {
      project: { total: formatMoney(whole.total), fiscal: formatMoney(whole.fiscal), other: formatMoney(whole.other) },
      annual: annualView(annual),
    },
    overallGoal: project.overallGoal ?? '',
    annualGoal: project.annualGoal ?? '',
    indicatorBlockRows: project.indicators.length + 1,
    indicators: indicatorRows(project.indicators),
  };
}

export function summaryView(packet: Packet): SummaryView {
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
      annual: annualView(project.funds.annual),
    })),
    total: annualView({ total: total('total'), fiscal: total('fiscal'), carryover: total('carryover'), other: total('other') }),
  };
}

function annualView(annual: Project['funds']['annual']): DeclarationView['funds']['annual'] {
  return {
    total: formatMoney(annual.total),
    fiscal: formatMoney(annual.fiscal),
    carryover: formatMoney(annual.carryover),
    other: formatMoney(annual.other),
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
