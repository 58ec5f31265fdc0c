// A long 汇总表 is made in parts and joined (output/summary-pdf.ts). Read back, it must be the
// 汇总表 made in one document: every page's text, 第 X 页 共 Y 页 counting the whole, one
// bookmark per form at its first page; and the same bytes every time.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildFiles, declarationDocument, loadFonts, loadTemplates, pagedPdf, summaryDocument, type FormTemplates, type GridSection, type LoadedFonts } from '../src/index.js';
import { summaryPdf, SUMMARY_PARTS } from '../src/output/summary-pdf.js';
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

async function inParts(size: number): Promise<Buffer> {
  const before = SUMMARY_PARTS.forms;
  SUMMARY_PARTS.forms = size;
  try {
    return await summaryPdf(templates, seed, forms, options());
  } finally {
    SUMMARY_PARTS.forms = before;
  }
}

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

describe('the 汇总表 in parts, from a build', () => {
  it('with --only: the forms it did not make are paginated for it as well', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'shenbao-parts-'));
    const before = SUMMARY_PARTS.forms;
    SUMMARY_PARTS.forms = 3;
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
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
