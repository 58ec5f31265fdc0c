// The data the page sends, checked as validate and build check it: every problem in `--json`'s
// form (its path in pathText's form, to show it at its field) and as the line validate prints.
import type { Diagnostic } from '../model/diagnostic.js';
import type { BuildContext } from '../output/build.js';
import { checkPacket } from '../output/printable.js';
import { formatDiagnostic, problemOf } from '../validate/format.js';

export type ServedProblem = ReturnType<typeof problemOf> & { text: string };

/** A diagnostic as the page gets it, named by `file` (the file the data was opened from). */
export function served(d: Diagnostic, file: string, projectNames: ReadonlyArray<string | undefined> = []): ServedProblem {
  return { ...problemOf(d, file, projectNames), text: formatDiagnostic(d, file, projectNames) };
}

/**
 * The problems of data as validate and build find them. `placed`: each diagnostic put where its
 * value was read (a workbook's cell), before it is said.
 */
export function check(data: unknown, file: string, context: BuildContext, placed: (d: Diagnostic) => Diagnostic = (d) => d) {
  const checked = checkPacket(data, context);
  return { ...checked, problems: checked.diagnostics.map((d) => served(placed(d), file, checked.validation.projectNames)) };
}

/** The problems of a data file's text: one, when it is no JSON at all. */
export function checkText(text: string, file: string, context: BuildContext): ServedProblem[] {
  let data: unknown;
  try {
    // A byte-order mark (Windows Notepad's) is no part of the JSON, as validate reads it.
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return [{ severity: 'error', code: 'json', message: '不是有效的 JSON：请用 shenbao validate 看出错的位置', text: `${file}：不是有效的 JSON` }];
  }
  return check(data, file, context).problems;
}

/** Only the errors a project's form cannot be made with: its own and the packet's (0-based `index`). */
export const formErrors = (problems: readonly ServedProblem[], index: number): ServedProblem[] =>
  problems.filter((p) => p.severity === 'error' && (p.project === undefined || p.project.number === index + 1));
