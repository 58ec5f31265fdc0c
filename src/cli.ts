#!/usr/bin/env node
// The process: hand the arguments to runCli (command-line.ts), turn SIGINT/SIGTERM into an abort
// while a build runs, set the exit code. A second Ctrl-C kills at once (the handlers are one-shot).
import { runCli } from './command-line.js';

// `shenbao diff … | head` closes the pipe early: the reader has what it wanted, which is no fault.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
}

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isolate: true,
  terminal: process.stderr.isTTY ? process.stderr : undefined,
  interrupts: () => {
    const interrupt = new AbortController();
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => interrupt.abort(new DOMException(signal, 'AbortError')));
    }
    return interrupt.signal;
  },
});
