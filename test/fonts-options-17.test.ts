// Issue 17, items 5, 6, 7 and the .otf of 16, each run as a user runs it (the real command) where a
// file could be written, asserting the exit code, the exact Chinese line (no stack trace) and the
// folder's state before and after (treeHashes):
//   5. an option written into a file (--docx-font, --title, --unit, -o) with a control character,
//      a noncharacter (U+FFFF), a direction character or a lone surrogate: refused, nothing written
//      (--reason and --location: test/sign-refusals-17.test.ts);
//   6. the bidi isolates U+2066–U+2069 and U+061C in a project name: that project refused with its
//      field named, the others built; in a data file's name: the packet folder's name has "_";
//   7. crafted fonts: a composite glyph that contains itself (directly, or in a circle of two), one
//      nested deeper than 16 levels or using a glyph that does not exist, unitsPerEm 16 (a
//      924-page blank PDF before), 64 or 20000: refused when the font is loaded, before any work;
//  16. an OpenType font with CFF outlines (.otf): it crashed `build` with "Unknown font format";
//      since issue 19 it loads (pdfkit embeds CFF), and a variable one (CFF2), which pdfkit cannot
//      embed, is refused before any work, saying what works.
// Found when trying it again: a PostScript name with PDF syntax in it (pdfkit writes it unescaped)
// made every PDF structurally broken, exit 0: refused too; a cmap that maps characters past the
// last glyph printed them from whatever bytes lay there: they count as missing now.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, type ExpectStatic } from 'vitest';
import { runCli } from '../src/command-line.js';
import { chooseFonts, loadFonts, REQUIRED_TEXT } from '../src/render/fonts.js';
import { CLI, shenbaoHere } from './support/cli.js';
import { cffFont, glyphOf, noto, tableOffsets, withCmapBeyondGlyphs, withComposites, withPostScriptName, withUnitsPerEm } from './support/hostile-fonts.js';
import { loadSeed } from './support/seed.js';
import { treeHashes } from './support/tree.js';

let work: string;
let seedFile: string; // the seed's first three projects
let notoBytes: Buffer;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'shenbao-17-fonts-options-'));
  const seed = loadSeed();
  seedFile = path.join(work, 'unit-2023.json');
  await writeFile(seedFile, `${JSON.stringify({ ...seed, projects: seed.projects.slice(0, 3) }, null, 2)}\n`);
  notoBytes = noto();
});
afterAll(() => rm(work, { recursive: true, force: true }));

/** The command in `work` (in this process; the GBK case below is a real one), with the whole of `work` hashed before and after. */
async function run(args: string[]) {
  const before = await treeHashes(work);
  const result = await shenbaoHere(args, work);
  return { ...result, before, after: await treeHashes(work) };
}

const noStack = (stderr: string) => expect(stderr).not.toMatch(/内部错误|\n\s+at |Error:/);

/** `args` refused with exit 2 and exactly `message`, nothing written (side by side: none may write, so the hashes of `work` agree). */
async function refusedOption([args, message]: [string[], string], { expect }: { expect: ExpectStatic }) {
  const { code, stdout, stderr, before, after } = await run(args);
  expect(code).toBe(2);
  expect(stderr).toBe(`${message}\n`);
  expect(stdout).toBe('');
  expect(stderr).not.toMatch(/内部错误|\n\s+at |Error:/);
  expect(after).toEqual(before);
}

