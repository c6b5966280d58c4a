/**
 * Charts of a sweep by cell rather than by curve: the sensitivity to a
 * categorical axis (one column per category: an optimizer, a schedule) and
 * the heatmap of the final loss over two numeric axes (lr × batch size,
 * lr × momentum). Both read the analysis' sensitivity points, so they show
 * the means over repeats that the recommendation and the best configuration
 * are chosen by.
 */
import type { SensitivityPoint, SweepAnalysis, TrialResult } from '../sweep/types.js';
import { COLORS, GROUP_PALETTE, INK, MUTED, logAxis, type VegaLiteSpec } from './charts.js';
import { axisNamer, compareValues, formatNumber, formatValue } from './util.js';

type Row = Record<string, unknown>;

export interface CellChartInput {
  analysis: SweepAnalysis;
  axes: string[];
  results: TrialResult[];
}

const groupText = (group: Record<string, unknown>, name: (p: string) => string): string =>
  Object.entries(group).map(([k, v]) => `${name(k)} = ${formatValue(v)}`).join(', ') || 'all';

const sameGroup = (a: Record<string, unknown>, b: Record<string, unknown>): boolean =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => JSON.stringify(b[k]) === JSON.stringify(v));

/** The y scale of the mean losses: log when they span more than 20×. */
function lossScale(values: number[]): { type: 'log' | 'linear'; floor: number; ceiling: number } {
  const v = values.filter((x) => Number.isFinite(x) && x > 0);
  if (v.length === 0) return { type: 'linear', floor: 0, ceiling: 1 };
  let lo = v[0]!, hi = v[0]!;
  for (const x of v) { if (x < lo) lo = x; if (x > hi) hi = x; }
  return hi / lo > 20 ? { type: 'log', floor: lo / 1.3, ceiling: hi * 1.6 } : { type: 'linear', floor: 0, ceiling: hi * 1.12 };
}

/**
 * The sensitivity to a categorical axis: per category (in the sweep's order) the mean final
 * loss (dot, ± std bar over repeats) and mean best loss (open triangle), one colour per group
 * of the other axes; ✕ at the top where repeats diverged; the recommended category shaded and
 * the best cell ringed. null when the analysis' points are not categorical.
 */
