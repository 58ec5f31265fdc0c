// The pages laid out by render/pdf-pages.ts are pdfmake's own, item for item: the PDFs drawn from
// them are byte for byte those pdfmake makes when it lays the document out itself. The layout
// follows internals of the pinned pdfmake (0.3.11): an upgrade that changes them fails here.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  declarationDocument,
  loadFonts,
  loadTemplates,
  pagedPdf,
  paginate,
  pdfMeasure,
  summaryDocument,
  type FormTemplates,
  type GridDocument,
  type LoadedFonts,
} from '../src/index.js';
import { OWN_LAYOUT } from '../src/render/pdf.js';
import { layoutPages } from '../src/render/pdf-pages.js';
import { loadDistinct } from './support/golden.js';
import { loadSeed } from './support/seed.js';

const seed = loadSeed();
const distinct = loadDistinct();
let templates: FormTemplates;
let fonts: LoadedFonts;
beforeAll(async () => {
  templates = await loadTemplates();
  fonts = await loadFonts();
});

const footer = (page: number, pages: number) => `第 ${page} 页 共 ${pages} 页`;
const laidOut = (grid: GridDocument) => layoutPages(paginate(grid, pdfMeasure(grid.page, fonts)).document, fonts, footer);

async function bothWays(grid: GridDocument, title: string): Promise<{ own: Buffer; pdfmake: Buffer; pages: number }> {
  const options = { fonts, creationDate: new Date('2023-06-30T08:00:00Z'), title };
  const own = await pagedPdf(grid, options);
  OWN_LAYOUT.enabled = false;
  try {
    const pdfmake = await pagedPdf(grid, options);
    return { own: own.bytes, pdfmake: pdfmake.bytes, pages: own.paged.sections.length };
  } finally {
    OWN_LAYOUT.enabled = true;
  }
}

describe('pages laid out here are pdfmake’s', () => {
  const documents: Array<[string, () => GridDocument, number]> = [
    ...seed.projects.map((project, i): [string, () => GridDocument, number] => [
      `seed form ${i + 1}`,
      () => declarationDocument(templates, project, seed.year, i),
      i === 3 || i === 8 ? 2 : 1,
    ]),
    ...distinct.projects.map((project, i): [string, () => GridDocument, number] => [
      `distinct form ${i + 1}`,
      () => declarationDocument(templates, project, distinct.year, i),
      1,
    ]),
    ['the seed’s 汇总表 table', () => summaryDocument(templates, seed, []), 1],
    [
      'a form of 120 indicators (its table over five pages, header rows and merged labels repeated)',
      () => {
        const indicators = Array.from({ length: 120 }, (_, i) => ({
          level1: i < 60 ? '产出指标' : '效益指标',
          level2: i < 60 ? `数量指标${Math.floor(i / 25)}` : '社会效益指标',
          name: `第${i + 1}项指标`,
          target: `≥${i + 1}(次)`,
        }));
        return declarationDocument(templates, { ...distinct.projects[0]!, indicators }, distinct.year, 0);
      },
      5,
    ],
  ];

  it.each(documents)('%s: byte-identical, laid out here', async (title, make, pages) => {
    const grid = make();
    // The fast path is taken: nothing here needed pdfmake's own layout.
    expect(laidOut(grid)).toBeDefined();
    const { own, pdfmake, pages: printed } = await bothWays(grid, title);
    expect(printed).toBe(pages);
    expect(own.equals(pdfmake)).toBe(true);
    // No named destinations: the cells' internal ids once leaked into every PDF as one each.
    expect(own.includes('/Dests <<\n  /Names [\n]')).toBe(true);
  });

  it('a document of no sections, or with an empty one, is left to pdfmake, with the same result', async () => {
    const grid = declarationDocument(templates, distinct.projects[0]!, distinct.year, 0);
    for (const sections of [[], [grid.sections[0]!, { blocks: [] }, ...grid.sections.slice(1)], [...grid.sections, { blocks: [] }]]) {
      const document = { page: grid.page, sections };
      expect(layoutPages(document, fonts, footer)).toBeUndefined();
      const { own, pdfmake } = await bothWays(document, 'empty');
      expect(own.equals(pdfmake)).toBe(true);
    }
  });

  it('a row taller than a page is left to pdfmake, with the same result', async () => {
    const annualGoal = Array.from({ length: 90 }, (_, i) => `第${i + 1}项：推进基层社会治理体系建设，提升居民群众的获得感和满意度。`).join('\n');
    const grid = declarationDocument(templates, { ...distinct.projects[1]!, annualGoal }, distinct.year, 1);
    expect(laidOut(grid)).toBeUndefined();
    const { own, pdfmake, pages } = await bothWays(grid, 'tall');
    expect(pages).toBeGreaterThan(1);
    expect(own.equals(pdfmake)).toBe(true);
  });
});
