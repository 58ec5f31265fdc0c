// npm run check:office — an independent check of our .docx files: LibreOffice (a real office
// suite, not our own reader) turns each one into a PDF, and every heading and cell of the form's
// grid must come out of it, complete and in document order, and every amount (the 汇总表's amounts
// and 合计, each form's seven: the cells the templates mark nowrap) on one line; each saved again by
// LibreOffice reads back as its data; and a blank form filled in LibreOffice through Python UNO
// reads back exactly (office-blank.ts); the fill-in workbooks re-saved by LibreOffice Calc read back
// as they were (check-office-xlsx.ts). Not part of `npm test`: it needs LibreOffice (and
// python3-uno) and takes a while.
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual, promisify } from 'node:util';
import { PDFDocument } from '@pdfme/pdf-lib';
import { PDFParse } from 'pdf-parse';
import { compact, firstMissing } from '../test/support/in-order.js';
import { buildFiles } from '../src/output/build.js';
import { declarationDocument, summaryDocument } from '../src/layout/forms.js';
import { loadTemplates } from '../src/layout/templates.js';
import type { GridDocument } from '../src/layout/grid.js';
import { extractFile } from '../src/output/revision.js';
import { readPdfPages, type PdfGlyph, type PdfPageContent } from '../src/extract/pdf-read.js';
import { diffPackets, formatChange } from '../src/extract/diff.js';
import { checkBlankFilledInOffice } from './office-blank.js';
import { checkEmptyFilledInOffice, checkWorkbooksInOffice } from './check-office-xlsx.js';

const run = promisify(execFile);
const DATA_FILES = ['data/minhang-2023.json', 'test/fixtures/distinct.json'];
// One soffice call given many files once converted only part of them and still exited 0.
const BATCH = 50;

/** soffice or libreoffice on PATH, looked up here rather than with `which`, which may be missing too. */
async function findOffice(): Promise<string | undefined> {
  for (const name of ['soffice', 'libreoffice']) {
    for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
      const file = path.join(dir, name);
      if (await access(file, constants.X_OK).then(() => true, () => false)) return file;
    }
  }
  return undefined;
}

/** Headings and cell texts in document order: what a reader of the page must see, in that order. */
function expectedTexts(doc: GridDocument): string[] {
  return doc.sections.flatMap((s) => s.blocks.flatMap((b) => (b.type === 'heading' ? [b.text] : b.rows.flatMap((r) => r.cells.map((c) => c.text)))));
}

/**
 * The words the pages print, as a reader sees them: glyphs on one baseline, each next to the one
 * before (a space, or a gap of more than a fifth of the type size, ends a word). A wrapped amount
 * is two words on two lines.
 */
function printedWords(pages: readonly PdfPageContent[]): string[] {
  const words: string[] = [];
  for (const page of pages) {
    const lines = new Map<number, PdfGlyph[]>();
    for (const glyph of page.glyphs) {
      const y = Math.round(glyph.y * 10);
      lines.set(y, [...(lines.get(y) ?? []), glyph]);
    }
    for (const glyphs of lines.values()) {
      let word = '';
      let end = -Infinity;
      for (const glyph of glyphs.sort((a, b) => a.x - b.x)) {
        if (word !== '' && (/^\s*$/.test(glyph.text) || glyph.x - end > glyph.size / 5)) {
          words.push(word);
          word = '';
        }
        if (!/^\s*$/.test(glyph.text)) word += glyph.text;
        end = glyph.x + glyph.width;
      }
      if (word !== '') words.push(word);
    }
  }
  return words;
}

/** An amount as the forms print it: 200,000.00. */
const AMOUNT = /^-?\d{1,3}(,\d{3})*\.\d{2}$/;

/**
 * Amounts (the grid's nowrap cells, and any cell that prints an amount) that the PDF does not
 * print whole on one line: an amount that n cells print (as a word of their text) must be a word
 * of the PDF n times. Each with where it is printed and the pieces the PDF has instead. `count`:
 * how many amount cells there are.
 */
