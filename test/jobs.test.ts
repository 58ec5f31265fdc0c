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
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shenbao-jobs-'));
  // 25 projects (enough for two workers), two of them in error.
  const packet = loadSeed();
  const base = packet.projects;
  packet.projects = Array.from({ length: 25 }, (_, i) => ({ ...structuredClone(base[i % base.length]!), name: `${base[i % base.length]!.name}（第${i + 1}项）` }));
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
  expect(one.stderr).toContain('写出 46 个文件');
  expect(await treeHashes(path.join(dir, 'out2'))).toEqual(await treeHashes(path.join(dir, 'out1')));
}, 60_000);

it('refuses a --jobs that is not a whole number of threads', async () => {
  const run = await shenbao(['build', 'unit.json', '--jobs', '0'], dir);
  expect([run.code, run.stderr]).toEqual([2, '--jobs 应是 1 到 256 之间的整数（线程数），现在是「0」\n']);
});
