// A packet's house style: how its forms print dates, zero amounts and the year line, as the
// office's budget system (or its Excel export) prints them. Only the printing changes: the data
// stays in one form (ISO dates, decimal-string amounts), and `extract` reads the printed forms back
// into it (extract/docx.ts, with the style the .docx carries as a custom property).
import { z } from 'zod';

/** The tokens a date format may use; everything else in it is printed as written. */
const DATE_TOKENS = ['yyyy', 'MM', 'M', 'dd', 'd'] as const;
type DateToken = (typeof DATE_TOKENS)[number];

/** A date format's parts: tokens, and the text between them; undefined where a letter run is no token. */
function dateParts(format: string): Array<{ token: DateToken } | { text: string }> | { unknown: string } {
  const parts: Array<{ token: DateToken } | { text: string }> = [];
  for (const [run] of format.matchAll(/[A-Za-z]+|[^A-Za-z]+/g)) {
    if (!/^[A-Za-z]/.test(run)) {
      parts.push({ text: run });
      continue;
    }
    // A run of letters is tokens end to end (yyyyMMdd), longest first.
    let rest = run;
    while (rest) {
      const token = DATE_TOKENS.find((t) => rest.startsWith(t));
      if (!token) return { unknown: run };
      parts.push({ token });
      rest = rest.slice(token.length);
    }
  }
  return parts;
}

/** Dates whose months and days tell 1 from 11 and 12 apart. */
const ROUND_TRIP_DATES = ['2026-01-01', '2026-01-11', '2026-11-01', '2026-11-11', '2026-12-31', '2026-01-12', '2026-12-01', '2026-10-10'];

const DATE_FORMAT_HINT = '只能用 yyyy（四位年份）、M 或 MM（月）、d 或 dd（日），年、月、日各一次；其余文字照原样印出，如 "yyyy/M/d"、"yyyy年M月d日"';

/** Why `format` is no date format, or undefined if it is one. */
export function dateFormatProblem(format: string): string | undefined {
  const parts = dateParts(format);
  if ('unknown' in parts) return `日期格式「${format}」里的「${parts.unknown}」不认识：${DATE_FORMAT_HINT}`;
  const tokens = parts.flatMap((p) => ('token' in p ? [p.token] : []));
  const count = (...of: DateToken[]) => tokens.filter((t) => of.includes(t)).length;
  if (count('yyyy') !== 1 || count('M', 'MM') !== 1 || count('d', 'dd') !== 1) return `日期格式「${format}」${DATE_FORMAT_HINT}`;
  // 2026/11/1 and 2026/1/11 both print 2026111 without a separator: it could not be read back.
  // Printed into every date: what prints no visible character, or no character of the font, has no place there.
  const literal = parts.flatMap((p) => ('text' in p ? [p.text] : [])).join('');
  const odd = [...literal].find((c) => /[\p{C}\p{Zl}\p{Zp}\p{Extended_Pictographic}]|\s/u.test(c) && c !== ' ');
  if (odd !== undefined) return `日期格式里有不能印在日期里的字符 U+${odd.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}（换行、制表符、不可见字符或表情符号），请删去`;
  if (/\d/.test(literal)) return `日期格式「${format}」里的文字不能有数字：印出来分不清哪些数字是年月日`;
  const unpadded = (p: (typeof parts)[number] | undefined) => p !== undefined && 'token' in p && (p.token === 'M' || p.token === 'd');
  const adjacent = parts.some((p, i) => 'token' in p && parts[i + 1] !== undefined && 'token' in parts[i + 1]! && (unpadded(p) || unpadded(parts[i + 1])));
  if (adjacent) return `日期格式「${format}」里 M、d 紧挨着别的年月日，印出来读不回来：不补零的月、日前后要有分隔的文字，或改用 MM、dd`;
  // Whatever else a format does, every date must read back as itself (extract).
  const unreadable = ROUND_TRIP_DATES.find((date) => parseDate(formatDate(date, format), format) !== date);
  if (unreadable) return `日期格式「${format}」印出的 ${formatDate(unreadable, format)} 读不回 ${unreadable}，请改用别的写法，如 "yyyy/M/d"`;
  return undefined;
}

