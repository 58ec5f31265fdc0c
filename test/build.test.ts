// The build as a library call: interrupted builds leave nothing behind; same input and date give
// the same bytes.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildPacketFile, createBuildContext } from '../src/output/build.js';
import { SEED_FILE } from './support/seed.js';

let out: string;
beforeEach(async () => {
  out = await mkdtemp(path.join(tmpdir(), 'shenbao-build-'));
});
afterEach(() => rm(out, { recursive: true, force: true }));

describe('buildPacketFile', () => {
  it('stops when aborted (Ctrl-C) and leaves the output folder as it was', async () => {
    const interrupt = new AbortController();
    const build = buildPacketFile(SEED_FILE, {
      outDir: out,
      signal: interrupt.signal,
      onProgress: (event) => {
        if (event.kind === 'written' && event.done === 3) interrupt.abort();
      },
    });
    await expect(build).rejects.toMatchObject({ name: 'AbortError' });
    expect(await readdir(out)).toEqual([]);
  });

  it('clears staging folders left by a build that was killed outright', async () => {
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
    const host = hostname().replace(/[^A-Za-z0-9]/g, '');
    const abandoned = path.join(out, 'minhang-2023', `.shenbao-staging-${host}-${deadPid}-1`);
    await mkdir(path.join(abandoned, 'x'), { recursive: true });
    await buildPacketFile(SEED_FILE, { outDir: out, only: ['培训费'] });
    expect((await readdir(path.join(out, 'minhang-2023'))).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('writes byte-identical PDFs and Word files for the same data and creation date', async () => {
    const context = await createBuildContext();
    const creationDate = new Date('2023-01-01T00:00:00Z');
    const first = await buildPacketFile(SEED_FILE, { outDir: path.join(out, 'a'), creationDate }, context);
    const second = await buildPacketFile(SEED_FILE, { outDir: path.join(out, 'b'), creationDate }, context);
    expect(first.written).toHaveLength(22);
    expect(first.written.filter((f) => f.endsWith('.pdf'))).toHaveLength(11);
    expect(first.written.filter((f) => f.endsWith('.docx'))).toHaveLength(11);
    expect(second.written.map((f) => path.basename(f))).toEqual(first.written.map((f) => path.basename(f)));
    for (const [i, file] of first.written.entries()) {
      expect((await readFile(file)).equals(await readFile(second.written[i]!)), file).toBe(true);
    }
  });
});
