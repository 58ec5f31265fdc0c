// The seed packet's outputs, byte for byte: SHA-256 of every file a build with a fixed date writes,
// compared with test/fixtures/seed-outputs/sha256.json. A change that should not show in the
// output (speed-ups, refactoring) must leave them all as they are; one that should is reviewed
// and the file refreshed with `UPDATE_GOLDEN=1 npx vitest run test/seed-outputs.test.ts`.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { buildFiles } from '../src/index.js';
import { expectGolden } from './support/golden.js';
import { SEED_FILE } from './support/seed.js';

it('the seed packet builds to the same bytes as before (--date 2023-01-01)', async () => {
  const outDir = await mkdtemp(path.join(tmpdir(), 'shenbao-seed-'));
  try {
    const [report] = await buildFiles([SEED_FILE], { outDir, creationDate: new Date('2023-01-01T00:00:00Z') });
    expect(report!.written).toHaveLength(22);
    const hashes: Record<string, string> = {};
    for (const file of report!.written) hashes[path.basename(file)] = createHash('sha256').update(await readFile(file)).digest('hex');
    // manifest.json records where the data file is (absolute, and from the packet folder), which
    // differs with the checkout and the temporary folder: checked here, then hashed without them.
    const manifestFile = path.join(report!.packetDir!, 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8'));
    const packetDir = await realpath(report!.packetDir!);
    expect(manifest.source.path).toBe(await realpath(SEED_FILE));
    expect(path.resolve(packetDir, manifest.source.relative)).toBe(manifest.source.path);
    const located = (await readFile(manifestFile, 'utf8'))
      .replace(JSON.stringify(manifest.source.path), '"<data file>"')
      .replace(JSON.stringify(manifest.source.relative), '"<from the packet folder>"');
    hashes['manifest.json'] = createHash('sha256').update(located).digest('hex');
    expectGolden('seed-outputs', hashes, 'sha256.json');
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}, 60_000);
