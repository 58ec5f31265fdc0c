// Business rules a schema cannot say: amount arithmetic, dates, and the indicator framework.
// Arithmetic and dates are errors (every real form obeys them); the framework gives warnings,
// because real forms deviate from it and must still be printed as filed.
import { compareMoney, formatMoney, sumMoney } from '../model/money.js';
import { SATISFACTION_LEVEL1, isAllowedLevel2, isKnownLevel1 } from '../model/framework.js';
import type { Packet, Project } from '../model/packet.js';
import type { Diagnostic } from './diagnostic.js';

type Path = Array<string | number>;

export function checkProject(project: Project, index: number): Diagnostic[] {
  const at = (...rest: Path): Path => ['projects', index, ...rest];
  return [
    ...checkAmounts(project, at),
    ...checkDates(project, at),
    ...checkIndicators(project, at),
  ];
}

export function checkPacket(packet: Packet): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const firstByName = new Map<string, number>();
  packet.projects.forEach((project, index) => {
    const first = firstByName.get(project.name);
    if (first === undefined) firstByName.set(project.name, index);
    else
      diagnostics.push({
        severity: 'warning',
        path: ['projects', index, 'name'],
        message: `与第 ${first + 1} 个项目同名`,
        hint: '同名项目靠文件名前的序号区分；--only 会同时选中它们',
        ruleId: 'duplicate-name',
      });
  });
  return diagnostics;
}

function checkAmounts(project: Project, at: (...rest: Path) => Path): Diagnostic[] {
  const { annual, project: whole } = project.funds;
  const diagnostics: Diagnostic[] = [];

  const annualParts = sumMoney([annual.fiscal, annual.carryover, annual.other]);
  if (compareMoney(annual.total, annualParts) !== 0)
    diagnostics.push({
      severity: 'error',
      path: at('funds', 'annual', 'total'),
      message: `年度资金申请总额 ${formatMoney(annual.total)} 不等于 当年财政拨款 + 上年结转资金 + 其他资金 = ${formatMoney(annualParts)}`,
      ruleId: 'amount-sum',
    });

  if (whole.total !== undefined && (whole.fiscal !== undefined || whole.other !== undefined)) {
    const parts = sumMoney([whole.fiscal, whole.other]);
    if (compareMoney(whole.total, parts) !== 0)
      diagnostics.push({
        severity: 'error',
        path: at('funds', 'project', 'total'),
        message: `项目资金总额 ${formatMoney(whole.total)} 不等于 财政资金 + 其他资金 = ${formatMoney(parts)}`,
        ruleId: 'amount-sum',
      });
  }

  if (whole.total !== undefined && compareMoney(whole.total, annual.total) < 0)
    diagnostics.push({
      severity: 'error',
      path: at('funds', 'project', 'total'),
      message: `项目资金总额 ${formatMoney(whole.total)} 小于年度资金申请总额 ${formatMoney(annual.total)}`,
      hint: '项目资金总额是整个项目（可跨年度）的资金，不应少于本年度申请的资金',
      ruleId: 'amount-project-below-annual',
    });
  return diagnostics;
}

function checkDates(project: Project, at: (...rest: Path) => Path): Diagnostic[] {
  // ISO dates compare correctly as strings.
  if (project.startDate <= project.endDate) return [];
  return [
    {
      severity: 'error',
      path: at('endDate'),
      message: `计划完成日期 ${project.endDate} 早于计划开始日期 ${project.startDate}`,
      ruleId: 'date-order',
    },
  ];
}

function checkIndicators(project: Project, at: (...rest: Path) => Path): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const closedGroups = new Set<string>();
  let previousGroup: string | undefined;

  project.indicators.forEach((indicator, i) => {
    const { level1, level2, name } = indicator;
    if (!isKnownLevel1(level1))
      diagnostics.push({
        severity: 'warning',
        path: at('indicators', i, 'level1'),
        message: `「${level1}」不是指标框架中的一级指标`,
        hint: '一级指标通常为 产出指标、成本指标、效益指标、满意度指标',
        ruleId: 'framework-level1',
      });
    else if (!isAllowedLevel2(level1, level2))
      diagnostics.push({
        severity: 'warning',
        path: at('indicators', i, 'level2'),
        message: `二级指标「${level2}」不属于一级指标「${level1}」`,
        ruleId: 'framework-level2',
      });
    else if (level1 === SATISFACTION_LEVEL1 && !name.includes('满意'))
      diagnostics.push({
        severity: 'warning',
        path: at('indicators', i, 'name'),
        message: `三级指标「${name}」归在满意度指标下，但不是满意度指标`,
        hint: '可能归错了类别；表上照原样打印',
        ruleId: 'framework-misfiled',
      });

    // The form merges consecutive rows of one group; a group that comes back later would be
    // printed as two separate merged blocks.
    const group = `${level1}\u0000${level2}`;
    if (group !== previousGroup) {
      if (closedGroups.has(group))
        diagnostics.push({
          severity: 'warning',
          path: at('indicators', i),
          message: `「${level1} / ${level2}」的指标不相邻，表上会分成两处`,
          hint: '把同一二级指标的三级指标排在一起',
          ruleId: 'group-split',
        });
      if (previousGroup !== undefined) closedGroups.add(previousGroup);
      previousGroup = group;
    }
  });

  if (!project.indicators.some((indicator) => indicator.level1 === SATISFACTION_LEVEL1))
    diagnostics.push({
      severity: 'warning',
      path: at('indicators'),
      message: '没有满意度指标',
      ruleId: 'framework-no-satisfaction',
    });
  return diagnostics;
}
