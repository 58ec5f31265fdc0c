// Issue 17 (Nothing silent, part 2), hostile-test findings, each run as a user runs it (the command
// line in this process; the compiled dist/cli.js where the process is what is tested: a kill, a
// memory limit) and asserting the exit code, the exact Chinese line (no stack trace, no 内部错误), and the folder
// before and after (treeHashes).
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, shenbao, shenbaoHere } from './support/cli.js';
import { DISTINCT_FILE } from './support/golden.js';
import { treeHashes } from './support/tree.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'shenbao-hostile17-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

/** A fresh folder holding d.json (the distinct fixture). */
async function place(name: string): Promise<string> {
  const dir = path.join(work, name);
  await mkdir(dir, { recursive: true });
  await copyFile(DISTINCT_FILE, path.join(dir, 'd.json'));
  return dir;
}

const clean = (stderr: string) => {
  expect(stderr).not.toMatch(/内部错误|\n\s+at /);
};

/** The packet's outputs as a build writes them (the lock and staging folder gone). */
const OUTPUTS = [
  '01-社区睦邻学堂运营.docx',
  '01-社区睦邻学堂运营.pdf',
  '02-智慧社区平台二期建设.docx',
  '02-智慧社区平台二期建设.pdf',
  '03-老旧小区加装电梯补贴.docx',
  '03-老旧小区加装电梯补贴.pdf',
  'manifest.json',
  '汇总表.docx',
  '汇总表.pdf',
];

