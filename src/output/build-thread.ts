// The build's worker thread (isolated.ts says why a build runs in one), started before the build
// is asked for. The thread's first work is loading the build's modules (pdfkit, fontkit, zod,
// handlebars, htmlparser2 …: about 0.4 s of a seed build's 1.3 s, cold, on this project's 2-core
// machine); started by cli.ts as the process begins, it loads them while the main thread loads and
// parses the command line, rather than after. It then waits for its request (worker.ts).
// This file loads nothing but Node's own modules, so that starting the thread costs the main
// thread nothing.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

// The worker's entry sits beside this file: worker.ts under tsx (tests), worker.js in dist/.
export const BUILD_WORKER = new URL(`./worker${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url);

/** A build's thread started ahead: one build takes it; one nobody took is ended with `release`. */
export class BuildThread {
  readonly #worker = new Worker(BUILD_WORKER);
  #usable = true;
  #taken = false;
  readonly #unusable = () => {
    this.#usable = false;
  };

  constructor() {
    // A thread that failed to start (its modules could not be loaded) or ended is not handed out:
    // the build then starts its own, which fails the same way, where the failure is reported.
    this.#worker.on('error', this.#unusable).on('exit', this.#unusable);
  }

  /** The thread, for the one build that sends it its request; undefined if taken or no longer running. */
  take(): Worker | undefined {
    if (this.#taken || !this.#usable) return undefined;
    this.#taken = true;
    this.#worker.off('error', this.#unusable).off('exit', this.#unusable);
    return this.#worker;
  }

  /** Ends the thread unless a build took it (the build ends it then). */
  async release(): Promise<void> {
    if (this.#taken) return;
    this.#taken = true;
    await this.#worker.terminate();
  }
}
