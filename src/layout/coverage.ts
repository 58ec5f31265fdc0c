// Every value of the data must stand on the form, in its own cell. An office's own template that
// drops a cell (or a whole table: an empty declaration.hbs gives blank pages), keeps a cell's
// `field` but prints nothing in it, or prints another field there (`{{funds.annual.fiscal}}` under
// field="funds.annual.total") would otherwise print forms that look finished and are wrong, and
// `extract` would read another field back from that cell.
//
// So what the templates print is read, never their `field` attributes alone:
// - checkTemplateCoverage lays out a probe packet (probe.ts) whose every field holds a marker of
//   its own: each marker must be printed as the whole text of the cell whose `field` names it (in
//   a heading, within it: the year line), and nowhere else. Once per set of templates and house
//   style, before anything is written; every problem of both templates is said at once.
// - checkDeclarationCoverage / checkSummaryCoverage check each real form as it is laid out: a
//   cell for every field of its project, each printing that field's value. A template may test
//   the data (`{{#if indicators.[9]}}`) and print otherwise only for some projects, which no probe
//   can foresee.
import { withDefaults } from '../model/display.js';
import type { Display, Packet, Project } from '../model/packet.js';
import { UserError } from '../errors.js';
import type { DataPath, GridSection } from './grid.js';
import { anchorPaths } from './markup.js';
import { pathKey, printedValue, probePacket, type Probe } from './probe.js';
import type { FormTemplates } from './templates.js';
import { declarationView, summaryView } from './view.js';

const README = '（见 README「模板与表格网格」）';

// --- The probe -----------------------------------------------------------------------------

const PROBE_ADVICE = `（检查时用一份每项都不同的试填数据排出模板）每个写明 field="…" 的单元格要印出这个字段的值，表上每个数据都要有这样一个单元格${README}`;

/** What the probe found, by templates and by house style (JSON): the problem line, or undefined. */
const PROBED = new WeakMap<FormTemplates, Map<string, string | undefined>>();

/**
 * Lay the probe packet out with `templates` and refuse them, naming every problem of both
 * templates, unless each field's marker is printed in the cell that claims it and nowhere else.
 * Done once per templates and house style; `display` only changes how markers print.
 */
export function checkTemplateCoverage(templates: FormTemplates, display?: Display): void {
  let done = PROBED.get(templates);
  if (!done) PROBED.set(templates, (done = new Map()));
  const style = JSON.stringify(withDefaults(display));
  if (!done.has(style)) done.set(style, probeProblem(templates, display));
  const problem = done.get(style);
  if (problem !== undefined) throw new UserError(problem);
}

function probeProblem(templates: FormTemplates, display: Display | undefined): string | undefined {
  const probe = probePacket(display);
  const { packet } = probe;
  const form = anchorPaths(templates.declaration(declarationView(packet.projects[0]!, packet.year, display)), ['projects', 0]);
  const front = anchorPaths(templates.summary(summaryView(packet)), []);
  // The form: the year and every field of its project. The 汇总表's table: its title and as summaryFields says.
  const formFields = [...probe.printed.keys()].filter((key) => key === 'year' || key.startsWith('projects.0.'));
  const frontFields = ['title', ...summaryFields(packet).map(pathKey)];
  const said = [
    templateProblems(templates.files.declaration, probeProblems(form, probe, 'projects.0.', formFields)),
    templateProblems(templates.files.summary, probeProblems(front, probe, '', frontFields)),
  ].filter((line) => line !== undefined);
  return said.length > 0 ? `${said.join('；')}。${PROBE_ADVICE}` : undefined;
}

/** 模板 <file> 中 <problem>；<problem>…, or undefined for none. */
function templateProblems(file: string, problems: readonly string[]): string | undefined {
  if (problems.length === 0) return undefined;
  return `模板 ${file} 中${/^[\x21-\x7e]/.test(problems[0]!) ? ' ' : ''}${problems.join('；')}`;
}

/**
 * The problems of one template's probe output. `base`: the key prefix its relative fields have
 * ('projects.0.' for the form, '' for the 汇总表), to name fields as the template writes them.
 */
