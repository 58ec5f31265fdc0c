// Issue 17, items 1 and 13: read-back that notices.
//   - A doctored PDF (an amount changed in the content stream, the attached data kept) is refused
//     by `extract`, every differing field named (printed and carried values), nothing written;
//     `diff a.pdf doctored.pdf` gives the difference and exit 1.
//   - Only painted text counts: text in render mode 3, clipped away, outside the page, white on
//     white, transparent, covered by a box painted over it, or in a layer that is off is not read
//     as printed, and is named (`verify --printed` no longer counts such a PDF as printing what it
//     carries).
//   - The text reader skips an inline image in one forward scan: a 1.4 MB content stream of
//     inline images reads in about a second, under a memory limit (it took 50–70 s and GBs).
// The PDFs are built from test/fixtures/distinct.json (every value distinct, so a value printed in
// another field's cell shows) and doctored with pdf-lib (test/support/pdf-doctor.ts). Each CLI
// case asserts the exit code, the exact Chinese lines (no stack trace), and the folder's hashes
// before and after.
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFString } from '@pdfme/pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/command-line.js';
import { embeddedSource, printedAgainstCarried, printedCheckLines } from '../src/extract/pdf.js';
import { readPdfPages, type Unprinted } from '../src/extract/pdf-read.js';
import { loadTemplates } from '../src/layout/templates.js';
import { DEFAULT_FONTS, loadFonts } from '../src/render/fonts.js';
import { formDataHash, sha256 } from '../src/output/manifest.js';
import { shenbao } from './support/cli.js';
import { DISTINCT_FILE } from './support/golden.js';
import { withEmbeddedUnitsPerEm } from './support/embedded-font-forgery.js';
import { aroundRun, beforeTextObject, doctorPage, toUnicodeCMap, toUnicodeOf, type PageText } from './support/pdf-doctor.js';
import { treeHashes } from './support/tree.js';
import { lines as problemLines } from './support/problems.js';

const F1 = '01-社区睦邻学堂运营.pdf';
const PROJECT = '项目 1「社区睦邻学堂运营」';
/** 年度资金·其中：当年财政拨款 of project 1, as printed and as carried. */
const FISCAL = '1,234,567.89';
const FISCAL_LABEL = '年度资金·其中：当年财政拨款';
const templates = await loadTemplates();
const fonts = await loadFonts(DEFAULT_FONTS);

let work: string;
let built: string; // the distinct packet's folder, as built
let original: Uint8Array;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'shenbao-printed-17-'));
  const run = await cli(['build', DISTINCT_FILE, '-o', path.join(work, 'out'), '--date', '2023-01-01', '--quiet', '--jobs', '1']);
  expect(run.code, run.stderr).toBe(0);
  built = path.join(work, 'out', 'distinct');
  original = await readFile(path.join(built, F1));
}, 60_000);
afterAll(() => rm(work, { recursive: true, force: true }));

/** Form 01 with its first page edited; its attachment kept. */
const doctored = (edit: (page: PageText) => string) => doctorPage(original, 0, edit);
/** The run printing `text` shown as `other` (glyphs of the same subset font). */
const reprinted = (text: string, other: string) => (page: PageText) => aroundRun(page, text, () => `[<${page.hex(other)}> 0] TJ`);

/** Where the run printing `text` starts (its Tm: pdfkit sets one for each run), in page coordinates. */
function origin(page: PageText, text: string): [number, number] {
  const before = page.content.slice(0, page.content.indexOf(`[<${page.hex(text)}> 0] TJ`));
  const [, x, y] = /1 0 0 1 ([\d.]+) ([\d.]+) Tm\n\/F2 10\.5 Tf\n$/.exec(before)!;
  return [Number(x), Number(y)];
}
/** A box in grey `gray` just over the amount's text (80 × 14 pt from just below its baseline). */
const boxOver = (page: PageText, gray: number) => {
  const [x, y] = origin(page, FISCAL);
  return `${gray} g ${x - 1} ${y - 3} 80 14 re f`;
};

/** pdfkit's pages start with `1 0 0 -1 0 841.89 cm` (y downwards); this undoes it for what is added at the end. */
const UNFLIP = '1 0 0 -1 0 841.89 cm';

/** A folder `name` in the work folder holding `files`. */
async function folder(name: string, files: Record<string, Uint8Array>): Promise<string> {
  const dir = path.join(work, name);
  await mkdir(dir, { recursive: true });
  for (const [file, bytes] of Object.entries(files)) await writeFile(path.join(dir, file), bytes);
  return dir;
}

