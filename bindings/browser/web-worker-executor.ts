/**
 * Runs sweep trials in Web Workers, one per core by default
 * (navigator.hardwareConcurrency). As the Node pool does with worker threads,
 * the wasm module is compiled once here and posted to each worker, which
 * compiles nothing. Tasks go to whichever worker is free; outcomes arrive in
 * completion order. Aborting the signal aborts the running trials (they end
 * with status 'aborted') and starts no new ones.
 */
import { wasmModule, type WasmSource } from '../backend/wasm-module.js';
import { LrlabError } from '../errors.js';
import type { Executor } from '../sweep/executor.js';
import type { TrialOutcome, TrialTask } from '../sweep/trial.js';
import type { FromWorker, ToWorker } from './protocol.js';

export interface WebWorkerExecutorOptions {
  /** Workers (trials at the same time); default navigator.hardwareConcurrency. */
  concurrency?: number;
  /** The wasm to compile (a URL, bytes or a compiled module); default: the library's default (lrlab.wasm next to the bundle). */
  wasm?: WasmSource;
  /** The worker script; default lrlab-worker.js next to the library bundle. */
  workerUrl?: URL | string;
}

/** navigator.hardwareConcurrency, or 1 where there is no navigator. */
export function hardwareConcurrency(): number {
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return Number.isInteger(n) && n! >= 1 ? n! : 1;
}

export class WebWorkerExecutor implements Executor {
  readonly name = 'web-workers';
  readonly concurrency: number;
  readonly #wasm?: WasmSource;
  readonly #workerUrl: URL | string;
  #workers: Worker[] = [];
  #nextId = 0;

  constructor(options: WebWorkerExecutorOptions = {}) {
    const { concurrency = hardwareConcurrency() } = options;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new LrlabError('INVALID_OPTION', 'concurrency', concurrency, 'must be an integer >= 1');
    }
    this.concurrency = concurrency;
    this.#wasm = options.wasm;
    this.#workerUrl = options.workerUrl ?? new URL('./lrlab-worker.js', import.meta.url);
  }

  /** Workers started so far (they are kept for the next run until close()). */
  get workers(): number {
    return this.#workers.length;
  }

  async run(tasks: TrialTask[], onOutcome: (outcome: TrialOutcome) => void | Promise<void>, signal?: AbortSignal): Promise<void> {
    if (tasks.length === 0 || signal?.aborted) return;
    const wasm = await wasmModule(this.#wasm);
    const count = Math.min(this.concurrency, tasks.length);
    while (this.#workers.length < count) this.#workers.push(this.#spawn(wasm));
    const workers = this.#workers.slice(0, count);
    const queue = [...tasks];
    const abort = () => workers.forEach((w) => w.postMessage({ type: 'abort' } satisfies ToWorker));
    signal?.addEventListener('abort', abort);
    try {
      await Promise.all(workers.map(async (worker) => {
        for (let task = queue.shift(); task && !signal?.aborted; task = queue.shift()) {
          await onOutcome(await this.#runOn(worker, task));
        }
      }));
    } finally {
      signal?.removeEventListener('abort', abort);
    }
  }

  async close(): Promise<void> {
    this.#workers.forEach((w) => w.terminate());
    this.#workers = [];
  }

  #spawn(wasm: WebAssembly.Module): Worker {
    const worker = new Worker(this.#workerUrl, { type: 'module', name: `lrlab-${this.#workers.length}` });
    worker.postMessage({ type: 'init', wasm } satisfies ToWorker);
    return worker;
  }

  #runOn(worker: Worker, task: TrialTask): Promise<TrialOutcome> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        worker.removeEventListener('message', onMessage);
        worker.removeEventListener('error', onError);
        worker.removeEventListener('messageerror', onError);
      };
      const onMessage = (event: MessageEvent<FromWorker>) => {
        const reply = event.data;
        if (reply.id !== id) return;
        cleanup();
        if (reply.type === 'outcome') resolve(reply.outcome);
        else reject(new Error(`lrlab: a sweep worker failed on trial ${task.trial.id}: ${reply.message}`));
      };
      const onError = (event: Event) => {
        cleanup();
        const detail = event instanceof ErrorEvent && event.message ? event.message : `could not start or run ${String(this.#workerUrl)}`;
        reject(new Error(`lrlab: a sweep worker failed on trial ${task.trial.id}: ${detail}`));
      };
      worker.addEventListener('message', onMessage);
      worker.addEventListener('error', onError);
      worker.addEventListener('messageerror', onError);
      worker.postMessage({ type: 'run', id, task } satisfies ToWorker);
    });
  }
}
