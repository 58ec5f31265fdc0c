// --jobs: forms made on worker threads are the same files, in the same order, with the same
// messages, as forms made on one (the real command, dist/cli.js, on a packet with bad projects).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { shenbao } from './support/cli.js';
import { loadSeed } from './support/seed.js';
import { treeHashes } from './support/tree.js';

let dir: string;
let count: number;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shenbao-jobs-'));
  // Enough projects for two workers (what the CLI in dist/ takes for that), two of them in error.
  const { FORMS_PER_WORKER } = (await import(path.resolve('dist', 'output', 'build.js'))) as typeof import('../src/output/build.js');
  count = 2 * FORMS_PER_WORKER + 2; // the two in error are not made
  const packet = loadSeed();
  const base = packet.projects;
  packet.projects = Array.from({ length: count }, (_, i) => ({ ...structuredClone(base[i % base.length]!), name: `${base[i % base.length]!.name}（第${i + 1}项）` }));
  packet.projects[3]!.funds.annual.total = '1.00';
  packet.projects[17]!.startDate = '2023-02-30';
  await writeFile(path.join(dir, 'unit.json'), JSON.stringify(packet, null, 2));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

it('--jobs 1 and --jobs 2 write identical files and say identical things', async () => {
  const run = (jobs: number) => shenbao(['build', 'unit.json', '-o', `out${jobs}`, '--jobs', String(jobs), '--date', '2023-01-01'], dir);
  const [one, two] = [await run(1), await run(2)];
  expect(one.code).toBe(1);
  expect(two.code).toBe(one.code);
  expect(two.stderr.replaceAll('out2', 'out1')).toBe(one.stderr);
  expect(one.stderr).toContain(`写出 ${(count - 2) * 2} 个文件`);
  expect(await treeHashes(path.join(dir, 'out2'))).toEqual(await treeHashes(path.join(dir, 'out1')));
}, 120_000); // two builds of 302 forms as PDF and Word: about 30 s here, more on a busy machine

it('refuses a --jobs that is not a whole number of threads', async () => {
  const run = await shenbao(['build', 'unit.json', '--jobs', '0'], dir);
  expect([run.code, run.stderr]).toEqual([2, '--jobs 应是 1 到 256 之间的整数（线程数），现在是「0」\n']);
});

it('a form too big for a worker’s heap is made on the build’s thread: the same files as --jobs 1', async () => {
  // From dist/, as the command runs: the workers are plain JavaScript modules there.
  const dist = path.resolve('dist');
  const { buildFiles } = (await import(path.join(dist, 'output', 'build.js'))) as typeof import('../src/output/build.js');
  const { OUT_OF_MEMORY } = (await import(path.join(dist, 'output', 'form-pool.js'))) as typeof import('../src/output/form-pool.js');
  const packet = loadSeed();
  const base = packet.projects;
  packet.projects = Array.from({ length: 24 }, (_, i) => ({ ...structuredClone(base[i % base.length]!), name: `${base[i % base.length]!.name}（第${i + 1}项）` }));
  let annualGoal = '';
  for (let i = 1; annualGoal.length < 100_000; i++) annualGoal += `第${i}项：推进基层社会治理体系建设，提升居民群众的获得感。`;
  // Form 9 (index 8): one the worker is given (the build's thread makes every second form).
  packet.projects[8]!.annualGoal = annualGoal;
  await writeFile(path.join(dir, 'big.json'), JSON.stringify(packet));
  // --jobs 2 for 24 forms: one worker, with the heap given, and the build's own thread.
  const build = (out: string, jobs: number, workerHeap?: { oldGenerationMb: number; youngGenerationMb: number }) =>
    buildFiles([path.join(dir, 'big.json')], {
      outDir: path.join(dir, out),
      formats: ['pdf'],
      creationDate: new Date('2023-01-01T00:00:00Z'),
      jobs,
      pool: { formsPerWorker: 10, workerHeap },
    });
  const [one] = await build('big1', 1);
  // 32 MB: enough for a worker to start and make the ordinary forms, not the one with a 100,000-character goal.
  const before = OUT_OF_MEMORY.workers;
  const [two] = await build('big2', 2, { oldGenerationMb: 32, youngGenerationMb: 2 });
  expect(OUT_OF_MEMORY.workers - before).toBeGreaterThanOrEqual(1);
  // 4 MB: no worker even starts; every form is made on the build's thread.
  const [none] = await build('big3', 2, { oldGenerationMb: 4, youngGenerationMb: 1 });
  expect(OUT_OF_MEMORY.workers - before).toBeGreaterThanOrEqual(2);
  expect([one!.ok, two!.ok, none!.ok]).toEqual([true, true, true]);
  expect(two!.diagnostics).toEqual(one!.diagnostics);
  expect(await treeHashes(path.join(dir, 'big2'))).toEqual(await treeHashes(path.join(dir, 'big1')));
  expect(await treeHashes(path.join(dir, 'big3'))).toEqual(await treeHashes(path.join(dir, 'big1')));
}, 120_000);