export const DisplaySchema = z
  .object({
    dateFormat: z
      .string()
      .superRefine((format, context) => {
        const problem = dateFormatProblem(format);
        if (problem) context.addIssue({ code: 'custom', message: problem });
      })
      .optional()
      .meta({
        title: '日期格式',
        description:
          '计划开始、完成日期怎样印出。yyyy 四位年份，MM 两位月份、M 不补零的月份，dd 两位日期、d 不补零的日期，其余文字照原样印出。默认 "yyyy-MM-dd"（2023-01-01）；"yyyy/M/d" 印成 2026/1/1',
        examples: ['yyyy-MM-dd', 'yyyy/M/d', 'yyyy年M月d日'],
      }),
    zeroAmount: z
      .enum(['0.00', '0', ''], { error: '应为 "0.00"（默认）、"0"，或 "" 留空' })
      .optional()
      .meta({ title: '零金额', description: '金额为零时怎样印出："0.00"（默认）、"0"，或 "" 留空' }),
    yearBrackets: z
      .enum(['ascii', 'fullwidth'])
      .optional()
      .meta({ title: '年度括号', description: '申报表年度一行的括号："ascii"（默认，印成 (2023年度)）或 "fullwidth"（全角，印成 （2026年度））' }),
  })
  .strict()
  .meta({ title: '印制样式', description: '本单位的表格惯例；只改变印出的样子，数据本身仍按 ISO 日期、金额字符串填写' });

export type Display = z.infer<typeof DisplaySchema>;

/** The seed's style: 2023-01-01, 0.00, (2023年度). */
export const DEFAULT_DISPLAY: Required<Display> = { dateFormat: 'yyyy-MM-dd', zeroAmount: '0.00', yearBrackets: 'ascii' };

export const withDefaults = (display: Display | undefined): Required<Display> => ({ ...DEFAULT_DISPLAY, ...display });

/** An ISO date (2026-01-01) as `format` prints it (2026/1/1). */
export function formatDate(iso: string, format: string): string {
  const parts = dateParts(format);
  const [y, m, d] = iso.split('-');
  if ('unknown' in parts || !y || !m || !d) return iso;
  const value: Record<DateToken, string> = { yyyy: y, MM: m, M: String(Number(m)), dd: d, d: String(Number(d)) };
  return parts.map((p) => ('token' in p ? value[p.token] : p.text)).join('');
}

/** A date printed by `format`, as ISO again; undefined if the text is not such a date. */
export function parseDate(text: string, format: string): string | undefined {
  const parts = dateParts(format);
  if ('unknown' in parts) return undefined;
  const pattern: Record<DateToken, string> = { yyyy: '(\\d{4})', MM: '(\\d{2})', M: '(\\d{1,2})', dd: '(\\d{2})', d: '(\\d{1,2})' };
  const source = parts.map((p) => ('token' in p ? pattern[p.token] : p.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
  const match = new RegExp(`^${source}$`).exec(text.trim());
  if (!match) return undefined;
  const tokens = parts.flatMap((p) => ('token' in p ? [p.token] : []));
  const at = (...of: DateToken[]) => match[tokens.findIndex((t) => of.includes(t)) + 1]!;
  return `${at('yyyy')}-${at('M', 'MM').padStart(2, '0')}-${at('d', 'dd').padStart(2, '0')}`;
}

/** The year line under a form's title: (2023年度), or （2026年度）. */
export function yearLine(year: number, brackets: Display['yearBrackets']): string {
  return brackets === 'fullwidth' ? `（${year}年度）` : `(${year}年度)`;
}
