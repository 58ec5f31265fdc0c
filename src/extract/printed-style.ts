// The house style (display) a PDF's forms were printed in, read off the printed text: a PDF does
// not carry it as a .docx does (its custom property), and dates and zero amounts are read back
// through it. Only what the printed forms show is read; a style they cannot show stays unsaid.
import { DEFAULT_DISPLAY, dateFormatProblem, formatDate, parseDate, type Display } from '../model/display.js';
import type { DocxBlock } from './docx-read.js';
import type { ExtractedDocx } from './docx.js';

/**
 * The year line's brackets, the date format of the printed dates, and how a zero amount prints
 * (where a year's amounts are printed), where not the default. Undefined for the default style,
 * or where nothing says. `places`: where each value was read (docx.ts), read in the default style.
 */
export function printedStyle(blocks: readonly DocxBlock[], places: ExtractedDocx['places']): Display | undefined {
  const style: Display = {};
  if (blocks.some((b) => b.type === 'paragraph' && /^（\d{4}年度）$/.test(b.text.trim()))) style.yearBrackets = 'fullwidth';
  const read = [...places];
  const text = (key: string) => places.get(key)?.text.trim();
  const projects = [...new Set(read.map(([key]) => /^projects\.(\d+)\.(startDate|endDate)$/.exec(key)?.[1]).filter((n) => n !== undefined))];
  const spans = projects.map((n) => ({ start: text(`projects.${n}.startDate`), end: text(`projects.${n}.endDate`) }));
  const dateFormat = printedDateFormat(spans);
  if (dateFormat !== undefined && dateFormat !== DEFAULT_DISPLAY.dateFormat) style.dateFormat = dateFormat;
  const zeros = new Set(read.filter(([key]) => /\.funds\.annual\./.test(key)).map(([, at]) => at.text.trim()).filter((t) => /^[0.]*$/.test(t)));
  if (zeros.size === 1) {
    const [zero] = zeros;
    if (zero === '' || zero === '0') style.zeroAmount = zero;
  }
  return Object.keys(style).length > 0 ? style : undefined;
}

type Order = 'ymd' | 'dmy' | 'mdy';

/**
 * The date format that prints every date as it is printed, each project's start no later than its
 * end; undefined where none does, or where two orders would read other dates (01/02/2024: 1
 * February or 2 January). Where they read the same dates (10/10/2023), the first of them.
 * Year first, or last (d/M/yyyy, M/d/yyyy); with separators, or none (yyyyMMdd). A month or day
 * is unpadded where a date prints it with one digit, padded where one prints a leading 0; where no
 * date tells (10–12, 10–31 print alike either way), month and day go alike, padded if neither tells.
 */
export function printedDateFormat(spans: ReadonlyArray<{ start?: string; end?: string }>): string | undefined {
  const dates = spans.flatMap(({ start, end }) => [start, end]).filter((d): d is string => d !== undefined && d !== '');
  if (dates.length === 0) return undefined;
  const formats = (['ymd', 'dmy', 'mdy'] as const).flatMap((order) => {
    const format = formatFor(dates, order);
    return format === undefined ? [] : [format];
  });
  const fitting = formats.filter((format) => {
    if (dateFormatProblem(format) !== undefined) return false;
    const fits = (date: string) => {
      const iso = parseDate(date, format);
      if (iso === undefined || formatDate(iso, format) !== date) return false;
      const [, month, day] = iso.split('-').map(Number);
      return month! >= 1 && month! <= 12 && day! >= 1 && day! <= 31;
    };
    if (!dates.every(fits)) return false;
    return spans.every(({ start, end }) => !start || !end || parseDate(start, format)! <= parseDate(end, format)!);
  });
  // Orders that read every date alike (10/10/2023) leave the data certain: the first is taken.
  const readAlike = fitting.every((format) => dates.every((date) => parseDate(date, format) === parseDate(date, fitting[0]!)));
  return fitting.length > 0 && readAlike ? fitting[0] : undefined;
}

/** The format `order` gives the first date's shape, padding as the dates show; undefined if it has no such shape. */
function formatFor(dates: readonly string[], order: Order): string | undefined {
  const shape = (date: string) => date.match(/\d+|\D+/g) ?? [];
  const first = shape(dates[0]!);
  const groups = first.filter((part) => /^\d/.test(part));
  const tokens = order.split('') as Array<'y' | 'm' | 'd'>;
  if (groups.length === 1 && groups[0]!.length === 8) {
    // No separators: every part padded.
    const whole = { y: 'yyyy', m: 'MM', d: 'dd' };
    return first.map((part) => (/^\d/.test(part) ? tokens.map((t) => whole[t]).join('') : part)).join('');
  }
  if (groups.length !== 3) return undefined;
  const at = (token: 'y' | 'm' | 'd') => tokens.indexOf(token);
  const all = dates.map((date) => shape(date).filter((part) => /^\d/.test(part)));
  if (all.some((g) => g.length !== 3 || g[at('y')]!.length !== 4)) return undefined;
  const padded = (i: number) => (all.some((g) => g[i]!.length === 1) ? false : all.some((g) => g[i]!.startsWith('0')) ? true : undefined);
  const month = padded(at('m'));
  const day = padded(at('d'));
  const token = { y: 'yyyy', m: (month ?? day ?? true) ? 'MM' : 'M', d: (day ?? month ?? true) ? 'dd' : 'd' };
  let k = 0;
  return first.map((part) => (/^\d/.test(part) ? token[tokens[k++]!] : part)).join('');
}
