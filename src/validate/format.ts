// How a diagnostic reads to a finance office: the file, the project (number and name), the field
// by its label on the form, then the message. Labels come from the schema's `title`s.
import { z } from 'zod';
import { PacketSchema } from '../model/packet.js';
import { shownText } from '../model/text.js';
import { projectIndexOf, type Diagnostic, type Problem, type ProblemPlace, type ProblemsDocument } from '../model/diagnostic.js';

const SEVERITY = { error: '错误', warning: '警告' } as const;

/**
 * e.g. `data/x.json:12:5：项目 3「残疾人就业保障金」：年度资金申请总额（projects[2].funds.annual.total）：错误：…`;
 * `file:line:column` is a link in VS Code's terminal. Without a place: `data/x.json：…`. A problem
 * that names its own place (reading a Word file, verifying a folder) reads `file：message`.
 */
export function formatDiagnostic(d: Diagnostic, file: string, projectNames: ReadonlyArray<string | undefined> = []): string {
  const line = d.standalone ? standaloneText(d) : `${whereText(d, file, projectNames)}：${SEVERITY[d.severity]}：${d.message}`;
  return d.hint ? `${line}\n    提示：${d.hint}` : line;
}

/** A problem that names its own place: after its file's name; without a file (across several files), alone. */
const standaloneText = (d: Diagnostic) => (d.place ? `${d.place.file}：${d.message}` : d.message);

/** The file (with line and column), the project and the field a diagnostic is about. */
function whereText(d: Diagnostic, file: string, projectNames: ReadonlyArray<string | undefined>): string {
  const parts = [placeText(d, file)];
  const projectIndex = projectIndexOf(d);
  if (projectIndex !== undefined) {
    const name = projectNames[projectIndex];
    parts.push(`项目 ${projectIndex + 1}${name ? `「${shownText(name)}」` : ''}`);
  }
  const field = fieldLabel(d.path);
  if (field) parts.push(`${field}（${pathText(d.path)}）`);
  return parts.join('：');
}

/** `data/x.json:12:5`, or just the file when the diagnostic has no line. */
function placeText(d: Diagnostic, file: string): string {
  if (d.line === undefined) return file;
  return d.column === undefined ? `${file}:${d.line}` : `${file}:${d.line}:${d.column}`;
}

/** How many warnings of one kind are listed one by one; more are said in one line. */
export const GROUPED_AFTER = 3;

/**
 * The lines a list of diagnostics prints as: each error on its own (each is fixed on its own), and
 * warnings of one kind (one `code`) beyond GROUPED_AFTER in one line, where the first of them
 * stands, with their count and the first few places.
 */
export function diagnosticLines(diagnostics: readonly Diagnostic[], file: string, projectNames: ReadonlyArray<string | undefined> = []): string[] {
  // One kind: the same check and the same advice (a hint that names a different fix, such as the
  // 二级指标 a misspelt one may have meant, is another kind: grouped, it would not be seen).
  const kindOf = (d: Diagnostic) => `${d.code}\u0000${d.hint ?? ''}`;
  const kinds = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) {
    if (d.severity !== 'warning' || d.omitted) continue;
    const same = kinds.get(kindOf(d)) ?? [];
    same.push(d);
    kinds.set(kindOf(d), same);
  }
  const lines: string[] = [];
  for (const d of diagnostics) {
    const same = d.severity === 'warning' && !d.omitted ? kinds.get(kindOf(d))! : undefined;
    if (!same || same.length <= GROUPED_AFTER) lines.push(formatDiagnostic(d, file, projectNames));
    else if (same[0] === d) lines.push(groupedLine(same, file, projectNames));
  }
  return lines;
}

function groupedLine(same: readonly Diagnostic[], file: string, projectNames: ReadonlyArray<string | undefined>): string {
  const [first] = same as [Diagnostic, ...Diagnostic[]];
  const places = same.slice(0, GROUPED_AFTER).map((d) => (d.standalone ? (d.place?.file ?? '') : whereText(d, file, projectNames)));
  const whole = first.standalone ? standaloneText(first) : `${file}：${SEVERITY.warning}：${first.message}`;
  const line = `${whole}（同类警告共 ${same.length} 条，前 ${GROUPED_AFTER} 条在：${places.join('；')}；用 --json 可列出全部）`;
  return first.hint ? `${line}\n    提示：${first.hint}` : line;
}

