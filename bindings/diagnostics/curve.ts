/**
 * What one trial's loss curve says about its learning rate.
 *
 * The SHAPE is read from the training loss (one value per epoch); the "far from
 * the best trial" judgement uses the final validation loss when the history has
 * one, else the final training loss (the same value `finalLoss` of a sweep
 * result gives, so it compares with `referenceLoss` like for like).
 * null/NaN/±Infinity (JSONL writes a non-finite loss as null) are non-finite.
 *
 * The checks run in this fixed priority order; the first that matches wins:
 *
 * 1. diverged
 *    - the fit's status is 'diverged' (the reason then names the recorded cause:
 *      the divergence guard, or a non-finite training loss), or
 *    - any training or validation loss is non-finite, or
 *    - exploded: final loss > 3 × the first epoch's loss (`explodeFactor`), or
 *    - climbed back: final loss > 3 × the curve's minimum (`climbBackFactor`)
 *      AND it gave back at least half of the progress it had made
 *      (`giveBack` = (final − min) / (first − min) ≥ 0.5, `climbBackShare`).
 *      The second condition keeps a loss bouncing at a tiny floor (1e-4 → 4e-4
 *      after starting at 2.3) out of this label.
 *    - the validation loss exploded: its final value > 3 × the larger of the
 *      first epoch's validation and training losses (a training loss can look
 *      tame while the validation loss has run off to 1e30), or
 *    3× is a clear "the updates are making things worse" signal that still
 *    tolerates the usual first-epoch bumps of a high-but-working rate.
 *
 * 2. oscillating — on the last half of the training curve (at least its last
 *    5 epochs; curves of fewer than 5 epochs are not tested), ALL of:
 *    - `riseFraction`: the share of epoch-to-epoch steps in which the loss ROSE
 *      by more than 5% of its previous value (`riseStep`) is ≥ 20%, and
 *    - `swing`: the total variation of that segment (Σ|Δloss|) is ≥ 3 × its net
 *      change |last − first| (a monotone segment has swing 1), and
 *    - `scatter`: the RMS distance of log(loss) from its own smoothed trend (a
 *      least-squares quadratic in the epoch over the segment) is ≥ 0.1, i.e.
 *      the epoch loss strays about 10% or more from where its trend says it
 *      should be. Minibatch noise moves an epoch's mean loss by a few percent,
 *      and near a small floor (≈ 0.01) rises of 5% are common; this is the test
 *      that tells such noise (small scatter around a smooth trend) from the
 *      swings of a learning rate too high to settle, and
 *    - `lag1`: the lag-1 autocorrelation of those residuals is further from 0
 *      than max(0.2, 2/√m) over the m epochs of the segment (`structure`; 2/√m
 *      is two standard errors: independent noise stays inside it 95% of the
 *      time). Minibatch noise scatters each epoch independently (lag1 ≈ 0)
 *      however large it is; a too-high learning rate makes excursions that
 *      persist over epochs (lag1 > 0) or alternate, a period-2 swing (lag1 ≈ −1).
 * * 3. too_slow
 *    - `relativeDrop` = (first − final) / first < 10% (`slowDrop`): the run
 *      barely moved (this also catches a run whose loss rose a little), or
 *    - with a referenceLoss: still falling at the end (the last half improved
 *      by ≥ 1%, `flatLastHalf`) but the final loss is > 1.5 × the best trial's
 *      (`farFromBest`): it is heading the right way, too slowly for the budget —
 *      unless its learning rate is above the best trial's (`aboveBest`).
 *    Caveat: a run that had already converged within its FIRST epoch also moves
 *    < 10% afterwards and is labelled too_slow; the reason gives the numbers.
 *
 * 4. plateaued_early (needs referenceLoss): the last half of the curve improved
 *    by < 1% (`flatLastHalf`) while the final loss is > 1.5 × the best trial's
 *    (`farFromBest`): it stopped improving well above what the best learning
 *    rate reached. `earlyDropFraction` (the share of the epochs it took to make
 *    80% of its total drop) is reported but not required: a curve that went
 *    flat far from the best is stuck whether the drop came at 10% or 40%.
 *
 * 5. good: none of the above (it fell by ≥ 10%, without oscillating, and — when
 *    a reference is given — ended within 1.5 × the best trial's final loss).
 *
 * A reference that is not a positive finite number is ignored.
 */
