/**
 * A pool of Node worker threads plus the calling thread: `concurrency` trials
 * at a time (one per core by default) on concurrency − 1 workers and this
 * thread. The wasm module is compiled once in the main thread and shared with
 * every worker (a WebAssembly.Module crosses postMessage without recompiling).
 *
 * Workers start when the pool is made and are kept for every run of the pool
 * (unref'd between runs). A run sends every worker the whole task list; each
 * runner, this thread included, takes the next task from a shared counter as
 * soon as it is free (pool-claims.ts). This thread starts on the first task at
 * once, so a short sweep does not wait for workers to boot; a worker never
 * waits for this thread (busy in its own trial) to hand it work; and the last
 * tasks go to whoever is free, not to a worker that queued them. Outcomes are
 * recorded one after the other in completion order; every runner runs the
 * same runTrial, so the results are those of inline execution, bit for bit.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { wasmModule, type WasmSource } from '../backend/wasm-module.js';
import { spawnModuleWorker } from '../backend/spawn-worker.js';
import { LrlabError } from '../errors.js';
import type { Executor } from './executor.js';
import { PreparedDataCache } from '../data/prepared-cache.js';
import type { PreparedData } from '../experiment.js';
import { CLAIM_WORDS, STOP, claimNext, type PoolReply, type PoolRun } from './pool-claims.js';
import { runTrial, type TrialOutcome, type TrialTask } from './trial.js';

export class PoolExecutor implements Executor {
  readonly name = 'pool';
  readonly concurrency: number;
  #workers: Promise<Worker[]> | undefined;
  readonly #wasm?: WasmSource;
  readonly #dataCache = new PreparedDataCache<PreparedData>(); // this thread's
  #runs = 0;
  readonly #exited = new WeakSet<Worker>();

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

  /** Runs the tasks (one run at a time per pool); resolves once every outcome is recorded. */
  async run(tasks: TrialTask[], onOutcome: (outcome: TrialOutcome) => void | Promise<void>, signal?: AbortSignal): Promise<void> {
    this.#workers ??= this.#start();
    const workers = await this.#workers;
    const wasm = await wasmModule(this.#wasm);
    if (tasks.length === 0 || signal?.aborted) return;
    const claims = new Int32Array(new SharedArrayBuffer(4 * CLAIM_WORDS));
    const stop = () => Atomics.store(claims, STOP, 1);
    let failure: { error: unknown } | undefined;
    const fail = (error: unknown) => {
      failure ??= { error };
      stop();
    };
    // One recording chain for every runner's outcomes: the store appends one line at a time.
    let recording = Promise.resolve();
    const record = (outcome: TrialOutcome) => {
      recording = recording.then(() => (failure ? undefined : onOutcome(outcome))).catch(fail);
    };
    const message: PoolRun = { run: ++this.#runs, tasks, claims: claims.buffer as SharedArrayBuffer };
    signal?.addEventListener('abort', stop, { once: true });
    workers.forEach((w) => w.ref());
    try {
      const remote = workers.filter((w) => !this.#exited.has(w)).map((worker) => drain(worker, message, record).catch(fail));
      // This thread's share, as InlineExecutor, yielding inside each fit (so worker outcomes get recorded meanwhile).
      for (let index = claimNext(claims, tasks.length); index >= 0; index = claimNext(claims, tasks.length)) {
        record(await runTrial(tasks[index], { wasm, signal, dataCache: this.#dataCache }));
        if (signal?.aborted) stop();
      }
      await Promise.all(remote);
      await recording;
    } finally {
      signal?.removeEventListener('abort', stop);
      workers.forEach((w) => w.unref());
    }
    if (failure) throw failure.error;
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
      worker.once('exit', () => this.#exited.add(worker)); // a crashed worker gets no more runs (it would never answer)
      return worker;
    });
  }
}

/** Hands `run` to one worker and passes on its outcomes until it says it took its last task. */
function drain(worker: Worker, run: PoolRun, record: (outcome: TrialOutcome) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const replied = (reply: PoolReply<TrialOutcome>) => {
      if (reply.run !== run.run) return; // the end of an earlier run that failed
      if ('done' in reply) { cleanup(); resolve(); } else record(reply.outcome);
    };
    const failed = (error: Error) => { cleanup(); reject(error); };
    const exited = (code: number) => { cleanup(); reject(new Error(`a pool worker exited with code ${code} during a sweep`)); };
    const cleanup = () => { worker.off('message', replied); worker.off('error', failed); worker.off('exit', exited); };
    worker.on('message', replied);
    worker.on('error', failed);
    worker.on('exit', exited);
    worker.postMessage(run);
  });
}
