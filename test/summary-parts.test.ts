// The 汇总表 is streamed form after form (output/summary-pdf.ts), or, where pdfmake must lay a
// form out itself, made in parts and joined. Either way it must be the 汇总表 made in one
// document: every page's text, 第 X 页 共 Y 页 counting the whole, one bookmark per form at its
// first page; and the same bytes every time. The stream is those bytes exactly.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildFiles, declarationDocument, loadFonts, loadTemplates, pagedPdf, summaryDocument, type FormTemplates, type GridSection, type LoadedFonts } from '../src/index.js';
import { summaryPdf, SUMMARY_PARTS } from '../src/output/summary-pdf.js';
import { OWN_LAYOUT } from '../src/render/pdf.js';
import { readPdf, withoutFooters } from './support/pdf.js';
import { loadSeed } from './support/seed.js';

const seed = loadSeed();
let templates: FormTemplates;
let fonts: LoadedFonts;
let forms: GridSection[][];
const options = () => ({ fonts, creationDate: new Date('2023-01-01T00:00:00Z'), title: seed.title });

beforeAll(async () => {
  [templates, fonts] = await Promise.all([loadTemplates(), loadFonts()]);
  forms = [];
  for (const [i, project] of seed.projects.entries()) {
    forms.push((await pagedPdf(declarationDocument(templates, project, seed.year, i), options())).paged.sections);
  }
});

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<{ bytes: Buffer; chunks: number }> {
  const all: Uint8Array[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return { bytes: Buffer.concat(all), chunks: all.length };
}

const summaryForms = () => ({ count: forms.length, sections: async (i: number) => forms[i]! });

/** The 汇总表 as pdfmake lays it out itself (a form with a row taller than a page): parts of `size` forms. */
async function inParts(size: number): Promise<Buffer> {
  const before = SUMMARY_PARTS.forms;
  SUMMARY_PARTS.forms = size;
  OWN_LAYOUT.enabled = false;
  try {
    return (await collect(summaryPdf(templates, seed, summaryForms(), options()))).bytes;
  } finally {
    SUMMARY_PARTS.forms = before;
    OWN_LAYOUT.enabled = true;
  }
}

describe('the 汇总表 streamed', () => {
  it('is byte for byte the 汇总表 made in one document, written form after form', async () => {
    const streamed = await collect(summaryPdf(templates, seed, summaryForms(), options()));
    // The front table, then each form, then the end: no chunk holds the whole.
    expect(streamed.chunks).toBe(1 + seed.projects.length + 1);
    const one = await pagedPdf(summaryDocument(templates, seed, forms), options());
    expect(streamed.bytes.equals(one.bytes)).toBe(true);
  });

  it('draws a front table of several pages a page at a time, to the same bytes', async () => {
    const packet = { ...seed, projects: Array.from({ length: 70 }, (_, i) => ({ ...seed.projects[i % 10]!, name: `${seed.projects[i % 10]!.name}（第${i + 1}项）` })) };
    const own: GridSection[][] = [];
    for (const [i, project] of packet.projects.entries()) own.push((await pagedPdf(declarationDocument(templates, project, packet.year, i), options())).paged.sections);
    const before = SUMMARY_PARTS.frontPages;
    SUMMARY_PARTS.frontPages = 1;
    try {
      const streamed = await collect(summaryPdf(templates, packet, { count: own.length, sections: async (i) => own[i]! }, options()));
      const one = await pagedPdf(summaryDocument(templates, packet, own), options());
      expect(one.paged.sections.length - own.flat().length).toBeGreaterThan(2); // the front table runs over several pages
      expect(streamed.bytes.equals(one.bytes)).toBe(true);
    } finally {
      SUMMARY_PARTS.frontPages = before;
    }
  }, 60_000);

  it('takes each form’s page count from its own PDF, and paginates a form only when it is drawn', async () => {
    const asked: number[] = [];
    const streamed = await collect(
      summaryPdf(templates, seed, {
        count: forms.length,
        sections: async (i) => (asked.push(i), forms[i]!),
        known: (i) => ({ pages: forms[i]!.length, laidOutHere: true }),
      }, options()),
    );
    expect(asked).toEqual(seed.projects.map((_, i) => i));
    // And it is the one document pdfmake lays out itself, byte for byte.
    expect(streamed.bytes.equals(await inParts(1000))).toBe(true);
  });
});

describe('the 汇总表 in parts', () => {
  it('reads back as the 汇总表 made in one document', async () => {
    const [parts, one] = [await readPdf(await inParts(3)), await readPdf(await inParts(1000))];
    expect(parts.pages).toHaveLength(one.pages.length);
    expect(parts.pages.length).toBeGreaterThan(seed.projects.length); // forms 4 and 9 run to two pages
    // Footers count the whole document in every part (checked page by page), and every page reads the same.
    expect(withoutFooters(parts.pages)).toEqual(withoutFooters(one.pages));
    expect(parts.pages).toEqual(one.pages);
    expect(parts.bookmarks).toEqual(seed.projects.map((p) => p.name));
    expect(one.bookmarks).toEqual(parts.bookmarks);
  });

  it('is the same bytes every time', async () => {
    expect((await inParts(4)).equals(await inParts(4))).toBe(true);
  });

  it('is one document, as before, when it has no more forms than a part', async () => {
    const before = await pagedPdf(summaryDocument(templates, seed, forms), options());
    expect((await inParts(10)).equals(before.bytes)).toBe(true);
  });
});

describe('the 汇总表 from a build', () => {
  it.each([
    ['streamed', true],
    ['in parts', false],
  ])('%s, with --only: the forms it did not make are paginated for it as well', async (_, ownLayout) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'shenbao-parts-'));
    const before = SUMMARY_PARTS.forms;
    SUMMARY_PARTS.forms = 3;
    OWN_LAYOUT.enabled = ownLayout;
    try {
      const data = path.join(dir, 'unit.json');
      await writeFile(data, JSON.stringify(seed));
      const build = async (out: string, only?: string[]) => {
        const [report] = await buildFiles([data], { outDir: path.join(dir, out), formats: ['pdf'], creationDate: new Date('2023-01-01T00:00:00Z'), only });
        expect(report!.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        return readPdf(await readFile(path.join(dir, out, 'unit', '汇总表.pdf')));
      };
      const full = await build('full');
      await build('only');
      const only = await build('only', ['培训费']);
      // Forms 4 and 9 run to two pages: unpaginated, they came out blank, without footers.
      expect(withoutFooters(only.pages)).toEqual(withoutFooters(full.pages));
      expect(only.bookmarks).toEqual(full.bookmarks);
    } finally {
      SUMMARY_PARTS.forms = before;
      OWN_LAYOUT.enabled = true;
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
