// The build, run in a worker thread (see isolated.ts for why): waits for its one request, posts
// every progress event (each packet's report among them), then that it is done, or the error
// that stopped it. The thread may be started before the request is known (build-thread.ts): its
// modules load meanwhile.
import { parentPort } from 'node:worker_threads';
import { buildFiles, type BuildOptions } from './build.js';
import { workerFailed, workerProgress, type WorkerMessage, type WorkerRequest } from './isolated.js';

const post = (message: WorkerMessage) => parentPort!.postMessage(message);

parentPort!.once('message', (request: WorkerRequest) => {
  const options: BuildOptions = {
    ...request.options,
    // Synchronous: the state shared with the main thread changes before the swap starts.
    onProgress: workerProgress(request.swapping, (event) => post({ type: 'progress', event })),
  };
  buildFiles(request.files, options).then(
    () => post({ type: 'done' }),
    (error: unknown) => {
      workerFailed(request.swapping);
      const e = error instanceof Error ? error : new Error(String(error));
      post({ type: 'error', name: e.name, message: e.message, stack: e.stack });
    },
  );
});
