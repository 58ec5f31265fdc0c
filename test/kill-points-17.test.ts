// Issue 17, item 8: recovery from every kill point. A build is killed (a real SIGKILL, as a power
// cut or the OOM killer would end it) at a step of its swap, through the library's onSwapStep hook
// in a child process, for a first build into a folder holding a user's file and for a rebuild that
// replaces some files and removes others. After each kill, every file of shenbao's in the folder is
// still known as shenbao's (manifest.json is never missing), the next build succeeds and leaves
// exactly what a clean build leaves, `verify` passes, and no user file was touched.
//
// Every step is tested: what a kill before a step leaves on disk is the folder as it stands when
// the hook is called (the swap's steps are taken one after the other, nothing is in flight
// between them, and SIGKILL runs no clean-up). So one child copies the folder at each step, and
// each copy is recovered from as a killed build's folder would be. That a copy is exactly what a
// real kill leaves (the same files, byte for byte, but for the names and fields that say which
// process it was) is checked by killing for real at three steps of each swap. A child took about
// 0.75 s of CPU, mostly loading dist/: 21 kills took 16 s of the suite's CPU, now 2 copying
// children and 6 kills (2026-12-07).
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFiles, createBuildContext, type BuildContext } from '../src/output/build.js';
import type { Packet } from '../src/model/packet.js';
import { inspectPacketFolder } from '../src/output/folder.js';
import { LOCK_FILE } from '../src/output/lock.js';
import type { SwapStep } from '../src/output/staging.js';
import { verifyOutput } from '../src/output/verify.js';
import { ROOT, shenbaoHere } from './support/cli.js';
import { loadSeed } from './support/seed.js';
import { treeHashes } from './support/tree.js';

const creationDate = new Date('2023-01-01T00:00:00Z');
// Word files only: the swap is the same for any format, and a Word form is made in a millisecond.
const formats = ['docx' as const];

function packetV1(): Packet {
  const seed = loadSeed();
  seed.projects = seed.projects.slice(0, 3);
  return seed;
}
/** The rebuild's data: project 1's amount changed (its file replaced), project 2 gone (03 renumbered to 02: two files removed, one new). */
function packetV2(): Packet {
  const packet = packetV1();
  packet.projects[0]!.funds.annual = { total: '900000.00', fiscal: '900000.00', carryover: '0.00', other: '0.00' };
  packet.projects.splice(1, 1);
  return packet;
}
const V2_OUTPUTS = ['01-培训费.docx', '02-残疾人就业保障金.docx', '汇总表.docx'];
const V1_OUTPUTS = ['01-培训费.docx', '02-闵行区居村民服务自治平台（2023运维）.docx', '03-残疾人就业保障金.docx', '汇总表.docx'];
/** The user's files in the packet folder: never touched. */
const USER_FILES = ['盖章扫描.jpg', '底稿/说明.txt'];

let root: string;
let context: BuildContext;
let child: string;
/** What a clean build of each data version leaves in the packet folder (every file but manifest.json), by name. */
const clean = new Map<string, Record<string, string>>();

// A build through the library that kills itself (SIGKILL: no clean-up of any kind) before swap step
// `at`; or, with `at` = 'copies', copies its folder (the data file's) as it stands before each step
// to <folder>-copy-<step>, and goes on.
const CHILD = `
import { cpSync, writeSync } from 'node:fs';
import path from 'node:path';
import { buildFiles } from ${JSON.stringify(pathToFileURL(path.join(ROOT, 'dist', 'output', 'build.js')).href)};
const [data, outDir, at] = process.argv.slice(2);
let step = 0;
await buildFiles([data], {
  outDir,
  creationDate: new Date(${JSON.stringify(creationDate.toISOString())}),
  formats: ${JSON.stringify(formats)},
  onSwapStep: (s) => {
    const now = step++;
    if (at === 'copies') return void cpSync(path.dirname(data), \`\${path.dirname(data)}-copy-\${now}\`, { recursive: true });
    if (now !== Number(at)) return;
    writeSync(2, JSON.stringify(s));
    process.kill(process.pid, 'SIGKILL');
  },
});
`;

