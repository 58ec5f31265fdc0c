// The build in a worker thread, so that Ctrl-C and SIGTERM stop it at once. pdfmake lays out a
// document in one synchronous call (a large 汇总表 takes a minute), during which the main thread
// of the same isolate could not even see a signal. Here the main thread stays free: on abort it
// lets a swap that has begun finish (it takes milliseconds, and leaves the folder whole: the new
// files, reported as usual), stops the worker wherever it is, and removes the worker's staging
// folders and locks, so every other output folder is exactly as it was.
import { existsSync } from 'node:fs';
import { rmdir } from 'node:fs/promises';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { EnvironmentError, UserError } from '../errors.js';
import { BUILD_WORKER, type BuildThread } from './build-thread.js';
import type { BuildOptions, BuildProgress, BuildReport } from './build.js';
import { releaseOwnLock } from './lock.js';
import { packetDirName } from './names.js';
import { removeOwnStaging } from './staging.js';

export interface WorkerRequest {
  files: readonly string[];
  options: Omit<BuildOptions, 'onProgress' | 'signal'>;
  /** Two Int32s: the worker's state (see STATE), and 1 once the worker holds still to be stopped.
   * Shared memory, because a message saying the swap has begun could still be in flight when the
   * main thread decides to stop the worker. */
  swapping: SharedArrayBuffer;
}

/**
 * Whether the worker may be stopped now. Each side changes the state with compare-and-swap only,
 * so that exactly one of them wins a race: a worker about to swap while the main thread stops it
 * either swaps to the end (the main thread waits) or never begins (it waits to be stopped).
 */
const STATE = {
  /** Anything but a swap: the worker may be stopped. */
  running: 0,
  /** From the commit's start until the packet's report is posted. */
  swapping: 1,
  /** The main thread is stopping the worker: it must begin nothing more. */
  stopping: 2,
  /** The same, asked during a swap: the main thread waits for the packet's report. */
  stoppingAfterSwap: 3,
} as const;

/**
 * The worker's side, called with each progress event of its build in place of posting it: posts
 * it, and holds the worker (until it is stopped) where the build must go no further.
 */
export function workerProgress(shared: SharedArrayBuffer, post: (event: BuildProgress) => void): (event: BuildProgress) => void {
  const state = new Int32Array(shared);
  const hold = () => {
    Atomics.store(state, 1, 1);
    Atomics.notify(state, 1);
    for (;;) Atomics.wait(state, 0, Atomics.load(state, 0));
  };
  return (event) => {
    if (event.kind === 'commit' && event.phase === 'begin') {
      if (Atomics.compareExchange(state, 0, STATE.running, STATE.swapping) !== STATE.running) hold();
      return post(event);
    }
    // The report ends a swap (its lock released); posted after the state changes, so that the
    // main thread, if it asked to stop meanwhile, is already waiting for it.
    const was = event.kind === 'report' ? Atomics.compareExchange(state, 0, STATE.swapping, STATE.running) : Atomics.load(state, 0);
    post(event);
    if (was === STATE.stopping || (event.kind === 'report' && was === STATE.stoppingAfterSwap)) hold();
  };
}

/** The worker's build failed outright: not swapping any more (the main thread is told by the error). */
export function workerFailed(shared: SharedArrayBuffer): void {
  Atomics.compareExchange(new Int32Array(shared), 0, STATE.swapping, STATE.running);
}

export type WorkerMessage =
  | { type: 'progress'; event: BuildProgress }
  /** The build is done: its reports are those of the `report` events before it (each crosses once: a packet of 10,000 projects is some 75 MB on each side). */
  | { type: 'done' }
  | { type: 'error'; name: string; message: string; stack?: string };

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

/**
 * buildFiles in a worker thread; rejects with an AbortError, output folders untouched, when `signal`
 * fires. `thread`: one started ahead (build-thread.ts), used if it is still running.
 */
