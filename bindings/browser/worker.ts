/**
 * A Web Worker of WebWorkerExecutor (bundled as lrlab-worker.js, an ES module
 * worker): receives the compiled wasm module once, then runs trial tasks with
 * runTrial, the same function every executor runs, and posts each outcome
 * back (checkpoint bytes transferred, not copied).
 */
import { setDefaultWasm } from '../backend/wasm-module.js';
import { runTrial } from '../sweep/trial.js';
import type { FromWorker, ToWorker } from './protocol.js';

/** The part of DedicatedWorkerGlobalScope used here (the project's lib is DOM, not WebWorker). */
interface WorkerScope {
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
}

const scope = globalThis as unknown as WorkerScope;
let wasm: WebAssembly.Module | undefined;
let running: AbortController | undefined;

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'init') {
    wasm = message.wasm;
    setDefaultWasm(wasm);
  } else if (message.type === 'abort') {
    running?.abort();
  } else if (message.type === 'run') {
    const controller = new AbortController();
    running = controller;
    runTrial(message.task, { wasm, signal: controller.signal }).then(
      (outcome) => scope.postMessage({ type: 'outcome', id: message.id, outcome }, outcome.checkpoint ? [outcome.checkpoint.buffer as ArrayBuffer] : []),
      (error: unknown) => scope.postMessage({ type: 'error', id: message.id, message: error instanceof Error ? error.message : String(error) }),
    ).finally(() => {
      if (running === controller) running = undefined;
    });
  }
};