describe('item 5: options written into a file hold only what a file can', () => {
  it.concurrent.for([
    [['build', 'unit-2023.json', '--docx-font', '宋\u0001体'], '--docx-font 的第 2 个字符是控制字符 U+0001，不能写进 Word 文件，请删除它'],
    [['build', 'unit-2023.json', '--docx-font', '宋体\uFFFF'], '--docx-font 的第 3 个字符是非字符 U+FFFF，不能写进 Word 文件，请删除它'],
    [['build', 'unit-2023.json', '--docx-font', '仿宋\u2067_GB2312'], '--docx-font 的第 3 个字符是不可见字符 U+2067（从右到左隔离），不能写进 Word 文件，请删除它'],
    [['build', 'unit-2023.json', '-o', 'out\u2066fdp.exe'], '-o 的第 4 个字符是不可见字符 U+2066（从左到右隔离），不能用在文件名里，请删除它'],
    [['blank', '--docx-font', '宋体\u001b[2J'], '--docx-font 的第 3 个字符是控制字符 U+001B，不能写进 Word 文件，请删除它'],
    [['blank', '--unit', '上海市闵行区\u0007地区工作办公室'], '--unit 的第 7 个字符是控制字符 U+0007，不能写进文件，请删除它'],
    [['blank', '--title', '汇总表\uFFFE'], '--title 的第 4 个字符是非字符 U+FFFE，不能写进文件，请删除它'],
    [['blank', '-o', '新项目\u202E.docx'], '-o 的第 4 个字符是不可见字符 U+202E（从右到左强制），不能用在文件名里，请删除它'],
    [['extract', 'a.docx', 'b.docx', '--title', '项目绩效目标汇总表\u0085'], '--title 的第 10 个字符是控制字符 U+0085，不能写进文件，请删除它'],
    [['extract', 'a.docx', '--unit', '\u061C闵行'], '--unit 的第 1 个字符是不可见字符 U+061C（阿拉伯字母标记），不能写进文件，请删除它'],
    [['schema', '-o', 'packet\u2068.schema.json'], '-o 的第 7 个字符是不可见字符 U+2068（首字方向隔离），不能用在文件名里，请删除它'],
  ] as Array<[string[], string]>)('%j', { timeout: 60_000 }, refusedOption);

  it('a lone surrogate (which no command line can carry, but a program calling runCli can)', async () => {
    let stderr = '';
    const code = await runCli(['blank', '--unit', '闵行\uD800', '-o', path.join(work, 'never.docx')], { stdout: () => undefined, stderr: (t) => (stderr += t), isolate: false });
    expect(code).toBe(2);
    expect(stderr).toBe('--unit 的第 3 个字符是单独的代理码元 U+D800（半个字符），不能写进文件，请删除它\n');
    expect(await readdir(work)).not.toContain('never.docx');
  });

  it('an ordinary font name still builds', async () => {
    const { code, stderr } = await run(['build', 'unit-2023.json', '-o', 'ok', '--format', 'docx', '--docx-font', '仿宋_GB2312', '--quiet']);
    expect(code, stderr).toBe(0);
    expect((await readdir(path.join(work, 'ok', 'unit-2023'))).sort()).toEqual([
      '01-培训费.docx',
      '02-闵行区居村民服务自治平台（2023运维）.docx',
      '03-残疾人就业保障金.docx',
      'manifest.json',
      '汇总表.docx',
    ]);
    await rm(path.join(work, 'ok'), { recursive: true });
  }, 60_000);
});

describe('item 6: the bidi isolates and U+061C are invisible characters', () => {
  it('a project named with U+2066 and one with U+061C are refused, naming project and field; the other is built', async () => {
    const seed = loadSeed();
    const projects = seed.projects.slice(0, 3);
    projects[0] = { ...projects[0]!, name: '培训费\u2066fdp.exe' };
    projects[2] = { ...projects[2]!, name: '残疾人\u061C就业保障金' };
    const text = `${JSON.stringify({ ...seed, projects }, null, 2)}\n`;
    await mkdir(path.join(work, 'bidi'));
    await writeFile(path.join(work, 'bidi', 'unit-2023.json'), text);
    /** line:column of the value of the first `"name": <json>` in the file, as the diagnostics give it. */
    const place = (name: string) => {
      const at = text.indexOf(`"name": ${JSON.stringify(name)}`) + '"name": '.length;
      return `${text.slice(0, at).split('\n').length}:${at - text.lastIndexOf('\n', at - 1)}`;
    };
    const file = 'bidi/unit-2023.json';
    const { code, stderr, before, after } = await run(['build', file, '-o', 'bidi/out', '--format', 'pdf', '--quiet']);
    expect(code).toBe(1);
    expect(stderr.split('\n')).toEqual([
      `${file}:${place('培训费\u2066fdp.exe')}：项目 1「培训费\\u{2066}fdp.exe」：项目名称（projects[0].name）：错误：第 4 个字符是不可见字符 U+2066（从左到右隔离），多半是从网页或 Word 复制来的，请删除`,
      `${file}:${place('残疾人\u061C就业保障金')}：项目 3「残疾人\\u{61C}就业保障金」：项目名称（projects[2].name）：错误：第 4 个字符是不可见字符 U+061C（阿拉伯字母标记），多半是从网页或 Word 复制来的，请删除`,
      `${file}：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项`,
      '    提示：改正上面列出的错误后重新生成',
      `${file}：写出 1 个文件，3 个错误，0 条警告`,
      '',
    ]);
    noStack(stderr);
    // Only the packet folder is new, with the one good project and the manifest.
    const added = Object.keys(after).filter((key) => !(key in before)).sort();
    expect(added).toEqual(['bidi/out/', 'bidi/out/unit-2023/', 'bidi/out/unit-2023/02-闵行区居村民服务自治平台（2023运维）.pdf', 'bidi/out/unit-2023/manifest.json']);
    expect(Object.keys(before).filter((key) => after[key] !== before[key])).toEqual([]);
  }, 60_000);

  it('a data file named with U+2066 gets a packet folder without it', async () => {
    await mkdir(path.join(work, 'named'));
    const file = path.join('named', 'unit\u2066fdp.exe.json');
    await writeFile(path.join(work, file), `${JSON.stringify({ ...loadSeed(), projects: loadSeed().projects.slice(1, 2) }, null, 2)}\n`);
    const { code, stderr } = await run(['build', file, '-o', 'named/out', '--format', 'pdf', '--quiet']);
    expect(code, stderr).toBe(0);
    expect(await readdir(path.join(work, 'named', 'out'))).toEqual(['unit_fdp.exe']);
  }, 60_000);
});

