/**
 * Threaded fits on Node worker threads (the browser build swaps this module
 * for browser/threads.ts). Workers of finished fits wait, unref'd (they keep
 * no process alive), for the next fit, which then skips starting a thread
 * (40–100 ms) and finds its wasm memory already paged in: at most one per
 * other core.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { ThreadedBackend, type TrainingWorker, type TrainingWorkers } from './threads.js';
import type { WasmBackend } from './wasm.js';
import { spawnModuleWorker } from './spawn-worker.js';

const parked: Worker[] = [];
const PARK_LIMIT = Math.max(1, availableParallelism() - 1);
const failures = new WeakMap<Worker, Error>();

function takeWorker(): Worker {
  const waiting = parked.pop();
  if (waiting) {
    waiting.ref();
    return waiting;
  }
  const worker = spawnModuleWorker(new URL('./thread-worker.js', import.meta.url), 'thread-worker');
  // Always listened to: a worker that throws mid-fit sets FAILED, and the fit's thread reports it.
  worker.on('error', (error) => failures.set(worker, error));
  worker.once('exit', () => {
    const i = parked.indexOf(worker);
    if (i >= 0) parked.splice(i, 1);
  });
  return worker;
}

const nodeWorkers: TrainingWorkers = {
  start: (init) => new Promise<TrainingWorker>((resolve, reject) => {
    const worker = takeWorker();
    const handle: TrainingWorker = {
      async release(healthy) {
        if (!healthy || parked.length >= PARK_LIMIT) {
          await worker.terminate();
          return;
        }
        worker.unref();
        parked.push(worker);
      },
    };
    const onMessage = () => {
      worker.off('exit', onExit);
      resolve(handle);
    };
    const onExit = (code: number) => {
      worker.off('message', onMessage);
      reject(failures.get(worker) ?? new Error(`lrlab: a training thread stopped (exit code ${code}) before it was ready`));
    };
    worker.once('message', onMessage);
    worker.once('exit', onExit);
    worker.postMessage(init);
  }),
};

export function startThreads(main: WasmBackend, threads: number, train: { x: Float32Array; y: Float32Array; rows: number }): Promise<ThreadedBackend> {
  return ThreadedBackend.start(main, threads, train, nodeWorkers);
}
