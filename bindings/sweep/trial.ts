/**
 * runTrial: the one function every executor runs (inline, worker threads, Web
 * Workers, a queue worker). A trial that throws is a result with status
 * 'failed', never an exception: one bad trial must not stop a sweep.
 */
import { runExperiment, type PreparedData } from '../experiment.js';
import type { PreparedDataCache } from '../data/prepared-cache.js';
import type { WasmSource } from '../backend/index.js';
import type { Trial, TrialResult } from './types.js';

export interface TrialTask {
  trial: Trial;
  /** Successive halving: train to this many epochs in all (instead of spec.epochs), as rung `rung`. */
  epochs?: number;
  rung?: number;
  /** Continue from this checkpoint (a previous rung's). */
  resumeFrom?: Uint8Array;
  /** Return the model's checkpoint with the result (for the next rung). */
  keepCheckpoint?: boolean;
}

export interface TrialOutcome {
  result: TrialResult;
  checkpoint?: Uint8Array;
}

export interface TrialRunOptions {
  wasm?: WasmSource;
  signal?: AbortSignal;
  /** The runner's data cache: its trials on the same generated data share one copy. */
  dataCache?: PreparedDataCache<PreparedData>;
}

export async function runTrial(task: TrialTask, options: TrialRunOptions = {}): Promise<TrialOutcome> {
  const { trial } = task;
  const started = performance.now();
  const base = { id: trial.id, index: trial.index, params: trial.params, repeat: trial.repeat };
  const rung = task.rung === undefined ? {} : { rung: task.rung };
  try {
    const spec = task.epochs === undefined ? trial.spec : { ...trial.spec, epochs: task.epochs };
    const run = await runExperiment(spec, { wasm: options.wasm, signal: options.signal, resumeFrom: task.resumeFrom, dataCache: options.dataCache });
    try {
      const result: TrialResult = {
        ...base, ...rung, status: run.history.status, history: run.history, train: run.train, timeMs: performance.now() - started,
      };
      if (run.test) result.test = run.test;
      return task.keepCheckpoint ? { result, checkpoint: run.model.save() } : { result };
    } finally {
      run.model.dispose(); // the runner's next trial reuses its wasm instance instead of paging in fresh memory
    }
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { result: { ...base, ...rung, status: 'failed', error: message, timeMs: performance.now() - started } };
  }
}