export function categorySensitivitySpec(input: CellChartInput): VegaLiteSpec | null {
  const { analysis } = input;
  const points = analysis.sensitivity.filter((p) => p.label !== undefined);
  if (points.length === 0) return null;
  const name = axisNamer(input.axes.length ? input.axes : [analysis.axis]);
  const categories: string[] = [];
  for (const p of [...points].sort((a, b) => a.x - b.x)) if (!categories.includes(p.label!)) categories.push(p.label!);
  const groups: string[] = [];
  for (const p of points) if (!groups.includes(groupText(p.group, name))) groups.push(groupText(p.group, name));
  const healthy = points.filter((p) => p.diverged === 0);
  const scale = lossScale((healthy.length ? healthy : points).flatMap((p) => [p.finalLoss.mean + (p.finalLoss.n > 1 ? p.finalLoss.std : 0), p.bestLoss.mean]));
  const clampY = (v: number) => Math.min(Math.max(v, scale.type === 'log' ? scale.floor : -Infinity), scale.ceiling);

  const marks: Row[] = [];
  const bars: Row[] = [];
  const crosses: Row[] = [];
  for (const p of points) {
    const base = { c: p.label, g: groupText(p.group, name) };
    if (Number.isFinite(p.finalLoss.mean)) marks.push({ ...base, metric: 'final loss', y: clampY(p.finalLoss.mean) });
    if (Number.isFinite(p.bestLoss.mean)) marks.push({ ...base, metric: 'best loss', y: clampY(p.bestLoss.mean) });
    if (p.finalLoss.n > 1 && p.finalLoss.std > 0) bars.push({ ...base, lo: clampY(p.finalLoss.mean - p.finalLoss.std), hi: clampY(p.finalLoss.mean + p.finalLoss.std) });
    if (p.diverged > 0) crosses.push({ ...base, y: scale.ceiling, note: `${p.diverged}/${p.diverged + p.finalLoss.n} diverged` });
  }
  const single = groups.length === 1;
  const longest = categories.reduce((n, c) => Math.max(n, c.length), 0);
  const x = {
    field: 'c', type: 'nominal', sort: categories, title: name(analysis.axis), scale: { paddingInner: 0.25 },
    axis: { labelAngle: longest > 14 || categories.length * longest > 90 ? -25 : 0, labelLimit: 260, labelFontSize: 11.5 },
  };
  const y = {
    field: 'y', type: 'quantitative', title: 'loss (mean over repeats)',
    scale: { type: scale.type, domain: [scale.floor, scale.ceiling], nice: false, zero: scale.type === 'linear' },
    axis: scale.type === 'log' ? logAxis(scale.floor, scale.ceiling) : { tickCount: 6 },
  };
  const color = single
    ? { value: GROUP_PALETTE[0] }
    : {
      field: 'g', type: 'nominal', title: null, sort: groups,
      scale: { domain: groups, ...(groups.length <= GROUP_PALETTE.length ? { range: GROUP_PALETTE.slice(0, groups.length) } : {}) },
      legend: { orient: 'right' },
    };
  const offset = single ? {} : { xOffset: { field: 'g', type: 'nominal', sort: groups } };
  const layers: Row[] = [];
  const rec = analysis.recommended;
  if (rec?.label !== undefined && categories.includes(rec.label)) {
    layers.push({
      data: { values: [{ c: rec.label }] },
      layer: [
        { mark: { type: 'rect', color: COLORS.band, opacity: 0.13 }, encoding: { x } },
        { mark: { type: 'text', color: COLORS.good, fontWeight: 700, baseline: 'top', fontSize: 11, dy: 4 }, encoding: { x, y: { value: 0 }, text: { value: 'recommended' } } },
      ],
    });
  }
  if (bars.length) {
    layers.push({
      data: { values: bars },
      mark: { type: 'errorbar', ticks: { size: 9, strokeWidth: 1.5 }, rule: { strokeWidth: 1.5 } },
      encoding: { x, ...offset, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color },
    });
  }
  layers.push({
    data: { values: marks },
    mark: { type: 'point', size: 90, strokeWidth: 2, opacity: 1 },
    encoding: {
      x, ...offset, y, color,
      shape: { field: 'metric', type: 'nominal', title: null, scale: { domain: ['final loss', 'best loss'], range: ['circle', 'triangle-down'] }, legend: { orient: 'top', direction: 'horizontal' } },
      fill: { condition: { test: "datum.metric === 'final loss'", ...(single ? { value: GROUP_PALETTE[0] } : { field: 'g', type: 'nominal' }) }, value: 'white' },
    },
  });
  if (crosses.length) {
    layers.push({
      data: { values: crosses },
      layer: [
        { mark: { type: 'point', shape: 'cross', angle: 45, filled: true, size: 150, opacity: 1 }, encoding: { x, ...offset, y, color } },
        { mark: { type: 'text', dy: 14, fontSize: 10, color: MUTED }, encoding: { x, ...offset, y, text: { field: 'note' } } },
      ],
    });
  }
  const best = analysis.bestCell;
  if (best?.label !== undefined && Number.isFinite(best.finalLoss.mean)) {
    layers.push({
      data: { values: [{ c: best.label, g: groupText(best.group, name), y: clampY(best.finalLoss.mean) }] },
      layer: [
        { mark: { type: 'point', shape: 'circle', filled: false, size: 420, strokeWidth: 2.2, color: INK }, encoding: { x, ...offset, y } },
        { mark: { type: 'text', align: 'left', dx: 13, dy: 13, fontWeight: 700, fontSize: 11, color: INK }, encoding: { x, ...offset, y, text: { value: 'best' } } },
      ],
    });
  }
  return {
    width: Math.min(860, Math.max(320, categories.length * (single ? 110 : 60 + 30 * groups.length))), height: 320,
    layer: layers,
    resolve: { scale: { color: 'shared' } },
  };
}

/** The swept params other than the analysis axis whose values are all finite numbers, and not all the same. */
function numericOthers(input: CellChartInput): string[] {
  const { analysis, results } = input;
  return input.axes.filter((a) => a !== analysis.axis && new Set(results.map((r) => r.params[a])).size > 1
    && results.every((r) => typeof r.params[a] === 'number' && Number.isFinite(r.params[a])));
}

/** The axis down the heatmap (the first other numeric axis), or null when there is no heatmap to draw. */
export function heatmapRows(input: CellChartInput): string | null {
  return input.analysis.sensitivity.some((p) => p.label === undefined) ? numericOthers(input)[0] ?? null : null;
}

