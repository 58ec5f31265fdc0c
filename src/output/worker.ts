// The build, run in a worker thread (see isolated.ts for why): receives one request, posts every
// progress event and then the reports, or the error that stopped it.
import { parentPort, workerData } from 'node:worker_threads';
import { buildFiles, type BuildOptions } from './build.js';
import { workerFailed, workerProgress, type WorkerMessage, type WorkerRequest } from './isolated.js';

const request = workerData as WorkerRequest;
const post = (message: WorkerMessage) => parentPort!.postMessage(message);

const options: BuildOptions = {
  ...request.options,
  // Synchronous: the state shared with the main thread changes before the swap starts.
  onProgress: workerProgress(request.swapping, (event) => post({ type: 'progress', event })),
};
buildFiles(request.files, options).then(
  (reports) => post({ type: 'done', reports }),
  (error: unknown) => {
    workerFailed(request.swapping);
    const e = error instanceof Error ? error : new Error(String(error));
    post({ type: 'error', name: e.name, message: e.message, stack: e.stack });
  },
);
