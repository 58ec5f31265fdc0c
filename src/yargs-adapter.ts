// The only place shenbao touches yargs's internals; everything else uses its public API. Pinned:
// yargs 18.2.0 (package.json); test/conventions.test.ts fails, saying what to re-check, when an
// upgrade changes it.
//
// Before it runs a command, yargs renders that command's whole help text and keeps it
// (usage.cacheHelpMessage), for a handler that would call showHelp() or getHelp() later. shenbao's
// handlers never do: a usage error names the --help to read (command-line.ts). Rendering it, with
// cliui measuring the width of every Chinese description, took 65–130 ms of the main thread of
// every command run (`node --cpu-prof dist/cli.js build data/minhang-2023.json`, three runs) and
// about 12 s of the test suite's CPU (2026-12-07). A command declared without a handler is given
// one by yargs, and renders it all the same: there is no public way around it.
import { createRequire } from 'node:module';
import type { Argv } from 'yargs';

const require = createRequire(import.meta.url);

export const PINNED = { yargs: '18.2.0' };

interface YargsInternals {
  getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } };
}

/** `parser` that renders no help text but the one asked for (--help). Left as it is if yargs is not built as expected (the test says so). */
export function withoutHelpCache(parser: Argv): Argv {
  const usage = (parser as unknown as YargsInternals).getInternalMethods?.().getUsageInstance?.();
  if (typeof usage?.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
  return parser;
}

export function installedVersion(): string {
  return (require('yargs/package.json') as { version: string }).version;
}
