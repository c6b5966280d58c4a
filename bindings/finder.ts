/**
 * The LR range test (Smith 2017, "Cyclical Learning Rates", §3.3; as fastai's
 * lr_find): train for `steps` minibatches while the LR ramps from startLr to
 * endLr (exponentially by default), record the loss, smooth it with a debiased
 * moving average, stop once it explodes, and suggest an LR. The model's
 * weights, optimizer state and step counter are restored afterwards, so
 * training starts from the same point as before the test.
 *
 * Suggestions, computed as fastai does on the smoothed curve without its first
 * 10 % and last 5 points:
 *  - steepest: where the loss falls fastest per unit of log LR;
 *  - minimum:  the LR of the lowest loss, divided by 10;
 *  - valley:   the middle-to-late part of the longest falling stretch (fastai's
 *              default since 2.7), the one `suggested` reports.
 */
import { TRAIN } from './backend/types.js';
import { checkBatchCapacity, Model } from './model.js';
import { experimentData, validateExperiment, type ExperimentSpec } from './experiment.js';
import type { Dataset } from './types.js';
import { LrlabError } from './errors.js';
import { checkBoolean, checkChoice, checkKeys, checkObject, numberOr } from './validate.js';

export interface FindLrOptions {
  startLr?: number; // 1e-7
  endLr?: number; // 10
  steps?: number; // 100
  mode?: 'exponential' | 'linear';
  /** β of the moving average: avg = β·avg + (1 − β)·loss, shown as avg / (1 − β^(i+1)). Default 0.98. */
  smoothing?: number;
  /** Stop once the smoothed loss exceeds this multiple of its minimum. Default 4 (fastai). */
  stopFactor?: number;
  batchSize?: number; // 32
  shuffle?: boolean; // true
}

export interface FindLrResult {
  lrs: number[];
  losses: number[];
  smoothed: number[];
  /** True when the loss exploded before endLr. */
  stoppedEarly: boolean;
  suggestions: { steepest: number; minimum: number; valley: number };
  /** The valley suggestion. */
  suggested: number;
}

/** The range test's length: fastai's 100 by default; more than 10 000 minibatches adds no resolution a plot could show. */
export const MIN_FINDER_STEPS = 10;
export const MAX_FINDER_STEPS = 10_000;

const KEYS = ['startLr', 'endLr', 'steps', 'mode', 'smoothing', 'stopFactor', 'batchSize', 'shuffle'];
/** The finder shuffles with epoch streams far from any fit's, so its batches never replay a fit's order by accident. */
const FINDER_EPOCH_BASE = 1 << 30;

/**
 * The range test of a model on data, or of an ExperimentSpec: then on the
 * spec's own training rows (split and standardized as runExperiment does), from
 * its initial weights, at its batch size unless `options.batchSize` says
 * otherwise. The best LR depends on the batch size, so the test must see the
 * batches the training will.
 */
export async function findLr(spec: ExperimentSpec, options?: FindLrOptions): Promise<FindLrResult>;
export async function findLr(model: Model, data: Dataset, options?: FindLrOptions): Promise<FindLrResult>;
export async function findLr(target: Model | ExperimentSpec, dataOrOptions?: Dataset | FindLrOptions, maybeOptions: FindLrOptions = {}): Promise<FindLrResult> {
  if (target instanceof Model) return rangeTest(target, dataOrOptions as Dataset, maybeOptions);
  const options = (dataOrOptions ?? {}) as FindLrOptions;
  validateExperiment(target, 'experiment');
  const { train } = await experimentData(target);
  const model = await Model.create({ model: target.model, optimizer: target.optimizer, seed: target.seed, backend: target.backend });
  return rangeTest(model, train, { ...options, batchSize: options.batchSize ?? target.batchSize });
}