describe('locks and folders', () => {
  it('an empty lock older than a few seconds (an older version killed before writing it) is taken over, with a warning', async () => {
    const dir = await place('empty-old');
    await mkdir(path.join(dir, 'out', 'd'), { recursive: true });
    const lock = path.join(dir, 'out', 'd', '.shenbao.lock');
    await writeFile(lock, '');
    const old = new Date(Date.now() - 30_000);
    await utimes(lock, old, old);
    const before = await treeHashes(dir);
    const run = await shenbaoHere(['build', 'd.json', '-o', 'out', '--quiet'], dir);
    expect(run.code, run.stderr).toBe(0);
    clean(run.stderr);
    // Its age when the build looked: from 30 s (29 as the file system rounds) to however long has passed since.
    const age = /^d\.json：警告：out\/d\/\.shenbao\.lock 是空的，已有 (\d+) 秒没有改动：是一次被中断的 shenbao 留下的，已把它当作废弃的锁删除，继续生成$/m.exec(run.stderr);
    expect(age, run.stderr).not.toBeNull();
    expect(Number(age![1])).toBeGreaterThanOrEqual(29);
    expect(Number(age![1])).toBeLessThanOrEqual(Math.ceil((Date.now() - old.getTime()) / 1000));
    const after = await treeHashes(dir);
    expect(after['d.json']).toBe(before['d.json']);
    expect((await readdir(path.join(dir, 'out', 'd'))).sort()).toEqual(OUTPUTS);
    const verify = await shenbaoHere(['verify', 'out'], dir);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  }, 30_000);

  it('a fresh empty lock (another build just created it) is respected: exit 2, nothing changed', async () => {
    const dir = await place('empty-fresh');
    await mkdir(path.join(dir, 'out', 'd'), { recursive: true });
    const lock = path.join(dir, 'out', 'd', '.shenbao.lock');
    await writeFile(lock, '');
    // Dated a minute ahead: still fresh (under 5 s old) however long a loaded machine takes to reach it.
    const ahead = new Date(Date.now() + 60_000);
    await utimes(lock, ahead, ahead);
    const before = await treeHashes(dir);
    const run = await shenbaoHere(['build', 'd.json', '-o', 'out', '--quiet'], dir);
    expect(run.code).toBe(2);
    clean(run.stderr);
    expect(run.stderr).toContain(
      '另一个 shenbao 正在生成 out/d：请等它结束后再生成。如果确定没有 shenbao 在运行，删除 out/d/.shenbao.lock 后重试\n',
    );
    expect(await treeHashes(dir)).toEqual(before);
  }, 30_000);

  it('a build killed (SIGKILL) while placing its lock never leaves an empty lock; the next build runs and tidies up', async () => {
    const dir = await place('killed');
    // Killed right before the written lock is linked into place, and right after.
    const hook = path.join(dir, 'hook.mjs');
    await writeFile(
      hook,
      `import fsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
const link = fsp.link;
fsp.link = async (from, to) => {
  if (process.env.KILL_AT === 'before') process.kill(process.pid, 'SIGKILL');
  await link(from, to);
  process.kill(process.pid, 'SIGKILL');
};
syncBuiltinESMExports();
`,
    );
    for (const when of ['before', 'after']) {
      const out = `out-${when}`;
      const killed = await promisify(execFile)(process.execPath, ['--import', hook, CLI, 'build', 'd.json', '-o', out, '--quiet'], {
        cwd: dir,
        env: { ...process.env, KILL_AT: when },
      }).then(
        () => 'ran to the end',
        (error: { signal?: string }) => error.signal,
      );
      expect(killed).toBe('SIGKILL');
      const left = await readdir(path.join(dir, out, 'd'));
      // Before the link: no lock at all; after: a whole one (the holder is gone). Never an empty one.
      expect(left.filter((name) => name === '.shenbao.lock')).toEqual(when === 'before' ? [] : ['.shenbao.lock']);
      expect(left.filter((name) => name.startsWith('.shenbao.lock-v2-'))).toHaveLength(1);
      const before = await treeHashes(path.join(dir, out));
      const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'; // SHA-256 of no bytes
      if (when === 'after') expect(before['d/.shenbao.lock']).not.toBe(EMPTY);
      expect(Object.values(before)).not.toContain(EMPTY); // the lock being written was flushed whole too
      const run = await shenbaoHere(['build', 'd.json', '-o', out, '--quiet'], dir);
      expect(run.code, run.stderr).toBe(0);
      clean(run.stderr);
      expect(run.stderr).toBe('');
      expect((await readdir(path.join(dir, out, 'd'))).sort()).toEqual(OUTPUTS);
    }
  }, 30_000);

  it('verify reports .shenbao-notes.pdf and .shenbao-x/ like any extra file; the lock and working files are passed over', async () => {
    const dir = await place('verify-extra');
    const built = await shenbaoHere(['build', 'd.json', '-o', 'out', '--quiet'], dir);
    expect(built.code, built.stderr).toBe(0);
    const packet = path.join(dir, 'out', 'd');
    await writeFile(path.join(packet, '.shenbao-notes.pdf'), '%PDF-1.4 notes');
    await mkdir(path.join(packet, '.shenbao-x'));
    await writeFile(path.join(packet, '.shenbao-x', 'payload.exe'), 'MZ');
    // shenbao's own: a lock, a lock being written, a staging folder, a file sign writes beside.
    await writeFile(path.join(packet, '.shenbao.lock'), '{}');
    await writeFile(path.join(packet, '.shenbao.lock-v2-host-1-1-x-0123456789ab'), '');
    await mkdir(path.join(packet, '.shenbao-staging-v2-host-1-1-x-1700000000000'));
    await writeFile(path.join(packet, '.shenbao-signing-v2-host-1-1-x-1700000000000-0'), '');
    const before = await treeHashes(dir);
    const run = await shenbaoHere(['verify', 'out'], dir);
    expect(run.code).toBe(1);
    clean(run.stderr);
    expect(run.stdout).toBe(
      `out/d/.shenbao-notes.pdf：多出来的文件，manifest.json 里没有它（不是这次生成的）\n` +
        `out/d/.shenbao-x：多出来的文件夹，manifest.json 里没有它（不是这次生成的）\n`,
    );
    expect(await treeHashes(dir)).toEqual(before);
  }, 30_000);

  it('-o through a link to a missing folder says so: exit 2, nothing made', async () => {
    const dir = await place('dangling');
    await symlink('nowhere', path.join(dir, 'dang'));
    const before = await treeHashes(dir);
    const run = await shenbaoHere(['build', 'd.json', '-o', 'dang/sub', '--quiet'], dir);
    expect(run.code).toBe(2);
    clean(run.stderr);
    expect(run.stderr).toBe(
      '-o dang/sub 中的 dang 是一个符号链接，指向的 nowhere 不存在（链接已失效）：请先建好这个文件夹，或用 -o 换一个输出目录\n',
    );
    expect(await treeHashes(dir)).toEqual(before);
  }, 30_000);

  it('-o at links that form a loop says so: exit 2, nothing made', async () => {
    const dir = await place('loop');
    await symlink('loop2', path.join(dir, 'loop1'));
    await symlink('loop1', path.join(dir, 'loop2'));
    const before = await treeHashes(dir);
    for (const [out, where] of [
      ['loop1', ''],
      ['loop1/sub', 'loop1/sub 中的 '],
    ]) {
      const run = await shenbaoHere(['build', 'd.json', '-o', out!, '--quiet'], dir);
      expect(run.code).toBe(2);
      clean(run.stderr);
      expect(run.stderr).toBe(
        `-o ${where}loop1 是一个符号链接，loop1 → loop2 → loop1，这些链接互相指向，绕成了一个圈，指不到任何文件夹：请改好这些链接，或用 -o 换一个输出目录\n`,
      );
    }
    expect(await treeHashes(dir)).toEqual(before);
  }, 30_000);

  it('a packet folder that is a loop of links: exit 2 in Chinese (not exit 3 with ELOOP), nothing changed', async () => {
    const dir = await place('packet-loop');
    await mkdir(path.join(dir, 'out'));
    await symlink('dl', path.join(dir, 'out', 'd'));
    await symlink('d', path.join(dir, 'out', 'dl'));
    const before = await treeHashes(dir);
    const run = await shenbaoHere(['build', 'd.json', '-o', 'out', '--quiet'], dir);
    expect(run.code).toBe(2);
    clean(run.stderr);
    expect(run.stderr).toContain(
      '无法读取 out/d：它（或路径中的一段）的符号链接绕成了一个圈，互相指向，指不到任何文件或文件夹：请改好这些链接，或换一个路径\n',
    );
    expect(run.stderr).not.toContain('ELOOP');
    expect(await treeHashes(dir)).toEqual(before);
  }, 30_000);
});

