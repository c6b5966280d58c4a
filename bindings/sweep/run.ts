/**
 * Runs a sweep on an executor: the trials not yet recorded, results streamed
 * to a store as they finish, one trial's failure or divergence recorded and
 * never stopping the rest. With successive halving, rung r trains the
 * surviving trials to epochs / eta^(rungs − 1 − r) and keeps the best 1/eta.
 */
import type { Executor } from './executor.js';
import type { NormalizedSweep } from './spec.js';
import { expandSweep } from './spec.js';
import { ResultStore } from './store.js';
import type { TrialOutcome, TrialTask } from './trial.js';
import type { Trial, TrialResult } from './types.js';
import type { History } from '../history.js';

export interface SweepProgress {
  done: number;
  total: number;
  result: TrialResult;
}

export interface SweepRunOptions {
  executor: Executor;
  /** Where results are kept; without one they live only in memory. */
  store?: ResultStore;
  signal?: AbortSignal;
  onResult?(progress: SweepProgress): void;
}

/** The final result of every trial (its last rung under halving), in sweep order. */
export async function runSweep(sweep: NormalizedSweep, options: SweepRunOptions): Promise<TrialResult[]> {
  const trials = expandSweep(sweep);
  // With a store, its results (earlier runs' included) are the record; without one, this array.
  const record = options.store?.results ?? [];
  const run: RungRun = { options, record, done: 0, total: trials.length };
  if (!sweep.halving) {
    await runRung(run, trials.map((trial) => ({ trial })));
    return latest(trials, record);
  }
  return runHalving(sweep, trials, run);
}

interface RungRun {
  options: SweepRunOptions;
  record: TrialResult[];
  done: number;
  total: number;
}

/** Runs the tasks not yet recorded. `earlier` holds the previous rung's results of continued trials. */
async function runRung(run: RungRun, tasks: TrialTask[], checkpoints?: Map<string, Uint8Array>, earlier?: Map<string, TrialResult>): Promise<void> {
  const { executor, store, signal } = run.options;
  const pending = store ? tasks.filter((t) => !store.has(t.trial.id, t.rung)) : tasks;
  run.done += tasks.length - pending.length;
  const continued = new Set(pending.filter((t) => t.resumeFrom).map((t) => t.trial.id));
  await executor.run(pending, async (outcome: TrialOutcome) => {
    // A trial cut short by Ctrl-C is not done: it is not recorded and runs again next time.
    if (outcome.result.status === 'aborted' && signal?.aborted) return;
    const previous = continued.has(outcome.result.id) ? earlier?.get(outcome.result.id) : undefined;
    const result = previous ? withEarlierEpochs(outcome.result, previous) : outcome.result;
    if (outcome.checkpoint) checkpoints?.set(result.id, outcome.checkpoint);
    if (store) await store.append(result);
    else run.record.push(result);
    run.options.onResult?.({ done: ++run.done, total: run.total, result });
  }, signal);
}

async function runHalving(sweep: NormalizedSweep, trials: Trial[], run: RungRun): Promise<TrialResult[]> {
  const { rungs, eta } = sweep.halving!;
  const epochs = sweep.base.epochs;
  const budgets = Array.from({ length: rungs }, (_, r) => Math.max(1, Math.round(epochs / eta ** (rungs - 1 - r))));
  const checkpoints = new Map<string, Uint8Array>();
  const finals = new Map<string, TrialResult>();
  let survivors = trials;
  run.total = trials.reduce((n, _, i) => n + rungSize(trials.length, eta, rungs, i), 0);
  for (let rung = 0; rung < rungs; rung++) {
    const last = rung === rungs - 1;
    // Without its checkpoint (a restarted sweep) a trial reruns from scratch: the same spec
    // and seed give the same weights, so the result is the same as continuing.
    const tasks: TrialTask[] = survivors.map((trial) => ({
      trial, epochs: budgets[rung], rung, keepCheckpoint: !last, resumeFrom: checkpoints.get(trial.id),
    }));
    await runRung(run, tasks, checkpoints, finals);
    for (const trial of survivors) {
      const result = run.record.find((r) => r.id === trial.id && r.rung === rung);
      if (result) finals.set(trial.id, result);
    }
    if (run.options.signal?.aborted) break;
    if (!last) survivors = best(survivors.filter((t) => finals.has(t.id)), finals, Math.ceil(survivors.length / eta));
  }
  return trials.filter((t) => finals.has(t.id)).map((t) => finals.get(t.id)!);
}

/** How many trials rung r holds (for progress): n, ⌈n/η⌉, ⌈n/η²⌉… — counted per trial index. */
function rungSize(n: number, eta: number, rungs: number, index: number): number {
  let count = 0, size = n;
  for (let r = 0; r < rungs; r++) {
    if (index < size) count++;
    size = Math.ceil(size / eta);
  }
  return count;
}

/** The k trials with the lowest final (validation, else training) loss; diverged, failed and aborted ones last. */
function best(trials: Trial[], finals: Map<string, TrialResult>, k: number): Trial[] {
  const score = (t: Trial): number => {
    const r = finals.get(t.id)!;
    const h = r.history;
    const loss = h ? (h.valLoss?.at(-1) ?? h.loss.at(-1)) : undefined;
    const usable = r.status === 'completed' || r.status === 'stopped'; // stopped: early stopping, a normal end
    return usable && loss !== undefined && Number.isFinite(loss) ? loss : Infinity;
  };
  return [...trials].sort((a, b) => score(a) - score(b) || a.index - b.index).slice(0, k).sort((a, b) => a.index - b.index);
}

function latest(trials: Trial[], results: TrialResult[]): TrialResult[] {
  const byId = new Map(results.map((r) => [r.id, r]));
  return trials.filter((t) => byId.has(t.id)).map((t) => byId.get(t.id)!);
}

/** A continued trial's History covers only its new epochs: put the earlier rung's in front. */
function withEarlierEpochs(result: TrialResult, previous: TrialResult): TrialResult {
  if (!result.history || !previous.history) return result;
  const a = previous.history, b = result.history;
  const join = (x?: number[], y?: number[]) => (x && y ? [...x, ...y] : undefined);
  const history: History = {
    ...b,
    epoch: [...a.epoch, ...b.epoch], loss: [...a.loss, ...b.loss], lr: [...a.lr, ...b.lr], time: [...a.time, ...b.time],
    events: [...a.events, ...b.events],
  };
  for (const key of ['accuracy', 'valLoss', 'valAccuracy', 'stepLr'] as const) {
    const merged = join(a[key], b[key]);
    if (merged) history[key] = merged;
  }
  return { ...result, history, timeMs: previous.timeMs + result.timeMs };
}
