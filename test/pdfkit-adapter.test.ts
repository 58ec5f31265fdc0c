// render/pdfkit-adapter.ts is the one file that reaches into pdfkit's and fontkit's internals, for
// a measured cost: each font is parsed once per process and every PDF embeds that parse. What it
// promises is tested here by behaviour: no font file parsed again, however many PDFs; one PDF's
// text never changes what another's copies as; characters sharing a glyph copy as themselves; a
// form's bytes do not depend on what the process drew before. And it runs only on the versions it
// was written for, and nothing else in src/ reaches into a library.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import { PDFDocument as PdfLibDocument } from '@pdfme/pdf-lib';
import { afterAll, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest';
import { buildFiles } from '../src/output/build.js';
import { declarationDocument } from '../src/layout/forms.js';
import { loadFonts, type LoadedFonts } from '../src/render/fonts.js';
import { loadTemplates, type FormTemplates } from '../src/layout/templates.js';
import { pagedPdf } from '../src/output/paged-pdf.js';
import { readPdfPages } from '../src/extract/pdf-read.js';
import { FONT_PARSES } from '../src/render/fonts.js';
import { PINNED } from '../src/render/pdfkit-adapter.js';
import { shenbao } from './support/cli.js';
import { readPdf } from './support/pdf.js';
import { loadSeed, SEED_FILE } from './support/seed.js';

const require = createRequire(import.meta.url);
const seed = loadSeed();
let templates: FormTemplates;
let fonts: LoadedFonts;
/**
 * Every fontkit.create in this process, whoever calls it (loadFonts, or pdfkit's `doc.font`):
 * create asks each font format in turn whether the bytes are its own, TrueType first, so
 * TTFFont.probe runs once per parse. (fontkit's exports are getters that cannot be wrapped.)
 */
let probe: MockInstance<(buffer: Uint8Array) => boolean>;
beforeAll(async () => {
  templates = await loadTemplates();
  fonts = await loadFonts();
  const trueType = fonts.faces.regular.font.constructor as unknown as { probe(buffer: Uint8Array): boolean };
  probe = vi.spyOn(trueType, 'probe');
});
afterAll(() => probe.mockRestore());

const form = (project: (typeof seed.projects)[number], i = 0) => pagedPdf(declarationDocument(templates, project, seed.year, i), { fonts, creationDate: new Date(0) });

describe('fonts parsed once per process', () => {
  it('pdfkit never parses a font file: drawing more forms parses nothing', async () => {
    const parses = FONT_PARSES.count;
    probe.mockClear();
    await form(seed.projects[0]!);
    // At most one parse, of a one-glyph subset of a few hundred bytes: pdfkit's font class, found
    // with the first PDF of the process (render/pdfkit-adapter.ts).
    const sizes = () => probe.mock.calls.map(([buffer]) => buffer.length);
    expect(sizes().length).toBeLessThanOrEqual(1);
    expect(sizes().filter((size) => size > 1024)).toEqual([]);
    probe.mockClear();
    for (let i = 1; i < 5; i++) await form(seed.projects[i]!, i);
    expect(sizes()).toEqual([]);
    expect(FONT_PARSES.count - parses).toBe(0);
  });

  it('the count sees pdfkit parsing a font (the same fontkit)', () => {
    probe.mockClear();
    new PDFDocument({ autoFirstPage: false }).font(fonts.regular);
    expect(probe.mock.calls.map(([buffer]) => buffer.length)).toEqual([fonts.regular.length]);
    probe.mockClear(); // lets go of the 15 MB it recorded
  });

  it('a process parses each font file once', async () => {
    await loadFonts(); // loadFonts keeps what it parsed, per file
    // The default regular and bold are two files.
    expect(FONT_PARSES.count).toBe(2);
  });
});

describe('one PDF’s text does not change what another’s copies as', () => {
  it('a variation selector or a soft hyphen in one project leaves the next project’s text as it is', async () => {
    // 培 + U+FE00 prints the 培 glyph; a soft hyphen prints the hyphen's. fontkit's shared glyph
    // objects once kept those characters for every later PDF's ToUnicode map.
    const odd = { ...seed.projects[0]!, name: '培\uFE00训班\u00AD费', startDate: '2023-01-02' };
    const first = await form(odd);
    expect((await readPdf(first.bytes)).pages[0]).toContain('培\uFE00'); // its own ToUnicode says so
    const next = await form(seed.projects[0]!);
    const text = (await readPdf(next.bytes)).pages.join('\n');
    expect(text).toContain('培训费');
    expect(text).toContain('2023-01-01');
    expect(text).not.toMatch(/[\uFE00\u00AD]/);
  });

  it('a form drawn after others in a process is the same bytes as one drawn first in a fresh process', async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'shenbao-adapter-'));
    try {
      await form({ ...seed.projects[0]!, name: '⼯作\u00A0培\uFE00训\u00AD费', annualGoal: '工作 考试\uFE00' });
      const date = '2023-01-01T08:00:00'; // Beijing time
      const here = path.join(out, 'here');
      await buildFiles([SEED_FILE], { outDir: here, only: ['培训费'], formats: ['pdf'], creationDate: new Date('2023-01-01T00:00:00Z') });
      const fresh = await shenbao(['build', SEED_FILE, '-o', path.join(out, 'fresh'), '--date', date, '--format', 'pdf', '--only', '培训费', '--quiet'], out);
      expect(fresh.code, fresh.stderr).toBe(0);
      const file = path.join('minhang-2023', '01-培训费.pdf');
      expect((await readFile(path.join(here, file))).equals(await readFile(path.join(out, 'fresh', file)))).toBe(true);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});

describe('characters that share a glyph keep their own text', () => {
  it('⼯ (a Kangxi radical) beside 工, a no-break space beside a space, 试 + U+FE00 beside 试: each copies as itself', async () => {
    // One glyph each pair in Noto Serif SC; a PDF font's ToUnicode map gives a glyph one text.
    const odd = { ...seed.projects[0]!, name: '⼯作\u00A0经费 考试\uFE00', annualGoal: '工作 考试' };
    const pdf = await form(odd);
    const text = (await readPdf(pdf.bytes)).pages[0]!;
    for (const expected of ['⼯作', '考试\uFE00', '工作 考试', '上海市闵行区地区工作办公室']) expect(text).toContain(expected);
    // pdf.js gives a no-break space as a space: the ToUnicode map itself, as extract reads it.
    const glyphs = readPdfPages(await PdfLibDocument.load(pdf.bytes))[0]!.glyphs.map((g) => g.text).join('');
    for (const expected of ['⼯作\u00A0经费', '工作 考试', '考试\uFE00']) expect(glyphs).toContain(expected);
  });
});

describe('runs on the versions it was written for', () => {
  /** The package.json of the package that `file` lies in. */
  const packageOf = (file: string): { name: string; version: string } => {
    for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
      try {
        return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name: string; version: string };
      } catch {
        // not a package's folder: go up
      }
    }
    throw new Error(`no package.json above ${file}`);
  };
  const pdfkitMain = require.resolve('pdfkit');
  // The fontkit pdfkit itself requires, which is the one render/fonts.ts parses with.
  const fontkitMain = createRequire(pdfkitMain).resolve('fontkit');

  it('the installed pdfkit and fontkit are those render/pdfkit-adapter.ts was written against', () => {
    const installed = { pdfkit: packageOf(pdfkitMain).version, fontkit: packageOf(fontkitMain).version };
    expect(
      installed,
      'pdfkit or fontkit changed: re-check the three touches of render/pdfkit-adapter.ts against the new source, then set PINNED and package.json — ' +
        '(1) embedParsedFont: pdfkit’s EmbeddedFont class (constructor(document, font, id)), doc._fontCount, doc._fontFamilies, its layoutCache; ' +
        '(2) ownCodePoints: fontkit’s font.getGlyph(id, codePoints) and the glyph’s codePoints, which pdfkit writes into the ToUnicode map; ' +
        '(3) archiveInternals: doc._addInfo (its XMP, through appendXML), doc._id (the file ID), doc.ref() of an EmbeddedFile with Params.CheckSum',
    ).toEqual(PINNED);
  });

  it('package.json pins exactly those versions, and there is one fontkit', () => {
    const declared = (JSON.parse(readFileSync(path.join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies;
    expect({ pdfkit: declared.pdfkit, fontkit: declared.fontkit }, 'a range would let an install bring a version the adapter was not written for').toEqual(PINNED);
    expect(fontkitMain, 'shenbao and pdfkit must load the same fontkit: pdfkit embeds the fonts shenbao parsed').toBe(require.resolve('fontkit'));
  });
});

describe('no file but the adapters (render/pdfkit-adapter.ts, render/exceljs-adapter.ts, yargs-adapter.ts) reaches into a library', () => {
  const SRC = path.join(import.meta.dirname, '..', 'src');
  const ADAPTER = path.join('render', 'pdfkit-adapter.ts');
  // ExcelJS's: one range of validation per column (test/workbook.test.ts pins its version); yargs's:
  // no help text rendered before each command (test/conventions.test.ts pins its version).
  const ADAPTERS = [ADAPTER, path.join('render', 'exceljs-adapter.ts'), 'yargs-adapter.ts'];
  /** A bare specifier naming a path inside its package: pdfkit/js/…, fontkit/dist/…, @scope/name/…. */
  const innerPath = (specifier: string): boolean => {
    if (specifier.startsWith('.') || specifier.startsWith('node:') || specifier.startsWith('/')) return false;
    const parts = specifier.split('/');
    return parts.length > (specifier.startsWith('@') ? 2 : 1);
  };

  /** The lines of `source` that touch an underscore member (`doc._font`, `x['_id']`, `_fontFamilies: …`) or load a library's inner path. */
  function reachesIn(source: string): string[] {
    return source.split('\n').filter((line) => {
      const code = line.trim();
      if (code.startsWith('//') || code.startsWith('*') || code.startsWith('/*')) return false;
      const underscore = /(\?\.|\.)_{1,2}[A-Za-z$]|\[\s*['"`]_|^_{1,2}[A-Za-z$][\w$]*\??\s*[:(]/.test(code);
      const loads = [...code.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^import\s+|\brequire(?:\.resolve)?\s*\(\s*)(['"`])([^'"`]+)\1/g)].map((m) => m[2]!);
      return underscore || loads.some(innerPath);
    });
  }

  const files = (readdirSync(SRC, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).sort();

  it('finds the sources and the adapter', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files).toContain(ADAPTER);
    expect(reachesIn(readFileSync(path.join(SRC, ADAPTER), 'utf8')).length).toBeGreaterThan(0);
  });

  it('src/ outside the adapters: no such line', () => {
    const offending = files
      .filter((f) => !ADAPTERS.includes(f))
      .flatMap((f) => reachesIn(readFileSync(path.join(SRC, f), 'utf8')).map((line) => `${f}: ${line.trim()}`));
    expect(offending).toEqual([]);
  });

  it('the check sees each way of reaching in, and passes what is public', () => {
    const sample = [
      "import PDFDocument from 'pdfkit';",
      "import type * as fontkit from 'fontkit';",
      "import { PDFDict } from 'pdf-lib';",
      "import { StandardFonts } from '@pdf-lib/standard-fonts';",
      "import { readFile } from 'node:fs/promises';",
      "import { x } from '../layout/grid.js';",
      '// doc._font is what pdfkit keeps (a comment touches nothing)',
      'const first = items[0]._ ?? name_with_underscore;',
      'doc._fontFamilies[name] = embedded;',
      'const id = doc?._id;',
      "const cache = font['_layoutCache'];",
      '  _fontCount: number;',
      "const Embedded = require('pdfkit/js/pdfkit.js');",
      "import { TTFFont } from 'fontkit/dist/main.cjs';",
      "const inner = await import('@pdf-lib/standard-fonts/lib/Font.js');",
      "export { LineBreaker } from 'linebreak/src/linebreaker';",
    ].join('\n');
    expect(reachesIn(sample)).toEqual([
      'doc._fontFamilies[name] = embedded;',
      'const id = doc?._id;',
      "const cache = font['_layoutCache'];",
      '  _fontCount: number;',
      "const Embedded = require('pdfkit/js/pdfkit.js');",
      "import { TTFFont } from 'fontkit/dist/main.cjs';",
      "const inner = await import('@pdf-lib/standard-fonts/lib/Font.js');",
      "export { LineBreaker } from 'linebreak/src/linebreaker';",
    ]);
  });
});
