// pdf-parse (and the pdf.js it is built on) in a thread of its own. The legacy build of pdf.js,
// the one that runs on Node 20, installs core-js polyfills into the process's globals: it replaces
// Array.prototype.push and JSON.parse with JavaScript versions (ten times slower, measured
// 2026-12-07) and adds Iterator, Set.prototype.union, Promise.withResolvers and more. Loaded in a
// test's process, every later test there ran shenbao's code in a JavaScript that no user's Node
// has. A thread has globals of its own.
import { parentPort } from 'node:worker_threads';
import { PDFParse } from 'pdf-parse';

const reads = {
  /** Text of each page in order, and the top-level bookmark titles. */
  async text({ data }) {
    const parser = new PDFParse({ data });
    try {
      const text = await parser.getText();
      const info = await parser.getInfo();
      return { pages: text.pages.map((p) => p.text), bookmarks: (info.outline ?? []).map((node) => node.title) };
    } finally {
      await parser.destroy();
    }
  },
  /** Each text item of page `page` that is `text`: where pdf.js finds it drawn (left end and baseline from the top left, width; pt). */
  async items({ data, page, text }) {
    const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const document = await getDocument({ data, verbosity: 0 }).promise;
    try {
      const read = await document.getPage(page);
      const height = read.view[3];
      const content = await read.getTextContent();
      return content.items.flatMap((item) => ('str' in item && item.str === text ? [{ x: item.transform[4], baseline: height - item.transform[5], width: item.width }] : []));
    } finally {
      await document.destroy();
    }
  },
};

parentPort.on('message', async ({ id, kind, ...request }) => {
  try {
    parentPort.postMessage({ id, result: await reads[kind](request) });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.stack ?? error.message : String(error) });
  }
});
