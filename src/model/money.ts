// Money is kept as the decimal string of the data file ("200000.00") and never passes through
// binary floating point: big.js adds, Intl formats the decimal string itself exactly.
import Big from 'big.js';

/** A non-negative amount in 元 with at most two decimals, without thousands separators. */
export const MONEY_PATTERN = /^(0|[1-9]\d*)(\.\d{1,2})?$/;

/** At most 11 digits before the point: up to 99,999,999,999.99. */
export const MONEY_LIMIT = /^(?![1-9]\d{11})/;

const grouped = new Intl.NumberFormat('en-US', {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
  useGrouping: true,
});

/**
 * `#,##0.00`, as the form prints amounts; a blank amount stays blank. `zero`: how a zero amount
 * prints (the packet's house style, model/display.ts), by default 0.00.
 */
export function formatMoney(amount: string | undefined, zero = '0.00'): string {
  if (amount === undefined) return '';
  if (new Big(amount).eq(0)) return zero;
  // Intl.NumberFormat takes a decimal string exactly (no conversion to a JS number).
  return grouped.format(amount as unknown as number);
}

/** Exact sum of amounts; blanks count as zero. */
export function sumMoney(amounts: ReadonlyArray<string | undefined>): string {
  return amounts.reduce((sum: Big, a) => (a === undefined ? sum : sum.plus(a)), new Big(0)).toFixed(2);
}

/** Exact comparison: negative, zero or positive as a <, =, > b. */
export function compareMoney(a: string, b: string): number {
  return new Big(a).cmp(b);
}
