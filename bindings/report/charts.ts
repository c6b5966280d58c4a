/**
 * The charts of a sweep's trials, drawn as SVG by lrlab itself (./svg/): the
 * small multiples of the loss and accuracy curves and the LR schedules, and
 * what every chart shares: the grid layout of a sweep, the loss clamp and the
 * LR series of a history.
 *
 * Long series are downsampled before they are drawn (see MAX_POINTS and
 * downsampleIndices: the first and last point plus the min and max of each
 * bucket, so spikes and oscillation envelopes stay visible); this keeps a
 * 16-trial × 200-epoch sweep report small.
 *
 * Non-finite values are never handed to a log scale: a diverged loss (NaN,
 * Infinity or an explosion far above the starting loss) is clamped to a
 * ceiling at the top of the chart and the trial is labelled "diverged".
 */
import type { History } from '../history.js';
import type { Diagnosis, TrialResult } from '../sweep/types.js';
import { maxOf, minOf } from '../extent.js';
import { axisNamer, compareValues, downsampleIndices, formatValue } from './util.js';
import type { Chart } from './svg/chart.js';
import { smallMultiples } from './svg/grid.js';
import type { LegendEntry } from './svg/legend.js';
import { label, labelWidth, lineXY, marks } from './svg/marks.js';
import { plot } from './svg/plot.js';
import { linearScale, linearTicks, logScale, type Scale } from './svg/scale.js';
import { COLORS, DASHED, paletteOf } from './svg/theme.js';

export type { Chart } from './svg/chart.js';
export { chartSvg } from './svg/chart.js';
export { logLabel, logTicks } from './svg/scale.js';

/** At most this many points per drawn series (per trial curve, schedule, finder curve). */
export const MAX_POINTS = 160;

// ---------------------------------------------------------------------------
// Scales and clamping

export function finite(xs: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < xs.length; i++) if (Number.isFinite(xs[i])) out.push(xs[i]);
  return out;
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

/** Log when the positive values span more than `ratio`, else linear. */
function scaleTypeFor(values: number[], ratio = 20): 'log' | 'linear' {
  const v = finite(values);
  if (v.length === 0 || v.some((x) => x <= 0)) return 'linear';
  return maxOf(v) / minOf(v) > ratio ? 'log' : 'linear';
}

/** The y scale of positive values: log [lo/pad, hi·pad] when `log`, else linear from 0 (or lo) to a bit above hi. */
export function valueScale(lo: number, hi: number, height: number, log: boolean, o: { pad?: number; zero?: boolean; ticks?: number } = {}): Scale {
  const pad = o.pad ?? 1.15;
  if (log) return logScale([lo / pad, hi * pad], [height, 0]);
  const span = hi - lo || Math.abs(hi) || 1;
  const from = o.zero === false ? lo - span * 0.06 : Math.min(0, lo);
  return linearScale([from, hi + span * 0.06], [height, 0], { ticks: o.ticks });
}

/** The x scale of epochs: whole numbers only. */
export function epochScale(xs: number[], width: number, ticks = 6): Scale {
  const lo = xs.length ? minOf(xs) : 0;
  let hi = xs.length ? maxOf(xs) : 1;
  if (!(hi > lo)) hi = lo + 1;
  // Epochs 0…199 end at the tick 200 rather than leave the last stretch unlabelled.
  const step = linearTicks(lo, hi, ticks, 1);
  const next = step.length > 1 ? step.at(-1)! + (step[1]! - step[0]!) : hi;
  if (next > hi && next - hi <= 0.03 * (hi - lo)) hi = next;
  return linearScale([lo, hi], [0, width], { ticks, minStep: 1 });
}

export interface Clamp { floor: number; ceiling: number; apply(v: number): number }

/**
 * The range a loss is drawn in: up to 5× the typical starting loss (an
 * explosion above that, and any NaN or Infinity, is drawn at the ceiling), and
 * above zero so a log scale works.
 */
export function lossClamp(curves: number[][]): Clamp {
  const starts = finite(curves.map((c) => c.find((x) => Number.isFinite(x)) ?? NaN));
  // One pass over every value (a sweep's are tens of thousands): how many are finite, the largest, the smallest positive.
  let count = 0, maxFinite = -Infinity, minPositive = Infinity;
  for (const c of curves) {
    for (let i = 0; i < c.length; i++) {
      const x = c[i]!;
      if (!Number.isFinite(x)) continue;
      count++;
      if (x > maxFinite) maxFinite = x;
      if (x > 0 && x < minPositive) minPositive = x;
    }
  }
  const base = median(starts) ?? (count ? maxFinite : 1);
  const ceiling = Math.max(Math.min(count ? maxFinite : base, base * 5), base) || 1;
  const floor = minPositive < Infinity ? minPositive : ceiling / 1e6;
  return {
    floor, ceiling,
    apply: (v) => (Number.isFinite(v) ? Math.min(Math.max(v, floor), ceiling) : ceiling),
  };
}

