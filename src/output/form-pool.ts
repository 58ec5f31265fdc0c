// `--jobs N`: forms made on N worker threads, handed back in the order they were asked for. Each
// worker loads the fonts once; the build's thread writes the files, in the same order as with one
// job, so files, reports and messages do not depend on N.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { EnvironmentError, UserError } from '../errors.js';
import type { FontFiles } from '../render/fonts.js';
import type { FormJob, FormOutput, PartJob } from './forms.js';
import type { PdfResult } from '../render/pdf.js';

// Beside this file: form-worker.ts under tsx, form-worker.js in dist/.
const WORKER = new URL(`./form-worker${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url);

type Settle = { resolve: (output: never) => void; reject: (error: Error) => void };

export class FormPool {
  private readonly workers: Worker[];
  private readonly waiting = new Map<number, Settle>();
  private readonly idle: Worker[];
  private readonly queue: Array<{ id: number; job?: FormJob; part?: PartJob }> = [];
  private nextId = 0;

  constructor(size: number, fonts: FontFiles) {
    this.workers = Array.from({ length: size }, () => {
      const worker = new Worker(WORKER, { workerData: fonts });
      worker.on('message', (message: { id: number; output?: unknown; error?: { name: string; message: string; stack?: string } }) => {
        const settle = this.waiting.get(message.id)!;
        this.waiting.delete(message.id);
        this.dispatch(worker);
        if (message.output) settle.resolve(message.output as never);
        else settle.reject(revive(message.error!));
      });
      worker.on('error', (error) => this.failAll(error));
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

  /** A part of a long 汇总表, rendered on a worker. */
  renderPart(part: PartJob): Promise<PdfResult> {
    return this.send({ part });
  }

  private send<T>(message: { job?: FormJob; part?: PartJob }): Promise<T> {
    const id = this.nextId++;
    const result = new Promise<T>((resolve, reject) => this.waiting.set(id, { resolve: resolve as (output: never) => void, reject }));
    this.queue.push({ id, ...message });
    const worker = this.idle.pop();
    if (worker) this.dispatch(worker);
    return result;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private dispatch(worker: Worker): void {
    const next = this.queue.shift();
    if (next) worker.postMessage(next);
    else this.idle.push(worker);
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
