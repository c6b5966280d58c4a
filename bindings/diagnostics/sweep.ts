/**
 * The analysis of a finished sweep: one diagnosis per trial, the sensitivity
 * ("U") curve of the final loss against one axis (the learning rate by
 * default), the best trial and a recommended range of the axis.
 *
 * Rules (all documented here, tested in test/diagnostics-sweep.test.ts):
 *
 * - Trials with status 'failed' (or without a history) have no curve: they are
 *   neither diagnosed nor counted anywhere. An all-failed sweep gives
 *   diagnoses {}, sensitivity [], bestTrialId null and recommended null.
 * - Trials with status 'aborted' (the sweep was cancelled under them) are
 *   diagnosed, but their partial curves are kept out of the best trial and the
 *   sensitivity points, where they would pass for a slow learning rate.
 * - "Diverged" means diagnoseCurve's label 'diverged' (status 'diverged', a
 *   non-finite loss, or an exploded loss). A diverged trial counts in its
 *   point's `diverged` and is left out of `finalLoss` and `finalAccuracy` (a
 *   diverged fit stops before validating its last epoch, so its last finite
 *   validation loss would look deceptively good); its `bestLoss` (the lowest
 *   loss it reached before blowing up) is kept.
 * - The final loss is the last validation loss when recorded, else the last
 *   training loss (see results.ts). The reference trial: the lowest final loss
 *   among the non-failed, non-aborted trials that neither diverged nor
 *   oscillate (else that do not diverge; ties: the earlier one). Its final
 *   loss is every diagnosis's referenceLoss.
 * - The axis: options.axis, default 'optimizer.lr'. When the DEFAULT axis is
 *   not among the params (or takes a single value while another param
 *   varies), the first varying param (in order of appearance) that is a
 *   finite number in every result is used, else the first varying param that
 *   every result has (else the first varying param): a
 *   CATEGORICAL axis (optimizer.name, schedule objects…). An axis given
 *   explicitly that no result has is refused (LrlabError INVALID_OPTION)
 *   rather than silently replaced. On a categorical axis each distinct value
 *   (by its JSON) is a category, numbered in order of first appearance: a
 *   point's x is that number, its `value` the value and its `label` the
 *   readable text (fmtAxisValue); everything below holds with x so read, and
 *   the recommendation is one category (low = high = its x, with value and
 *   label).
 * - Points: results are grouped by the values of the OTHER params (e.g.
 *   momentum) and by the axis value; mean/std/n over repeats use the sample
 *   standard deviation (see meanStd). Groups keep the order in which they first
 *   appear, points within a group go by increasing x. Results whose axis value
 *   is not a finite number are diagnosed but not plotted.
 * - recommended: a point is STABLE when none of its repeats diverged, fewer
 *   than half of them oscillate, and it has a finite mean final loss. The
 *   anchor is the stable point with the lowest mean final loss; the range is
 *   the contiguous run of stable points of the anchor's group, around the
 *   anchor, whose mean final loss is ≤ best × (1 + tolerance) + absTolerance
 *   (tolerance 0.2: within 20% — repeats of one learning rate commonly differ
 *   by several percent, and a 20% band still separates the flat bottom of the
 *   U from its walls; absTolerance defaults to 1e-3 × the median first-epoch
 *   loss, so that a best loss near 0 does not make the band vanish). null when
 *   no trial is labelled 'good' ("nothing trained well") or no point is stable;
 *   `noRecommendation` then says which, with the counts. `recommended.x` is the
 *   anchor's value and `recommended.group` its other axes' values.
 * - bestCell: the cell (a point: one combination of the swept values) with
 *   the lowest mean final loss among the stable points, else among those where
 *   nothing diverged, else among all — so it is the recommendation's anchor
 *   whenever there is a recommendation. bestTrialId is its repeat with the
 *   lowest final loss (the lowest final loss of all when no point is drawn),
 *   so that one lucky repeat of an unstable cell is not "the best".
 * - Successive halving (results with a `rung`): trials pruned at an early rung
 *   trained for a fraction of the epochs, and their losses are not comparable
 *   with the survivors'. Only the results of the highest rung present are
 *   ranked (best trial, sensitivity points, recommendation); the rest are
 *   diagnosed against that rung's best but never ranked against it.
 */
