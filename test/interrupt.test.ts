// Ctrl-C (SIGINT) and SIGTERM stop a build within a second or two, in any phase, and leave the old
// output folder byte for byte as it was. The real command (dist/cli.js, built by `npm test`) on a
// 300-project packet: signalled while its forms are written, and while its 汇总表 is drawn (hundreds
// of pages in one document, the phase that once ignored Ctrl-C for a minute).
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

let dir: string;
let data: string;
let before: Record<string, string>;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shenbao-interrupt-'));
  data = path.join(dir, 'unit.json');
  // The old output: a good build of a small version of the packet, with a user's file beside it.
  await writeFile(data, JSON.stringify(packetOf(3)));
  expect((await shenbaoHere(['build', data, '-o', path.join(dir, 'out'), '--date', '2023-01-01'], dir)).code).toBe(0);
  await writeFile(path.join(dir, 'out', 'unit', '盖章扫描.jpg'), 'scan');
  before = await treeHashes(path.join(dir, 'out'));
  await writeFile(data, JSON.stringify(packetOf(300)));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Start a build, send `signal` once `ready(stderr so far)` holds, and time the exit. */
function interrupt(args: string[], signal: NodeJS.Signals, ready: (stderr: string) => boolean) {
  return new Promise<{ code: number | null; afterSignalMs: number; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: dir });
    let stderr = '';
    let sentAt = 0;
    let scheduled = false;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      // Once: a second signal is a second Ctrl-C, which ends the process at once.
      if (!scheduled && ready(stderr)) {
        scheduled = true;
        // Let the phase get under way: the 汇总表's pages are then being drawn.
        setTimeout(() => {
          sentAt = performance.now();
          child.kill(signal);
        }, 500);
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, afterSignalMs: sentAt ? performance.now() - sentAt : -1, stderr }));
  });
}

// 300 forms and the 汇总表, each as PDF and Word: 602 files.
const formsUnderWay = (stderr: string) => /\[5\/602\]/.test(stderr);
const summaryUnderWay = (stderr: string) => stderr.includes('汇总表：排版 300 张申报表');

describe.each([
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const)('%s', (signal, exitCode) => {
  it('during the forms: exits within 2 s, the old output byte-identical', async () => {
    const run = await interrupt(['build', data, '-o', 'out'], signal, formsUnderWay);
    expect(run.afterSignalMs).toBeGreaterThan(0);
    expect(run.code, run.stderr).toBe(exitCode);
    expect(run.afterSignalMs).toBeLessThan(2000);
    expect(run.stderr.trim().split('\n').at(-1)).toBe('已中断：这次生成的文件都已删除，输出目录保持原样');
    expect(await treeHashes(path.join(dir, 'out'))).toEqual(before);
  });

  it('during the 汇总表: exits within 2 s, the old output byte-identical', async () => {
    // --only writes one form and goes straight to the 汇总表 of all 300.
    const run = await interrupt(['build', data, '-o', 'out', '--only', '培训费（第1项）'], signal, summaryUnderWay);
    expect(run.afterSignalMs).toBeGreaterThan(0);
    expect(run.code, run.stderr).toBe(exitCode);
    expect(run.afterSignalMs).toBeLessThan(2000);
    expect(await treeHashes(path.join(dir, 'out'))).toEqual(before);
  });
});
