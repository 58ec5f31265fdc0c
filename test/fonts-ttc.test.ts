// Issue 19 item 5: fonts as offices have them. Windows' 宋体 is simsun.ttc, a collection; a face of
// it is named after `#` (--font simsun.ttc#SimSun). The collection here is made at test time from
// the bundled Noto Serif SC faces, renamed (PostScript ShenbaoSong-Regular / -Bold) so that a PDF
// drawn with them cannot be mistaken for one drawn with the default fonts.
//  - the seed builds with both faces of the collection: one build (dist/, as the command runs it)
//    with a worker thread making every second form: a worker gets the fonts as names and bytes;
//  - its PDFs read back as text (pdf-parse), embed exactly the chosen faces, and extract confirms
//    their printed text with the same --font (and says it cannot without it);
//  - a collection without a face name, or with one it lacks, is refused, listing its faces;
//  - `shenbao fonts` lists both faces with the form's and the data's coverage;
//  - OpenType/CFF: Noto Serif CJK's collection (.ttc of CFF faces) draws a form and reads back,
//    where fonts-noto-cjk is installed.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { declarationDocument } from '../src/layout/forms.js';
import { loadTemplates } from '../src/layout/templates.js';
import { pagedPdf } from '../src/output/paged-pdf.js';
import { checkFontFile, chooseFonts, DEFAULT_FONTS, fontSource, loadFonts } from '../src/render/fonts.js';
import { loadPdf, readPdfForms } from '../src/extract/pdf.js';
import { shenbaoHere } from './support/cli.js';
import { withShiftedCffCharset } from './support/embedded-font-forgery.js';
import { trueTypeCollection } from './support/font-collection.js';
import { withPostScriptName } from './support/hostile-fonts.js';
import { readPdf } from './support/pdf.js';
import { loadSeed, SEED_FILE } from './support/seed.js';

const seed = loadSeed();
let work: string;
let ttc: string;
const REGULAR = 'ShenbaoSong-Regular';
const BOLD = 'ShenbaoSong-Bold';

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'shenbao-fonts-ttc-'));
  const [regular, bold] = await Promise.all([readFile(DEFAULT_FONTS.regular), readFile(DEFAULT_FONTS.bold)]);
  ttc = path.join(work, 'made.ttc');
  await writeFile(ttc, trueTypeCollection([withPostScriptName(regular, REGULAR), withPostScriptName(bold, BOLD)]));
});
afterAll(() => rm(work, { recursive: true, force: true }));

/** The PostScript names of the fonts a PDF embeds (pdfkit writes /BaseFont /ABCDEF+Name in plain objects). */
const embeddedFonts = (pdf: Buffer) => [...new Set([...pdf.toString('latin1').matchAll(/\/BaseFont \/[A-Z]{6}\+([!-~]+?)(?=[\s/>])/g)].map((m) => m[1]))].sort();

/** How a load of these fonts ends: 'loaded', or the error's class and message. */
const loading = (regular: string, bold?: string) =>
  loadFonts(chooseFonts(regular, bold)).then(
    () => 'loaded',
    (error: Error) => `${error.name}: ${error.message}`,
  );

