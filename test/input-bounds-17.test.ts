// Issue 17, items 14–17 (bounds on every input): every file a user names is read only if it is a
// regular file, and never past a cap. Each case runs the command line and asserts three things: the
// exit code, the exact Chinese lines (no stack trace, no 内部错误), and the working folder hashed
// before and after. The cases that once ate memory run the real command (dist/cli.js) under
// `prlimit --as`, so a regression fails the test instead of the machine; the FIFOs and dangling
// links in this process, through runCli (a FIFO opened by a regression is let go after the test,
// so that a wait fails the test by its timeout and leaves no thread waiting).
//   a FIFO as the data file, in a data folder, as a template partial, as --font .. 'FIFOs'
//   a FIFO as a packet folder's lock file ........................................ 'FIFOs in a packet folder'
//   validate /dev/zero, build /dev/zero, --font /dev/zero .......................... '/dev/zero'
//   1,000,000 empty projects; 60,000 empty indicators in one project ............... 'a million empty projects'
//   a sparse 3 GiB data file, --font, .docx ........................................ 'files over 2 GiB'
//   -o at a dangling symbolic link (build, extract, blank, schema) ................. '-o at a dangling symlink'
//   schema -o and blank -o: the file beside is created exclusively ................. 'temporary files'
import { execFile } from 'node:child_process';
import { closeSync, constants, copyFileSync, mkdirSync, openSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../src/command-line.js';
import { CLI, shenbao, shenbaoHere, type Run } from './support/cli.js';
import { SEED_FILE } from './support/seed.js';
import { treeHashes } from './support/tree.js';

// The names of the files written beside an output: the test decides the next one (see 'temporary files').
const planned = vi.hoisted(() => ({ names: [] as Buffer[] }));
vi.mock('node:crypto', async (importOriginal) => {
  const crypto = await importOriginal<typeof import('node:crypto')>();
  return { ...crypto, randomBytes: ((size: number) => planned.names.shift() ?? crypto.randomBytes(size)) as typeof crypto.randomBytes };
});

const TEN_SECONDS = 10_000;
/** The address space the memory-heavy runs get: 2 GB (Node itself reserves about 1 GB of it). */
const MEMORY = 2_000_000_000;

let root: string;
beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'shenbao-bounds17-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

let count = 0;
/** A new working folder holding the seed packet as unit.json (and the given extras). */
function workFolder(): string {
  const dir = path.join(root, `w${++count}`);
  mkdirSync(dir);
  copyFileSync(SEED_FILE, path.join(dir, 'unit.json'));
  return dir;
}

/** The FIFOs made by the test under way, let go after it (releaseFifos). */
let fifos: string[] = [];
const mkfifo = async (file: string) => {
  await promisify(execFile)('mkfifo', [file]);
  fifos.push(file);
};
/**
 * A writer opened and closed at once on each FIFO: a reader a regression left waiting in this
 * process (in one of libuv's threads) gets end of file instead of holding the thread for ever. No
 * reader: ENXIO, nothing to let go.
 */
function releaseFifos(): void {
  for (const fifo of fifos.splice(0)) {
    try {
      closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      // ENXIO: nobody reading it; ENOENT: gone with its folder.
    }
  }
}
afterEach(releaseFifos);
const sparse = async (file: string, size: string) => promisify(execFile)('truncate', ['-s', size, file]);

/** The command under an address-space limit (prlimit --as). */
const limited = (args: string[], cwd: string, bytes = MEMORY): Promise<Run> => shenbao(args, cwd, { memory: bytes });

/** Runs a command in `dir` and returns its outcome with the folder's hashes before and after. */
async function around(dir: string, run: () => Promise<Run>) {
  const before = await treeHashes(dir);
  const result = await run();
  return { ...result, before, after: await treeHashes(dir) };
}

/** The outcome as asserted: exit code and stderr, nothing on stdout, no stack trace. */
function expectRefused(result: Run, code: number, lines: string[]) {
  expect({ code: result.code, stderr: result.stderr, stdout: result.stdout }).toEqual({ code, stderr: lines.map((l) => `${l}\n`).join(''), stdout: '' });
  expect(result.stderr).not.toMatch(/内部错误|\n\s+at /);
}

describe('FIFOs: never waited on', () => {
  it('a FIFO as the data file: validate and build refuse it at once', async () => {
    const dir = workFolder();
    await mkfifo(path.join(dir, 'fifo.json'));
    const line = '数据文件 fifo.json 是命名管道（FIFO），不是普通文件：shenbao 只读普通文件，请给出数据文件本身的路径';
    const validate = await around(dir, () => shenbaoHere(['validate', 'fifo.json'], dir));
    expectRefused(validate, 2, [line]);
    expect(validate.after).toEqual(validate.before);
    const build = await around(dir, () => shenbaoHere(['build', 'fifo.json', '-o', 'out'], dir));
    expectRefused(build, 2, [line]);
    expect(build.after).toEqual(build.before);
  }, TEN_SECONDS);

  it('a FIFO named *.json in a data folder: the build refuses before any packet is built', async () => {
    const dir = workFolder();
    mkdirSync(path.join(dir, 'data'));
    copyFileSync(SEED_FILE, path.join(dir, 'data', 'a.json'));
    await mkfifo(path.join(dir, 'data', 'b.json'));
    const build = await around(dir, () => shenbaoHere(['build', 'data', '-o', 'out'], dir));
    expectRefused(build, 2, ['数据文件 data/b.json 是命名管道（FIFO），不是普通文件：shenbao 只读普通文件，请给出数据文件本身的路径']);
    expect(build.after).toEqual(build.before);
  }, TEN_SECONDS);

  it('a FIFO as a template partial (--templates)', async () => {
    const dir = workFolder();
    mkdirSync(path.join(dir, '模板', 'partials'), { recursive: true });
    for (const name of ['declaration.hbs', 'summary.hbs']) copyFileSync(path.join(path.dirname(CLI), '..', 'templates', name), path.join(dir, '模板', name));
    await mkfifo(path.join(dir, '模板', 'partials', '页眉.hbs'));
    const build = await around(dir, () => shenbaoHere(['build', 'unit.json', '--templates', '模板', '-o', 'out'], dir));
    expectRefused(build, 2, ['模板 模板/partials/页眉.hbs 是命名管道（FIFO），不是普通文件：shenbao 只读普通文件，请给出模板本身的路径']);
    expect(build.after).toEqual(build.before);
  }, TEN_SECONDS);

  it('a FIFO as --font-bold (build) and --font (validate)', async () => {
    const dir = workFolder();
    await mkfifo(path.join(dir, '宋体.ttf'));
    const line = '字体文件 宋体.ttf 是命名管道（FIFO），不是普通文件：shenbao 只读普通文件，请给出字体文件本身的路径';
    const build = await around(dir, () => shenbaoHere(['build', 'unit.json', '--font-bold', '宋体.ttf', '-o', 'out'], dir));
    expectRefused(build, 2, [line]);
    expect(build.after).toEqual(build.before);
    const validate = await around(dir, () => shenbaoHere(['validate', 'unit.json', '--font', '宋体.ttf'], dir));
    expectRefused(validate, 2, [line]);
    expect(validate.after).toEqual(validate.before);
  }, TEN_SECONDS);

  it('a FIFO named like a form: extract and diff refuse it', async () => {
    const dir = workFolder();
    await mkfifo(path.join(dir, '01-培训费.docx'));
    await mkfifo(path.join(dir, '汇总表.pdf'));
    const extract = await around(dir, () => shenbaoHere(['extract', '01-培训费.docx'], dir));
    expectRefused(extract, 2, ['Word 文件 01-培训费.docx 是命名管道（FIFO），不是普通文件：shenbao 只读普通文件，请给出 Word 文件本身的路径']);
    expect(extract.after).toEqual(extract.before);
    const diff = await around(dir, () => shenbaoHere(['diff', 'unit.json', '汇总表.pdf'], dir));
    expectRefused(diff, 2, ['PDF 文件 汇总表.pdf 是命名管道（FIFO），不是普通文件：shenbao 只读普通文件，请给出 PDF 文件本身的路径']);
    expect(diff.after).toEqual(diff.before);
  }, TEN_SECONDS);
});

describe('FIFOs in a packet folder', () => {
  it('a FIFO as the lock file (.shenbao.lock): the build refuses at once, instead of waiting for ever (SIGTERM did not stop it)', async () => {
    const dir = workFolder();
    mkdirSync(path.join(dir, 'out', 'unit'), { recursive: true });
    await mkfifo(path.join(dir, 'out', 'unit', '.shenbao.lock'));
    const build = await around(dir, () => shenbaoHere(['build', 'unit.json', '-o', 'out', '--quiet'], dir));
    expectRefused(build, 2, [
      'unit.json:192:21：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
      'unit.json:313:19：项目 4「居村自治共治建设」：绩效指标第 13 条的三级指标（projects[3].indicators[12].name）：警告：三级指标「长效管理机制健全性」归在满意度指标下，但不是满意度指标',
      '    提示：可能归错了类别；表上照原样打印',
      '另一个 shenbao 正在生成 out/unit：请等它结束后再生成。如果确定没有 shenbao 在运行，删除 out/unit/.shenbao.lock 后重试',
      'unit.json：未能生成，输出文件夹保持原样，0 个错误，2 条警告',
    ]);
    expect(build.after).toEqual(build.before);
  }, TEN_SECONDS);
});

describe('the bounded reader', () => {
  it('never trusts the size a file reports: a /proc file says 0 and is read whole, to its cap', async () => {
    const { readBounded, InputRefused } = await import('../src/files.js');
    const status = readFileSync('/proc/self/status');
    expect(statSync('/proc/self/status').size).toBe(0);
    expect((await readBounded('/proc/self/status', { limit: 1024 * 1024 })).subarray(0, 5).toString()).toBe(status.subarray(0, 5).toString());
    const refused = await readBounded('/proc/self/status', { limit: 16, noun: '数据文件' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(InputRefused);
    expect((refused as Error).message).toBe('数据文件 /proc/self/status 太大，超过数据文件 0 MB 的上限：请确认选对了文件');
  });

  it('reads a file of exactly its cap, and refuses one byte more', async () => {
    const { readBounded } = await import('../src/files.js');
    const file = path.join(root, 'cap.bin');
    writeFileSync(file, Buffer.alloc(100_000, 7));
    expect((await readBounded(file, { limit: 100_000 })).length).toBe(100_000);
    await expect(readBounded(file, { limit: 99_999, noun: '模板' })).rejects.toThrow(`模板 ${file} 太大（0.1 MB），超过模板 0.1 MB 的上限：请确认选对了文件`);
  });
});

describe('/dev/zero: a device is never read', () => {
  it('validate /dev/zero and build /dev/zero refuse it at once, within a memory limit', async () => {
    const dir = workFolder();
    const line = '数据文件 /dev/zero 是设备文件，不是普通文件：shenbao 只读普通文件，请给出数据文件本身的路径';
    const validate = await around(dir, () => limited(['validate', '/dev/zero'], dir));
    expectRefused(validate, 2, [line]);
    expect(validate.after).toEqual(validate.before);
    const build = await around(dir, () => limited(['build', '/dev/zero', '-o', 'out'], dir));
    expectRefused(build, 2, [line]);
    expect(build.after).toEqual(build.before);
  }, TEN_SECONDS);

  it('--font /dev/zero', async () => {
    const dir = workFolder();
    const build = await around(dir, () => limited(['build', 'unit.json', '--font', '/dev/zero', '-o', 'out'], dir));
    expectRefused(build, 2, ['字体文件 /dev/zero 是设备文件，不是普通文件：shenbao 只读普通文件，请给出字体文件本身的路径']);
    expect(build.after).toEqual(build.before);
  }, TEN_SECONDS);
});

describe('a million empty projects', () => {
  const packet = (projects: string) => `{"title":"2023年项目绩效目标汇总表","unit":"某单位","year":2023,"projects":[${projects}]}`;

  it('1,000,000 empty projects (3 MB): one line and exit 1, quickly, under a 2 GB limit', async () => {
    const dir = workFolder();
    writeFileSync(path.join(dir, 'million.json'), packet(Array(1_000_000).fill('{}').join(',')));
    const error = 'million.json：错误：有 1000000 个项目，超过一个数据文件 10000 个项目的上限：请确认选对了文件，或把项目分到几个数据文件里';
    const validate = await around(dir, () => limited(['validate', 'million.json'], dir));
    expectRefused(validate, 1, [error, 'million.json：未通过，1 个错误，0 条警告']);
    expect(validate.after).toEqual(validate.before);
    // Was: killed out of memory after 6 s; now refused before the schema looks at a project (the test's 10 s bound).
  }, TEN_SECONDS);

  it('60,000 empty indicators in one project (once a stack overflow inside zod, 内部错误): one line and exit 1', async () => {
    const dir = workFolder();
    writeFileSync(path.join(dir, 'long.json'), packet(`{"indicators":[${Array(60_000).fill('{}').join(',')}]}`));
    const validate = await around(dir, () => limited(['validate', 'long.json'], dir));
    expectRefused(validate, 1, ['long.json：错误：项目 1 有 60000 条绩效指标，超过一个项目 5000 条的上限：请确认选对了文件', 'long.json：未通过，1 个错误，0 条警告']);
    expect(validate.after).toEqual(validate.before);
  }, TEN_SECONDS);
});

describe('files over 2 GiB (sparse): refused by their size, before a byte is read', () => {
  // The 3 GiB files stay outside the hashed folder (hashing one would read 3 GiB); their size and
  // time are checked instead.
  let big: string;
  beforeAll(async () => {
    big = path.join(root, 'big');
    mkdirSync(big);
    for (const name of ['unit.json', '宋体.ttf', '修改稿.docx']) await sparse(path.join(big, name), '3G');
  });
  const untouched = () => readdirSync(big).map((name) => [name, statSync(path.join(big, name)).size, statSync(path.join(big, name)).mtimeMs]);

  it('as the data file: validate says it is too large (exit 1), within a memory limit', async () => {
    const dir = workFolder();
    const stamps = untouched();
    const data = path.join(big, 'unit.json');
    const validate = await around(dir, () => limited(['validate', data], dir));
    expectRefused(validate, 1, [`${data}：错误：文件太大（3072 MB），超过数据文件 256 MB 的上限；请确认选对了文件`, `${data}：未通过，1 个错误，0 条警告`]);
    expect(validate.after).toEqual(validate.before);
    expect(untouched()).toEqual(stamps);
  }, TEN_SECONDS);

  it('as the data file of a build: nothing written', async () => {
    const dir = workFolder();
    const data = path.join(big, 'unit.json');
    const build = await around(dir, () => limited(['build', data, '-o', 'out'], dir));
    expectRefused(build, 1, [`${data}：错误：文件太大（3072 MB），超过数据文件 256 MB 的上限；请确认选对了文件`, `${data}：输出文件夹未改动，1 个错误，0 条警告`]);
    expect(build.after).toEqual(build.before);
  }, TEN_SECONDS);

  it('as --font (once: Node aborted, exit 134)', async () => {
    const dir = workFolder();
    const stamps = untouched();
    const font = path.join(big, '宋体.ttf');
    const build = await around(dir, () => limited(['build', 'unit.json', '--font', font, '-o', 'out'], dir));
    expectRefused(build, 2, [`字体文件 ${font} 太大（3072 MB），超过字体文件 256 MB 的上限：请确认选对了文件`]);
    expect(build.after).toEqual(build.before);
    expect(untouched()).toEqual(stamps);
  }, TEN_SECONDS);

  it('as the .docx of extract (once: 内部错误)', async () => {
    const dir = workFolder();
    const docx = path.join(big, '修改稿.docx');
    const extract = await around(dir, () => limited(['extract', docx, '-o', '修改稿.json'], dir));
    expectRefused(extract, 2, [`Word 文件 ${docx} 太大（3072 MB），超过 Word 文件 1024 MB 的上限：请确认选对了文件`]);
    expect(extract.after).toEqual(extract.before);
  }, TEN_SECONDS);
});

describe('-o at a dangling symlink: said as what it is', () => {
  it('build -o at a link to a missing folder', async () => {
    const dir = workFolder();
    symlinkSync('已删除的文件夹', path.join(dir, 'out'));
    const build = await around(dir, () => shenbaoHere(['build', 'unit.json', '-o', 'out'], dir));
    // Was: 无法创建输出目录 out/minhang-2023：路径中有一段是文件而不是文件夹
    expectRefused(build, 2, ['-o out 是一个符号链接，指向的 已删除的文件夹 不存在（链接已失效）：请先建好这个文件夹，或用 -o 换一个输出目录']);
    expect(build.after).toEqual(build.before);
  }, TEN_SECONDS);

  it('extract -o, blank -o and schema -o at a link to a missing file', async () => {
    const dir = workFolder();
    symlinkSync('别处/汇总.json', path.join(dir, '汇总.json'));
    const line = '-o 汇总.json 是一个符号链接，指向的 别处/汇总.json 不存在（链接已失效）：shenbao 不经由链接写文件，也不替换链接。请换一个文件名，或先把链接移走';
    // extract checks -o before reading its input.
    for (const args of [['extract', '01-培训费.docx', '-o', '汇总.json'], ['blank', '-o', '汇总.json'], ['schema', '-o', '汇总.json']]) {
      const run = await around(dir, () => shenbaoHere(args, dir));
      // Was: "汇总.json 已存在" (extract, blank), and schema -o replaced the link with a file (exit 0).
      expectRefused(run, 2, [line]);
      expect(run.after).toEqual(run.before);
    }
  }, 20_000);

  it('schema -o at a link to a schema: the link is not replaced either', async () => {
    const dir = workFolder();
    expect((await shenbaoHere(['schema', '-o', 'packet.schema.json'], dir)).code).toBe(0);
    symlinkSync('packet.schema.json', path.join(dir, '链接.json'));
    const run = await around(dir, () => shenbaoHere(['schema', '-o', '链接.json'], dir));
    expectRefused(run, 2, ['-o 链接.json 是一个符号链接，指向 packet.schema.json：shenbao 不经由链接写文件，也不替换链接。请换一个文件名，或先把链接移走']);
    expect(run.after).toEqual(run.before);
  }, TEN_SECONDS);

  it('schema -o at a FIFO is refused at once', async () => {
    const dir = workFolder();
    await mkfifo(path.join(dir, 'packet.schema.json'));
    const run = await around(dir, () => shenbaoHere(['schema', '-o', 'packet.schema.json'], dir));
    // Was: waited for ever (it read the FIFO to see whether it held a schema of shenbao's).
    expectRefused(run, 2, ['-o packet.schema.json 不是普通文件（是命名管道、设备等）：shenbao 不会写到它。请换一个文件名']);
    expect(run.after).toEqual(run.before);
  }, TEN_SECONDS);
});

describe('temporary files: created exclusively, under a random name', () => {
  // In this process (runCli), where the next random name can be chosen: a link put in advance at
  // that name, to a file of the user's, is neither written through nor removed.
  const run = async (args: string[]) => {
    let stderr = '';
    const code = await runCli(args, { stdout: () => undefined, stderr: (t) => (stderr += t), isolate: false });
    return { code, stderr };
  };
  afterEach(() => {
    planned.names = [];
  });

  for (const [command, out] of [
    ['schema', 'packet.schema.json'],
    ['blank', '新项目.docx'],
  ] as const) {
    it(`${command} -o: a link waiting at the temporary name is passed over`, async () => {
      const dir = workFolder();
      writeFileSync(path.join(dir, '底稿.txt'), '用户的文件');
      const fixed = Buffer.alloc(6, 0xab);
      symlinkSync('底稿.txt', path.join(dir, `.${out}.${fixed.toString('hex')}.tmp`));
      planned.names = [fixed];
      const before = await treeHashes(dir);
      const result = await run([command, '-o', path.join(dir, out)]);
      expect(result.code).toBe(0);
      expect(result.stderr).not.toMatch(/内部错误|无法/);
      expect(planned.names).toEqual([]); // the planned name was the first one tried
      const after = await treeHashes(dir);
      // Everything as it was, and the new file beside; nothing else left behind.
      const { [out]: written, ...rest } = after;
      expect(rest).toEqual(before);
      expect(written).toMatch(/^[0-9a-f]{64}$/);
      expect(readFileSync(path.join(dir, '底稿.txt'), 'utf8')).toBe('用户的文件');
      expect(readlinkSync(path.join(dir, `.${out}.${fixed.toString('hex')}.tmp`))).toBe('底稿.txt');
    }, 20_000);
  }
});