/**
 * Each test's fonts (15 MB copies of Noto each) go when it ends: every later command's run hashes
 * the whole of `work` before and after, and 17 of them there made each hash take seconds.
 */
const removeFonts = () => rm(path.join(work, 'fonts'), { recursive: true, force: true });

describe('item 7 and the .otf of item 16: fonts that would print wrong are refused before any work', () => {
  afterEach(removeFonts);
  /** `bytes` as <work>/fonts/<name>. */
  const fontFile = async (name: string, bytes: Buffer) => {
    await mkdir(path.join(work, 'fonts'), { recursive: true });
    await writeFile(path.join(work, 'fonts', name), bytes);
    return path.join('fonts', name);
  };
  const damaged = (file: string, detail: string) => `字体文件 ${file} 已损坏或不完整（${detail}），请重新复制或下载这个字体文件`;

  it('a composite glyph that contains itself (项, printed in every form): build refuses, nothing written', async () => {
    const id = glyphOf(notoBytes, '项');
    const font = await fontFile('self.ttf', withComposites(notoBytes, [id], id));
    const { code, stdout, stderr, before, after } = await run(['build', 'unit-2023.json', '-o', 'out', '--font', font]);
    expect(code).toBe(2);
    expect(stderr).toBe(`${damaged(font, `组合字形 ${id} 包含它自己`)}\n`);
    expect(stdout).toBe('');
    noStack(stderr);
    expect(after).toEqual(before);
  }, 60_000);

  it('unitsPerEm 16 (a 924-page blank PDF before): build refuses, nothing written', async () => {
    const font = await fontFile('upem16.ttf', withUnitsPerEm(notoBytes, 16));
    const { code, stderr, before, after } = await run(['build', 'unit-2023.json', '-o', 'out', '--font-bold', font]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `字体文件 ${font} 的 unitsPerEm（每个字号分成的设计单位数）是 16，不在 64 到 16384 之间（常见的是 1000 或 2048），印出来大小会全错：字体文件已损坏或被改过，请换用别的 TrueType 字体\n`,
    );
    noStack(stderr);
    expect(after).toEqual(before);
  }, 60_000);

  it('an OpenType font with CFF outlines (.otf) loads; a variable one (CFF2): build and validate refuse, nothing written', async () => {
    const otf = cffFont(`${REQUIRED_TEXT}${JSON.stringify(loadSeed())}`);
    const loaded = await loadFonts(chooseFonts(path.join(work, await fontFile('song.otf', otf))));
    expect(loaded.faces.regular.name).toBe('ShenbaoTestCFF-Regular');
    // The same font with its outline table tagged CFF2 (the tag in the table directory).
    const cff2 = Buffer.from(otf);
    cff2.write('CFF2', cff2.indexOf('CFF ', 12, 'latin1'), 'latin1');
    const font = await fontFile('variable.otf', cff2);
    const message = `字体文件 ${font} 是 CFF2 轮廓的可变 OpenType 字体，shenbao 不能把它嵌入 PDF：请换用 TrueType 字体（.ttf、.ttc）或 CFF 轮廓的 OpenType 字体（.otf、.otc）\n`;
    for (const command of ['build', 'validate']) {
      const { code, stderr, before, after } = await run([command, 'unit-2023.json', '--font', font]);
      expect(code).toBe(2);
      expect(stderr).toBe(message);
      noStack(stderr);
      expect(after).toEqual(before);
    }
  }, 60_000);

  describe('the same checks when a program loads the font (loadFonts)', () => {
    const refusal = async (name: string, bytes: Buffer) => {
      const file = path.join(work, await fontFile(name, bytes));
      const outcome = await loadFonts(chooseFonts(file)).then(
        () => 'loaded',
        (error: Error) => `${error.name}: ${error.message}`,
      );
      return { file, outcome };
    };
    /** Glyph ids of these characters in Noto Serif SC, lowest first (the order the check walks them). */
    const ids = (chars: string) => [...chars].map((c) => glyphOf(notoBytes, c)).sort((a, b) => a - b);

    it('a circle of two composite glyphs', async () => {
      const [a, b] = ids('项目');
      const { file, outcome } = await refusal('circle.ttf', withComposites(notoBytes, [a!, b!], a!));
      expect(outcome).toBe(`UserError: ${damaged(file, `组合字形 ${a}、${b} 互相包含，成了一个圈`)}`);
    });

    it('composite glyphs nested 17 levels deep are refused; 16 levels load', async () => {
      const chain = ids('一二三四五六七八九十百千万亿元角分');
      expect(chain).toHaveLength(17);
      const simple = glyphOf(notoBytes, '口');
      const deep = await refusal('deep.ttf', withComposites(notoBytes, chain, simple));
      expect(deep.outcome).toBe(`UserError: ${damaged(deep.file, `组合字形 ${chain[0]} 嵌套超过 16 层`)}`);
      const ok = await refusal('sixteen.ttf', withComposites(notoBytes, chain.slice(1), simple));
      expect(ok.outcome).toBe('loaded');
    });

    it('a component that is no glyph of the font', async () => {
      const [a] = ids('项');
      const { file, outcome } = await refusal('missing.ttf', withComposites(notoBytes, [a!], 65000));
      expect(outcome).toBe(`UserError: ${damaged(file, `组合字形 ${a} 用到了不存在的字形 65000（这个字体只有 30920 个字形）`)}`);
    });

    it('a PostScript name that would break the PDF it is written into (pdfkit writes it unescaped)', async () => {
      const { file, outcome } = await refusal('psname.ttf', withPostScriptName(notoBytes, 'A>>endobj 1 0 obj('));
      expect(outcome).toBe(
        `UserError: 字体文件 ${file} 的 PostScript 名称「A>>endobj 1 0 obj(x」含有不允许的字符（只能用英文字母、数字和 - _ . 等符号，不能有空白和 [](){}<>/%#），嵌入 PDF 会弄坏文件：字体文件已损坏或被改过，请换用别的 TrueType 字体`,
      );
      const escape = await refusal('psname-esc.ttf', withPostScriptName(notoBytes, 'Song\u001b[2J'));
      expect(escape.outcome).toContain('的 PostScript 名称「Song\\u{1B}[2Jxxxxxxxxxxx」含有不允许的字符');
    });

    it('a cmap that maps characters past the last glyph (fontkit would read whatever lies there): those characters count as missing', async () => {
      const { file, outcome } = await refusal('cmap.ttf', withCmapBeyondGlyphs(notoBytes, '项'));
      // Noto Serif SC maps U+985F–U+9AA7 (项 and 页 among them) as one range.
      expect(outcome).toBe(`UserError: 字体文件 ${file} 缺少印表必需的字形（缺「项」「页」），不能用来印申报表；请换用含简体中文的 TrueType 字体`);
    });

    it('unitsPerEm 64 (inside the range, but a Chinese character 15.6 ems wide) and 20000', async () => {
      const small = await refusal('upem64.ttf', withUnitsPerEm(notoBytes, 64));
      expect(small.outcome).toBe(
        `UserError: 字体文件 ${small.file} 中「财」的字宽是字号的 15.6 倍（汉字的字宽约等于字号）：字形的大小与字体头（head 表）说的不符，印出来会错乱；请换用别的 TrueType 字体`,
      );
      const large = await refusal('upem20000.ttf', withUnitsPerEm(notoBytes, 20000));
      expect(large.outcome).toBe(
        `UserError: 字体文件 ${large.file} 的 unitsPerEm（每个字号分成的设计单位数）是 20000，不在 64 到 16384 之间（常见的是 1000 或 2048），印出来大小会全错：字体文件已损坏或被改过，请换用别的 TrueType 字体`,
      );
    });
  });
});

