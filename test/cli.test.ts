// The command line as a user meets it: transcripts (command, output, exit code), most run in this
// process through runCli as the CLI runs it; those of the compiled command, dist/cli.js, where the
// process is what is tested: its exit code and output once per command, another user.
import { chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROOT, shenbao, shenbaoHere } from './support/cli.js';
import { treeHashes } from './support/tree.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shenbao-cli-'));
  await cp(path.join(ROOT, 'test', 'fixtures', 'broken'), path.join(dir, 'data'), { recursive: true });
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('shenbao validate', () => {
  it('lists every problem with file, project and field, and exits 1', async () => {
    const run = await shenbao(['validate', 'data/broken-2023.json'], dir);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      'data/broken-2023.json:18:20：项目 1「培训费」：年度资金·年度资金申请总额（projects[0].funds.annual.total）：错误：年度资金申请总额 200,000.00 不等于 当年财政拨款 + 上年结转资金 + 其他资金 = 190,000.00',
      'data/broken-2023.json:100:5：项目 2「闵行区居村民服务自治平台（2023运维）」：实施单位（projects[1].implementer）：错误：缺少必填项',
      'data/broken-2023.json:106:18：项目 2「闵行区居村民服务自治平台（2023运维）」：计划完成日期（projects[1].endDate）：错误：日期应写成 ISO 格式 YYYY-MM-DD，如 "2023-01-01"',
      'data/broken-2023.json:113:20：项目 2「闵行区居村民服务自治平台（2023运维）」：年度资金·其他资金（projects[1].funds.annual.other）：错误：金额应写成不带千位分隔符、最多两位小数的数字字符串，如 "200000.00"',
      'data/broken-2023.json:173:17：项目 2「闵行区居村民服务自治平台（2023运维）」：错误：有不认识的字段：remark',
      '    提示：检查字段名的拼写，或对照 schema/packet.schema.json',
      'data/broken-2023.json:193:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
      'data/broken-2023.json：未通过，5 个错误，1 条警告',
    ]);
  });
});

describe('shenbao validate checks what build checks', () => {
  it('reports a character the font lacks, as build would', async () => {
    const packet = JSON.parse(await readFile(path.join(ROOT, 'data', 'minhang-2023.json'), 'utf8'));
    packet.projects[1].annualGoal = '建设𠀀平台';
    await writeFile(path.join(dir, 'data', 'rare.json'), JSON.stringify(packet, null, 2));
    const run = await shenbaoHere(['validate', 'data/rare.json'], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'data/rare.json:116:21：项目 2「闵行区居村民服务自治平台（2023运维）」：年度总体目标（projects[1].annualGoal）：错误：「𠀀」（U+20000）不在字体 NotoSerifSC-Regular 中，印出来会是空白方框',
    );
  });
});

describe('shenbao validate --json / --strict', () => {
  it('prints every problem as JSON for other programs, and lets warnings fail with --strict', async () => {
    await cp(path.join(ROOT, 'data', 'minhang-2023.json'), path.join(dir, 'data', 'minhang-2023.json'));
    const run = await shenbaoHere(['validate', 'data/minhang-2023.json', '--json'], dir);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      problems: [
        expect.objectContaining({
          severity: 'warning',
          code: 'framework-no-satisfaction',
          path: 'projects[2].indicators',
          project: { number: 3, name: '残疾人就业保障金' },
          message: '没有满意度指标',
          place: { kind: 'file', file: 'data/minhang-2023.json', line: 192, column: 21 },
        }),
        expect.objectContaining({ severity: 'warning', code: 'framework-misfiled', path: 'projects[3].indicators[12].name' }),
      ],
    });
    const strict = await shenbaoHere(['validate', 'data/minhang-2023.json', '--strict'], dir);
    expect(strict.code).toBe(1);
    expect(strict.stderr.trim().split('\n').at(-1)).toBe('data/minhang-2023.json：未通过，0 个错误，2 条警告');
  });
});

