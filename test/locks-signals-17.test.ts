// Issue 17, items 9–11: locks and signals that tell the truth.
//   9. A lock held by a build in another PID namespace (a container with host networking, cloned
//      VMs on a shared folder) is respected, and its staging folder left alone; a lock is released
//      only by its holder. Tested for real with `unshare --pid --user` where the machine allows it,
//      and by simulation (a lock naming another namespace or boot) everywhere.
//  10. Ctrl-C during the swap says the new files are in place; with several packets, folder by folder.
//  11. Two signals (as `timeout` sends them), before or during the swap, stop the build in order;
//      SIGHUP (the terminal closed) is handled like SIGTERM, exit 129.
// Each case asserts the exit code, the exact message, no stack trace, and the folder's hashes
// before and after (no staging folder, no lock left behind).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectPacketFolder } from '../src/output/folder.js';
import { LOCK_FILE, lockPacketFolder } from '../src/output/lock.js';
import { thisProcess } from '../src/output/owner.js';
import { stagePacketFolder } from '../src/output/staging.js';
import type { Packet } from '../src/model/packet.js';
import { CLI, shenbaoHere } from './support/cli.js';
import { loadSeed } from './support/seed.js';
import { treeHashes } from './support/tree.js';

/** The seed's projects repeated to `count`, each name made unique. */
function packetOf(count: number): Packet {
  const seed = loadSeed();
  const base = seed.projects;
  seed.projects = Array.from({ length: count }, (_, i) => ({ ...base[i % base.length]!, name: `${base[i % base.length]!.name}（第${i + 1}项）` }));
  return seed;
}

const DATE = ['--date', '2023-01-01'];
/** What a build of packetOf(3) writes. */
const FILES_OF_3 = ['培训费（第1项）', '闵行区居村民服务自治平台（2023运维）（第2项）', '残疾人就业保障金（第3项）']
  .flatMap((name, i) => [`0${i + 1}-${name}.pdf`, `0${i + 1}-${name}.docx`])
  .concat(['汇总表.pdf', '汇总表.docx']);

// Every case but the last works in the same folder, `ws`, restored before each from a copy: the
// manifest records where the data file is, so outputs made at one path compare byte for byte.
let dir: string;
let ws: string;
/** out/ of ws as the old build left it (3 projects, a scan of the user's beside them). */
let oldTree: Record<string, string>;
/** out/ of ws after a whole build of `changed()` over the old output. */
let newTree: Record<string, string>;
const changed = () => {
  const packet = packetOf(3);
  packet.projects[0]!.annualGoal = '新的年度总体目标';
  return packet;
};
const out = () => path.join(ws, 'out');
const packet = () => path.join(ws, 'out', 'unit');

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shenbao-17-locks-'));
  ws = path.join(dir, 'ws');
  await writeFile(path.join(dir, 'pause-swap.mjs'), PAUSE_SWAP);
  await mkdir(ws);
  await writeFile(path.join(ws, 'unit.json'), JSON.stringify(packetOf(3)));
  expect((await shenbaoHere(['build', 'unit.json', '-o', 'out', ...DATE], ws)).code).toBe(0);
  await writeFile(path.join(packet(), '盖章扫描.jpg'), 'scan');
  await cp(ws, path.join(dir, 'old'), { recursive: true });
  oldTree = await treeHashes(out());
  await writeFile(path.join(ws, 'unit.json'), JSON.stringify(changed()));
  expect((await shenbaoHere(['build', 'unit.json', '-o', 'out', ...DATE], ws)).code).toBe(0);
  newTree = await treeHashes(out());
  expect(newTree).not.toEqual(oldTree);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** ws as the old build left it; the data file then holding `data` (default: the same data). */
async function restore(data?: Packet): Promise<void> {
  await rm(ws, { recursive: true, force: true });
  await cp(path.join(dir, 'old'), ws, { recursive: true });
  if (data) await writeFile(path.join(ws, 'unit.json'), JSON.stringify(data));
  expect(await treeHashes(out())).toEqual(oldTree);
}

