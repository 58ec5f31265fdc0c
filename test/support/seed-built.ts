// The seed's build made once for the run (test/support/seed-build.ts), for the files that read it.
import { inject } from 'vitest';
import { awaitOutcome } from './outcome.js';

/** The folder of that build (minhang-2023/), once the build has ended: read it, or copy it first to change it. */
export async function seedBuild(): Promise<string> {
  await awaitOutcome(inject('seedBuildDone'), "the seed's build (test/support/seed-build.ts)");
  return inject('seedBuild');
}
