// One cell of a fill-in workbook read as a person reads it: what it holds (a formula by its last
// computed value, a number to Excel's 15 digits), and as an amount or a date, what it shows, or
// why it cannot be read so. The sheets, headers and rows are extract/workbook.ts's.
import Big from 'big.js';
import ExcelJS from 'exceljs';

/** What a cell gives: nothing, text, a number (with its format), a date, or why it cannot be read. */
export type CellRead =
  | { kind: 'blank' }
  | { kind: 'text'; text: string }
  | { kind: 'number'; value: number; format: string }
  | { kind: 'date'; value: Date }
  | { kind: 'refused'; why: string };

/** What `cell` holds. A formula's result through cell.result: the value's own `result` drops a 0, FALSE or "" (ExcelJS keeps only truthy ones there). */
export function cellRead(cell: ExcelJS.Cell): CellRead {
  const value = cell.type === ExcelJS.ValueType.Formula ? formulaValue(cell) : cell.value;
  return valueRead(value, cell.numFmt ?? 'General');
}

function formulaValue(cell: ExcelJS.Cell): ExcelJS.CellValue {
  const value = cell.value as ExcelJS.CellFormulaValue;
  const result = cell.result as ExcelJS.CellFormulaValue['result'];
  return { ...value, result: result === undefined ? undefined : result } as ExcelJS.CellValue;
}

/** A number as Excel's General shows it: 15 significant digits (0.1+0.2 is 0.3). */
const excelNumber = (value: number): number => Number(value.toPrecision(15));

function valueRead(value: ExcelJS.CellValue, format: string): CellRead {
  if (value === null || value === undefined) return { kind: 'blank' };
  // A cell of spaces only looks empty, and is read so (a person sees nothing there).
  if (typeof value === 'string') return /^[\s\u3000]*$/.test(value) ? { kind: 'blank' } : { kind: 'text', text: value };
  if (typeof value === 'number') return Number.isFinite(value) ? { kind: 'number', value: excelNumber(value), format } : { kind: 'refused', why: '不是有效的数' };
  if (typeof value === 'boolean') return { kind: 'refused', why: `这一格是逻辑值 ${value ? 'TRUE' : 'FALSE'}：请写成文字或数字` };
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? { kind: 'refused', why: '日期无效' } : { kind: 'date', value };
  if ('richText' in value) return valueRead(value.richText.map((run) => run.text).join(''), format);
  if ('error' in value) return { kind: 'refused', why: `这一格是错误值 ${value.error}：请改正它的公式，或直接填值` };
  if ('formula' in value || 'sharedFormula' in value) {
    const result = (value as ExcelJS.CellFormulaValue).result;
    if (result === undefined || result === null)
      return { kind: 'refused', why: '这一格是公式，但工作簿里没有它算出的值（由程序写出、没有在 Excel 里打开保存过）：请在 Excel 或 WPS 里打开、保存一次，或直接填值' };
    return valueRead(result as ExcelJS.CellValue, format);
  }
  if ('text' in value) return valueRead(value.text as ExcelJS.CellValue, format);
  return { kind: 'refused', why: '读不出这一格的内容' };
}

/** The text of a cell as it shows, for messages. */
export function shown(cell: ExcelJS.Cell, read: CellRead): string {
  switch (read.kind) {
    case 'blank':
      return '';
    case 'text':
      return read.text;
    case 'number':
      return String(read.value);
    case 'date':
      return read.value.toISOString().slice(0, 10);
    default:
      return cell.text ?? '';
  }
}

/** Formats that show a number as typed (General, text, whole numbers). */
export const isPlainFormat = (format: string) => /^(General|@|0)$/i.test(format.trim());

/**
 * Why a number format does not show `value` as that many 元, or undefined where it does: General,
 * or (in its first section, the one a positive amount is shown in) digits with 元 or the yuan sign
 * at most, all the decimals the value has, and no scaling (#,##0, shows thousands). The accounting
 * formats pass: padding (_x) and fill (*x) are spacing; the zero and text sections show no amount.
 */
