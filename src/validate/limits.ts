// How much a packet may hold before it is validated at all. The schema check makes an object for
// every problem, and an empty entry has several: 1,000,000 empty projects (a 3 MB file) made
// 10,000,000 and ran out of memory; one project with 50,000 empty indicators overflowed the stack
// inside zod (it spreads an array's problems into one call). The caps are far above any real
// packet: a unit files tens of projects of about ten indicators each; the benchmark's largest
// packet has 10,000 projects and 110,000 indicators, and its longest form 1,000 indicators.
// Counted on the parsed value, before the walk for places and before the schema.
import type { Diagnostic } from '../model/diagnostic.js';
import { pathText } from './format.js';

/** The projects of one packet: the benchmark's largest packet. */
export const MAX_PROJECTS = 10_000;
/** The indicators of one project: five times the benchmark's longest form, a tenth of where zod's stack gave out. */
export const MAX_PROJECT_INDICATORS = 5_000;
/** The indicators of all the projects of one packet together: about twice the benchmark's largest packet. */
export const MAX_INDICATORS = 200_000;

/**
 * The keys of one object, anywhere in the file. The model's objects have at most about 30 fields;
 * every unknown key is a problem of its own, and one project with 1,000,000 unknown keys (a 12 MB
 * file) made that many and aborted out of memory. A thousand is far past any real object.
 */
export const MAX_OBJECT_KEYS = 1_000;

/**
 * The values of the whole file (every number, text, object and list). The walk for places keeps
 * an offset for each: 100 unknown keys on each of 200,000 indicators (20,000,000 values in a
 * 200 MB file, every other cap kept) ran out of memory there. A packet at every cap above, each
 * field filled, has about 1,200,000.
 */
export const MAX_VALUES = 2_000_000;

/**
 * The problems listed for one data file. A packet within every cap above can still have a million
 * (10,000 projects of 20 empty indicators: 890,000), and listing them took 1.6 GB and 28 s; no one
 * reads past the first screens, and the rest are mostly the same mistake again. Past this they are
 * only counted, and one last line says how many were left out.
 */
export const MAX_LISTED_PROBLEMS = 1_000;

/** The one error of a packet over a cap; undefined when it is within them. */
export function packetTooLarge(raw: unknown): Diagnostic | undefined {
  return listTooLong(raw) ?? objectTooLarge(raw);
}

/** Too many projects or indicators. */
function listTooLong(raw: unknown): Diagnostic | undefined {
  const projects = (raw as { projects?: unknown } | null)?.projects;
  if (!Array.isArray(projects)) return undefined;
  const advice = '请确认选对了文件，或把项目分到几个数据文件里';
  const error = (message: string, code: string): Diagnostic => ({ severity: 'error', path: [], message, code });
  if (projects.length > MAX_PROJECTS) return error(`有 ${projects.length} 个项目，超过一个数据文件 ${MAX_PROJECTS} 个项目的上限：${advice}`, 'too-many-projects');
  let indicators = 0;
  for (const [i, project] of projects.entries()) {
    const list = (project as { indicators?: unknown } | null)?.indicators;
    if (!Array.isArray(list)) continue;
    if (list.length > MAX_PROJECT_INDICATORS) {
      return error(`项目 ${i + 1} 有 ${list.length} 条绩效指标，超过一个项目 ${MAX_PROJECT_INDICATORS} 条的上限：请确认选对了文件`, 'too-many-indicators');
    }
    indicators += list.length;
  }
  if (indicators > MAX_INDICATORS) return error(`共有 ${indicators} 条绩效指标，超过一个数据文件 ${MAX_INDICATORS} 条的上限：${advice}`, 'too-many-indicators');
  return undefined;
}

/** The error of a value with an object of more than MAX_OBJECT_KEYS keys, or of more than MAX_VALUES values; undefined when within both. */
export function objectTooLarge(raw: unknown): Diagnostic | undefined {
  // Walked without recursion (JSON.parse takes nesting deeper than the stack), each entry linked
  // to its container: the path is spelt out only for the object refused.
  interface Entry {
    value: object;
    key?: string | number;
    up?: Entry;
  }
  const stack: Entry[] = [];
  let values = 0;
  const push = (value: unknown, key?: string | number, up?: Entry) => {
    values++;
    if (value !== null && typeof value === 'object') stack.push({ value, key, up });
  };
  push(raw);
  for (let entry = stack.pop(); entry; entry = stack.pop()) {
    if (values > MAX_VALUES) {
      return {
        severity: 'error',
        path: [],
        message: `数据有超过 ${MAX_VALUES} 个值（数字、文字、对象和列表），超过一个数据文件的上限：请确认选对了文件，或把项目分到几个数据文件里`,
        code: 'too-many-values',
      };
    }
    const { value } = entry;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) push(value[i], i, entry);
      continue;
    }
    const keys = Object.keys(value);
    if (keys.length > MAX_OBJECT_KEYS) {
      const path: Array<string | number> = [];
      for (let at: Entry | undefined = entry; at?.key !== undefined; at = at.up) path.unshift(at.key);
      const where = path.length === 0 ? '文件最外层的对象' : path.length === 2 && path[0] === 'projects' ? `项目 ${Number(path[1]) + 1} ` : `对象 ${pathText(path)} `;
      return {
        severity: 'error',
        path: [],
        message: `${where}有 ${keys.length} 个字段，超过一个对象 ${MAX_OBJECT_KEYS} 个字段的上限（申报表的数据每个对象只有几个到三十来个字段）：请确认选对了文件`,
        code: 'too-many-keys',
      };
    }
    for (let i = keys.length - 1; i >= 0; i--) push((value as Record<string, unknown>)[keys[i]!], keys[i], entry);
  }
  return undefined;
}
