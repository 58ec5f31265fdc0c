// `npm test`: dist/ and the page's bundle made first (the command-line tests run dist/cli.js), then
// the tests, with the type check of the tests and of the page's code beside them. The type checks
// take about 20 s of CPU on one core (tests 17 s, page 4 s; a clean clone, 2026-12-07): run before
// the tests, they left the other core idle for that long. Arguments go to vitest
// (`npm test -- test/x.test.ts`). Fails when the tests or a type check fail.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
const vitest = path.join(path.dirname(require.resolve('vitest/package.json')), 'vitest.mjs');

/** Run a Node script in the project's folder, its output shown as it comes; resolves to its exit code. */
function run(script, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: root, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** Each run in turn; the first that fails ends the lane with its exit code. */
async function inTurn(...runs) {
  for (const [script, args] of runs) {
    const code = await run(script, args);
    if (code !== 0) return code;
  }
  return 0;
}

const [dist, page] = await Promise.all([run(tsc, ['-b', 'tsconfig.build.json']), run('scripts/build-web.mjs', [])]);
if (dist !== 0 || page !== 0) process.exit(dist || page);

// tsconfig.json refers to tsconfig.build.json, which is up to date now: `tsc -b` checks only the tests.
const [tests, types] = await Promise.all([
  run(vitest, ['run', ...process.argv.slice(2)]),
  inTurn([tsc, ['-b']], [tsc, ['-p', 'src/serve/web']]),
]);
if (types !== 0) console.error('类型检查没有通过（见上面 tsc 的输出）');
process.exit(tests || types);
