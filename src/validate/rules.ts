// Business rules a schema cannot say: amount arithmetic, dates, the year, the indicator framework
// and the targets. What every real form obeys is an error (arithmetic, date order, the year of the
// title, a 一级指标 outside the framework, a target that starts like a number and is none);
// where real forms deviate and must still be printed as filed, a warning (dates outside the year,
// a 二级指标 under another 一级指标, a missing 满意度 block, a percentage over 100).
import Big from 'big.js';
import { compareMoney, formatMoney, sumMoney } from '../model/money.js';
import {
  LEVEL1_NAMES,
  LEVEL2_BY_LEVEL1,
  LEVEL2_NAMES,
  SATISFACTION_LEVEL1,
  isAllowedLevel2,
  isKnownLevel1,
  isKnownLevel2,
  level1sOf,
  nearest,
} from '../model/framework.js';
import type { Packet, Project } from '../model/packet.js';
import { parseTarget } from '../model/target.js';
import type { Diagnostic } from '../model/diagnostic.js';

type Path = Array<string | number>;

/** `year`: the packet's 年度, when it is valid (the date rules need it). */
export function checkProject(project: Project, index: number, year?: number): Diagnostic[] {
  const at = (...rest: Path): Path => ['projects', index, ...rest];
  return [
    ...checkAmounts(project, at),
    ...checkDates(project, at),
    ...(year === undefined ? [] : checkDatesInYear(project, year, at)),
    ...checkIndicators(project, at),
    ...checkTargets(project, at),
  ];
}

/**
 * The packet-level fields: the `year` must agree with a year written in the title ("…2023年度项目
 * 绩效目标汇总表"). The error sits on ['year'], because the year is what every form prints in its
 * "(2023年度)" line and what the dates are measured against, so it is the field to check first;
 * the message quotes the title too, since either may be the one mistyped.
 */
export function checkHeader(header: Pick<Packet, 'title' | 'year'>): Diagnostic[] {
  const digits = header.title.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
  const years = [...digits.matchAll(/(?<!\d)(\d{4})(?=\s*年)/g)].map((m) => Number(m[1]));
  if (years.length === 0 || years.includes(header.year)) return [];
  return [
    {
      severity: 'error',
      path: ['year'],
      message: `年度 ${header.year} 与汇总表标题中的「${years[0]}年」不一致`,
      hint: `标题是「${header.title}」；改正年度（year）或标题，使两者一致`,
      code: 'year-title',
    },
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
        code: 'duplicate-name',
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
      code: 'amount-sum',
    });

  if (whole.total !== undefined && (whole.fiscal !== undefined || whole.other !== undefined)) {
    const parts = sumMoney([whole.fiscal, whole.other]);
    if (compareMoney(whole.total, parts) !== 0)
      diagnostics.push({
        severity: 'error',
        path: at('funds', 'project', 'total'),
        message: `项目资金总额 ${formatMoney(whole.total)} 不等于 财政资金 + 其他资金 = ${formatMoney(parts)}`,
        code: 'amount-sum',
      });
  }

  // Parts without their total would print a form whose 项目资金总额 cell is blank beside filled parts.
  if (whole.total === undefined && (whole.fiscal !== undefined || whole.other !== undefined))
    diagnostics.push({
      severity: 'error',
      path: at('funds', 'project', 'total'),
      message: '填了项目资金的财政资金或其他资金，却没有填项目资金总额',
      hint: '项目资金总额 = 财政资金 + 其他资金；整个项目的资金不填时，这三项都留空',
      code: 'amount-project-total-missing',
    });

  if (whole.total !== undefined && compareMoney(whole.total, annual.total) < 0)
    diagnostics.push({
      severity: 'error',
      path: at('funds', 'project', 'total'),
      message: `项目资金总额 ${formatMoney(whole.total)} 小于年度资金申请总额 ${formatMoney(annual.total)}`,
      hint: '项目资金总额是整个项目（可跨年度）的资金，不应少于本年度申请的资金',
      code: 'amount-project-below-annual',
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
      code: 'date-order',
    },
  ];
}

/**
 * Dates and the packet's year (warnings: a form may plan across the turn of a year). A 阶段性项目
 * runs over several years: it may start earlier and end later, but the declared year must lie
 * within its dates. Any other project should start and end within the year.
 */
function checkDatesInYear(project: Project, year: number, at: (...rest: Path) => Path): Diagnostic[] {
  const yearOf = (date: string) => Number(date.slice(0, 4));
  const warn = (field: 'startDate' | 'endDate', message: string, hint: string): Diagnostic => ({
    severity: 'warning',
    path: at(field),
    message,
    hint,
    code: 'date-year',
  });
  const diagnostics: Diagnostic[] = [];
  if (project.nature === '阶段性项目') {
    const hint = `阶段性项目可以跨年度，但申报的 ${year} 年度应在计划开始与完成日期之间`;
    if (yearOf(project.startDate) > year)
      diagnostics.push(warn('startDate', `计划开始日期 ${project.startDate} 晚于 ${year} 年度`, hint));
    if (yearOf(project.endDate) < year)
      diagnostics.push(warn('endDate', `计划完成日期 ${project.endDate} 早于 ${year} 年度`, hint));
    return diagnostics;
  }
  const hint = `${project.nature}的计划日期通常在申报的年度之内；跨年度的项目请把项目性质写成 阶段性项目`;
  if (yearOf(project.startDate) !== year)
    diagnostics.push(warn('startDate', `计划开始日期 ${project.startDate} 不在 ${year} 年度内`, hint));
  if (yearOf(project.endDate) !== year)
    diagnostics.push(warn('endDate', `计划完成日期 ${project.endDate} 不在 ${year} 年度内`, hint));
  return diagnostics;
}

