// Nothing half-written in out/: a build writes into a hidden staging folder next to its target
// and swaps it in only when done; a single file is written to a temporary name and renamed.
// Renames within one folder are atomic, so out/ shows either the old result or the new one.
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface Staging {
  /** Where to write the files of this build. */
  dir: string;
  /** Replace the target folder with what was written. */
  commit(): Promise<void>;
  /** Throw away what was written (safe to call after commit). */
  discard(): Promise<void>;
}

/** Stage a whole new version of `target`; with `keepExisting`, files already there stay unless rewritten. */
export async function stageDirectory(target: string, keepExisting: boolean): Promise<Staging> {
  const parent = path.dirname(target);
  const stamp = `${process.pid}-${Date.now()}`;
  const dir = path.join(parent, `.${path.basename(target)}.partial-${stamp}`);
  await mkdir(dir, { recursive: true });
  let done = false;

  if (keepExisting) {
    // Only some files are rebuilt: move each one into place atomically, keep the rest.
    return {
      dir,
      async commit() {
        await mkdir(target, { recursive: true });
        for (const file of await readdir(dir)) await rename(path.join(dir, file), path.join(target, file));
        await rm(dir, { recursive: true, force: true });
        done = true;
      },
      async discard() {
        if (!done) await rm(dir, { recursive: true, force: true });
      },
    };
  }
  return {
    dir,
    async commit() {
      const old = path.join(parent, `.${path.basename(target)}.old-${stamp}`);
      await rename(target, old).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
      await rename(dir, target);
      await rm(old, { recursive: true, force: true });
      done = true;
    },
    async discard() {
      if (!done) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Write one file so that it is either absent, the old version, or complete. */
export async function writeFileAtomic(file: string, data: Uint8Array | string): Promise<void> {
  const temporary = `${file}.partial-${process.pid}`;
  try {
    await writeFile(temporary, data);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