function probeProblems(sections: readonly GridSection[], probe: Probe, base: string, required: readonly string[]): string[] {
  const name = fieldName(base);
  const names = (keys: readonly string[]) => keys.map(name).join('、');
  const markersIn = (text: string) => [...probe.printed].filter(([, marker]) => text.includes(marker)).map(([key]) => key);
  const all = places(sections);
  const claimed = new Set(all.map((place) => place.key));
  const printedSomewhere = new Set<string>();
  const problems: string[] = [];
  for (const place of all) {
    const shown = markersIn(place.text);
    shown.forEach((key) => printedSomewhere.add(key));
    if (place.key === undefined) {
      if (shown.length === 1 && !claimed.has(shown[0]!)) problems.push(`${place.where()}印出了 ${name(shown[0]!)} 的值，却没有写 field="${name(shown[0]!)}"`);
      else if (shown.length > 0) problems.push(`${place.where()}没有写 field，却印出了 ${names(shown)} 的值`);
      continue;
    }
    const claim = `field="${name(place.key)}" 的${place.kind}`;
    const marker = probe.printed.get(place.key);
    const others = shown.filter((key) => key !== place.key);
    if (marker === undefined) problems.push(`${claim}：数据里没有这个字段${others.length > 0 ? `，它印出的是 ${names(others)} 的值` : ''}`);
    else if (others.length > 0) problems.push(shown.includes(place.key) ? `${claim}除了这个字段，还印出了 ${names(others)} 的值` : `${claim}印出的是 ${names(others)} 的值`);
    else if (prints(place, marker)) continue;
    else if (shown.includes(place.key)) problems.push(`${claim}除了这个字段的值，还印出了「${clip(place.text)}」`);
    else if (squeeze(place.text) === '') problems.push(`${claim}什么也没有印出`);
    else problems.push(`${claim}印出的是「${clip(place.text)}」，不是这个字段的值`);
  }
  // A field printed in a cell without `field` was said there.
  const unclaimed = required.filter((key) => !claimed.has(key) && !printedSomewhere.has(key));
  if (unclaimed.length > 0) problems.push(`没有写明这些字段的单元格：${names(oncePerRow(unclaimed))}`);
  return oncePerRow(problems);
}

/**
 * The probe has several projects and indicator rows, and a template draws them all with one row
 * of markup: a problem of that row is said once, for its first probe row (numbers aside, the same).
 */
function oncePerRow(items: readonly string[]): string[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const shape = item.replace(/\.\d+\./g, '.#.').replace(/第 \d+ 行/g, '第 # 行');
    return !seen.has(shape) && seen.add(shape);
  });
}

// --- Each real form ------------------------------------------------------------------------

/** The fields the model has, list positions as '#' (probe.ts fills every one). */
const FIELDS = new Set([...probePacket().printed.keys()].map((key) => key.replace(/\.\d+(?=\.|$)/g, '.#')));

/** The data paths a 申报表 of `project` must show, relative to the project. */
function declarationFields(project: Project): DataPath[] {
  const { project: whole } = project.funds;
  return [
    ['name'],
    ['nature'],
    ['category'],
    ['department'],
    ['implementer'],
    ['startDate'],
    ['endDate'],
    ...(['total', 'fiscal', 'other'] as const).filter((k) => whole[k] !== undefined).map((k) => ['funds', 'project', k]),
    ...(['total', 'fiscal', 'carryover', 'other'] as const).map((k) => ['funds', 'annual', k]),
    ...(project.overallGoal !== undefined ? [['overallGoal']] : []),
    ['annualGoal'],
    ...project.indicators.flatMap((_, i) => [
      ['indicators', i, 'name'],
      ['indicators', i, 'target'],
    ]),
  ];
}

/** The data paths the 汇总表's own table must show, relative to the packet. */
function summaryFields(packet: Packet): DataPath[] {
  return packet.projects.flatMap((_, i) => [
    ['projects', i, 'name'],
    ...(['total', 'fiscal', 'carryover', 'other'] as const).map((k) => ['projects', i, 'funds', 'annual', k]),
  ]);
}

/**
 * The problems of one real form: a required field without a cell, a cell that does not print its
 * field's value. `valueOf`: the data value at an absolute path, or `absent` when the path is not
 * this form's (another project's: the probe has said what such a cell prints).
 */
function formProblems(
  sections: readonly GridSection[],
  base: string,
  required: readonly string[],
  valueOf: (path: DataPath) => unknown,
  display: Display | undefined,
): string[] {
  const name = fieldName(base);
  const style = withDefaults(display);
  const all = places(sections);
  const claimed = new Set(all.map((place) => place.key));
  const problems: string[] = [];
  for (const place of all) {
    if (place.key === undefined || !FIELDS.has(place.key.replace(/\.\d+(?=\.|$)/g, '.#'))) continue;
    const raw = valueOf(place.path!);
    if (raw === absent) continue;
    const value = printedValue(place.path!, raw, style);
    if (prints(place, value)) continue;
    const printed = squeeze(place.text) === '' ? '什么也没有印出' : `印出的是「${clip(place.text)}」`;
    problems.push(`field="${name(place.key)}" 的${place.kind}${printed}，不是这个字段的值「${clip(value)}」`);
  }
  const missing = required.filter((key) => !claimed.has(key));
  if (missing.length > 0) problems.unshift(`没有印出这些字段：${oncePerRow(missing).map(name).join('、')}`);
  return oncePerRow(problems);
}

