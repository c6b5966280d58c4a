/**
 * Executors run trial tasks and report each outcome as it finishes. They all
 * run the same runTrial; they differ only in where: inline here, a pool of
 * worker threads (pool.ts), Web Workers in a browser, or a queue.
 */
import type { WasmSource } from '../backend/index.js';
import { PreparedDataCache } from '../data/prepared-cache.js';
import type { PreparedData } from '../experiment.js';
import { runTrial, type TrialOutcome, type TrialTask } from './trial.js';

export interface Executor {
  readonly name: string;
  /** Trials run at the same time. */
  readonly concurrency: number;
  /** Runs every task; resolves when all are done (or the signal fired and running ones finished). */
  run(tasks: TrialTask[], onOutcome: (outcome: TrialOutcome) => void | Promise<void>, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/** One trial after another in this thread. */
export class InlineExecutor implements Executor {
  readonly name = 'inline';
  readonly concurrency = 1;

  readonly #dataCache = new PreparedDataCache<PreparedData>();

  constructor(private readonly wasm?: WasmSource) {}

  async run(tasks: TrialTask[], onOutcome: (outcome: TrialOutcome) => void | Promise<void>, signal?: AbortSignal): Promise<void> {
    for (const task of tasks) {
      if (signal?.aborted) return;
      await onOutcome(await runTrial(task, { wasm: this.wasm, signal, dataCache: this.#dataCache }));
    }
  }

  async close(): Promise<void> {}
}