async function rangeTest(model: Model, data: Dataset, options: FindLrOptions): Promise<FindLrResult> {
  const o = checkObject('findLr', options);
  checkKeys('findLr', o, KEYS);
  const startLr = numberOr('findLr.startLr', o.startLr, 1e-7, { above: 0 });
  const endLr = numberOr('findLr.endLr', o.endLr, 10, { above: 0 });
  if (endLr <= startLr) throw new LrlabError('INVALID_OPTION', 'findLr.endLr', endLr, `must be greater than startLr (${startLr})`);
  const steps = numberOr('findLr.steps', o.steps, 100, { min: MIN_FINDER_STEPS, max: MAX_FINDER_STEPS, integer: true });
  const mode = o.mode === undefined ? 'exponential' : checkChoice('findLr.mode', o.mode, ['exponential', 'linear'] as const);
  const beta = numberOr('findLr.smoothing', o.smoothing, 0.98, { min: 0, below: 1 });
  const stopFactor = numberOr('findLr.stopFactor', o.stopFactor, 4, { above: 1 });
  const batchSize = numberOr('findLr.batchSize', o.batchSize, 32, { min: 1, integer: true });
  const shuffle = checkBoolean('findLr.shuffle', o.shuffle, true);
  model.checkData(data, 'data');
  const rows = data.x.rows;

  const backend = model.internals;
  const saved = {
    params: backend.params().slice(),
    slots: Array.from({ length: backend.slotCount }, (_, k) => backend.slot(k).slice()),
    scalars: backend.scalars().slice(),
  };
  checkBatchCapacity(model.spec, Math.min(batchSize, rows), 'findLr.batchSize');
  backend.setBatchCapacity(Math.min(batchSize, rows));
  backend.setData(TRAIN, data.x.data, data.y.data, rows);
  const lrs: number[] = [], losses: number[] = [], smoothed: number[] = [];
  let average = 0, best = Infinity, stoppedEarly = false;
  let pass = 0, start = rows;
  try {
    for (let i = 0; i < steps; i++) {
      if (start >= rows) {
        backend.beginEpoch(model.seed, FINDER_EPOCH_BASE + pass++, shuffle);
        start = 0;
      }
      const t = i / (steps - 1);
      const lr = mode === 'exponential' ? startLr * (endLr / startLr) ** t : startLr + (endLr - startLr) * t;
      const count = Math.min(batchSize, rows - start);
      const loss = backend.trainBatch(start, count, lr);
      start += count;
      average = beta * average + (1 - beta) * loss;
      const smooth = average / (1 - beta ** (i + 1));
      lrs.push(lr);
      losses.push(loss);
      smoothed.push(smooth);
      if (!Number.isFinite(smooth) || smooth > stopFactor * best) {
        stoppedEarly = i < steps - 1;
        break;
      }
      best = Math.min(best, smooth);
    }
  } finally {
    backend.params().set(saved.params);
    saved.slots.forEach((values, k) => backend.slot(k).set(values));
    backend.scalars().set(saved.scalars);
  }
  const suggestions = suggest(lrs, smoothed);
  return { lrs, losses, smoothed, stoppedEarly, suggestions, suggested: suggestions.valley };
}

/** fastai's three suggestions on the trimmed curve (see the file comment). */
export function suggest(lrs: number[], smoothed: number[]): FindLrResult['suggestions'] {
  const from = Math.floor(lrs.length / 10);
  const to = Math.max(from + 3, lrs.length - 5);
  const x = lrs.slice(from, to).filter((_, i) => Number.isFinite(smoothed[from + i]));
  const y = smoothed.slice(from, to).filter(Number.isFinite);
  if (y.length < 3) {
    throw new LrlabError('INVALID_DATA', 'findLr', y.length, 'needs at least 3 finite losses to suggest an LR; lower startLr or raise steps');
  }
  let steepest = 0, steepestSlope = Infinity, lowest = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] < y[lowest]) lowest = i;
    if (i + 1 < y.length) {
      const slope = (y[i + 1] - y[i]) / (Math.log(x[i + 1]) - Math.log(x[i]));
      if (slope < steepestSlope) { steepestSlope = slope; steepest = i; }
    }
  }
  return { steepest: x[steepest], minimum: x[lowest] / 10, valley: x[valleyIndex(y)] };
}

/**
 * fastai's valley: the longest strictly decreasing subsequence, and the point at
 * its start + ⌊len/3⌋ + ⌊len/6⌋ (its start taken as fastai takes it: end − length).
 * fastai compares every pair, O(n²); the same lengths come in O(n log n) from the
 * patience method: tails[k] is the largest last loss of a decreasing run of
 * length k + 1 seen so far, so a binary search over tails finds each point's length.
 */
export function valleyIndex(losses: number[]): number {
  const n = losses.length;
  const tails: number[] = [];
  let maxStart = 0, maxEnd = 0, maxLength = 1;
  for (let i = 0; i < n; i++) {
    // The first k whose tail is not above losses[i]: losses[i] then extends the run of length k.
    let lo = 0, hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (tails[mid] > losses[i]) lo = mid + 1;
      else hi = mid;
    }
    tails[lo] = losses[i];
    const length = lo + 1;
    if (maxLength < length) {
      maxLength = length;
      maxEnd = i;
      maxStart = maxEnd - length;
    }
  }
  const sections = (maxEnd - maxStart) / 3;
  return maxStart + Math.floor(sections) + Math.floor(sections / 2);
}
