// The seed packet's outputs are reproducible: built three times with the same date (the command in
// two fresh processes, in two time zones, and the library call in this process) it gives the same
// bytes in every file, manifest.json included. The second process is the run's seed build
// (test/support/seed-build.ts: --date 2023-01-01T08:00:00 in America/New_York, as this file's own
// second build was), made once for every file that reads it: built again here it cost about 4 s
// of CPU. What the PDFs draw is pinned by structure in test/pages-golden.test.ts (positioned
// pages) and test/grid-golden.test.ts (grids), not by hashes.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildFiles } from '../src/output/build.js';
import { CLI } from './support/cli.js';
import { SEED_FILE } from './support/seed.js';
import { SEED_BUILD_ZONE } from './support/seed-build.js';
import { seedBuild } from './support/seed-built.js';

let out: string;
beforeAll(async () => {
  out = await mkdtemp(path.join(tmpdir(), 'shenbao-seed-'));
});
afterAll(() => rm(out, { recursive: true, force: true }));

it('three builds of the seed, two of them in other time zones, write the same bytes (--date 2023-01-01)', async () => {
  const builds: string[] = [];
  const dir = path.join(out, 'Asia-Shanghai');
  // A time without an offset is Beijing time, on any machine (the seed build's too).
  await promisify(execFile)(process.execPath, [CLI, 'build', SEED_FILE, '-o', dir, '--date', '2023-01-01T08:00:00', '--quiet'], { env: { ...process.env, TZ: 'Asia/Shanghai' } });
  builds.push(path.join(dir, 'minhang-2023'));
  expect(SEED_BUILD_ZONE).not.toBe('Asia/Shanghai');
  builds.push(await seedBuild());
  const [report] = await buildFiles([SEED_FILE], { outDir: path.join(out, 'library'), creationDate: new Date('2023-01-01T00:00:00Z') });
  expect(report!.written).toHaveLength(22);
  builds.push(report!.packetDir!);

  const names = (await readdir(builds[0]!)).sort();
  expect(names.filter((n) => n.endsWith('.pdf'))).toHaveLength(11);
  expect(names.filter((n) => n.endsWith('.docx'))).toHaveLength(11);
  expect(names).toContain('manifest.json');
  for (const build of builds.slice(1)) {
    expect((await readdir(build)).sort()).toEqual(names);
    for (const name of names) expect((await readFile(path.join(build, name))).equals(await readFile(path.join(builds[0]!, name))), `${build}: ${name}`).toBe(true);
  }

  // manifest.json records where the data file is, absolutely and from the packet folder: the same
  // in all three builds because their folders lie at the same depth.
  const manifest = JSON.parse(await readFile(path.join(builds[0]!, 'manifest.json'), 'utf8'));
  expect(manifest.source.path).toBe(await realpath(SEED_FILE));
  expect(path.resolve(await realpath(builds[0]!), manifest.source.relative)).toBe(manifest.source.path);
}, 120_000);