import { LrlabError } from '../errors.js';
import type { AxisValues, CurveLabel, Diagnosis, SensitivityPoint, SweepAnalysis, TrialResult } from '../sweep/types.js';
import { curveLabel, judgeCurve, measureCurve } from './curve.js';
import { bestLoss, finalAccuracy, finalLoss, hasCurve, judgedLossSeries } from './results.js';
import { fmtAxisValue, fmtLoss, fmtPct, fmtValue, isFiniteNumber, meanStd, median } from './stats.js';
import { maxOf } from '../extent.js';

export const DEFAULT_AXIS = 'optimizer.lr';

export const SWEEP_DEFAULTS = {
  /** Relative band around the best mean final loss for the recommended range. */
  tolerance: 0.2,
  /** The absolute part of the band, as a share of the median first-epoch loss. */
  absToleranceShare: 1e-3,
} as const;

export interface AnalyzeSweepOptions {
  /** The axis of the sensitivity curve (a key of `params`); default 'optimizer.lr'. */
  axis?: string;
  /** Relative tolerance of the recommended range (default 0.2 = within 20% of the best). */
  tolerance?: number;
  /** Absolute tolerance added to it (default 1e-3 × the median first-epoch loss). */
  absTolerance?: number;
}

interface PointAcc {
  x: number;
  /** Categorical axes: the category itself. */
  category?: { value: unknown; label: string };
  group: AxisValues;
  groupKey: string;
  finals: number[];
  bests: number[];
  accuracies: number[];
  diverged: number;
  labels: CurveLabel[];
  trials: TrialResult[];
}

/** The axis the analysis uses, or null when no param is numeric (see the module comment). */
export function resolveAxis(results: readonly TrialResult[], axis?: string): string | null {
  const keys: string[] = [];
  for (const r of results) for (const k of Object.keys(r.params ?? {})) if (!keys.includes(k)) keys.push(k);
  if (axis !== undefined) {
    if (keys.includes(axis)) return axis;
    if (results.length > 0) {
      throw new LrlabError('INVALID_OPTION', 'axis', axis,
        `must be one of the swept params (${keys.length > 0 ? keys.join(', ') : 'none'})`);
    }
  }
  // A param that takes one value in the whole sweep is no axis to draw against while another varies.
  const varies = (k: string) => new Set(results.map((r) => JSON.stringify(r.params?.[k]))).size > 1;
  const candidates = keys.some(varies) ? keys.filter(varies) : keys;
  if (candidates.includes(DEFAULT_AXIS)) return DEFAULT_AXIS;
  for (const k of candidates) {
    if (results.every((r) => isFiniteNumber(r.params?.[k]))) return k;
  }
  // A param some trials lack (momentum beside adam) would leave them off the chart.
  return candidates.find((k) => results.every((r) => k in (r.params ?? {}))) ?? candidates[0] ?? null;
}

/** True when every result that has the axis has a finite number there. */
function isNumericAxis(results: readonly TrialResult[], axis: string): boolean {
  return results.every((r) => !(axis in (r.params ?? {})) || isFiniteNumber(r.params[axis]));
}

function checkOption(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!isFiniteNumber(value) || value < 0) {
    throw new LrlabError('INVALID_OPTION', name, value, 'must be a finite number ≥ 0');
  }
  return value;
}

/** A stable text key for a group of param values (key order does not matter). */
function groupKeyOf(group: AxisValues): string {
  return JSON.stringify(Object.keys(group).sort().map((k) => [k, group[k]]));
}

function lastSegment(path: string): string {
  const parts = path.split('.');
  return parts[parts.length - 1]!;
}

