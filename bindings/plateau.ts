/**
 * Reduce-on-plateau as a small state machine: feed it the monitored metric at
 * the end of each epoch with the current LR; it answers with a new LR or null.
 * Its state is plain JSON, saved with checkpoints.
 *
 * Two peers' exact semantics, selectable:
 *  - 'pytorch' (torch.optim.lr_scheduler.ReduceLROnPlateau, the default):
 *      improved = a < best·(1 − threshold) ('rel', default) or a < best − threshold ('abs')
 *      (mirrored for mode 'max'); improved → best = a, bad = 0, else bad += 1;
 *      then, in cooldown: cooldown −= 1, bad = 0; then if bad > patience:
 *      new = max(lr·factor, minLr), applied only if lr − new > eps; cooldown restarts, bad = 0.
 *  - 'keras' (keras.callbacks.ReduceLROnPlateau):
 *      in cooldown first: cooldown −= 1, wait = 0; improved = a < best − minDelta (absolute
 *      only) → best = a, wait = 0; else if not in cooldown: wait += 1, and if wait >= patience
 *      and lr > minLr: new = max(lr·factor, minLr), cooldown restarts, wait = 0. The LR is
 *      float32 as in Keras (read as f32, new = f32(max(f32(lr)·factor, minLr))), and an
 *      assignment that leaves it unchanged is not an LR change.
 *
 * The extension no peer has, `increase`: after a reduction, if the metric has
 * still not improved for `increase.patience` further epochs, the LR is raised
 * by `increase.factor`, never above `increase.maxLr`.
 */
import { LrlabError } from './errors.js';
import { checkChoice, checkKeys, checkNumber, checkObject, numberOr } from './validate.js';

export const MONITORS = ['loss', 'valLoss', 'accuracy', 'valAccuracy'] as const;
export type Monitor = (typeof MONITORS)[number];
export type Mode = 'min' | 'max';

export interface PlateauSpec {
  monitor?: Monitor; // default: valLoss when there is validation data, else loss
  mode?: Mode; // default: max for accuracies, min otherwise
  factor?: number; // 0.1
  patience?: number; // 10
  threshold?: number; // 1e-4 (Keras calls it min_delta)
  thresholdMode?: 'rel' | 'abs'; // pytorch only: 'rel' default; keras is always 'abs'
  cooldown?: number; // 0
  minLr?: number; // 0
  eps?: number; // 1e-8 (pytorch only)
  semantics?: 'pytorch' | 'keras';
  increase?: { factor: number; patience: number; maxLr: number };
}

export type NormalizedPlateau = Required<Omit<PlateauSpec, 'monitor' | 'mode' | 'increase'>> & {
  monitor?: Monitor;
  mode?: Mode;
  increase?: { factor: number; patience: number; maxLr: number };
};

export interface PlateauState {
  best: number | null; // null: nothing seen yet (±Infinity is not JSON)
  bad: number; // PyTorch's num_bad_epochs / Keras's wait
  cooldown: number;
  stale: number; // epochs since the metric improved or the LR was reduced (for `increase`)
  reductionsSinceBest: number;
}

export interface LrChange {
  lr: number;
  reason: string;
}

const KEYS = ['monitor', 'mode', 'factor', 'patience', 'threshold', 'thresholdMode', 'cooldown', 'minLr', 'eps', 'semantics', 'increase'];

export function validatePlateau(spec: unknown, field = 'plateau'): NormalizedPlateau {
  const o = checkObject(field, spec);
  checkKeys(field, o, KEYS);
  const semantics = o.semantics === undefined ? 'pytorch' : checkChoice(`${field}.semantics`, o.semantics, ['pytorch', 'keras'] as const);
  const thresholdMode = o.thresholdMode === undefined ? (semantics === 'keras' ? 'abs' : 'rel') : checkChoice(`${field}.thresholdMode`, o.thresholdMode, ['rel', 'abs'] as const);
  if (semantics === 'keras' && thresholdMode !== 'abs') {
    throw new LrlabError('INVALID_OPTION', `${field}.thresholdMode`, thresholdMode, 'must be "abs" with semantics "keras" (Keras has only an absolute min_delta)');
  }
  const out: NormalizedPlateau = {
    factor: numberOr(`${field}.factor`, o.factor, 0.1, { above: 0, below: 1 }),
    patience: numberOr(`${field}.patience`, o.patience, 10, { min: 0, integer: true }),
    threshold: numberOr(`${field}.threshold`, o.threshold, 1e-4, { min: 0 }),
    thresholdMode,
    cooldown: numberOr(`${field}.cooldown`, o.cooldown, 0, { min: 0, integer: true }),
    minLr: numberOr(`${field}.minLr`, o.minLr, 0, { min: 0 }),
    eps: numberOr(`${field}.eps`, o.eps, 1e-8, { min: 0 }),
    semantics,
  };
  if (o.monitor !== undefined) out.monitor = checkChoice(`${field}.monitor`, o.monitor, MONITORS);
  if (o.mode !== undefined) out.mode = checkChoice(`${field}.mode`, o.mode, ['min', 'max'] as const);
  if (o.increase !== undefined) {
    const inc = checkObject(`${field}.increase`, o.increase);
    checkKeys(`${field}.increase`, inc, ['factor', 'patience', 'maxLr']);
    out.increase = {
      factor: checkNumber(`${field}.increase.factor`, inc.factor, { above: 1 }),
      patience: checkNumber(`${field}.increase.patience`, inc.patience, { min: 1, integer: true }),
      maxLr: checkNumber(`${field}.increase.maxLr`, inc.maxLr, { above: 0 }),
    };
  }
  return out;
}