describe('a face of a TrueType collection (.ttc) named after #', () => {
  it('builds the seed (a worker thread making every second form): every PDF embeds the chosen faces and reads back; extract confirms it with them', async () => {
    // From dist/: the workers are plain JavaScript modules there. 5 forms a worker: the seed's 10 take one.
    const { buildFiles } = (await import(path.resolve('dist', 'output', 'build.js'))) as typeof import('../src/output/build.js');
    const [built] = await buildFiles([SEED_FILE], {
      outDir: path.join(work, 'out'),
      formats: ['pdf'], // Word files name a font and embed none
      creationDate: new Date('2023-01-01T00:00:00Z'),
      fonts: chooseFonts(`${ttc}#${REGULAR}`, `${ttc}#${BOLD}`),
      jobs: 2,
      pool: { formsPerWorker: 5 },
    });
    expect(built!.ok).toBe(true);
    const fonts = ['--font', `made.ttc#${REGULAR}`, '--font-bold', `made.ttc#${BOLD}`];
    const folder = path.join(work, 'out', 'minhang-2023');
    const pdfs = (await readdir(folder)).filter((f) => f.endsWith('.pdf')).sort();
    expect(pdfs).toHaveLength(seed.projects.length + 1);
    for (const file of pdfs) expect(embeddedFonts(await readFile(path.join(folder, file))), file).toEqual([BOLD, REGULAR]);

    const first = pdfs[0]!;
    const { pages } = await readPdf(await readFile(path.join(folder, first)));
    expect(pages[0]).toContain('财政项目支出绩效目标申报表');
    expect(pages[0]).toContain(seed.projects[0]!.name);

    // extract reads the attached data and checks the printed text against it with the same faces.
    const read = await shenbaoHere(['extract', path.join(folder, first), '-o', 'read.json', ...fonts], work);
    expect(read.code).toBe(0);
    expect(read.stderr).not.toMatch(/无法核对|不符/);
    expect(JSON.parse(await readFile(path.join(work, 'read.json'), 'utf8')).projects[0].name).toBe(seed.projects[0]!.name);
    // Without them, it says it cannot confirm the print.
    const unconfirmed = await shenbaoHere(['extract', path.join(folder, first), '-o', 'read2.json'], work);
    expect(unconfirmed.stderr).toContain('印出的是什么字无法核对');
  }, 120_000);

  it('a face the collection lacks is refused, listing the faces it has', async () => {
    expect(await loading(`${ttc}#SimSun`)).toBe(
      `UserError: 字体文件 ${ttc} 中没有名为「SimSun」的字体，它含有 2 个字体：${REGULAR}、${BOLD}；请在文件名后加 # 和其中一个字体名，如 --font ${ttc}#${REGULAR}`,
    );
    // The command line says it the same way, before any work.
    const run = await shenbaoHere(['validate', SEED_FILE, '--font', 'made.ttc#ShenbaoSong-Italic'], work);
    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr: `字体文件 made.ttc 中没有名为「ShenbaoSong-Italic」的字体，它含有 2 个字体：${REGULAR}、${BOLD}；请在文件名后加 # 和其中一个字体名，如 --font made.ttc#${REGULAR}\n`,
    });
  });

  it('a collection without a face name is refused, listing its faces (its first face is not taken)', async () => {
    expect(await loading(ttc)).toBe(
      `UserError: 字体文件 ${ttc} 是字体集合，含 2 个字体：${REGULAR}、${BOLD}；请在文件名后加 # 和其中一个字体名，如 --font ${ttc}#${REGULAR}`,
    );
  });

  it('a face name after a single font must be its own; a "#" elsewhere in a path is part of the name', async () => {
    expect(await loading(`${DEFAULT_FONTS.regular}#NotoSerifSC-Regular`)).toBe('loaded');
    expect(await loading(`${DEFAULT_FONTS.regular}#SimSun`)).toBe(
      `UserError: 字体文件 ${DEFAULT_FONTS.regular} 中没有名为「SimSun」的字体，它含有 1 个字体：NotoSerifSC-Regular；请在文件名后加 # 和其中一个字体名，如 --font ${DEFAULT_FONTS.regular}#NotoSerifSC-Regular`,
    );
    const odd = path.join(work, '#2');
    expect(await loading(odd)).toBe(`UserError: 找不到 ${odd}：没有这个文件或文件夹，请检查路径是否写对`);
    // After the last '#' a path, not a face name: a folder named like a collection (x.ttc#1/) holds the font.
    expect(fontSource('fo#nts/x.ttc#1/song.ttf')).toEqual({ file: 'fo#nts/x.ttc#1/song.ttf' });
    expect(fontSource('C:\\字体\\x.ttc#1\\song.ttf')).toEqual({ file: 'C:\\字体\\x.ttc#1\\song.ttf' });
    expect(fontSource('fo#nts/x.ttc#SimSun')).toEqual({ file: 'fo#nts/x.ttc', face: 'SimSun' });
    const folder = path.join(work, 'fo#nts', 'x.ttc#1');
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, 'song.ttf'), await readFile(DEFAULT_FONTS.regular));
    expect(await loading(path.join(folder, 'song.ttf'))).toBe('loaded');
  });

  it('two faces of one PostScript name: the name is refused, naming both (pdfkit, too, would take the first); `fonts` says so of each', async () => {
    const regular = withPostScriptName(await readFile(DEFAULT_FONTS.regular), REGULAR);
    const twin = path.join(work, 'twin.ttc');
    await writeFile(twin, trueTypeCollection([regular, regular]));
    const refusal = `字体文件 ${twin} 中有 2 个字体都名为「${REGULAR}」（第 1 个、第 2 个），无法确定用哪一个；它含有 2 个字体：${REGULAR}、${REGULAR}；请换用字体名不重复的字体文件`;
    expect(await loading(`${twin}#${REGULAR}`)).toBe(`UserError: ${refusal}`);
    const run = await shenbaoHere(['fonts', twin], work);
    const face = [`${twin}#${REGULAR}`, '  Noto Serif SC Regular，TrueType 轮廓', '  申报表上的 80 个字：都有', `  不能用：${refusal}`];
    expect(run).toEqual({ code: 0, stdout: [...face, ...face, ''].join('\n'), stderr: '' });
  });

  it('a collection cut short: refused as damaged (not faces without names), by a build and by `fonts`, alone or in a folder', async () => {
    const cut = path.join(work, 'cut', 'cut.ttc');
    await mkdir(path.dirname(cut), { recursive: true });
    // Both faces' table directories are there; the bold face's last table is not.
    const whole = await readFile(ttc);
    await writeFile(cut, whole.subarray(0, whole.length - 1000));
    const damaged = `字体文件 ${cut} 已损坏或不完整（glyf 表超出了文件末尾，文件可能只复制了一部分），请重新复制或下载这个字体文件`;
    expect(await loading(`${cut}#${REGULAR}`)).toBe(`UserError: ${damaged}`);
    expect(await loading(cut)).toBe(`UserError: ${damaged}`);
    expect(await shenbaoHere(['fonts', cut], work)).toEqual({ code: 2, stdout: '', stderr: `${damaged}\n` });
    expect(await shenbaoHere(['fonts', path.dirname(cut)], work)).toEqual({ code: 0, stdout: '', stderr: `${damaged}\n` });
  });
});

