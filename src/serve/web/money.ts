// Amounts as the office reads them: 1,234,567.80 in the field, "1234567.80" in the data. The text is
// only regrouped, never turned into a number, so what was typed is kept to the cent (and anything
// that is not an amount is kept as typed, for validate to name).

/** The data's amount with thousands separators; text that is no plain amount is shown as it is. */
export function groupedAmount(amount: string): string {
  const match = /^(-?)(\d+)(\.\d*)?$/.exec(amount);
  if (!match) return amount;
  return match[1]! + match[2]!.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (match[3] ?? '');
}

/**
 * What a typed amount is in the data: the separators of a number grouped by thousands taken out
 * (1,234,567.80); anything else kept as typed (1,23.4 is no amount), for validate to name; empty
 * is no amount.
 */
export function amountOf(typed: string): string | undefined {
  const trimmed = typed.trim();
  if (trimmed === '') return undefined;
  return /^-?\d{1,3}(,\d{3})+(\.\d*)?$/.test(trimmed) ? trimmed.replace(/,/g, '') : trimmed;
}