import type { History } from '../history.js';
import type { CurveLabel, Diagnosis } from '../sweep/types.js';
import { fmtLoss, fmtPct, fmtRatio, num } from './stats.js';

/** The thresholds of `diagnoseCurve` (see the module comment for their meaning). */
export const CURVE_THRESHOLDS = {
  explodeFactor: 3,
  climbBackFactor: 3,
  climbBackShare: 0.5,
  minEpochsForOscillation: 5,
  riseStep: 0.05,
  riseFraction: 0.2,
  swing: 3,
  scatter: 0.1,
  structure: 0.2,
  slowDrop: 0.1,
  flatLastHalf: 0.01,
  farFromBest: 1.5,
  earlyDropShare: 0.8,
} as const;

export interface CurveContext {
  /** The best trial's final loss in the sweep (validation loss when present, else training). */
  referenceLoss?: number;
  /**
   * This trial's learning rate is above the best trial's. A curve still falling far above the
   * best is then not "too slow": more learning rate would not help it, so the second too_slow
   * rule does not apply.
   */
  aboveBest?: boolean;
}

const SWING_CAP = 1e6;

export function diagnoseCurve(history: History, context: CurveContext = {}): Diagnosis {
  return judgeCurve(measureCurve(history), context);
}

/**
 * What diagnoseCurve reads off a curve before it knows the best trial, so that a sweep
 * measures each curve once and judges it twice (without the reference, then with it):
 * `early`, the diagnosis of a curve that needs no judging (non-finite values, a diverged
 * status, no epoch), or the measures the verdicts are taken on.
 */
export type CurveMeasures = { early: Diagnosis } | Measures;

interface Measures {
  early?: undefined;
  n: number;
  loss: number[];
  val: number[] | undefined;
  first: number;
  final: number;
  min: number;
  argmin: number;
  judged: number;
  earlyIndex: number;
  /** The numbers of every verdict, in their order; the reference's go between the two. */
  shape: Record<string, number>;
  oscillation: Record<string, number>;
}

const epochs = (k: number) => `${k} epoch${k === 1 ? '' : 's'}`;

/** A diagnosis with the finite numbers only. */
function diagnosis(label: CurveLabel, reason: string, numbers: Record<string, number>): Diagnosis {
  const clean: Record<string, number> = {};
  for (const [k, v] of Object.entries(numbers)) if (Number.isFinite(v)) clean[k] = v;
  return { label, reason, numbers: clean };
}

