// Reading our PDFs back in tests: text per page (pdf-parse), bookmarks, and the in-order check.
import { PDFParse } from 'pdf-parse';
import { expect } from 'vitest';

export interface PdfReadback {
  /** Text of each page, in page order. */
  pages: string[];
  /** Bookmark titles, top level, in order. */
  bookmarks: string[];
}

export async function readPdf(bytes: Uint8Array): Promise<PdfReadback> {
  const parser = new PDFParse({ data: new Uint8Array(bytes) });
  try {
    const text = await parser.getText();
    const info = await parser.getInfo();
    return {
      pages: text.pages.map((p) => p.text),
      bookmarks: (info.outline ?? []).map((node) => node.title),
    };
  } finally {
    await parser.destroy();
  }
}

/** Whitespace and line breaks removed, nothing else normalised (wrapped cells break lines). */
export const compact = (text: string): string => text.replace(/\s+/g, '');

/** Every expected string occurs in `text`, each after the previous one (all compared compacted). */
export function expectInOrder(text: string, expected: readonly string[]): void {
  const haystack = compact(text);
  let from = 0;
  for (const [i, item] of expected.entries()) {
    const needle = compact(item);
    if (needle === '') continue;
    const at = haystack.indexOf(needle, from);
    expect(
      at,
      `item ${i} 「${item}」 not found after position ${from}; text there: 「${haystack.slice(from, from + 80)}」`,
    ).toBeGreaterThanOrEqual(0);
    from = at + needle.length;
  }
}

/** Page texts, compacted, without their footers, after checking each footer: 第 X 页 共 Y 页. */
export function withoutFooters(pages: string[]): string[] {
  return pages.map((page, p) => {
    const footer = `第${p + 1}页共${pages.length}页`;
    const text = compact(page);
    expect(text.endsWith(footer), `page ${p + 1} ends with 「${text.slice(-20)}」`).toBe(true);
    return text.slice(0, -footer.length);
  });
}