const noBug = (stderr: string) => {
  expect(stderr).not.toContain('内部错误');
  expect(stderr).not.toMatch(/\n\s+at /);
};
const lastLines = (stderr: string, n: number) => stderr.trimEnd().split('\n').slice(-n);

describe('item 9: a lock held by a build that may still run is respected', () => {
  const refusal = (place: string, started: string) =>
    `另一个 shenbao 正在生成 out/unit（${place}，${started} 开始）：请等它结束后再生成。如果确定没有 shenbao 在运行，删除 ${path.join('out', 'unit', LOCK_FILE)} 后重试`;
  const failed = 'unit.json：未能生成，输出文件夹保持原样，0 个错误，1 条警告';
  const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!;
  const STARTED = '2026-12-06T08:00:00.000Z';
  const unshare = ['unshare', '--pid', '--fork', '--user', '--map-root-user'];
  const canUnshare = spawnSync(unshare[0]!, [...unshare.slice(1), 'true']).status === 0;
  const inNewNamespace = () =>
    spawnSync(unshare[0]!, [...unshare.slice(1), process.execPath, CLI, 'build', 'unit.json', '-o', 'out', ...DATE], { cwd: ws, encoding: 'utf8' });

  /** A lock file and a staging folder (with a half-written form) as `owner` would leave them. */
  async function heldBy(owner: { pid: number; startTicks: string; boot: string; pidns: string; timens?: string }): Promise<void> {
    // The owner in the staging folder's name, as owner.ts writes it for a process with these ids.
    const context = createHash('sha256').update(`${owner.boot}\n${owner.pidns}\n${owner.timens ?? ''}`).digest('hex').slice(0, 16);
    const staging = path.join(packet(), `.shenbao-staging-v2-${hostname().replace(/[^A-Za-z0-9]/g, '')}-${owner.pid}-${owner.startTicks}-${context}-1796500000000`);
    await mkdir(staging);
    await writeFile(path.join(staging, '01-x.pdf'), 'half');
    await writeFile(path.join(packet(), LOCK_FILE), `${JSON.stringify({ host: hostname(), started: STARTED, command: 'build', token: 'theirs', ...owner })}\n`);
  }

  it.skipIf(!canUnshare)('really: a build under `unshare --pid` leaves the lock and staging folder of a running build outside alone (exit 2)', async () => {
    await restore();
    // This process holds the folder, as a build does: the lock, and a staging folder with a form in it.
    const lock = await lockPacketFolder(packet());
    const staging = await stagePacketFolder(await inspectPacketFolder(packet()));
    await staging.write('01-x.pdf', new Uint8Array([1, 2, 3]));
    const before = await treeHashes(out());
    const holder = JSON.parse(await readFile(path.join(packet(), LOCK_FILE), 'utf8')) as { pid: number; started: string };
    // Inside the new namespace this process's pid does not exist: a pid check alone took it for dead.
    const run = inNewNamespace();
    noBug(run.stderr);
    expect(run.status, run.stderr).toBe(2);
    expect(lastLines(run.stderr, 2)).toEqual([refusal(`${hostname()} 上另一个 PID 命名空间（容器或宿主机）里的进程 ${holder.pid}`, holder.started), failed]);
    expect(await treeHashes(out())).toEqual(before);

    // An older version's lock (no namespace) of a pid that does not run inside: not judged there either.
    await staging.discard();
    await lock.release();
    const pid = deadPid();
    await writeFile(path.join(packet(), LOCK_FILE), JSON.stringify({ host: hostname(), pid, started: STARTED }));
    const older = await treeHashes(out());
    const again = inNewNamespace();
    noBug(again.stderr);
    expect(again.status, again.stderr).toBe(2);
    expect(lastLines(again.stderr, 2)).toEqual([refusal(`${hostname()} 上的进程 ${pid}`, STARTED), failed]);
    expect(await treeHashes(out())).toEqual(older);
  });

  it.each([
    ['another PID namespace', { boot: thisProcess().boot ?? 'boot', pidns: 'pid:[4026599999]' }, (pid: number) => `${hostname()} 上另一个 PID 命名空间（容器或宿主机）里的进程 ${pid}`],
    ['another boot (a cloned VM of the same name)', { boot: '00000000-0000-4000-8000-000000000000', pidns: thisProcess().pidns ?? 'pid:[1]' }, (pid: number) => `${hostname()} 上的进程 ${pid}（另一台同名的机器，或本机重启之前）`],
  ])('simulated: a lock of %s whose pid does not run here, and its staging folder, are left alone (exit 2)', async (_, where, place) => {
    await restore();
    const owner = { pid: deadPid(), ...where, timens: thisProcess().timens, startTicks: '12345' };
    await heldBy(owner);
    const before = await treeHashes(out());
    const run = await shenbaoHere(['build', 'unit.json', '-o', 'out', ...DATE], ws);
    noBug(run.stderr);
    expect(run.code, run.stderr).toBe(2);
    expect(lastLines(run.stderr, 2)).toEqual([refusal(place(owner.pid), STARTED), failed]);
    expect(await treeHashes(out())).toEqual(before);
  });

  it.runIf(existsSync('/proc/self/stat'))('takes over a lock whose holder provably ended (same boot and namespace, its pid gone), and removes its staging folder (exit 0)', async () => {
    await restore();
    const me = thisProcess();
    await heldBy({ pid: deadPid(), boot: me.boot!, pidns: me.pidns!, timens: me.timens, startTicks: '12345' });
    const run = await shenbaoHere(['build', 'unit.json', '-o', 'out', ...DATE], ws);
    noBug(run.stderr);
    expect(run.code, run.stderr).toBe(0);
    expect(lastLines(run.stderr, 1)).toEqual(['unit.json：写出 8 个文件，0 个错误，1 条警告']);
    // The same data and date: the same files, and nothing of the other build left.
    expect(await treeHashes(out())).toEqual(oldTree);
  });

  it.runIf(existsSync('/proc/self/stat'))('takes over a lock whose pid now runs another process (started at another time)', async () => {
    await restore();
    const me = thisProcess();
    await heldBy({ pid: process.pid, boot: me.boot!, pidns: me.pidns!, timens: me.timens, startTicks: String(Number(me.startTicks) + 1) });
    const lock = await lockPacketFolder(packet());
    await (await stagePacketFolder(await inspectPacketFolder(packet()))).discard();
    await lock.release();
    expect(await treeHashes(out())).toEqual(oldTree);
  });

  it('release() removes the lock only while it is still its own', async () => {
    const folder = path.join(dir, 'release');
    const lock = await lockPacketFolder(folder);
    // Someone removed it by hand, and another build took the folder.
    const theirs = `${JSON.stringify({ host: hostname(), pid: process.ppid, started: STARTED, command: 'build', token: 'theirs' })}\n`;
    await writeFile(path.join(folder, LOCK_FILE), theirs);
    await lock.release();
    expect(await readFile(path.join(folder, LOCK_FILE), 'utf8')).toBe(theirs);
    // Its own it removes.
    await rm(path.join(folder, LOCK_FILE));
    await (await lockPacketFolder(folder)).release();
    expect(await readdir(folder)).toEqual([]);
  });
});