export function measureCurve(history: History): CurveMeasures {
  const T = CURVE_THRESHOLDS;
  const loss = (history.loss ?? []).map(num);
  const val = history.valLoss && history.valLoss.length > 0 ? history.valLoss.map(num) : undefined;
  const n = loss.length;
  const early = (d: Diagnosis): CurveMeasures => ({ early: d });

  // --- 1. diverged: status or non-finite values -------------------------------------------
  const firstBadTrain = loss.findIndex((v) => !Number.isFinite(v));
  const firstBadVal = val ? val.findIndex((v) => !Number.isFinite(v)) : -1;
  const bads = [firstBadTrain, firstBadVal].filter((i) => i >= 0);
  const firstBad = bads.length > 0 ? Math.min(bads[0], bads[bads.length - 1]) : -1;
  if (history.status === 'diverged' || firstBad >= 0) {
    const numbers: Record<string, number> = { epochs: n };
    const finite = loss.filter((v) => Number.isFinite(v));
    if (finite.length > 0) {
      numbers.firstLoss = finite[0]!;
      numbers.lastFiniteLoss = finite[finite.length - 1]!;
    }
    // The fit's own record says what ended it. Its last epoch is not validated (the NaN
    // validation loss there is a placeholder), so the event, not that NaN, is the cause.
    const event = history.status === 'diverged' ? history.events?.find((e) => e.kind === 'diverged') : undefined;
    if (event?.cause === 'guard') {
      return early(diagnosis('diverged',
        `the divergence guard stopped the run in epoch ${n}: ${event.reason}` +
        (numbers.firstLoss !== undefined ? ` (the epoch loss started at ${fmtLoss(numbers.firstLoss)})` : '') + ': diverged',
        numbers));
    }
    if (event?.cause === 'non_finite') {
      numbers.firstNonFiniteEpoch = n;
      return early(diagnosis('diverged',
        `${event.reason} in epoch ${n} of ${n}` +
        (numbers.firstLoss !== undefined ? ` (the epoch loss started at ${fmtLoss(numbers.firstLoss)})` : '') + ': diverged',
        numbers));
    }
    if (firstBad >= 0) {
      numbers.firstNonFiniteEpoch = firstBad + 1; // 1-based, as the CLI prints epochs
      const badValue = firstBad === firstBadTrain ? loss[firstBad]! : val![firstBad]!;
      const which = firstBad === firstBadTrain ? 'training loss' : 'validation loss';
      return early(diagnosis('diverged',
        `the ${which} became ${String(badValue)} at epoch ${firstBad + 1} of ${n}` +
        (numbers.firstLoss !== undefined ? ` (it started at ${fmtLoss(numbers.firstLoss)})` : '') + ': diverged',
        numbers));
    }
    return early(diagnosis('diverged',
      `training was stopped as diverged after ${epochs(n)}` +
      (event?.reason ? ` (${event.reason})` : '') +
      (numbers.lastFiniteLoss !== undefined ? `, last loss ${fmtLoss(numbers.lastFiniteLoss)}` : '') + ': diverged',
      numbers));
  }

  if (n === 0) {
    return early(diagnosis('too_slow', `no epoch was recorded (status '${history.status}'), so the loss did not move: too slow`, {
      epochs: 0, relativeDrop: 0,
    }));
  }

  // --- measurements --------------------------------------------------------------------------
  const first = loss[0]!;
  const final = loss[n - 1]!;
  let argmin = 0;
  for (let i = 1; i < n; i++) if (loss[i]! < loss[argmin]!) argmin = i;
  const min = loss[argmin]!;
  const judged = val ? val[val.length - 1]! : final;
  const scale = Math.abs(first) > 0 ? Math.abs(first) : 1;
  const relativeDrop = (first - final) / scale;
  const finalOverFirst = first > 0 ? final / first : NaN;
  const finalOverMin = min > 0 ? final / min : NaN;
  const giveBack = first > min ? (final - min) / (first - min) : 0;
  const mid = Math.floor((n - 1) / 2);
  const midLoss = loss[mid]!;
  const lastHalfImprovement = n > 1 ? (midLoss - final) / (Math.abs(midLoss) > 0 ? Math.abs(midLoss) : 1) : 0;
  // The first epoch by which 80% of the total drop (first → final) was made.
  let earlyIndex = n - 1;
  if (first > final) {
    const target = first - T.earlyDropShare * (first - final);
    earlyIndex = loss.findIndex((v) => v <= target);
  }
  const earlyDropFraction = n > 1 ? earlyIndex / (n - 1) : 0;

  const shape: Record<string, number> = {
    epochs: n, firstLoss: first, finalLoss: final, minLoss: min, judgedFinalLoss: judged,
    relativeDrop, finalOverFirst, finalOverMin, giveBack, lastHalfImprovement, earlyDropFraction,
  };
  const oscillation: Record<string, number> = {};

  // Oscillation measures over the last half (at least the last 5 epochs).
  if (n >= T.minEpochsForOscillation) {
    const start = Math.min(mid, n - T.minEpochsForOscillation);
    const steps = n - 1 - start;
    let rises = 0;
    let variation = 0;
    for (let i = start + 1; i < n; i++) {
      const delta = loss[i]! - loss[i - 1]!;
      variation += Math.abs(delta);
      if (delta > T.riseStep * Math.abs(loss[i - 1]!)) rises++;
    }
    const net = Math.abs(final - loss[start]!);
    const swing = net > 0 ? Math.min(variation / net, SWING_CAP) : variation > 0 ? SWING_CAP : 1;
    oscillation.riseFraction = rises / steps;
    oscillation.swing = swing;
    oscillation.oscillationEpochs = steps + 1;
    oscillation.rises = rises;
    const { scatter, lag1 } = scatterAroundTrend(loss.slice(start));
    oscillation.scatter = scatter;
    oscillation.lag1 = lag1;
  }

  return { n, loss, val, first, final, min, argmin, judged, earlyIndex, shape, oscillation };
}