/**
 * The final loss (mean over repeats, validation loss when recorded) of each cell of two numeric
 * axes: the analysis axis across, the first other numeric axis down, one panel per value of the
 * remaining axes. Lighter is lower (viridis, log scale when the means span more than 20×); each
 * cell prints its mean, and "✕ k/n" when k of its n repeats diverged (grey when all did); the best
 * configuration is outlined. null without two numeric axes.
 */
export function heatmapSpec(input: CellChartInput): VegaLiteSpec | null {
  const yAxis = heatmapRows(input);
  if (yAxis === null) return null;
  const { analysis } = input;
  const name = axisNamer(input.axes.length ? input.axes : [analysis.axis]);
  const points = analysis.sensitivity.filter((p) => p.label === undefined && typeof p.group[yAxis] === 'number');
  const rest = (p: SensitivityPoint) => {
    const others = Object.fromEntries(Object.entries(p.group).filter(([k]) => k !== yAxis));
    return Object.keys(others).length ? groupText(others, name) : '';
  };
  const xs = [...new Set(points.map((p) => p.x))].sort((a, b) => a - b);
  const ys = [...new Set(points.map((p) => p.group[yAxis] as number))].sort((a, b) => compareValues(b, a));
  const means = points.map((p) => p.finalLoss.mean).filter((m) => Number.isFinite(m) && m > 0);
  let lo = Infinity, hi = -Infinity;
  for (const m of means) { if (m < lo) lo = m; if (m > hi) hi = m; }
  const log = means.length > 0 && hi / lo > 20;
  const shade = (m: number) => (hi > lo ? (log ? Math.log(m / lo) / Math.log(hi / lo) : (m - lo) / (hi - lo)) : 0);
  const best = analysis.bestCell;
  const values: Row[] = points.map((p) => {
    const mean = p.finalLoss.mean;
    const n = p.finalLoss.n + p.diverged;
    const lossText = Number.isFinite(mean) ? formatNumber(mean, 3) : '';
    const text = p.diverged > 0 ? `${lossText ? `${lossText} ` : ''}✕ ${p.diverged}/${n}` : lossText;
    return {
      xl: formatNumber(p.x, 4), yl: formatNumber(p.group[yAxis] as number, 4), f: rest(p),
      loss: Number.isFinite(mean) && mean > 0 ? mean : null, text,
      // Dark cells (high losses, viridis' purple end) get white text.
      dark: Number.isFinite(mean) && mean > 0 && shade(mean) > 0.55,
      best: best ? p.x === best.x && sameGroup(p.group, best.group) : false,
    };
  });
  const xLabels = xs.map((x) => formatNumber(x, 4));
  const yLabels = ys.map((y) => formatNumber(y, 4));
  const x = { field: 'xl', type: 'ordinal', sort: xLabels, title: name(analysis.axis), axis: { labelAngle: 0 } };
  const y = { field: 'yl', type: 'ordinal', sort: yLabels, title: name(yAxis) };
  const cell = {
    width: Math.max(200, xs.length * 74), height: Math.max(80, ys.length * 32),
    layer: [
      { mark: { type: 'rect', color: '#eaeef2' }, encoding: { x, y } },
      {
        transform: [{ filter: 'datum.loss !== null' }],
        mark: { type: 'rect' },
        encoding: {
          x, y,
          color: {
            field: 'loss', type: 'quantitative', title: 'final loss',
            scale: { type: log ? 'log' : 'linear', scheme: 'viridis', reverse: true, ...(log ? {} : { zero: false }) },
            legend: { orient: 'right', format: '.3~g' },
          },
        },
      },
      { transform: [{ filter: 'datum.best' }], mark: { type: 'rect', fill: null, stroke: INK, strokeWidth: 3 }, encoding: { x, y } },
      {
        mark: { type: 'text', fontSize: 10.5, fontWeight: 600 },
        encoding: { x, y, text: { field: 'text' }, color: { condition: { test: 'datum.dark', value: 'white' }, value: INK } },
      },
    ],
  };
  const facets = [...new Set(values.map((v) => v.f as string))];
  if (facets.length <= 1) return { data: { values }, ...cell };
  return {
    data: { values },
    facet: { field: 'f', type: 'nominal', sort: facets, title: null, header: { labelFontWeight: 600, labelFontSize: 12 } },
    columns: Math.max(1, Math.floor(900 / (cell.width + 120))),
    spec: cell,
    resolve: { scale: { color: 'shared' } },
  };
}
