// The probe packet of the template coverage check (coverage.ts): every field of the model holds a
// marker of its own, a value that is still itself, and still no other's, once the form has
// formatted it. The check then finds each marker in what the templates print.
//
// The markers, as printed:
// - text fields: 标记X001, 标记X002, …: all the same length, so none is part of another; an ASCII
//   letter no date can print (a date format's own text has none, model/display.ts);
// - amounts: 10,111,111.01, 10,222,222.02, …: `#,##0.00` keeps every digit, all the same length
//   and starting with 1; the 汇总表's 合计 of several of them starts with 2 or more, so a total
//   is never taken for a project's amount. At most three digits run together;
// - dates: one year each (1961, 1962, …), in whatever date format the packet prints, so no date
//   is part of another. A date's four-digit year is in no amount;
// - the year: 2087, in the year line (2087年度). No date or amount prints it.
// The nature (项目性质) holds a text marker too: the view prints whatever it holds, and a
// template cannot test a value (Handlebars without helpers), so the probe need not be valid data.
import { formatDate, withDefaults, type Display } from '../model/display.js';
import { formatMoney } from '../model/money.js';
import type { Indicator, Packet, Project } from '../model/packet.js';
import type { DataPath } from './grid.js';
import { OVERALL_GOAL_HEADING } from './view.js';

/** Projects in the probe packet: a 汇总表 row template meets a first, a middle and a last row. */
const PROBE_PROJECTS = 3;
/** Indicator rows in each probe project, for the same reason. */
const PROBE_INDICATORS = 3;
export const PROBE_YEAR = 2087;

export interface Probe {
  packet: Packet;
  /** Every field's marker as the forms print it, by `pathKey` of its absolute path. */
  printed: Map<string, string>;
}

export const pathKey = (path: DataPath): string => path.join('.');

/**
 * How the forms print the value `raw` of the field at `path` (view.ts makes the view so): an
 * amount `#,##0.00` (zero in the house style), a date in its format, the year as a number (in its
 * year line), a missing heading of the overall goal as 项目总目标, other text as written.
 */
export function printedValue(path: DataPath, raw: unknown, style: Required<Display>): string {
  const last = path.at(-1);
  if (path.length === 1 && last === 'year') return String(raw);
  if (raw !== undefined && typeof raw !== 'string') return String(raw);
  if (path.includes('funds')) return formatMoney(raw, style.zeroAmount);
  if (last === 'startDate' || last === 'endDate') return raw === undefined ? '' : formatDate(raw, style.dateFormat);
  if (last === 'overallGoalHeading') return raw ?? OVERALL_GOAL_HEADING;
  return raw ?? '';
}

/** The probe packet, printed in the house style `display`. */
export function probePacket(display?: Display): Probe {
  const style = withDefaults(display);
  const printed = new Map<string, string>();
  let texts = 0;
  let amounts = 0;
  let dates = 0;
  const text = (path: DataPath): string => {
    const value = `标记X${String(++texts).padStart(3, '0')}`;
    printed.set(pathKey(path), printedValue(path, value, style));
    return value;
  };
  const amount = (path: DataPath): string => {
    const k = ++amounts; // below 90: 10,000,000 + 89 × 111,111 still starts with 1
    const value = `${10_000_000 + k * 111_111}.${String(k).padStart(2, '0')}`;
    printed.set(pathKey(path), printedValue(path, value, style));
    return value;
  };
  const date = (path: DataPath): string => {
    const k = dates++;
    const value = `${1961 + k}-${k % 2 === 0 ? '07-23' : '11-28'}`;
    printed.set(pathKey(path), printedValue(path, value, style));
    return value;
  };

  const project = (p: number): Project => {
    const at = (...rest: DataPath): DataPath => ['projects', p, ...rest];
    const indicator = (i: number): Indicator => ({
      level1: text(at('indicators', i, 'level1')),
      level2: text(at('indicators', i, 'level2')),
      name: text(at('indicators', i, 'name')),
      target: text(at('indicators', i, 'target')),
    });
    return {
      name: text(at('name')),
      nature: text(at('nature')) as Project['nature'],
      category: text(at('category')),
      department: text(at('department')),
      implementer: text(at('implementer')),
      startDate: date(at('startDate')),
      endDate: date(at('endDate')),
      funds: {
        project: {
          total: amount(at('funds', 'project', 'total')),
          fiscal: amount(at('funds', 'project', 'fiscal')),
          other: amount(at('funds', 'project', 'other')),
        },
        annual: {
          total: amount(at('funds', 'annual', 'total')),
          fiscal: amount(at('funds', 'annual', 'fiscal')),
          carryover: amount(at('funds', 'annual', 'carryover')),
          other: amount(at('funds', 'annual', 'other')),
        },
      },
      overallGoalHeading: text(at('overallGoalHeading')),
      overallGoal: text(at('overallGoal')),
      annualGoal: text(at('annualGoal')),
      indicators: Array.from({ length: PROBE_INDICATORS }, (_, i) => indicator(i)),
    };
  };

  const title = text(['title']);
  const unit = text(['unit']);
  printed.set(pathKey(['year']), printedValue(['year'], PROBE_YEAR, style));
  const packet: Packet = {
    title,
    unit,
    year: PROBE_YEAR,
    ...(display ? { display } : {}),
    projects: Array.from({ length: PROBE_PROJECTS }, (_, p) => project(p)),
  };
  return { packet, printed };
}