describe('shenbao fonts', () => {
  it('lists each face of a collection with the name to give --font, and what of the form and the data it lacks', async () => {
    // 𠀀 and 𠀁 (CJK Extension B) are not in Noto Serif SC; 甲 and the digits are.
    await writeFile(path.join(work, 'odd.json'), JSON.stringify({ $schema: 'x', projects: [{ name: '甲𠀀', x: ['𠀁', 12] }] }));
    const run = await shenbaoHere(['fonts', 'made.ttc', '--data', 'odd.json'], work);
    const face = (name: string, style: string) => [
      `made.ttc#${name}`,
      `  Noto Serif SC ${style}，TrueType 轮廓`,
      '  申报表上的 80 个字：都有',
      '  数据文件 odd.json 中的 5 个字：缺 2 个：「𠀀」「𠀁」',
      '  缺字：用它时 build 会报出缺的字，这些字印不出',
    ];
    expect(run).toEqual({ code: 0, stdout: [...face(REGULAR, 'Regular'), ...face(BOLD, 'Bold'), ''].join('\n'), stderr: '' });
  });

  it('a folder: each font file in it; a face that prints the form says how to name it', async () => {
    const run = await shenbaoHere(['fonts', path.dirname(DEFAULT_FONTS.regular)], work);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${DEFAULT_FONTS.bold}\n  Noto Serif SC Bold，TrueType 轮廓\n  申报表上的 80 个字：都有\n  可以用：--font ${DEFAULT_FONTS.bold}\n`);
    expect(run.stdout).toContain(`${DEFAULT_FONTS.regular}\n`);
  });
});

const NOTO_CJK = '/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc';
const NOTO_CJK_BOLD = '/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc';
const cjk = existsSync(NOTO_CJK) && existsSync(NOTO_CJK_BOLD);
if (!cjk) console.log(`跳过 OpenType/CFF 的测试：没有 ${NOTO_CJK}（Debian 的 fonts-noto-cjk 包）`);

describe.skipIf(!cjk)('OpenType/CFF: a CFF collection (Noto Serif CJK, fonts-noto-cjk)', () => {
  it('draws a form in the SC faces (FontFile3, CIDFontType0C) whose text reads back', async () => {
    const fonts = await loadFonts(chooseFonts(`${NOTO_CJK}#NotoSerifCJKsc-Regular`, `${NOTO_CJK_BOLD}#NotoSerifCJKsc-Bold`));
    const templates = await loadTemplates();
    const { bytes } = await pagedPdf(declarationDocument(templates, seed.projects[0]!, seed.year, 0), { fonts, creationDate: new Date(0) });
    const pdf = Buffer.from(bytes);
    expect(embeddedFonts(pdf)).toEqual(['NotoSerifCJKsc-Bold', 'NotoSerifCJKsc-Regular']);
    expect(pdf.toString('latin1')).toContain('/Subtype /CIDFontType0C');
    const { pages } = await readPdf(pdf);
    expect(pages[0]).toContain('财政项目支出绩效目标申报表');
    expect(pages[0]).toContain(seed.projects[0]!.name);
  });

  it('the glyph check compares the CFF FontMatrix (the top DICT\'s and the Font DICTs\'): read with a face whose matrix is half the embedded one\'s, its text is named as printed at another size', async () => {
    const names = chooseFonts(`${NOTO_CJK}#NotoSerifCJKsc-Regular`, `${NOTO_CJK_BOLD}#NotoSerifCJKsc-Bold`);
    const fonts = await loadFonts(names);
    const templates = await loadTemplates();
    const { bytes } = await pagedPdf(declarationDocument(templates, seed.projects[0]!, seed.year, 0), { fonts, creationDate: new Date(0) });
    const pdf = await loadPdf(bytes, 'cff.pdf');
    const read = (regular: typeof fonts.faces.regular) => readPdfForms(pdf, 'cff.pdf', templates, { ...fonts, faces: { ...fonts.faces, regular } }).unverified.map((d) => d.message);
    expect(read(fonts.faces.regular)).toEqual([]);
    const half = [0.0005, 0, 0, 0.0005, 0, 0];
    type Cff = { topDict: { FontMatrix: number[]; FDArray: Array<{ FontMatrix: number[] }> } };
    // Each its own parse of the face (loadFonts keeps one per process), its matrix changed in memory.
    const top = checkFontFile(names.regular, fonts.regular).face;
    (top.font as unknown as { 'CFF ': Cff })['CFF '].topDict.FontMatrix = half;
    const fd = checkFontFile(names.regular, fonts.regular).face;
    for (const dict of (fd.font as unknown as { 'CFF ': Cff })['CFF '].topDict.FDArray) dict.FontMatrix = half;
    const rescaled = '第 1 页印出的字的大小与 PDF 标明的不符（嵌入的字体被改了缩放比例），读出的不一定是印出的：标作「(」「2」「0」「3」「年」「度」「)」「项」「目」「名」 等 204 个字的字';
    expect(read(top)).toEqual([rescaled]);
    expect(read(fd)).toEqual([rescaled]);
  });

  it('its Japanese, Korean and Traditional Chinese faces print some of the form in their own forms: `fonts` and a build say so, naming the face', async () => {
    const listed = await shenbaoHere(['fonts', NOTO_CJK], work);
    expect(listed.code).toBe(0);
    const note = (chars: string, count: number) =>
      `默认印出的${chars} 等 ${count} 个字不是简体中文的字形（它是日文、韩文或繁体中文的字体），申报表上会印成那种写法；请换用简体中文的字体（字体集合中名字带 sc 或 SC 的那个）`;
    expect(listed.stdout).toContain(
      `${NOTO_CJK}#NotoSerifCJKjp-Regular\n  Noto Serif CJK JP Regular，CFF 轮廓\n  申报表上的 80 个字：都有\n  字形不对：${note('「出」「效」「表」「第」「名」「称」「类」「别」', 19)}\n`,
    );
    expect(listed.stdout).toContain(`  字形不对：${note('「第」「名」「类」「别」「管」「施」「始」「款」', 10)}\n`); // TC
    expect(listed.stdout).toContain(`${NOTO_CJK}#NotoSerifCJKsc-Regular\n  Noto Serif CJK SC Regular，CFF 轮廓\n  申报表上的 80 个字：都有\n  可以用：--font ${NOTO_CJK}#NotoSerifCJKsc-Regular\n`);
    expect(listed.stdout.match(/字形不对/g)).toHaveLength(4); // JP, KR, TC, HK
    expect(listed.stdout.match(/可以用/g)).toHaveLength(1);

    const one = path.join(work, 'one-jp.json');
    await writeFile(one, JSON.stringify({ ...seed, projects: seed.projects.slice(0, 1) }));
    const fonts = ['--font', `${NOTO_CJK}#NotoSerifCJKjp-Regular`, '--font-bold', `${NOTO_CJK_BOLD}#NotoSerifCJKsc-Bold`];
    const built = await shenbaoHere(['build', one, '-o', 'jp', '--date', '2023-01-01', '--quiet', '--format', 'pdf', '--jobs', '1', ...fonts], work);
    expect(built).toEqual({
      code: 0,
      stdout: '',
      stderr: `${one}：警告：字体 ${NOTO_CJK}#NotoSerifCJKjp-Regular 默认印出的「出」「效」「表」「第」不是简体中文的字形（它是日文、韩文或繁体中文的字体），申报表上会印成那种写法；请换用简体中文的字体（字体集合中名字带 sc 或 SC 的那个）\n${one}：写出 2 个文件，0 个错误，1 条警告\n`,
    });
  }, 60_000);

  it('the collection cut short (its faces\' directories whole, their tables not): `fonts` says it is damaged, not faces without names', async () => {
    const cut = path.join(work, 'cut-cjk.ttc');
    await writeFile(cut, (await readFile(NOTO_CJK)).subarray(0, 300_000));
    expect(await shenbaoHere(['fonts', cut], work)).toEqual({ code: 2, stdout: '', stderr: `字体文件 ${cut} 已损坏或不完整（CFF 表超出了文件末尾，文件可能只复制了一部分），请重新复制或下载这个字体文件\n` });
  });

  it('a built form is confirmed by extract with the same faces', async () => {
    const fonts = ['--font', `${NOTO_CJK}#NotoSerifCJKsc-Regular`, '--font-bold', `${NOTO_CJK_BOLD}#NotoSerifCJKsc-Bold`];
    const one = path.join(work, 'one.json');
    await writeFile(one, JSON.stringify({ ...seed, projects: seed.projects.slice(0, 1) }));
    const built = await shenbaoHere(['build', one, '-o', 'cjk', '--date', '2023-01-01', '--quiet', '--format', 'pdf', '--jobs', '1', ...fonts], work);
    expect(built).toMatchObject({ code: 0 });
    const file = path.join(work, 'cjk', 'one', `01-${seed.projects[0]!.name}.pdf`);
    const read = await shenbaoHere(['extract', file, '-o', 'cjk.json', ...fonts], work);
    expect(read.code).toBe(0);
    expect(read.stderr).not.toMatch(/无法核对|不符/);

    // Its CFF programs' charset moved one CID on: a viewer draws each character with the glyph
    // before it in the subset (CID → glyph through the charset); the content, ToUnicode and data are kept.
    const forged = path.join(work, 'cjk-forged.pdf');
    await writeFile(forged, await withShiftedCffCharset(await readFile(file)));
    const refused = await shenbaoHere(['extract', forged, '-o', 'forged.json', ...fonts], work);
    expect(refused).toEqual({
      code: 1,
      stdout: '',
      stderr: [
        `${forged}：第 1 页印出的字形与 PDF 标明的字不符（字体的字符对照表被改过，或字体没有嵌入），读出的不一定是印出的：标作「财」「政」「项」「目」「支」「出」「绩」「效」「标」「申」 等 207 个字的字`,
        `${forged}：印出的是什么字无法核对，不能当作与附带的数据相同，没有写出数据`,
        '',
      ].join('\n'),
    });
    expect(existsSync(path.join(work, 'forged.json'))).toBe(false);
  }, 60_000);
});
