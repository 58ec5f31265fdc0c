// The seed's build made once for the run (test/support/seed-build.ts), for the files that read it.
import { readFile } from 'node:fs/promises';
import { inject } from 'vitest';

/** The folder of that build (minhang-2023/), once the build has ended: read it, or copy it first to change it. */
export async function seedBuild(): Promise<string> {
  for (;;) {
    const outcome = await readFile(inject('seedBuildDone'), 'utf8').catch(() => undefined);
    if (outcome !== undefined) {
      const { error } = JSON.parse(outcome) as { error?: string };
      if (error) throw new Error(`the seed's build (test/support/seed-build.ts) failed: ${error}`);
      return inject('seedBuild');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