function wrappedAmounts(doc: GridDocument, words: readonly string[]): { count: number; wrapped: string[] } {
  const cells = doc.sections.flatMap((s) => s.blocks.flatMap((b) => (b.type === 'heading' ? [] : b.rows.flatMap((r) => r.cells))));
  const amountCells = cells.filter((c) => c.text.trim() !== '' && (c.noWrap || AMOUNT.test(c.text.trim())));
  const split = (text: string) => text.split(/\s+/).filter(Boolean);
  const times = (list: readonly string[]) => list.reduce((m, w) => m.set(w, (m.get(w) ?? 0) + 1), new Map<string, number>());
  const inCells = times(cells.flatMap((c) => split(c.text)));
  const inPdf = times(words);
  const wrapped = [...new Set(amountCells.flatMap((c) => split(c.text)))].flatMap((amount) => {
    const expected = inCells.get(amount)!;
    const found = inPdf.get(amount) ?? 0;
    if (found >= expected) return [];
    const pieces = [...new Set(words.filter((w) => w.length > 1 && w !== amount && (amount.startsWith(w) || amount.endsWith(w))))];
    // Where it is printed: the data fields, or 合计 (computed cells have no path).
    const places = [...new Set(amountCells.filter((c) => split(c.text).includes(amount)).map((c) => (c.path ? c.path.join('.') : '合计')))];
    return [
      `「${amount}」印在 ${expected} 处，整个在一行的只有 ${found} 处 / printed ${expected}×, whole on one line ${found}× (${places.join(', ')})` +
        (pieces.length ? `; 断成 / pieces: ${pieces.map((p) => `「${p}」`).join(' ')}` : ''),
    ];
  });
  return { count: amountCells.length, wrapped };
}

/** The fonts the PDF sets digits in (the Latin font, or what LibreOffice put in its place). */
const digitFonts = (pages: readonly PdfPageContent[]) => [...new Set(pages.flatMap((p) => p.glyphs.filter((g) => /^[0-9]$/.test(g.text)).map((g) => g.font)))];

const office = await findOffice();
if (!office) {
  console.log('跳过：没有找到 LibreOffice（soffice）。安装：apt-get install -y libreoffice-writer-nogui');
  console.log('Skipped: LibreOffice (soffice) not found on PATH. Install: apt-get install -y libreoffice-writer-nogui');
  process.exit(0);
}

// Without a Chinese font LibreOffice prints boxes, and pdf-parse reads every CJK character of a run as its first one.
const cjkFonts = await run('fc-list', [':lang=zh', 'family']).then((r) => r.stdout.trim(), () => 'unknown');
if (cjkFonts === '') console.log('注意：没有中文字体，下面的失败多半因此。安装：apt-get install -y fonts-noto-cjk\nNote: no CJK font installed; failures below likely come from that. Install: apt-get install -y fonts-noto-cjk');
// Without Times New Roman or Liberation Serif (the same widths; LibreOffice's own replacement for it),
// LibreOffice sets digits in a wider serif (DejaVu Serif), and amounts wrap.
const familyInstalled = (family: string) => run('fc-list', [family, 'family']).then((r) => r.stdout.trim() !== '', () => true);
const FONT_HINT = '没有 Times New Roman，也没有与它等宽的 Liberation Serif：LibreOffice 改用更宽的字体，金额会折行。安装：apt-get install -y fonts-liberation\nNeither Times New Roman nor the metric-compatible Liberation Serif is installed: LibreOffice uses a wider font and amounts wrap. Install: apt-get install -y fonts-liberation';
const timesLike = (await familyInstalled('Times New Roman')) || (await familyInstalled('Liberation Serif'));
if (!timesLike) console.log(`注意：${FONT_HINT}`);