/** The diagnosis of a measured curve against the sweep's best trial (context). */
export function judgeCurve(m: CurveMeasures, context: CurveContext = {}): Diagnosis {
  return m.early ?? verdict(m, context, true);
}

/** The label alone, as judgeCurve gives it (no reason is written). */
export function curveLabel(m: CurveMeasures, context: CurveContext = {}): CurveLabel {
  return m.early ? m.early.label : verdict(m, context, false).label;
}

function verdict(m: Measures, context: CurveContext, withReason: boolean): Diagnosis {
  const T = CURVE_THRESHOLDS;
  const { n, loss, val, first, final, min, argmin, judged, earlyIndex } = m;
  const { relativeDrop, finalOverFirst, finalOverMin, giveBack, lastHalfImprovement, earlyDropFraction } = m.shape;
  const ref = context.referenceLoss;
  const hasRef = typeof ref === 'number' && Number.isFinite(ref) && ref > 0;
  const vsReference = hasRef ? judged / ref : NaN;
  const far = hasRef && judged > T.farFromBest * ref;
  const numbers: Record<string, number> = { ...m.shape };
  if (hasRef) {
    numbers.referenceLoss = ref;
    numbers.vsReference = vsReference;
  }
  Object.assign(numbers, m.oscillation);
  const result = (label: CurveLabel, reason: () => string, numbers: Record<string, number>): Diagnosis =>
    diagnosis(label, withReason ? reason() : '', numbers);

  // --- 1. diverged: exploded or climbed back -----------------------------------------------
  if (finalOverFirst > T.explodeFactor) {
    return result('diverged', () =>
      `the loss rose from ${fmtLoss(first)} to ${fmtLoss(final)} over ${epochs(n)} ` +
      `(${fmtRatio(finalOverFirst)} its first-epoch value, above the ${T.explodeFactor}× limit): diverged`,
      numbers);
  }
  const valScale = val ? Math.max(val[0]!, first) : NaN;
  if (val && judged > T.explodeFactor * valScale) {
    numbers.valOverStart = judged / valScale;
    return result('diverged', () =>
      `the validation loss rose from ${fmtLoss(val[0]!)} to ${fmtLoss(judged)} over ${epochs(n)} ` +
      `(${fmtRatio(numbers.valOverStart)} the larger of the first epoch's validation and training losses, above the ${T.explodeFactor}× limit): diverged`,
      numbers);
  }
  if (finalOverMin > T.climbBackFactor && giveBack >= T.climbBackShare) {
    return result('diverged', () =>
      `the loss fell to ${fmtLoss(min)} at epoch ${argmin + 1} then climbed back to ${fmtLoss(final)} by epoch ${n} ` +
      `(${fmtRatio(finalOverMin)} its minimum, giving back ${fmtPct(giveBack)} of its progress): diverged`,
      numbers);
  }

  // --- 2. oscillating ---------------------------------------------------------------------------
  if (numbers.riseFraction !== undefined && numbers.riseFraction >= T.riseFraction && numbers.swing! >= T.swing &&
      numbers.scatter! >= T.scatter && Math.abs(numbers.lag1!) >= structureLimit(numbers.oscillationEpochs!)) {
    const start = n - numbers.oscillationEpochs!;
    return result('oscillating', () =>
      `over the last ${epochs(numbers.oscillationEpochs!)} the loss rose by more than ${T.riseStep * 100}% in ` +
      `${numbers.rises} of ${numbers.oscillationEpochs! - 1} steps (${fmtPct(numbers.riseFraction)}), strayed ${fmtPct(Math.expm1(numbers.scatter!))} ` +
      `(RMS) from its smoothed trend in ${numbers.lag1! < 0 ? 'alternating' : 'lasting'} swings (lag-1 correlation ${numbers.lag1!.toFixed(2)}) and moved up and down ${fmtRatio(numbers.swing!)} its net change (from ${fmtLoss(loss[start]!)} to ${fmtLoss(final)})` +
      (hasRef ? `, ending at ${fmtLoss(judged)}, ${fmtRatio(vsReference)} the best trial's ${fmtLoss(ref)}` : '') + ': oscillating',
      numbers);
  }

  // --- 3. too_slow --------------------------------------------------------------------------------
  const change = relativeDrop >= 0 ? `fell ${fmtPct(relativeDrop)}` : `rose ${fmtPct(-relativeDrop)}`;
  const against = hasRef ? `${fmtRatio(vsReference)} the best trial's ${fmtLoss(ref)}` : '';
  if (relativeDrop < T.slowDrop) {
    return result('too_slow', () =>
      `loss ${change} over ${epochs(n)} (from ${fmtLoss(first)} to ${fmtLoss(final)})` +
      (hasRef ? `, ending at ${fmtLoss(judged)}, ${against}` : '') + ': too slow for this learning rate',
      numbers);
  }
  if (far && lastHalfImprovement >= T.flatLastHalf && !context.aboveBest) {
    return result('too_slow', () =>
      `loss was still falling at the end (${fmtPct(lastHalfImprovement)} over the last half, ${fmtPct(relativeDrop)} in all ` +
      `from ${fmtLoss(first)}) but ended at ${fmtLoss(judged)}, ${against}: too slow for this learning rate`,
      numbers);
  }

  // --- 4. plateaued_early -----------------------------------------------------------------------
  if (far) {
    return result('plateaued_early', () =>
      `loss made 80% of its drop by epoch ${earlyIndex + 1} of ${n} (${fmtPct(earlyDropFraction)} of the run, from ` +
      `${fmtLoss(first)} to ${fmtLoss(final)}), then improved only ${fmtPct(lastHalfImprovement)} over the last half, ` +
      `ending at ${fmtLoss(judged)}, ${against}: plateaued early`,
      numbers);
  }

  // --- 5. good --------------------------------------------------------------------------------------
  return result('good', () =>
    `loss ${change} over ${epochs(n)} (from ${fmtLoss(first)} to ${fmtLoss(final)})` +
    (hasRef ? `, ending at ${fmtLoss(judged)}, ${against}` : '') + ': good',
    numbers);
}

