// The seed's PDFs as layout placed them: every page the build hands the PDF writer, for the 10
// forms and the 汇总表, with every line of text (face, size, x, baseline, text) and every rule,
// positions to 0.01 pt, compared with test/fixtures/seed-pages/pages.txt. A change that should
// not move anything on a page (speed-ups, refactoring, a library upgrade) leaves it as it is; one
// that should is reviewed and the file refreshed with
// `UPDATE_GOLDEN=1 npx vitest run test/pages-golden.test.ts`.
//
// Recorded where the build calls the writer (render/pdf.ts), which still draws every page: the
// golden is what the files hold, not a layout redone beside the build. Byte-identical output is
// tested by building twice (test/seed-outputs.test.ts).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PDFDocument } from '@pdfme/pdf-lib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readPdfPages } from '../src/extract/pdf-read.js';
import { buildFiles } from '../src/output/build.js';
import type { PageItem, PositionedPage } from '../src/layout/place.js';
import type * as Pdf from '../src/render/pdf.js';
import { expectGoldenLines } from './support/golden.js';
import { loadSeed, SEED_FILE } from './support/seed.js';

/** Every PDF the build draws, in order: its title and its pages as handed to the writer. */
const drawn = vi.hoisted(() => [] as Array<{ title: string | undefined; pages: PositionedPage[] }>);
vi.mock('../src/render/pdf.js', async (importOriginal) => {
  const pdf = await importOriginal<typeof Pdf>();
  const record = (title: string | undefined) => {
    const pages: PositionedPage[] = [];
    drawn.push({ title, pages });
    return pages;
  };
  return {
    ...pdf,
    renderPdf: async (pages: Iterable<PositionedPage>, options: Pdf.PdfOptions) => {
      const all = [...pages];
      record(options.title).push(...all);
      return pdf.renderPdf(all, options);
    },
    pdfWriter: (options: Pdf.PdfOptions): Pdf.PdfWriter => {
      const writer = pdf.pdfWriter(options);
      const pages = record(options.title);
      return {
        ...writer,
        page(page) {
          pages.push(page);
          writer.page(page);
        },
      };
    },
  };
});

const seed = loadSeed();
let outDir: string;
/** The PDF files the build wrote, in the order it drew them. */
let files: string[];
beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'shenbao-pages-'));
  const [report] = await buildFiles([SEED_FILE], { outDir, formats: ['pdf'], creationDate: new Date('2023-01-01T00:00:00Z') });
  files = report!.written.filter((f) => f.endsWith('.pdf'));
}, 120_000);
afterAll(() => rm(outDir, { recursive: true, force: true }));

/** To 0.01 pt, without a trailing zero or a -0. */
const pt = (n: number): string => String(Math.round(n * 100) / 100 || 0);

/** One line per item: `T <face> <size> <x> <baseline> "<text>"` or `R <x1> <y1> <x2> <y2> <width>`. */
const itemLine = (item: PageItem): string =>
  item.type === 'text'
    ? `T ${item.face} ${pt(item.size)} ${pt(item.x)} ${pt(item.baseline)} ${JSON.stringify(item.text)}`
    : `R ${pt(item.x1)} ${pt(item.y1)} ${pt(item.x2)} ${pt(item.y2)} ${pt(item.width)}`;

const pageLine = (page: PositionedPage, number: number): string =>
  `page ${number} ${pt(page.width)}×${pt(page.height)}${page.bookmark === undefined ? '' : ` bookmark ${JSON.stringify(page.bookmark)}`}`;

const count = (pages: number) => `${pages} page${pages === 1 ? '' : 's'}`;

/** `lines` without each of `without` once: what one list of items has that the other lacks. */
function lacking(lines: string[], without: string[]): string[] {
  const left = [...without];
  return lines.filter((line) => {
    const at = left.indexOf(line);
    if (at < 0) return true;
    left.splice(at, 1);
    return false;
  });
}

