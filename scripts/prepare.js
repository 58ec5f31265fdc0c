// npm's `prepare` step, run by every install from the repository and by `npm pack`: compile src/
// into a fresh dist/ (a file left from an earlier build, such as an old source map, is not packed),
// and bundle the page of `shenbao serve` (scripts/build-web.mjs).
// TypeScript is a dev dependency, so after `npm install --omit=dev` there is no compiler: say what
// to do and let the install succeed, instead of failing it. (A packed .tgz ships dist/ already;
// npm does not run `prepare` when installing one.)
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc');
} catch {
  tsc = undefined;
}

if (tsc === undefined) {
  const built = existsSync(new URL('../dist/cli.js', import.meta.url));
  console.warn(
    built
      ? 'shenbao：没有安装 TypeScript（开发依赖），dist/ 没有重新编译，仍是上次编译的结果。改过 src/ 后请运行完整的 npm install（不加 --omit=dev）再编译。'
      : 'shenbao：没有安装 TypeScript（开发依赖），没有编译 dist/，命令还不能用。请运行完整的 npm install（不加 --omit=dev）；只想使用、不改源码的，请安装打好的包（npm pack 生成的 .tgz，其中已有编译好的 dist/）。',
  );
  process.exit(0);
}

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
// The page of `shenbao serve`, bundled by esbuild (a dev dependency, as TypeScript is).
const web = spawnSync(process.execPath, ['scripts/build-web.mjs'], { cwd: root, stdio: 'inherit' });
process.exit(web.status ?? 1);
