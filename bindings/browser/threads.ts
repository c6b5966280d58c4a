/**
 * Threaded fits in a browser (the browser build puts this module in place of
 * backend/threads-node.ts): the workers are module Web Workers running
 * lrlab-thread-worker.js, which sits next to the library bundle. A threaded
 * fit needs SharedArrayBuffer, so a cross-origin isolated page (served with
 * Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy:
 * require-corp), and must itself run in a Web Worker: the page's main thread
 * may not block in Atomics.wait. Workers of finished fits wait for the next.
 */
import { LrlabError } from '../errors.js';
import { ThreadedBackend, type TrainingWorker, type TrainingWorkers } from '../backend/threads.js';
import type { WasmBackend } from '../backend/wasm.js';
import { hardwareConcurrency } from './web-worker-executor.js';

const parked: Worker[] = [];
const PARK_LIMIT = Math.max(1, hardwareConcurrency() - 1);

const webWorkers: TrainingWorkers = {
  start: (init) => new Promise<TrainingWorker>((resolve, reject) => {
    const worker = parked.pop() ?? new Worker(new URL('./lrlab-thread-worker.js', import.meta.url), { type: 'module', name: 'lrlab-thread' });
    worker.onmessage = () => resolve({
      async release(healthy) {
        if (healthy && parked.length < PARK_LIMIT) parked.push(worker);
        else worker.terminate();
      },
    });
    worker.onerror = (event) => {
      event.preventDefault();
      worker.terminate();
      reject(new Error(`lrlab: a training thread failed before it was ready: ${event.message || 'the worker script did not load'}`));
    };
    worker.postMessage(init);
  }),
};

export function startThreads(main: WasmBackend, threads: number, train: { x: Float32Array; y: Float32Array; rows: number }): Promise<ThreadedBackend> {
  if (!globalThis.crossOriginIsolated) {
    throw new LrlabError('INVALID_OPTION', 'fit.threads', threads, 'needs a cross-origin isolated page in a browser (Cross-Origin-Opener-Policy: same-origin, ' +
      'Cross-Origin-Embedder-Policy: require-corp), for SharedArrayBuffer');
  }
  if (!('WorkerGlobalScope' in globalThis)) {
    throw new LrlabError('INVALID_OPTION', 'fit.threads', threads, 'must run in a Web Worker in a browser: the page\'s main thread may not wait for the other threads');
  }
  return ThreadedBackend.start(main, threads, train, webWorkers);
}