describe('the seed’s positioned pages (test/fixtures/seed-pages/pages.txt)', () => {
  it('draws the 10 forms and the 汇总表, each once; the 汇总表 is begun first (its front table laid out while the build holds least)', () => {
    expect(drawn.map((d) => d.title)).toEqual([seed.title, ...seed.projects.map((p) => p.name)]);
  });

  it('every page, as placed', () => {
    const [summary, ...forms] = drawn as [(typeof drawn)[number], ...typeof drawn];
    const lines: string[] = [];
    for (const { title, pages } of forms) {
      lines.push(`# ${title}: ${count(pages.length)}`);
      for (const [i, page] of pages.entries()) lines.push(pageLine(page, i + 1), ...page.items.map(itemLine));
    }
    // The 汇总表 holds its front table, then every form's pages as placed for the form's own PDF:
    // those are written as the form page they repeat, with the items that differ (the footer), in
    // any order (the check against the files below sees the order).
    const formPages = forms.flatMap(({ title, pages }) => pages.map((page, i) => ({ title, number: i + 1, items: page.items.map(itemLine) })));
    const front = summary.pages.length - formPages.length;
    lines.push(`# ${summary.title}: ${count(summary.pages.length)}, ${front} of its front table`);
    for (const [i, page] of summary.pages.entries()) {
      const items = page.items.map(itemLine);
      const form = formPages[i - front];
      if (!form) lines.push(pageLine(page, i + 1), ...items);
      else {
        lines.push(`${pageLine(page, i + 1)} = ${JSON.stringify(form.title)} page ${form.number}`);
        lines.push(...lacking(form.items, items).map((line) => `- ${line}`), ...lacking(items, form.items).map((line) => `+ ${line}`));
      }
    }
    expectGoldenLines('seed-pages', lines, 'pages.txt');
  });

  it('the files hold exactly these pages: every line of text where it was placed, every rule', async () => {
    expect(files.map((f) => path.basename(f))).toEqual([...seed.projects.map((p, i) => `${String(i + 1).padStart(2, '0')}-${p.name}.pdf`), '汇总表.pdf']);
    /** A placed number, as the PDF gives it back: to within 0.005 pt (pdfkit writes numbers to a few decimals). */
    const near = (n: number) => expect.closeTo(n, 2);
    for (const [k, file] of files.entries()) {
      const read = readPdfPages(await PDFDocument.load(await readFile(file)));
      // The files in the order written (forms, then 汇总表); drawn, the 汇总表 was begun first.
      const { pages } = drawn[(k + 1) % drawn.length]!;
      expect(read.length, file).toBe(pages.length);
      for (const [i, page] of pages.entries()) {
        const { glyphs, rules, height } = read[i]!;
        // The glyphs come in the order they are drawn: line after line, each from its x on its baseline.
        const lines: Array<{ face: string; size: number; x: number; baseline: number; text: string }> = [];
        for (let g = 0; g < glyphs.length; ) {
          const first = glyphs[g]!;
          let text = '';
          for (; g < glyphs.length && glyphs[g]!.y === first.y && (text === '' || Math.abs(glyphs[g - 1]!.x + glyphs[g - 1]!.width - glyphs[g]!.x) < 0.01); g++) text += glyphs[g]!.text;
          lines.push({ face: /Bold/.test(first.font) ? 'bold' : 'regular', size: first.size, x: first.x, baseline: height - first.y, text });
        }
        const at = `${path.basename(file)} page ${i + 1}`;
        expect(lines, at).toEqual(
          page.items.flatMap((item) => (item.type === 'text' ? [{ face: item.face, size: near(item.size), x: near(item.x), baseline: near(item.baseline), text: item.text }] : [])),
        );
        expect(rules.map((r) => ({ ...r, y1: height - r.y1, y2: height - r.y2 })), at).toEqual(
          page.items.flatMap((item) => (item.type === 'rule' ? [{ x1: near(item.x1), y1: near(item.y1), x2: near(item.x2), y2: near(item.y2), width: near(item.width) }] : [])),
        );
      }
    }
  });
});
