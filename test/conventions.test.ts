// The conventions every command keeps (issue 19): --version, a suggestion for a misspelt command
// or field, Chinese usage errors that name what is missing, one wording for a file that is not
// there, NO_COLOR, the time taken, a progress bar whose rate and time left mean something, and
// SOURCE_DATE_EPOCH for the dates written into files.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli, sourceDate } from '../src/command-line.js';
import { notFoundMessage } from '../src/errors.js';
import { durationText, estimate, phaseText, progressDisplay, progressMode, rateText, timeLeftText } from '../src/progress.js';
import { validatePacket } from '../src/validate/validate.js';
import { SHENBAO_VERSION } from '../src/version.js';
import { installedVersion, PINNED, withoutHelpCache } from '../src/yargs-adapter.js';
import yargs from 'yargs';
import { makeP12, PASSWORD } from './support/certificate.js';
import { shenbao } from './support/cli.js';
import { loadSeed } from './support/seed.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'shenbao-conventions-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A command line through runCli, in this process; `terminal` and `clock` as the real CLI gives them. */
async function run(args: string[], io: { terminal?: NodeJS.WriteStream; clock?: () => number } = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), isolate: false, ...io });
  return { code, stdout, stderr };
}

/** A stand-in for a terminal: what is drawn on it, with its escapes. */
function fakeTerminal(): { stream: NodeJS.WriteStream; drawn: () => string } {
  let drawn = '';
  const stream = Object.assign(
    new Writable({
      write(chunk, _encoding, done) {
        drawn += String(chunk);
        done();
      },
    }),
    { isTTY: true, columns: 120 },
  ) as unknown as NodeJS.WriteStream;
  return { stream, drawn: () => drawn };
}

