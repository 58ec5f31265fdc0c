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
  /**
   * Stopped by Ctrl-C (SIGINT), SIGTERM, or SIGHUP (the terminal closed): 128 + the signal's
   * number. A swap under way is finished first; the message says which folders got new files.
   */
  interrupted: 130,
  terminated: 143,
  hungUp: 129,
} as const;

export function exitCodeOf(error: unknown): number {
  if (error instanceof EnvironmentError) return EXIT.environment;
  if (error instanceof UserError) return EXIT.usage;
  if (isAbort(error)) {
    const signal = (error as Error).message;
    return signal === 'SIGTERM' ? EXIT.terminated : signal === 'SIGHUP' ? EXIT.hungUp : EXIT.interrupted;
  }
  return EXIT.bug;
}

export const isAbort = (error: unknown): boolean => error instanceof Error && error.name === 'AbortError';
