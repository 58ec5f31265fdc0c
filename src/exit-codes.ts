// The exit codes of every command, in one place (README lists them for scripts).
import { EnvironmentError, UserError } from './errors.js';

export const EXIT = {
  /** Done; warnings allowed. */
  ok: 0,
  /** Errors in the data: what could be built was built, the rest is reported. */
  dataErrors: 1,
  /** The command cannot run as given: arguments, paths, template, font, foreign files in the way. */
  usage: 2,
  /** The system refused: no permission, disk full, read-only disk. */
  environment: 3,
  /** A bug in shenbao. */
  bug: 4,
  /** Stopped by Ctrl-C (SIGINT) or SIGTERM; output folders left as they were. */
  interrupted: 130,
  terminated: 143,
} as const;

export function exitCodeOf(error: unknown): number {
  if (error instanceof EnvironmentError) return EXIT.environment;
  if (error instanceof UserError) return EXIT.usage;
  if (isAbort(error)) return (error as Error).message === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted;
  return EXIT.bug;
}

export const isAbort = (error: unknown): boolean => error instanceof Error && error.name === 'AbortError';
