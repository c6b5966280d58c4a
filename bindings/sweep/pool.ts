/**
 * A pool of Node worker threads, one per core by default. The wasm module is
 * compiled once in the main thread and shared with every worker (a
 * WebAssembly.Module crosses postMessage without recompiling). Tasks go to
 * whichever worker is free; outcomes arrive in completion order.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { wasmModule, type WasmSource } from '../backend/wasm-module.js';
import { LrlabError } from '../errors.js';
import type { Executor } from './executor.js';
import type { TrialOutcome, TrialTask } from './trial.js';

export class PoolExecutor implements Executor {
  readonly name = 'pool';
  readonly concurrency: number;
  #workers: Worker[] = [];
  readonly #wasm?: WasmSource;

  constructor(options: { concurrency?: number; wasm?: WasmSource } = {}) {
    const { concurrency = availableParallelism() } = options;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new LrlabError('INVALID_OPTION', 'concurrency', concurrency, 'must be an integer >= 1');
    }
    this.concurrency = concurrency;
    this.#wasm = options.wasm;
  }

  async run(tasks: TrialTask[], onOutcome: (outcome: TrialOutcome) => void | Promise<void>, signal?: AbortSignal): Promise<void> {
    await this.#start();
    const queue = [...tasks];
    const idle = async (worker: Worker): Promise<void> => {
      for (let task = queue.shift(); task && !signal?.aborted; task = queue.shift()) {
        const outcome = await runOn(worker, task);
        await onOutcome(outcome);
      }
    };
    await Promise.all(this.#workers.map(idle));
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
    this.#workers = [];
  }

  async #start(): Promise<void> {
    if (this.#workers.length) return;
    const wasm = await wasmModule(this.#wasm);
    const entry = new URL(import.meta.url.endsWith('.ts') ? './pool-worker.ts' : './pool-worker.js', import.meta.url);
    // The sources are TypeScript: a worker first registers tsx's loader, then imports its entry.
    // (Node 20 does not apply a loader given by --import to a worker's own entry file.)
    const boot = `(async () => { (await import(${JSON.stringify(tsxApi())})).register(); await import(${JSON.stringify(entry.href)}); })()`;
    for (let i = 0; i < this.concurrency; i++) this.#workers.push(new Worker(boot, { eval: true, workerData: { wasm } }));
  }
}

function runOn(worker: Worker, task: TrialTask): Promise<TrialOutcome> {
  return new Promise((resolve, reject) => {
    const done = (outcome: TrialOutcome) => { cleanup(); resolve(outcome); };
    const failed = (error: Error) => { cleanup(); reject(error); };
    const exited = (code: number) => { cleanup(); reject(new Error(`a pool worker exited with code ${code} during trial ${task.trial.id}`)); };
    const cleanup = () => { worker.off('message', done); worker.off('error', failed); worker.off('exit', exited); };
    worker.on('message', done);
    worker.on('error', failed);
    worker.on('exit', exited);
    worker.postMessage(task);
  });
}

let api: string | undefined;
function tsxApi(): string {
  // The ESM build of tsx's API (the CommonJS one registers a loader the worker cannot find).
  api ??= pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  return api;
}
