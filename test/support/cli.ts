// The real command, as a user runs it: node dist/cli.js (compiled by `npm test` before vitest
// runs, so the worker thread and the signal handling are the shipped ones).
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
