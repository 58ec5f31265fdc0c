// The build in a worker thread, so that Ctrl-C and SIGTERM stop it at once. pdfmake lays out a
// document in one synchronous call (a large 汇总表 takes a minute), during which the main thread
// of the same isolate could not even see a signal. Here the main thread stays free: on abort it
// lets a swap that has begun finish (it takes milliseconds, and leaves the folder whole), stops
// the worker wherever it is, and removes the worker's staging folders, so the output folders are
// exactly as they were.
import { rmdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { EnvironmentError, UserError } from '../errors.js';
import type { BuildOptions, BuildProgress, BuildReport } from './build.js';
import { releaseOwnLock } from './lock.js';
import { removeOwnStaging } from './staging.js';

export interface WorkerRequest {
  files: readonly string[];
  options: Omit<BuildOptions, 'onProgress' | 'signal'>;
  /** Int32 flag, 1 while the worker swaps files into a packet folder. Shared memory, because a
   * message saying so could still be in flight when the main thread decides to stop the worker. */
  swapping: SharedArrayBuffer;
}

export type WorkerMessage =
  | { type: 'progress'; event: BuildProgress }
  | { type: 'done'; reports: BuildReport[] }
  | { type: 'error'; name: string; message: string; stack?: string };

// The worker's entry sits beside this file: worker.ts under tsx (tests), worker.js in dist/.
const WORKER = new URL(`./worker${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url);

/**
 * How far a build's heaps grow past what is live before V8 collects them (percent; V8 picks up to
 * 300% when collecting is cheap). A percentage, not a cap: a packet that needs more memory still
 * gets it. Measured on 1,000 projects (2 cores): with PDFs on the pool's workers, the build
 * thread's heap peaked at 88 MB instead of 224 MB and the process at 344 MB instead of 444 MB, in
 * the same time; with --jobs 1, 215–241 MB instead of 384–394 MB, 15% slower. A Word-only build
 * (every form made on the build's thread, peak 240 MB) took twice as long at 25%, so it keeps V8's
 * own choice.
 */
export const HEAP_GROWING_PERCENT = 25;

/** buildFiles in a worker thread; rejects with an AbortError, output folders untouched, when `signal` fires. */
export function buildFilesIsolated(files: readonly string[], options: BuildOptions): Promise<BuildReport[]> {
  const { onProgress, signal, ...rest } = options;
  // Process-wide: the build's thread and the form pool's workers alike. V8 reads it at each
  // collection (measured: setting it here works as the command-line flag does).
  if (!rest.formats || rest.formats.includes('pdf')) setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  const swapping = new SharedArrayBuffer(4);
  const flag = new Int32Array(swapping);
  const worker = new Worker(WORKER, { workerData: { files, options: rest, swapping } satisfies WorkerRequest });
  const staged = new Map<string, boolean>(); // packet folder -> created by this build
  let swapEnded = () => {};

  return new Promise<BuildReport[]>((resolve, reject) => {
    let settled = false;
    let stopping = false;
    const settle = (finish: () => void) => {
      swapEnded();
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', abort);
      finish();
    };
    const abort = async () => {
      stopping = true;
      if (Atomics.load(flag, 0) === 1) await new Promise<void>((done) => (swapEnded = done));
      await worker.terminate();
      for (const [dir, created] of staged) {
        await removeOwnStaging(dir);
        await releaseOwnLock(dir);
        if (created) await rmdir(dir).catch(() => undefined);
      }
      settle(() => reject(signal?.reason instanceof Error ? signal.reason : new DOMException('已中断', 'AbortError')));
    };
    if (signal?.aborted) void abort();
    signal?.addEventListener('abort', abort, { once: true });

    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'progress') {
        const event = message.event;
        if (event.kind === 'staging') staged.set(event.packetDir, event.createdDir);
        // The folder stays on the list after its swap: its lock is released a moment later.
        if (event.kind === 'commit' && event.phase === 'end') swapEnded();
        onProgress?.(event);
      } else if (message.type === 'done') {
        settle(() => resolve(message.reports));
      } else {
        settle(() => reject(revive(message)));
      }
    });
    worker.on('error', (error) => settle(() => reject(error)));
    worker.on('exit', (code) => stopping || settle(() => reject(new Error(`bug: the build worker exited (${code}) without a result`))));
  }).finally(() => void worker.terminate());
}

/** Errors cross the thread as data; a user's error stays one, anything else keeps its stack as a bug. */
function revive(message: Extract<WorkerMessage, { type: 'error' }>): Error {
  if (message.name === 'EnvironmentError') return new EnvironmentError(message.message);
  if (message.name === 'UserError' || message.name === 'MarkupError') return new UserError(message.message);
  const error = Object.assign(new Error(message.message), { name: message.name });
  if (message.stack) error.stack = message.stack;
  return error;
}
