// The build, run in a worker thread (see isolated.ts for why): receives one request, posts every
// progress event and then the reports, or the error that stopped it.
import { parentPort, workerData } from 'node:worker_threads';
import { buildFiles, type BuildOptions } from './build.js';
import type { WorkerMessage, WorkerRequest } from './isolated.js';

const request = workerData as WorkerRequest;
const swapping = new Int32Array(request.swapping);
const post = (message: WorkerMessage) => parentPort!.postMessage(message);

const options: BuildOptions = {
  ...request.options,
  onProgress: (event) => {
    // Set before the swap starts, synchronously: the main thread reads it when told to stop.
    if (event.kind === 'commit') Atomics.store(swapping, 0, event.phase === 'begin' ? 1 : 0);
    post({ type: 'progress', event });
  },
};
buildFiles(request.files, options).then(
  (reports) => post({ type: 'done', reports }),
  (error: unknown) => {
    Atomics.store(swapping, 0, 0);
    const e = error instanceof Error ? error : new Error(String(error));
    post({ type: 'error', name: e.name, message: e.message, stack: e.stack });
  },
);
