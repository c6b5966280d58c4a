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
import { existsSync } from 'node:fs';
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
    for (let i = 0; i < this.concurrency; i++) this.#workers.push(spawnWorker(wasm));
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

/**
 * A worker runs build/pool-worker.mjs, the worker bundled by `npm run build`
 * (it starts in tens of milliseconds); without the bundle it registers tsx's
 * loader and imports the TypeScript entry (a few hundred milliseconds: Node 20
 * does not apply a loader given by --import to a worker's own entry file).
 */
function spawnWorker(wasm: WebAssembly.Module): Worker {
  const bundle = new URL('../../build/pool-worker.mjs', import.meta.url);
  if (existsSync(bundle)) return new Worker(bundle, { workerData: { wasm } });
  const entry = new URL('./pool-worker.ts', import.meta.url);
  const boot = `(async () => { (await import(${JSON.stringify(tsxApi())})).register(); await import(${JSON.stringify(entry.href)}); })()`;
  return new Worker(boot, { eval: true, workerData: { wasm } });
}

let api: string | undefined;
function tsxApi(): string {
  // The ESM build of tsx's API (the CommonJS one registers a loader the worker cannot find).
  api ??= pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  return api;
}
