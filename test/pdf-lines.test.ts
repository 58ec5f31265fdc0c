// A line's text is drawn as runs (render/pdf-lines.ts), not one text object per character as
// pdfmake's renderLine does; what lands on the page must not change. Each document is drawn both
// ways and read back from its content streams: every glyph the same (font, size, colour) at the
// same place, every rule the same, the same fonts embedded, the same text and bookmarks read back.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { inflateSync } from 'node:zlib';
import { decodePDFRawStream, PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import pdfmake from 'pdfmake';
import type { TDocumentDefinitions } from 'pdfmake/interfaces.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { declarationDocument, loadFonts, loadTemplates, pagedPdf, summaryDocument, type FormTemplates, type GridDocument, type LoadedFonts } from '../src/index.js';
import { TEXT_RUNS } from '../src/render/pdf-lines.js';
import { loadDistinct } from './support/golden.js';
import { pageDrawings, type PageDrawing } from './support/pdf-content.js';
import { readPdf } from './support/pdf.js';
import { loadSeed } from './support/seed.js';

const seed = loadSeed();
const distinct = loadDistinct();
let templates: FormTemplates;
let fonts: LoadedFonts;
beforeAll(async () => {
  templates = await loadTemplates();
  fonts = await loadFonts();
});

async function bothWays(grid: GridDocument): Promise<{ runs: Buffer; inlines: Buffer; laidOutHere: boolean }> {
  const options = { fonts, creationDate: new Date('2023-06-30T08:00:00Z'), title: 'runs' };
  const runs = await pagedPdf(grid, options);
  TEXT_RUNS.enabled = false;
  try {
    const inlines = await pagedPdf(grid, options);
    return { runs: runs.bytes, inlines: inlines.bytes, laidOutHere: runs.laidOutHere };
  } finally {
    TEXT_RUNS.enabled = true;
  }
}

/** The embedded font programs (FontFile2), decoded, in object order. */
async function fontPrograms(bytes: Uint8Array): Promise<Buffer[]> {
  const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
  return pdf.context
    .enumerateIndirectObjects()
    .map(([, object]) => object)
    .filter((object): object is PDFRawStream => object instanceof PDFRawStream && object.dict.has(PDFName.of('Length1')))
    .map((stream) => Buffer.from(decodePDFRawStream(stream).decode()));
}

/** The first page's content stream, inflated. */
function inflatedContent(bytes: Uint8Array): string {
  return [...Buffer.from(bytes).toString('latin1').matchAll(/stream\r?\n([\s\S]*?)endstream/g)]
    .map((m) => {
      try {
        return inflateSync(Buffer.from(m[1]!, 'latin1')).toString('latin1');
      } catch {
        return '';
      }
    })
    .join('\n');
}

function expectSameDrawing(runs: PageDrawing[], inlines: PageDrawing[]): void {
  expect(runs.length).toBe(inlines.length);
  runs.forEach((page, p) => {
    const other = inlines[p]!;
    expect(page.glyphs.length, `page ${p + 1} glyphs`).toBe(other.glyphs.length);
    expect(page.glyphs.length).toBeGreaterThan(0);
    page.glyphs.forEach((glyph, g) => {
      const { x, y, ...rest } = other.glyphs[g]!;
      expect({ ...glyph, x: 0, y: 0 }, `page ${p + 1} glyph ${g}`).toEqual({ ...rest, x: 0, y: 0 });
      expect(Math.abs(glyph.x - x), `page ${p + 1} glyph ${g} x`).toBeLessThan(1e-4);
      expect(Math.abs(glyph.y - y), `page ${p + 1} glyph ${g} y`).toBeLessThan(1e-4);
    });
    expect(page.paths).toEqual(other.paths);
  });
}

describe('a line’s text drawn as runs lands where pdfmake puts each inline', () => {
  const latin = 'R&D: AVAWAY Wa To Ty, 2023/01 “quoted” — office café ½';
  const documents: Array<[string, () => GridDocument]> = [
    ...seed.projects.map((project, i): [string, () => GridDocument] => [`seed form ${i + 1}`, () => declarationDocument(templates, project, seed.year, i)]),
    ...distinct.projects.map((project, i): [string, () => GridDocument] => [`distinct form ${i + 1}`, () => declarationDocument(templates, project, distinct.year, i)]),
    ['the seed’s 汇总表, forms and bookmarks', () => summaryDocument(templates, seed)],
    // Latin words: spaces between inlines, and kerned pairs (pdfkit's TJ adjustments inside an inline).
    ['Latin text with kerning', () => declarationDocument(templates, { ...distinct.projects[0]!, name: latin, annualGoal: `${latin}\n${latin} ${latin}` }, distinct.year, 0)],
    [
      'a row taller than a page (laid out by pdfmake itself, drawn as runs too)',
      () => {
        const annualGoal = Array.from({ length: 90 }, (_, i) => `第${i + 1}项：推进基层社会治理体系建设，提升居民群众的获得感和满意度。`).join('\n');
        return declarationDocument(templates, { ...distinct.projects[1]!, annualGoal }, distinct.year, 1);
      },
    ],
  ];

  it.each(documents)('%s', async (_, make) => {
    const { runs, inlines } = await bothWays(make());
    const [drawnRuns, drawnInlines] = [await pageDrawings(runs), await pageDrawings(inlines)];
    expectSameDrawing(drawnRuns, drawnInlines);
    expect(await fontPrograms(runs)).toEqual(await fontPrograms(inlines));
    expect(await readPdf(runs)).toEqual(await readPdf(inlines));
    // Runs really are drawn: far fewer text operators than one per inline.
    const operators = (drawing: PageDrawing[]) => drawing.reduce((sum, page) => sum + page.textOperators, 0);
    expect(operators(drawnRuns) * 3).toBeLessThan(operators(drawnInlines));
    expect(runs.length).toBeLessThan(inlines.length);
  });

  it('justified Latin text in a kerned font: gaps between inlines, and kerning inside them', async () => {
    // Roboto (shipped with pdfmake) kerns pairs such as AV and To, which the CJK font does not;
    // justified lines put space between inlines. Neither occurs in the forms, both in pdfmake.
    const roboto = createRequire(import.meta.url).resolve('pdfmake/fonts/Roboto/Roboto-Regular.ttf');
    const vfs = (pdfmake as unknown as { virtualfs: { writeFileSync(name: string, data: Buffer): void } }).virtualfs;
    vfs.writeFileSync('test-roboto.ttf', readFileSync(roboto));
    pdfmake.setFonts({ TestRoboto: { normal: 'test-roboto.ttf', bold: 'test-roboto.ttf', italics: 'test-roboto.ttf', bolditalics: 'test-roboto.ttf' } });
    const words = 'AVAWAY Toyota Wave Type VAT. LTA office, Yokohama AWAY To Wa Ty Tr Av '.repeat(6);
    const definition: TDocumentDefinitions = {
      content: [
        { text: words, alignment: 'justify' },
        { text: words, alignment: 'center', color: 'red', fontSize: 9 },
      ],
      defaultStyle: { font: 'TestRoboto', fontSize: 11 },
    };
    const draw = () => pdfmake.createPdf(definition).getBuffer();
    const runs = await draw();
    TEXT_RUNS.enabled = false;
    const inlines = await draw().finally(() => (TEXT_RUNS.enabled = true));
    const [drawnRuns, drawnInlines] = [await pageDrawings(runs), await pageDrawings(inlines)];
    expectSameDrawing(drawnRuns, drawnInlines);
    const content = (await pageDrawings(runs))[0]!;
    expect(content.glyphs.some((g) => g.fill.startsWith('1 0 0'))).toBe(true); // the red lines kept their colour
    // Kerning inside a word and the gaps of justified lines are both written as TJ adjustments.
    const stream = inflatedContent(runs);
    expect(stream).toMatch(/> -?\d*\.?\d*[1-9]\d* </);
    expect(drawnRuns[0]!.textOperators * 3).toBeLessThan(drawnInlines[0]!.textOperators);
  });

  it('the comparison sees a glyph moved by a hundredth of a point', async () => {
    const { runs } = await bothWays(declarationDocument(templates, distinct.projects[0]!, distinct.year, 0));
    const drawing = await pageDrawings(runs);
    const moved = structuredClone(drawing);
    moved[0]!.glyphs[5]!.x += 0.01;
    expect(() => expectSameDrawing(moved, drawing)).toThrow();
    const other = structuredClone(drawing);
    other[0]!.glyphs[5]!.glyph = 'ffff';
    expect(() => expectSameDrawing(other, drawing)).toThrow();
  });
});
