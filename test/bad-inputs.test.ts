// Issue 5, acceptance: a table of bad inputs, each run as a user runs it (the command line, in this
// process through runCli, or as a real process where only a real one will do), asserting for each:
//   - the exact stderr: every diagnostic with its place, project, field, severity and message;
//   - the exit code;
//   - the exact listing of the packet folder(s) afterwards: the good projects were still built;
//   - that nothing but shenbao's own files changed: the whole temporary tree (data files, the
//     user's files put into the output folders first) is hashed before and after the run; every
//     file that was not shenbao's before (named with its hash in a manifest.json of shenbao's)
//     must be present and unchanged, and every new file must be one the manifest names.
//
// Every case listed under "Why" in the issue, and the case(s) that cover it:
//   A rebuild destroys files that shenbao did not write
//     `build data -o .` with two packets in data/ ........ 'build data -o . with two packets in data/'
//     `build 闵行.json -o .` with 底稿.xlsx, 2022申报.docx . 'build 闵行.json -o . beside an existing 闵行/ of the user'
//     a stamped scan in out/xuhui-2024/ .................. 'a stamped scan in out/xuhui-2024/'
//     单位?.json, 单位:.json, 单位_.json in one folder ...... '单位?.json, 单位:.json and 单位_.json in one folder'
//   Silent empty boxes (tofu)
//     𠀀 (CJK Extension B) ................................ 'tofu: 𠀀 (U+20000, CJK Extension B) in a goal'
//     an emoji ............................................ 'tofu: an emoji in an indicator name' (+ 'an emoji after the unit of a target')
//     U+E000 .............................................. 'tofu: U+E000 (private use) in an indicator name'
//     a zero-width space .................................. 'a zero-width space pasted into a project name'
//     --font pointing at a Latin-only font ................ '--font: a Latin-only font (Roboto)'
//   A stale 汇总表 after --only
//     --only X after an amount was changed ................ '--only after an amount changed'
//     after projects were reordered ....................... '--only after the projects were reordered'
//     --only with no name ................................. '--only with no name' (+ '--only with a name that matches nothing')
//   Stack traces for everyday faults
//     -o naming a file (ENOTDIR) .......................... '-o naming a file'
//     an unwritable folder (EACCES) ....................... 'EACCES: an output folder the user may not write'
//     a full disk (ENOSPC) ................................ 'ENOSPC: a full disk while writing a form' (+ '… the 汇总表', '… the manifest')
//     schema -o into a missing folder ..................... 'schema -o into a missing folder'
//     a truncated TTF font ................................ '--font: a truncated TTF'
//   Encoding
//     a GBK file, as Windows Notepad saves it ............. 'a GBK file, as Notepad saves it'
//     a UTF-16 file ....................................... 'a UTF-16LE file with a BOM'
//   Accepted without a word
//     duplicate JSON keys ................................. 'duplicate JSON keys in a project'
//     a missing 年度总体目标 ................................ 'a missing 年度总体目标'
//     dates outside the packet's year ..................... 'dates outside the packet year'
//     a year that contradicts the title ................... 'a year that contradicts the title'
//     whitespace-only text ................................ 'whitespace-only text'
//     --date 2023-02-30 ................................... '--date 2023-02-30'
//     a target like ≥(次) ................................. 'a target ≥(次) without a number'
//     an unknown 一级指标 such as 产出指数 .................... 'an unknown 一级指标 产出指数'
//   Long text
//     a 17-million-character goal ......................... 'a 17-million-character goal'
//     a 200,000-character goal ............................ 'a 200,000-character goal' (slow until layout is linear)
// (Ctrl-C is covered by test/interrupt.test.ts; it is not a bad input.)
import { chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../src/command-line.js';
import { ROOT, shenbao } from './support/cli.js';
import { compact, readPdf } from './support/pdf.js';
import { loadSeed } from './support/seed.js';
import { treeHashes } from './support/tree.js';
import { gbk, utf16le } from './support/encodings.js';

type Op = 'mkdir' | 'writeFile' | 'rename';

// Faults of the environment, injected into this process only (the one mocked module of this file):
// `fail(op, file)` returns the errno code a call must fail with, or undefined to let it through.
const faults = vi.hoisted(() => ({ fail: undefined as ((op: 'mkdir' | 'writeFile' | 'rename', file: string) => string | undefined) | undefined }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const check = (op: Op, file: unknown) => {
    const code = faults.fail?.(op, String(file));
    if (code) throw Object.assign(new Error(`${code}: injected, ${op} '${String(file)}'`), { code, syscall: op === 'writeFile' ? 'open' : op, path: String(file) });
  };
  return {
    ...fs,
    mkdir: async (file: string, ...rest: unknown[]) => {
      check('mkdir', file);
      return (fs.mkdir as (...a: unknown[]) => Promise<unknown>)(file, ...rest);
    },
    writeFile: async (file: string, ...rest: unknown[]) => {
      check('writeFile', file);
      return (fs.writeFile as (...a: unknown[]) => Promise<void>)(file, ...rest);
    },
    rename: async (from: string, to: string) => {
      check('rename', to);
      return fs.rename(from, to);
    },
    // A file written in chunks (the 汇总表) fails as a full disk fails it: at a write, not at open.
    open: async (file: string, ...rest: unknown[]) => {
      const handle = await (fs.open as (...a: unknown[]) => Promise<import('node:fs/promises').FileHandle>)(file, ...rest);
      const write = handle.writeFile.bind(handle);
      handle.writeFile = async (...args: Parameters<typeof write>) => {
        check('writeFile', file);
        return write(...args);
      };
      return handle;
    },
  };
});

// ---------------------------------------------------------------------------------------------
// The data: the seed's first three projects, every amount distinct (a stale 汇总表 shows), written
// as an editor would (two-space JSON, so the line numbers below are those of a real file).

type Raw = Record<string, unknown>;
interface RawProject extends Raw {
  name: string;
  funds: { project: Raw; annual: Raw };
  indicators: Raw[];
}
interface RawPacket extends Raw {
  projects: RawProject[];
}

function basePacket(): RawPacket {
  const packet = loadSeed() as unknown as RawPacket;
  packet.projects = packet.projects.slice(0, 3);
  const [p1, p2, p3] = packet.projects as [RawProject, RawProject, RawProject];
  p1.funds.annual = { total: '123456.78', fiscal: '100000.00', carryover: '20000.00', other: '3456.78' };
  p2.funds = {
    project: { total: '150000.00', fiscal: '140000.00', other: '10000.00' },
    annual: { total: '71200.00', fiscal: '61200.00', carryover: '9000.00', other: '1000.00' },
  };
  p3.funds.annual = { total: '24820.00', fiscal: '24000.00', carryover: '800.00', other: '20.00' };
  return packet;
}

/** The data file's text, after `change` (applied to a fresh copy). */
function json(change?: (packet: RawPacket, p: RawProject[]) => void): string {
  const packet = basePacket();
  change?.(packet, packet.projects);
  return `${JSON.stringify(packet, null, 2)}\n`;
}

/** The same packet for another year (title, year, dates): a second office's file. */
const forYear = (text: string, year: number): string => text.replaceAll('2023', String(year));

const F1 = '01-培训费.pdf';
const F2 = '02-闵行区居村民服务自治平台（2023运维）.pdf';
const F3 = '03-残疾人就业保障金.pdf';
const SUMMARY = '汇总表.pdf';
const MANIFEST = 'manifest.json';
/** What the user keeps in an output folder: a spreadsheet and a folder of stamped scans. */
const userFiles = (folder: string): Record<string, string> => ({
  [`${folder}/底稿.xlsx`]: 'PK\u0003\u0004 the office’s working spreadsheet',
  [`${folder}/盖章件/01-培训费.pdf`]: '%PDF-1.4 stamped and scanned',
});



const ROBOTO = readFileSync(path.join(ROOT, 'test/fixtures/fonts/Roboto-Regular.ttf'));
const NOTO = path.join(ROOT, 'fonts/NotoSerifSC-Regular.ttf');
/** The first 4 MB of the 15 MB default font, as a copy cut short leaves it. */
const TRUNCATED_NOTO = (() => {
  const bytes = readFileSync(NOTO);
  return bytes.subarray(0, 4 * 1024 * 1024);
})();
const TEMPLATE = (name: string) => readFileSync(path.join(ROOT, 'templates', name), 'utf8');

// ---------------------------------------------------------------------------------------------
// The table.

interface Expected {
  code: number;
  /** Every line of stderr, `<dir>` for the temporary folder. */
  stderr: string[];
  /** Folder (relative to the temporary folder) -> its entries after the run, folders with a trailing '/'; null: absent. */
  folders: Record<string, string[] | null>;
  stdout?: string;
}

interface Case {
  name: string;
  /** Files to create first, relative to the temporary folder (data files and the user's own files). */
  files: Record<string, string | Uint8Array>;
  /** Builds to run first (each must succeed), e.g. an earlier good build. */
  previous?: string[][];
  /** Files to write after the earlier builds: changed data, a user's edit of an output. */
  then?: Record<string, string | Uint8Array>;
  /** The command; `<dir>` is the temporary folder. */
  args: string[];
  /** Run the compiled command in a real process (cwd: the temporary folder): `nobody` as user 65534. */
  process?: 'self' | 'nobody';
  /** Before the run, after hashing (e.g. permissions). */
  prepare?: (dir: string) => Promise<void>;
  fault?: (op: Op, file: string) => string | undefined;
  /** More checks after the run (e.g. what the 汇总表 says), with the tree's hashes before and after. */
  check?: (dir: string, before: Record<string, string>, after: Record<string, string>) => Promise<void>;
  /** Upper bound on the run's duration, ms. */
  within?: number;
  timeout?: number;
  expect: Expected;
}

const DATA = 'data/unit-2023.json';
const OUT = 'out/unit-2023';
const BUILD = ['build', `<dir>/${DATA}`, '-o', '<dir>/out', '--date', '2023-01-01'];

/** The usual case: the data file, the user's files in the packet folder, one build. */
const data = (text: string | Uint8Array, more: Partial<Case> = {}): Pick<Case, 'files' | 'args'> & Partial<Case> => ({
  files: { [DATA]: text, ...userFiles(OUT) },
  args: BUILD,
  ...more,
});

/** The usual case after an earlier good build of the same packet (old output to keep or replace). */
const rebuild = (text: string | Uint8Array, more: Partial<Case> = {}): Pick<Case, 'files' | 'args'> & Partial<Case> => ({
  files: { [DATA]: json(), ...userFiles(OUT) },
  previous: [BUILD],
  then: { [DATA]: text },
  args: BUILD,
  ...more,
});

const cases: Case[] = [
  // --- A rebuild destroys files that shenbao did not write ---------------------------------
  {
    name: 'build data -o . with two packets in data/',
    files: { 'data/minhang-2023.json': json((_, p) => (p[1]!.funds.annual.other = '5,000')), 'data/xuhui-2024.json': forYear(json(), 2024), '底稿.xlsx': 'draft' },
    args: ['build', 'data', '-o', '.', '--date', '2023-01-01'],
    process: 'self',
    expect: {
      code: 1,
      stderr: [
        '生成 data/minhang-2023.json（共 4 个文件）',
        '  [1/4] minhang-2023/01-培训费.pdf',
        '  [2/4] minhang-2023/01-培训费.docx',
        '  [3/4] minhang-2023/03-残疾人就业保障金.pdf',
        '  [4/4] minhang-2023/03-残疾人就业保障金.docx',
        'data/minhang-2023.json:117:20：项目 2「闵行区居村民服务自治平台（2023运维）」：年度资金·其他资金（projects[1].funds.annual.other）：错误：金额应写成不带千位分隔符、最多两位小数的数字字符串，如 "200000.00"',
        'data/minhang-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        'data/minhang-2023.json：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项',
        '    提示：改正上面列出的错误后重新生成',
        'data/minhang-2023.json：写出 4 个文件，2 个错误，1 条警告',
        '生成 data/xuhui-2024.json（共 8 个文件）',
        '  [1/8] xuhui-2024/01-培训费.pdf',
        '  [2/8] xuhui-2024/01-培训费.docx',
        '  [3/8] xuhui-2024/02-闵行区居村民服务自治平台（2024运维）.pdf',
        '  [4/8] xuhui-2024/02-闵行区居村民服务自治平台（2024运维）.docx',
        '  [5/8] xuhui-2024/03-残疾人就业保障金.pdf',
        '  [6/8] xuhui-2024/03-残疾人就业保障金.docx',
        '  汇总表：排版 3 张申报表…',
        '  [7/8] xuhui-2024/汇总表.pdf',
        '  [8/8] xuhui-2024/汇总表.docx',
        'data/xuhui-2024.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        'data/xuhui-2024.json：写出 8 个文件，0 个错误，1 条警告',
      ],
      folders: {
        '.': ['data/', 'minhang-2023/', 'xuhui-2024/', '底稿.xlsx'],
        'minhang-2023': ['01-培训费.docx', '01-培训费.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json'],
        'xuhui-2024': ['01-培训费.docx', '01-培训费.pdf', '02-闵行区居村民服务自治平台（2024运维）.docx', '02-闵行区居村民服务自治平台（2024运维）.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '汇总表.docx', '汇总表.pdf'],
      },
    },
  },
  {
    name: 'build 闵行.json -o . beside an existing 闵行/ of the user',
    files: {
      '闵行.json': json((_, p) => delete p[1]!.implementer),
      '闵行/底稿.xlsx': 'PK\u0003\u0004 draft',
      '闵行/2022申报.docx': 'PK\u0003\u0004 last year',
    },
    args: ['build', '<dir>/闵行.json', '-o', '<dir>', '--date', '2023-01-01'],
    expect: {
      code: 1,
      stderr: [
        '生成 <dir>/闵行.json（共 4 个文件）',
        '  [1/4] <dir>/闵行/01-培训费.pdf',
        '  [2/4] <dir>/闵行/01-培训费.docx',
        '  [3/4] <dir>/闵行/03-残疾人就业保障金.pdf',
        '  [4/4] <dir>/闵行/03-残疾人就业保障金.docx',
        '<dir>/闵行.json:99:5：项目 2「闵行区居村民服务自治平台（2023运维）」：实施单位（projects[1].implementer）：错误：缺少必填项',
        '<dir>/闵行.json:195:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/闵行.json：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项',
        '    提示：改正上面列出的错误后重新生成',
        '<dir>/闵行.json：写出 4 个文件，2 个错误，1 条警告',
      ],
      folders: {
        '闵行': ['01-培训费.docx', '01-培训费.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', '2022申报.docx', 'manifest.json', '底稿.xlsx'],
      },
    },
  },
  {
    name: 'a stamped scan in out/xuhui-2024/',
    files: { 'data/xuhui-2024.json': forYear(json(), 2024) },
    previous: [['build', '<dir>/data/xuhui-2024.json', '-o', '<dir>/out', '--date', '2024-01-01']],
    then: {
      'out/xuhui-2024/03-残疾人就业保障金（盖章）.pdf': '%PDF-1.4 stamped scan',
      'data/xuhui-2024.json': forYear(json((_, p) => (p[1]!.endDate = '2023-02-30')), 2024),
    },
    args: ['build', '<dir>/data/xuhui-2024.json', '-o', '<dir>/out', '--date', '2024-01-01'],
    expect: {
      code: 1,
      stderr: [
        '生成 <dir>/data/xuhui-2024.json（共 4 个文件）',
        '  [1/4] <dir>/out/xuhui-2024/01-培训费.pdf',
        '  [2/4] <dir>/out/xuhui-2024/01-培训费.docx',
        '  [3/4] <dir>/out/xuhui-2024/03-残疾人就业保障金.pdf',
        '  [4/4] <dir>/out/xuhui-2024/03-残疾人就业保障金.docx',
        '<dir>/data/xuhui-2024.json:106:18：项目 2「闵行区居村民服务自治平台（2024运维）」：计划完成日期（projects[1].endDate）：错误：日期 2024-02-30 不存在，请检查月份和日期',
        '<dir>/data/xuhui-2024.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/xuhui-2024.json：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项；原有的 汇总表.pdf、汇总表.docx 已删除，以免它与数据不一致',
        '    提示：改正上面列出的错误后重新生成',
        '<dir>/data/xuhui-2024.json：写出 4 个文件，删除 4 个旧文件，2 个错误，1 条警告',
      ],
      folders: {
        'out/xuhui-2024': ['01-培训费.docx', '01-培训费.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', '03-残疾人就业保障金（盖章）.pdf', 'manifest.json'],
      },
    },
  },
  {
    name: '单位?.json, 单位:.json and 单位_.json in one folder',
    files: { 'data/单位?.json': json(), 'data/单位:.json': json(), 'data/单位_.json': json(), ...userFiles('out/单位_') },
    args: ['build', '<dir>/data', '-o', '<dir>/out'],
    expect: {
      code: 2,
      stderr: [
        '数据文件 <dir>/data/单位:.json、<dir>/data/单位?.json 和 <dir>/data/单位_.json 会写到同一个输出文件夹「单位_」，会互相覆盖：请给其中 2 个改名',
      ],
      folders: {
        'out/单位_': ['底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'A.json and a.json, one folder on Windows and macOS',
    files: { 'data/A.json': json(), 'data/a.json': json(), ...userFiles('out/a') },
    args: ['build', '<dir>/data', '-o', '<dir>/out'],
    expect: {
      code: 2,
      stderr: [
        '数据文件 <dir>/data/A.json 和 <dir>/data/a.json 会写到同一个输出文件夹「a」，后一个会覆盖前一个：请给其中一个改名',
      ],
      folders: {
        'out/a': ['底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'an output folder that holds its own input',
    files: { '闵行/闵行.json': json(), '闵行/底稿.xlsx': 'draft' },
    args: ['build', '<dir>/闵行/闵行.json', '-o', '<dir>'],
    expect: {
      code: 2,
      stderr: [
        '输出文件夹 <dir>/闵行 里有数据文件 <dir>/闵行/闵行.json 本身：请用 -o 指定另一个输出目录，不要和数据文件放在一起',
      ],
      folders: {
        '闵行': ['底稿.xlsx', '闵行.json'],
      },
    },
  },
  {
    name: '-o naming the data folder itself',
    files: { 'data/unit-2023.json': json((_, p) => (p[1]!.nature = '常规项目')), 'data/底稿.xlsx': 'draft' },
    args: ['build', '<dir>/data', '-o', '<dir>/data', '--date', '2023-01-01'],
    expect: {
      code: 1,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 4 个文件）',
        '  [1/4] <dir>/data/unit-2023/01-培训费.pdf',
        '  [2/4] <dir>/data/unit-2023/01-培训费.docx',
        '  [3/4] <dir>/data/unit-2023/03-残疾人就业保障金.pdf',
        '  [4/4] <dir>/data/unit-2023/03-残疾人就业保障金.docx',
        '<dir>/data/unit-2023.json:101:17：项目 2「闵行区居村民服务自治平台（2023运维）」：项目性质（projects[1].nature）：错误：应为以下之一：经常性项目、阶段性项目、一次性项目',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项',
        '    提示：改正上面列出的错误后重新生成',
        '<dir>/data/unit-2023.json：写出 4 个文件，2 个错误，1 条警告',
      ],
      folders: {
        'data': ['unit-2023.json', 'unit-2023/', '底稿.xlsx'],
        'data/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json'],
      },
    },
  },
  {
    name: 'a file of the user where an output goes',
    ...data(json(), { files: { [DATA]: json(), ...userFiles(OUT), [`${OUT}/${F3}`]: '%PDF-1.4 the user’s own' } }),
    expect: {
      code: 2,
      stderr: [
        '输出文件夹里已有同名文件，不是 shenbao 生成的（或生成后被改动过），shenbao 不会覆盖它们，这次什么也没有写：',
        '  <dir>/out/unit-2023/03-残疾人就业保障金.pdf',
        '请把它们移走或改名，或用 -o 换一个输出目录，然后重新生成',
        '（这个文件夹里没有 manifest.json，shenbao 靠它认出自己的文件。若这些文件是 shenbao 以前生成的——旧版本生成的，或 manifest.json 被删除了——确认后删除它们即可）',
      ],
      folders: {
        'out/unit-2023': ['03-残疾人就业保障金.pdf', '底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'an output the user edited since the last build',
    ...rebuild(json(), { then: { [`${OUT}/${F1}`]: '%PDF-1.4 annotated by hand' } }),
    expect: {
      code: 2,
      stderr: [
        '输出文件夹里已有同名文件，不是 shenbao 生成的（或生成后被改动过），shenbao 不会覆盖它们，这次什么也没有写：',
        '  <dir>/out/unit-2023/01-培训费.pdf',
        '请把它们移走或改名，或用 -o 换一个输出目录，然后重新生成',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '02-闵行区居村民服务自治平台（2023运维）.docx', '02-闵行区居村民服务自治平台（2023运维）.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '汇总表.docx', '汇总表.pdf', '盖章件/'],
      },
    },
  },
  {
    name: 'a manifest.json that is not shenbao’s',
    ...data(json(), { files: { [DATA]: json(), ...userFiles(OUT), [`${OUT}/${MANIFEST}`]: '{"name": "my app", "version": "1.0.0"}\n' } }),
    expect: {
      code: 2,
      stderr: [
        '输出目录 <dir>/out/unit-2023 中已有一个 manifest.json，但不是 shenbao 写的（或已损坏）：shenbao 不会覆盖它。请把它移走，或用 -o 换一个输出目录',
      ],
      folders: {
        'out/unit-2023': ['manifest.json', '底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'a file where the packet folder goes',
    files: { [DATA]: json(), 'out/unit-2023': 'a file, not a folder' },
    args: BUILD,
    expect: {
      code: 2,
      stderr: [
        '输出位置 <dir>/out/unit-2023 已有一个同名文件，不是文件夹：shenbao 不会覆盖它，请用 -o 换一个输出目录',
      ],
      folders: {
        '.': ['data/', 'out/'],
      },
    },
  },

  // --- Silent empty boxes (tofu) -------------------------------------------------------------
  {
    name: 'tofu: 𠀀 (U+20000, CJK Extension B) in a goal',
    ...data(json((_, p) => (p[1]!.annualGoal = '为王𠀀同志等基层干部提供平台运维保障。'))),
    expect: {
      code: 1,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 4 个文件）',
        '  [1/4] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/4] <dir>/out/unit-2023/01-培训费.docx',
        '  [3/4] <dir>/out/unit-2023/03-残疾人就业保障金.pdf',
        '  [4/4] <dir>/out/unit-2023/03-残疾人就业保障金.docx',
        '<dir>/data/unit-2023.json:120:21：项目 2「闵行区居村民服务自治平台（2023运维）」：年度总体目标（projects[1].annualGoal）：错误：「𠀀」（U+20000）不在字体 NotoSerifSC-Regular 中，印出来会是空白方框',
        '    提示：这是生僻字（CJK 扩展 B 区）：可用 --font、--font-bold 换用收有此字的中文字体，或按本单位惯例改写（如以同音字代替并加注）',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项',
        '    提示：改正上面列出的错误后重新生成',
        '<dir>/data/unit-2023.json：写出 4 个文件，2 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'tofu: an emoji in an indicator name',
    ...data(json((_, p) => (p[1]!.indicators[0]!.name = `${String(p[1]!.indicators[0]!.name)}😀`))),
    expect: {
      code: 1,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 4 个文件）',
        '  [1/4] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/4] <dir>/out/unit-2023/01-培训费.docx',
        '  [3/4] <dir>/out/unit-2023/03-残疾人就业保障金.pdf',
        '  [4/4] <dir>/out/unit-2023/03-残疾人就业保障金.docx',
        '<dir>/data/unit-2023.json:125:19：项目 2「闵行区居村民服务自治平台（2023运维）」：绩效指标第 1 条的三级指标（projects[1].indicators[0].name）：错误：「😀」（U+1F600）不在字体 NotoSerifSC-Regular 中，印出来会是空白方框',
        '    提示：表格中不宜用表情符号，请删去或改用文字',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项',
        '    提示：改正上面列出的错误后重新生成',
        '<dir>/data/unit-2023.json：写出 4 个文件，2 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'an emoji after the unit of a target',
    ...data(json((_, p) => (p[1]!.indicators[0]!.target = '≥4(次)😀'))),
    expect: {
      code: 1,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 4 个文件）',
        '  [1/4] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/4] <dir>/out/unit-2023/01-培训费.docx',
        '  [3/4] <dir>/out/unit-2023/03-残疾人就业保障金.pdf',
        '  [4/4] <dir>/out/unit-2023/03-残疾人就业保障金.docx',
        '<dir>/data/unit-2023.json:126:21：项目 2「闵行区居村民服务自治平台（2023运维）」：绩效指标第 1 条的年度(/项目)指标值（projects[1].indicators[0].target）：错误：指标值「≥4(次)😀」有误：单位「(次)」后面多了「😀」',
        '    提示：数量型指标值写成 运算符 + 数值 + (单位)，如「≥4(次)」「=90(%)」；定性指标直接写文字，如「提升」',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项',
        '    提示：改正上面列出的错误后重新生成',
        '<dir>/data/unit-2023.json：写出 4 个文件，2 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'tofu: U+E000 (private use) in an indicator name',
    ...data(json((_, p) => (p[1]!.indicators[1]!.name = `\uE000${String(p[1]!.indicators[1]!.name)}`))),
    expect: {
      code: 1,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 4 个文件）',
        '  [1/4] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/4] <dir>/out/unit-2023/01-培训费.docx',
        '  [3/4] <dir>/out/unit-2023/03-残疾人就业保障金.pdf',
        '  [4/4] <dir>/out/unit-2023/03-残疾人就业保障金.docx',
        '<dir>/data/unit-2023.json:131:19：项目 2「闵行区居村民服务自治平台（2023运维）」：绩效指标第 2 条的三级指标（projects[1].indicators[1].name）：错误：「」（U+E000）不在字体 NotoSerifSC-Regular 中，印出来会是空白方框',
        '    提示：这是私用区字符（造字程序或输入法自造的字），换了电脑或字体就显示不出来；请改用标准汉字，或用文字说明它的写法',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项',
        '    提示：改正上面列出的错误后重新生成',
        '<dir>/data/unit-2023.json：写出 4 个文件，2 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'a zero-width space pasted into a project name',
    ...data(json((_, p) => (p[1]!.name = '闵行区居村民服务\u200B自治平台（2023运维）'))),
    expect: {
      code: 1,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 4 个文件）',
        '  [1/4] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/4] <dir>/out/unit-2023/01-培训费.docx',
        '  [3/4] <dir>/out/unit-2023/03-残疾人就业保障金.pdf',
        '  [4/4] <dir>/out/unit-2023/03-残疾人就业保障金.docx',
        '<dir>/data/unit-2023.json:100:15：项目 2「闵行区居村民服务\\u{200B}自治平台（2023运维）」：项目名称（projects[1].name）：错误：第 9 个字符是不可见字符 U+200B（零宽空格），多半是从网页或 Word 复制来的，请删除',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项',
        '    提示：改正上面列出的错误后重新生成',
        '<dir>/data/unit-2023.json：写出 4 个文件，2 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: '--font: a Latin-only font (Roboto)',
    ...data(json(), { files: { [DATA]: json(), ...userFiles(OUT), 'fonts/Roboto-Regular.ttf': ROBOTO }, args: [...BUILD, '--font', '<dir>/fonts/Roboto-Regular.ttf'] }),
    expect: {
      code: 2,
      stderr: [
        '字体文件 <dir>/fonts/Roboto-Regular.ttf 不含中文字形（缺「财」「政」「项」「目」「支」「出」等 15 个字），不能用来印申报表；请换用含简体中文的 TrueType 字体',
      ],
      folders: {
        'out/unit-2023': ['底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: '--font-bold: a Latin-only font for the titles',
    ...data(json(), { files: { [DATA]: json(), ...userFiles(OUT), 'fonts/Roboto-Regular.ttf': ROBOTO }, args: [...BUILD, '--font-bold', '<dir>/fonts/Roboto-Regular.ttf'] }),
    expect: {
      code: 2,
      stderr: [
        '字体文件 <dir>/fonts/Roboto-Regular.ttf 不含中文字形（缺「财」「政」「项」「目」「支」「出」等 15 个字），不能用来印申报表；请换用含简体中文的 TrueType 字体',
      ],
      folders: {
        'out/unit-2023': ['底稿.xlsx', '盖章件/'],
      },
    },
  },

  // --- A stale 汇总表 after --only ----------------------------------------------------------
  {
    name: '--only after an amount changed',
    ...rebuild(json((_, p) => (p[0]!.funds.annual = { total: '987654.32', fiscal: '900000.00', carryover: '80000.00', other: '7654.32' })), {
      args: [...BUILD, '--only', '培训费'],
      check: async (dir) => {
        const summary = compact((await readPdf(await readFile(path.join(dir, OUT, SUMMARY)))).pages.join(''));
        expect(summary).toContain('987,654.32');
        expect(summary).not.toContain('123,456.78');
      },
    }),
    expect: {
      code: 0,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 4 个文件）',
        '  [1/4] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/4] <dir>/out/unit-2023/01-培训费.docx',
        '  汇总表：排版 3 张申报表…',
        '  [3/4] <dir>/out/unit-2023/汇总表.pdf',
        '  [4/4] <dir>/out/unit-2023/汇总表.docx',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：写出 4 个文件，0 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '02-闵行区居村民服务自治平台（2023运维）.docx', '02-闵行区居村民服务自治平台（2023运维）.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '汇总表.docx', '汇总表.pdf', '盖章件/'],
      },
    },
  },
  {
    name: '--only after the projects were reordered',
    ...rebuild(json((packet, p) => (packet.projects = [p[1]!, p[0]!, p[2]!])), { args: [...BUILD, '--only', '培训费'] }),
    expect: {
      code: 0,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 4 个文件）',
        '  [1/4] <dir>/out/unit-2023/02-培训费.pdf',
        '  [2/4] <dir>/out/unit-2023/02-培训费.docx',
        '  汇总表：排版 3 张申报表…',
        '  [3/4] <dir>/out/unit-2023/汇总表.pdf',
        '  [4/4] <dir>/out/unit-2023/汇总表.docx',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：项目 1「闵行区居村民服务自治平台（2023运维）」：警告：01-闵行区居村民服务自治平台（2023运维）.pdf、01-闵行区居村民服务自治平台（2023运维）.docx 不存在：这次 --only 没有生成它',
        '    提示：不带 --only 重新生成，或把这个项目也写进 --only',
        '<dir>/data/unit-2023.json：写出 4 个文件，删除 4 个旧文件，0 个错误，2 条警告',
      ],
      folders: {
        'out/unit-2023': ['02-培训费.docx', '02-培训费.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '汇总表.docx', '汇总表.pdf', '盖章件/'],
      },
    },
  },
  {
    name: '--only while another project has an error',
    ...rebuild(json((_, p) => (p[2]!.funds.annual.total = '1.00')), { args: [...BUILD, '--only', '培训费'] }),
    expect: {
      code: 1,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 2 个文件）',
        '  [1/2] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/2] <dir>/out/unit-2023/01-培训费.docx',
        '<dir>/data/unit-2023.json:189:20：项目 3「残疾人就业保障金」：年度资金·年度资金申请总额（projects[2].funds.annual.total）：错误：年度资金申请总额 1.00 不等于 当年财政拨款 + 上年结转资金 + 其他资金 = 24,820.00',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：项目 3「残疾人就业保障金」：警告：03-残疾人就业保障金.pdf、03-残疾人就业保障金.docx 是以前生成的，与现在的数据不一致（这次 --only 没有重新生成它）',
        '    提示：不带 --only 重新生成，或把这个项目也写进 --only',
        '<dir>/data/unit-2023.json：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项；原有的 汇总表.pdf、汇总表.docx 已删除，以免它与数据不一致',
        '    提示：改正上面列出的错误后重新生成',
        '<dir>/data/unit-2023.json：写出 2 个文件，删除 2 个旧文件，2 个错误，2 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '02-闵行区居村民服务自治平台（2023运维）.docx', '02-闵行区居村民服务自治平台（2023运维）.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: '--only naming a project that has an error',
    ...rebuild(json((_, p) => (p[1]!.funds.annual.total = '1.00')), { args: [...BUILD, '--only', '闵行区居村民服务自治平台（2023运维）'] }),
    expect: {
      code: 1,
      stderr: [
        '<dir>/data/unit-2023.json：没有可以生成的文件',
        '<dir>/data/unit-2023.json:114:20：项目 2「闵行区居村民服务自治平台（2023运维）」：年度资金·年度资金申请总额（projects[1].funds.annual.total）：错误：年度资金申请总额 1.00 不等于 当年财政拨款 + 上年结转资金 + 其他资金 = 71,200.00',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项；原有的 汇总表.pdf、汇总表.docx 已删除，以免它与数据不一致',
        '    提示：改正上面列出的错误后重新生成',
        '<dir>/data/unit-2023.json：写出 0 个文件，删除 4 个旧文件，2 个错误，1 条警告',
      ],
      // The named project's old form goes too: it no longer matches its data.
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: '--only with two packets, the name in one of them',
    files: { 'data/a-2023.json': json(), 'data/b-2023.json': json((_, p) => (p[0]!.name = '干部培训费')), ...userFiles('out/a-2023'), ...userFiles('out/b-2023') },
    previous: [['build', '<dir>/data', '-o', '<dir>/out', '--date', '2023-01-01']],
    then: { 'data/a-2023.json': json((_, p) => (p[0]!.funds.annual = { total: '987654.32', fiscal: '900000.00', carryover: '80000.00', other: '7654.32' })) },
    args: ['build', '<dir>/data', '-o', '<dir>/out', '--date', '2023-01-01', '--only', '培训费'],
    check: async (_, before, after) => {
      const ofB = (tree: Record<string, string>) => Object.entries(tree).filter(([key]) => key.startsWith('out/b-2023'));
      expect(ofB(after)).toEqual(ofB(before)); // the packet without that name is left alone
    },
    expect: {
      code: 0,
      stderr: [
        '生成 <dir>/data/a-2023.json（共 4 个文件）',
        '  [1/4] <dir>/out/a-2023/01-培训费.pdf',
        '  [2/4] <dir>/out/a-2023/01-培训费.docx',
        '  汇总表：排版 3 张申报表…',
        '  [3/4] <dir>/out/a-2023/汇总表.pdf',
        '  [4/4] <dir>/out/a-2023/汇总表.docx',
        '<dir>/data/a-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/a-2023.json：写出 4 个文件，0 个错误，1 条警告',
        '<dir>/data/b-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/b-2023.json：输出文件夹未改动，0 个错误，1 条警告',
      ],
      folders: {
        'out/a-2023': ['01-培训费.docx', '01-培训费.pdf', '02-闵行区居村民服务自治平台（2023运维）.docx', '02-闵行区居村民服务自治平台（2023运维）.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '汇总表.docx', '汇总表.pdf', '盖章件/'],
        'out/b-2023': ['01-干部培训费.docx', '01-干部培训费.pdf', '02-闵行区居村民服务自治平台（2023运维）.docx', '02-闵行区居村民服务自治平台（2023运维）.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '汇总表.docx', '汇总表.pdf', '盖章件/'],
      },
    },
  },
  {
    name: '--only with no name',
    ...rebuild(json(), { args: [...BUILD, '--only'] }),
    expect: {
      code: 2,
      stderr: [
        '--only 后面要写项目名称，如 --only 培训费（可以写多个）',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '02-闵行区居村民服务自治平台（2023运维）.docx', '02-闵行区居村民服务自治平台（2023运维）.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '汇总表.docx', '汇总表.pdf', '盖章件/'],
      },
    },
  },
  {
    name: '--only with a name that matches nothing',
    ...rebuild(json(), { args: [...BUILD, '--only', '培训'] }),
    expect: {
      code: 2,
      stderr: [
        '--only：没有名为「培训」的项目。项目名称有：培训费、闵行区居村民服务自治平台（2023运维）、残疾人就业保障金',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '02-闵行区居村民服务自治平台（2023运维）.docx', '02-闵行区居村民服务自治平台（2023运维）.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '汇总表.docx', '汇总表.pdf', '盖章件/'],
      },
    },
  },

  // --- Everyday faults of the environment ---------------------------------------------------
  {
    name: '-o naming a file',
    files: { [DATA]: json(), 'out.txt': 'a file' },
    args: ['build', `<dir>/${DATA}`, '-o', '<dir>/out.txt'],
    expect: {
      code: 2,
      stderr: [
        '无法使用输出目录 <dir>/out.txt：它（或它的上级）是一个文件，不是文件夹，请用 -o 换一个输出目录',
      ],
      folders: {
        '.': ['data/', 'out.txt'],
      },
    },
  },
  {
    name: 'EACCES: an output folder the user may not write',
    files: { [DATA]: json(), 'locked/底稿.xlsx': 'draft' },
    args: ['build', DATA, '-o', 'locked', '--date', '2023-01-01'],
    process: 'nobody',
    prepare: async (dir) => {
      await chmod(dir, 0o755);
      await chmod(path.join(dir, 'locked'), 0o555);
    },
    expect: {
      code: 3,
      stderr: [
        '生成 data/unit-2023.json（共 8 个文件）',
        'data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '没有权限创建输出目录 locked/unit-2023：请检查这个文件夹的权限，关闭正打开其中文件的程序（如 PDF 阅读器），或用 -o 换一个输出目录',
        'data/unit-2023.json：未能生成，输出文件夹保持原样，0 个错误，1 条警告',
      ],
      folders: {
        'locked': ['底稿.xlsx'],
      },
    },
  },
  {
    name: 'ENOSPC: a full disk while writing a form',
    ...rebuild(json((_, p) => (p[0]!.annualGoal = '新的年度总体目标'))),
    fault: (op, file) => (op === 'writeFile' && path.basename(file) === F2 ? 'ENOSPC' : undefined),
    expect: {
      code: 3,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 8 个文件）',
        '  [1/8] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/8] <dir>/out/unit-2023/01-培训费.docx',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '磁盘空间不足，无法写入 <dir>/out/unit-2023/02-闵行区居村民服务自治平台（2023运维）.pdf：请清理磁盘空间，或用 -o 换一个输出目录后重试',
        '<dir>/data/unit-2023.json：未能生成，输出文件夹保持原样，0 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '02-闵行区居村民服务自治平台（2023运维）.docx', '02-闵行区居村民服务自治平台（2023运维）.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '汇总表.docx', '汇总表.pdf', '盖章件/'],
      },
    },
  },
  {
    name: 'ENOSPC: a full disk while writing the 汇总表',
    ...data(json()),
    fault: (op, file) => (op === 'writeFile' && path.basename(file) === SUMMARY ? 'ENOSPC' : undefined),
    expect: {
      code: 3,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 8 个文件）',
        '  [1/8] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/8] <dir>/out/unit-2023/01-培训费.docx',
        '  [3/8] <dir>/out/unit-2023/02-闵行区居村民服务自治平台（2023运维）.pdf',
        '  [4/8] <dir>/out/unit-2023/02-闵行区居村民服务自治平台（2023运维）.docx',
        '  [5/8] <dir>/out/unit-2023/03-残疾人就业保障金.pdf',
        '  [6/8] <dir>/out/unit-2023/03-残疾人就业保障金.docx',
        '  汇总表：排版 3 张申报表…',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '磁盘空间不足，无法写入 <dir>/out/unit-2023/汇总表.pdf：请清理磁盘空间，或用 -o 换一个输出目录后重试',
        '<dir>/data/unit-2023.json：未能生成，输出文件夹保持原样，0 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'EROFS: a read-only disk',
    ...rebuild(json((_, p) => (p[0]!.annualGoal = '新的年度总体目标'))),
    fault: (op, file) => (op === 'mkdir' && file.includes(`${path.sep}out`) ? 'EROFS' : undefined),
    expect: {
      code: 3,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 8 个文件）',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '无法创建输出目录 <dir>/out/unit-2023：所在的磁盘是只读的，请用 -o 换一个输出目录',
        '<dir>/data/unit-2023.json：未能生成，输出文件夹保持原样，0 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '02-闵行区居村民服务自治平台（2023运维）.docx', '02-闵行区居村民服务自治平台（2023运维）.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '汇总表.docx', '汇总表.pdf', '盖章件/'],
      },
    },
  },
  {
    name: 'EROFS: a read-only disk, as the staging folder is made beside an earlier build',
    ...rebuild(json((_, p) => (p[0]!.annualGoal = '新的年度总体目标'))),
    // On a read-only disk `mkdir -p` of a folder that exists succeeds; making a new one does not.
    fault: (op, file) => (op === 'mkdir' && file.includes('.shenbao-staging-') ? 'EROFS' : undefined),
    expect: {
      code: 3,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 8 个文件）',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '无法创建临时文件夹于 <dir>/out/unit-2023：所在的磁盘是只读的，请用 -o 换一个输出目录',
        '<dir>/data/unit-2023.json：未能生成，输出文件夹保持原样，0 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '02-闵行区居村民服务自治平台（2023运维）.docx', '02-闵行区居村民服务自治平台（2023运维）.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '汇总表.docx', '汇总表.pdf', '盖章件/'],
      },
    },
  },
  {
    name: 'ENOSPC: a full disk while writing the manifest',
    ...rebuild(json((_, p) => (p[0]!.annualGoal = '新的年度总体目标'))),
    fault: (op, file) => (op === 'writeFile' && path.basename(file) === '.manifest.pending' ? 'ENOSPC' : undefined),
    expect: {
      code: 3,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 8 个文件）',
        '  [1/8] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/8] <dir>/out/unit-2023/01-培训费.docx',
        '  [3/8] <dir>/out/unit-2023/02-闵行区居村民服务自治平台（2023运维）.pdf',
        '  [4/8] <dir>/out/unit-2023/02-闵行区居村民服务自治平台（2023运维）.docx',
        '  [5/8] <dir>/out/unit-2023/03-残疾人就业保障金.pdf',
        '  [6/8] <dir>/out/unit-2023/03-残疾人就业保障金.docx',
        '  汇总表：排版 3 张申报表…',
        '  [7/8] <dir>/out/unit-2023/汇总表.pdf',
        '  [8/8] <dir>/out/unit-2023/汇总表.docx',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '磁盘空间不足，无法写入 <dir>/out/unit-2023/manifest.json：请清理磁盘空间，或用 -o 换一个输出目录后重试',
        '<dir>/data/unit-2023.json：未能生成，输出文件夹保持原样，0 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '02-闵行区居村民服务自治平台（2023运维）.docx', '02-闵行区居村民服务自治平台（2023运维）.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '汇总表.docx', '汇总表.pdf', '盖章件/'],
      },
    },
  },
  {
    name: 'EPERM: a PDF held open by a viewer while it is replaced',
    ...rebuild(json((_, p) => (p[0]!.annualGoal = '新的年度总体目标'))),
    fault: (() => {
      let once = true; // one refusal: moving the old version back then works
      return (op: Op, file: string) => {
        if (op !== 'rename' || path.basename(file) !== F3 || file.includes('.shenbao-staging-') || !once) return undefined;
        once = false;
        return 'EPERM';
      };
    })(),
    expect: {
      code: 3,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 8 个文件）',
        '  [1/8] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/8] <dir>/out/unit-2023/01-培训费.docx',
        '  [3/8] <dir>/out/unit-2023/02-闵行区居村民服务自治平台（2023运维）.pdf',
        '  [4/8] <dir>/out/unit-2023/02-闵行区居村民服务自治平台（2023运维）.docx',
        '  [5/8] <dir>/out/unit-2023/03-残疾人就业保障金.pdf',
        '  [6/8] <dir>/out/unit-2023/03-残疾人就业保障金.docx',
        '  汇总表：排版 3 张申报表…',
        '  [7/8] <dir>/out/unit-2023/汇总表.pdf',
        '  [8/8] <dir>/out/unit-2023/汇总表.docx',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '没有权限替换 <dir>/out/unit-2023/03-残疾人就业保障金.pdf：请检查这个文件夹的权限，关闭正打开其中文件的程序（如 PDF 阅读器），或用 -o 换一个输出目录',
        '<dir>/data/unit-2023.json：未能生成，输出文件夹保持原样，0 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '02-闵行区居村民服务自治平台（2023运维）.docx', '02-闵行区居村民服务自治平台（2023运维）.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '汇总表.docx', '汇总表.pdf', '盖章件/'],
      },
    },
  },
  {
    name: 'EACCES: a data file the user may not read',
    files: { [DATA]: json(), 'out/unit-2023/底稿.xlsx': 'draft' },
    args: ['build', DATA, '-o', 'out', '--date', '2023-01-01'],
    process: 'nobody',
    prepare: async (dir) => {
      for (const folder of ['', 'data', 'out', 'out/unit-2023']) await chmod(path.join(dir, folder), 0o777);
      await chmod(path.join(dir, DATA), 0o600);
    },
    expect: {
      // A problem of this data file only: a folder's other data files would still be built.
      code: 1,
      stderr: [
        'data/unit-2023.json：错误：没有权限读取 data/unit-2023.json：请检查它的权限，或换一个有权限的用户运行',
        'data/unit-2023.json：输出文件夹未改动，1 个错误，0 条警告',
      ],
      folders: {
        'out/unit-2023': ['底稿.xlsx'],
      },
    },
  },
  {
    name: 'schema -o into a missing folder',
    files: { '底稿.xlsx': 'draft' },
    args: ['schema', '-o', '<dir>/nowhere/packet.schema.json'],
    expect: {
      code: 2,
      stderr: [
        '无法写入 <dir>/nowhere/packet.schema.json：它所在的文件夹不存在，请检查路径',
      ],
      folders: {
        '.': ['底稿.xlsx'],
      },
    },
  },
  {
    name: '--font: a truncated TTF',
    ...data(json(), { files: { [DATA]: json(), ...userFiles(OUT), 'fonts/NotoSerifSC.ttf': TRUNCATED_NOTO }, args: [...BUILD, '--font', '<dir>/fonts/NotoSerifSC.ttf'] }),
    expect: {
      code: 2,
      stderr: [
        '字体文件 <dir>/fonts/NotoSerifSC.ttf 已损坏或不完整（glyf 表超出了文件末尾，文件可能只复制了一部分），请重新复制或下载这个字体文件',
      ],
      folders: {
        'out/unit-2023': ['底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: '--font: a file that is no font',
    ...data(json(), { files: { [DATA]: json(), ...userFiles(OUT), 'fonts/宋体.ttf': 'not a font at all' }, args: [...BUILD, '--font', '<dir>/fonts/宋体.ttf'] }),
    expect: {
      code: 2,
      stderr: [
        '字体文件 <dir>/fonts/宋体.ttf 不是 TrueType/OpenType 字体文件，请换用 TrueType 字体文件（.ttf）',
      ],
      folders: {
        'out/unit-2023': ['底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: '--font: a file that does not exist',
    ...data(json(), { args: [...BUILD, '--font', '<dir>/fonts/宋体.ttf'] }),
    expect: {
      code: 2,
      stderr: [
        '找不到 <dir>/fonts/宋体.ttf：没有这个文件或文件夹，请检查路径是否写对',
      ],
      folders: {
        'out/unit-2023': ['底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: '--templates: a folder that does not exist',
    ...data(json(), { args: [...BUILD, '--templates', '<dir>/模板'] }),
    expect: {
      code: 2,
      stderr: [
        '找不到 <dir>/模板/declaration.hbs：没有这个文件或文件夹，请检查路径是否写对',
      ],
      folders: {
        'out/unit-2023': ['底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: '--templates: a template outside the markup subset',
    ...data(json(), {
      files: {
        [DATA]: json(),
        ...userFiles(OUT),
        '模板/declaration.hbs': TEMPLATE('declaration.hbs').replace('<h1>财政项目支出绩效目标申报表</h1>', '<h1>财政项目支出绩效目标申报表</h1>\n<p style="color:red">草稿</p>'),
        '模板/summary.hbs': TEMPLATE('summary.hbs'),
      },
      args: [...BUILD, '--templates', '<dir>/模板'],
    }),
    expect: {
      code: 2,
      stderr: [
        '模板 <dir>/模板/declaration.hbs 第 8 行：<p> 不在支持的标记范围内；此处只能是 <h1> <h2> <table> <page-break>',
      ],
      folders: {
        'out/unit-2023': ['底稿.xlsx', '盖章件/'],
      },
    },
  },

  // --- Inputs that are missing or not data files ----------------------------------------------
  {
    name: 'a data file that does not exist',
    files: { '底稿.xlsx': 'draft' },
    args: ['build', '<dir>/data/unit-2023.json', '-o', '<dir>/out'],
    expect: {
      code: 2,
      stderr: [
        '找不到 <dir>/data/unit-2023.json：没有这个文件或文件夹，请检查路径是否写对',
      ],
      folders: {
        '.': ['底稿.xlsx'],
      },
    },
  },
  {
    name: 'a folder without .json files',
    files: { 'data/unit-2023.xlsx': 'PK\u0003\u0004', 'data/readme.txt': 'notes' },
    args: ['build', '<dir>/data', '-o', '<dir>/out'],
    expect: {
      code: 2,
      stderr: [
        '目录 <dir>/data 中没有 .json 数据文件',
      ],
      folders: {
        '.': ['data/'],
      },
    },
  },
  {
    name: 'an empty file', ...data(''),
    expect: {
      code: 1,
      stderr: [
        '<dir>/data/unit-2023.json：错误：文件是空的',
        '<dir>/data/unit-2023.json：输出文件夹未改动，1 个错误，0 条警告',
      ],
      folders: {
        'out/unit-2023': ['底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'NUL bytes: an Excel file saved as .json', ...data(Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0x00, 0x00])),
    expect: {
      code: 1,
      stderr: [
        '<dir>/data/unit-2023.json：错误：文件含有 NUL 字节（第 6 个字节），不是文本文件；请确认选对了文件（不是 Excel、Word 或压缩文件）',
        '<dir>/data/unit-2023.json：输出文件夹未改动，1 个错误，0 条警告',
      ],
      folders: {
        'out/unit-2023': ['底稿.xlsx', '盖章件/'],
      },
    },
  },

  // --- Encodings ------------------------------------------------------------------------------
  {
    name: 'a GBK file, as Notepad saves it', ...data(gbk(json((_, p) => (p[1]!.nature = '常规项目')))),
    expect: {
      code: 1,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 4 个文件）',
        '  [1/4] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/4] <dir>/out/unit-2023/01-培训费.docx',
        '  [3/4] <dir>/out/unit-2023/03-残疾人就业保障金.pdf',
        '  [4/4] <dir>/out/unit-2023/03-残疾人就业保障金.docx',
        '<dir>/data/unit-2023.json：警告：文件不是 UTF-8 编码，已按 GB18030（GBK）读取；建议另存为 UTF-8',
        '    提示：记事本：文件 → 另存为 → 编码选 UTF-8；VS Code：点右下角的编码 → 通过编码保存 → UTF-8',
        '<dir>/data/unit-2023.json:101:17：项目 2「闵行区居村民服务自治平台（2023运维）」：项目性质（projects[1].nature）：错误：应为以下之一：经常性项目、阶段性项目、一次性项目',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项',
        '    提示：改正上面列出的错误后重新生成',
        '<dir>/data/unit-2023.json：写出 4 个文件，2 个错误，2 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'a UTF-16LE file with a BOM', ...data(utf16le(json((_, p) => (p[1]!.nature = '常规项目')))),
    expect: {
      code: 1,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 4 个文件）',
        '  [1/4] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/4] <dir>/out/unit-2023/01-培训费.docx',
        '  [3/4] <dir>/out/unit-2023/03-残疾人就业保障金.pdf',
        '  [4/4] <dir>/out/unit-2023/03-残疾人就业保障金.docx',
        '<dir>/data/unit-2023.json：警告：文件不是 UTF-8 编码，已按 UTF-16LE 读取；建议另存为 UTF-8',
        '    提示：记事本：文件 → 另存为 → 编码选 UTF-8；VS Code：点右下角的编码 → 通过编码保存 → UTF-8',
        '<dir>/data/unit-2023.json:101:17：项目 2「闵行区居村民服务自治平台（2023运维）」：项目性质（projects[1].nature）：错误：应为以下之一：经常性项目、阶段性项目、一次性项目',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项',
        '    提示：改正上面列出的错误后重新生成',
        '<dir>/data/unit-2023.json：写出 4 个文件，2 个错误，2 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'a UTF-16 file without a BOM', ...data(Buffer.from(json(), 'utf16le')),
    expect: {
      code: 1,
      stderr: [
        '<dir>/data/unit-2023.json：错误：文件像是没有 BOM 的 UTF-16 编码，无法可靠读取；请另存为 UTF-8',
        '<dir>/data/unit-2023.json：输出文件夹未改动，1 个错误，0 条警告',
      ],
      folders: {
        'out/unit-2023': ['底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'a UTF-8 BOM before bytes that are not UTF-8',
    ...data(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), gbk(json())])),
    expect: {
      code: 1,
      stderr: [
        '<dir>/data/unit-2023.json：错误：文件开头标明是 UTF-8 编码，但内容不是有效的 UTF-8；请用编辑器另存为 UTF-8',
        '<dir>/data/unit-2023.json：输出文件夹未改动，1 个错误，0 条警告',
      ],
      folders: {
        'out/unit-2023': ['底稿.xlsx', '盖章件/'],
      },
    },
  },

  // --- JSON syntax ----------------------------------------------------------------------------
  {
    name: 'JSON: a trailing comma after the last indicator',
    ...data(json().replace(/\}\n {6}\]\n {4}\}\n {2}\]\n\}\n$/, '},\n      ]\n    }\n  ]\n}\n')),
    expect: {
      code: 1,
      stderr: [
        '<dir>/data/unit-2023.json:221:7：错误：不是有效的 JSON：第 221 行第 7 列附近有语法错误（最后一项后面不能有逗号）',
        '<dir>/data/unit-2023.json：输出文件夹未改动，1 个错误，0 条警告',
      ],
      folders: {
        'out/unit-2023': ['底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'JSON: a doubled comma', ...data(json().replace('"year": 2023,', '"year": 2023,,')),
    expect: {
      code: 1,
      stderr: [
        '<dir>/data/unit-2023.json:4:16：错误：不是有效的 JSON：第 4 行第 16 列附近有语法错误（多了一个逗号）',
        '<dir>/data/unit-2023.json：输出文件夹未改动，1 个错误，0 条警告',
      ],
      folders: {
        'out/unit-2023': ['底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'JSON: single quotes', ...data(json().replace('"unit": ', "'unit': ")),
    expect: {
      code: 1,
      stderr: [
        '<dir>/data/unit-2023.json:3:3：错误：不是有效的 JSON：第 3 行第 3 列附近有语法错误（字符串要用英文双引号 "，不能用单引号）',
        '<dir>/data/unit-2023.json：输出文件夹未改动，1 个错误，0 条警告',
      ],
      folders: {
        'out/unit-2023': ['底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'JSON: Chinese quotes', ...data(json().replace('"unit": ', '“unit”: ')),
    expect: {
      code: 1,
      stderr: [
        '<dir>/data/unit-2023.json:3:3：错误：不是有效的 JSON：第 3 行第 3 列附近有语法错误（用了中文引号「“」，应为英文双引号 "）',
        '<dir>/data/unit-2023.json：输出文件夹未改动，1 个错误，0 条警告',
      ],
      folders: {
        'out/unit-2023': ['底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'JSON: a comment', ...data(json().replace('"year": 2023,', '"year": 2023, // 年度')),
    expect: {
      code: 1,
      stderr: [
        '<dir>/data/unit-2023.json:4:17：错误：不是有效的 JSON：第 4 行第 17 列附近有语法错误（JSON 里不能写注释）',
        '<dir>/data/unit-2023.json：输出文件夹未改动，1 个错误，0 条警告',
      ],
      folders: {
        'out/unit-2023': ['底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'JSON: a missing closing brace', ...data(json().trimEnd().slice(0, -1)),
    expect: {
      code: 1,
      stderr: [
        '<dir>/data/unit-2023.json:223:4：错误：不是有效的 JSON：第 223 行第 4 列附近有语法错误（文件意外结束：可能缺少「}」「]」或引号）',
        '<dir>/data/unit-2023.json：输出文件夹未改动，1 个错误，0 条警告',
      ],
      folders: {
        'out/unit-2023': ['底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'duplicate JSON keys in a project',
    ...data(json().replace('"nature": "经常性项目",\n      "category": "特定目标类",\n      "department": "上海市闵行区地区工作办公室（汇总）",\n      "implementer": "上海市闵行区地区工作办公室",\n      "startDate": "2023-01-01",\n      "endDate": "2023-12-31",\n      "funds": {\n        "project": {\n          "total"', '"nature": "经常性项目",\n      "nature": "一次性项目",\n      "category": "特定目标类",\n      "department": "上海市闵行区地区工作办公室（汇总）",\n      "implementer": "上海市闵行区地区工作办公室",\n      "startDate": "2023-01-01",\n      "endDate": "2023-12-31",\n      "funds": {\n        "project": {\n          "total"')),
    expect: {
      code: 1,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 4 个文件）',
        '  [1/4] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/4] <dir>/out/unit-2023/01-培训费.docx',
        '  [3/4] <dir>/out/unit-2023/03-残疾人就业保障金.pdf',
        '  [4/4] <dir>/out/unit-2023/03-残疾人就业保障金.docx',
        '<dir>/data/unit-2023.json:102:7：项目 2「闵行区居村民服务自治平台（2023运维）」：项目性质（projects[1].nature）：错误：字段「nature」重复出现（第一次在第 101 行）；JSON 里同名字段只有最后一个有效',
        '    提示：保留正确的一个，删除其余的',
        '<dir>/data/unit-2023.json:197:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项',
        '    提示：改正上面列出的错误后重新生成',
        '<dir>/data/unit-2023.json：写出 4 个文件，2 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'duplicate JSON keys at the top', ...data(json().replace('"year": 2023,', '"year": 2023,\n  "year": 2024,')),
    expect: {
      code: 1,
      stderr: [
        '<dir>/data/unit-2023.json:5:3：年度（year）：错误：字段「year」重复出现（第一次在第 4 行）；JSON 里同名字段只有最后一个有效',
        '    提示：保留正确的一个，删除其余的',
        '<dir>/data/unit-2023.json:5:11：年度（year）：错误：年度 2024 与汇总表标题中的「2023年」不一致',
        '    提示：标题是「上海市闵行区地区工作办公室2023年度项目绩效目标汇总表」；改正年度（year）或标题，使两者一致',
        '<dir>/data/unit-2023.json:197:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：输出文件夹未改动，2 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['底稿.xlsx', '盖章件/'],
      },
    },
  },

  // --- The packet as a whole -----------------------------------------------------------------
  {
    name: 'a year that contradicts the title', ...data(json((packet) => (packet.year = 2024))),
    expect: {
      code: 1,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 6 个文件）',
        '  [1/6] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/6] <dir>/out/unit-2023/01-培训费.docx',
        '  [3/6] <dir>/out/unit-2023/02-闵行区居村民服务自治平台（2023运维）.pdf',
        '  [4/6] <dir>/out/unit-2023/02-闵行区居村民服务自治平台（2023运维）.docx',
        '  [5/6] <dir>/out/unit-2023/03-残疾人就业保障金.pdf',
        '  [6/6] <dir>/out/unit-2023/03-残疾人就业保障金.docx',
        '<dir>/data/unit-2023.json:4:11：年度（year）：错误：年度 2024 与汇总表标题中的「2023年」不一致',
        '    提示：标题是「上海市闵行区地区工作办公室2023年度项目绩效目标汇总表」；改正年度（year）或标题，使两者一致',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项',
        '    提示：改正上面列出的错误后重新生成',
        '<dir>/data/unit-2023.json：写出 6 个文件，2 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '02-闵行区居村民服务自治平台（2023运维）.docx', '02-闵行区居村民服务自治平台（2023运维）.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'a year out of range', ...data(json((packet) => (packet.year = 1999))),
    expect: {
      code: 1,
      stderr: [
        '<dir>/data/unit-2023.json:4:11：年度（year）：错误：年度应在 2000 到 2100 之间',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：输出文件夹未改动，1 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'a year written as text', ...data(json((packet) => (packet.year = '2023'))),
    expect: {
      code: 1,
      stderr: [
        '<dir>/data/unit-2023.json:4:11：年度（year）：错误：应为整数年份，如 2023',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：输出文件夹未改动，1 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'a blank title', ...data(json((packet) => (packet.title = '  '))),
    expect: {
      code: 1,
      stderr: [
        '<dir>/data/unit-2023.json:2:12：汇总表标题（title）：错误：不能为空',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：输出文件夹未改动，1 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'no projects', ...data(json((packet) => (packet.projects = []))),
    expect: {
      code: 1,
      stderr: [
        '<dir>/data/unit-2023.json:5:15：项目（projects）：错误：至少需要 1 项',
        '<dir>/data/unit-2023.json：输出文件夹未改动，1 个错误，0 条警告',
      ],
      folders: {
        'out/unit-2023': ['底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'every project has an error',
    ...rebuild(json((_, p) => p.forEach((project) => (project.startDate = '2023/01/01')))),
    expect: {
      code: 1,
      stderr: [
        '<dir>/data/unit-2023.json：没有可以生成的文件',
        '<dir>/data/unit-2023.json:12:20：项目 1「培训费」：计划开始日期（projects[0].startDate）：错误：日期应写成 ISO 格式 YYYY-MM-DD，如 "2023-01-01"',
        '<dir>/data/unit-2023.json:105:20：项目 2「闵行区居村民服务自治平台（2023运维）」：计划开始日期（projects[1].startDate）：错误：日期应写成 ISO 格式 YYYY-MM-DD，如 "2023-01-01"',
        '<dir>/data/unit-2023.json:184:20：项目 3「残疾人就业保障金」：计划开始日期（projects[2].startDate）：错误：日期应写成 ISO 格式 YYYY-MM-DD，如 "2023-01-01"',
        '<dir>/data/unit-2023.json：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项；原有的 汇总表.pdf、汇总表.docx 已删除，以免它与数据不一致',
        '    提示：改正上面列出的错误后重新生成',
        '<dir>/data/unit-2023.json：写出 0 个文件，删除 8 个旧文件，4 个错误，0 条警告',
      ],
      folders: {
        'out/unit-2023': ['底稿.xlsx', '盖章件/'],
      },
    },
  },

  // --- Fields of a project -------------------------------------------------------------------
  {
    name: 'a missing 年度总体目标', ...data(json((_, p) => delete p[1]!.annualGoal)),
    expect: {
      code: 1,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 4 个文件）',
        '  [1/4] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/4] <dir>/out/unit-2023/01-培训费.docx',
        '  [3/4] <dir>/out/unit-2023/03-残疾人就业保障金.pdf',
        '  [4/4] <dir>/out/unit-2023/03-残疾人就业保障金.docx',
        '<dir>/data/unit-2023.json:99:5：项目 2「闵行区居村民服务自治平台（2023运维）」：年度总体目标（projects[1].annualGoal）：错误：缺少必填项',
        '<dir>/data/unit-2023.json:195:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项',
        '    提示：改正上面列出的错误后重新生成',
        '<dir>/data/unit-2023.json：写出 4 个文件，2 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'whitespace-only text', ...data(json((_, p) => (p[1]!.annualGoal = ' \u3000\n '))),
    expect: {
      code: 1,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 4 个文件）',
        '  [1/4] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/4] <dir>/out/unit-2023/01-培训费.docx',
        '  [3/4] <dir>/out/unit-2023/03-残疾人就业保障金.pdf',
        '  [4/4] <dir>/out/unit-2023/03-残疾人就业保障金.docx',
        '<dir>/data/unit-2023.json:120:21：项目 2「闵行区居村民服务自治平台（2023运维）」：年度总体目标（projects[1].annualGoal）：错误：不能为空',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项',
        '    提示：改正上面列出的错误后重新生成',
        '<dir>/data/unit-2023.json：写出 4 个文件，2 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'a missing field (实施单位)', ...data(json((_, p) => delete p[1]!.implementer)),
    expect: {
      code: 1,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 4 个文件）',
        '  [1/4] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/4] <dir>/out/unit-2023/01-培训费.docx',
        '  [3/4] <dir>/out/unit-2023/03-残疾人就业保障金.pdf',
        '  [4/4] <dir>/out/unit-2023/03-残疾人就业保障金.docx',
        '<dir>/data/unit-2023.json:99:5：项目 2「闵行区居村民服务自治平台（2023运维）」：实施单位（projects[1].implementer）：错误：缺少必填项',
        '<dir>/data/unit-2023.json:195:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项',
        '    提示：改正上面列出的错误后重新生成',
        '<dir>/data/unit-2023.json：写出 4 个文件，2 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'an unknown field (a misspelt name)', ...data(json((_, p) => (p[1]!.anualGoal = '拼错的字段'))),
    expect: {
      code: 1,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 4 个文件）',
        '  [1/4] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/4] <dir>/out/unit-2023/01-培训费.docx',
        '  [3/4] <dir>/out/unit-2023/03-残疾人就业保障金.pdf',
        '  [4/4] <dir>/out/unit-2023/03-残疾人就业保障金.docx',
        '<dir>/data/unit-2023.json:177:20：项目 2「闵行区居村民服务自治平台（2023运维）」：错误：有不认识的字段：anualGoal',
        '    提示：是不是要写 annualGoal（年度总体目标）？请检查字段名的拼写',
        '<dir>/data/unit-2023.json:197:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项',
        '    提示：改正上面列出的错误后重新生成',
        '<dir>/data/unit-2023.json：写出 4 个文件，2 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'an unknown 项目性质', ...data(json((_, p) => (p[1]!.nature = '常规项目'))),
    expect: {
      code: 1,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 4 个文件）',
        '  [1/4] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/4] <dir>/out/unit-2023/01-培训费.docx',
        '  [3/4] <dir>/out/unit-2023/03-残疾人就业保障金.pdf',
        '  [4/4] <dir>/out/unit-2023/03-残疾人就业保障金.docx',
        '<dir>/data/unit-2023.json:101:17：项目 2「闵行区居村民服务自治平台（2023运维）」：项目性质（projects[1].nature）：错误：应为以下之一：经常性项目、阶段性项目、一次性项目',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项',
        '    提示：改正上面列出的错误后重新生成',
        '<dir>/data/unit-2023.json：写出 4 个文件，2 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'an amount written as a number', ...data(json((_, p) => (p[1]!.funds.annual.other = 1000))),
    expect: {
      code: 1,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 4 个文件）',
        '  [1/4] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/4] <dir>/out/unit-2023/01-培训费.docx',
        '  [3/4] <dir>/out/unit-2023/03-残疾人就业保障金.pdf',
        '  [4/4] <dir>/out/unit-2023/03-残疾人就业保障金.docx',
        '<dir>/data/unit-2023.json:117:20：项目 2「闵行区居村民服务自治平台（2023运维）」：年度资金·其他资金（projects[1].funds.annual.other）：错误：金额应写成不带千位分隔符、最多两位小数的数字字符串，如 "200000.00"',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项',
        '    提示：改正上面列出的错误后重新生成',
        '<dir>/data/unit-2023.json：写出 4 个文件，2 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'an amount with thousands separators', ...data(json((_, p) => (p[1]!.funds.annual.total = '71,200.00'))),
    expect: {
      code: 1,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 4 个文件）',
        '  [1/4] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/4] <dir>/out/unit-2023/01-培训费.docx',
        '  [3/4] <dir>/out/unit-2023/03-残疾人就业保障金.pdf',
        '  [4/4] <dir>/out/unit-2023/03-残疾人就业保障金.docx',
        '<dir>/data/unit-2023.json:114:20：项目 2「闵行区居村民服务自治平台（2023运维）」：年度资金·年度资金申请总额（projects[1].funds.annual.total）：错误：金额应写成不带千位分隔符、最多两位小数的数字字符串，如 "200000.00"',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项',
        '    提示：改正上面列出的错误后重新生成',
        '<dir>/data/unit-2023.json：写出 4 个文件，2 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'indicators that are not a list', ...data(json((_, p) => ((p[1] as Raw).indicators = '见附件'))),
    expect: {
      code: 1,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 4 个文件）',
        '  [1/4] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/4] <dir>/out/unit-2023/01-培训费.docx',
        '  [3/4] <dir>/out/unit-2023/03-残疾人就业保障金.pdf',
        '  [4/4] <dir>/out/unit-2023/03-残疾人就业保障金.docx',
        '<dir>/data/unit-2023.json:121:21：项目 2「闵行区居村民服务自治平台（2023运维）」：绩效指标（projects[1].indicators）：错误：应为列表 […]',
        '<dir>/data/unit-2023.json:141:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项',
        '    提示：改正上面列出的错误后重新生成',
        '<dir>/data/unit-2023.json：写出 4 个文件，2 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'a date with slashes', ...data(json((_, p) => (p[1]!.startDate = '2023/01/01'))),
    expect: {
      code: 1,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 4 个文件）',
        '  [1/4] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/4] <dir>/out/unit-2023/01-培训费.docx',
        '  [3/4] <dir>/out/unit-2023/03-残疾人就业保障金.pdf',
        '  [4/4] <dir>/out/unit-2023/03-残疾人就业保障金.docx',
        '<dir>/data/unit-2023.json:105:20：项目 2「闵行区居村民服务自治平台（2023运维）」：计划开始日期（projects[1].startDate）：错误：日期应写成 ISO 格式 YYYY-MM-DD，如 "2023-01-01"',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项',
        '    提示：改正上面列出的错误后重新生成',
        '<dir>/data/unit-2023.json：写出 4 个文件，2 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'a date that does not exist (2023-02-30)', ...data(json((_, p) => (p[1]!.endDate = '2023-02-30'))),
    expect: {
      code: 1,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 4 个文件）',
        '  [1/4] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/4] <dir>/out/unit-2023/01-培训费.docx',
        '  [3/4] <dir>/out/unit-2023/03-残疾人就业保障金.pdf',
        '  [4/4] <dir>/out/unit-2023/03-残疾人就业保障金.docx',
        '<dir>/data/unit-2023.json:106:18：项目 2「闵行区居村民服务自治平台（2023运维）」：计划完成日期（projects[1].endDate）：错误：日期 2023-02-30 不存在，请检查月份和日期',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项',
        '    提示：改正上面列出的错误后重新生成',
        '<dir>/data/unit-2023.json：写出 4 个文件，2 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'an end before the start', ...data(json((_, p) => ((p[1]!.startDate = '2023-06-01'), (p[1]!.endDate = '2023-03-31')))),
    expect: {
      code: 1,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 4 个文件）',
        '  [1/4] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/4] <dir>/out/unit-2023/01-培训费.docx',
        '  [3/4] <dir>/out/unit-2023/03-残疾人就业保障金.pdf',
        '  [4/4] <dir>/out/unit-2023/03-残疾人就业保障金.docx',
        '<dir>/data/unit-2023.json:106:18：项目 2「闵行区居村民服务自治平台（2023运维）」：计划完成日期（projects[1].endDate）：错误：计划完成日期 2023-03-31 早于计划开始日期 2023-06-01',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项',
        '    提示：改正上面列出的错误后重新生成',
        '<dir>/data/unit-2023.json：写出 4 个文件，2 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'dates outside the packet year', ...data(json((_, p) => ((p[1]!.startDate = '2022-12-01'), (p[1]!.endDate = '2024-01-31')))),
    expect: {
      code: 0,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 8 个文件）',
        '  [1/8] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/8] <dir>/out/unit-2023/01-培训费.docx',
        '  [3/8] <dir>/out/unit-2023/02-闵行区居村民服务自治平台（2023运维）.pdf',
        '  [4/8] <dir>/out/unit-2023/02-闵行区居村民服务自治平台（2023运维）.docx',
        '  [5/8] <dir>/out/unit-2023/03-残疾人就业保障金.pdf',
        '  [6/8] <dir>/out/unit-2023/03-残疾人就业保障金.docx',
        '  汇总表：排版 3 张申报表…',
        '  [7/8] <dir>/out/unit-2023/汇总表.pdf',
        '  [8/8] <dir>/out/unit-2023/汇总表.docx',
        '<dir>/data/unit-2023.json:105:20：项目 2「闵行区居村民服务自治平台（2023运维）」：计划开始日期（projects[1].startDate）：警告：计划开始日期 2022-12-01 不在 2023 年度内',
        '    提示：经常性项目的计划日期通常在申报的年度之内；跨年度的项目请把项目性质写成 阶段性项目',
        '<dir>/data/unit-2023.json:106:18：项目 2「闵行区居村民服务自治平台（2023运维）」：计划完成日期（projects[1].endDate）：警告：计划完成日期 2024-01-31 不在 2023 年度内',
        '    提示：经常性项目的计划日期通常在申报的年度之内；跨年度的项目请把项目性质写成 阶段性项目',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：写出 8 个文件，0 个错误，3 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '02-闵行区居村民服务自治平台（2023运维）.docx', '02-闵行区居村民服务自治平台（2023运维）.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '汇总表.docx', '汇总表.pdf', '盖章件/'],
      },
    },
  },
  {
    name: 'annual amounts that do not add up', ...data(json((_, p) => (p[1]!.funds.annual.total = '72000.00'))),
    expect: {
      code: 1,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 4 个文件）',
        '  [1/4] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/4] <dir>/out/unit-2023/01-培训费.docx',
        '  [3/4] <dir>/out/unit-2023/03-残疾人就业保障金.pdf',
        '  [4/4] <dir>/out/unit-2023/03-残疾人就业保障金.docx',
        '<dir>/data/unit-2023.json:114:20：项目 2「闵行区居村民服务自治平台（2023运维）」：年度资金·年度资金申请总额（projects[1].funds.annual.total）：错误：年度资金申请总额 72,000.00 不等于 当年财政拨款 + 上年结转资金 + 其他资金 = 71,200.00',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项',
        '    提示：改正上面列出的错误后重新生成',
        '<dir>/data/unit-2023.json：写出 4 个文件，2 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'a project total below the annual request',
    ...data(json((_, p) => (p[1]!.funds.project = { total: '50000.00', fiscal: '40000.00', other: '10000.00' }))),
    expect: {
      code: 1,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 4 个文件）',
        '  [1/4] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/4] <dir>/out/unit-2023/01-培训费.docx',
        '  [3/4] <dir>/out/unit-2023/03-残疾人就业保障金.pdf',
        '  [4/4] <dir>/out/unit-2023/03-残疾人就业保障金.docx',
        '<dir>/data/unit-2023.json:109:20：项目 2「闵行区居村民服务自治平台（2023运维）」：项目资金·项目资金总额（projects[1].funds.project.total）：错误：项目资金总额 50,000.00 小于年度资金申请总额 71,200.00',
        '    提示：项目资金总额是整个项目（可跨年度）的资金，不应少于本年度申请的资金',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项',
        '    提示：改正上面列出的错误后重新生成',
        '<dir>/data/unit-2023.json：写出 4 个文件，2 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'project amounts that do not add up',
    ...data(json((_, p) => (p[1]!.funds.project = { total: '150000.00', fiscal: '140000.00', other: '1000.00' }))),
    expect: {
      code: 1,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 4 个文件）',
        '  [1/4] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/4] <dir>/out/unit-2023/01-培训费.docx',
        '  [3/4] <dir>/out/unit-2023/03-残疾人就业保障金.pdf',
        '  [4/4] <dir>/out/unit-2023/03-残疾人就业保障金.docx',
        '<dir>/data/unit-2023.json:109:20：项目 2「闵行区居村民服务自治平台（2023运维）」：项目资金·项目资金总额（projects[1].funds.project.total）：错误：项目资金总额 150,000.00 不等于 财政资金 + 其他资金 = 141,000.00',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项',
        '    提示：改正上面列出的错误后重新生成',
        '<dir>/data/unit-2023.json：写出 4 个文件，2 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'a tab in an indicator target', ...data(json((_, p) => (p[1]!.indicators[0]!.target = '≥1\t(项)'))),
    expect: {
      code: 1,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 4 个文件）',
        '  [1/4] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/4] <dir>/out/unit-2023/01-培训费.docx',
        '  [3/4] <dir>/out/unit-2023/03-残疾人就业保障金.pdf',
        '  [4/4] <dir>/out/unit-2023/03-残疾人就业保障金.docx',
        '<dir>/data/unit-2023.json:126:21：项目 2「闵行区居村民服务自治平台（2023运维）」：绩效指标第 1 条的年度(/项目)指标值（projects[1].indicators[0].target）：错误：第 3 个字符是 U+0009（制表符 Tab），表上无法显示，请换成空格或删除',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项',
        '    提示：改正上面列出的错误后重新生成',
        '<dir>/data/unit-2023.json：写出 4 个文件，2 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'a lone carriage return in a goal', ...data(json((_, p) => (p[1]!.annualGoal = '保障平台运行。\r提升服务水平。'))),
    expect: {
      code: 1,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 4 个文件）',
        '  [1/4] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/4] <dir>/out/unit-2023/01-培训费.docx',
        '  [3/4] <dir>/out/unit-2023/03-残疾人就业保障金.pdf',
        '  [4/4] <dir>/out/unit-2023/03-残疾人就业保障金.docx',
        '<dir>/data/unit-2023.json:120:21：项目 2「闵行区居村民服务自治平台（2023运维）」：年度总体目标（projects[1].annualGoal）：错误：第 8 个字符是 U+000D（单独的回车符），换行请用 \\n 或 \\r\\n',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项',
        '    提示：改正上面列出的错误后重新生成',
        '<dir>/data/unit-2023.json：写出 4 个文件，2 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'a control character in a field', ...data(json((_, p) => (p[1]!.category = '特定\u0001目标类'))),
    expect: {
      code: 1,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 4 个文件）',
        '  [1/4] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/4] <dir>/out/unit-2023/01-培训费.docx',
        '  [3/4] <dir>/out/unit-2023/03-残疾人就业保障金.pdf',
        '  [4/4] <dir>/out/unit-2023/03-残疾人就业保障金.docx',
        '<dir>/data/unit-2023.json:102:19：项目 2「闵行区居村民服务自治平台（2023运维）」：项目类别（projects[1].category）：错误：第 3 个字符是控制字符 U+0001，表上无法显示，多半是文件损坏或复制时带入的，请删除',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项',
        '    提示：改正上面列出的错误后重新生成',
        '<dir>/data/unit-2023.json：写出 4 个文件，2 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'a right-to-left override in a name', ...data(json((_, p) => (p[1]!.implementer = '\u202E上海市闵行区地区工作办公室'))),
    expect: {
      code: 1,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 4 个文件）',
        '  [1/4] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/4] <dir>/out/unit-2023/01-培训费.docx',
        '  [3/4] <dir>/out/unit-2023/03-残疾人就业保障金.pdf',
        '  [4/4] <dir>/out/unit-2023/03-残疾人就业保障金.docx',
        '<dir>/data/unit-2023.json:104:22：项目 2「闵行区居村民服务自治平台（2023运维）」：实施单位（projects[1].implementer）：错误：第 1 个字符是不可见字符 U+202E（从右到左强制），多半是从网页或 Word 复制来的，请删除',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项',
        '    提示：改正上面列出的错误后重新生成',
        '<dir>/data/unit-2023.json：写出 4 个文件，2 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'an over-long project name', ...data(json((_, p) => (p[1]!.name = '名'.repeat(201)))),
    expect: {
      code: 1,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 4 个文件）',
        '  [1/4] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/4] <dir>/out/unit-2023/01-培训费.docx',
        '  [3/4] <dir>/out/unit-2023/03-残疾人就业保障金.pdf',
        '  [4/4] <dir>/out/unit-2023/03-残疾人就业保障金.docx',
        '<dir>/data/unit-2023.json:100:15：项目 2「名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名」：项目名称（projects[1].name）：错误：太长：最多 200 个字符，现有 201 个',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项',
        '    提示：改正上面列出的错误后重新生成',
        '<dir>/data/unit-2023.json：写出 4 个文件，2 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'an over-long indicator target', ...data(json((_, p) => (p[1]!.indicators[0]!.target = '提升'.repeat(251)))),
    expect: {
      code: 1,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 4 个文件）',
        '  [1/4] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/4] <dir>/out/unit-2023/01-培训费.docx',
        '  [3/4] <dir>/out/unit-2023/03-残疾人就业保障金.pdf',
        '  [4/4] <dir>/out/unit-2023/03-残疾人就业保障金.docx',
        '<dir>/data/unit-2023.json:126:21：项目 2「闵行区居村民服务自治平台（2023运维）」：绩效指标第 1 条的年度(/项目)指标值（projects[1].indicators[0].target）：错误：太长：最多 500 个字符，现有 502 个',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项',
        '    提示：改正上面列出的错误后重新生成',
        '<dir>/data/unit-2023.json：写出 4 个文件，2 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '盖章件/'],
      },
    },
  },

  // --- Indicators ----------------------------------------------------------------------------
  {
    name: 'an unknown 一级指标 产出指数', ...data(json((_, p) => (p[1]!.indicators[0]!.level1 = '产出指数'))),
    expect: {
      code: 1,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 4 个文件）',
        '  [1/4] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/4] <dir>/out/unit-2023/01-培训费.docx',
        '  [3/4] <dir>/out/unit-2023/03-残疾人就业保障金.pdf',
        '  [4/4] <dir>/out/unit-2023/03-残疾人就业保障金.docx',
        '<dir>/data/unit-2023.json:123:21：项目 2「闵行区居村民服务自治平台（2023运维）」：绩效指标第 1 条的一级指标（projects[1].indicators[0].level1）：错误：「产出指数」不是一级指标：一级指标只有 产出指标、成本指标、效益指标、满意度指标',
        '    提示：是不是「产出指标」？',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项',
        '    提示：改正上面列出的错误后重新生成',
        '<dir>/data/unit-2023.json：写出 4 个文件，2 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'an unknown 二级指标 (a warning: built as written)',
    ...data(json((_, p) => p[1]!.indicators.forEach((indicator) => indicator.level2 === '数量指标' && (indicator.level2 = '数量指数')))),
    expect: {
      code: 0,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 8 个文件）',
        '  [1/8] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/8] <dir>/out/unit-2023/01-培训费.docx',
        '  [3/8] <dir>/out/unit-2023/02-闵行区居村民服务自治平台（2023运维）.pdf',
        '  [4/8] <dir>/out/unit-2023/02-闵行区居村民服务自治平台（2023运维）.docx',
        '  [5/8] <dir>/out/unit-2023/03-残疾人就业保障金.pdf',
        '  [6/8] <dir>/out/unit-2023/03-残疾人就业保障金.docx',
        '  汇总表：排版 3 张申报表…',
        '  [7/8] <dir>/out/unit-2023/汇总表.pdf',
        '  [8/8] <dir>/out/unit-2023/汇总表.docx',
        '<dir>/data/unit-2023.json:124:21：项目 2「闵行区居村民服务自治平台（2023运维）」：绩效指标第 1 条的二级指标（projects[1].indicators[0].level2）：警告：「数量指数」不是指标框架中的二级指标',
        '    提示：是不是「数量指标」？',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：写出 8 个文件，0 个错误，2 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '02-闵行区居村民服务自治平台（2023运维）.docx', '02-闵行区居村民服务自治平台（2023运维）.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '汇总表.docx', '汇总表.pdf', '盖章件/'],
      },
    },
  },
  {
    name: 'no indicators (a warning)', ...data(json((_, p) => (p[1]!.indicators = []))),
    expect: {
      code: 0,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 8 个文件）',
        '  [1/8] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/8] <dir>/out/unit-2023/01-培训费.docx',
        '  [3/8] <dir>/out/unit-2023/02-闵行区居村民服务自治平台（2023运维）.pdf',
        '  [4/8] <dir>/out/unit-2023/02-闵行区居村民服务自治平台（2023运维）.docx',
        '  [5/8] <dir>/out/unit-2023/03-残疾人就业保障金.pdf',
        '  [6/8] <dir>/out/unit-2023/03-残疾人就业保障金.docx',
        '  汇总表：排版 3 张申报表…',
        '  [7/8] <dir>/out/unit-2023/汇总表.pdf',
        '  [8/8] <dir>/out/unit-2023/汇总表.docx',
        '<dir>/data/unit-2023.json:121:21：项目 2「闵行区居村民服务自治平台（2023运维）」：绩效指标（projects[1].indicators）：警告：没有绩效指标',
        '    提示：表上只印出指标的表头一行',
        '<dir>/data/unit-2023.json:141:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：写出 8 个文件，0 个错误，2 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '02-闵行区居村民服务自治平台（2023运维）.docx', '02-闵行区居村民服务自治平台（2023运维）.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '汇总表.docx', '汇总表.pdf', '盖章件/'],
      },
    },
  },
  {
    name: 'a target ≥(次) without a number', ...data(json((_, p) => (p[1]!.indicators[0]!.target = '≥(次)'))),
    expect: {
      code: 1,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 4 个文件）',
        '  [1/4] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/4] <dir>/out/unit-2023/01-培训费.docx',
        '  [3/4] <dir>/out/unit-2023/03-残疾人就业保障金.pdf',
        '  [4/4] <dir>/out/unit-2023/03-残疾人就业保障金.docx',
        '<dir>/data/unit-2023.json:126:21：项目 2「闵行区居村民服务自治平台（2023运维）」：绩效指标第 1 条的年度(/项目)指标值（projects[1].indicators[0].target）：错误：指标值「≥(次)」有误：「≥」后面缺少数值',
        '    提示：数量型指标值写成 运算符 + 数值 + (单位)，如「≥4(次)」「=90(%)」；定性指标直接写文字，如「提升」',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项',
        '    提示：改正上面列出的错误后重新生成',
        '<dir>/data/unit-2023.json：写出 4 个文件，2 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'a target =abc%', ...data(json((_, p) => (p[1]!.indicators[0]!.target = '=abc%'))),
    expect: {
      code: 1,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 4 个文件）',
        '  [1/4] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/4] <dir>/out/unit-2023/01-培训费.docx',
        '  [3/4] <dir>/out/unit-2023/03-残疾人就业保障金.pdf',
        '  [4/4] <dir>/out/unit-2023/03-残疾人就业保障金.docx',
        '<dir>/data/unit-2023.json:126:21：项目 2「闵行区居村民服务自治平台（2023运维）」：绩效指标第 1 条的年度(/项目)指标值（projects[1].indicators[0].target）：错误：指标值「=abc%」有误：「=」后面缺少数值',
        '    提示：数量型指标值写成 运算符 + 数值 + (单位)，如「≥4(次)」「=90(%)」；定性指标直接写文字，如「提升」',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项',
        '    提示：改正上面列出的错误后重新生成',
        '<dir>/data/unit-2023.json：写出 4 个文件，2 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'a target with an unbalanced bracket', ...data(json((_, p) => (p[1]!.indicators[0]!.target = '≥1(项'))),
    expect: {
      code: 1,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 4 个文件）',
        '  [1/4] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/4] <dir>/out/unit-2023/01-培训费.docx',
        '  [3/4] <dir>/out/unit-2023/03-残疾人就业保障金.pdf',
        '  [4/4] <dir>/out/unit-2023/03-残疾人就业保障金.docx',
        '<dir>/data/unit-2023.json:126:21：项目 2「闵行区居村民服务自治平台（2023运维）」：绩效指标第 1 条的年度(/项目)指标值（projects[1].indicators[0].target）：错误：指标值「≥1(项」有误：单位的括号「(项」不成对',
        '    提示：数量型指标值写成 运算符 + 数值 + (单位)，如「≥4(次)」「=90(%)」；定性指标直接写文字，如「提升」',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项',
        '    提示：改正上面列出的错误后重新生成',
        '<dir>/data/unit-2023.json：写出 4 个文件，2 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'a percentage over 100 (a warning)', ...data(json((_, p) => (p[1]!.indicators[0]!.target = '=120(%)'))),
    expect: {
      code: 0,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 8 个文件）',
        '  [1/8] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/8] <dir>/out/unit-2023/01-培训费.docx',
        '  [3/8] <dir>/out/unit-2023/02-闵行区居村民服务自治平台（2023运维）.pdf',
        '  [4/8] <dir>/out/unit-2023/02-闵行区居村民服务自治平台（2023运维）.docx',
        '  [5/8] <dir>/out/unit-2023/03-残疾人就业保障金.pdf',
        '  [6/8] <dir>/out/unit-2023/03-残疾人就业保障金.docx',
        '  汇总表：排版 3 张申报表…',
        '  [7/8] <dir>/out/unit-2023/汇总表.pdf',
        '  [8/8] <dir>/out/unit-2023/汇总表.docx',
        '<dir>/data/unit-2023.json:126:21：项目 2「闵行区居村民服务自治平台（2023运维）」：绩效指标第 1 条的年度(/项目)指标值（projects[1].indicators[0].target）：警告：指标值「=120(%)」超过 100%',
        '    提示：百分比通常不超过 100%；增长率等确可超过 100% 的指标可忽略此警告',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：写出 8 个文件，0 个错误，2 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '02-闵行区居村民服务自治平台（2023运维）.docx', '02-闵行区居村民服务自治平台（2023运维）.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '汇总表.docx', '汇总表.pdf', '盖章件/'],
      },
    },
  },
  {
    name: 'an indicator missing its 三级指标', ...data(json((_, p) => delete p[1]!.indicators[0]!.name)),
    expect: {
      code: 1,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 4 个文件）',
        '  [1/4] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/4] <dir>/out/unit-2023/01-培训费.docx',
        '  [3/4] <dir>/out/unit-2023/03-残疾人就业保障金.pdf',
        '  [4/4] <dir>/out/unit-2023/03-残疾人就业保障金.docx',
        '<dir>/data/unit-2023.json:122:9：项目 2「闵行区居村民服务自治平台（2023运维）」：绩效指标第 1 条的三级指标（projects[1].indicators[0].name）：错误：缺少必填项',
        '<dir>/data/unit-2023.json:195:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项',
        '    提示：改正上面列出的错误后重新生成',
        '<dir>/data/unit-2023.json：写出 4 个文件，2 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '盖章件/'],
      },
    },
  },

  // --- Options -------------------------------------------------------------------------------
  {
    name: '--date 2023-02-30', ...data(json(), { args: ['build', `<dir>/${DATA}`, '-o', '<dir>/out', '--date', '2023-02-30'] }),
    expect: {
      code: 2,
      stderr: [
        '--date「2023-02-30」不是有效的日期，应如 2023-01-01 或 2023-01-01T08:00:00+08:00（公元 1 年到 9999 年，按 UTC 计）',
      ],
      folders: {
        'out/unit-2023': ['底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'an unknown option', ...data(json(), { args: [...BUILD, '--fonts', 'x.ttf'] }),
    expect: {
      code: 2,
      stderr: [
        '不认识的选项或参数：--fonts',
        '请用 shenbao build --help 查看用法',
      ],
      folders: {
        'out/unit-2023': ['底稿.xlsx', '盖章件/'],
      },
    },
  },

  // --- Long text -----------------------------------------------------------------------------
  {
    name: 'a 17-million-character goal',
    ...data(json((_, p) => (p[1]!.annualGoal = '目'.repeat(17_000_000)))),
    within: 10_000,
    expect: {
      code: 1,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 4 个文件）',
        '  [1/4] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/4] <dir>/out/unit-2023/01-培训费.docx',
        '  [3/4] <dir>/out/unit-2023/03-残疾人就业保障金.pdf',
        '  [4/4] <dir>/out/unit-2023/03-残疾人就业保障金.docx',
        '<dir>/data/unit-2023.json:120:21：项目 2「闵行区居村民服务自治平台（2023运维）」：年度总体目标（projects[1].annualGoal）：错误：太长：最多 200000 个字符，现有 17000000 个',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：错误：汇总表未生成：数据中有错误的项目，汇总表不能缺项',
        '    提示：改正上面列出的错误后重新生成',
        '<dir>/data/unit-2023.json：写出 4 个文件，2 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '盖章件/'],
      },
    },
  },
  {
    name: 'a 200,000-character goal',
    ...data(json((_, p) => (p[1]!.annualGoal = '提升基层社会治理能力。'.repeat(20_000).slice(0, 200_000)))),
    // Until layout is linear in text length this may be slow: its own generous timeout; the issue asks for seconds.
    within: 60_000,
    timeout: 5 * 60_000,
    expect: {
      code: 0,
      stderr: [
        '生成 <dir>/data/unit-2023.json（共 8 个文件）',
        '  [1/8] <dir>/out/unit-2023/01-培训费.pdf',
        '  [2/8] <dir>/out/unit-2023/01-培训费.docx',
        '  [3/8] <dir>/out/unit-2023/02-闵行区居村民服务自治平台（2023运维）.pdf',
        '  [4/8] <dir>/out/unit-2023/02-闵行区居村民服务自治平台（2023运维）.docx',
        '  [5/8] <dir>/out/unit-2023/03-残疾人就业保障金.pdf',
        '  [6/8] <dir>/out/unit-2023/03-残疾人就业保障金.docx',
        '  汇总表：排版 3 张申报表…',
        '  [7/8] <dir>/out/unit-2023/汇总表.pdf',
        '  [8/8] <dir>/out/unit-2023/汇总表.docx',
        '<dir>/data/unit-2023.json:196:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
        '<dir>/data/unit-2023.json：写出 8 个文件，0 个错误，1 条警告',
      ],
      folders: {
        'out/unit-2023': ['01-培训费.docx', '01-培训费.pdf', '02-闵行区居村民服务自治平台（2023运维）.docx', '02-闵行区居村民服务自治平台（2023运维）.pdf', '03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', 'manifest.json', '底稿.xlsx', '汇总表.docx', '汇总表.pdf', '盖章件/'],
      },
    },
  },
];

// ---------------------------------------------------------------------------------------------
// The runner.

const RECORD = process.env.SHENBAO_RECORD; // write what each case did to this JSON file instead of asserting
const recorded: Array<{ name: string } & Expected> = [];
afterAll(async () => {
  if (RECORD) await writeFile(RECORD, JSON.stringify(recorded, null, 2));
});

const fill = (arg: string, dir: string) => arg.replaceAll('<dir>', dir);

async function writeFiles(dir: string, files: Record<string, string | Uint8Array>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
  }
}

// The compiled command run as `nobody` must be readable by that user. A checkout under a folder only
// its owner may enter (as `mktemp -d` makes) is not: then it runs from a copy of what it needs
// (dist/, the runtime packages, fonts, templates) in a temporary folder anyone may enter.
const NOBODY = { uid: 65534, gid: 65534 };
let nobodysCommand: Promise<{ cli: string } | { skip: string }> | undefined;
let nobodysCopy: string | undefined;
afterAll(async () => {
  if (nobodysCopy) await rm(nobodysCopy, { recursive: true, force: true });
});

/** Why `nobody` cannot run the command installed at `root`, or undefined when it can. */
async function nobodyCannotRun(root: string): Promise<string | undefined> {
  const needed = ['dist/cli.js', 'package.json', 'fonts/NotoSerifSC-Regular.ttf', 'templates', 'node_modules/pdfkit/package.json'].map((f) => path.join(root, f));
  const probe = 'const fs = require("node:fs"); for (const f of process.argv.slice(1)) fs.accessSync(f, fs.constants.R_OK)';
  try {
    await promisify(execFile)(process.execPath, ['-e', probe, ...needed], { cwd: tmpdir(), ...NOBODY });
    return undefined;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    return (e.stderr?.match(/Error: .*/)?.[0] ?? e.message).trim();
  }
}

/** A copy, readable by anyone, of what the compiled command reads: the runtime packages are those package-lock.json does not mark dev. */
async function readableCopy(): Promise<string> {
  const copy = await mkdtemp(path.join(tmpdir(), 'shenbao-nobody-'));
  await chmod(copy, 0o755);
  for (const name of ['package.json', 'dist', 'fonts', 'templates', 'schema']) await cp(path.join(ROOT, name), path.join(copy, name), { recursive: true });
  const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  for (const [at, entry] of Object.entries(lock.packages)) {
    const from = path.join(ROOT, at);
    if (at === '' || entry.dev === true || !existsSync(from)) continue;
    // Nested node_modules are packages of their own, copied (or not) by their own entries.
    await cp(from, path.join(copy, at), { recursive: true, filter: (source) => source === from || path.basename(source) !== 'node_modules' });
  }
  return copy;
}

function commandForNobody(): Promise<{ cli: string } | { skip: string }> {
  return (nobodysCommand ??= (async () => {
    const here = await nobodyCannotRun(ROOT);
    if (here === undefined) return { cli: path.join(ROOT, 'dist', 'cli.js') };
    nobodysCopy = await readableCopy();
    const there = await nobodyCannotRun(nobodysCopy);
    if (there === undefined) return { cli: path.join(nobodysCopy, 'dist', 'cli.js') };
    return { skip: `user 65534 can read neither the checkout (${here}) nor a copy of it in ${tmpdir()} (${there})` };
  })());
}

/** Run one command line: in this process (runCli), or the compiled command in a real one. */
async function run(c: Case, args: string[], dir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  if (c.process === 'nobody') {
    const command = await commandForNobody();
    if ('skip' in command) throw new Error(command.skip);
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [command.cli, ...args], { cwd: dir, env: { ...process.env, FORCE_COLOR: '0' }, maxBuffer: 64 * 1024 * 1024, ...NOBODY });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }
  if (c.process) return shenbao(args, dir);
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), isolate: false });
  return { code, stdout, stderr };
}

/** Each shenbao manifest.json in the tree -> { file: sha256 } of what it records (old and new versions alike). */
async function manifests(dir: string, tree: Record<string, string>): Promise<Map<string, Set<string>>> {
  const own = new Map<string, Set<string>>();
  for (const key of Object.keys(tree).filter((k) => path.basename(k) === MANIFEST)) {
    let manifest: { generator?: string; files?: Array<{ name: string; sha256: string }> };
    try {
      manifest = JSON.parse(await readFile(path.join(dir, key), 'utf8')) as typeof manifest;
    } catch {
      continue;
    }
    if (manifest.generator !== 'shenbao' || !Array.isArray(manifest.files)) continue;
    own.set(key, new Set());
    for (const entry of manifest.files) {
      const file = path.join(path.dirname(key), entry.name);
      own.set(file, (own.get(file) ?? new Set()).add(entry.sha256));
    }
  }
  return own;
}

const isOwn = (own: Map<string, Set<string>>, key: string, hash: string | undefined) =>
  path.basename(key) === MANIFEST ? own.has(key) : hash !== undefined && (own.get(key)?.has(hash) ?? false);

async function listing(dir: string, folder: string): Promise<string[] | null> {
  const entries = await readdir(path.join(dir, folder), { withFileTypes: true }).catch(() => null);
  return entries && entries.map((e) => (e.isDirectory() ? `${e.name}/` : e.name)).sort();
}

/** Folders worth listing when recording: packet folders (a manifest) and those the user keeps files in. */
function foldersOf(c: Case, after: Record<string, string>): string[] {
  const keys = [...Object.keys(after), ...Object.keys(c.files), ...Object.keys(c.then ?? {})];
  const dirs = keys.filter((k) => [MANIFEST, '底稿.xlsx', '2022申报.docx'].includes(path.basename(k)) || k.endsWith('（盖章）.pdf')).map((k) => path.dirname(k));
  return dirs.length > 0 ? [...new Set(dirs)].sort() : ['.'];
}

describe('bad inputs', () => {
  for (const c of cases) {
    it(c.name, { timeout: c.timeout }, async (context) => {
      if (c.process === 'nobody') {
        const command = await commandForNobody();
        if ('skip' in command) {
          console.warn(`${c.name}: skipped: ${command.skip}`);
          context.skip(command.skip);
        }
      }
      const dir = await mkdtemp(path.join(tmpdir(), 'shenbao-bad-'));
      try {
        await writeFiles(dir, c.files);
        for (const args of c.previous ?? []) {
          const earlier = await run({ ...c, process: undefined }, args.map((a) => fill(a, dir)), dir);
          expect(earlier.stderr.replaceAll(dir, '<dir>')).not.toMatch(/：错误：/);
          expect(earlier.code).toBe(0);
        }
        await writeFiles(dir, c.then ?? {});
        const before = await treeHashes(dir);
        const ownBefore = await manifests(dir, before);
        await c.prepare?.(dir);

        faults.fail = c.fault;
        const started = Date.now();
        let result: Awaited<ReturnType<typeof run>>;
        try {
          result = await run(c, c.args.map((a) => fill(a, dir)), dir);
        } finally {
          faults.fail = undefined;
        }
        const took = Date.now() - started;

        const after = await treeHashes(dir);
        const ownAfter = await manifests(dir, after);
        const stderr = result.stderr.replaceAll(dir, '<dir>').replace(/\n$/, '').split('\n').filter((line, i, all) => all.length > 1 || line !== '');
        const stdout = result.stdout.replaceAll(dir, '<dir>');
        const folders = Object.fromEntries(
          await Promise.all((RECORD ? foldersOf(c, after) : Object.keys(c.expect.folders)).map(async (f) => [f, await listing(dir, f)] as const)),
        );

        // Nothing that was not shenbao's changed or went; everything new is shenbao's, and no staging folder is left.
        const touched = Object.keys(before)
          .filter((key) => !isOwn(ownBefore, key, before[key]))
          .filter((key) => after[key] !== before[key])
          .map((key) => `${key}: ${after[key] === undefined ? 'missing' : 'changed'}`);
        const added = Object.keys(after)
          .filter((key) => !(key in before))
          .filter((key) => !(after[key] === 'dir' ? key.slice(0, -1) in folders : isOwn(ownAfter, key, after[key])))
          .map((key) => `${key}: not shenbao’s`);
        // Every file a manifest names is there as recorded (or, the user's edit of it, left as it was).
        const recordedMissing = [...ownAfter]
          .filter(([key, hashes]) => path.basename(key) !== MANIFEST && !hashes.has(after[key] ?? '') && after[key] !== before[key])
          .map(([key]) => `${key}: not as recorded`);

        if (RECORD) {
          recorded.push({ name: c.name, code: result.code, stderr, folders, ...(stdout ? { stdout } : {}) });
          console.log(c.name, took, 'ms', [...touched, ...added, ...recordedMissing]);
          return;
        }
        expect({ code: result.code, stderr, stdout, folders }).toEqual({ stdout: '', ...c.expect });
        expect([...touched, ...added, ...recordedMissing]).toEqual([]);
        if (c.within !== undefined) expect(took).toBeLessThan(c.within);
        // A command that stopped (usage, setup or the system refused) left everything as it was, byte for byte.
        if (result.code >= 2) expect(after).toEqual(before);
        await c.check?.(dir, before, after);
      } finally {
        await chmod(dir, 0o700).catch(() => undefined);
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});