// Found by the hostile tests of issue 17: a font whose hhea ascender was 32767 built forms of 34 to
// 84 blank pages, exit 0; a name typed on a GBK terminal went into every Word file as "x���"; and
// the Hangul fillers and tag characters print as nothing, so a name with one looks like one without.
describe('vertical metrics that would make every line dozens of ems high, or lines overprint, are refused', () => {
  afterEach(removeFonts);
  /** Noto Serif SC with hhea's ascender and descender set (in font units; Noto's own are 1151 and −286, per 1000). */
  const withVerticalMetrics = (ascender: number, descender: number) => {
    const copy = Buffer.from(notoBytes);
    const hhea = tableOffsets(copy).get('hhea')!.offset;
    copy.writeInt16BE(ascender, hhea + 4);
    copy.writeInt16BE(descender, hhea + 6);
    return copy;
  };
  const fontFile = async (name: string, bytes: Buffer) => {
    await mkdir(path.join(work, 'fonts'), { recursive: true });
    await writeFile(path.join(work, 'fonts', name), bytes);
    return path.join('fonts', name);
  };
  const advice = '：字体文件已损坏或被改过，请换用别的 TrueType 字体';

  it('hhea ascender 32767 (34-page blank forms before): build refuses before any work, nothing written', async () => {
    const font = await fontFile('ascender.ttf', withVerticalMetrics(32767, -286));
    const { code, stdout, stderr, before, after } = await run(['build', 'unit-2023.json', '-o', 'out', '--format', 'pdf', '--font', font]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `字体文件 ${font} 的 hhea 表中字顶高度（ascender）是 32767，即字号的 32.8 倍，不在 0 到 2 倍之间（中文字体约为 0.86 到 1.16 倍），排出来的行高会全错${advice}\n`,
    );
    expect(stdout).toBe('');
    noStack(stderr);
    expect(after).toEqual(before);
  }, 60_000);

  it('descender −32768 or above the baseline, and ascender to descender under 0.8 em, refused; 2 and −2 ems load', async () => {
    const outcome = async (name: string, bytes: Buffer) => {
      const file = path.join(work, await fontFile(name, bytes));
      const result = await loadFonts(chooseFonts(file)).then(
        () => 'loaded',
        (error: Error) => `${error.name}: ${error.message}`,
      );
      return { file, result };
    };
    const deep = await outcome('descender.ttf', withVerticalMetrics(1151, -32768));
    expect(deep.result).toBe(
      `UserError: 字体文件 ${deep.file} 的 hhea 表中字底深度（descender）是 -32768，即字号的 -32.8 倍，不在 -2 到 0 倍之间（中文字体约为 −0.29 到 −0.14 倍），排出来的行高会全错${advice}`,
    );
    const above = await outcome('above.ttf', withVerticalMetrics(1151, 100));
    expect(above.result).toBe(
      `UserError: 字体文件 ${above.file} 的 hhea 表中字底深度（descender）是 100，即字号的 0.1 倍，不在 -2 到 0 倍之间（中文字体约为 −0.29 到 −0.14 倍），排出来的行高会全错${advice}`,
    );
    const flat = await outcome('flat.ttf', withVerticalMetrics(600, -100));
    expect(flat.result).toBe(
      `UserError: 字体文件 ${flat.file} 的 hhea 表中字顶高度（ascender 600）到字底深度（descender -100）只有字号的 0.7 倍，不到 0.8 倍（中文字体约为 1 到 1.44 倍），印出来各行会叠在一起${advice}`,
    );
    expect((await outcome('edges.ttf', withVerticalMetrics(2000, -2000))).result).toBe('loaded');
  });
});

