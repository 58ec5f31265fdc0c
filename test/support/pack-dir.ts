// vitest globalSetup: the folder where the run's one `npm pack` goes (test/support/packed.ts), made
// empty here and removed at the end. Nothing is packed unless a test file asks for it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The folder of the run's `npm pack`: `started/` once a file packs, `done.json` when it has. */
    packDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(path.join(tmpdir(), 'shenbao-pack-'));
  project.provide('packDir', dir);
  return () => rm(dir, { recursive: true, force: true });
}
