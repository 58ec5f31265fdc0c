// How a diagnostic reads to a finance office: the file, the project (number and name), the field
// by its label on the form, then the message. Labels come from the schema's `title`s.
import { z } from 'zod';
import { PacketSchema } from '../model/packet.js';
import { projectIndexOf, type Diagnostic } from './diagnostic.js';

const SEVERITY = { error: '错误', warning: '警告' } as const;

/** e.g. `data/x.json：项目 3「残疾人就业保障金」：年度资金申请总额（projects[2].funds.annual.total）：错误：…` */
export function formatDiagnostic(d: Diagnostic, file: string, projectNames: ReadonlyArray<string | undefined> = []): string {
  const parts = [file];
  const projectIndex = projectIndexOf(d);
  if (projectIndex !== undefined) {
    const name = projectNames[projectIndex];
    parts.push(`项目 ${projectIndex + 1}${name ? `「${name}」` : ''}`);
  }
  const field = fieldLabel(d.path);
  if (field) parts.push(`${field}（${pathText(d.path)}）`);
  const line = `${parts.join('：')}：${SEVERITY[d.severity]}：${d.message}`;
  return d.hint ? `${line}\n    提示：${d.hint}` : line;
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
  if (inner instanceof z.ZodObject) return inner.shape[key] as z.ZodType | undefined;
  return undefined;
}

function unwrap(schema: z.ZodType): z.ZodType {
  return schema instanceof z.ZodOptional ? unwrap(schema.unwrap() as z.ZodType) : schema;
}

function titleOf(schema: z.ZodType): string | undefined {
  return (schema.meta()?.title as string | undefined) ?? (unwrap(schema).meta()?.title as string | undefined);
}