/** How far from 0 the lag-1 autocorrelation of m residuals must be to count as structure, not noise. */
export function structureLimit(m: number): number {
  return Math.max(CURVE_THRESHOLDS.structure, 2 / Math.sqrt(m));
}

/**
 * The scatter of a curve around its own smoothed trend: the RMS residual of
 * log(loss) from a least-squares quadratic in the epoch, and the lag-1
 * autocorrelation of those residuals. Losses ≤ 0 are clamped to 1e-12.
 */
export function scatterAroundTrend(losses: readonly number[]): { scatter: number; lag1: number } {
  const m = losses.length;
  const y = losses.map((v) => Math.log(Math.max(v, 1e-12)));
  if (m < 4) return { scatter: 0, lag1: 0 };
  // Centre and scale the epoch to [-1, 1] so the normal equations stay well conditioned.
  const x = y.map((_, i) => (2 * i) / (m - 1) - 1);
  const sums = [0, 0, 0, 0, 0];
  const rhs = [0, 0, 0];
  for (let i = 0; i < m; i++) {
    let p = 1;
    for (let k = 0; k < 5; k++, p *= x[i]!) {
      sums[k]! += p;
      if (k < 3) rhs[k]! += p * y[i]!;
    }
  }
  const A = [[sums[0]!, sums[1]!, sums[2]!], [sums[1]!, sums[2]!, sums[3]!], [sums[2]!, sums[3]!, sums[4]!]];
  const det = (M: number[][]) =>
    M[0]![0]! * (M[1]![1]! * M[2]![2]! - M[1]![2]! * M[2]![1]!) - M[0]![1]! * (M[1]![0]! * M[2]![2]! - M[1]![2]! * M[2]![0]!) +
    M[0]![2]! * (M[1]![0]! * M[2]![1]! - M[1]![1]! * M[2]![0]!);
  const d = det(A);
  // Cramer's rule for the three coefficients.
  const c = [0, 1, 2].map((k) => det(A.map((row, r) => row.map((v, j) => (j === k ? rhs[r]! : v)))) / d);
  const r = y.map((v, i) => v - (c[0]! + c[1]! * x[i]! + c[2]! * x[i]! ** 2));
  let ss = 0, cross = 0;
  for (let i = 0; i < m; i++) {
    ss += r[i]! ** 2;
    if (i > 0) cross += r[i]! * r[i - 1]!;
  }
  return { scatter: Math.sqrt(ss / m), lag1: ss > 0 ? cross / ss : 0 };
}
