// validate's problems, each at the field it names (its path) and in one list that jumps to each.
// A path the page shows no input for (a project's whole list of indicators, a field of the house
// style) is shown at the nearest thing above it that is shown.
import type { ProblemView } from '../contract.js';
import { parsePath, pathText } from './data.js';
import { h } from './dom.js';

/** The element that shows `path`, or the nearest one above it. */
export function shownAt(path: string, inputs: ReadonlyMap<string, HTMLElement>): HTMLElement | undefined {
  const keys = parsePath(path);
  for (let n = keys.length; n > 0; n--) {
    const text = pathText(keys.slice(0, n));
    const found = inputs.get(text) ?? document.querySelector<HTMLElement>(`[data-path="${CSS.escape(text)}"]`);
    if (found) return found;
  }
  return undefined;
}

/** The project a problem belongs to (0-based), if any. */
export function projectOf(problem: ProblemView): number | undefined {
  if (problem.project) return problem.project.number - 1;
  const match = /^projects\[(\d+)\]/.exec(problem.path ?? '');
  return match ? Number(match[1]) : undefined;
}

/** Marks the shown fields with the problems of the packet and of project `current`; the others stay in the list. */
export function markFields(problems: readonly ProblemView[], current: number, inputs: ReadonlyMap<string, HTMLElement>): void {
  for (const marked of document.querySelectorAll('.has-error, .has-warning')) marked.classList.remove('has-error', 'has-warning');
  // Only the notes that say something are emptied: a project of 200 indicators has some 400.
  for (const note of document.querySelectorAll<HTMLElement>('#editor small.problem')) if (note.firstChild) note.textContent = '';
  for (const problem of problems) {
    const project = projectOf(problem);
    if (problem.path === undefined || (project !== undefined && project !== current)) continue;
    const element = shownAt(problem.path, inputs);
    const holder = element?.closest<HTMLElement>('label, td, .indicator-grid, details, section');
    if (!element || !holder) continue;
    element.classList.add(problem.severity === 'error' ? 'has-error' : 'has-warning');
    // A merged cell shows the problem of each row it spans once.
    const note = holder.querySelector<HTMLElement>(':scope > small.problem');
    if (note && !note.textContent?.split('；').includes(problem.message)) note.textContent = note.textContent ? `${note.textContent}；${problem.message}` : problem.message;
  }
}

/** The list of every problem; a click goes to its field. */
export function problemList(problems: readonly ProblemView[], go: (problem: ProblemView) => void): HTMLElement[] {
  return problems.map((problem) =>
    h('li', { class: problem.severity }, h('button', { type: 'button', class: 'link', textContent: shortText(problem), title: problem.text, onclick: () => go(problem) })),
  );
}

/** A problem as the list says it: where (project, field), then what; the whole line (with the file) as its tooltip. */
function shortText(problem: ProblemView): string {
  const project = problem.project ? `项目 ${problem.project.number}${problem.project.name ? `「${problem.project.name}」` : ''}` : '';
  const where = [project, problem.field ?? ''].filter(Boolean).join('·');
  return `${problem.severity === 'error' ? '错误' : '警告'}：${where ? `${where}：` : ''}${problem.message}${problem.hint ? `（${problem.hint}）` : ''}`;
}

export function summary(problems: readonly ProblemView[]): string {
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  return problems.length === 0 ? '没有问题' : [errors > 0 ? `${errors} 个错误` : '', warnings > 0 ? `${warnings} 条警告` : ''].filter(Boolean).join('，');
}
