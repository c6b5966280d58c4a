/**
 * A pool of Node worker threads, one per core by default. The wasm module is
 * compiled once in the main thread and shared with every worker (a
 * WebAssembly.Module crosses postMessage without recompiling). Workers start
 * when the pool is made, so they boot while the sweep is expanded, checked and
 * its store opened, and they are kept for every run of the pool (unref'd
 * between runs).
 *
 * Each worker holds up to two tasks (it runs them one after the other): when
 * it finishes one, the next is already there, instead of waiting while the
 * main thread records the outcome and posts another. Outcomes arrive in
 * completion order.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { wasmModule, type WasmSource } from '../backend/wasm-module.js';
import { spawnModuleWorker } from '../backend/spawn-worker.js';
import { LrlabError } from '../errors.js';
import type { Executor } from './executor.js';
import type { TrialOutcome, TrialTask } from './trial.js';

const IN_FLIGHT = 2; // tasks held by one worker

export class PoolExecutor implements Executor {
  readonly name = 'pool';
  readonly concurrency: number;
  #workers: Promise<Worker[]> | undefined;
  readonly #wasm?: WasmSource;

  constructor(options: { concurrency?: number; wasm?: WasmSource } = {}) {
    const { concurrency = availableParallelism() } = options;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new LrlabError('INVALID_OPTION', 'concurrency', concurrency, 'must be an integer >= 1');
    }
    this.concurrency = concurrency;
    this.#wasm = options.wasm;
    this.#workers = this.#start();
    this.#workers.catch(() => {}); // a failed start is reported by run()
  }

  async run(tasks: TrialTask[], onOutcome: (outcome: TrialOutcome) => void | Promise<void>, signal?: AbortSignal): Promise<void> {
    this.#workers ??= this.#start();
    const workers = await this.#workers;
    const queue = [...tasks];
    workers.forEach((w) => w.ref());
    try {
      await Promise.all(workers.map((worker) => feed(worker, queue, onOutcome, signal)));
    } finally {
      workers.forEach((w) => w.unref());
    }
  }

  async close(): Promise<void> {
    const workers = this.#workers;
    this.#workers = undefined;
    if (workers) await Promise.all((await workers.catch(() => [])).map((w) => w.terminate()));
  }

  async #start(): Promise<Worker[]> {
    const wasm = await wasmModule(this.#wasm);
    return Array.from({ length: this.concurrency }, () => {
      const worker = spawnModuleWorker(new URL('./pool-worker.js', import.meta.url), 'pool-worker', { wasm });
      worker.unref(); // an idle pool never keeps the process alive (e.g. when a sweep is refused before it runs)
      return worker;
    });
  }
}

/** Keeps up to IN_FLIGHT tasks of the queue on one worker until the queue is empty (or the signal fired). */
function feed(worker: Worker, queue: TrialTask[], onOutcome: (outcome: TrialOutcome) => void | Promise<void>, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const sent: TrialTask[] = [];
    let recording = Promise.resolve();
    const top = () => {
      while (sent.length < IN_FLIGHT && queue.length > 0 && !signal?.aborted) {
        const task = queue.shift()!;
        sent.push(task);
        worker.postMessage(task);
      }
      if (sent.length === 0) { cleanup(); recording.then(resolve, reject); }
    };
    // The worker answers in the order it was given its tasks.
    const done = (outcome: TrialOutcome) => {
      sent.shift();
      top();
      recording = recording.then(() => onOutcome(outcome));
      recording.catch((error) => { cleanup(); reject(error); });
    };
    const failed = (error: Error) => { cleanup(); reject(error); };
    const exited = (code: number) => { cleanup(); reject(new Error(`a pool worker exited with code ${code} during trial ${sent[0]?.trial.id}`)); };
    const cleanup = () => { worker.off('message', done); worker.off('error', failed); worker.off('exit', exited); };
    worker.on('message', done);
    worker.on('error', failed);
    worker.on('exit', exited);
    top();
  });
}
