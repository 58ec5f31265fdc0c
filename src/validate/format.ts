// How a diagnostic reads to a finance office: the file, the project (number and name), the field
// by its label on the form, then the message. Labels come from the schema's `title`s.
import { z } from 'zod';
import { PacketSchema } from '../model/packet.js';
import { shownText } from '../model/text.js';
import { projectIndexOf, type Diagnostic } from '../model/diagnostic.js';

const SEVERITY = { error: '错误', warning: '警告' } as const;

/**
 * e.g. `data/x.json:12:5：项目 3「残疾人就业保障金」：年度资金申请总额（projects[2].funds.annual.total）：错误：…`;
 * `file:line:column` is a link in VS Code's terminal. Without a place: `data/x.json：…`.
 */
export function formatDiagnostic(d: Diagnostic, file: string, projectNames: ReadonlyArray<string | undefined> = []): string {
  const parts = [placeText(d, file)];
  const projectIndex = projectIndexOf(d);
  if (projectIndex !== undefined) {
    const name = projectNames[projectIndex];
    parts.push(`项目 ${projectIndex + 1}${name ? `「${shownText(name)}」` : ''}`);
  }
  const field = fieldLabel(d.path);
  if (field) parts.push(`${field}（${pathText(d.path)}）`);
  const line = `${parts.join('：')}：${SEVERITY[d.severity]}：${d.message}`;
  return d.hint ? `${line}\n    提示：${d.hint}` : line;
}

/** `data/x.json:12:5`, or just the file when the diagnostic has no line. */
function placeText(d: Diagnostic, file: string): string {
  if (d.line === undefined) return file;
  return d.column === undefined ? `${file}:${d.line}` : `${file}:${d.line}:${d.column}`;
}

/** One diagnostic as plain data (for `validate --json`): every key always present, null when not applicable. */
export interface DiagnosticJson {
  file: string;
  line: number | null;
  column: number | null;
  severity: Diagnostic['severity'];
  ruleId: string;
  /** `projects[2].funds.annual.total`; '' for the file as a whole. */
  path: string;
  /** The field's label on the form (`年度资金·年度资金申请总额`), null when the path names none. */
  field: string | null;
  /** The project the problem belongs to: 1-based number and its name as written (null if blank). */
  project: { number: number; name: string | null } | null;
  message: string;
  hint: string | null;
}

export function diagnosticJson(d: Diagnostic, file: string, projectNames: ReadonlyArray<string | undefined> = []): DiagnosticJson {
  const projectIndex = projectIndexOf(d);
  return {
    file,
    line: d.line ?? null,
    column: d.column ?? null,
    severity: d.severity,
    ruleId: d.ruleId,
    path: pathText(d.path),
    field: fieldLabel(d.path) || null,
    project: projectIndex === undefined ? null : { number: projectIndex + 1, name: projectNames[projectIndex] ?? null },
    message: d.message,
    hint: d.hint ?? null,
  };
}

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
