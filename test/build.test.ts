// The build as a library call: interrupted builds leave nothing behind; same input and date give
// the same bytes.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildPacket, buildPacketFile, createBuildContext, planBuild } from '../src/output/build.js';
import { loadSeed, SEED_FILE } from './support/seed.js';

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

  // Every value's place in the data file is some 58 MB at 10,000 projects: held through a whole
  // build, it was a fifth of its peak. The glyph check at the start is the build's last use of it.
  it('places a glyph the font lacks at its line and column, then lets the data file’s places go', async () => {
    const packet = loadSeed();
    packet.projects[1]!.name += '\u{1F600}';
    const file = path.join(out, 'glyph.json');
    await writeFile(file, `${JSON.stringify(packet, null, 2)}\n`);
    const [plan] = await planBuild([file], { outDir: out, formats: ['docx'] });
    const place = plan!.locate(['projects', 1, 'name']);
    expect(place).toMatchObject({ line: expect.any(Number), column: expect.any(Number) });
    const report = await buildPacket(plan!, { outDir: out, formats: ['docx'], creationDate: new Date('2023-01-01T00:00:00Z') }, await createBuildContext());
    const glyph = report.diagnostics.find((d) => d.code === 'glyph-missing');
    expect(glyph).toMatchObject({ path: ['projects', 1, 'name'], ...place });
    expect(report.written).toHaveLength(9); // the seed's other 9 forms; no 汇总表
    expect(plan!.locate(['projects', 1, 'name'])).toBeUndefined();
  });
});
