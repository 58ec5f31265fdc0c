#!/usr/bin/env node
// The process: hand the arguments to runCli (command-line.ts), turn SIGINT, SIGTERM and SIGHUP
// into an abort while a build runs, set the exit code.
import { setFlagsFromString } from 'node:v8';
import { BuildThread } from './output/build-thread.js';

/**
 * How much a function runs before V8 considers optimising it (its interrupt budget): eight times
 * V8's default of 66 KB (Node 20). A command runs cold for about a second, and at the default V8
 * spent much of it optimising code that ran a few times more: the seed's build took about 20% less
 * CPU and wall time at eight times (--no-opt: 25% less, but 17% more at 300 projects). Packets of
 * 300 and 1,000 projects (PDF or Word), whose hot code still gets optimised, took the same time
 * within the noise (3 rounds each, ±5%). Set before the build's thread starts: the setting is the
 * process's.
 */
const INTERRUPT_BUDGET = 8 * 66 * 1024;
setFlagsFromString(`--interrupt-budget=${INTERRUPT_BUDGET}`);

const args = process.argv.slice(2);
// A command line that begins with `build` most likely runs one: its thread starts now and loads the
// build's modules while this thread loads and parses the command line (build-thread.ts). Any other
// outcome (a usage error, --help) ends it unused. Hence command-line.js is loaded after it starts.
const buildThread = args[0] === 'build' ? new BuildThread() : undefined;
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const handlers: Array<[NodeJS.Signals, () => void]> = [];
let stopped = false;

// A build takes its signals from the start: one that comes while the command line is still being
// loaded and read stops the build as it begins, with the build's message, rather than ending the
// process without a word (that took about 0.9 s from the start, the build's thread loading alongside).
let early: (typeof SIGNALS)[number] | undefined;
const waiting: Array<[NodeJS.Signals, () => void]> = buildThread
  ? SIGNALS.map((signal) => {
      const handler = () => {
        early ??= signal;
      };
      process.on(signal, handler);
      return [signal, handler];
    })
  : [];
const stopWaiting = () => {
  for (const [signal, handler] of waiting.splice(0)) process.off(signal, handler);
};
const EXIT_ON_SIGNAL: Record<(typeof SIGNALS)[number], number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

const { runCli } = await import('./command-line.js');

// `shenbao … | head` closes the pipe early: the reader has what it wanted, which is no fault. The
// command goes on (a build finishes its swap, or the folder would be left half done), its output
// to that pipe dropped, and ends with its own exit code. A closed terminal (SIGHUP) fails writes
// with EIO: the same.
const closed = new Set<NodeJS.WriteStream>();
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'EIO') throw error;
    closed.add(stream);
  });
}
const write = (stream: NodeJS.WriteStream) => (text: string) => {
  if (!closed.has(stream)) stream.write(text);
};


process.exitCode = await runCli(args, {
  stdout: write(process.stdout),
  stderr: write(process.stderr),
  isolate: true,
  buildThread,
  terminal: process.stderr.isTTY ? process.stderr : undefined,
  // From the process's start: the time a command says it took includes loading it.
  clock: () => performance.now(),
  interrupts: () => {
    const interrupt = new AbortController();
    stopWaiting();
    // Every signal after the first asks for the same stop, which goes on: a swap under way is
    // finished, the staging folder and lock removed. Dying at the second would leave them
    // (`timeout` sends SIGTERM twice, to the process and to its group; Ctrl-C is often pressed
    // twice). The first signal names the exit code.
    for (const signal of SIGNALS) {
      const handler = () => {
        stopped = true;
        interrupt.abort(new DOMException(signal, 'AbortError'));
      };
      process.on(signal, handler);
      handlers.push([signal, handler]);
    }
    if (early) {
      stopped = true;
      interrupt.abort(new DOMException(early, 'AbortError'));
    }
    return interrupt.signal;
  },
});
// A signal that came before a build could begin (the command line was refused meanwhile): the
// process ends as that signal would have ended it.
stopWaiting();
if (early && !stopped) process.exitCode = EXIT_ON_SIGNAL[early];
await buildThread?.release();
// Done: a signal from now on ends the process at once, as it does for every other command; but
// after a stop, a second signal (timeout's to the group) arriving while the process drains its
// output must not turn the exit code the stop chose into death by that signal.
if (!stopped) for (const [signal, handler] of handlers) process.off(signal, handler);
// After a stop, end here rather than by draining the event loop: while the loop winds down, Node
// closes its signal watchers, and a second signal in that window (timeout's to the group, 50 ms
// after its first) ended the process by that signal instead of with the stop's exit code (4 runs
// in 30 here; none in 30 with this). process.exit ends with the watchers still in place. Output
// written to a pipe is flushed first.
if (stopped) {
  await Promise.all([process.stdout, process.stderr].map((stream) => new Promise<void>((done) => (closed.has(stream) ? done() : stream.write('', () => done())))));
  process.exit();
}