function checkIndicators(project: Project, at: (...rest: Path) => Path): Diagnostic[] {
  if (project.indicators.length === 0)
    return [
      {
        severity: 'warning',
        path: at('indicators'),
        message: '没有绩效指标',
        hint: '表上只印出指标的表头一行',
        code: 'no-indicators',
      },
    ];

  const diagnostics: Diagnostic[] = [];
  const closedGroups = new Set<string>();
  let previousGroup: string | undefined;

  project.indicators.forEach((indicator, i) => {
    const { level1, level2, name } = indicator;
    if (!isKnownLevel1(level1)) diagnostics.push(unknownLevel1(level1, at('indicators', i, 'level1')));
    if (!isKnownLevel2(level2)) {
      // Suggest from the 一级指标's own list first: 数量指数 under 产出指标 is 数量指标.
      const suggestion = nearest(level2, LEVEL2_BY_LEVEL1[level1] ?? []) ?? nearest(level2, LEVEL2_NAMES);
      diagnostics.push({
        severity: 'warning',
        path: at('indicators', i, 'level2'),
        ...(isKnownLevel2(level2.trim())
          ? { message: surroundingSpaces(level2), hint: '表上照原样打印' }
          : { message: `「${level2}」不是指标框架中的二级指标`, hint: suggestion ? `是不是「${suggestion}」？` : undefined }),
        code: 'framework-level2-unknown',
      });
    } else if (isKnownLevel1(level1) && !isAllowedLevel2(level1, level2))
      diagnostics.push({
        severity: 'warning',
        path: at('indicators', i, 'level2'),
        message: `二级指标「${level2}」不属于一级指标「${level1}」`,
        hint: `指标框架中「${level2}」属于「${level1sOf(level2).join('」「')}」；表上照原样打印`,
        code: 'framework-level2',
      });
    else if (level1 === SATISFACTION_LEVEL1 && !name.includes('满意'))
      diagnostics.push({
        severity: 'warning',
        path: at('indicators', i, 'name'),
        message: `三级指标「${name}」归在满意度指标下，但不是满意度指标`,
        hint: '可能归错了类别；表上照原样打印',
        code: 'framework-misfiled',
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
          code: 'group-split',
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
      code: 'framework-no-satisfaction',
    });
  return diagnostics;
}

/** A name of the framework written with spaces around it: the words 项目性质's check uses (model/packet.ts). */
const surroundingSpaces = (name: string) => `「${name}」前后有多余的空格，请删去`;

/**
 * An unknown 一级指标 is an error: the four are fixed by the framework, and a typo (产出指数) would
 * be printed on an official form. Suggests the nearest by edit distance, or, for a 二级指标
 * written in the wrong column, the 一级指标 it belongs to.
 */
function unknownLevel1(level1: string, path: Path): Diagnostic {
  // " 产出指标": the name, but for a space no one sees (as 项目性质 says it).
  if (isKnownLevel1(level1.trim())) return { severity: 'error', path, message: surroundingSpaces(level1), code: 'framework-level1' };
  const owner = isKnownLevel2(level1) ? level1sOf(level1)[0] : undefined;
  const suggestion = owner ?? nearest(level1, LEVEL1_NAMES);
  return {
    severity: 'error',
    path,
    message: `「${level1}」不是一级指标：一级指标只有 ${LEVEL1_NAMES.join('、')}`,
    hint: owner
      ? `「${level1}」是二级指标，属于一级指标「${owner}」`
      : suggestion
        ? `是不是「${suggestion}」？`
        : undefined,
    code: 'framework-level1',
  };
}

/**
 * 年度(/项目)指标值: a target that starts like a quantity (an operator) must hold a number; a
 * percentage over 100 is a warning (possible for growth rates, but mostly a slip).
 */
function checkTargets(project: Project, at: (...rest: Path) => Path): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  project.indicators.forEach(({ target }, i) => {
    const parsed = parseTarget(target);
    if (parsed.kind === 'malformed')
      diagnostics.push({
        severity: 'error',
        path: at('indicators', i, 'target'),
        message: `指标值「${target}」有误：${parsed.reason}`,
        hint: '数量型指标值写成 运算符 + 数值 + (单位)，如「≥4(次)」「=90(%)」；定性指标直接写文字，如「提升」',
        code: 'target-malformed',
      });
    else if (parsed.kind === 'quantity' && parsed.percent && new Big(parsed.value).gt(100))
      diagnostics.push({
        severity: 'warning',
        path: at('indicators', i, 'target'),
        message: `指标值「${target}」超过 100%`,
        hint: '百分比通常不超过 100%；增长率等确可超过 100% 的指标可忽略此警告',
        code: 'target-percent',
      });
    else if (parsed.kind === 'quantity' && new Big(parsed.value).lt(0))
      diagnostics.push({
        severity: 'warning',
        path: at('indicators', i, 'target'),
        message: `指标值「${target}」是负数`,
        hint: '次数、人数、比例等通常不为负；确是下降幅度等可忽略此警告',
        code: 'target-negative',
      });
  });
  return diagnostics;
}
