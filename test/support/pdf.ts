// Reading our PDFs back in tests: text per page (pdf-parse), bookmarks, and the in-order check.
import { PDFParse } from 'pdf-parse';
import { expect } from 'vitest';
import { compact, firstMissing } from './in-order.js';

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

export { compact } from './in-order.js';

/** Every expected string occurs in `text`, each after the previous one (all compared compacted). */
export function expectInOrder(text: string, expected: readonly string[]): void {
  expect(firstMissing(text, expected)).toBeUndefined();
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