export function amountFormatProblem(format: string, value: number): string | undefined {
  if (/^General$/i.test(format.trim())) return undefined;
  // The first section: up to a ; outside quotes.
  let positive = '';
  for (let i = 0, quoted = false; i < format.length; i++) {
    const ch = format[i]!;
    if (ch === '"') quoted = !quoted;
    else if (ch === '\\') {
      positive += ch + (format[i + 1] ?? '');
      i++;
      continue;
    } else if (ch === ';' && !quoted) break;
    positive += ch;
  }
  const currency = [...positive.matchAll(/\[\$([^\]-]*)(?:-[^\]]*)?\]/g)].map((m) => m[1]!);
  if (currency.some((symbol) => !['', '¥', '￥', '元', 'CNY', 'RMB'].includes(symbol))) return '标着别的货币，不是以元为单位的金额';
  const bare = positive
    .replace(/\[[^\]]*\]/g, '')
    .replace(/_./g, '')
    .replace(/\*./g, '')
    .replace(/"([^"]*)"/g, (_, text: string) => (/^[\s元¥￥]*$/.test(text) ? '' : '"'))
    .replace(/\\[¥￥元 ]/g, '');
  if (!/^[0#?,.\s()¥￥元-]*$/.test(bare)) return '把数显示成别的样子（如万元），不是以元为单位的金额';
  if (!/[0#?]/.test(bare)) return '不显示这个数';
  if (/[0#?],+(?![0#?])/.test(bare)) return '把数按千、百万缩小显示，显示的不是它';
  const shown = /\.([0#?]*)/.exec(bare)?.[1]?.length ?? 0;
  const decimals = String(value).split('.')[1]?.length ?? 0;
  if (decimals > shown) return `只显示 ${shown} 位小数，显示的 ${value.toFixed(shown)} 不是它（${value}）`;
  return undefined;
}

const AMOUNT_FORMS = '金额应是数字，或写成 300000、300000.00、300,000.00 这样的文字（单位元，最多两位小数）';

/** An amount as the data holds it ("300000.00"): a number with at most two decimals, or its text. */
export function money(read: CellRead, fail: (why: string) => undefined): string | undefined {
  if (read.kind === 'number') {
    // 0.5 shown as 50% is not 0.50 元, nor 20 shown as 20.00万元, nor 1234.5 shown as 1,235: what the cell shows is what is read, or it is refused.
    if (read.format.replace(/"[^"]*"|\\./g, '').includes('%')) return fail(`这一格按百分比显示（格式“${read.format}”），不是金额：${AMOUNT_FORMS}`);
    if (read.value < 0) return fail(`金额是负数 ${read.value}：金额不能为负`);
    // The shortest text that is this number (as Excel stores it): 1.005 has three decimals, however it rounds.
    const text = String(read.value);
    if (/e/i.test(text)) return fail(read.value < 1 ? `金额 ${text} 小数太多：最多两位小数` : `金额 ${text} 太大`);
    const decimals = text.split('.')[1]?.length ?? 0;
    if (decimals > 2) return fail(`金额 ${text} 有 ${decimals} 位小数：最多两位，shenbao 不替你四舍五入，请改成要申报的数`);
    const shows = amountFormatProblem(read.format, read.value);
    if (shows) return fail(`这一格的格式“${read.format}”${shows}：请把格式改为数值（如 #,##0.00），照元填写`);
    return new Big(text).toFixed(2);
  }
  if (read.kind === 'text') {
    // ¥300,000.00 and 300000元 are amounts in 元 as written.
    const text = read.text.normalize('NFKC').trim().replace(/^[¥￥]\s*/, '').replace(/\s*元$/, '');
    if (!/^(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$/.test(text)) return fail(`「${read.text}」不是金额：${AMOUNT_FORMS}`);
    const decimals = text.split('.')[1]?.length ?? 0;
    if (decimals > 2) return fail(`金额「${read.text}」有 ${decimals} 位小数：最多两位，shenbao 不替你四舍五入，请改成要申报的数`);
    return new Big(text.replace(/,/g, '')).toFixed(2);
  }
  return fail(`这一格是日期，不是金额：${AMOUNT_FORMS}`);
}

const DATE_FORMS = '日期应是日期格式的单元格，或写成 2023-01-01、2023/1/1、2023.1.1、2023年1月1日、20230101 这样的文字';

/** A date as the data holds it (2023-01-01): a date cell at midnight, or its text in one of three forms. */
export function date(read: CellRead, fail: (why: string) => undefined): string | undefined {
  if (read.kind === 'date') {
    const d = read.value;
    // ExcelJS gives dates in UTC; a cell with a time of day is not a day alone.
    if (d.getUTCHours() + d.getUTCMinutes() + d.getUTCSeconds() + d.getUTCMilliseconds() !== 0)
      return fail(`这一格是日期加时刻（${d.toISOString().slice(0, 16).replace('T', ' ')}）：只写日期`);
    return d.toISOString().slice(0, 10);
  }
  if (read.kind === 'text') {
    const text = read.text.normalize('NFKC').trim();
    const match = /^(\d{4})(?:[-/.](\d{1,2})[-/.](\d{1,2})|年(\d{1,2})月(\d{1,2})日|(\d{2})(\d{2}))$/.exec(text);
    // One separator throughout (2023-1/1 is a slip, not a date).
    if (!match || (match[2] !== undefined && new Set(text.replace(/\d/g, '')).size !== 1)) return fail(`「${read.text}」不是日期：${DATE_FORMS}`);
    const [y, m, d] = [match[1]!, match[2] ?? match[4] ?? match[6]!, match[3] ?? match[5] ?? match[7]!];
    // A day that does not exist (2023-02-30) is said by validation, as for a data file.
    return `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  }
  return fail(`这一格是数字 ${read.kind === 'number' ? read.value : ''}，不是日期：${DATE_FORMS}`);
}
