// How much a packet may hold before it is validated at all. The schema check makes an object for
// every problem, and an empty entry has several: 1,000,000 empty projects (a 3 MB file) made
// 10,000,000 and ran out of memory; one project with 50,000 empty indicators overflowed the stack
// inside zod (it spreads an array's problems into one call). The caps are far above any real
// packet: a unit files tens of projects of about ten indicators each; the benchmark's largest
// packet has 10,000 projects and 110,000 indicators, and its longest form 1,000 indicators.
// Counted on the parsed value, before the walk for places and before the schema.
import type { Diagnostic } from './diagnostic.js';

/** The projects of one packet: the benchmark's largest packet. */
export const MAX_PROJECTS = 10_000;
/** The indicators of one project: five times the benchmark's longest form, a tenth of where zod's stack gave out. */
export const MAX_PROJECT_INDICATORS = 5_000;
/** The indicators of all the projects of one packet together: about twice the benchmark's largest packet. */
export const MAX_INDICATORS = 200_000;

/** The one error of a packet over a cap; undefined when it is within them. */
export function packetTooLarge(raw: unknown): Diagnostic | undefined {
  const projects = (raw as { projects?: unknown } | null)?.projects;
  if (!Array.isArray(projects)) return undefined;
  const advice = '请确认选对了文件，或把项目分到几个数据文件里';
  const error = (message: string, ruleId: string): Diagnostic => ({ severity: 'error', path: [], message, ruleId });
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
