// Each font is parsed once per process and shared by every PDF (render/shared-fonts.ts), and the
// PDFs are byte for byte those pdfkit makes when it parses the font itself for each document.
// The hook relies on internals of the pinned pdfmake and pdfkit: an upgrade that changes them
// fails here.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { declarationDocument, loadFonts, loadTemplates, pagedPdf, type FormTemplates, type LoadedFonts } from '../src/index.js';
import { FONT_PARSES } from '../src/render/fonts.js';
import { FONT_USE, GLYPH_COPIES, SHARED_FONTS } from '../src/render/shared-fonts.js';
import { PDFDocument } from 'pdf-lib';
import { readPdfPages } from '../src/extract/pdf-read.js';
import { loadDistinct } from './support/golden.js';
import { readPdf } from './support/pdf.js';
import { loadSeed } from './support/seed.js';

const require = createRequire(import.meta.url);
const seed = loadSeed();
const distinct = loadDistinct();
let templates: FormTemplates;
let fonts: LoadedFonts;
beforeAll(async () => {
  templates = await loadTemplates();
  fonts = await loadFonts();
});

const form = (packet: typeof seed, i: number) => pagedPdf(declarationDocument(templates, packet.projects[i]!, packet.year, i), { fonts, creationDate: new Date(0) });

describe('fonts parsed once per process', () => {
  it('rendering more forms parses no font again', async () => {
    await form(seed, 0); // the first also makes pdfmake's measuring document (render/pdf-text.ts)
    const [parses, use] = [FONT_PARSES.count, { ...FONT_USE }];
    for (let i = 0; i < 4; i++) await form(seed, i);
    expect(FONT_PARSES.count - parses).toBe(0);
    expect(FONT_USE.parsedByPdfkit - use.parsedByPdfkit).toBe(0);
    // Regular and bold, for each of the 4 documents.
    expect(FONT_USE.shared - use.shared).toBe(8);
  });

  it('a glyph is read from the font once, then copied into every subset from the cache', async () => {
    await form(seed, 5);
    const before = { ...GLYPH_COPIES };
    await form(seed, 5);
    expect(GLYPH_COPIES.decoded - before.decoded).toBe(0);
    // Every glyph of the form (well over a hundred different characters) came from the cache.
    expect(GLYPH_COPIES.fromCache - before.fromCache).toBeGreaterThan(100);
  });

  it('a process parses each font file once', () => {
    // loadFonts caches per file; the default regular and bold are two files.
    expect(FONT_PARSES.count).toBe(2);
  });
});

describe('one PDF’s text does not change what another’s copies as', () => {
  it('a variation selector or a soft hyphen in one project leaves the next project’s text as it is', async () => {
    const seed = loadSeed();
    // 培 + U+FE00 prints the 培 glyph; a soft hyphen prints the hyphen's. fontkit's shared glyph
    // objects once kept those characters for every later PDF's ToUnicode map.
    const odd = { ...seed.projects[0]!, name: '培\uFE00训班\u00AD费', startDate: '2023-01-02' };
    const first = await pagedPdf(declarationDocument(templates, odd, seed.year, 0), { fonts, creationDate: new Date(0) });
    expect((await readPdf(first.bytes)).pages[0]).toContain('培\uFE00'); // its own ToUnicode says so
    const next = await pagedPdf(declarationDocument(templates, seed.projects[0]!, seed.year, 0), { fonts, creationDate: new Date(0) });
    const text = (await readPdf(next.bytes)).pages.join('\n');
    expect(text).toContain('培训费');
    expect(text).toContain('2023-01-01');
    expect(text).not.toMatch(/[\uFE00\u00AD]/);
  });
});

describe('characters that share a glyph keep their own text', () => {
  it('⼯ (a Kangxi radical) beside 工, a no-break space beside a space, 试 + U+FE00 beside 试: each copies as itself', async () => {
    const seed = loadSeed();
    // One glyph each pair in Noto Serif SC; the PDF's ToUnicode map once said only the first.
    const odd = { ...seed.projects[0]!, name: '⼯作\u00A0经费 考试\uFE00', annualGoal: '工作 考试' };
    const pdf = await pagedPdf(declarationDocument(templates, odd, seed.year, 0), { fonts, creationDate: new Date(0) });
    const text = (await readPdf(pdf.bytes)).pages[0]!;
    for (const expected of ['⼯作', '考试\uFE00', '工作 考试', '上海市闵行区地区工作办公室']) expect(text).toContain(expected);
    // pdf.js gives a no-break space as a space: the ToUnicode map itself, as extract reads it.
    const glyphs = readPdfPages(await PDFDocument.load(pdf.bytes))[0]!.glyphs.map((g) => g.text).join('');
    for (const expected of ['⼯作\u00A0经费', '工作 考试']) expect(glyphs).toContain(expected);
  });
});

describe('the PDFs are those pdfkit makes parsing the font itself', () => {
  it.each([
    ['seed form 4 (two pages)', () => form(seed, 3)],
    ['distinct form 2', () => form(distinct, 1)],
  ])('%s', async (_, render) => {
    const sharedBytes = (await render()).bytes;
    SHARED_FONTS.enabled = false;
    let own: Buffer;
    const before = FONT_USE.parsedByPdfkit;
    try {
      own = (await render()).bytes;
    } finally {
      SHARED_FONTS.enabled = true;
    }
    expect(FONT_USE.parsedByPdfkit - before).toBe(2);
    expect(sharedBytes.equals(own)).toBe(true);
  });

  it('runs on the versions it was written for', () => {
    const version = (name: string) => (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
    expect([version('pdfmake'), version('pdfkit')]).toEqual(['0.3.11', '0.19.1']);
  });
});
