// Issue 17, item 8: recovery from every kill point. A build is killed (a real SIGKILL, as a power
// cut or the OOM killer would end it) at each step of its swap in turn, through the library's
// onSwapStep hook in a child process, for a first build into a folder holding a user's file and
// for a rebuild that replaces some files and removes others. After each kill, every file of
// shenbao's in the folder is still known as shenbao's (manifest.json is never missing), the next
// build succeeds and leaves exactly what a clean build leaves, `verify` passes, and no user file
// was touched.
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFiles, createBuildContext, type BuildContext } from '../src/output/build.js';
import type { Packet } from '../src/model/packet.js';
import { inspectPacketFolder } from '../src/output/folder.js';
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

// A build through the library that kills itself (SIGKILL: no clean-up of any kind) before swap step `at`.
const CHILD = `
import { writeSync } from 'node:fs';
import { buildFiles } from ${JSON.stringify(pathToFileURL(path.join(ROOT, 'dist', 'output', 'build.js')).href)};
const [data, outDir, at] = process.argv.slice(2);
let step = 0;
await buildFiles([data], {
  outDir,
  creationDate: new Date(${JSON.stringify(creationDate.toISOString())}),
  formats: ${JSON.stringify(formats)},
  onSwapStep: (s) => {
    if (step++ !== Number(at)) return;
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

/** Run the child on a copy of `base`, killed before step `at`. */
async function killedAt(base: string, at: number): Promise<string> {
  const dir = `${base}-${at}`;
  await cp(base, dir, { recursive: true });
  const { signal, stderr } = await new Promise<{ signal: NodeJS.Signals | null; stderr: string }>((resolve, reject) => {
    // --no-opt: a child runs for about a second, mostly loading modules, which V8 would spend
    // optimising; without it a child took about a quarter less CPU (1.0 s → 0.75 s, 2026-12-07).
    const run = spawn(process.execPath, ['--no-opt', child, path.join(dir, 'unit.json'), path.join(dir, 'out'), String(at)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    run.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    run.on('error', reject);
    run.on('exit', (_code, signal) => resolve({ signal, stderr }));
  });
  expect(signal, stderr).toBe('SIGKILL');
  return dir;
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

/** Each kill point in turn, two children at a time. */
async function everyKillPoint(base: string, steps: SwapStep[], version: 'v1' | 'v2'): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < steps.length) {
      const at = next++;
      const dir = await killedAt(base, at);
      await recovers(dir, version, `killed before step ${at} (${JSON.stringify(steps[at])})`);
      await rm(dir, { recursive: true, force: true });
    }
  };
  await Promise.all([lane(), lane()]);
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
