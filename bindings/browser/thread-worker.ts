/**
 * A Web Worker of threaded fits in a browser (bundled as lrlab-thread-worker.js,
 * an ES module worker; see browser/threads.ts): for each fit's init message
 * it runs the worker loop (backend/thread-loop.ts), then waits for the next.
 */
import { runThreadWorker, type ThreadInit } from '../backend/thread-loop.js';

/** The part of DedicatedWorkerGlobalScope used here (the project's lib is DOM, not WebWorker). */
interface WorkerScope {
  onmessage: ((event: MessageEvent<ThreadInit>) => void) | null;
  postMessage(message: unknown): void;
}

const scope = globalThis as unknown as WorkerScope;
scope.onmessage = (event) => {
  void runThreadWorker(event.data, () => scope.postMessage('ready'));
};