beforeAll(async () => {
  root = await realpath(await mkdtemp(path.join(tmpdir(), 'shenbao-17-kill-')));
  child = path.join(root, 'kill-at-swap-step.mjs');
  await writeFile(child, CHILD);
  context = await createBuildContext();
  for (const [name, packet] of [
    ['v1', packetV1()],
    ['v2', packetV2()],
  ] as const) {
    const dir = path.join(root, `clean-${name}`);
    await mkdir(dir);
    await writeFile(path.join(dir, 'unit.json'), JSON.stringify(packet, null, 2));
    const [report] = await buildFiles([path.join(dir, 'unit.json')], { outDir: path.join(dir, 'out'), creationDate, formats }, context);
    expect(report!.ok).toBe(true);
    const { 'manifest.json': _, ...outputs } = await treeHashes(path.join(dir, 'out', 'unit'));
    clean.set(name, outputs);
  }
}, 120_000);
afterAll(() => rm(root, { recursive: true, force: true }));

/** A project folder: the data file, and out/unit/ with the user's files (and, for a rebuild, a build of v1). */
async function makeBase(name: string, rebuild: boolean): Promise<string> {
  const base = path.join(root, name);
  const packetDir = path.join(base, 'out', 'unit');
  await mkdir(path.join(packetDir, '底稿'), { recursive: true });
  for (const file of USER_FILES) await writeFile(path.join(packetDir, file), `the user's ${file}`);
  await writeFile(path.join(base, 'unit.json'), JSON.stringify(packetV1(), null, 2));
  if (rebuild) expect((await buildFiles([path.join(base, 'unit.json')], { outDir: path.join(base, 'out'), creationDate, formats }, context))[0]!.ok).toBe(true);
  await writeFile(path.join(base, 'unit.json'), JSON.stringify(rebuild ? packetV2() : packetV1(), null, 2));
  return base;
}

/** The steps of the swap from `base`, as the hook sees them (the build run here, on a copy, to the end). */
async function stepsFrom(base: string): Promise<SwapStep[]> {
  const copy = `${base}-steps`;
  await cp(base, copy, { recursive: true });
  const steps: SwapStep[] = [];
  const [report] = await buildFiles([path.join(copy, 'unit.json')], { outDir: path.join(copy, 'out'), creationDate, formats, onSwapStep: (s) => void steps.push(s) }, context);
  expect(report!.ok).toBe(true);
  return steps;
}

