// zod issues -> Diagnostics with plain Chinese messages. Messages set on the schema itself (money,
// dates) win; this map words the generic cases the way a finance office reads them.
import { distance } from 'fastest-levenshtein';
import { z } from 'zod';
import type { Diagnostic } from '../model/diagnostic.js';
import { PacketSchema } from '../model/packet.js';

const TYPE_NAMES: Record<string, string> = {
  string: '文本',
  number: '数字',
  int: '整数',
  object: '对象 {…}',
  array: '列表 […]',
  boolean: '是/否',
};

export const chineseErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return '缺少必填项';
      return `应为${TYPE_NAMES[issue.expected] ?? issue.expected}`;
    case 'too_small':
      if (issue.origin === 'string') return '不能为空';
      if (issue.origin === 'array') return `至少需要 ${String(issue.minimum)} 项`;
      return `不能小于 ${String(issue.minimum)}`;
    case 'too_big':
      if (issue.origin === 'string')
        return `太长：最多 ${String(issue.maximum)} 个字符，现有 ${typeof issue.input === 'string' ? issue.input.length : '更多'} 个`;
      return `不能大于 ${String(issue.maximum)}`;
    case 'invalid_value':
      return `应为以下之一：${issue.values.map(String).join('、')}`;
    case 'unrecognized_keys':
      return `有不认识的字段：${issue.keys.join('、')}`;
    default:
      return undefined;
  }
};

/** `prefix`: where the value checked stands in the data file (a project checked on its own: ['projects', 3]). */
export function diagnosticsFromZod(error: z.core.$ZodError, prefix: ReadonlyArray<string | number> = []): Diagnostic[] {
  return error.issues.flatMap((issue): Diagnostic[] => {
    const path = [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
    // One diagnostic per unknown key, at the key itself, so its line is the misspelt field's.
    if (issue.code === 'unrecognized_keys') {
      const known = fieldsAt(path);
      return issue.keys.map((key) => {
        const meant = likelyField(key, Object.keys(known));
        return {
          severity: 'error',
          path: [...path, key],
          message: `有不认识的字段：${key}`,
          hint: meant
            ? `是不是要写 ${meant}${known[meant] ? `（${known[meant]}）` : ''}？请检查字段名的拼写`
            : '检查字段名的拼写，或对照 schema/packet.schema.json',
          code: 'schema',
        };
      });
    }
    return [{ severity: 'error', path, message: issue.message, code: 'schema' }];
  });
}

/** The fields the packet's schema allows in the object at `path` (from the packet's root), each with its title (项目资金…). */
function fieldsAt(path: ReadonlyArray<string | number>): Record<string, string | undefined> {
  let schema: z.core.$ZodType | undefined = PacketSchema;
  for (const step of path) {
    const node = unwrapped(schema);
    schema = node instanceof z.ZodObject ? (node.shape as Record<string, z.core.$ZodType>)[String(step)] : node instanceof z.ZodArray ? node.element : undefined;
  }
  const node = unwrapped(schema);
  if (!(node instanceof z.ZodObject)) return {};
  return Object.fromEntries(Object.entries(node.shape as Record<string, z.core.$ZodType>).map(([key, field]) => [key, titleOf(field)]));
}

/** Through .optional(), to the schema that holds the fields. */
function unwrapped(schema: z.core.$ZodType | undefined): z.core.$ZodType | undefined {
  let node = schema;
  while (node instanceof z.ZodOptional || node instanceof z.ZodNullable || node instanceof z.ZodDefault) node = node.unwrap() as z.core.$ZodType;
  return node;
}

function titleOf(schema: z.core.$ZodType): string | undefined {
  for (let node: z.core.$ZodType | undefined = schema; node; node = node === unwrapped(node) ? undefined : unwrapped(node)) {
    const title = z.globalRegistry.get(node)?.title;
    if (title) return title;
  }
  return undefined;
}

/**
 * The field an unknown key most likely misspells: the nearest by edit distance (letter case
 * aside), if it is near enough for a slip (a third of the key's letters, at least one); none if two are as near.
 */
export function likelyField(key: string, fields: readonly string[]): string | undefined {
  const limit = Math.max(1, Math.floor(key.length / 3));
  const scored = fields.map((field) => ({ field, d: distance(key.toLowerCase(), field.toLowerCase()) })).filter(({ d }) => d <= limit);
  const best = Math.min(...scored.map(({ d }) => d));
  const nearest = scored.filter(({ d }) => d === best);
  return nearest.length === 1 ? nearest[0]!.field : undefined;
}
