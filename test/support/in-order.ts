// Is every expected text in a page's text, each after the one before? Whitespace does not count
// (wrapped cells break lines). Plain functions, so that scripts/check-office.ts uses them too.

/** Whitespace and line breaks removed, nothing else normalised. */
export const compact = (text: string): string => text.replace(/\s+/g, '');

/** The first expected item not found after the previous one, with the text where it should have been. */
export function firstMissing(text: string, expected: readonly string[]): string | undefined {
  const haystack = compact(text);
  let from = 0;
  for (const [i, item] of expected.entries()) {
    const needle = compact(item);
    if (needle === '') continue;
    const at = haystack.indexOf(needle, from);
    if (at < 0) {
      const elsewhere = haystack.indexOf(needle) >= 0 ? '（在前面出现过：顺序不对 / out of order）' : '';
      return `item ${i} 「${item}」${elsewhere} not found after position ${from}; text there: 「${haystack.slice(from, from + 80)}」`;
    }
    from = at + needle.length;
  }
  return undefined;
}
