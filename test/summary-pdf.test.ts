// The 汇总表 is one PDF document streamed page after page (output/summary-pdf.ts): its front table,
// then every form's pages as they were placed for the form's own PDF, drawn again without laying
// the form out again. Read back with the PDF reader of extract (pdfPages): every form's pages in it
// print the same glyphs at the same places as the form's own PDF; footers count the whole
// (第 k 页 共 N 页); one bookmark per form opens its first page; the fonts are embedded once for the
// whole document.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PDFDict, PDFDocument, PDFName, PDFArray, PDFRef, PDFString, PDFHexString } from '@pdfme/pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildFiles } from '../src/output/build.js';
import { declarationDocument, summaryDocument } from '../src/layout/forms.js';
import { loadFonts, type LoadedFonts } from '../src/render/fonts.js';
import { loadTemplates, type FormTemplates } from '../src/layout/templates.js';
import { pagedPdf, type PagedPdf } from '../src/output/paged-pdf.js';
import type { Packet } from '../src/model/packet.js';
import { pdfPages, type PdfPageContent } from '../src/extract/pdf-read.js';
import { FORM_PAGE } from '../src/layout/page-style.js';
import { summaryPdf, type SummaryForms } from '../src/output/summary-pdf.js';
import { readPdf, withoutFooters } from './support/pdf.js';
import { loadSeed } from './support/seed.js';

const seed = loadSeed();
/** The seed and an eleventh project whose goal row is taller than a page. */
const tall = {
  ...seed.projects[1]!,
  name: '基层治理长目标项目',
  annualGoal: Array.from({ length: 90 }, (_, i) => `第${i + 1}项：推进基层社会治理体系建设，提升居民群众的获得感和满意度。`).join('\n'),
};
const packet: Packet = { ...seed, projects: [...seed.projects, tall] };

let templates: FormTemplates;
let fonts: LoadedFonts;
beforeAll(async () => {
  [templates, fonts] = await Promise.all([loadTemplates(), loadFonts()]);
});
const options = (title: string) => ({ fonts, creationDate: new Date('2023-01-01T00:00:00Z'), title });

/** Each project's own PDF, as a build makes it. */
async function formsOf(of: Packet): Promise<PagedPdf[]> {
  const made: PagedPdf[] = [];
  for (const [i, project] of of.projects.entries()) made.push(await pagedPdf(declarationDocument(templates, project, of.year, i), options(project.name)));
  return made;
}