export function buildFilesIsolated(files: readonly string[], options: BuildOptions, thread?: BuildThread): Promise<BuildReport[]> {
  const { onProgress, signal, ...rest } = options;
  // Process-wide: the build's thread and the form pool's workers alike. V8 reads it at each
  // collection (measured: setting it here works as the command-line flag does).
  if (!rest.formats || rest.formats.includes('pdf')) setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  const swapping = new SharedArrayBuffer(8);
  const state = new Int32Array(swapping);
  // Every packet folder the build may lock, and the folders that are not there yet: after a stop,
  // what the worker made of them is removed even if its message saying so never arrived.
  const packetDirs = [...new Set(files.map((file) => path.join(rest.outDir, packetDirName(file))))];
  const missing = new Set([...packetDirs, ...ancestors(rest.outDir)].filter((dir) => !existsSync(dir)));
  const worker = thread?.take() ?? new Worker(BUILD_WORKER);
  try {
    worker.postMessage({ files, options: rest, swapping } satisfies WorkerRequest);
  } catch (error) {
    // Options that cannot cross to the thread (a function): the thread, waiting for them, is ended.
    void worker.terminate();
    throw error;
  }
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
      for (;;) {
        const was = Atomics.compareExchange(state, 0, STATE.running, STATE.stopping);
        if (was !== STATE.swapping) break;
        // A swap under way is let finish: a second signal meanwhile changes nothing (cli.ts).
        if (Atomics.compareExchange(state, 0, STATE.swapping, STATE.stoppingAfterSwap) === STATE.swapping) {
          await new Promise<void>((done) => (swapEnded = done));
          break;
        }
      }
      // A worker in asynchronous work (taking a lock, writing a file) comes to rest at its next
      // progress event: stopped there, it leaves nothing half-written (a lock file without its
      // holder's name would be respected for ever). One deep in a layout is stopped where it is.
      const resting = waitAsync(state, 1, 0, REST_MS);
      if (resting.async) await resting.value;
      await worker.terminate();
      for (const dir of packetDirs) {
        await removeOwnStaging(dir);
        await releaseOwnLock(dir);
      }
      // Folders the build made, while empty: the packet folders, then -o and the folders above it.
      for (const dir of [...packetDirs, ...ancestors(rest.outDir)]) {
        if (missing.has(dir)) await rmdir(dir).catch(() => undefined);
      }
      settle(() => reject(signal?.reason instanceof Error ? signal.reason : new DOMException('已中断', 'AbortError')));
    };
    if (signal?.aborted) void abort();
    signal?.addEventListener('abort', abort, { once: true });

    const reports: BuildReport[] = [];
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'progress') {
        const event = message.event;
        if (event.kind === 'report') reports.push(event.report);
        onProgress?.(event);
        if (event.kind === 'report') swapEnded();
      } else if (message.type === 'done') {
        settle(() => resolve(reports));
      } else {
        settle(() => reject(revive(message)));
      }
    });
    worker.on('error', (error) => settle(() => reject(error)));
    worker.on('exit', (code) => stopping || settle(() => reject(new Error(`bug: the build worker exited (${code}) without a result`))));
  }).finally(() => void worker.terminate());
}

/** How long a stop waits for the worker to come to rest (a form is written every few milliseconds). */
const REST_MS = 200;

// Atomics.waitAsync (Node 16+) is typed from ES2024 on.
const waitAsync = (Atomics as unknown as { waitAsync(array: Int32Array, index: number, value: number, timeout: number): { async: boolean; value: unknown } }).waitAsync;

/** `dir` and the folders above it, nearest first, up to the working directory or the root. */
function ancestors(dir: string): string[] {
  const folders: string[] = [];
  for (let folder = path.resolve(dir); folder !== path.dirname(folder) && folder !== process.cwd(); folder = path.dirname(folder)) folders.push(folder);
  return folders;
}

/** Errors cross the thread as data; a user's error stays one, anything else keeps its stack as a bug. */
function revive(message: Extract<WorkerMessage, { type: 'error' }>): Error {
  if (message.name === 'EnvironmentError') return new EnvironmentError(message.message);
  if (message.name === 'UserError' || message.name === 'MarkupError') return new UserError(message.message);
  const error = Object.assign(new Error(message.message), { name: message.name });
  if (message.stack) error.stack = message.stack;
  return error;
}