/** One diagnostic as `--json` prints it (model/diagnostic.ts ProblemSchema): the file in its place, the project by number and name. */
export function problemOf(d: Diagnostic, file: string, projectNames: ReadonlyArray<string | undefined> = []): Problem {
  const projectIndex = projectIndexOf(d);
  const name = projectIndex === undefined ? undefined : projectNames[projectIndex];
  const field = d.path.length > 0 ? fieldLabel(d.path) : '';
  // A problem across several files (standalone, without a place) names them in its message.
  const place: ProblemPlace | undefined =
    d.place ??
    (d.standalone ? undefined : d.line === undefined ? { kind: 'file', file } : { kind: 'file', file, line: d.line, ...(d.column !== undefined && { column: d.column }) });
  return {
    severity: d.severity,
    code: d.code,
    message: d.message,
    ...(d.hint !== undefined && { hint: d.hint }),
    ...(projectIndex !== undefined && { project: { number: projectIndex + 1, ...(name !== undefined && { name }) } }),
    ...(d.path.length > 0 && { path: pathText(d.path) }),
    ...(field !== '' && { field }),
    ...(place && { place }),
  };
}

/** The `--json` document of problems found in files: each with the file it is in and the names of that file's projects. */
export function problemsDocument(found: Iterable<{ file: string; diagnostics: readonly Diagnostic[]; projectNames?: ReadonlyArray<string | undefined> }>): ProblemsDocument {
  const problems: Problem[] = [];
  for (const { file, diagnostics, projectNames } of found) problems.push(...diagnostics.map((d) => problemOf(d, file, projectNames)));
  return { problems };
}

/** Kept for programs written against it: the same as `problemOf`. */
export const diagnosticJson = problemOf;
export type DiagnosticJson = Problem;

/** `projects[2].funds.annual.total` */
export function pathText(path: ReadonlyArray<string | number>): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/**
 * The field's label on the form, from the schema's titles along the path: the leaf with its
 * parent object when that tells same-named fields apart (年度资金·其他资金 vs 项目资金·其他资金),
 * and an indicator by its number: 绩效指标第 13 条的三级指标.
 */
export function fieldLabel(path: ReadonlyArray<string | number>): string {
  // Below a project, name the field; the project itself is named separately.
  const start = path[0] === 'projects' && typeof path[1] === 'number' ? 2 : 0;
  let schema: z.ZodType | undefined = PacketSchema;
  const labels: string[] = [];
  let item = -1;
  path.forEach((key, i) => {
    schema = schema && child(schema, key);
    if (i < start || !schema) return;
    if (typeof key === 'number') item = labels.length;
    labels.push(typeof key === 'number' ? `第 ${key + 1} 条` : (titleOf(schema) ?? key));
  });
  if (item > 0) {
    const rest = labels.slice(item + 1).join('·');
    return `${labels[item - 1]}${labels[item]}${rest ? `的${rest}` : ''}`;
  }
  return labels.slice(-2).join('·');
}

function child(schema: z.ZodType, key: string | number): z.ZodType | undefined {
  const inner = unwrap(schema);
  if (typeof key === 'number') return inner instanceof z.ZodArray ? (inner.element as z.ZodType) : undefined;
  // Own fields only: a data key named "constructor" or "toString" is not a field of the schema.
  if (inner instanceof z.ZodObject) return Object.hasOwn(inner.shape, key) ? (inner.shape[key] as z.ZodType) : undefined;
  return undefined;
}

function unwrap(schema: z.ZodType): z.ZodType {
  return schema instanceof z.ZodOptional ? unwrap(schema.unwrap() as z.ZodType) : schema;
}

function titleOf(schema: z.ZodType): string | undefined {
  return (schema.meta()?.title as string | undefined) ?? (unwrap(schema).meta()?.title as string | undefined);
}