export function analyzeSweep(results: readonly TrialResult[], options: AnalyzeSweepOptions = {}): SweepAnalysis {
  if (options.axis !== undefined && (typeof options.axis !== 'string' || options.axis === '')) {
    throw new LrlabError('INVALID_OPTION', 'axis', options.axis, 'must be a non-empty string naming a swept param');
  }
  const tolerance = checkOption('tolerance', options.tolerance) ?? SWEEP_DEFAULTS.tolerance;
  let absTolerance = checkOption('absTolerance', options.absTolerance);
  const resolved = resolveAxis(results, options.axis);
  const axis = resolved ?? options.axis ?? DEFAULT_AXIS;
  const categorical = resolved !== null && !isNumericAxis(results, resolved);
  const categories = new Map<string, { x: number; value: unknown; label: string }>();
  if (categorical) {
    for (const r of [...results].sort((a, b) => a.index - b.index)) {
      if (!(resolved in (r.params ?? {}))) continue;
      const key = JSON.stringify(r.params[resolved]);
      if (!categories.has(key)) categories.set(key, { x: categories.size, value: r.params[resolved], label: fmtAxisValue(r.params[resolved]) });
    }
  }

  const curves = results.filter(hasCurve);
  const rungs = curves.map((r) => r.rung).filter((r): r is number => typeof r === 'number');
  const rankedRung = rungs.length > 0 ? maxOf(rungs) : undefined;
  const ranked = curves.filter((r) => r.status !== 'aborted' && (rankedRung === undefined || r.rung === rankedRung));

  // Pass 1: the labels that do not depend on the reference (diverged, oscillating), then the reference
  // trial: the lowest final loss among those that neither diverged nor oscillate (an oscillating curve's
  // last epoch can land on a lucky low), else among those that did not diverge.
  // Each curve is measured once; its first verdict (no reference) needs only its label, not the reason.
  const measures = new Map(curves.map((r) => [r, measureCurve(r.history)]));
  const plainLabel = new Map<TrialResult, CurveLabel>(curves.map((r) => [r, curveLabel(measures.get(r)!)]));
  let best: TrialResult | null = null;
  let bestFinal = Infinity;
  for (const steady of [true, false]) {
    for (const r of ranked) {
      const label = plainLabel.get(r);
      if (label === 'diverged' || (steady && label === 'oscillating')) continue;
      const f = finalLoss(r);
      if (Number.isFinite(f) && f < bestFinal) {
        best = r;
        bestFinal = f;
      }
    }
    if (best) break;
  }

  // Pass 2: the diagnoses, against the best trial's final loss (and its place on the axis).
  const bestX = best && resolved !== null ? Number(best.params[resolved]) : NaN;
  const diagnoses: Record<string, Diagnosis> = {};
  const labelOf = new Map<TrialResult, CurveLabel>();
  for (const r of curves) {
    // A category is not above or below another: no aboveBest on a categorical axis.
    const context = best ? { referenceLoss: bestFinal, aboveBest: !categorical && Number(r.params[resolved ?? '']) > bestX } : {};
    const d = judgeCurve(measures.get(r)!, context);
    diagnoses[r.id] = d;
    labelOf.set(r, d.label);
  }

  // The sensitivity points.
  const points = new Map<string, PointAcc>();
  const groupOrder: string[] = [];
  if (resolved !== null) {
    for (const r of ranked) {
      const category = categorical && resolved in r.params ? categories.get(JSON.stringify(r.params[resolved])) : undefined;
      const x = category ? category.x : r.params[resolved];
      if (!isFiniteNumber(x)) continue;
      const group: AxisValues = {};
      for (const [k, v] of Object.entries(r.params)) if (k !== resolved) group[k] = v;
      const groupKey = groupKeyOf(group);
      if (!groupOrder.includes(groupKey)) groupOrder.push(groupKey);
      const key = `${groupKey}\u0000${x}`;
      let p = points.get(key);
      if (!p) {
        p = { x, group, groupKey, finals: [], bests: [], accuracies: [], diverged: 0, labels: [], trials: [] };
        if (category) p.category = { value: category.value, label: category.label };
        points.set(key, p);
      }
      const label = labelOf.get(r)!;
      p.labels.push(label);
      p.trials.push(r);
      p.bests.push(bestLoss(r));
      if (label === 'diverged') {
        p.diverged++;
      } else {
        p.finals.push(finalLoss(r));
        const acc = finalAccuracy(r);
        if (acc !== undefined) p.accuracies.push(acc);
      }
    }
  }
  const ordered = [...points.values()].sort((a, b) =>
    groupOrder.indexOf(a.groupKey) - groupOrder.indexOf(b.groupKey) || a.x - b.x);
  const sensitivity: SensitivityPoint[] = ordered.map((p) => {
    const point: SensitivityPoint = {
      x: p.x,
      group: p.group,
      finalLoss: meanStd(p.finals),
      bestLoss: meanStd(p.bests),
      diverged: p.diverged,
    };
    if (p.accuracies.length > 0) point.finalAccuracy = meanStd(p.accuracies);
    if (p.category) Object.assign(point, p.category);
    return point;
  });

  // The recommended range.
  if (absTolerance === undefined) {
    const firsts = ranked.map((r) => judgedLossSeries(r.history)[0]);
    const m = median(firsts);
    absTolerance = Number.isFinite(m) ? SWEEP_DEFAULTS.absToleranceShare * Math.abs(m) : 0;
  }
  const rankedLabels = ranked.map((r) => labelOf.get(r)!);
  const recommended = resolved === null ? null
    : recommend(resolved, ordered, sensitivity, tolerance, absTolerance, rankedLabels.includes('good'));

  const cell = bestCellIndex(ordered, sensitivity);
  let bestCell: SweepAnalysis['bestCell'] = null;
  if (cell >= 0) {
    const p = ordered[cell]!;
    const repeats = p.trials.filter((r) => labelOf.get(r) !== 'diverged' && Number.isFinite(finalLoss(r)));
    best = repeats.reduce<TrialResult | null>((b, r) => (b === null || finalLoss(r) < finalLoss(b) ? r : b), null) ?? best;
    bestCell = { ...sensitivity[cell]!, params: { ...p.trials[0]!.params }, trialIds: p.trials.map((r) => r.id) };
  }
  const analysis: SweepAnalysis = { axis, diagnoses, sensitivity, bestTrialId: best ? best.id : null, bestCell, recommended };
  if (!recommended) analysis.noRecommendation = whyNone(results.length, curves.length, ranked.length, resolved, rankedLabels, rankedRung);
  if (rankedRung !== undefined) analysis.rankedRung = rankedRung;
  return analysis;
}

