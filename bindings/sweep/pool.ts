/**
 * A pool of Node worker threads plus the calling thread: `concurrency` trials
 * at a time (one per core by default) on concurrency − 1 workers and this
 * thread. The wasm module is compiled once in the main thread and shared with
 * every worker (a WebAssembly.Module crosses postMessage without recompiling).
 *
 * Workers start when the pool is made and are kept for every run of the pool
 * (unref'd between runs). A worker takes trials only once it is online, while
 * this thread starts on the first trial at once: a short sweep does not wait
 * for workers to boot. Each worker holds up to two tasks (it runs them one
 * after the other), so when it finishes one the next is already there instead
 * of waiting while the main thread records the outcome. Outcomes arrive in
 * completion order; every runner runs the same runTrial, so the results are
 * those of inline execution, bit for bit.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { wasmModule, type WasmSource } from '../backend/wasm-module.js';
import { spawnModuleWorker } from '../backend/spawn-worker.js';
import { LrlabError } from '../errors.js';
import type { Executor } from './executor.js';
import { PreparedDataCache } from '../data/prepared-cache.js';
import type { PreparedData } from '../experiment.js';
import { runTrial, type TrialOutcome, type TrialTask } from './trial.js';

const IN_FLIGHT = 2; // tasks held by one worker

export class PoolExecutor implements Executor {
  readonly name = 'pool';
  readonly concurrency: number;
  #workers: Promise<Worker[]> | undefined;
  #online = new WeakMap<Worker, Promise<void>>();
  readonly #wasm?: WasmSource;
  readonly #dataCache = new PreparedDataCache<PreparedData>(); // this thread's

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
    const wasm = await wasmModule(this.#wasm);
    // This thread's share: trial after trial, as InlineExecutor, yielding inside each fit.
    const here = async () => {
      for (let task = queue.shift(); task && !signal?.aborted; task = queue.shift()) await onOutcome(await runTrial(task, { wasm, signal, dataCache: this.#dataCache }));
    };
    workers.forEach((w) => w.ref());
    try {
      await Promise.all([here(), ...workers.map(async (worker) => {
        await this.#online.get(worker);
        if (queue.length > 0 && !signal?.aborted) await feed(worker, queue, onOutcome, signal);
      })]);
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
    return Array.from({ length: this.concurrency - 1 }, () => {
      const worker = spawnModuleWorker(new URL('./pool-worker.js', import.meta.url), 'pool-worker', { wasm });
      worker.unref(); // an idle pool never keeps the process alive (e.g. when a sweep is refused before it runs)
      this.#online.set(worker, new Promise((resolve, reject) => { worker.once('online', resolve); worker.once('error', reject); }));
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
    // The worker answers in the order it was given its tasks. The outcome joins the
    // recording chain before top() looks at it: the last one must be recorded before this resolves.
    const done = (outcome: TrialOutcome) => {
      sent.shift();
      recording = recording.then(() => onOutcome(outcome));
      recording.catch((error) => { cleanup(); reject(error); });
      top();
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