/** Run the child on a copy of `base` (`copy` names it), killed before step `at`, or (at = 'copies') copying its folder at every step; resolves to its exit signal and stderr. */
async function runChild(base: string, copy: string, at: number | 'copies'): Promise<{ dir: string; signal: NodeJS.Signals | null; stderr: string }> {
  const dir = `${base}-${copy}`;
  await cp(base, dir, { recursive: true });
  return new Promise((resolve, reject) => {
    // --no-opt: a child runs for about a second, mostly loading modules, which V8 would spend
    // optimising; without it a child took about a quarter less CPU (1.0 s → 0.75 s, 2026-12-07).
    const run = spawn(process.execPath, ['--no-opt', child, path.join(dir, 'unit.json'), path.join(dir, 'out'), String(at)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    run.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    run.on('error', reject);
    run.on('exit', (_code, signal) => resolve({ dir, signal, stderr }));
  });
}

/** Run the child on a copy of `base`, killed before step `at`. */
async function killedAt(base: string, at: number): Promise<string> {
  const { dir, signal, stderr } = await runChild(base, String(at), at);
  expect(signal, stderr).toBe('SIGKILL');
  return dir;
}

/**
 * The folder `base` as a build run on a copy of it (in `folder`) left it before each step of its
 * swap (see CHILD), by step; the build's own folder, which it finished, removed.
 */
async function copiedAtEachStep(base: string, steps: number): Promise<{ folder: string; copies: string[] }> {
  const { dir, signal, stderr } = await runChild(base, 'copier', 'copies');
  expect([signal, stderr]).toEqual([null, '']);
  await rm(dir, { recursive: true });
  return { folder: dir, copies: Array.from({ length: steps }, (_, at) => `${dir}-copy-${at}`) };
}

// What names the process that wrote a folder, and the folder: the staging folder's name (host, pid,
// start time, a clock reading), which the journal (manifest.json, or .manifest.pending before it
// moves in) and the final manifest also name with the data file's absolute path; and the lock.
const STAGING = /\.shenbao-staging-[^/"]+/g;
const NAMES_ITS_PROCESS = new Set(['manifest.json', '.manifest.pending', '.manifest.final']);

/** A folder's files by path, their sha256, but for what names the process that wrote them and where it wrote them (`madeIn`). */
async function withoutItsProcess(dir: string, madeIn = dir): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const [key, hash] of Object.entries(await treeHashes(dir))) {
    const name = path.basename(key);
    const text = NAMES_ITS_PROCESS.has(name) ? (await readFile(path.join(dir, key), 'utf8')).replace(STAGING, '<staging>').replaceAll(madeIn, '<folder>') : undefined;
    result[key.replace(STAGING, '<staging>')] = name === LOCK_FILE ? 'the lock' : (text ?? hash);
  }
  return result;
}

const userHashes = (hashes: Record<string, string>) => Object.fromEntries(USER_FILES.map((file) => [file, hashes[file]]));

/** What must hold after a kill, and after the next build. */
async function recovers(dir: string, version: 'v1' | 'v2', label: string): Promise<void> {
  const packetDir = path.join(dir, 'out', 'unit');
  const userBefore = userHashes(await treeHashes(packetDir));
  expect(Object.values(userBefore).every((hash) => hash !== undefined), label).toBe(true);
  // Every file of shenbao's is still known as shenbao's: only the user's files are foreign.
  const folder = await inspectPacketFolder(packetDir);
  expect(folder.foreign.sort(), label).toEqual(['底稿', '盖章扫描.jpg']);

  const [report] = await buildFiles([path.join(dir, 'unit.json')], { outDir: path.join(dir, 'out'), creationDate, formats }, context);
  expect(report!.failure, label).toBeUndefined();
  expect(report!.ok, label).toBe(true);
  // verify names the user's files (it always does: they are not shenbao's), and nothing else.
  const [verified] = await verifyOutput(packetDir);
  expect(verified!.findings.map((f) => [f.kind, f.name]), label).toEqual([
    ['added', '底稿'],
    ['added', '盖章扫描.jpg'],
  ]);
  expect(verified!.remarks, label).toBeUndefined();

  const after = await treeHashes(packetDir);
  expect(userHashes(after), label).toEqual(userBefore);
  const { 'manifest.json': manifest, ...rest } = after;
  expect(manifest, label).toBeDefined();
  const outputs = Object.fromEntries(Object.entries(rest).filter(([key]) => !USER_FILES.includes(key) && key !== '底稿/'));
  // Exactly a clean build's files, byte for byte: no staging folder, no lock, nothing old left.
  expect(outputs, label).toEqual(clean.get(version));
}

/**
 * Each kill point: the folder as a kill before each step leaves it (a copy made at that step, put
 * back where it was made, as its manifest names it), and a real kill at three of the steps, which
 * must leave exactly that copy.
 */
async function everyKillPoint(base: string, steps: SwapStep[], version: 'v1' | 'v2'): Promise<void> {
  const { folder, copies } = await copiedAtEachStep(base, steps.length);
  const label = (at: number) => `killed before step ${at} (${JSON.stringify(steps[at])})`;
  // The journal written, the middle of the swap, and the last file in.
  const killed = [1, Math.floor(steps.length / 2), steps.length - 4];
  const real = await Promise.all(killed.map((at) => killedAt(base, at)));
  for (const [k, at] of killed.entries()) {
    expect(await withoutItsProcess(real[k]!), `${label(at)}: the copy is what a real kill leaves`).toEqual(await withoutItsProcess(copies[at]!, folder));
    await recovers(real[k]!, version, `${label(at)}, for real`);
  }
  for (const [at, copy] of copies.entries()) {
    await rename(copy, folder);
    await recovers(folder, version, label(at));
    await rm(folder, { recursive: true });
  }
}

describe('a build killed at every step of its swap', () => {
  it('a first build into a folder holding the user’s files', async () => {
    const base = await makeBase('first', false);
    const steps = await stepsFrom(base);
    expect(steps).toEqual([
      { kind: 'prepare' },
      { kind: 'journal' },
      ...V1_OUTPUTS.map((name) => ({ kind: 'in', name })),
      { kind: 'final' },
      { kind: 'clean-up' },
      { kind: 'done' },
    ]);
    await everyKillPoint(base, steps, 'v1');
  }, 240_000);

  it('a rebuild that replaces two files and removes two', async () => {
    const base = await makeBase('rebuild', true);
    const steps = await stepsFrom(base);
    expect(steps).toEqual([
      { kind: 'prepare' },
      { kind: 'journal' },
      // The replaced files first, then the removed ones.
      ...['01-培训费.docx', '汇总表.docx', '02-闵行区居村民服务自治平台（2023运维）.docx', '03-残疾人就业保障金.docx'].map((name) => ({ kind: 'aside', name })),
      ...V2_OUTPUTS.map((name) => ({ kind: 'in', name })),
      { kind: 'final' },
      { kind: 'clean-up' },
      { kind: 'done' },
    ]);
    await everyKillPoint(base, steps, 'v2');
  }, 240_000);

  it('the next build finishes the killed swap first: a --format pdf build then keeps the killed build’s Word files, none lost', async () => {
    const base = await makeBase('finish', true);
    // Killed with 01 moved in, the other old files aside, 02 and the 汇总表 still in the staging folder.
    const dir = await killedAt(base, 7);
    const packetDir = path.join(dir, 'out', 'unit');
    const [report] = await buildFiles([path.join(dir, 'unit.json')], { outDir: path.join(dir, 'out'), creationDate, formats: ['pdf'] }, context);
    expect(report!.failure).toBeUndefined();
    expect(report!.diagnostics.map((d) => d.code).sort()).toEqual(['framework-no-satisfaction', 'swap-finished']);
    expect(report!.written.map((f) => path.basename(f))).toEqual(V2_OUTPUTS.map((name) => name.replace(/\.docx$/, '.pdf')));
    const after = await treeHashes(packetDir);
    for (const name of V2_OUTPUTS) expect(after[name], name).toBe(clean.get('v2')![name]);
    const [verified] = await verifyOutput(packetDir);
    expect(verified!.findings.map((f) => [f.kind, f.name])).toEqual([
      ['added', '底稿'],
      ['added', '盖章扫描.jpg'],
    ]);
    expect(verified!.intact).toBe(6);
  }, 60_000);

  it('through the command: verify says the swap was cut short, the next build finishes it and says so, verify then passes', async () => {
    const base = await makeBase('command', true);
    // The user's files of this case beside the packet folder, so that verify has nothing of theirs to name.
    for (const file of USER_FILES) await rm(path.join(base, 'out', 'unit', file), { recursive: true });
    await rm(path.join(base, 'out', 'unit', '底稿'), { recursive: true });
    await writeFile(path.join(base, 'out', '说明.txt'), 'the user’s note');
    // Killed with the journal in place and the first old file moved aside: where manifest.json used to be missing.
    const dir = await killedAt(base, 3);
    const before = await treeHashes(dir);
    const packetDir = path.join('out', 'unit');

    const cut = await shenbaoHere(['verify', packetDir], dir);
    expect(cut.code).toBe(1);
    expect(cut.stdout.split('\n')[0]).toBe(`${path.join(packetDir, 'manifest.json')}：上一次生成在替换文件时中断了，这个目录里新旧文件混在一起；请重新生成（生成时会先把上次的替换完成）`);
    expect(cut.stderr).not.toMatch(/内部错误|不是 shenbao|\n\s+at /);
    expect(await treeHashes(dir)).toEqual(before);

    const rebuilt = await shenbaoHere(['build', 'unit.json', '-o', 'out', '--format', 'docx', '--date', '2023-01-01', '--quiet'], dir);
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(rebuilt.stderr.split('\n')).toContain(`unit.json：警告：${packetDir}：上一次生成在替换文件时中断了，这次先把它替换完成，再重新生成`);
    expect(rebuilt.stderr).not.toMatch(/内部错误|\n\s+at /);
    expect((await treeHashes(dir))['out/说明.txt']).toBe(before['out/说明.txt']);
    expect((await readdir(path.join(dir, packetDir))).sort()).toEqual([...V2_OUTPUTS, 'manifest.json'].sort());

    const passed = await shenbaoHere(['verify', packetDir], dir);
    expect([passed.code, passed.stdout]).toEqual([0, '']);
    expect(passed.stderr).toMatch(new RegExp(`^${packetDir}：3 个文件都与 manifest\\.json 相符`));
    expect(await readFile(path.join(dir, 'unit.json'), 'utf8')).toBe(JSON.stringify(packetV2(), null, 2));
  }, 120_000);
});