/**
 * A command line run in this process (runCli, as the CLI runs it; paths given whole). The
 * doctored-PDF and the memory-limit cases run the compiled command as a process besides.
 */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), isolate: false });
  return { code, stdout, stderr };
}

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Lines of output, and that no stack trace or 内部错误 is among them. */
function lines(text: string): string[] {
  expect(text).not.toMatch(/内部错误|\n\s+at |Error:/);
  return text.split('\n').filter((line) => line !== '');
}

describe('extract of a PDF that carries its data checks what it prints', () => {
  it('the PDF as built: its data, exit 0, no remark', async () => {
    const dir = await folder('extract-original', { [F1]: original });
    const file = path.join(dir, F1);
    const before = await treeHashes(dir);
    const run = await cli(['extract', file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(embeddedSource(await PDFDocument.load(original), F1));
    expect(lines(run.stderr)).toEqual([`${file}：读出 PDF 里嵌入的数据（申报表），1 个项目，0 个错误，0 条警告`]);
    expect(await treeHashes(dir)).toEqual(before);
  });

  it('an amount changed in the content stream, the data kept: the field named with both values, exit 1, nothing written to -o', async () => {
    const dir = await folder('extract-doctored', { 'doctored.pdf': await doctored(reprinted(FISCAL, '9,234,567.89')) });
    const before = await treeHashes(dir);
    const run = await shenbao(['extract', 'doctored.pdf', '-o', 'data.json'], dir);
    expect([run.code, run.stdout]).toEqual([1, '']);
    expect(lines(run.stderr)).toEqual([
      `doctored.pdf：印出的与内嵌的数据不同：${PROJECT}：${FISCAL_LABEL}：印出「9234567.89」，内嵌的数据是「1234567.89」`,
      'doctored.pdf：印出的与内嵌的数据有 1 处不同（PDF 的页面被改过，或附带的数据被换过），没有写出数据',
    ]);
    expect(await treeHashes(dir)).toEqual(before);
  });

  it('two amounts swapped on the page: every differing field named', async () => {
    const swapped = await doctored((page) => {
      const [a, b] = ['306,412.57', '48,251.36'];
      const once = aroundRun(page, a, () => '[<SWAP> 0] TJ');
      return aroundRun({ ...page, content: once }, b, () => `[<${page.hex(a)}> 0] TJ`).replace('[<SWAP> 0] TJ', `[<${page.hex(b)}> 0] TJ`);
    });
    const dir = await folder('extract-swapped', { 'swapped.pdf': swapped });
    const file = path.join(dir, 'swapped.pdf');
    const before = await treeHashes(dir);
    const run = await cli(['extract', file, '-o', path.join(dir, 'data.json')]);
    expect([run.code, run.stdout]).toEqual([1, '']);
    expect(lines(run.stderr)).toEqual([
      `${file}：印出的与内嵌的数据不同：${PROJECT}：年度资金·上年结转资金：印出「48251.36」，内嵌的数据是「306412.57」`,
      `${file}：印出的与内嵌的数据不同：${PROJECT}：年度资金·其他资金：印出「306412.57」，内嵌的数据是「48251.36」`,
      `${file}：印出的与内嵌的数据有 2 处不同（PDF 的页面被改过，或附带的数据被换过），没有写出数据`,
    ]);
    expect(await treeHashes(dir)).toEqual(before);
  });

  it('a font whose ToUnicode map lies (a copy of the font in which the glyph of 9 reads as 3): the reading agrees, the glyphs do not; refused', async () => {
    // 906,412.57 printed, read as 306,412.57 (年度资金·上年结转资金, carried 306412.57).
    const lying = await doctored((page) => {
      const context = page.pdf.context;
      const fonts = page.resources.lookup(PDFName.of('Font'), PDFDict);
      const copy = fonts.lookup(PDFName.of('F2'), PDFDict).clone(context);
      const map = toUnicodeOf(page);
      map.set(parseInt(page.hex('9'), 16), '3');
      copy.set(PDFName.of('ToUnicode'), context.register(context.flateStream(Buffer.from(toUnicodeCMap(map), 'latin1'))));
      fonts.set(PDFName.of('F3'), context.register(copy));
      return aroundRun(page, '306,412.57', () => `/F3 10.5 Tf [<${page.hex('906,412.57')}> 0] TJ`);
    });
    const dir = await folder('extract-lying-font', { 'lying.pdf': lying });
    const file = path.join(dir, 'lying.pdf');
    const before = await treeHashes(dir);
    const run = await cli(['extract', file, '-o', path.join(dir, 'data.json')]);
    expect([run.code, run.stdout]).toEqual([1, '']);
    expect(lines(run.stderr)).toEqual([
      `${file}：第 1 页印出的字形与 PDF 标明的字不符（字体的字符对照表被改过，或字体没有嵌入），读出的不一定是印出的：标作「3」的字`,
      `${file}：印出的是什么字无法核对，不能当作与附带的数据相同，没有写出数据`,
    ]);
    expect(await treeHashes(dir)).toEqual(before);
  });

  it('issue 19: the embedded TrueType program\'s unitsPerEm set to 16384 (every glyph drawn 1/16 its size, outlines kept): refused as printed at another size', async () => {
    const tiny = await withEmbeddedUnitsPerEm(original, 16384);
    const dir = await folder('extract-tiny-font', { 'tiny.pdf': tiny });
    const file = path.join(dir, 'tiny.pdf');
    const before = await treeHashes(dir);
    const run = await cli(['extract', file, '-o', path.join(dir, 'data.json')]);
    expect([run.code, run.stdout]).toEqual([1, '']);
    expect(lines(run.stderr)).toEqual([
      `${file}：第 1 页印出的字的大小与 PDF 标明的不符（嵌入的字体被改了缩放比例），读出的不一定是印出的：标作「财」「政」「项」「目」「支」「出」「绩」「效」「标」「申」 等 162 个字的字`,
      `${file}：印出的是什么字无法核对，不能当作与附带的数据相同，没有写出数据`,
    ]);
    expect(await treeHashes(dir)).toEqual(before);
  });

  it('a print that cannot be read because text was hidden (the title): refused, the hidden text named', async () => {
    const title = '财政项目支出绩效目标申报表';
    const hidden = await doctored((page) => {
      const run = `[<${page.hex(title, 'F1')}> 0] TJ`;
      expect(page.content.split(run).length).toBe(2);
      return page.content.replace(run, `3 Tr ${run} 0 Tr`);
    });
    const dir = await folder('extract-hidden-title', { 'hidden.pdf': hidden });
    const file = path.join(dir, 'hidden.pdf');
    const before = await treeHashes(dir);
    const run = await cli(['extract', file, '-o', path.join(dir, 'data.json')]);
    expect([run.code, run.stdout]).toEqual([1, '']);
    expect(lines(run.stderr)).toEqual([
      `${file}：印出的文字读不回，无法与内嵌的数据核对（没有找到「${title}」，不是 shenbao 生成的申报表或汇总表）；若它是用别的模板或字体生成的，请用 --templates、--font 给出生成时用的`,
      `${file}：第 1 页有文字设成了不显示（文字渲染模式 3 或 7），不印在纸上，没有当作印出的读：「${title}」`,
      `${file}：印出的文字读不回，页面上又有不印在纸上的文字（PDF 的页面被改过），无法与附带的数据核对，没有写出数据`,
    ]);
    expect(await treeHashes(dir)).toEqual(before);
  });

  it('a genuine PDF with a cell taller than a page: its print read across the pages and confirmed, the data written', async () => {
    // Issue 18: the row is cut between lines, open at each page's foot, and read back part by
    // part; before, its print could not be read, and such a PDF was refused (exit 1).
    const packet = JSON.parse(await readFile(DISTINCT_FILE, 'utf8'));
    const long = { ...packet.projects[0], overallGoal: Array.from({ length: 400 }, (_, i) => `第${i}句话说明项目的目标，`).join('') };
    const dir = await folder('extract-tall', {});
    await writeFile(path.join(dir, 'tall.json'), JSON.stringify({ ...packet, projects: [long] }));
    const build = await cli(['build', path.join(dir, 'tall.json'), '-o', path.join(dir, 'out'), '--format', 'pdf', '--date', '2023-01-01', '--quiet', '--jobs', '1']);
    expect(build.code, build.stderr).toBe(0);
    const file = path.join(dir, 'out', 'tall', F1);
    const run = await cli(['extract', file, '-o', path.join(dir, 'data.json')]);
    expect(run.code, run.stderr).toBe(0);
    const data = JSON.parse(await readFile(path.join(dir, 'data.json'), 'utf8'));
    expect(data.projects).toEqual([long]);
  }, 60_000);
});

describe('diff of two PDFs compares what they print as well as what they carry', () => {
  it('the PDF as built against one whose amount was reprinted (data kept): the field, exit 1', async () => {
    const dir = await folder('diff-doctored', { 'a.pdf': original, 'b.pdf': await doctored(reprinted(FISCAL, '9,234,567.89')) });
    const [a, b] = [path.join(dir, 'a.pdf'), path.join(dir, 'b.pdf')];
    const before = await treeHashes(dir);
    const run = await cli(['diff', a, b]);
    expect(run.code).toBe(1);
    expect(lines(run.stdout)).toEqual([`${PROJECT}：印出的${FISCAL_LABEL}：「1234567.89」→「9234567.89」`]);
    expect(lines(run.stderr)).toEqual([`${b}：印出的与内嵌的数据不同：${PROJECT}：${FISCAL_LABEL}：印出「9234567.89」，内嵌的数据是「1234567.89」`, '共 1 处不同']);
    expect(await treeHashes(dir)).toEqual(before);
    // The same two as built: the same.
    const same = await cli(['diff', a, a]);
    expect([same.code, same.stdout, lines(same.stderr)]).toEqual([0, '', [`${a} 和 ${a} 的内容相同`]]);
  });
});

describe('verify --printed counts only painted text', () => {
  it('an amount in render mode 3 (invisible): named, and the PDF not counted among those that print what they carry', async () => {
    const dir = path.join(work, 'verify-invisible', 'distinct');
    await cp(built, dir, { recursive: true });
    const bytes = Buffer.from(await doctored((page) => aroundRun(page, FISCAL, (run) => `3 Tr ${run} 0 Tr`)));
    await writeFile(path.join(dir, F1), bytes);
    // The manifest made to agree with the doctored file: only what it prints tells.
    const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8'));
    const { projects, ...header } = JSON.parse(embeddedSource(await PDFDocument.load(bytes), F1)!);
    for (const entry of manifest.files) if (entry.name === F1) Object.assign(entry, { size: bytes.length, sha256: sha256(bytes), data: formDataHash(header, projects[0]) });
    await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    const before = await treeHashes(dir);
    const run = await cli(['verify', dir, '--printed']);
    expect(run.code).toBe(1);
    const file = path.join(dir, F1);
    expect(lines(run.stdout)).toEqual([
      `${file}：印出的与内嵌的数据不同：${PROJECT}：${FISCAL_LABEL}：印出（空），内嵌的数据是「1234567.89」`,
      `${file}：第 1 页有文字设成了不显示（文字渲染模式 3 或 7），不印在纸上，没有当作印出的读：「${FISCAL}」`,
    ]);
    expect(lines(run.stderr).at(-1)).toMatch(/：\d+ 个文件相符，2 处不符（由 distinct\.json（SHA-256 [0-9a-f]{12}…）生成，shenbao [\d.]+，4 个 PDF 内嵌的数据与之相符，3 个 PDF 印出的内容与内嵌的数据相同）$/);
    expect(await treeHashes(dir)).toEqual(before);
  }, 60_000);
});

describe('what a page holds but does not print is not read as printed (the reader)', () => {
  /** The page's printed text, what it names as unprinted, and the printed check's lines. */
  async function readBack(bytes: Uint8Array) {
    const pdf = await PDFDocument.load(bytes);
    const [page] = readPdfPages(pdf);
    const check = printedAgainstCarried(pdf, 'x.pdf', JSON.parse(embeddedSource(pdf, 'x.pdf')!), templates, fonts);
    return { text: page!.glyphs.map((g) => g.text).join(''), unprinted: page!.unprinted, lines: problemLines(printedCheckLines('x.pdf', check)) };
  }
  const missing = (why: string) => [
    `x.pdf：印出的与内嵌的数据不同：${PROJECT}：${FISCAL_LABEL}：印出（空），内嵌的数据是「1234567.89」`,
    `x.pdf：第 1 页有文字${why}，不印在纸上，没有当作印出的读：「${FISCAL}」`,
  ];
  /** An ExtGState named `name` added to the page's resources (which may have none yet). */
  const withGraphicsState = (page: PageText, name: string, entries: Record<string, number | string>) => {
    let states = page.resources.lookup(PDFName.of('ExtGState'));
    if (!(states instanceof PDFDict)) page.resources.set(PDFName.of('ExtGState'), (states = page.pdf.context.obj({})));
    (states as PDFDict).set(PDFName.of(name), page.pdf.context.obj({ Type: 'ExtGState', ...entries }));
  };

  const cases: Array<[string, Unprinted, string, (page: PageText) => string]> = [
    ['render mode 3', 'invisible', '设成了不显示（文字渲染模式 3 或 7）', (page) => aroundRun(page, FISCAL, (run) => `3 Tr ${run} 0 Tr`)],
    ['clipped away', 'clipped', '被裁剪掉了', (page) => beforeTextObject(page, FISCAL, '0 0 1 1 re W n')],
    ['drawn outside the page', 'off-page', '在页面的可见范围以外', (page) => aroundRun(page, FISCAL, (run) => `1 0 0 1 700 100 Tm ${run}`)],
    ['white on the white paper', 'background', '与底色相同（如白纸上的白字）', (page) => aroundRun(page, FISCAL, (run) => `1 1 1 scn ${run}`)],
    ['white on a white box', 'background', '与底色相同（如白纸上的白字）', (page) => beforeTextObject({ ...page, content: aroundRun(page, FISCAL, (run) => `1 g ${run}`) }, FISCAL, boxOver(page, 1))],
    ['transparent (ca 0)', 'transparent', '是透明的', (page) => {
      withGraphicsState(page, 'Hide', { ca: 0 });
      return aroundRun(page, FISCAL, (run) => `/Hide gs ${run}`);
    }],
    // The page's content ends under pdfkit's flip of the y axis: drawn with it undone.
    ['covered by a white box painted after it', 'covered', '被后来画的色块或图片盖住了', (page) => `${page.content}\nq ${UNFLIP} ${boxOver(page, 1)} Q`],
    ['covered by a white box drawn as four lines', 'covered', '被后来画的色块或图片盖住了', (page) => {
      const [x, y] = origin(page, FISCAL);
      return `${page.content}\nq ${UNFLIP} 1 g ${x - 1} ${y - 3} m ${x + 79} ${y - 3} l ${x + 79} ${y + 11} l ${x - 1} ${y + 11} l h f Q`;
    }],
    ['under 1 pt', 'tiny', '高或宽不到 1 磅，看不见', (page) => aroundRun(page, FISCAL, (run) => `/F2 0.5 Tf ${run}`)],
    ['squeezed flat (Tz 5)', 'tiny', '高或宽不到 1 磅，看不见', (page) => aroundRun(page, FISCAL, (run) => `5 Tz ${run}`)],
    ['black on white in blend mode Screen (shows as white)', 'blended', '经软遮罩或混合模式（不是 Normal）画出，纸上不一定看得见', (page) => {
      withGraphicsState(page, 'Screen', { BM: 'Screen' });
      return aroundRun(page, FISCAL, (run) => `/Screen gs ${run}`);
    }],
  ];
  it.each(cases)('%s', async (_, why, words, edit) => {
    const read = await readBack(await doctored(edit));
    expect(read.text).not.toContain(FISCAL);
    expect(read.unprinted).toEqual([{ text: FISCAL, why }]);
    expect(read.lines).toEqual(missing(words));
  });

  it('a layer (optional content) that is off', async () => {
    const read = await readBack(
      await doctored((page) => {
        const context = page.pdf.context;
        const layer = context.register(context.obj({ Type: 'OCG', Name: 'hidden' }));
        page.pdf.catalog.set(PDFName.of('OCProperties'), context.obj({ OCGs: [layer], D: { OFF: [layer] } }));
        page.resources.set(PDFName.of('Properties'), context.obj({ L0: layer }));
        return aroundRun(page, FISCAL, (run) => `/OC /L0 BDC ${run} EMC`);
      }),
    );
    expect(read.unprinted).toEqual([{ text: FISCAL, why: 'layer-off' }]);
    expect(read.lines).toEqual(missing('在关闭的图层（可选内容）里'));
  });

  it('printed: white text on a black box, and text drawn in a form XObject (another amount printed there is named)', async () => {
    const onBlack = await readBack(await doctored((page) => beforeTextObject({ ...page, content: aroundRun(page, FISCAL, (run) => `1 g ${run}`) }, FISCAL, boxOver(page, 0))));
    expect([onBlack.text.includes(FISCAL), onBlack.unprinted, onBlack.lines]).toEqual([true, [], []]);
    // The amount hidden on the page and another printed by a form XObject over it.
    const inForm = await readBack(
      await doctored((page) => {
        const context = page.pdf.context;
        const run = `[<${page.hex('9,234,567.89')}> 0] TJ`;
        const [x, y] = origin(page, FISCAL);
        const form = context.flateStream(Buffer.from(`BT 1 0 0 1 ${x} ${y} Tm /F2 10.5 Tf ${run} ET`, 'latin1'), {
          Type: 'XObject',
          Subtype: 'Form',
          BBox: [0, 0, 595.28, 841.89],
          Resources: { Font: page.resources.lookup(PDFName.of('Font'), PDFDict) },
        });
        page.resources.set(PDFName.of('XObject'), context.obj({ Fx: context.register(form) }));
        return `${aroundRun(page, FISCAL, (r) => `3 Tr ${r} 0 Tr`)}\nq ${UNFLIP} /Fx Do Q`;
      }),
    );
    expect(inForm.lines).toEqual([
      `x.pdf：印出的与内嵌的数据不同：${PROJECT}：${FISCAL_LABEL}：印出「9234567.89」，内嵌的数据是「1234567.89」`,
      `x.pdf：第 1 页有文字设成了不显示（文字渲染模式 3 或 7），不印在纸上，没有当作印出的读：「${FISCAL}」`,
    ]);
  });

  it('an annotation’s appearance is printed over the page: its box covers, its text is read', async () => {
    const read = await readBack(
      await doctored((page) => {
        const context = page.pdf.context;
        const [x, y] = origin(page, FISCAL);
        const appearance = context.flateStream(Buffer.from(`1 g 0 0 80 16 re f 0 g BT 1 0 0 1 2 4 Tm /F2 10.5 Tf [<${page.hex('9,234,567.89')}> 0] TJ ET`, 'latin1'), {
          Type: 'XObject',
          Subtype: 'Form',
          BBox: [0, 0, 80, 16],
          Resources: { Font: page.resources.lookup(PDFName.of('Font'), PDFDict) },
        });
        const annotation = context.obj({ Type: 'Annot', Subtype: 'FreeText', Rect: [x - 2, y - 4, x + 78, y + 12], F: 4, AP: { N: context.register(appearance) }, DA: '/F2 10.5 Tf 0 g' });
        const page0 = page.pdf.getPages()[0]!.node;
        page0.set(PDFName.of('Annots'), context.obj([context.register(annotation)]));
        expect(page0.lookup(PDFName.of('Annots'), PDFArray).size()).toBe(1);
        return page.content;
      }),
    );
    expect(read.unprinted).toEqual([{ text: FISCAL, why: 'covered' }]);
    expect(read.lines).toEqual([
      `x.pdf：印出的与内嵌的数据不同：${PROJECT}：${FISCAL_LABEL}：印出「9234567.89」，内嵌的数据是「1234567.89」`,
      `x.pdf：第 1 页有文字被后来画的色块或图片盖住了，不印在纸上，没有当作印出的读：「${FISCAL}」`,
    ]);
  });
});

describe('inline images are skipped in one forward scan (item 13)', () => {
  /** A one-page PDF whose content stream is `content` (compressed: 1.4 MB of repeated images is a few KB). */
  async function pdfWith(content: string): Promise<Uint8Array> {
    const pdf = await PDFDocument.create();
    const page = pdf.addPage([595.28, 841.89]);
    page.node.set(PDFName.of('Contents'), pdf.context.register(pdf.context.flateStream(Buffer.from(content, 'latin1'))));
    return pdf.save();
  }
  // A 2×1 stencil mask, drawn 23,000 times: 1.4 MB of content.
  const IMAGE = 'q 2 0 0 2 100 700 cm BI /W 2 /H 1 /BPC 1 /IM true ID \x80\x40 EI Q\n';
  const MANY = IMAGE.repeat(Math.ceil(1.4e6 / IMAGE.length));

  it('the reader: a 1.4 MB stream of inline images read in seconds; data holding "EI" does not end an image', async () => {
    const bytes = await pdfWith(MANY);
    expect(bytes.length).toBeLessThan(20_000);
    const started = performance.now();
    const [page] = readPdfPages(await PDFDocument.load(bytes));
    const seconds = (performance.now() - started) / 1000;
    // Measured 0.5–1.3 s on 2 busy cores (the old reader: 53 s); the bound only catches a quadratic reader.
    expect(seconds).toBeLessThan(20);
    expect([page!.glyphs, page!.rules, page!.unprinted]).toEqual([[], [], []]);
    // "EI" inside the data, and the image's length given (/L): the operators after it are read (a rule).
    const after = '0 0 0 RG 1 w 100 100 m 300 100 l S\n';
    for (const image of ['BI /W 4 /H 1 /BPC 8 /CS /G ID xEIyEI\nEI\n', 'BI /W 4 /H 1 /BPC 8 /CS /G /L 4 ID EI E EI\n']) {
      const [read] = readPdfPages(await PDFDocument.load(await pdfWith(`q ${image}Q\n${after}`)));
      expect(read!.rules, image).toEqual([{ x1: 100, y1: 100, x2: 300, y2: 100, width: 1 }]);
    }
  });

  it('extract of it, as a process under a 1.5 GB address-space limit: refused as not a form, in seconds', async () => {
    const dir = await folder('inline-images', { 'images.pdf': await pdfWith(MANY) });
    const before = await treeHashes(dir);
    const started = performance.now();
    const run = await shenbao(['extract', 'images.pdf', '-o', 'data.json'], dir, { memory: 1_500_000_000 });
    expect(performance.now() - started).toBeLessThan(30_000);
    expect([run.code, run.stdout, lines(run.stderr)]).toEqual([2, '', ['images.pdf：没有找到「财政项目支出绩效目标申报表」，不是 shenbao 生成的申报表或汇总表']]);
    expect(await treeHashes(dir)).toEqual(before);
  }, 60_000);
});

// Found by attacking the check: the real amount hidden by paint the reader does not work out (a
// shading, a shape that is not one rectangle, a clip of two rectangles, a box over part of the
// digits, a pattern colour). Not worked out means not confirmed: refused, never passed.
describe('paint whose effect is not worked out: the print is not confirmed', () => {
  const cases: Array<[string, string, (page: PageText) => string]> = [
    ['a shading', '画了渐变（sh）', (page) => `${page.content}\nq /Sh0 sh Q`],
    ['a filled shape that is not one rectangle', '画了不是矩形的填充图形', (page) => `${page.content}\nq 1 g 0 0 m 10 0 l 10 10 l 5 15 l 0 10 l h f Q`],
    ['a clip of two rectangles', '剪切路径不是一个矩形', (page) => `q 0 0 1 1 re 700 900 1 1 re W n ${page.content} Q`],
    ['a box over part of the amount', `文字「${FISCAL[0]}」被后画的色块或图片盖住了一部分`, (page) => {
      const [x, y] = origin(page, FISCAL);
      return `${page.content}\nq ${UNFLIP} 1 g ${x - 1} ${y} 4 3 re f Q`;
    }],
    ['a FreeText annotation without an appearance (a viewer draws its text)', '有没有外观的注释（阅读器会自己画出它）', (page) => {
      const context = page.pdf.context;
      const note = context.obj({ Type: 'Annot', Subtype: 'FreeText', Rect: [100, 100, 300, 130], Contents: PDFString.of('9,999,999.99'), DA: PDFString.of('/Helv 12 Tf 0 g') });
      page.pdf.getPages()[0]!.node.set(PDFName.of('Annots'), context.obj([context.register(note)]));
      return page.content;
    }],
    ['a NeedAppearances form (a viewer draws its fields)', '的表单要求阅读器自己画出字段（NeedAppearances）', (page) => {
      page.pdf.catalog.set(PDFName.of('AcroForm'), page.pdf.context.obj({ Fields: [], NeedAppearances: true }));
      return page.content;
    }],
  ];
  it.each(cases)('%s: extract refuses (exit 1), naming the page and what was painted; nothing written', async (name, what, edit) => {
    const bytes = await doctored(edit);
    const dir = await folder(`unmodelled-${cases.findIndex((c) => c[0] === name)}`, { 'x.pdf': bytes });
    const file = path.join(dir, 'x.pdf');
    const before = await treeHashes(dir);
    const run = await cli(['extract', file, '-o', path.join(dir, 'data.json')]);
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toContain(`${file}：第 1 页${what}，印出的内容无法确认`);
    expect(run.stderr).not.toMatch(/内部错误|\n\s+at /);
    expect(await treeHashes(dir)).toEqual(before);
  });
});