describe('bounded memory', () => {
  // Two gigabytes of address space: what these inputs exhausted before (SIGSEGV, abort, RangeError).
  const MEMORY = 2_000_000_000;
  const HEADER = '"title": "上海市虹口区社区发展办公室2024年度项目绩效目标汇总表", "unit": "上海市虹口区社区发展办公室", "year": 2024';

  it('10,000 projects of 20 empty indicators: the first 1,000 problems listed, one line for the 889,000 others', async () => {
    const dir = await place('many-problems');
    const project = `{"indicators": [${Array(20).fill('{}').join(', ')}]}`;
    await writeFile(path.join(dir, 'ind.json'), `{${HEADER}, "projects": [${Array(10_000).fill(project).join(', ')}]}`);
    const before = await treeHashes(dir);
    const run = await shenbao(['validate', 'ind.json'], dir, { memory: MEMORY });
    expect(run.code, run.stderr).toBe(1);
    clean(run.stderr);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1002);
    expect(lines[0]).toBe('ind.json:1:95：项目 1：项目名称（projects[0].name）：错误：缺少必填项');
    expect(lines.slice(-2)).toEqual([
      'ind.json：错误：……还有 889000 个错误没有列出（每个数据文件只列出前 1000 个问题）：请先改正上面这些再检查',
      'ind.json：未通过，890000 个错误，0 条警告',
    ]);
    // --json follows the same cap, and says so in its last diagnostic.
    const json = await shenbao(['validate', 'ind.json', '--json'], dir, { memory: MEMORY });
    expect(json.code, json.stderr).toBe(1);
    clean(json.stderr);
    const diagnostics = (JSON.parse(json.stdout) as { problems: Array<{ code: string; message: string; place: unknown }> }).problems;
    expect(diagnostics).toHaveLength(1001);
    expect(diagnostics.at(-1)).toMatchObject({
      code: 'too-many-problems',
      place: { kind: 'file', file: 'ind.json' },
      message: '……还有 889000 个错误没有列出（每个数据文件只列出前 1000 个问题）：请先改正上面这些再检查',
    });
    expect(await treeHashes(dir)).toEqual(before);
  }, 60_000);

  it('one project with 1,000,000 unknown keys is refused before the schema, in one line', async () => {
    const dir = await place('many-keys');
    const keys = Array.from({ length: 1_000_000 }, (_, i) => `"k${i}":0`).join(',');
    await writeFile(path.join(dir, 'keys.json'), `{${HEADER}, "projects": [{${keys}}]}`);
    const before = await treeHashes(dir);
    const run = await shenbao(['validate', 'keys.json'], dir, { memory: MEMORY });
    expect(run.code, run.stderr).toBe(1);
    clean(run.stderr);
    expect(run.stderr).toBe(
      'keys.json：错误：项目 1 有 1000000 个字段，超过一个对象 1000 个字段的上限（申报表的数据每个对象只有几个到三十来个字段）：请确认选对了文件\n' +
        'keys.json：未通过，1 个错误，0 条警告\n',
    );
    expect(await treeHashes(dir)).toEqual(before);
  }, 60_000);

  it('a 150 MB file of zeros given as --font is refused by its first bytes, without reading it whole', async () => {
    const dir = await place('sparse-font');
    await promisify(execFile)('truncate', ['-s', '150M', path.join(dir, 'f.ttf')]);
    const before = await treeHashes(dir);
    const run = await shenbao(['build', 'd.json', '--font', 'f.ttf', '-o', 'out'], dir, { memory: MEMORY });
    expect(run.code, run.stderr).toBe(2);
    clean(run.stderr);
    expect(run.stderr).toBe('字体文件 f.ttf 不是 TrueType/OpenType 字体文件，请换用 TrueType 字体文件（.ttf）\n');
    expect(await treeHashes(dir)).toEqual(before);
  }, 60_000);

  it('verify: a 汇总表.pdf replaced by 900 MB of zeros is named as changed, not read', async () => {
    const dir = await place('sparse-summary');
    const built = await shenbaoHere(['build', 'd.json', '-o', 'out', '--quiet'], dir);
    expect(built.code, built.stderr).toBe(0);
    const summary = path.join(dir, 'out', 'd', '汇总表.pdf');
    await promisify(execFile)('truncate', ['-s', '900M', summary]);
    const before = await treeHashes(dir);
    const run = await shenbao(['verify', 'out/d'], dir, { memory: MEMORY });
    expect(run.code, run.stderr).toBe(1);
    clean(run.stderr);
    expect(run.stdout).toMatch(/^out\/d\/汇总表\.pdf：已被改动，与生成时不同（大小 943718400 字节，生成时 \d+ 字节）$/m);
    expect(await treeHashes(dir)).toEqual(before);
  }, 120_000);

  it('a data file within its cap that this process has no memory for: 内存不足, exit 3', async () => {
    const dir = await place('no-memory');
    await promisify(execFile)('truncate', ['-s', '250M', path.join(dir, 'big.json')]);
    const before = await treeHashes(dir);
    const run = await shenbao(['validate', 'big.json'], dir, { memory: 1_300_000_000 });
    expect(run.code, run.stderr).toBe(3);
    clean(run.stderr);
    expect(run.stderr).toBe('内存不足，无法读取数据文件 big.json（250 MB）：请关闭别的程序后重试，并确认选对了文件\n');
    expect(await treeHashes(dir)).toEqual(before);
  }, 60_000);
});
