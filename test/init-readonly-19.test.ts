// Issue 19 (hostile tests, item 7): `init` into a folder it may not write says so in one line and
// advises another folder as init takes one (its argument): init has no -o. A real EACCES: as root
// the compiled command runs as nobody (uid 65534), who must be able to read the checkout; else
// the test is skipped with the reason printed.
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, shenbao } from './support/cli.js';

const isRoot = process.getuid?.() === 0;
const NOBODY = { uid: 65534, gid: 65534 };

/** Why nobody cannot run the compiled command from the checkout, or undefined. */
function nobodyCannotRun(): string | undefined {
  if (!isRoot) return undefined;
  try {
    execFileSync(process.execPath, ['-e', 'require("node:fs").accessSync(process.argv[1], require("node:fs").constants.R_OK)', CLI], { cwd: tmpdir(), ...NOBODY, stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return String((error as { stderr?: Buffer }).stderr ?? error).trim().split('\n').find((line) => line.startsWith('Error')) ?? 'cannot read dist/cli.js';
  }
}
const skip = nobodyCannotRun();
if (skip) console.log(`跳过 init 写不进文件夹的测试：用户 65534 读不到 ${CLI}（${skip}）`);

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'shenbao-init-19-'));
  await chmod(work, 0o755);
});
afterAll(async () => {
  await chmod(path.join(work, 'locked'), 0o755).catch(() => undefined);
  await rm(work, { recursive: true, force: true });
});

describe.skipIf(skip !== undefined)('init into a folder it may not write', () => {
  it('one line, exit 3, advising another folder for init (no -o, which init does not have); nothing written', async () => {
    const locked = path.join(work, 'locked');
    await mkdir(locked);
    await chmod(locked, 0o555);
    const run = await shenbao(['init', 'locked'], work, isRoot ? NOBODY : {});
    expect(run).toEqual({
      code: 3,
      stdout: '',
      stderr: '没有权限写入 locked：请检查这个文件夹的权限，或换一个文件夹：shenbao init 另一个文件夹名\n',
    });
    expect(await readdir(locked)).toEqual([]);
    // A folder to be made inside it: the same, for the folder init would create.
    const inner = await shenbao(['init', path.join('locked', '新的')], work, isRoot ? NOBODY : {});
    expect(inner).toEqual({
      code: 3,
      stdout: '',
      stderr: `没有权限创建文件夹 ${path.join('locked', '新的', '.vscode')}：请检查这个文件夹的权限，或换一个文件夹：shenbao init 另一个文件夹名\n`,
    });
  });
});
