// `npm pack` once per run, for the files that read the package: install.test.ts lists what it ships,
// package.test.ts installs it. Each file packed it before, at about 6.5 s of CPU a pack here (30 MB,
// 2,300 files, docx and exceljs bundled; 2026-12-07). The first file to ask packs it, in whatever
// process it runs; any other waits for the result, in the folder the run's global setup made
// (test/support/pack-dir.ts). --ignore-scripts: `prepare` would compile dist/ again under the other
// test files (`npm test` has compiled it).
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import { ROOT } from './cli.js';
import { awaitOutcome, writeOutcome } from './outcome.js';

export interface Packed {
  /** The tarball. */
  file: string;
  /** As `npm pack --json` lists them. */
  files: Array<{ path: string }>;
  bundled: string[];
}

let mine: Promise<Packed> | undefined;

/** The package as `npm pack` makes it, packed once for the run. */
export function packed(): Promise<Packed> {
  return (mine ??= (async () => {
    const dir = inject('packDir');
    const done = path.join(dir, 'done.json');
    const first = await mkdir(path.join(dir, 'started')).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'EEXIST') return false;
        throw error;
      },
    );
    if (first) {
      const outcome = await promisify(execFile)('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }).then(
        ({ stdout }) => {
          const [{ filename, files, bundled }] = JSON.parse(stdout) as [{ filename: string; files: Packed['files']; bundled: string[] }];
          return { file: path.join(dir, filename), files, bundled };
        },
        (error: Error & { stderr?: string }) => ({ error: `${error.message}\n${error.stderr ?? ''}` }),
      );
      // Whole or not at all, for the files that read it meanwhile.
      await writeOutcome(done, outcome);
    }
    return awaitOutcome<Packed>(done, 'npm pack (test/support/packed.ts)');
  })());
}
