// `--jobs N`: forms made on N − 1 worker threads and the build's own (output/build.ts gives it its
// share), handed back in the order they were asked for. Each worker loads the fonts once; the
// build's thread writes the files, in the same order as with one job, so files, reports and
// messages do not depend on N.
//
// Each worker's heap is capped (WORKER_HEAP): V8 otherwise lets a busy thread's heap grow to
// hundreds of MB of garbage before it collects, and a batch's memory is then the workers'. A form
// needs a few MB; one that needs more than a worker has (a goal text of hundreds of thousands of
// characters) ends that worker, and its job is said to be WorkerOutOfMemory: the build makes it on
// its own thread instead. A pool whose workers all ran out hands every job back the same way.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { EnvironmentError, UserError } from '../errors.js';
import type { FontFiles, SharedFontBytes } from '../render/fonts.js';
import type { FormJob, FormOutput } from './forms.js';

// Beside this file: form-worker.ts under tsx, form-worker.js in dist/.
const WORKER = new URL(`./form-worker${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url);

type Settle = { resolve: (output: never) => void; reject: (error: Error) => void };

/**
 * A worker's V8 heap: old generation (live data) and young generation (new objects), in MB. On
 * this project's machine a packet of 1,000 forms: 96/8 took 8.3 s and 498 MB, 128/32 7.4 s and
 * 545 MB, 192/64 6.6 s and 631 MB (a small young generation means many more collections). Since
 * text is drawn as runs a form allocates less: 128/16 makes the forms as
 * fast as 128/32 (5.1–5.3 s against 5.2–5.4 s) with 35–40 MB less at the peak.
 */
export const WORKER_HEAP: WorkerHeap = Object.freeze({ oldGenerationMb: 128, youngGenerationMb: 16 });

export interface WorkerHeap {
  oldGenerationMb: number;
  youngGenerationMb: number;
}

/** Workers ended for want of memory in this process (counted by tests). */
export const OUT_OF_MEMORY = { workers: 0 };

/** The job did not fit in a worker's heap: make it on the build's thread. */
export class WorkerOutOfMemory extends Error {
  constructor() {
    super('a worker ran out of memory');
  }
}

/**
 * Jobs a worker holds at once: the one it makes and the next, waiting in its own queue, so that it
 * goes on at once rather than when the build's thread (which makes forms too) next looks.
 */
const JOBS_IN_HAND = 2;

export class FormPool {
  private readonly workers: Worker[];
  private readonly waiting = new Map<number, Settle>();
  private readonly idle: Worker[];
  /** The jobs each busy worker has (up to JOBS_IN_HAND). */
  private readonly running = new Map<Worker, number[]>();
  private readonly queue: Array<{ id: number; job: FormJob }> = [];
  private nextId = 0;

  /** `fontBytes`: the fonts as the build read them, shared rather than read again by each worker. */
  constructor(size: number, fonts: FontFiles, templateDir?: string, fontBytes?: SharedFontBytes, heap: WorkerHeap = WORKER_HEAP) {
    this.workers = Array.from({ length: size }, () => {
      const worker = new Worker(WORKER, {
        workerData: { fonts, templateDir, fontBytes },
        resourceLimits: { maxOldGenerationSizeMb: heap.oldGenerationMb, maxYoungGenerationSizeMb: heap.youngGenerationMb },
      });
      worker.on('message', (message: { id: number; output?: unknown; error?: { name: string; message: string; stack?: string } }) => {
        const settle = this.waiting.get(message.id)!;
        this.waiting.delete(message.id);
        const jobs = this.running.get(worker) ?? [];
        jobs.splice(jobs.indexOf(message.id), 1);
        this.dispatch(worker);
        if (message.output) settle.resolve(message.output as never);
        else settle.reject(revive(message.error!));
      });
      worker.on('error', (error: Error & { code?: string }) => {
        if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') this.outOfMemory(worker);
        else this.failAll(error);
      });
      return worker;
    });
    this.idle = [...this.workers];
  }

  /** How many workers the pool has. */
  get size(): number {
    return this.workers.length;
  }

  make(job: FormJob): Promise<FormOutput> {
    return this.send({ job });
  }

  private send<T>(message: { job: FormJob }): Promise<T> {
    const id = this.nextId++;
    if (this.workers.length === 0) return Promise.reject(new WorkerOutOfMemory());
    const result = new Promise<T>((resolve, reject) => this.waiting.set(id, { resolve: resolve as (output: never) => void, reject }));
    this.queue.push({ id, ...message });
    const worker = this.idle.pop();
    if (worker) this.dispatch(worker);
    return result;
  }

  /** Ends the workers; the pool takes no more jobs (they are handed back, as when out of memory). */
  async close(): Promise<void> {
    const workers = this.workers.splice(0);
    this.idle.splice(0);
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  /** Gives `worker` jobs from the queue up to JOBS_IN_HAND; a worker with room for more is idle. */
  private dispatch(worker: Worker): void {
    const jobs = this.running.get(worker) ?? [];
    this.running.set(worker, jobs);
    const room = () => (jobs.length < JOBS_IN_HAND ? this.queue.shift() : undefined);
    for (let next = room(); next; next = room()) {
      jobs.push(next.id);
      worker.postMessage(next);
    }
    if (jobs.length < JOBS_IN_HAND && !this.idle.includes(worker)) this.idle.push(worker);
  }

  /** A worker ended for want of memory: its job, and all jobs once no worker is left, go back to the build. */
  private outOfMemory(worker: Worker): void {
    OUT_OF_MEMORY.workers++;
    this.workers.splice(this.workers.indexOf(worker), 1);
    if (this.idle.includes(worker)) this.idle.splice(this.idle.indexOf(worker), 1);
    const ids = this.running.get(worker) ?? [];
    this.running.delete(worker);
    const handBack = (job: number) => {
      this.waiting.get(job)?.reject(new WorkerOutOfMemory());
      this.waiting.delete(job);
    };
    for (const id of ids) handBack(id);
    if (this.workers.length === 0) for (const queued of this.queue.splice(0)) handBack(queued.id);
  }

  private failAll(error: Error): void {
    for (const settle of this.waiting.values()) settle.reject(error);
    this.waiting.clear();
  }
}

/** An error from a worker as the build's thread would have thrown it (a UserError stays one). */
function revive(error: { name: string; message: string; stack?: string }): Error {
  const revived =
    error.name === 'EnvironmentError' ? new EnvironmentError(error.message) : error.name === 'UserError' ? new UserError(error.message) : new Error(error.message);
  revived.stack = error.stack;
  return revived;
}