export const epochsOf = (h: History): number[] => h.loss.map((_, i) => h.epoch?.[i] ?? i);

/** The points of a series in pixels (for lineXY), downsampled to `max`; `y` maps a value (or NaN to leave a gap). */
export function seriesPixels(xs: number[], ys: ArrayLike<number>, max: number, x: Scale, y: (v: number) => number): { xs: number[]; ys: number[] } {
  const keep = downsampleIndices(ys, max);
  const pxs: number[] = [], pys: number[] = [];
  for (let j = 0; j < keep.length; j++) {
    const i = keep[j]!;
    pxs.push(x(xs[i]!));
    pys.push(y(ys[i]!));
  }
  return { xs: pxs, ys: pys };
}

/** Train solid, validation dashed, in the two series colours. */
export const TRAIN_VALIDATION: LegendEntry[] = [
  { label: 'train', color: COLORS.train },
  { label: 'validation', color: COLORS.validation, dash: DASHED },
];

// ---------------------------------------------------------------------------
// Sweep layout: which axis goes across, which down

export interface GridLayout {
  /** The column label of each trial (the swept axis, e.g. "1e-3"). */
  col(r: TrialResult): string;
  /** The row label of each trial (the other axes, e.g. "0.9"), '' without other axes. */
  row(r: TrialResult): string;
  cols: string[];
  rows: string[];
  colTitle: string;
  rowTitle: string;
  /** Column values by label (for colour scales). */
  colValue: Map<string, unknown>;
}

/** Columns: the analysis axis (usually the LR); rows: the other axes combined. Without axes, one column per trial. */
export function gridLayout(results: TrialResult[], axes: string[], axis: string): GridLayout {
  const name = axisNamer(axes.length ? axes : [axis]);
  const colAxis = axes.includes(axis) ? axis : axes.length ? axes[0] : null;
  const rowAxes = axes.filter((a) => a !== colAxis);
  const col = (r: TrialResult) => (colAxis ? formatValue(r.params[colAxis]) : `#${r.index}`);
  const row = (r: TrialResult) => rowAxes.map((a) => formatValue(r.params[a])).join(', ');
  const colValue = new Map<string, unknown>();
  const rowValues = new Map<string, unknown[]>();
  for (const r of results) {
    if (!colValue.has(col(r))) colValue.set(col(r), colAxis ? r.params[colAxis] : r.index);
    if (!rowValues.has(row(r))) rowValues.set(row(r), rowAxes.map((a) => r.params[a]));
  }
  const cols = [...colValue.keys()].sort((a, b) => compareValues(colValue.get(a), colValue.get(b)));
  const rows = [...rowValues.keys()].sort((a, b) => {
    const va = rowValues.get(a)!, vb = rowValues.get(b)!;
    for (let i = 0; i < va.length; i++) {
      const c = compareValues(va[i], vb[i]);
      if (c !== 0) return c;
    }
    return 0;
  });
  return {
    col, row, cols, rows, colValue,
    colTitle: colAxis ? name(colAxis) : 'trial',
    rowTitle: rowAxes.map(name).join(', '),
  };
}

/** The trials of each cell of the grid, by column and row label. */
function byCell(results: TrialResult[], layout: GridLayout): Map<string, TrialResult[]> {
  const cells = new Map<string, TrialResult[]>();
  for (const r of results) {
    const key = `${layout.col(r)}\u0000${layout.row(r)}`;
    const list = cells.get(key) ?? [];
    list.push(r);
    cells.set(key, list);
  }
  return cells;
}

function cellSize(columns: number): { width: number; height: number } {
  const width = Math.round(Math.min(180, Math.max(84, 960 / columns - 10)));
  return { width, height: Math.round(Math.min(120, Math.max(78, width * 0.7))) };
}

/** Diverged: stopped as such, a non-finite loss, or diagnosed so (a loss that exploded and stayed finite). */
const isDiverged = (r: TrialResult, diagnoses: GridChartInput['diagnoses']) =>
  r.status === 'diverged' || diagnoses?.[r.id]?.label === 'diverged' || (r.history ? hasNonFinite(r.history.loss) : false);

function hasNonFinite(xs: number[]): boolean {
  for (let i = 0; i < xs.length; i++) if (!Number.isFinite(xs[i])) return true;
  return false;
}

/**
 * The labels of a cell, one of each: "diverged" / "failed" / "no data" at the bottom left
 * (a diverging loss leaves through the top), "best" at the top right of a loss panel and the
 * bottom right of an accuracy panel.
 */
