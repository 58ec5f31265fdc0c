// The real command, as a user runs it: node dist/cli.js (compiled by `npm test` before vitest
// runs, so the worker thread and the signal handling are the shipped ones); and the same command
// line run in the test's process (shenbaoHere), for every test that is not about the process.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { promisify } from 'node:util';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = path.join(ROOT, 'dist', 'cli.js');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  uid?: number;
  gid?: number;
  /** An address-space limit in bytes (prlimit --as), so that a memory regression fails the test, not the machine. */
  memory?: number;
}

export async function shenbao(args: string[], cwd: string, { memory, ...options }: RunOptions = {}): Promise<Run> {
  const [command, argv] = memory === undefined ? [process.execPath, [CLI, ...args]] : ['prlimit', [`--as=${memory}`, '--', process.execPath, CLI, ...args]];
  try {
    const { stdout, stderr } = await promisify(execFile)(command, argv, {
      cwd,
      env: { ...process.env, FORCE_COLOR: '0' },
      maxBuffer: 64 * 1024 * 1024,
      ...options,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The in-process run under way, which the next waits for. */
let turn = Promise.resolve();

/**
 * The same command line run in this process, through runCli (command-line.ts), which the CLI
 * itself calls: what it prints and its exit code are the real command's, without a process start
 * and the fonts parsed again for each. For everything but what only a process has (exit by a
 * signal, locks between processes, the build's thread, a memory limit, another user).
 * `cwd` is the process's, so runs take turns, each in its folder (vitest's forks pool).
 */
export async function shenbaoHere(args: string[], cwd: string): Promise<Run> {
  const { runCli } = await import('../../src/command-line.js');
  const previous = turn;
  let done!: () => void;
  turn = new Promise((resolve) => (done = resolve));
  await previous;
  const home = process.cwd();
  let stdout = '';
  let stderr = '';
  try {
    process.chdir(cwd);
    const code = await runCli(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), isolate: false });
    return { code, stdout, stderr };
  } finally {
    process.chdir(home);
    done();
  }
}
