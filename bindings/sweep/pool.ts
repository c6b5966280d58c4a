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
import { CLAIM_WORDS, claimNext, closeClaims, type PoolReply, type PoolRun } from './pool-claims.js';
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

  /**
   * Runs the tasks; resolves once every task taken has its outcome recorded. It never waits
   * for a worker still starting: when this thread has taken the last task, one that took none has none to finish.
   */
  async run(tasks: TrialTask[], onOutcome: (outcome: TrialOutcome) => void | Promise<void>, signal?: AbortSignal): Promise<void> {
    this.#workers ??= this.#start();
    const workers = await this.#workers;
    const wasm = await wasmModule(this.#wasm);
    if (tasks.length === 0 || signal?.aborted) return;
    const claims = new Int32Array(new SharedArrayBuffer(4 * CLAIM_WORDS));
    let taken: number | undefined; // fixed once no runner can take another task
    const close = () => (taken ??= closeClaims(claims, tasks.length));
    let received = 0;
    let failure: { error: unknown } | undefined;
    let settle = () => {};
    const fail = (error: unknown) => {
      failure ??= { error };
      close();
      settle();
    };
    // One recording chain for every runner's outcomes: the store appends one line at a time.
    let recording = Promise.resolve();
    const record = (outcome: TrialOutcome) => {
      received++;
      recording = recording.then(() => (failure ? undefined : onOutcome(outcome))).catch(fail);
      settle();
    };
    const message: PoolRun = { run: ++this.#runs, tasks, claims: claims.buffer as SharedArrayBuffer };
    signal?.addEventListener('abort', close, { once: true });
    const live = workers.filter((w) => !this.#exited.has(w));
    const detach = live.map((worker) => listen(worker, message.run, record, fail));
    live.forEach((w) => { w.ref(); w.postMessage(message); });
    try {
      // This thread's share, as InlineExecutor, yielding inside each fit (so worker outcomes get recorded meanwhile).
      for (let index = claimNext(claims, tasks.length); index >= 0; index = claimNext(claims, tasks.length)) {
        record(await runTrial(tasks[index], { wasm, signal, dataCache: this.#dataCache }));
      }
      close();
      await new Promise<void>((resolve) => {
        settle = () => { if (failure || received >= taken!) resolve(); };
        settle();
      });
      await recording;
    } finally {
      signal?.removeEventListener('abort', close);
      detach.forEach((off) => off());
      live.forEach((w) => w.unref());
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

/** Passes on one worker's outcomes of run `run` (and its failure); returns the function that stops listening. */
function listen(worker: Worker, run: number, record: (outcome: TrialOutcome) => void, fail: (error: Error) => void): () => void {
  const replied = (reply: PoolReply<TrialOutcome>) => { if (reply.run === run) record(reply.outcome); }; // not an earlier run's
  const exited = (code: number) => fail(new Error(`a pool worker exited with code ${code} during a sweep`));
  worker.on('message', replied);
  worker.on('error', fail);
  worker.on('exit', exited);
  return () => { worker.off('message', replied); worker.off('error', fail); worker.off('exit', exited); };
}