const started = Date.now();
const work = await mkdtemp(path.join(tmpdir(), 'shenbao-office-'));
// A private profile: a second soffice with the default profile would hand its files to the first.
const profile = pathToFileURL(path.join(work, 'profile')).href;
let failures = 0;
try {
  const templates = await loadTemplates();
  const reports = await buildFiles(DATA_FILES, { outDir: path.join(work, 'out'), formats: ['docx'], creationDate: new Date('2023-01-01T00:00:00Z') });
  for (const report of reports) {
    const { packet, accepted, header } = report.loaded;
    if (!report.ok || !packet || !header) {
      console.log(`✗ ${report.file}: build failed ${report.failure?.message ?? report.diagnostics.map((d) => d.message).join('; ')}`);
      failures++;
      continue;
    }
    // The grid each file was written from: NN-… is project NN, 汇总表 is the whole packet.
    const gridOf = (docx: string): GridDocument => {
      const number = /^(\d+)-/.exec(path.basename(docx))?.[1];
      if (number === undefined) return summaryDocument(templates, packet);
      const { project } = accepted.find((a) => a.number === Number(number))!;
      return declarationDocument(templates, project, packet.year, Number(number) - 1);
    };
    const docxFiles = report.written.filter((f) => f.endsWith('.docx'));
    // Per packet: both packets have a 汇总表.docx, and soffice names a PDF after its input only.
    const pdfDir = path.join(work, 'pdf', path.basename(report.packetDir!));
    for (let i = 0; i < docxFiles.length; i += BATCH) {
      const batch = docxFiles.slice(i, i + BATCH);
      await run(office, [`-env:UserInstallation=${profile}`, '--headless', '--convert-to', 'pdf', '--outdir', pdfDir, ...batch], { timeout: 10 * 60_000, maxBuffer: 16 << 20 });
    }
    const made = new Set(await readdir(pdfDir).catch(() => [] as string[]));
    console.log(`${path.basename(report.packetDir!)}: ${made.size} PDFs from ${docxFiles.length} .docx`);
    for (const docx of docxFiles) {
      const name = path.basename(docx, '.docx');
      if (!made.has(`${name}.pdf`)) {
        console.log(`✗ ${name}: 没有转换出 PDF / no PDF was made`);
        failures++;
        continue;
      }
      const pdfBytes = await readFile(path.join(pdfDir, `${name}.pdf`));
      const parser = new PDFParse({ data: new Uint8Array(pdfBytes) });
      const result = await parser.getText().finally(() => parser.destroy());
      // Page numbers are Word fields: only an office suite fills them in, so every page must say its own.
      const pages = result.pages.map((p) => compact(p.text));
      const footers = pages.map((_, i) => `第${i + 1}页共${pages.length}页`);
      const badFooter = pages.findIndex((p, i) => !p.includes(footers[i]!));
      // Pages joined without footers or pdf-parse's '-- 1 of 3 --' separators: a cell may run onto the next page.
      const body = pages.map((p, i) => p.replace(footers[i]!, '')).join('');
      // Amounts on one line, as in Word: read from the glyphs' places (pdf-lib and our glyph reader).
      const glyphPages = readPdfPages(await PDFDocument.load(pdfBytes));
      const amounts = wrappedAmounts(gridOf(docx), printedWords(glyphPages));
      const problem =
        firstMissing(body, expectedTexts(gridOf(docx))) ??
        (badFooter < 0 ? undefined : `footer ${footers[badFooter]} not found on page ${badFooter + 1}; page ends:「${pages[badFooter]!.slice(-30)}」`) ??
        (amounts.wrapped.length === 0
          ? undefined
          : `金额折行 / amounts wrap:\n    ${amounts.wrapped.join('\n    ')}\n    数字的字体 / digits set in: ${digitFonts(glyphPages).join(', ')}` +
            (timesLike ? '' : `\n    ${FONT_HINT.replace('\n', '\n    ')}`));
      if (problem) failures++;
      console.log(`${problem ? '✗' : '✓'} ${name}  ${result.total} 页，${amounts.count} 个金额${problem ? `\n    ${problem}` : '都在一行 / amounts each on one line'}`);
    }

    // The other direction: each file saved again by LibreOffice as .docx (it rewrites the tables:
    // vMerge="continue", unused grid columns dropped) must read back as exactly its data.
    const resaved = path.join(work, 'resaved', path.basename(report.packetDir!));
    for (let i = 0; i < docxFiles.length; i += BATCH) {
      const batch = docxFiles.slice(i, i + BATCH);
      await run(office, [`-env:UserInstallation=${profile}`, '--headless', '--convert-to', 'docx:MS Word 2007 XML', '--outdir', resaved, ...batch], { timeout: 10 * 60_000, maxBuffer: 16 << 20 });
    }
    for (const docx of docxFiles) {
      const name = path.basename(docx, '.docx');
      const number = /^(\d+)-/.exec(name)?.[1];
      const expected = number === undefined ? packet : { ...packet, projects: [packet.projects[Number(number) - 1]!] };
      const read = await extractFile(path.join(resaved, `${name}.docx`), templates).catch((error: Error) => ({ problems: [error.message], packet: undefined }));
      // Compared as diff compares (an amount "95174" is the "95174.00" the form prints), and strictly the rest.
      const changes = read.packet ? diffPackets(expected, read.packet).map(formatChange) : read.problems;
      const same = read.packet !== undefined && changes.length === 0 && isDeepStrictEqual(Object.keys(read.packet), Object.keys(expected));
      if (!same) failures++;
      console.log(`${same ? '✓' : '✗'} ${name}（LibreOffice 另存后读回 / re-saved by LibreOffice, read back）${same ? '' : `\n    ${changes.join('\n    ') || '数据不同 / data differs'}`}`);
    }
  }
  // The fill-in workbooks (shenbao xlsx) saved again by LibreOffice Calc read back as they were,
  // dropdowns and names kept; an empty one filled in Calc through Python UNO reads back exactly.
  failures += await checkWorkbooksInOffice(office, work);
  failures += await checkEmptyFilledInOffice(office, work);
  // A department's way in: a blank form typed into in LibreOffice must read back exactly.
  failures += await checkBlankFilledInOffice(office, work);
} finally {
  await rm(work, { recursive: true, force: true });
}
console.log(`${failures === 0 ? '全部通过 / all passed' : `${failures} 个失败 / failed`} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
process.exit(failures === 0 ? 0 : 1);
