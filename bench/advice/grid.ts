/**
 * Training a problem at given learning rates over the benchmark's seeds, on an
 * executor, and reading each run's final and best validation loss. Shared by
 * the ground truth and the scoring of advisors.
 */
import { bestLoss, finalLoss } from '../../bindings/diagnostics/results.js';
import type { ExperimentSpec } from '../../bindings/experiment.js';
import type { Executor } from '../../bindings/sweep/executor.js';
import { runSweep } from '../../bindings/sweep/run.js';
import { validateSweep } from '../../bindings/sweep/spec.js';
import type { TrialResult } from '../../bindings/sweep/types.js';

/** The seeds of every evaluation: spec.seed + 0, 1, 2. */
export const SEEDS = 3;

export interface RunScore {
  lr: number;
  seed: number;
  /** Final validation loss; null when the run diverged (or ended non-finite). */
  final: number | null;
  /** Lowest validation loss over the epochs; null when none was finite. */
  best: number | null;
  status: string;
  cause?: string;
  epochs: number;
}

export function scoreOf(r: TrialResult): RunScore {
  const f = finalLoss(r), b = bestLoss(r);
  const cause = r.history?.events.find((e) => e.kind === 'diverged')?.cause;
  return {
    lr: Number(r.params['optimizer.lr']), seed: r.repeat, status: r.status,
    final: r.status === 'diverged' || !Number.isFinite(f) ? null : f,
    best: Number.isFinite(b) ? b : null,
    ...(cause ? { cause } : {}),
    epochs: r.history?.epoch.length ?? 0,
  };
}

/** Trains `spec` at every LR × SEEDS seeds; the scores in LR order, then seed. */
export async function trainAt(spec: ExperimentSpec, lrs: number[], executor: Executor, repeats = SEEDS): Promise<RunScore[]> {
  const sweep = validateSweep({ base: spec, axes: { 'optimizer.lr': lrs }, repeats });
  const results = await runSweep(sweep, { executor });
  return results.map(scoreOf);
}

/** Mean final validation loss of one LR's runs (Infinity when any diverged: the LR is not safe). */
export function meanFinal(runs: RunScore[], objective: 'final' | 'best' = 'final'): number {
  if (runs.length === 0) return NaN;
  let sum = 0;
  for (const r of runs) {
    const v = objective === 'final' ? r.final : r.best;
    if (v === null) return Infinity;
    sum += v;
  }
  return sum / runs.length;
}
