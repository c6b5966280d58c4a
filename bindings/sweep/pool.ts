/**
 * A pool of Node worker threads plus the calling thread: `concurrency` trials
 * at a time (one per core by default) on concurrency − 1 workers and this
 * thread. The wasm module is compiled once in the main thread and shared with
 * every worker (a WebAssembly.Module crosses postMessage without recompiling).
 *
 * Workers start when the pool is made (or earlier: a command may start them
 * first thing, pool-prestart.ts, and the pool adopts them) and are kept for
 * every run of the pool (unref'd between runs). A run sends every worker the whole task list; each
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
import { LrlabError } from '../errors.js';
import type { Executor } from './executor.js';
import { PreparedDataCache } from '../data/prepared-cache.js';
import type { PreparedData } from '../experiment.js';
import { CLAIM_WORDS, claimNext, closeClaims, type PoolReply, type PoolRun, type PoolSetup } from './pool-claims.js';
import { announceRun, poolWorkerExited, spawnPoolWorker, takePrestartedWorkers } from './pool-prestart.js';
import { runTrial, type TrialOutcome, type TrialTask } from './trial.js';
import { yieldToEventLoop } from '../yield.js';

/**
 * One runner's share of a run, on this thread's clock (performance.now(), ms since the
 * process started): what the startup benchmark reports as each thread's busy time.
 */
export interface RunnerTimes {
  trials: number;
  /** The sum of its trials' times. */
  busyMs: number;
  /** When its first trial started and its last one ended (NaN when it ran none). */
  firstStartMs: number;
  lastEndMs: number;
}

export class PoolExecutor implements Executor {
  readonly name = 'pool';
  readonly concurrency: number;
  #workers: Promise<Worker[]> | undefined;
  readonly #wasm?: WasmSource;
  readonly #dataCache = new PreparedDataCache<PreparedData>(); // this thread's
  #runs = 0;
  #lastRunTimes: RunnerTimes[] = [];

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
    workers.forEach(announceRun); // a warm-up stops now, not at its fit's next turn of the event loop
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
    const live = workers.filter((w) => !poolWorkerExited(w));
    const times = this.#lastRunTimes = Array.from({ length: live.length + 1 }, () => ({ trials: 0, busyMs: 0, firstStartMs: NaN, lastEndMs: NaN }));
    const detach = live.map((worker, i) => listen(worker, message.run, (reply) => {
      addTrial(times[i + 1], reply.startedAt - performance.timeOrigin, reply.endedAt - performance.timeOrigin);
      record(reply.outcome);
    }, fail));
    live.forEach((w) => { w.ref(); w.postMessage(message); });
    try {
      // This thread's share, as InlineExecutor. After each trial the event loop gets a turn, in which the
      // outcomes the workers posted meanwhile are received and recorded: a fit yields only every 20 ms, so
      // a short trial never does, and they waited for this thread's last trial (and the sweep's end for them).
      for (let index = claimNext(claims, tasks.length); index >= 0; index = claimNext(claims, tasks.length)) {
        const started = performance.now();
        const outcome = await runTrial(tasks[index], { wasm, signal, dataCache: this.#dataCache });
        addTrial(times[0], started, performance.now());
        record(outcome);
        await yieldToEventLoop();
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

  /** The last run's runners: this thread first, then each worker. */
  get lastRunTimes(): readonly RunnerTimes[] {
    return this.#lastRunTimes;
  }

  async close(): Promise<void> {
    const workers = this.#workers;
    this.#workers = undefined;
    if (workers) await Promise.all((await workers.catch(() => [])).map((w) => w.terminate()));
  }

  /** Workers started ahead of the pool (pool-prestart.ts) first, given the module by message; new ones for the rest. */
  async #start(): Promise<Worker[]> {
    const wasm = await wasmModule(this.#wasm);
    const adopted = takePrestartedWorkers(this.concurrency - 1);
    const setup: PoolSetup = { wasm };
    adopted.forEach((w) => w.postMessage(setup));
    return [...adopted, ...Array.from({ length: this.concurrency - 1 - adopted.length }, () => spawnPoolWorker(wasm))];
  }
}

function addTrial(times: RunnerTimes, startMs: number, endMs: number): void {
  times.trials++;
  times.busyMs += endMs - startMs;
  if (!(times.firstStartMs <= startMs)) times.firstStartMs = startMs; // NaN at first
  times.lastEndMs = endMs;
}

/** Passes on one worker's replies of run `run` (and its failure); returns the function that stops listening. */
function listen(worker: Worker, run: number, record: (reply: PoolReply<TrialOutcome>) => void, fail: (error: Error) => void): () => void {
  const replied = (reply: PoolReply<TrialOutcome>) => { if (reply.run === run) record(reply); }; // not an earlier run's
  const exited = (code: number) => fail(new Error(`a pool worker exited with code ${code} during a sweep`));
  worker.on('message', replied);
  worker.on('error', fail);
  worker.on('exit', exited);
  return () => { worker.off('message', replied); worker.off('error', fail); worker.off('exit', exited); };
}
