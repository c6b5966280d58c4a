/**
 * Reading the numbers of one sweep result. The loss that ranks trials is the
 * final VALIDATION loss when the history has one, else the final training
 * loss — never the test loss, so that picking a learning rate does not peek at
 * the test set. null/NaN/Infinity (a diverged loss read back from JSONL) come
 * out as NaN.
 */
import type { History } from '../history.js';
import type { TrialResult } from '../sweep/types.js';
import { isFiniteNumber, num } from './stats.js';

/** The per-epoch loss the trial is judged on: validation loss when recorded, else training loss. */
export function judgedLossSeries(history: History): number[] {
  return judgedSeries(history).map(num);
}

/** judgedLossSeries as recorded (null where JSONL holds a non-finite loss), for readers of one value. */
function judgedSeries(history: History): readonly unknown[] {
  return history.valLoss && history.valLoss.length > 0 ? history.valLoss : history.loss ?? [];
}

/** True when the result has a curve to look at: not 'failed' and with a history. */
export function hasCurve(result: TrialResult): result is TrialResult & { history: History } {
  return result.status !== 'failed' && result.history !== undefined && result.history !== null;
}

/**
 * The final loss of a trial (last validation loss, else last training loss);
 * NaN when failed, without history or epochs, or non-finite.
 */
export function finalLoss(result: TrialResult): number {
  if (!hasCurve(result)) return NaN;
  const series = judgedSeries(result.history);
  const last = series.length > 0 ? num(series[series.length - 1]) : NaN;
  return Number.isFinite(last) ? last : NaN;
}

/** The lowest finite loss over the epochs (validation loss when recorded, else training); NaN when none. */
export function bestLoss(result: TrialResult): number {
  if (!hasCurve(result)) return NaN;
  let best = NaN;
  for (const v of judgedSeries(result.history)) if (isFiniteNumber(v) && !(v >= best)) best = v;
  return best;
}

/** The final accuracy (last validation accuracy, else last training accuracy); undefined when not recorded. */
export function finalAccuracy(result: TrialResult): number | undefined {
  if (!hasCurve(result)) return undefined;
  const h = result.history;
  const series = h.valAccuracy && h.valAccuracy.length > 0 ? h.valAccuracy : h.accuracy;
  if (!series || series.length === 0) return undefined;
  const last = num(series[series.length - 1]);
  return Number.isFinite(last) ? last : undefined;
}
