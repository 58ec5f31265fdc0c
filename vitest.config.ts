import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// Test files share their worker's process (isolate: false), so that src, pdfkit, docx and the fonts
// are loaded once per worker rather than once per file: eight files took 64 s of CPU each in its
// own process and 48 s sharing one (2026-12-07). A file that changes what later files in the same
// process would see (a module mock, a spy on a shared prototype, fake timers, modules loaded
// again) runs in a process of its own; it is found by what it calls, so a new one is too.
const TEST_DIR = fileURLToPath(new URL('./test/', import.meta.url));
const CHANGES_ITS_PROCESS = /\bvi\.(mock|doMock|unmock|spyOn|stubEnv|stubGlobal|useFakeTimers|resetModules)\b/g;
// Files that put back what they change, and so share a process all the same (a process of its own
// costs a file its modules loaded and its code compiled again, a few seconds of CPU): a fake clock
// ended after each test (vi.useRealTimers in an afterEach), a spy restored in afterAll. Only the
// calls named here: any other call of the list above still gives the file a process of its own.
// (pdfkit-adapter.test.ts restores its spy too, but counts the fonts its process parsed.)
const PUTS_BACK: Record<string, RegExp> = {
  'conventions.test.ts': /^vi\.useFakeTimers$/,
  'workbook-bad-inputs.test.ts': /^vi\.spyOn$/,
};
const changesItsProcess = (name: string) =>
  [...readFileSync(TEST_DIR + name, 'utf8').matchAll(CHANGES_ITS_PROCESS)].some(([call]) => !PUTS_BACK[name]?.test(call));
const ownProcess = readdirSync(TEST_DIR)
  .filter((name) => name.endsWith('.test.ts') && changesItsProcess(name))
  .map((name) => `test/${name}`);

// Vitest starts the files that took longest last time first (its cache, node_modules/.vite), so
// that no long file starts last while the other core has nothing left to do. A fresh clone (CI) has
// no such cache and vitest orders by file size, which put short files of long runs (interrupt,
// kill-points-17, jobs) at the end. Then these go first, longest first (two whole runs, 2026-12-07).
const LONGEST_FIRST = [
  'serve-browser.test.ts',
  'locks-signals-17.test.ts',
  'hostile-17.test.ts',
  'bad-inputs.test.ts',
  'input-bounds-17.test.ts',
  'jobs.test.ts',
  'kill-points-17.test.ts',
  'interrupt.test.ts',
  'docx-bounds-17.test.ts',
  'edits.property.test.ts',
  'pdf-text.test.ts',
  'docx.test.ts',
  'build.property.test.ts',
  'docx-read.test.ts',
  'pdf-printed-17.test.ts',
];
class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const timed = (file: TestSpecification) => this.ctx.cache.getFileTestResults(`${file.project.name}:${path.relative(this.ctx.config.root, file.moduleId)}`);
    if (sorted.some(timed)) return sorted;
    const rank = (file: TestSpecification) => {
      const at = LONGEST_FIRST.indexOf(path.basename(file.moduleId));
      return at < 0 ? LONGEST_FIRST.length : at;
    };
    // Within each project (vitest runs them in this order), the files named above first.
    return sorted
      .map((file, at) => ({ file, at }))
      .sort((a, b) => (a.file.project.name === b.file.project.name ? rank(a.file) - rank(b.file) || a.at - b.at : a.at - b.at))
      .map(({ file }) => file);
  }
}

export default defineConfig({
  test: {
    // Each project names its files (a project's include would be added to one given here).
    // Separate processes, not threads: shenbaoHere (test/support/cli.ts) runs a command line in the
    // test's process in its own folder (process.chdir, which a worker thread may not call).
    pool: 'forks',
    sequence: { sequencer: LongestFirst },
    projects: [
      // (An empty include would mean vitest's default, every test file.)
      ...(ownProcess.length > 0 ? [{ extends: true, test: { name: 'own-process', include: ownProcess, isolate: true } }] : []),
      {
        extends: true,
        test: {
          name: 'shared',
          include: ['test/**/*.test.ts'],
          exclude: ownProcess,
          isolate: false,
          // The seed built once for the files that read it (test/support/seed-build.ts), and the
          // folder of the one `npm pack` (test/support/pack-dir.ts); those files are in this
          // project, and a project runs its global setup only when it has files to run.
          globalSetup: ['test/support/seed-build.ts', 'test/support/pack-dir.ts'],
        },
      },
    ],
    // Test files and src/ as transformed for vitest are kept on disk between runs (in node_modules;
    // keyed by each file's content, and this project has no Vite plugins whose options it could
    // miss): a run transformed them in about 10 s of CPU, a run after it in about 1 (2026-12-07).
    // A fresh clone transforms them once.
    experimental: { fsModuleCache: true },
    // Byte arrays compared by toEqual as bytes (test/support/same-bytes.ts says why).
    setupFiles: ['test/support/same-bytes.ts'],
    // Rendering embeds a 15 MB font; a cold first PDF takes a few seconds on a 2-core machine.
    testTimeout: 60_000,
    // Vitest runs one file at a time on a 2-core machine (cores − 1); two at once use both cores
    // (the whole suite took 323 s with one and 247 s with two here, 2026-12-06, 841 tests).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // The test processes' V8: garbage collected by the thread that makes the garbage, without V8's
    // helper threads (two workers, the command-line processes they start and Chromium already keep
    // both cores busy, and the helpers only competed with them); a larger young generation (fewer
    // scavenges of the fonts' and PDFs' short-lived buffers); optimised later, as src/cli.ts does
    // for a real command (a test runs much of its code a few times only). Six files whose work is
    // done in the test process, alternated three rounds each way: 98–106 s of CPU by default,
    // 92–96 s with these. Over the whole suite the gain is within its noise (±5%) (2026-12-07).
    execArgv: ['--single-threaded-gc', '--max-semi-space-size=64', '--interrupt-budget=540672'],
    hookTimeout: 120_000,
    // On CI, also keep the counts as JSON so .ci/run can print a plain "N passed, N failed" line.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: 'out/test-results.json' },
  },
});
