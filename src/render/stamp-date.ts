// The creation date every file is stamped with (PDF Info and XMP, Word's core properties, zip
// entries): which dates a file can carry. Kept apart so the command line checks --date without
// loading a writer.

/**
 * Whether a file can carry `date` as its creation date: a PDF date (D:YYYYMMDDHHmmSS) has four
 * digits for the year in UTC, so 0001–9999; outside that the PDF's date and its XMP disagree.
 */
export function stampableDate(date: Date): boolean {
  const year = date.getUTCFullYear();
  return !Number.isNaN(date.getTime()) && year >= 1 && year <= 9999;
}