/** A terminal's escapes: CSI sequences, and saving and restoring the cursor (ESC 7, ESC 8). */
// eslint-disable-next-line no-control-regex
const ESCAPE = /\u001b(?:\[[0-9;?]*[A-Za-z]|[78])/g;

/** An environment variable set for one test. */
function withEnv(name: string, value: string | undefined): void {
  const before = process.env[name];
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
  envRestores.push(() => {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  });
}
const envRestores: Array<() => void> = [];
afterEach(() => {
  for (const restore of envRestores.splice(0).reverse()) restore();
});

describe('--version', () => {
  it('prints the version and exits 0, as --version and as -v', async () => {
    expect(await run(['--version'])).toEqual({ code: 0, stdout: `${SHENBAO_VERSION}\n`, stderr: '' });
    expect(await run(['-v'])).toEqual({ code: 0, stdout: `${SHENBAO_VERSION}\n`, stderr: '' });
  });

  it('exits 0 from a real process too', async () => {
    expect(await shenbao(['--version'], work)).toEqual({ code: 0, stdout: `${SHENBAO_VERSION}\n`, stderr: '' });
  });
});

describe('usage errors, in Chinese', () => {
  it('a misspelt command gets the command it most likely meant, and exit 2', async () => {
    expect(await run(['biuld', 'data.json'])).toEqual({ code: 2, stdout: '', stderr: '未知命令 biuld。是不是要用 build？\n请用 shenbao --help 查看用法\n' });
    expect(await run(['valdiate', 'data.json'])).toEqual({ code: 2, stdout: '', stderr: '未知命令 valdiate。是不是要用 validate？\n请用 shenbao --help 查看用法\n' });
  });

  it('a word no command is near is called unknown', async () => {
    expect(await run(['frobnicate'])).toEqual({ code: 2, stdout: '', stderr: '未知命令 frobnicate\n请用 shenbao --help 查看全部命令\n' });
  });

  it('a missing argument is named, not counted as a "non-option 参数"', async () => {
    expect(await run(['build'])).toEqual({ code: 2, stdout: '', stderr: 'shenbao build 缺少参数：数据文件（.json）或包含数据文件的目录\n请用 shenbao build --help 查看用法\n' });
    expect(await run(['diff', 'old.json'])).toEqual({ code: 2, stdout: '', stderr: 'shenbao diff 缺少参数：修改后的文件（.json、.docx 或 .pdf）\n请用 shenbao diff --help 查看用法\n' });
    expect(await run(['verify'])).toEqual({ code: 2, stdout: '', stderr: 'shenbao verify 缺少参数：输出目录（含 manifest.json）\n请用 shenbao verify --help 查看用法\n' });
  });

  it('an unknown option is given back as typed (its camel-case twin not repeated)', async () => {
    expect(await run(['build', 'data.json', '--fromat', 'pdf', '--foo-bar=1', '-z'])).toEqual({
      code: 2,
      stdout: '',
      stderr: '不认识的选项或参数：--fromat、--foo-bar、-z\n请用 shenbao build --help 查看用法\n',
    });
  });

  it('an option with no value after it is said, not taken as its default', async () => {
    expect(await run(['build', 'data.json', '--font', '--quiet'])).toEqual({ code: 2, stdout: '', stderr: '选项 --font 后面要写值\n' });
    expect(await run(['validate', 'data.json', '--templates'])).toEqual({ code: 2, stdout: '', stderr: '选项 --templates 后面要写值\n' });
    expect(await run(['sign', 'a.pdf', '--p12'])).toEqual({ code: 2, stdout: '', stderr: '选项 --p12 后面要写值\n' });
  });

  it('a switch given a value other than true or false is refused, not read as off (every [是/否] option of every command)', async () => {
    expect(await run(['validate', 'data.json', '--strict=yes'])).toEqual({
      code: 2,
      stdout: '',
      stderr: '选项 --strict 不带值：要它就写 --strict，不要就不写（也可写 --strict=true 或 --strict=false），现在是「--strict=yes」\n请用 shenbao validate --help 查看用法\n',
    });
    const top = await run(['--help']);
    const commands = [...top.stdout.matchAll(/^ {2}shenbao (\w+)/gm)].map((m) => m[1]!);
    const checked: string[] = [];
    for (const command of commands) {
      const help = (await run([command, '--help'])).stdout;
      const switches = [...help.matchAll(/^ +(?:-\w, )?--([a-z-]+) .*?(?:\n(?! +-).*?)*?\[是\/否\]/gm)].map((m) => m[1]!).filter((name) => name !== 'help' && name !== 'version');
      for (const name of switches) {
        const refused = await run([command, `--${name}=1`]);
        expect([command, name, refused.code, refused.stderr.split('\n')[0]]).toEqual([command, name, 2, `选项 --${name} 不带值：要它就写 --${name}，不要就不写（也可写 --${name}=true 或 --${name}=false），现在是「--${name}=1」`]);
        checked.push(`${command} --${name}`);
      }
    }
    expect(checked).toEqual(expect.arrayContaining(['build --quiet', 'build --json', 'build --replace', 'validate --strict', 'verify --printed', 'schema --problems']));
  });

  it('a required option is named with its dashes', async () => {
    expect(await run(['sign', 'a.pdf'])).toEqual({ code: 2, stdout: '', stderr: '缺少必填的选项：--p12\n请用 shenbao sign --help 查看用法\n' });
  });

  it('no command, no message, no help screen of any command has a word of English beyond names and paths', async () => {
    const top = await run(['--help']);
    const commands = [...top.stdout.matchAll(/^ {2}shenbao (\w+)/gm)].map((m) => m[1]!);
    expect(commands).toEqual(expect.arrayContaining(['build', 'validate', 'schema', 'extract', 'blank', 'diff', 'verify', 'sign']));
    // What may be Latin: the program, commands and options, file kinds and names, formats and standards written as such.
    const allowed =
      /shenbao|--?[a-z][a-z0-9-]*|<\w+(\.\.)?>|\[\w+\]|\$0|[\w./\\:-]*\.(json|hbs|docx|pdf|ttf|otf|ttc|otc|p12|pfx|xlsx)\b|\b(JSON|Schema|PDF\/A-3b|PDF|Word|Excel|WPS|VS Code|TrueType|OpenType|PKCS#12|PAdES|SHA-256|Ctrl-C|Noto Serif SC|SimSun|Times New Roman|CPU|UTC|MB|KB|UTF-8|ISO|XML|ID|pdf|docx|SOURCE_DATE_EPOCH|SHENBAO_P12_PASSWORD|BROWSER|P12_PASSWORD|yyyy|MM|dd|ascii|fullwidth|C:\\Windows\\Fonts\S*|[A-Z]:\\\S*)\b/g;
    // And in a help screen: JSON written as such ({"problems": […]}), the names of arguments and values as the command line takes them, and example paths.
    const identifiers = ['input', 'old', 'new', 'dir', 'folder', 'data', 'out', 'false', 'true', 'minhang', 'problems', 'severity', 'code', 'message', 'hint', 'project', 'path', 'field', 'place'];
    const names = new RegExp(`\\b(${[...commands, ...identifiers].join('|')})\\b`, 'g');
    const english = (text: string) => text.replace(ESCAPE, '').replace(allowed, '').replace(names, '').replace(/_GB2312/g, '').match(/[A-Za-z]{2,}/g) ?? [];
    expect(english(top.stdout)).toEqual([]);
    for (const command of commands) {
      const help = await run([command, '--help']);
      expect([command, english(help.stdout)]).toEqual([command, []]);
      const bogus = await run([command, '--bogus']);
      expect([command, bogus.code, english(bogus.stderr)]).toEqual([command, 2, []]);
    }
  });
});

describe('a misspelt field name in a data file', () => {
  const hints = (data: unknown) =>
    validatePacket(data)
      .diagnostics.filter((d) => d.message.startsWith('有不认识的字段'))
      .map((d) => [d.path.join('.'), d.hint]);

  it('gets a hint naming the field it most likely is, with its title', () => {
    const seed = loadSeed();
    const { projects, ...header } = seed;
    const [first, ...rest] = projects;
    const { indicators, funds, ...fields } = first!;
    const { annual, ...otherFunds } = funds;
    const project = { ...fields, indicatrs: indicators, funds: { ...otherFunds, anual: annual }, zzzz: 1 };
    expect(hints({ ...header, projects: [project, ...rest] })).toEqual([
      ['projects.0.funds.anual', '是不是要写 annual（年度资金）？请检查字段名的拼写'],
      ['projects.0.indicatrs', '是不是要写 indicators（绩效指标）？请检查字段名的拼写'],
      ['projects.0.zzzz', '检查字段名的拼写，或对照 schema/packet.schema.json'],
    ]);
    expect(hints({ ...header, projets: projects })).toEqual([['projets', '是不是要写 projects（项目）？请检查字段名的拼写']]);
  });
});

describe('one wording for a file that is not there', () => {
  it('every command says it the same way, naming the path', async () => {
    const nowhere = (name: string) => path.join(work, 'nowhere', name);
    const p12 = path.join(work, 'unit.p12');
    await writeFile(p12, makeP12());
    withEnv('SHENBAO_P12_PASSWORD', PASSWORD);
    const cases: Array<[string[], string]> = [
      [['build', nowhere('a.json'), '-o', path.join(work, 'out-nf')], nowhere('a.json')],
      [['validate', nowhere('a.json')], nowhere('a.json')],
      [['extract', nowhere('a.docx')], nowhere('a.docx')],
      [['extract', nowhere('a.docx'), nowhere('b.docx')], nowhere('a.docx')],
      [['diff', nowhere('a.json'), nowhere('b.json')], nowhere('a.json')],
      [['diff', 'data/minhang-2023.json', nowhere('b.docx')], nowhere('b.docx')],
      [['verify', nowhere('out')], nowhere('out')],
      [['sign', nowhere('a.pdf'), '--p12', nowhere('unit.p12')], nowhere('unit.p12')],
      [['sign', nowhere('a.pdf'), '--p12', p12], nowhere('a.pdf')],
      [['validate', 'data/minhang-2023.json', '--font', nowhere('宋体.ttf')], nowhere('宋体.ttf')],
      [['fonts', nowhere('simsun.ttc')], nowhere('simsun.ttc')],
    ];
    for (const [args, file] of cases) {
      const { code, stderr } = await run(args);
      expect([args.join(' '), code, stderr]).toEqual([args.join(' '), 2, `${notFoundMessage(file)}\n`]);
    }
    expect(notFoundMessage('a.json')).toBe('找不到 a.json：没有这个文件或文件夹，请检查路径是否写对');
  });
});

describe('one wording for an input that is not a regular file', () => {
  it('a font, a certificate: the same sentence with its noun', async () => {
    const p12 = path.join(work, 'unit.p12');
    await writeFile(p12, makeP12());
    withEnv('SHENBAO_P12_PASSWORD', PASSWORD);
    const font = await run(['validate', 'data/minhang-2023.json', '--font', work]);
    expect([font.code, font.stderr]).toEqual([2, `字体文件 ${work} 是文件夹，不是普通文件：shenbao 只读普通文件，请给出字体文件本身的路径\n`]);
    const certificate = await run(['sign', 'a.pdf', '--p12', work]);
    expect([certificate.code, certificate.stderr]).toEqual([2, `证书文件 ${work} 是文件夹，不是普通文件：shenbao 只读普通文件，请给出证书文件本身的路径\n`]);
  });
});

describe('NO_COLOR and plain terminals', () => {
  const tty = fakeTerminal().stream;
  it('a terminal gets a bar; NO_COLOR (not empty) or TERM=dumb get plain lines; --quiet nothing', () => {
    expect(progressMode(false, tty, {})).toBe('bar');
    expect(progressMode(false, tty, { NO_COLOR: '1' })).toBe('lines');
    expect(progressMode(false, tty, { NO_COLOR: '' })).toBe('bar');
    expect(progressMode(false, tty, { TERM: 'dumb' })).toBe('lines');
    expect(progressMode(false, undefined, {})).toBe('lines');
    expect(progressMode(true, tty, {})).toBe('quiet');
  });
});

describe('times said in words', () => {
  it('how long a command took', () => {
    expect([800, 12_345, 59_940, 65_000, 245_000, 3_600_000, 3_725_000].map(durationText)).toEqual([
      '0.8 秒',
      '12.3 秒',
      '59.9 秒',
      '1 分 5 秒',
      '4 分 5 秒',
      '1 小时',
      '1 小时 2 分',
    ]);
  });

  it('time left: whole seconds, then to 10 seconds, then to the minute', () => {
    expect([0, 400, 1_000, 29_100, 64_000, 271_000, 2_000_000].map(timeLeftText)).toEqual(['不到 1 秒', '1 秒', '1 秒', '30 秒', '1 分', '4 分 30 秒', '33 分']);
  });

  it('a rate: per second, or seconds each when slower', () => {
    expect([2.54, 1, 0.25].map(rateText)).toEqual(['2.5 个/秒', '1.0 个/秒', '每个 4 秒']);
  });
});

describe('rate and time left', () => {
  it('says nothing before two items are done a second apart, then the rate from the first item done', () => {
    const e = estimate(10);
    expect(e.text(0)).toBe('');
    // Start-up: the first file takes 5 s (threads, fonts); it is not part of the rate.
    e.add(1, 5_000);
    expect(e.text(5_000)).toBe('');
    e.add(2, 5_400);
    expect(e.text(5_400)).toBe('');
    e.add(3, 7_000);
    // 2 files in 2 s: 1 a second, 7 left.
    expect(e.text(7_000)).toBe(' · 1.0 个/秒 · 还需 7 秒');
    // Counts down between files.
    expect(e.text(9_500)).toBe(' · 1.0 个/秒 · 还需 5 秒');
    expect(e.text(60_000)).toBe(' · 1.0 个/秒 · 还需 不到 1 秒');
    e.add(10, 14_000);
    expect(e.text(14_000)).toBe('');
  });

  it('a slow start does not make the time left jump: the rate is over the last 10 seconds', () => {
    const e = estimate(400);
    // One item at 5 s, then 2 a second from there.
    e.add(1, 5_000);
    const said: string[] = [];
    for (let done = 2, at = 5_500; done <= 100; done++, at += 500) {
      e.add(done, at);
      if (done % 20 === 0) said.push(e.text(at));
    }
    expect(said).toEqual([
      ' · 2.0 个/秒 · 还需 3 分 10 秒',
      ' · 2.0 个/秒 · 还需 3 分',
      ' · 2.0 个/秒 · 还需 2 分 50 秒',
      ' · 2.0 个/秒 · 还需 2 分 40 秒',
      ' · 2.0 个/秒 · 还需 2 分 30 秒',
    ]);
    // The pace halves: within the window the rate follows it.
    for (let done = 101, at = 55_000; done <= 140; done++, at += 1_000) e.add(done, at);
    expect(e.text(94_000)).toBe(' · 1.0 个/秒 · 还需 4 分 20 秒');
  });

  it('each phase says its own progress: the forms, then the 汇总表 forms drawn, then its Word file', () => {
    const files = { kind: 'files' as const, done: 4, total: 22, estimate: estimate(22) };
    expect(phaseText(files, 0)).toBe('4/22 个文件');
    const summary = { kind: 'summary-pdf' as const, placed: 3, forms: 10, estimate: estimate(10) };
    expect(phaseText(summary, 0)).toBe('汇总表：3/10 张申报表');
    expect(phaseText({ kind: 'summary-docx' }, 0)).toBe('汇总表 Word 文件排版中…');
  });
});

describe('the progress bar, drawn on a terminal by a fake clock', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('no rate before there is one; the 汇总表 has its own progress, never "还需 1 秒" left over from the forms', () => {
    vi.useFakeTimers({ now: 0 });
    const { stream, drawn } = fakeTerminal();
    const display = progressDisplay('bar', () => undefined, stream, () => Date.now());
    const file = 'data/unit.json';
    const lines: string[] = [];
    // Each redraw of the bar line, after the bar itself.
    const draws = () =>
      drawn()
        .split(ESCAPE)
        .filter((piece) => /^[█░]+ /.test(piece))
        .map((piece) => piece.replace(/^[█░]+ /, ''));
    // What the terminal shows after `ms` more: the last redraw.
    const after = (ms: number) => {
      vi.advanceTimersByTime(ms);
      lines.push(draws().at(-1)!);
    };
    display.show({ kind: 'start', file, total: 6 });
    after(1_000);
    display.show({ kind: 'written', file, output: 'out/unit/01-甲.pdf', done: 1, total: 6 });
    after(1_000);
    display.show({ kind: 'written', file, output: 'out/unit/01-甲.docx', done: 2, total: 6 });
    after(1_000);
    display.show({ kind: 'written', file, output: 'out/unit/02-乙.pdf', done: 3, total: 6 });
    after(1_000);
    display.show({ kind: 'written', file, output: 'out/unit/02-乙.docx', done: 4, total: 6 });
    after(100);
    display.show({ kind: 'summary', file, forms: 2, format: 'pdf', placed: 0 });
    after(5_000);
    display.show({ kind: 'summary', file, forms: 2, format: 'pdf', placed: 1 });
    after(5_000);
    display.show({ kind: 'written', file, output: 'out/unit/汇总表.pdf', done: 5, total: 6 });
    display.show({ kind: 'summary', file, forms: 2, format: 'docx', placed: 0 });
    after(2_000);
    display.pause();
    expect(drawn()).toMatch(/^生成 data\/unit\.json\n/);
    expect(lines).toEqual([
      '0/6 个文件',
      '1/6 个文件',
      // 1 file a second from the first: 4 left at 2 s, 1 s ago.
      '2/6 个文件 · 1.0 个/秒 · 还需 3 秒',
      '3/6 个文件 · 1.0 个/秒 · 还需 2 秒',
      '4/6 个文件 · 1.0 个/秒 · 还需 2 秒',
      '汇总表：0/2 张申报表',
      '汇总表：1/2 张申报表',
      '汇总表 Word 文件排版中…',
    ]);
    // Not a redraw of the 汇总表's 10 seconds says a time left: it has no rate of its own yet.
    const summary = draws().slice(draws().findIndex((d) => d.startsWith('汇总表')));
    expect(summary.length).toBeGreaterThan(2);
    expect(summary.filter((d) => d.includes('还需') || d.includes('个/秒'))).toEqual([]);
    // Nor did the forms before there was a rate.
    const early = draws().filter((d) => /^[01]\/6 /.test(d));
    expect(early.length).toBeGreaterThan(1);
    expect(early.filter((d) => d.includes('还需') || d.includes('个/秒'))).toEqual([]);
  });

  it('plain lines say the 汇总表 once, however many forms it draws', () => {
    let text = '';
    const display = progressDisplay('lines', (t) => (text += t));
    const file = 'data/unit.json';
    display.show({ kind: 'start', file, total: 3 });
    display.show({ kind: 'written', file, output: 'out/unit/01-甲.pdf', done: 1, total: 3 });
    for (let placed = 0; placed < 3; placed++) display.show({ kind: 'summary', file, forms: 3, format: 'pdf', placed });
    display.show({ kind: 'written', file, output: 'out/unit/汇总表.pdf', done: 2, total: 3 });
    display.show({ kind: 'summary', file, forms: 3, format: 'docx', placed: 0 });
    display.show({ kind: 'written', file, output: 'out/unit/汇总表.docx', done: 3, total: 3 });
    expect(text).toBe(
      ['生成 data/unit.json（共 3 个文件）', '  [1/3] out/unit/01-甲.pdf', '  汇总表：排版 3 张申报表…', '  [2/3] out/unit/汇总表.pdf', '  [3/3] out/unit/汇总表.docx', ''].join('\n'),
    );
  });
});

describe('SOURCE_DATE_EPOCH', () => {
  it('is whole seconds since 1970 (UTC); unset or empty is none; anything else is refused in Chinese', () => {
    expect(sourceDate({})).toBeUndefined();
    expect(sourceDate({ SOURCE_DATE_EPOCH: '' })).toBeUndefined();
    expect(sourceDate({ SOURCE_DATE_EPOCH: '1700000000' })?.toISOString()).toBe('2023-11-14T22:13:20.000Z');
    expect(sourceDate({ SOURCE_DATE_EPOCH: '0' })?.toISOString()).toBe('1970-01-01T00:00:00.000Z');
    for (const bad of ['abc', '-1', '1.5', '1e9', '999999999999']) {
      expect(() => sourceDate({ SOURCE_DATE_EPOCH: bad })).toThrow(
        `环境变量 SOURCE_DATE_EPOCH 的值「${bad}」不是有效的时间：应是从 1970-01-01 00:00:00（UTC）起的秒数，一个整数，如 1700000000；不需要时请删去这个环境变量`,
      );
    }
  });

  describe('a build with it set and no --date', () => {
    let data: string;
    beforeAll(async () => {
      const seed = loadSeed();
      data = path.join(work, 'unit-2023.json');
      await writeFile(data, JSON.stringify({ ...seed, projects: seed.projects.slice(0, 2) }, null, 2));
    });

    /** Every file under `dir`, by its path there, with its bytes. */
    const filesIn = async (dir: string): Promise<Record<string, Buffer>> => {
      const names = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
      return Object.fromEntries(await Promise.all(names.sort().map(async (name) => [name, await readFile(path.join(dir, name))] as const)));
    };

    it('twice gives the same bytes, dated from it; on a terminal it ends with the time taken (not with --quiet), and NO_COLOR draws no escapes', async () => {
      withEnv('SOURCE_DATE_EPOCH', '1700000000');
      withEnv('NO_COLOR', '1');
      const terminal = fakeTerminal();
      const first = await run(['build', data, '-o', path.join(work, 'first'), '--jobs', '1'], { terminal: terminal.stream, clock: () => 12_345 });
      const second = await run(['build', data, '-o', path.join(work, 'second'), '--jobs', '1', '--quiet'], { terminal: terminal.stream, clock: () => 12_345 });
      expect([first.code, second.code]).toEqual([0, 0]);
      expect(first.stderr.split('\n').slice(-2)).toEqual(['用时 12.3 秒', '']);
      expect(first.stderr).toContain(`生成 ${data}（共 6 个文件）\n`);
      expect(second.stderr).not.toContain('用时');
      // Nor after --json, whose output a program reads; nor where stderr is no terminal (a log, a test's transcript).
      const json = await run(['validate', data, '--json'], { terminal: terminal.stream, clock: () => 12_345 });
      expect([json.code, json.stderr]).toEqual([0, '']);
      expect((await run(['validate', data], { clock: () => 12_345 })).stderr).not.toContain('用时');
      expect((await run(['validate', data], { terminal: terminal.stream, clock: () => 2_000 })).stderr.split('\n').slice(-2)).toEqual(['用时 2.0 秒', '']);
      expect(terminal.drawn()).toBe('');
      expect(first.stderr).not.toMatch(ESCAPE);

      const [a, b] = [await filesIn(path.join(work, 'first')), await filesIn(path.join(work, 'second'))];
      expect(Object.keys(a)).toHaveLength(7);
      expect(Object.keys(b)).toEqual(Object.keys(a));
      for (const name of Object.keys(a)) expect([name, b[name]!.equals(a[name]!)]).toEqual([name, true]);
      const pdf = a['unit-2023/汇总表.pdf']!.toString('latin1');
      expect(pdf).toContain('/CreationDate (D:20231114221320Z)');
      expect(pdf).toContain('/ModDate (D:20231114221320Z)');
      expect(pdf).toContain('<xmp:CreateDate>2023-11-14T22:13:20Z</xmp:CreateDate>');
    });

    it('an invalid value stops the build before anything is written', async () => {
      withEnv('SOURCE_DATE_EPOCH', 'yesterday');
      const out = path.join(work, 'refused');
      expect(await run(['build', data, '-o', out])).toEqual({
        code: 2,
        stdout: '',
        stderr: '环境变量 SOURCE_DATE_EPOCH 的值「yesterday」不是有效的时间：应是从 1970-01-01 00:00:00（UTC）起的秒数，一个整数，如 1700000000；不需要时请删去这个环境变量\n',
      });
      await expect(readdir(out)).rejects.toThrow('ENOENT');
    });

    it('a --date past the year 9999 in UTC is refused too: a PDF date has four digits for the year', async () => {
      const out = path.join(work, 'too-late');
      expect(await run(['build', data, '-o', out, '--date', '9999-12-31T23:59:59-08:00'])).toEqual({
        code: 2,
        stdout: '',
        stderr: '--date「9999-12-31T23:59:59-08:00」不是有效的日期，应如 2023-01-01 或 2023-01-01T08:00:00+08:00（公元 1 年到 9999 年，按 UTC 计）\n',
      });
      await expect(readdir(out)).rejects.toThrow('ENOENT');
    });

    it('--date wins over it', async () => {
      withEnv('SOURCE_DATE_EPOCH', '1700000000');
      await run(['build', data, '-o', path.join(work, 'dated'), '--jobs', '1', '--format', 'pdf', '--date', '2023-01-01T08:00:00+08:00']);
      const pdf = (await readFile(path.join(work, 'dated', 'unit-2023', '汇总表.pdf'))).toString('latin1');
      expect(pdf).toContain('/CreationDate (D:20230101000000Z)');
    });
  });
});

describe('src/yargs-adapter.ts', () => {
  /** Whether `parser` holds a rendered help text: yargs's usage instance, as the adapter reaches it. */
  const holdsHelpText = (parser: ReturnType<typeof yargs>): boolean =>
    (parser as unknown as { getInternalMethods(): { getUsageInstance(): { hasCachedHelpMessage(): boolean } } }).getInternalMethods().getUsageInstance().hasCachedHelpMessage();
  const message =
    `yargs ${installedVersion()} is installed, but src/yargs-adapter.ts was written for ${PINNED.yargs}: re-check that yargs still renders a ` +
    'command\'s help text before running it (usage.cacheHelpMessage, reached through getInternalMethods().getUsageInstance()) and ' +
    'uses it only for showHelp/getHelp, run this file, then update PINNED and package.json';

  it('the installed yargs is the pinned one, which package.json names exactly', async () => {
    const pkg = JSON.parse(await readFile(path.join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(installedVersion(), message).toBe(PINNED.yargs);
    expect(pkg.dependencies.yargs, message).toBe(PINNED.yargs);
  });

  it('a command run renders no help text with it, and one without it does; --help still prints the whole text', async () => {
    const grammar = (parser: ReturnType<typeof yargs>) =>
      parser.command('build <input>', '生成申报表', (y) => y.positional('input', { type: 'string', describe: '数据文件' }).option('out', { type: 'string', describe: '输出目录' }), () => {});
    const plain = grammar(yargs());
    await plain.parseAsync(['build', 'a.json']);
    expect(holdsHelpText(plain), message).toBe(true);
    const adapted = grammar(withoutHelpCache(yargs()));
    await adapted.parseAsync(['build', 'a.json']);
    expect(holdsHelpText(adapted), message).toBe(false);
    let help = '';
    await grammar(withoutHelpCache(yargs())).parseAsync(['build', '--help'], {}, (_error, _argv, output) => {
      help = output;
    });
    expect(help).toContain('--out');
    expect(help).toContain('输出目录');
  });
});
