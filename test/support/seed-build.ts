// vitest globalSetup: the seed packet built once per run by the compiled command, as a user builds
// it (`shenbao build data/minhang-2023.json -o <dir> --date 2023-01-01T08:00:00 --quiet`: Beijing time,
// 2023-01-01 00:00 UTC; PDF and Word), for
// every file that needs that build, through seedBuild() (test/support/seed-built.ts): a file only reads
// it there, or copies it first to change it. Built again in each file, it cost 3–5 s of CPU a file.
// The build runs while the first files' tests do (those before it need none): setup returns at
// once, and the build writes `done.json` beside its folder when it ends, with its error if any.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { CLI } from './cli.js';
import { SEED_FILE } from './seed.js';
import { writeOutcome } from './outcome.js';

/** The time zone the seed is built in. */
export const SEED_BUILD_ZONE = 'America/New_York';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The folder of the seed's build (minhang-2023/: 10 forms and the 汇总表, PDF and Word, manifest.json), once `seedBuildDone` is there. */
    seedBuild: string;
    /** `{ "error": … }` or `{}`, written when the seed's build has ended. */
    seedBuildDone: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(path.join(tmpdir(), 'shenbao-seed-build-'));
  const done = path.join(dir, 'done.json');
  // A time without an offset, in a time zone far from Beijing's whatever the machine's:
  // test/seed-outputs.test.ts compares this build with one made in Beijing's time zone (the same
  // bytes: the time is Beijing time on every machine).
  const build = promisify(execFile)(process.execPath, [CLI, 'build', SEED_FILE, '-o', path.join(dir, 'out'), '--date', '2023-01-01T08:00:00', '--quiet'], {
    env: { ...process.env, FORCE_COLOR: '0', TZ: SEED_BUILD_ZONE },
  }).then(
    () => writeOutcome(done, {}),
    (error: Error & { stderr?: string }) => writeOutcome(done, { error: `${error.message}\n${error.stderr ?? ''}` }),
  );
  project.provide('seedBuild', path.join(dir, 'out', 'minhang-2023'));
  project.provide('seedBuildDone', done);
  return async () => {
    await build;
    await rm(dir, { recursive: true, force: true });
  };
}