function cellLabels(trials: TrialResult[], input: GridChartInput, width: number, height: number, bestOnTop: boolean): string {
  const texts = new Map<string, string>();
  for (const r of trials) {
    if (r.status === 'failed' || !r.history || r.history.loss.length === 0) texts.set(r.status === 'failed' ? 'failed' : 'no data', COLORS.neutral);
    else if (isDiverged(r, input.diagnoses)) texts.set('diverged', COLORS.bad);
  }
  let out = '';
  let x = 2;
  for (const [t, color] of texts) { out += label(x, height - 17, t, { color }); x += labelWidth(t) + 3; }
  if (trials.some((r) => r.id === input.bestTrialId)) out += label(width - 2, bestOnTop ? 3 : height - 17, 'best', { color: COLORS.good, anchor: 'end' });
  return out;
}

// ---------------------------------------------------------------------------
// (b) small multiples of the loss and accuracy curves

export interface GridChartInput {
  results: TrialResult[];
  axes: string[];
  /** The axis across (the analysis axis, usually "optimizer.lr"). */
  axis: string;
  bestTrialId?: string | null;
  /** The analysis' diagnoses by trial id: a trial diagnosed as diverged is labelled so. */
  diagnoses?: Record<string, Diagnosis>;
}

type Metric = 'loss' | 'accuracy';

function curveGrid(input: GridChartInput, metric: Metric, y: (height: number) => Scale, value: (v: number) => number): Chart {
  const { results } = input;
  const layout = gridLayout(results, input.axes, input.axis);
  const cells = byCell(results, layout);
  const perRow = layout.rows.length <= 1 ? Math.min(layout.cols.length, 6) : layout.cols.length;
  const { width, height } = cellSize(perRow);
  const xs: number[] = [];
  for (const r of results) {
    const h = r.history, n = h?.loss.length ?? 0;
    if (n) xs.push(h!.epoch?.[0] ?? 0, h!.epoch?.[n - 1] ?? n - 1);
  }
  const x = epochScale(xs, width, 3);
  const yScale = y(height);
  // No more points than the panel has pixel columns: the min and max of each bucket keep the envelope at that resolution.
  const maxPoints = Math.min(MAX_POINTS, width);
  const series = (h: History) => (metric === 'loss' ? [h.loss, h.valLoss] : [h.accuracy, h.valAccuracy]);
  return smallMultiples({
    title: `${metric === 'loss' ? 'Loss' : 'Accuracy'} curves of each trial`,
    cols: layout.cols, rows: layout.rows, colTitle: layout.colTitle, rowTitle: layout.rowTitle,
    cellWidth: width, cellHeight: height, x, y: yScale, xTitle: 'epoch', yTitle: metric,
    xAxis: { ticks: x.ticks(3) }, yAxis: { ticks: yScale.type === 'log' ? undefined : yScale.ticks(3) },
    legend: TRAIN_VALIDATION,
    cell(col, row) {
      const trials = cells.get(`${col}\u0000${row}`);
      if (!trials) return null;
      let lines = '';
      for (const r of trials) {
        if (!r.history) continue;
        const epochs = epochsOf(r.history);
        series(r.history).forEach((ys, k) => {
          if (!ys?.length) return;
          const pts = seriesPixels(epochs, ys, maxPoints, x, (v) => (metric === 'loss' || Number.isFinite(v) ? yScale(value(v)) : NaN));
          lines += lineXY(pts.xs, pts.ys, { color: k ? COLORS.validation : COLORS.train, width: 1.6, dash: k ? '5 2' : undefined, series: `${r.id} ${k ? 'validation' : 'train'}` });
        });
      }
      return marks('line', lines) + marks('text', cellLabels(trials, input, width, height, metric === 'loss'));
    },
  });
}

/**
 * Train (solid) and validation (dashed) loss of every trial, one panel per swept
 * value; shared scales, log y when the losses span more than 20×; null when no
 * trial has a history.
 */
export function lossGridChart(input: GridChartInput): Chart | null {
  const curves = input.results.flatMap((r) => (r.history ? [r.history.loss, r.history.valLoss ?? []] : []));
  if (!curves.some((c) => c.length)) return null;
  const clamp = lossClamp(curves);
  const log = clamp.ceiling / clamp.floor > 20;
  return curveGrid(input, 'loss', (h) => valueScale(log ? clamp.floor : 0, clamp.ceiling, h, log, { pad: log ? 1.15 : 1 }), clamp.apply);
}

/** Train and validation accuracy of every trial on the same grid; null when no trial recorded accuracy. */
export function accuracyGridChart(input: GridChartInput): Chart | null {
  if (!input.results.some((r) => r.history?.accuracy?.length || r.history?.valAccuracy?.length)) return null;
  return curveGrid(input, 'accuracy', (h) => linearScale([0, 1], [h, 0], { format: percent }), (v) => v);
}

