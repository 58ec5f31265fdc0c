// Reading our PDFs back in tests: text per page (pdf-parse), bookmarks, and the in-order check.
// pdf-parse runs in a thread of its own (pdf-reader-thread.mjs says why).
import { Worker } from 'node:worker_threads';
import { expect } from 'vitest';
import { compact, firstMissing } from './in-order.js';

export interface PdfReadback {
  /** Text of each page, in page order. */
  pages: string[];
  /** Bookmark titles, top level, in order. */
  bookmarks: string[];
}

let reader: Worker | undefined;
let asked = 0;
const answers = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

/** Ask the reader thread (started on first use, one per test process; it does not keep the process alive). */
function ask<T>(kind: 'text' | 'items', bytes: Uint8Array, more: Record<string, unknown> = {}): Promise<T> {
  if (!reader) {
    const thread = new Worker(new URL('./pdf-reader-thread.mjs', import.meta.url));
    thread.unref();
    thread.on('message', ({ id, result, error }: { id: number; result?: unknown; error?: string }) => {
      const answer = answers.get(id)!;
      answers.delete(id);
      if (error === undefined) answer.resolve(result);
      else answer.reject(new Error(`pdf-parse: ${error}`));
    });
    // A thread that fails or ends (out of memory on a huge PDF) answers what it was asked with that.
    const ended = (error: Error) => {
      if (reader !== thread) return; // said already
      for (const answer of answers.values()) answer.reject(error);
      answers.clear();
      reader = undefined;
    };
    thread.on('error', ended);
    thread.on('exit', (code) => ended(new Error(`pdf-parse's thread ended (exit code ${code})`)));
    reader = thread;
  }
  const id = ++asked;
  const data = new Uint8Array(bytes); // a copy, handed over whole
  return new Promise<T>((resolve, reject) => {
    answers.set(id, { resolve: resolve as (value: unknown) => void, reject });
    reader!.postMessage({ id, kind, data, ...more }, [data.buffer]);
  });
}

export function readPdf(bytes: Uint8Array): Promise<PdfReadback> {
  return ask<PdfReadback>('text', bytes);
}

/** Each piece of text on page `page` that is `text`, where pdf.js finds it drawn: its left end and baseline from the page's top left, its width, in pt. */
export function pdfTextItems(bytes: Uint8Array, page: number, text: string): Promise<Array<{ x: number; baseline: number; width: number }>> {
  return ask('items', bytes, { page, text });
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