/** The best cell (see the module comment): the lowest mean final loss among the stable points, else the undiverged, else all. */
function bestCellIndex(points: PointAcc[], stats: SensitivityPoint[]): number {
  const tiers = [(i: number) => isStable(points[i]!, stats[i]!), (i: number) => points[i]!.diverged === 0, () => true];
  for (const eligible of tiers) {
    let found = -1;
    for (let i = 0; i < points.length; i++) {
      const mean = stats[i]!.finalLoss.mean;
      if (!Number.isFinite(mean) || !eligible(i)) continue;
      if (found < 0 || mean < stats[found]!.finalLoss.mean) found = i;
    }
    if (found >= 0) return found;
  }
  return -1;
}

/** The sentence of `noRecommendation`. */
function whyNone(total: number, curves: number, ranked: number, axis: string | null, labels: CurveLabel[], rung?: number): string {
  if (total === 0) return 'the sweep has no results';
  if (curves === 0) return `all ${total} trials failed, so there is no curve to judge`;
  if (ranked === 0) return 'every trial was aborted before it finished, so none can be ranked';
  if (axis === null) return 'no swept param is numeric, so there is no range to recommend';
  const counts = new Map<CurveLabel, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  const list = [...counts].map(([l, c]) => `${c} ${l.replace('_', ' ')}`).join(', ');
  const where = rung === undefined ? `of ${ranked} trials` : `of the ${ranked} trials of the last rung (${rung})`;
  if (!labels.includes('good')) return `no trial trained well: ${where}, ${list}, none good`;
  return `no learning rate is stable: every swept value diverged, or oscillated in at least half of its repeats (${where}: ${list})`;
}

function isStable(p: PointAcc, s: SensitivityPoint): boolean {
  const oscillating = p.labels.filter((l) => l === 'oscillating').length;
  return p.diverged === 0 && oscillating * 2 < p.labels.length && s.finalLoss.n > 0 && Number.isFinite(s.finalLoss.mean);
}

