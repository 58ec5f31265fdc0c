// --jobs: forms made on worker threads are the same files, in the same order, with the same
// messages, as forms made on one (the real command, dist/cli.js, on a packet with bad projects).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLI, shenbaoHere, type Run } from './support/cli.js';
import { loadSeed } from './support/seed.js';
import { treeHashes } from './support/tree.js';

/**
 * The forms a worker must have before the command starts one, in the processes below: the shipped
 * 150 (FORMS_PER_WORKER, dist/output/build.js) lowered to this by a module hook, so that two
 * workers' worth is 22 forms, not 302 (two builds of 302 forms took 15 s of CPU, twice that on a
 * busy machine). The hook fails the command if the line it lowers is not there.
 */
const FORMS_PER_WORKER = 10;
const LOWER = `import { register } from 'node:module';
import { appendFileSync } from 'node:fs';
import { threadId } from 'node:worker_threads';
// Every thread of the command runs this first (a worker inherits the process's --import): its id, to count them.
appendFileSync(process.env.SHENBAO_TEST_THREADS, threadId + '\\n');
register('data:text/javascript,' + encodeURIComponent(\`
export async function load(url, context, next) {
  const result = await next(url, context);
  if (!url.endsWith('/dist/output/build.js')) return result;
  const source = String(result.source);
  const line = 'export const FORMS_PER_WORKER = 150;';
  if (!source.includes(line)) throw new Error('jobs.test.ts: no "' + line + '" in ' + url + ' to lower');
  return { ...result, source: source.replace(line, 'export const FORMS_PER_WORKER = ${FORMS_PER_WORKER};') };
}\`));
`;

let dir: string;
let count: number;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shenbao-jobs-'));
  await writeFile(path.join(dir, 'lower.mjs'), LOWER);
  // Enough projects for two workers (what the command, lowered as above, takes for that), two of them in error.
  count = 2 * FORMS_PER_WORKER + 2; // the two in error are not made
  const packet = loadSeed();
  const base = packet.projects;
  packet.projects = Array.from({ length: count }, (_, i) => ({ ...structuredClone(base[i % base.length]!), name: `${base[i % base.length]!.name}（第${i + 1}项）` }));
  packet.projects[3]!.funds.annual.total = '1.00';
  packet.projects[17]!.startDate = '2023-02-30';
  await writeFile(path.join(dir, 'unit.json'), JSON.stringify(packet, null, 2));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The command with the hook above: its outcome, and how many threads it ran (the process's, the build's, the workers). */
async function lowered(jobs: number): Promise<Run & { threads: number }> {
  const threads = path.join(dir, `threads${jobs}`);
  const args = ['--import', path.join(dir, 'lower.mjs'), CLI, 'build', 'unit.json', '-o', `out${jobs}`, '--jobs', String(jobs), '--date', '2023-01-01'];
  const run = await promisify(execFile)(process.execPath, args, { cwd: dir, env: { ...process.env, FORCE_COLOR: '0', SHENBAO_TEST_THREADS: threads } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: Run) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
  return { ...run, threads: (await readFile(threads, 'utf8')).trim().split('\n').length };
}

it('--jobs 1 and --jobs 2 write identical files and say identical things', async () => {
  const [one, two] = [await lowered(1), await lowered(2)];
  expect(one.code, one.stderr).toBe(1);
  expect(two.code).toBe(one.code);
  expect(two.stderr.replaceAll('out2', 'out1')).toBe(one.stderr);
  expect(one.stderr).toContain(`写出 ${(count - 2) * 2} 个文件`);
  // --jobs 2 made forms on a worker too: one thread more than --jobs 1.
  expect(two.threads).toBe(one.threads + 1);
  expect(await treeHashes(path.join(dir, 'out2'))).toEqual(await treeHashes(path.join(dir, 'out1')));
}, 120_000); // two builds of 22 forms as PDF and Word: a few seconds

it('refuses a --jobs that is not a whole number of threads', async () => {
  const run = await shenbaoHere(['build', 'unit.json', '--jobs', '0'], dir);
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