// Loaded into the CLI (and its worker threads) with --import: pauses the swap before the first
// new file moves in, and marks the moment in a file, so a signal lands in the middle of the swap.
const PAUSE_SWAP = `
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
const promises = createRequire(import.meta.url)('node:fs/promises');
const rename = promises.rename;
let paused = false;
promises.rename = async (from, to) => {
  if (!paused && String(from).includes('.shenbao-staging-') && !String(to).includes('.shenbao-staging-') && path.basename(String(to)) !== 'manifest.json') {
    paused = true;
    writeFileSync(process.env.SHENBAO_TEST_SWAP_MARK, String(to));
    await new Promise((resolve) => setTimeout(resolve, Number(process.env.SHENBAO_TEST_SWAP_PAUSE_MS)));
  }
  return rename(from, to);
};
syncBuiltinESMExports();
`;

interface Signalled {
  code: number | null;
  stderr: string;
  /** From the first signal to the exit. */
  afterSignalMs: number;
}

/**
 * Run `command` in `cwd`, and once `ready(stderr)` holds, send it each signal after its delay
 * (from the previous one). `via` runs the CLI under another program (`timeout`), which gets the signals.
 */
function signalled(
  args: string[],
  cwd: string,
  ready: (stderr: string) => boolean,
  signals: Array<[NodeJS.Signals, number]>,
  { env = {}, execArgv = [], via = [] }: { env?: Record<string, string>; execArgv?: string[]; via?: string[] } = {},
): Promise<Signalled> {
  return new Promise((resolve, reject) => {
    const command = [...via, process.execPath, ...execArgv, CLI, ...args];
    // Its own process group: `timeout` signals its whole group.
    const child = spawn(command[0]!, command.slice(1), { cwd, env: { ...process.env, FORCE_COLOR: '0', ...env }, detached: via.length > 0 });
    let stderr = '';
    let sentAt = 0;
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const poll = setInterval(() => {
      if (!ready(stderr)) return;
      clearInterval(poll);
      void (async () => {
        for (const [signal, delay] of signals) {
          await new Promise((done) => setTimeout(done, delay));
          sentAt ||= performance.now();
          child.kill(signal);
        }
      })();
    }, 10);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      resolve({ code, stderr, afterSignalMs: sentAt ? performance.now() - sentAt : -1 });
    });
  });
}