const CAUSE_ORDER = ['diverges', 'oscillates', 'plateaus early', 'is too slow', 'worse'] as const;
type Cause = (typeof CAUSE_ORDER)[number];
const LABEL_CAUSE: Record<CurveLabel, Cause> = {
  diverged: 'diverges', oscillating: 'oscillates', plateaued_early: 'plateaus early', too_slow: 'is too slow', good: 'worse',
};

function recommend(
  axis: string, points: PointAcc[], stats: SensitivityPoint[], tolerance: number, absTolerance: number, anyGood: boolean,
): SweepAnalysis['recommended'] {
  if (!anyGood) return null;
  let anchor = -1;
  for (let i = 0; i < points.length; i++) {
    if (!isStable(points[i]!, stats[i]!)) continue;
    if (anchor < 0 || stats[i]!.finalLoss.mean < stats[anchor]!.finalLoss.mean) anchor = i;
  }
  if (anchor < 0) return null;
  const best = stats[anchor]!.finalLoss;
  const threshold = best.mean * (1 + tolerance) + absTolerance;
  const groupKey = points[anchor]!.groupKey;
  if (points[anchor]!.category) return recommendCategory(axis, points, stats, anchor, threshold, tolerance);
  // Indices of the anchor's group, in increasing x (points are already sorted so).
  const members = points.map((_, i) => i).filter((i) => points[i]!.groupKey === groupKey);
  const ok = (i: number) => isStable(points[i]!, stats[i]!) && stats[i]!.finalLoss.mean <= threshold;
  let lo = members.indexOf(anchor);
  let hi = lo;
  while (lo > 0 && ok(members[lo - 1]!)) lo--;
  while (hi < members.length - 1 && ok(members[hi + 1]!)) hi++;
  const low = points[members[lo]!]!.x;
  const high = points[members[hi]!]!.x;

  const pct = fmtPct(tolerance).replace('.0%', '%');
  const cause = (i: number): Cause | null => {
    const p = points[i]!;
    if (p.diverged > 0) return 'diverges';
    if (!isStable(p, stats[i]!)) return 'oscillates';
    if (stats[i]!.finalLoss.mean <= threshold) return null; // fine, only cut off by an unstable neighbour
    const counts = new Map<CurveLabel, number>();
    for (const l of p.labels) counts.set(l, (counts.get(l) ?? 0) + 1);
    let top: CurveLabel = p.labels[0]!;
    for (const [l, c] of counts) if (c > counts.get(top)!) top = l;
    return LABEL_CAUSE[top];
  };
  const describe = (indices: number[], side: 'above' | 'below', edge: number): string => {
    if (indices.length === 0) return `the sweep tried nothing ${side} ${fmtValue(edge)} (the range may extend further)`;
    const causes = new Set(indices.map(cause).filter((c): c is Cause => c !== null));
    const words = CAUSE_ORDER.filter((c) => causes.has(c))
      .map((c) => (c === 'worse' ? `ends more than ${pct} above the best final loss` : c));
    if (words.length === 0) return `${side} ${fmtValue(edge)} results are mixed`;
    const list = words.length === 1 ? words[0]! : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
    return `${side} ${fmtValue(edge)} training ${list}`;
  };

  const isLr = axis === DEFAULT_AXIS;
  const short = isLr ? 'lr' : lastSegment(axis);
  const noun = isLr ? 'Learning rates' : `Values of ${axis}`;
  const groupText = Object.entries(points[anchor]!.group).map(([k, v]) => `, ${lastSegment(k)} ${fmtAxisValue(v)}`).join('');
  const repeats = best.n > 1 ? `, mean of ${best.n} repeats,` : '';
  const where = `(${fmtLoss(best.mean)}${repeats} at ${short} = ${fmtValue(points[anchor]!.x)}${groupText})`;
  const head = low === high
    ? `Only ${short} = ${fmtValue(low)} reaches within ${pct} of the best final loss ${where}`
    : `${noun} from ${fmtValue(low)} to ${fmtValue(high)} reach within ${pct} of the best final loss ${where}`;
  const above = describe(members.slice(hi + 1), 'above', high);
  const below = describe(members.slice(0, lo), 'below', low);
  const explanation = `${head}; ${above}, ${below}.`;
  return { low, high, x: points[anchor]!.x, group: points[anchor]!.group, explanation };
}

