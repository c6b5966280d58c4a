/**
 * Types of sweeps: a trial is one experiment spec with an id derived from it;
 * its result is plain JSON (one JSONL line on disk). Non-finite numbers
 * (a diverged loss) are written as null in JSON and read back as NaN.
 */
import type { ExperimentSpec } from '../experiment.js';
import type { Evaluation } from '../model.js';
import type { FitStatus, History } from '../history.js';

/** The value a trial took on each swept axis, by axis path (e.g. "optimizer.lr"). */
export type AxisValues = Record<string, unknown>;

export interface Trial {
  /** Stable id: a hash of the trial's spec, so the same trial always gets the same id. */
  id: string;
  /** Position in the sweep's expansion (cell-major, then repeat). */
  index: number;
  /** The swept values of this trial's cell. */
  params: AxisValues;
  /** 0-based repeat within the cell (each repeat has its own seed). */
  repeat: number;
  spec: ExperimentSpec;
}

export interface TrialResult {
  id: string;
  index: number;
  params: AxisValues;
  repeat: number;
  /** The fit's status, or 'failed' when the trial threw (bad spec, missing file…). */
  status: FitStatus | 'failed';
  error?: string;
  history?: History;
  train?: Evaluation;
  test?: Evaluation;
  /** Wall time of the trial in milliseconds. */
  timeMs: number;
  /** Successive halving: the rung this result ends (0-based); absent without halving. */
  rung?: number;
}

/** What the diagnostics make of one trial's curves. */
export type CurveLabel = 'diverged' | 'oscillating' | 'too_slow' | 'plateaued_early' | 'good';

export interface Diagnosis {
  label: CurveLabel;
  /** One sentence with the numbers that led to the label. */
  reason: string;
  /** The measurements behind the label (relative drop, swing ratio, …), by name. */
  numbers: Record<string, number>;
}

/** One point of the sensitivity ("U") curve: a value of the swept axis, over repeats. */
export interface SensitivityPoint {
  /** The swept axis value (e.g. the learning rate); on a categorical axis, the category's number (0, 1, … in order of first appearance). */
  x: number;
  /** Categorical axes (optimizer.name, schedule objects…): the category itself, and its readable label ("inverse_time rate=0.01"). */
  value?: unknown;
  label?: string;
  /** The other swept axes' values that define this curve (e.g. { "optimizer.momentum": 0.9 }). */
  group: AxisValues;
  finalLoss: { mean: number; std: number; n: number };
  bestLoss: { mean: number; std: number; n: number };
  /** Final test (or validation, or train) accuracy, when the loss is a classification loss. */
  finalAccuracy?: { mean: number; std: number; n: number };
  /** How many repeats diverged. */
  diverged: number;
}

export interface SweepAnalysis {
  /** The axis the sensitivity curve is drawn against (default "optimizer.lr"). */
  axis: string;
  diagnoses: Record<string, Diagnosis>; // by trial id
  sensitivity: SensitivityPoint[];
  /** The best cell's repeat with the lowest final loss (validation loss when recorded, else training loss). */
  bestTrialId: string | null;
  /**
   * The best configuration: the cell (one combination of swept values) with the lowest MEAN final loss
   * over its repeats among the stable ones (the recommendation's anchor), with its params and trials.
   * Absent in analyses made by hand.
   */
  bestCell?: (SensitivityPoint & { params: AxisValues; trialIds: string[] }) | null;
  /**
   * The recommended range of the axis, with a sentence explaining it; null when nothing trained well.
   * On a categorical axis: one category, low = high = its x, with its value and label.
   * `x` is the recommended value itself (the stable point with the lowest mean final loss) and
   * `group` the other swept axes' values it goes with (e.g. { "optimizer.momentum": 0.9 }).
   */
  recommended: { low: number; high: number; x: number; group: AxisValues; value?: unknown; label?: string; explanation: string } | null;
  /** Why `recommended` is null, in a sentence; absent when there is a recommendation. */
  noRecommendation?: string;
  /**
   * Successive halving: the rung whose results were ranked. Trials of different rungs trained for
   * different budgets, so only the results of the highest rung reached are compared (best trial,
   * sensitivity, recommendation); the others are diagnosed but not ranked.
   */
  rankedRung?: number;
}