describe('shenbao build', () => {
  it('builds the good projects, removes the 汇总表 of an earlier good run, and exits 1', async () => {
    // An earlier good build of the same packet, with a user's file beside it.
    await cp(path.join(ROOT, 'data', 'minhang-2023.json'), path.join(dir, 'data', 'broken-2023.json'));
    expect((await shenbaoHere(['build', 'data/broken-2023.json', '-o', 'out'], dir)).code).toBe(0);
    await writeFile(path.join(dir, 'out', 'broken-2023', '底稿.xlsx'), 'draft');
    await cp(path.join(ROOT, 'test', 'fixtures', 'broken', 'broken-2023.json'), path.join(dir, 'data', 'broken-2023.json'));

    const run = await shenbao(['build', 'data/broken-2023.json', '-o', 'out'], dir);
    expect(run.code).toBe(1);
    expect((await readdir(path.join(dir, 'out', 'broken-2023'))).sort()).toEqual([
      '03-残疾人就业保障金.docx',
      '03-残疾人就业保障金.pdf',
      'manifest.json',
      '底稿.xlsx',
    ]);
    const lines = run.stderr.trim().split('\n');
    expect(lines.slice(0, 3)).toEqual([
      '生成 data/broken-2023.json（共 2 个文件）',
      `  [1/2] ${path.join('out', 'broken-2023', '03-残疾人就业保障金.pdf')}`,
      `  [2/2] ${path.join('out', 'broken-2023', '03-残疾人就业保障金.docx')}`,
    ]);
    expect(lines.slice(-3)).toEqual([
      'data/broken-2023.json：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项；原有的 汇总表.pdf、汇总表.docx 已删除，以免它与数据不一致',
      '    提示：改正上面列出的错误后重新生成',
      'data/broken-2023.json：写出 2 个文件，删除 20 个旧文件，6 个错误，1 条警告',
    ]);
  });

  it('refuses --only with no name, or a name that matches nothing, as a usage error', async () => {
    await cp(path.join(ROOT, 'data', 'minhang-2023.json'), path.join(dir, 'data', 'minhang-2023.json'));
    expect(await shenbaoHere(['build', 'data', '--only'], dir)).toMatchObject({
      code: 2,
      stderr: '--only 后面要写项目名称，如 --only 培训费（可以写多个）\n',
    });
    const run = await shenbaoHere(['build', 'data', '--only', '培训费', '--only', '没有这个项目'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^--only：没有名为「没有这个项目」的项目。项目名称有：培训费、/);
    await expect(readdir(path.join(dir, 'out'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('says plainly when the input is missing, and exits 2', async () => {
    const run = await shenbaoHere(['build', 'nowhere.json'], dir);
    expect(run).toMatchObject({ code: 2, stderr: '找不到 nowhere.json：没有这个文件或文件夹，请检查路径是否写对\n' });
  });

  it('refuses a font file that is not a TrueType font, naming it', async () => {
    await writeFile(path.join(dir, 'song.ttf'), 'not a font');
    const run = await shenbaoHere(['build', 'data/broken-2023.json', '--font', 'song.ttf'], dir);
    expect(run).toMatchObject({ code: 2, stderr: '字体文件 song.ttf 不是 TrueType/OpenType 字体文件，请换用 TrueType 字体文件（.ttf）\n' });
  });

  it('refuses --date that is not a real date', async () => {
    const run = await shenbaoHere(['build', 'data/broken-2023.json', '--date', '2023-02-30'], dir);
    expect(run).toMatchObject({ code: 2, stderr: '--date「2023-02-30」不是有效的日期，应如 2023-01-01 或 2023-01-01T08:00:00+08:00（公元 1 年到 9999 年，按 UTC 计）\n' });
  });

  it('says in one line that -o names a file, not a folder', async () => {
    await writeFile(path.join(dir, 'out.txt'), 'a file');
    const run = await shenbaoHere(['build', 'data/broken-2023.json', '-o', 'out.txt'], dir);
    expect(run).toMatchObject({ code: 2, stderr: '无法使用输出目录 out.txt：它（或它的上级）是一个文件，不是文件夹，请用 -o 换一个输出目录\n' });
  });

  it('says in one line that a folder cannot be written, leaving it as it was (exit 3)', async () => {
    // A real EACCES: the command runs as an ordinary user (nobody) in a folder it may not write.
    const isRoot = process.getuid?.() === 0;
    const out = path.join(dir, 'locked');
    await mkdir(out);
    await chmod(dir, 0o755);
    await chmod(path.join(dir, 'data'), 0o755);
    await chmod(path.join(dir, 'data', 'broken-2023.json'), 0o644);
    await chmod(out, 0o555);
    const before = await treeHashes(out);
    const run = await shenbao(['build', 'data/broken-2023.json', '-o', 'locked'], dir, isRoot ? { uid: 65534, gid: 65534 } : {});
    expect(run.code).toBe(3);
    const lines = run.stderr.trim().split('\n');
    expect(lines[0]).toBe('生成 data/broken-2023.json（共 2 个文件）');
    // The data's own problems are still listed, then the one line about the folder, then the outcome.
    expect(lines.slice(-2)).toEqual([
      `没有权限创建输出目录 ${path.join('locked', 'broken-2023')}：请检查这个文件夹的权限，关闭正打开其中文件的程序（如 PDF 阅读器），或用 -o 换一个输出目录`,
      'data/broken-2023.json：未能生成，输出文件夹保持原样，5 个错误，1 条警告',
    ]);
    expect(await treeHashes(out)).toEqual(before);
  });

  it('refuses an option given twice, and takes the input after --only', async () => {
    expect(await shenbaoHere(['build', 'data/broken-2023.json', '-o', 'a', '-o', 'b'], dir)).toMatchObject({ code: 2, stderr: '选项 --out 只能给一次\n' });
    const run = await shenbaoHere(['build', '--only', '残疾人就业保障金', 'data/broken-2023.json', '-o', 'out'], dir);
    expect(run.code).toBe(1);
    expect((await readdir(path.join(dir, 'out', 'broken-2023'))).sort()).toEqual(['03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json']);
  });

  it('says in one line that the input cannot be read (exit 3), without advising another output folder', async () => {
    const isRoot = process.getuid?.() === 0;
    await chmod(dir, 0o755);
    // The data folder is another user's (as root, run the command as nobody; else lock out ourselves).
    await chmod(path.join(dir, 'data'), isRoot ? 0o700 : 0o000);
    const run = await shenbao(['build', 'data/broken-2023.json'], dir, isRoot ? { uid: 65534, gid: 65534 } : {});
    await chmod(path.join(dir, 'data'), 0o755);
    expect(run).toMatchObject({ code: 3, stderr: '没有权限读取 data/broken-2023.json：请检查它的权限，或换一个有权限的用户运行\n' });
  });

  it('prints only the problems with --quiet', async () => {
    const run = await shenbaoHere(['build', path.join(ROOT, 'data', 'minhang-2023.json'), '-o', 'quiet-out', '-q', '--format', 'pdf'], dir);
    expect(run.code).toBe(0);
    const minhang = path.join(ROOT, 'data', 'minhang-2023.json');
    expect(run.stderr.split('\n').map((line) => line.replace(minhang, 'data'))).toEqual([
      'data:192:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
      'data:313:19：项目 4「居村自治共治建设」：绩效指标第 13 条的三级指标（projects[3].indicators[12].name）：警告：三级指标「长效管理机制健全性」归在满意度指标下，但不是满意度指标',
      '    提示：可能归错了类别；表上照原样打印',
      'data：写出 11 个文件，0 个错误，2 条警告',
      '',
    ]);
  });

  it('explains every option in --help', async () => {
    const run = await shenbao(['build', '--help'], dir);
    expect(run.code).toBe(0);
    for (const option of ['--out', '--only', '--templates', '--font', '--font-bold', '--date', '--format', '--jobs', '--quiet', '--docx-font', '--help']) {
      expect(run.stdout).toMatch(new RegExp(`${option}\\s+\\S`));
    }
    for (const [command, options] of [
      ['extract', ['--out', '--templates', '--help']],
      ['diff', ['--templates', '--help']],
      ['verify', ['--printed', '--templates', '--font', '--font-bold', '--help']],
    ] as const) {
      const help = await shenbaoHere([command, '--help'], dir);
      expect(help.code).toBe(0);
      for (const option of options) expect(help.stdout).toMatch(new RegExp(`${option}\\s+\\S`));
    }
  });
});

describe('shenbao schema', () => {
  it('says in one line that the folder for -o does not exist', async () => {
    const run = await shenbaoHere(['schema', '-o', 'nowhere/packet.schema.json'], dir);
    expect(run).toMatchObject({ code: 2, stderr: '无法写入 nowhere/packet.schema.json：它所在的文件夹不存在，请检查路径\n' });
  });

  it('never writes over a data file (its first line names the schema: an easy slip)', async () => {
    const before = await readFile(path.join(dir, 'data', 'broken-2023.json'));
    const run = await shenbaoHere(['schema', '-o', 'data/broken-2023.json'], dir);
    expect(run).toMatchObject({
      code: 2,
      stderr: 'data/broken-2023.json 已存在，而且不是 shenbao 输出的 JSON Schema（是数据文件吗？）：不会覆盖它。请换一个文件名，或先把它移走\n',
    });
    expect((await readFile(path.join(dir, 'data', 'broken-2023.json'))).equals(before)).toBe(true);
  });

  it('writes the schema to a file', async () => {
    const run = await shenbaoHere(['schema', '-o', 'packet.schema.json'], dir);
    expect(run.code).toBe(0);
    expect(JSON.parse(await readFile(path.join(dir, 'packet.schema.json'), 'utf8')).title).toBe('项目绩效目标汇总表（shenbao 数据文件）');
    expect(await readdir(dir)).not.toContain(expect.stringMatching(/\.tmp$/));
  });
});
