// vitest globalSetup: the seed packet built once per run by the compiled command, as a user builds
// it (`shenbao build data/minhang-2023.json -o <dir> --date 2023-01-01 --quiet`, PDF and Word), for
// every file that needs that build, as inject('seedBuild'): a file only reads it there, or copies it
// first to change it. Built again in each file, it cost 3–5 s of CPU a file.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { CLI } from './cli.js';
import { SEED_FILE } from './seed.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The folder of the seed's build (minhang-2023/: 10 forms and the 汇总表, PDF and Word, manifest.json). */
    seedBuild: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(path.join(tmpdir(), 'shenbao-seed-build-'));
  await promisify(execFile)(process.execPath, [CLI, 'build', SEED_FILE, '-o', dir, '--date', '2023-01-01', '--quiet'], {
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  project.provide('seedBuild', path.join(dir, 'minhang-2023'));
  return () => rm(dir, { recursive: true, force: true });
}
