#!/usr/bin/env node
// The process: hand the arguments to runCli (command-line.ts), turn SIGINT/SIGTERM into an abort
// while a build runs, set the exit code. A second Ctrl-C kills at once (the handlers are one-shot).
import { runCli } from './command-line.js';

// `shenbao … | head` closes the pipe early: the reader has what it wanted, which is no fault. The
// command goes on (a build finishes its swap, or the folder would be left half done), its output
// to that pipe dropped, and ends with its own exit code.
const closed = new Set<NodeJS.WriteStream>();
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    closed.add(stream);
  });
}
const write = (stream: NodeJS.WriteStream) => (text: string) => {
  if (!closed.has(stream)) stream.write(text);
};

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: write(process.stdout),
  stderr: write(process.stderr),
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
