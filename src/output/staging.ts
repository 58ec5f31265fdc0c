// Nothing half-written in out/: a build writes into a hidden staging folder beside its target and
// moves the result into place only when everything is done. Renames within one folder are
// atomic, so out/<packet>/ holds either the previous result or the new one, never a mix.
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';

export interface Staging {
  /** Where to write the files of this build. */
  dir: string;
  /** Put what was written in place of the target. */
  commit(): Promise<void>;
  /** Throw away what was written (does nothing after commit). */
  discard(): Promise<void>;
}

/**
 * Stage a new version of `target`. By default the whole folder is replaced, so files of an
 * earlier build that this one did not write (a project now in error) disappear; with
 * `keepExisting`, only the files written are replaced and the others stay (`--only`).
 */
export async function stageDirectory(target: string, keepExisting: boolean): Promise<Staging> {
  const parent = path.dirname(target);
  const name = path.basename(target);
  const stamp = `${process.pid}-${Date.now()}`;
  const dir = path.join(parent, `.${name}.partial-${stamp}`);
  await mkdir(dir, { recursive: true });
  await sweepAbandoned(parent, name);
  let committed = false;

  const replaceFolder = async () => {
    const old = path.join(parent, `.${name}.old-${stamp}`);
    const hadOld = await rename(target, old).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return false;
        throw error;
      },
    );
    try {
      await rename(dir, target);
    } catch (error) {
      if (hadOld) await rename(old, target);
      throw error;
    }
    if (hadOld) await rm(old, { recursive: true, force: true });
  };

  const replaceFiles = async () => {
    await mkdir(target, { recursive: true });
    for (const file of await readdir(dir)) await rename(path.join(dir, file), path.join(target, file));
    await rm(dir, { recursive: true, force: true });
  };

  return {
    dir,
    async commit() {
      await (keepExisting ? replaceFiles() : replaceFolder());
      committed = true;
    },
    async discard() {
      if (!committed) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Staging folders left by a build that was killed outright (no chance to clean up). */
async function sweepAbandoned(parent: string, name: string): Promise<void> {
  const pattern = new RegExp(`^\\.${escapeRegExp(name)}\\.(?:partial|old)-(\\d+)-\\d+$`);
  for (const entry of await readdir(parent)) {
    const pid = pattern.exec(entry)?.[1];
    if (pid && !isRunning(Number(pid))) await rm(path.join(parent, entry), { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