export const percent = (v: number) => `${Math.round(v * 100)}%`;

// ---------------------------------------------------------------------------
// (c) the LR schedules

/** The LR of a history as (epoch, lr) points: history.stepLr when recorded (x = fractional epoch), else history.lr. */
export function lrSeries(h: History): { x: number[]; y: number[]; perStep: boolean } {
  const epochs = epochsOf(h);
  const first = epochs[0] ?? 0;
  if (h.stepLr && h.stepLr.length > 0 && h.lr.length > 0) {
    const perEpoch = h.stepLr.length / Math.max(1, h.lr.length);
    return { x: h.stepLr.map((_, i) => first + i / perEpoch), y: h.stepLr, perStep: true };
  }
  return { x: h.lr.map((_, i) => epochs[i] ?? i), y: h.lr, perStep: false };
}

/** The y scale of learning rates: log when they span more than 3×. */
export function lrScale(values: number[], height: number): Scale {
  return lrScaleOf(minOf(values), maxOf(values), height, () => scaleTypeFor(values, 3) === 'log');
}

/** lrScale of values from lo to hi; `log` says whether they span more than 3× (asked only when they are not constant). */
function lrScaleOf(lo: number, hi: number, height: number, log: () => boolean): Scale {
  // A constant LR sits in the middle of an axis from 0, where its size can be read.
  if (!(hi > lo * 1.0001)) return linearScale([0, 2 * hi || 1], [height, 0], { ticks: 4 });
  return valueScale(lo, hi, height, log(), { pad: 1.4, zero: false, ticks: 5 });
}

/** The pixels of values on a scale; a value equal to the one before is not mapped again (an LR holds for many epochs). */
function pixels(values: number[], scale: Scale): number[] {
  const out: number[] = [];
  let last = NaN, at = NaN;
  for (const v of values) {
    if (v !== last) { last = v; at = scale(v); }
    out.push(at);
  }
  return out;
}

/** The LR of each trial against the epoch, log y, coloured by the swept value; one panel per row of the grid. */
export function scheduleChart(input: GridChartInput): Chart | null {
  const layout = gridLayout(input.results, input.axes, input.axis);
  // The drawn LRs are finite and positive: their scale needs only the lowest and the highest.
  let lo = Infinity, hi = -Infinity;
  const xs: number[] = [];
  const series = input.results.flatMap((r) => {
    if (!r.history) return [];
    const s = lrSeries(r.history);
    const keep = downsampleIndices(s.y, MAX_POINTS * 2).filter((i) => Number.isFinite(s.y[i]) && s.y[i]! > 0);
    for (const i of keep) {
      const v = s.y[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (keep.length) xs.push(s.x[keep[0]!]!, s.x[keep.at(-1)!]!);
    return keep.length ? [{ r, x: keep.map((i) => s.x[i]!), y: keep.map((i) => s.y[i]!), perStep: s.perStep }] : [];
  });
  if (series.length === 0) return null;
  const colors = new Map(layout.cols.map((c, i) => [c, paletteOf(layout.cols.length)[i]!]));
  const entries = layout.cols.map((c) => ({ label: c, color: colors.get(c)! }));
  const draw = (x: Scale, y: Scale, row: string | null) => marks('line', series
    .filter((s) => row === null || layout.row(s.r) === row)
    // Per-epoch LRs hold for the whole epoch (steps); per-step LRs are drawn as they are (downsampled).
    .map((s) => lineXY(pixels(s.x, x), pixels(s.y, y), { color: colors.get(layout.col(s.r))!, width: 1.8, step: !s.perStep, series: s.r.id }))
    .join(''));
  const side = { title: layout.colTitle, entries };
  if (layout.rows.length <= 1) {
    const x = epochScale(xs, 860), y = lrScaleOf(lo, hi, 240, () => hi / lo > 3);
    return plot({ title: 'Learning rate of each trial', width: 860, height: 240, x, y, xTitle: 'epoch', yTitle: 'learning rate', body: draw(x, y, null), side });
  }
  const x = epochScale(xs, 420), y = lrScaleOf(lo, hi, 200, () => hi / lo > 3);
  return smallMultiples({
    title: 'Learning rate of each trial', cols: layout.rows, rows: [], colTitle: layout.rowTitle, rowTitle: '', wrap: 2,
    cellWidth: 420, cellHeight: 200, x, y, xTitle: 'epoch', yTitle: 'learning rate', xGrid: true,
    xAxis: { size: 11 }, yAxis: { size: 11 }, side,
    cell: (row) => draw(x, y, row),
  });
}