describe('items 10 and 11: what a stopped build says, and a second signal', () => {
  // 40 forms and the 汇总表, each as PDF and Word: 82 files, seconds of writing.
  const formsUnderWay = (stderr: string) => stderr.includes('[5/82]');
  const kept = '已中断：这次生成的文件都已删除，输出目录保持原样';
  const build = ['build', 'unit.json', '-o', 'out', ...DATE];

  it.each([
    ['two SIGTERMs 50 ms apart', 143, [['SIGTERM', 0], ['SIGTERM', 50]], kept],
    ['SIGHUP (the terminal closed), then SIGTERM', 129, [['SIGHUP', 0], ['SIGTERM', 20]], '已中断（终端已关闭）：这次生成的文件都已删除，输出目录保持原样'],
  ] as Array<[string, number, Array<[NodeJS.Signals, number]>, string]>)('%s while the forms are written: stops in order, the old output byte-identical (exit %i)', async (_, exitCode, signals, message) => {
    await restore(packetOf(40));
    const run = await signalled(build, ws, formsUnderWay, signals);
    noBug(run.stderr);
    expect(run.afterSignalMs).toBeGreaterThan(0);
    expect(run.code, run.stderr).toBe(exitCode);
    expect(lastLines(run.stderr, 1)).toEqual([message]);
    expect(await treeHashes(out())).toEqual(oldTree);
  });

  it.runIf(spawnSync('timeout', ['--version']).status === 0)('`timeout` stopping the build (SIGTERM to the build and to its group): the old output byte-identical (exit 143)', async () => {
    await restore(packetOf(40));
    const run = await signalled(build, ws, formsUnderWay, [['SIGTERM', 0]], { via: ['timeout', '600'] });
    noBug(run.stderr);
    expect(run.code, run.stderr).toBe(143);
    expect(lastLines(run.stderr, 1)).toEqual([kept]);
    expect(await treeHashes(out())).toEqual(oldTree);
  });

  // (The exit code follows the first signal, as the cases above show; one of each kind is enough here.)
  it.each([
    ['Ctrl-C', 130, [['SIGINT', 0]]],
    ['Ctrl-C, then a second one', 130, [['SIGINT', 0], ['SIGINT', 100]]],
  ] as Array<[string, number, Array<[NodeJS.Signals, number]>]>)('%s during the swap: waits for it to end and says the new files are in place (exit %i)', async (_, exitCode, signals) => {
    await restore(changed());
    const mark = path.join(dir, 'swap-paused');
    await rm(mark, { force: true });
    const run = await signalled(build, ws, () => existsSync(mark), signals, {
      env: { SHENBAO_TEST_SWAP_MARK: mark, SHENBAO_TEST_SWAP_PAUSE_MS: '1500' },
      execArgv: ['--import', path.join(dir, 'pause-swap.mjs')],
    });
    noBug(run.stderr);
    expect(run.code, run.stderr).toBe(exitCode);
    // The signal came while the swap was paused before its first new file, and the build waited for it.
    expect(await readFile(mark, 'utf8')).toBe(path.join('out', 'unit', '01-培训费（第1项）.pdf'));
    expect(run.afterSignalMs).toBeGreaterThan(1000);
    expect(lastLines(run.stderr, 2)).toEqual(['unit.json：写出 8 个文件，0 个错误，1 条警告', '已中断：这次生成的文件已全部换入 out/unit']);
    // Exactly what the whole build leaves.
    expect(await treeHashes(out())).toEqual(newTree);
  });

  it('Ctrl-C while finishing an earlier build killed in its swap: says the folder is still half swapped (exit 130), and the next build finishes it', async () => {
    await restore(changed());
    const mark = path.join(dir, 'swap-paused');
    const pause = { SHENBAO_TEST_SWAP_MARK: mark, SHENBAO_TEST_SWAP_PAUSE_MS: '1500' };
    const execArgv = ['--import', path.join(dir, 'pause-swap.mjs')];
    // Killed outright in the middle of its swap: manifest.json is left as the journal.
    await rm(mark, { force: true });
    const killed = await signalled(build, ws, () => existsSync(mark), [['SIGKILL', 0]], { env: pause, execArgv });
    expect(killed.code).toBe(null);
    expect(JSON.parse(await readFile(path.join(out(), 'unit', 'manifest.json'), 'utf8'))).toMatchObject({ complete: false, pending: 'build' });
    // The next build pauses while finishing that swap, and is stopped there.
    await rm(mark, { force: true });
    const run = await signalled(build, ws, () => existsSync(mark), [['SIGINT', 0]], { env: pause, execArgv });
    noBug(run.stderr);
    expect(run.code, run.stderr).toBe(130);
    expect(lastLines(run.stderr, 1)).toEqual(['已中断：上一次被中断的生成还没有换入完成，这次没能把它完成：下次生成会先完成它（在此之前 verify 会指出）']);
    const next = await shenbaoHere(build, ws);
    expect(next.code, next.stderr).toBe(0);
    expect(await treeHashes(out())).toEqual(newTree);
  });

  it('several packets: each folder is named with what it holds now (exit 130)', async () => {
    const root = path.join(dir, 'several');
    await mkdir(path.join(root, 'data'), { recursive: true });
    await writeFile(path.join(root, 'data', 'a.json'), JSON.stringify(packetOf(3)));
    await writeFile(path.join(root, 'data', 'c.json'), JSON.stringify(packetOf(3)));
    // A whole build of a and c; then a's output is taken away and b comes between them.
    expect((await shenbaoHere(['build', 'data', '-o', 'out', ...DATE], root)).code).toBe(0);
    const whole = await treeHashes(path.join(root, 'out'));
    await rm(path.join(root, 'out', 'a'), { recursive: true });
    await writeFile(path.join(root, 'data', 'b.json'), JSON.stringify(packetOf(40)));
    const run = await signalled(['build', 'data', '-o', 'out', ...DATE], root, formsUnderWay, [['SIGINT', 0]]);
    noBug(run.stderr);
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr).toContain('data/a.json：写出 8 个文件，0 个错误，1 条警告\n');
    expect(lastLines(run.stderr, 4)).toEqual([
      'out/a：这次生成的文件已全部换入',
      'out/b：保持原样，这次生成的文件都已删除',
      'out/c：保持原样（还没有开始写文件）',
      '已中断：1 个输出文件夹已换入这次生成的文件，其余保持原样',
    ]);
    // a whole again, as the whole build left it; b's folder, which the build made, gone again; c untouched.
    expect(Object.keys(whole).filter((key) => key.startsWith('a/')).sort()).toEqual(['a/', 'a/manifest.json', ...FILES_OF_3.map((name) => `a/${name}`)].sort());
    expect(await treeHashes(path.join(root, 'out'))).toEqual(whole);
  });
});