/** The recommendation on a categorical axis: the anchor's category, with how the others of its group compare. */
function recommendCategory(
  axis: string, points: PointAcc[], stats: SensitivityPoint[], anchor: number, threshold: number, tolerance: number,
): SweepAnalysis['recommended'] {
  const a = points[anchor]!;
  const best = stats[anchor]!.finalLoss;
  const pct = fmtPct(tolerance).replace('.0%', '%');
  // "optimizer.name" reads as "optimizer", "schedule" as itself.
  const short = lastSegment(axis) === 'name' && axis.includes('.') ? lastSegment(axis.slice(0, axis.lastIndexOf('.'))) : lastSegment(axis);
  const groupText = Object.entries(a.group).map(([k, v]) => `, ${lastSegment(k)} ${fmtAxisValue(v)}`).join('');
  const repeats = best.n > 1 ? `, mean of ${best.n} repeats` : '';
  // Each other category by its best point: its own group when it has one, else its best stable point
  // elsewhere (sgd with its best momentum beside adam, which has none), named by what differs.
  const close: string[] = [];
  const rest: string[] = [];
  const own = (i: number) => points[i]!.groupKey === a.groupKey;
  const stable = (i: number) => isStable(points[i]!, stats[i]!);
  const mean = (i: number) => (Number.isFinite(stats[i]!.finalLoss.mean) ? stats[i]!.finalLoss.mean : Infinity);
  const better = (i: number, j: number) =>
    own(i) !== own(j) ? own(i) : stable(i) !== stable(j) ? stable(i) : mean(i) < mean(j);
  const byCategory = new Map<number, number>();
  points.forEach((p, i) => {
    if (p.x === a.x) return;
    const current = byCategory.get(p.x);
    if (current === undefined || better(i, current)) byCategory.set(p.x, i);
  });
  for (const i of [...byCategory.values()].sort((x, y) => points[x]!.x - points[y]!.x)) {
    const p = points[i]!;
    const differs = Object.entries(p.group).filter(([k, v]) => JSON.stringify(a.group[k]) !== JSON.stringify(v));
    const name = `${p.category!.label}${differs.length ? ` (${differs.map(([k, v]) => `${lastSegment(k)} ${fmtAxisValue(v)}`).join(', ')})` : ''}`;
    const loss = stats[i]!.finalLoss.mean;
    if (isStable(p, stats[i]!) && loss <= threshold) {
      close.push(`${name} (${fmtLoss(loss)})`);
    } else if (p.diverged > 0) {
      rest.push(`${name} diverges${p.labels.length > 1 ? ` in ${p.diverged} of ${p.labels.length} repeats` : ''}`);
    } else if (!isStable(p, stats[i]!)) {
      rest.push(`${name} oscillates (final loss ${fmtLoss(loss)})`);
    } else {
      rest.push(`${name} ends at ${fmtLoss(loss)}, ${fmtRatioAbove(loss, best.mean)} above the best`);
    }
  }
  const parts = [`${short} = ${a.category!.label} reaches the lowest mean final loss (${fmtLoss(best.mean)}${repeats}${groupText})`];
  if (close.length) parts.push(`within ${pct} of it: ${close.join(', ')}`);
  if (rest.length) parts.push(rest.join(', '));
  return { low: a.x, high: a.x, x: a.x, group: a.group, value: a.category!.value, label: a.category!.label, explanation: `${parts.join('; ')}.` };
}

/** How far a loss is above the best, for a sentence: "35%" or "2.4×". */
function fmtRatioAbove(loss: number, best: number): string {
  if (!(best > 0)) return fmtLoss(loss - best);
  const ratio = loss / best;
  return ratio < 2 ? fmtPct(ratio - 1).replace('.0%', '%') : `${ratio.toPrecision(2)}×`;
}