const absent = Symbol('absent');

/**
 * The value at `path` inside `root`: undefined for a field the data leaves out (printed blank),
 * `absent` past the end of a list (an indicator or project the data does not have).
 */
function walk(root: unknown, path: DataPath): unknown {
  let node = root;
  for (const segment of path) {
    if (typeof segment === 'number') {
      if (!Array.isArray(node) || segment >= node.length) return absent;
      node = node[segment];
    } else if (node === undefined) return undefined;
    else if (node === null || typeof node !== 'object') return absent;
    else node = Object.hasOwn(node, segment) ? (node as Record<string, unknown>)[segment] : undefined;
  }
  return node;
}

const FORM_ADVICE = `表上每个数据都要有一个写明 field="…" 的单元格，印出这个字段的值，不能随数据的内容改变${README}`;

export function checkDeclarationCoverage(
  template: string,
  sections: readonly GridSection[],
  project: Project,
  index: number,
  year: number,
  display: Display | undefined,
): void {
  const base = `projects.${index}.`;
  const required = declarationFields(project).map((path) => base + pathKey(path));
  // Another project's field (written from the top level) is not this form's to print.
  const valueOf = (path: DataPath) => (path.length === 1 && path[0] === 'year' ? year : path[0] === 'projects' && path[1] === index ? walk(project, path.slice(2)) : absent);
  const problems = formProblems(sections, base, required, valueOf, display);
  if (problems.length > 0) throw new UserError(`模板 ${template} 印第 ${index + 1} 个项目「${clip(project.name)}」时${problems.join('；')}。${FORM_ADVICE}`);
}

export function checkSummaryCoverage(template: string, sections: readonly GridSection[], packet: Packet): void {
  const required = summaryFields(packet).map(pathKey);
  const problems = formProblems(sections, '', required, (path) => walk(packet, path), packet.display);
  if (problems.length > 0) throw new UserError(`模板 ${template} 印汇总表时${problems.join('；')}。${FORM_ADVICE}`);
}

// --- Both ------------------------------------------------------------------------------------

/** A heading or cell as printed: the field it claims (absolute), its text, and how to name it. */
interface Place {
  path?: DataPath;
  key?: string;
  text: string;
  kind: '标题' | '单元格';
  /** Made only for a message: the check runs on every form a build lays out. */
  where: () => string;
}

function places(sections: readonly GridSection[]): Place[] {
  const all: Place[] = [];
  const claim = (path: DataPath | undefined) => (path ? { path, key: pathKey(path) } : {});
  let tables = 0;
  for (const section of sections)
    for (const block of section.blocks) {
      if (block.type === 'heading') {
        all.push({ ...claim(block.path), text: block.text, kind: '标题', where: () => `<h${block.level}> 标题` });
        continue;
      }
      const table = ++tables;
      block.rows.forEach((row, r) => {
        for (const cell of row.cells) {
          all.push({ ...claim(cell.path), text: cell.text, kind: '单元格', where: () => `第 ${table} 个表格第 ${r + 1} 行第 ${cell.col + 1} 列的单元格` });
        }
      });
    }
  return all;
}

/**
 * Whether `place` prints `value`: as a cell's whole text (`extract` reads the whole cell back as
 * the value), within a heading's (the year line: (2023年度)). Whitespace aside: the markup trims
 * a cell's text and joins its lines.
 */
function prints(place: Place, value: string): boolean {
  return place.kind === '单元格' ? squeeze(place.text) === squeeze(value) : squeeze(place.text).includes(squeeze(value));
}

/** A field's name as the template writes it: relative to `base` (the project's key prefix), else from the top level ('/year'). */
function fieldName(base: string): (key: string) => string {
  return (key) => (base === '' ? key : key.startsWith(base) ? key.slice(base.length) : `/${key}`);
}

const squeeze = (text: string) => text.replace(/\s+/g, '');

/** A printed text, short and on one line, to quote in a message. */
function clip(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 20 ? `${line.slice(0, 20)}…` : line;
}