describe('U+FFFD (text typed in GBK) and the invisible fillers are refused in options and in data', () => {
  it.concurrent.for([
    [['build', 'unit-2023.json', '--docx-font', 'x\uFFFD\uFFFD'], '--docx-font 的第 2 个字符是替换字符 U+FFFD（�）：这里原来的字没能读出来，多半是终端用 GBK 编码输入、而 shenbao 按 UTF-8 读；请把终端的编码改为 UTF-8 后重新输入'],
    [['blank', '-o', '新项目\uFFFD.docx'], '-o 的第 4 个字符是替换字符 U+FFFD（�）：这里原来的字没能读出来，多半是终端用 GBK 编码输入、而 shenbao 按 UTF-8 读；请把终端的编码改为 UTF-8 后重新输入'],
    [['blank', '--title', '汇总表\u3164'], '--title 的第 4 个字符是不可见字符 U+3164（韩文填充符），不能写进文件，请删除它'],
    [['blank', '--unit', '闵行\u034F区'], '--unit 的第 3 个字符是不可见字符 U+034F（组合用字形连接符），不能写进文件，请删除它'],
    [['build', 'unit-2023.json', '--docx-font', '宋体\u{E0041}'], '--docx-font 的第 3 个字符是不可见字符 U+E0041（标签字符），不能写进 Word 文件，请删除它'],
    [['build', 'unit-2023.json', '-o', 'out\u115F'], '-o 的第 4 个字符是不可见字符 U+115F（韩文初声填充符），不能用在文件名里，请删除它'],
    [['blank', '--unit', '\uFFA0闵行'], '--unit 的第 1 个字符是不可见字符 U+FFA0（半角韩文填充符），不能写进文件，请删除它'],
    [['blank', '--title', '汇总\u180E表'], '--title 的第 3 个字符是不可见字符 U+180E（蒙古文元音分隔符），不能写进文件，请删除它'],
  ] as Array<[string[], string]>)('%j', { timeout: 60_000 }, refusedOption);

  it('宋体 typed on a GBK terminal (bytes CB CE CC E5) as --docx-font: refused, nothing written', async () => {
    const before = await treeHashes(work);
    // Through a shell, so that the bytes reach Node as a terminal sends them.
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn('sh', ['-c', `"${process.execPath}" "${CLI}" build unit-2023.json -o gbk --docx-font "$(printf 'x\\313\\316\\314\\345')"`], { cwd: work });
      let [out, err] = ['', ''];
      child.stdout.on('data', (d: Buffer) => (out += d));
      child.stderr.on('data', (d: Buffer) => (err += d));
      child.on('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
    });
    expect(code).toBe(2);
    expect(stderr).toBe(
      '--docx-font 的第 2 个字符是替换字符 U+FFFD（�）：这里原来的字没能读出来，多半是终端用 GBK 编码输入、而 shenbao 按 UTF-8 读；请把终端的编码改为 UTF-8 后重新输入\n',
    );
    expect(stdout).toBe('');
    noStack(stderr);
    expect(await treeHashes(work)).toEqual(before);
  }, 60_000);

  it('in a data file: a project name with U+3164 and a goal with U+FFFD are refused, naming project and field', async () => {
    const seed = loadSeed();
    const projects = seed.projects.slice(0, 2);
    projects[0] = { ...projects[0]!, name: '培训费\u3164' };
    projects[1] = { ...projects[1]!, annualGoal: '保障平台\uFFFD\uFFFD运行' };
    const text = `${JSON.stringify({ ...seed, projects }, null, 2)}\n`;
    await mkdir(path.join(work, 'fillers'));
    const file = 'fillers/unit-2023.json';
    await writeFile(path.join(work, file), text);
    const place = (key: string, value: string) => {
      const at = text.indexOf(`"${key}": ${JSON.stringify(value)}`) + `"${key}": `.length;
      return `${text.slice(0, at).split('\n').length}:${at - text.lastIndexOf('\n', at - 1)}`;
    };
    const { code, stdout, stderr, before, after } = await run(['validate', file]);
    expect(code).toBe(1);
    const lines = stderr.split('\n');
    expect(lines.slice(0, 2)).toEqual([
      `${file}:${place('name', '培训费\u3164')}：项目 1「培训费\\u{3164}」：项目名称（projects[0].name）：错误：第 4 个字符是不可见字符 U+3164（韩文填充符），多半是从网页或 Word 复制来的，请删除`,
      `${file}:${place('annualGoal', '保障平台\uFFFD\uFFFD运行')}：项目 2「${projects[1]!.name}」：年度总体目标（projects[1].annualGoal）：错误：第 5 个字符是替换字符 U+FFFD（�），这里原来的字在转换编码时丢了（多半是 GBK 编码的文字被当成 UTF-8 读），请改回原来的字（共 2 处）`,
    ]);
    void stdout;
    noStack(stderr);
    expect(after).toEqual(before);
  }, 60_000);
});
