// The command line as a user meets it: transcripts of real runs (command, output, exit code).
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = path.join(ROOT, 'src', 'cli.ts');
// The CLI from source, through tsx's loader.
const NODE_ARGS = ['--import', pathToFileURL(path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href, CLI];

async function shenbao(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [...NODE_ARGS, ...args], { cwd, env: { ...process.env, FORCE_COLOR: '0' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

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
      'data/broken-2023.json：项目 1「培训费」：年度资金·年度资金申请总额（projects[0].funds.annual.total）：错误：年度资金申请总额 200,000.00 不等于 当年财政拨款 + 上年结转资金 + 其他资金 = 190,000.00',
      'data/broken-2023.json：项目 2「闵行区居村民服务自治平台（2023运维）」：实施单位（projects[1].implementer）：错误：缺少必填项',
      'data/broken-2023.json：项目 2「闵行区居村民服务自治平台（2023运维）」：计划完成日期（projects[1].endDate）：错误：日期应写成 ISO 格式 YYYY-MM-DD，如 "2023-01-01"',
      'data/broken-2023.json：项目 2「闵行区居村民服务自治平台（2023运维）」：年度资金·其他资金（projects[1].funds.annual.other）：错误：金额应写成不带千位分隔符、最多两位小数的数字字符串，如 "200000.00"',
      'data/broken-2023.json：项目 2「闵行区居村民服务自治平台（2023运维）」：错误：有不认识的字段：remark',
      '    提示：检查字段名的拼写，或对照 schema/packet.schema.json',
      'data/broken-2023.json：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
      'data/broken-2023.json：未通过，5 个错误，1 条警告',
    ]);
  });
});

describe('shenbao build', () => {
  it('builds the good projects, skips the 汇总表, leaves no partial file, exits 1', async () => {
    const out = path.join(dir, 'out');
    // A 汇总表 from an earlier good run must not survive next to a failed one.
    await cp(path.join(ROOT, 'test', 'fixtures', 'broken'), path.join(out, 'broken-2023'), { recursive: true });
    await writeFile(path.join(out, 'broken-2023', '汇总表.pdf'), 'old');
    const run = await shenbao(['build', 'data/broken-2023.json', '-o', 'out'], dir);
    expect(run.code).toBe(1);
    expect(await readdir(out)).toEqual(['broken-2023']);
    expect(await readdir(path.join(out, 'broken-2023'))).toEqual(['03-残疾人就业保障金.pdf']);
    const lines = run.stderr.trim().split('\n');
    expect(lines.slice(0, 2)).toEqual([
      '生成 data/broken-2023.json（共 1 个文件）',
      `  [1/1] ${path.join('out', 'broken-2023', '03-残疾人就业保障金.pdf')}`,
    ]);
    expect(lines.slice(-3)).toEqual([
      'data/broken-2023.json：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项',
      '    提示：改正上面列出的错误后重新生成',
      'data/broken-2023.json：写出 1 个文件，6 个错误，1 条警告',
    ]);
  });

  it('rebuilds only the named project with --only, keeping the other files', async () => {
    await cp(path.join(ROOT, 'data', 'minhang-2023.json'), path.join(dir, 'data', 'minhang-2023.json'));
    await rm(path.join(dir, 'data', 'broken-2023.json'));
    const out = path.join(dir, 'out', 'minhang-2023');
    await cp(path.join(ROOT, 'test', 'fixtures', 'broken'), out, { recursive: true });
    const run = await shenbao(['build', 'data', '--only', '培训费', '--only', '没有这个项目'], dir);
    expect(run.code).toBe(1);
    expect((await readdir(out)).sort()).toEqual(['01-培训费.pdf', 'broken-2023.json']);
    expect(run.stderr).toContain('data/minhang-2023.json：错误：--only：没有名为「没有这个项目」的项目');
  });

  it('says plainly when the input is missing, and exits 2', async () => {
    const run = await shenbao(['build', 'nowhere.json'], dir);
    expect(run).toMatchObject({ code: 2, stderr: '找不到文件或目录：nowhere.json\n' });
  });

  it('refuses a font file that is not a TrueType font, naming it', async () => {
    await writeFile(path.join(dir, 'song.ttf'), 'not a font');
    const run = await shenbao(['build', 'data/broken-2023.json', '--font', 'song.ttf'], dir);
    expect(run).toMatchObject({ code: 2, stderr: '字体文件 song.ttf 不是 TrueType/OpenType 字体文件\n' });
  });

  it('explains every option in --help', async () => {
    const run = await shenbao(['build', '--help'], dir);
    expect(run.code).toBe(0);
    for (const option of ['--out', '--only', '--templates', '--font', '--font-bold', '--date', '--help']) {
      expect(run.stdout).toMatch(new RegExp(`${option}\\s+\\S`));
    }
  });
});

