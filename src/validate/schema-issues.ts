// zod issues -> Diagnostics with plain Chinese messages. Messages set on the schema itself (money,
// dates) win; this map words the generic cases the way a finance office reads them.
import type { z } from 'zod';
import type { Diagnostic } from '../model/diagnostic.js';

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
      return issue.keys.map((key) => ({
        severity: 'error',
        path: [...path, key],
        message: `有不认识的字段：${key}`,
        hint: '检查字段名的拼写，或对照 schema/packet.schema.json',
        ruleId: 'schema',
      }));
    }
    return [{ severity: 'error', path, message: issue.message, ruleId: 'schema' }];
  });
}