export function initialPlateauState(): PlateauState {
  return { best: null, bad: 0, cooldown: 0, stale: 0, reductionsSinceBest: 0 };
}

export function checkPlateauState(value: unknown, field: string): PlateauState {
  const o = checkObject(field, value);
  checkKeys(field, o, ['best', 'bad', 'cooldown', 'stale', 'reductionsSinceBest']);
  const count = (key: string) => checkNumber(`${field}.${key}`, o[key], { min: 0, integer: true });
  if (o.best !== null && typeof o.best !== 'number') throw new LrlabError('CORRUPT_FILE', `${field}.best`, o.best, 'must be a number or null');
  return { best: o.best as number | null, bad: count('bad'), cooldown: count('cooldown'), stale: count('stale'), reductionsSinceBest: count('reductionsSinceBest') };
}

/** One epoch: updates `state` in place and returns the LR change it decides, if any. */
export function plateauStep(p: NormalizedPlateau, mode: Mode, state: PlateauState, metric: number, lr: number): LrChange | null {
  const improved = isImprovement(p, mode, metric, state.best);
  const change = p.semantics === 'keras' ? kerasStep(p, state, metric, improved, lr) : pytorchStep(p, state, metric, improved, lr);
  if (improved) {
    state.stale = 0;
    state.reductionsSinceBest = 0;
  } else {
    state.stale++;
  }
  if (change) {
    state.reductionsSinceBest++;
    state.stale = 0;
    return change;
  }
  return increaseStep(p, state, lr);
}

function isImprovement(p: NormalizedPlateau, mode: Mode, a: number, stored: number | null): boolean {
  if (Number.isNaN(a)) return false;
  // Both peers start from best = ±inf (null here, as JSON has no infinities): an infinite first metric does not improve on it.
  const best = stored ?? (mode === 'min' ? Infinity : -Infinity);
  const t = p.threshold;
  if (p.thresholdMode === 'rel') return mode === 'min' ? a < best * (1 - t) : a > best * (1 + t);
  return mode === 'min' ? a < best - t : a > best + t;
}

function pytorchStep(p: NormalizedPlateau, s: PlateauState, metric: number, improved: boolean, lr: number): LrChange | null {
  if (improved) {
    s.best = metric;
    s.bad = 0;
  } else {
    s.bad++;
  }
  if (s.cooldown > 0) {
    s.cooldown--;
    s.bad = 0;
  }
  if (s.bad > p.patience) {
    s.cooldown = p.cooldown;
    s.bad = 0;
    const next = Math.max(lr * p.factor, p.minLr);
    if (lr - next > p.eps) return { lr: next, reason: `plateau: no improvement for more than ${p.patience} epochs` };
  }
  return null;
}

function kerasStep(p: NormalizedPlateau, s: PlateauState, metric: number, improved: boolean, lr: number): LrChange | null {
  if (s.cooldown > 0) {
    s.cooldown--;
    s.bad = 0;
  }
  if (improved) {
    s.best = metric;
    s.bad = 0;
  } else if (s.cooldown === 0) {
    s.bad++;
    // Keras holds the LR in a float32 variable: it reads it back as float32, multiplies in float64
    // and stores float32 again, so the LR reaches 0 (and stays) instead of dividing on for ever.
    const old = Math.fround(lr);
    if (s.bad >= p.patience && old > Math.fround(p.minLr)) {
      s.cooldown = p.cooldown;
      s.bad = 0;
      const next = Math.fround(Math.max(old * p.factor, p.minLr));
      // Keras assigns it anyway; an assignment that changes nothing is no LR change here.
      if (next !== old) return { lr: next, reason: `plateau: no improvement for ${p.patience} epochs` };
    }
  }
  return null;
}

function increaseStep(p: NormalizedPlateau, s: PlateauState, lr: number): LrChange | null {
  const inc = p.increase;
  if (!inc || s.reductionsSinceBest === 0 || s.stale < inc.patience) return null;
  const next = Math.min(lr * inc.factor, inc.maxLr);
  if (next <= lr) return null;
  s.stale = 0;
  s.reductionsSinceBest = 0;
  s.bad = 0;
  s.cooldown = p.cooldown;
  return { lr: next, reason: `plateau: still no improvement ${inc.patience} epochs after a reduction, raised` };
}