const summaryForms = (made: PagedPdf[], asked: number[] = []): SummaryForms => ({
  count: made.length,
  pageCount: (i) => made[i]!.pages.length,
  pages: async (i) => (asked.push(i), made[i]!.pages),
});

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<{ bytes: Buffer; chunks: Uint8Array[] }> {
  const all: Uint8Array[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return { bytes: Buffer.concat(all), chunks: all };
}

const read = async (bytes: Uint8Array) => [...pdfPages(await PDFDocument.load(bytes, { updateMetadata: false }))];

/**
 * What a page prints above its footer: every glyph's text, font, size and place, every rule. The
 * footer (below the bottom margin) says the page's number, which differs between the two PDFs.
 */
const body = (page: PdfPageContent) => ({
  glyphs: page.glyphs.filter((g) => g.y > FORM_PAGE.margins.bottom).map((g) => [g.text, g.font, g.size, g.x, g.y]),
  rules: page.rules,
  size: [page.width, page.height],
});

/** Top-level bookmarks: title and the page (0-based) each opens. */
async function bookmarks(bytes: Uint8Array): Promise<Array<[string, number]>> {
  const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
  const pages = pdf.getPages().map((page) => page.ref.toString());
  const found: Array<[string, number]> = [];
  const outlines = pdf.catalog.lookup(PDFName.of('Outlines'), PDFDict);
  for (let item = outlines.lookupMaybe(PDFName.of('First'), PDFDict); item; item = item.lookupMaybe(PDFName.of('Next'), PDFDict)) {
    const title = item.lookup(PDFName.of('Title'), PDFString, PDFHexString).decodeText();
    const target = item.lookup(PDFName.of('Dest'), PDFArray).get(0) as PDFRef;
    found.push([title, pages.indexOf(target.toString())]);
  }
  return found;
}

describe('the 汇总表', () => {
  let forms: PagedPdf[];
  let front: PagedPdf;
  let streamed: { bytes: Buffer; chunks: Uint8Array[] };
  let asked: number[];
  /** The page each form starts on in the 汇总表 (0-based), and the page count of the whole. */
  let firstPage: number[];
  let total: number;
  beforeAll(async () => {
    forms = await formsOf(packet);
    front = await pagedPdf(summaryDocument(templates, packet, []), options(packet.title));
    asked = [];
    streamed = await collect(summaryPdf(templates, packet, summaryForms(forms, asked), options(packet.title)));
    firstPage = [];
    total = front.pages.length;
    for (const form of forms) {
      firstPage.push(total);
      total += form.pages.length;
    }
  }, 60_000);

  it('is one document: the front table, then every form’s pages with the glyphs and rules of its own PDF, at the same places', async () => {
    const whole = await read(streamed.bytes);
    expect(whole).toHaveLength(total);
    expect(forms.at(-1)!.pages.length).toBeGreaterThan(2); // the form with a row taller than a page
    expect(forms.map((form) => form.pages.length).slice(0, 10)).toEqual([1, 1, 1, 2, 1, 1, 1, 1, 2, 1]);
    expect(whole.slice(0, front.pages.length).map(body)).toEqual((await read(front.bytes)).map(body));
    for (const [i, form] of forms.entries()) {
      const own = (await read(form.bytes)).map(body);
      expect(own.every((page) => page.glyphs.length > 0)).toBe(true);
      expect(whole.slice(firstPage[i], firstPage[i]! + own.length).map(body), `form ${i + 1}`).toEqual(own);
    }
  });

  it('counts the whole in every footer, 第 k 页 共 N 页', async () => {
    const pdf = await readPdf(streamed.bytes);
    expect(pdf.pages).toHaveLength(total);
    // withoutFooters checks each page's footer against its place in the whole.
    const pages = withoutFooters(pdf.pages);
    expect(pages[firstPage.at(-1)!]!.startsWith('财政项目支出绩效目标申报表')).toBe(true);
  });

  it('has one bookmark per form, opening its first page', async () => {
    expect(await bookmarks(streamed.bytes)).toEqual(packet.projects.map((project, i) => [project.name, firstPage[i]!]));
  });

  it('embeds each face once for the whole document: every subset tag appears once', async () => {
    const pdf = await PDFDocument.load(streamed.bytes, { updateMetadata: false });
    const descriptors = pdf.context
      .enumerateIndirectObjects()
      .map(([, object]) => object)
      .filter((object): object is PDFDict => object instanceof PDFDict && object.get(PDFName.of('Type')) === PDFName.of('FontDescriptor'))
      .map((descriptor) => descriptor.get(PDFName.of('FontName'))!.toString().slice(1));
    const tags = descriptors.map((name) => name.split('+')[0]);
    expect(descriptors.every((name) => /^[A-Z]{6}\+NotoSerifSC-(Regular|Bold)$/.test(name))).toBe(true);
    expect(new Set(tags).size).toBe(tags.length);
    // The two faces (and at most a second embedding of each, for characters sharing a glyph), not one per form.
    expect(descriptors.length).toBeLessThanOrEqual(4);
    expect(descriptors.map((name) => name.split('+')[1]).sort()).toEqual(['NotoSerifSC-Bold', 'NotoSerifSC-Regular']);
  });

  it('asks for each form’s pages once, in order, and hands its bytes on form by form', () => {
    expect(asked).toEqual(packet.projects.map((_, i) => i));
    // A chunk per form at least, then the end (the font subsets, whole only once every page is drawn).
    expect(streamed.chunks.length).toBeGreaterThan(forms.length);
    for (const chunk of streamed.chunks.slice(0, -1)) expect(chunk.length).toBeLessThan(streamed.bytes.length / 10);
  });

  it('is the same bytes every time', async () => {
    const again = await collect(summaryPdf(templates, packet, summaryForms(forms), options(packet.title)));
    expect(again.bytes.equals(streamed.bytes)).toBe(true);
  });

  it('refuses a form whose pages are not as many as its count says (a bug), naming the form', async () => {
    const wrong: SummaryForms = { ...summaryForms(forms), pageCount: (i) => (i === 3 ? 1 : forms[i]!.pages.length) };
    await expect(collect(summaryPdf(templates, packet, wrong, options(packet.title)))).rejects.toThrow('bug: form 4 of the 汇总表 has 2 pages, its count says 1');
  });
});

describe('a 汇总表 whose front table runs over several pages', () => {
  it('draws every front page as the front table’s own PDF, then the forms, footers counting the whole', async () => {
    const many: Packet = { ...seed, projects: Array.from({ length: 70 }, (_, i) => ({ ...seed.projects[i % 10]!, name: `${seed.projects[i % 10]!.name}（第${i + 1}项）` })) };
    const made = await formsOf(many);
    const front = await pagedPdf(summaryDocument(templates, many, []), options(many.title));
    expect(front.pages.length).toBeGreaterThan(2);
    const { bytes } = await collect(summaryPdf(templates, many, summaryForms(made), options(many.title)));
    const whole = await read(bytes);
    const formPages = made.reduce((sum, form) => sum + form.pages.length, 0);
    expect(whole).toHaveLength(front.pages.length + formPages);
    expect(whole.slice(0, front.pages.length).map(body)).toEqual((await read(front.bytes)).map(body));
    const last = made.at(-1)!;
    expect(whole.slice(-last.pages.length).map(body)).toEqual((await read(last.bytes)).map(body));
    const pdf = await readPdf(bytes);
    withoutFooters(pdf.pages);
    expect((await bookmarks(bytes)).map(([, page]) => page)[0]).toBe(front.pages.length);
  }, 120_000);
});

describe('the 汇总表 from a build', () => {
  it('with --only: the forms it did not make are laid out for it as well', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'shenbao-summary-'));
    try {
      const data = path.join(dir, 'unit.json');
      await writeFile(data, JSON.stringify(seed));
      const build = async (out: string, only?: string[]) => {
        const [report] = await buildFiles([data], { outDir: path.join(dir, out), formats: ['pdf'], creationDate: new Date('2023-01-01T00:00:00Z'), only });
        expect(report!.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        return readFile(path.join(dir, out, 'unit', '汇总表.pdf'));
      };
      const full = await build('full');
      await build('only');
      const only = await build('only', ['培训费']);
      // Forms 4 and 9 run to two pages: every page of every form is in it, with its footer.
      expect((await read(only)).map(body)).toEqual((await read(full)).map(body));
      expect(withoutFooters((await readPdf(only)).pages)).toEqual(withoutFooters((await readPdf(full)).pages));
      expect(await bookmarks(only)).toEqual(await bookmarks(full));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
