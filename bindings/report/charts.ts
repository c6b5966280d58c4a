/**
 * The charts of the reports: Vega-Lite specs built as plain objects, rendered
 * to SVG strings in Node by vega-lite's compile and a headless vega View
 * (renderer 'none', view.toSVG()). No canvas package is needed: without one,
 * vega estimates text widths from the font size, which is good enough for
 * axis labels and titles; the browser draws the text itself.
 *
 * Long series are downsampled before they reach Vega (see MAX_POINTS and
 * downsampleIndices: the first and last point plus the min and max of each
 * bucket, so spikes and oscillation envelopes stay visible); this keeps a
 * 16-trial × 200-epoch sweep report well under a second and the HTML small.
 *
 * Non-finite values are never handed to a log scale: a diverged loss (NaN,
 * Infinity or an explosion far above the starting loss) is clamped to a
 * ceiling at the top of the chart and the trial is labelled "diverged".
 */
import type { TopLevelSpec } from 'vega-lite';
import type { History } from '../history.js';
import type { SensitivityPoint, SweepAnalysis, TrialResult } from '../sweep/types.js';
import type { FinderChartInput } from './types.js';
import { maxOf, minOf } from '../extent.js';
import { axisNamer, compareValues, downsampleIndices, formatNumber, formatValue } from './util.js';

/** A Vega-Lite spec as a plain object (see https://vega.github.io/vega-lite/docs/). */
export type VegaLiteSpec = Record<string, unknown>;
type Row = Record<string, unknown>;

/** At most this many points per drawn series (per trial curve, schedule, finder curve). */
export const MAX_POINTS = 160;

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
export const INK = '#1f2328';
export const MUTED = '#57606a';
export const COLORS = {
  train: '#1f5fa8',
  validation: '#d1560c',
  bad: '#c62828',
  good: '#1a7f37',
  neutral: '#6e7781',
  band: '#2da44e',
};
/** Colour-blind-safe categorical palette (Okabe–Ito, without its yellow, darkened for white paper). */
export const GROUP_PALETTE = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#56b4e9', '#e69f00', '#000000', '#8c564b'];

/** The look shared by all charts: readable fonts, quiet grid, dark text. */
export const CHART_CONFIG = {
  font: FONT,
  background: 'white',
  padding: 8,
  aria: false, // no per-mark aria-labels: they would double the SVG size; each figure has a caption instead
  view: { stroke: '#d0d7de' },
  axis: {
    labelColor: MUTED, titleColor: INK, labelFontSize: 11, titleFontSize: 12, titleFontWeight: 600,
    gridColor: '#eaeef2', domainColor: '#8c959f', tickColor: '#8c959f', labelFlush: true,
  },
  // labelLimit: legends of object-valued axes ("inverse_time rate=0.01") must not be cut to a common prefix.
  legend: { labelColor: INK, titleColor: INK, labelFontSize: 12, titleFontSize: 12, titleFontWeight: 600, symbolStrokeWidth: 2.5, labelLimit: 360 },
  header: { labelColor: INK, titleColor: INK, labelFontSize: 11, titleFontSize: 12, titleFontWeight: 600 },
  title: { color: INK, fontSize: 14, fontWeight: 600, anchor: 'start' },
  line: { strokeWidth: 2 },
  text: { color: INK, fontSize: 11 },
};

let chartCount = 0;

/** Renders a Vega-Lite spec to a standalone SVG string (no scripts, no external resources). */
export async function renderChart(spec: VegaLiteSpec): Promise<string> {
  // Imported here, not at the top: Vega and Vega-Lite take a while to load, and only drawing a chart needs them.
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const config = { ...CHART_CONFIG, ...((spec.config as object | undefined) ?? {}) };
  const full = { ...spec, config } as unknown as TopLevelSpec;
  const logger = vega.logger(vega.Error);
  const compiled = compile(full, { logger }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logger });
  try {
    const svg = await view.toSVG();
    return uniqueIds(svg, `lr${++chartCount}-`);
  } finally {
    view.finalize();
  }
}

/** Prefixes the ids (clip paths, gradients) of one SVG so that many can share an HTML page. */
function uniqueIds(svg: string, prefix: string): string {
  return svg
    .replace(/\bid="([^"]+)"/g, (_m, id: string) => `id="${prefix}${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_m, id: string) => `url(#${prefix}${id})`)
    .replace(/href="#([^"]+)"/g, (_m, id: string) => `href="#${prefix}${id}"`);
}

// ---------------------------------------------------------------------------
// Scales and clamping

const finite = (xs: Iterable<number>): number[] => [...xs].filter((x) => Number.isFinite(x));

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

/** Log when the positive values span more than `ratio`, else linear. */
function scaleTypeFor(values: number[], ratio = 20): 'log' | 'linear' {
  const v = finite(values);
  if (v.length === 0 || v.some((x) => x <= 0)) return 'linear';
  return maxOf(v) / minOf(v) > ratio ? 'log' : 'linear';
}

/** Epochs are whole numbers: no 0.5 ticks, no decimals. */
const EPOCH_AXIS = { tickMinStep: 1, format: 'd' };

/** Axis labels of a log scale: 3e-4, 1.5e-3, 0.01, 0.5, 2 (the LR reads best this way). */
export const LOG_LABEL = "abs(datum.value) < 0.01 || abs(datum.value) >= 100000 ? format(datum.value, '.2~e') : format(datum.value, '~g')";

/** Tick values for a log axis: the powers of ten in [lo, hi], with 2× and 5× (or 3×) when that range spans few decades. */
export function logTicks(lo: number, hi: number): number[] {
  if (!(lo > 0) || !(hi > 0) || !Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi < lo) [lo, hi] = [hi, lo];
  const decades = Math.log10(hi / lo);
  const mults = decades <= 1.2 ? [1, 2, 5] : decades <= 2.5 ? [1, 3] : [1];
  const step = decades > 12 ? 2 : 1;
  const out: number[] = [];
  for (let p = Math.floor(Math.log10(lo)); p <= Math.ceil(Math.log10(hi)); p += step) {
    for (const m of mults) {
      const v = Number((m * 10 ** p).toPrecision(6));
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(v);
    }
  }
  return out;
}

/** The axis of a log scale over [lo, hi]: chosen ticks, readable labels, one grid line per tick. */
export function logAxis(lo: number, hi: number, extra: Row = {}): Row {
  const values = logTicks(lo, hi);
  return { ...(values.length >= 2 ? { values } : {}), labelExpr: LOG_LABEL, ...extra };
}

interface Clamp { floor: number; ceiling: number; apply(v: number): number }

/**
 * The range a loss is drawn in: up to 5× the typical starting loss (an
 * explosion above that, and any NaN or Infinity, is drawn at the ceiling), and
 * above zero so a log scale works.
 */
function lossClamp(curves: number[][]): Clamp {
  const starts = finite(curves.map((c) => c.find((x) => Number.isFinite(x)) ?? NaN));
  const all = finite(curves.flat());
  const base = median(starts) ?? (all.length ? maxOf(all) : 1);
  const maxFinite = all.length ? maxOf(all) : base;
  const ceiling = Math.max(Math.min(maxFinite, base * 5), base) || 1;
  const positive = all.filter((x) => x > 0);
  const floor = positive.length ? minOf(positive) : ceiling / 1e6;
  return {
    floor, ceiling,
    apply: (v) => (Number.isFinite(v) ? Math.min(Math.max(v, floor), ceiling) : ceiling),
  };
}

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
  /** Numeric column values by label (for colour scales), when the axis is numeric. */
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

function cellSize(columns: number): { width: number; height: number } {
  const width = Math.round(Math.min(180, Math.max(84, 960 / columns - 10)));
  return { width, height: Math.round(Math.min(120, Math.max(78, width * 0.7))) };
}

/** The facet of a grid: rows × columns, or wrapped columns when there is a single row. */
function facetOf(layout: GridLayout): { facet: Row; columns?: number; perRow: number } {
  const colHeader = { labelFontWeight: 600, labelPadding: 4, titlePadding: 2 };
  if (layout.rows.length <= 1) {
    const columns = Math.min(layout.cols.length, 6);
    return {
      facet: { field: 'c', type: 'ordinal', sort: layout.cols, title: null, header: { ...colHeader, labelExpr: `'${jsString(layout.colTitle)} = ' + (datum.label)` } },
      columns,
      perRow: columns,
    };
  }
  return {
    facet: {
      row: {
        field: 'r', type: 'ordinal', sort: layout.rows, title: layout.rowTitle,
        header: { labelAngle: 0, labelAlign: 'left', labelFontWeight: 600, labelPadding: 6, titleAngle: -90, titlePadding: 4 },
      },
      column: { field: 'c', type: 'ordinal', sort: layout.cols, title: layout.colTitle, header: { ...colHeader, titleOrient: 'top' } },
    },
    perRow: layout.cols.length,
  };
}

/**
 * Escapes text for a single-quoted Vega expression string. (Header labelExprs
 * wrap datum.label in parentheses: Vega-Lite 6 substitutes it with an
 * unparenthesized conditional, so "'x = ' + datum.label" would lose the prefix.)
 */
function jsString(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, ' ');
}

function epochsOf(h: History): number[] {
  return h.loss.map((_, i) => h.epoch?.[i] ?? i);
}

interface CellLabel { c: string; r: string; text: string; tone: 'bad' | 'good' | 'neutral' }

/** "diverged" / "failed" / "best" labels of the cells, one of each per cell. */
function cellLabels(results: TrialResult[], layout: GridLayout, bestTrialId: string | null, diverged: (r: TrialResult) => boolean): CellLabel[] {
  const seen = new Set<string>();
  const out: CellLabel[] = [];
  const add = (l: CellLabel) => {
    const key = `${l.c}\u0000${l.r}\u0000${l.text}`;
    if (!seen.has(key)) { seen.add(key); out.push(l); }
  };
  for (const r of results) {
    const base = { c: layout.col(r), r: layout.row(r) };
    if (r.status === 'failed' || !r.history || r.history.loss.length === 0) add({ ...base, text: r.status === 'failed' ? 'failed' : 'no data', tone: 'neutral' });
    else if (diverged(r)) add({ ...base, text: 'diverged', tone: 'bad' });
    if (r.id === bestTrialId) add({ ...base, text: 'best', tone: 'good' });
  }
  return out;
}

const isDiverged = (r: TrialResult) =>
  r.status === 'diverged' || (r.history?.loss.some((x) => !Number.isFinite(x)) ?? false);

/**
 * The cell labels as two layers (a white box, then the text) whose pixel
 * positions and colours come from the rows themselves (scale: null), so that
 * a grid of many cells stays two marks per cell: "diverged"/"failed" at the
 * bottom-left (a diverging loss leaves through the top), "best" at the
 * top-right of a loss cell and the bottom-right of an accuracy cell.
 */
function placeLabels(values: Row[], width: number, height: number, bestOnTop: boolean): void {
  const colors: Record<string, string> = { bad: COLORS.bad, neutral: COLORS.neutral, good: COLORS.good };
  for (const v of values) {
    if (v.k !== 'label') continue;
    const text = String(v.text);
    const w = 6 + text.length * 7;
    const right = v.tone === 'good';
    const bottom = right && bestOnTop ? 17 : height - 3;
    const left = right ? width - w - 2 : 2;
    Object.assign(v, { bx0: left, bx1: left + w, by0: bottom - 14, by1: bottom, tx: left + 3, ty: bottom - 1, color: colors[String(v.tone)] });
  }
}

function labelLayers(): Row[] {
  const filter = [{ filter: "datum.k === 'label'" }];
  const raw = (field: string) => ({ field, type: 'quantitative', scale: null });
  return [
    {
      transform: filter,
      mark: { type: 'rect', color: 'white', opacity: 0.88, cornerRadius: 2 },
      encoding: { x: raw('bx0'), x2: { field: 'bx1' }, y: raw('by0'), y2: { field: 'by1' } },
    },
    {
      transform: filter,
      mark: { type: 'text', align: 'left', baseline: 'bottom', fontWeight: 700, fontSize: 11 },
      encoding: { x: raw('tx'), y: raw('ty'), text: { field: 'text' }, color: { field: 'color', type: 'nominal', scale: null } },
    },
  ];
}

// ---------------------------------------------------------------------------
// (b) small multiples of the loss and accuracy curves

export interface GridChartInput {
  results: TrialResult[];
  axes: string[];
  /** The axis across (the analysis axis, usually "optimizer.lr"). */
  axis: string;
  bestTrialId?: string | null;
}

/**
 * Train (solid) and validation (dashed) loss of every trial, one cell per swept
 * value; shared scales, log y when the losses span more than 20×; null when no
 * trial has a history.
 */
export function lossGridSpec(input: GridChartInput): VegaLiteSpec | null {
  const { results } = input;
  const layout = gridLayout(results, input.axes, input.axis);
  const clamp = lossClamp(results.flatMap((r) => (r.history ? [r.history.loss, r.history.valLoss ?? []] : [])));
  const values: Row[] = [];
  for (const r of results) {
    const h = r.history;
    if (!h) continue;
    const xs = epochsOf(h);
    for (const [series, ys] of [['train', h.loss], ['validation', h.valLoss]] as const) {
      if (!ys || ys.length === 0) continue;
      for (const i of downsampleIndices(ys, MAX_POINTS)) {
        values.push({ k: 'curve', c: layout.col(r), r: layout.row(r), t: r.id, s: series, x: xs[i], y: clamp.apply(ys[i]) });
      }
    }
  }
  if (values.length === 0) return null;
  for (const l of cellLabels(results, layout, input.bestTrialId ?? null, isDiverged)) values.push({ k: 'label', ...l });
  const yType = clamp.ceiling / clamp.floor > 20 ? 'log' : 'linear';
  const domain = yType === 'log' ? [clamp.floor / 1.15, clamp.ceiling * 1.15] : [0, clamp.ceiling * 1.05];
  return gridSpec(layout, values, {
    y: {
      field: 'y', type: 'quantitative', title: 'loss', scale: { type: yType, domain, nice: false },
      axis: yType === 'log' ? logAxis(domain[0], domain[1], { labelFontSize: 10 }) : { tickCount: 3, labelFontSize: 10 },
    },
    bestOnTop: true,
  });
}

/** Train and validation accuracy of every trial on the same grid; null when no trial recorded accuracy. */
export function accuracyGridSpec(input: GridChartInput): VegaLiteSpec | null {
  const { results } = input;
  if (!results.some((r) => r.history?.accuracy?.length || r.history?.valAccuracy?.length)) return null;
  const layout = gridLayout(results, input.axes, input.axis);
  const values: Row[] = [];
  for (const r of results) {
    const h = r.history;
    if (!h) continue;
    const xs = epochsOf(h);
    for (const [series, ys] of [['train', h.accuracy], ['validation', h.valAccuracy]] as const) {
      if (!ys || ys.length === 0) continue;
      for (const i of downsampleIndices(ys, MAX_POINTS)) {
        if (!Number.isFinite(ys[i])) continue;
        values.push({ k: 'curve', c: layout.col(r), r: layout.row(r), t: r.id, s: series, x: xs[i], y: ys[i] });
      }
    }
  }
  for (const l of cellLabels(results, layout, input.bestTrialId ?? null, isDiverged)) values.push({ k: 'label', ...l });
  return gridSpec(layout, values, {
    y: { field: 'y', type: 'quantitative', title: 'accuracy', scale: { domain: [0, 1] }, axis: { tickCount: 3, format: '.0%', labelFontSize: 10 } },
    bestOnTop: false,
  });
}

function gridSpec(layout: GridLayout, values: Row[], enc: { y: Row; bestOnTop: boolean }): VegaLiteSpec {
  const { facet, columns, perRow } = facetOf(layout);
  const { width, height } = cellSize(perRow);
  placeLabels(values, width, height, enc.bestOnTop);
  return {
    data: { values },
    facet,
    ...(columns ? { columns } : {}),
    spacing: { row: 10, column: 8 },
    resolve: { scale: { x: 'shared', y: 'shared' } },
    spec: {
      width, height,
      layer: [
        {
          transform: [{ filter: "datum.k === 'curve'" }],
          mark: { type: 'line', strokeWidth: 1.6, clip: true },
          encoding: {
            x: { field: 'x', type: 'quantitative', title: 'epoch', axis: { ...EPOCH_AXIS, tickCount: 3, labelFontSize: 10, grid: false } },
            y: enc.y,
            color: {
              field: 's', type: 'nominal', title: null,
              scale: { domain: ['train', 'validation'], range: [COLORS.train, COLORS.validation] },
              legend: { orient: 'top', direction: 'horizontal', symbolType: 'stroke' },
            },
            strokeDash: { field: 's', type: 'nominal', scale: { domain: ['train', 'validation'], range: [[1, 0], [5, 2]] }, legend: null },
            detail: { field: 't' },
          },
        },
        ...labelLayers(),
      ],
    },
  };
}

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

/** The LR of each trial against the epoch, log y, coloured by the swept value; one panel per row of the grid. */
export function scheduleSpec(input: GridChartInput): VegaLiteSpec | null {
  const layout = gridLayout(input.results, input.axes, input.axis);
  const values: Row[] = [];
  let perStep = false;
  for (const r of input.results) {
    if (!r.history) continue;
    const { x, y, perStep: steps } = lrSeries(r.history);
    perStep ||= steps;
    for (const i of downsampleIndices(y, MAX_POINTS * 2)) {
      if (Number.isFinite(y[i]) && y[i] > 0) values.push({ c: layout.col(r), r: layout.row(r), t: r.id, x: x[i], y: y[i] });
    }
  }
  if (values.length === 0) return null;
  const ys = values.map((v) => v.y as number);
  const yType = scaleTypeFor(ys, 3);
  const rowsFacet = layout.rows.length > 1;
  const n = layout.cols.length;
  const palette = n <= GROUP_PALETTE.length ? GROUP_PALETTE.slice(0, n) : undefined;
  const panel = {
    width: rowsFacet ? 420 : 860,
    height: rowsFacet ? 200 : 240,
    // Per-epoch LRs hold for the whole epoch (steps); per-step LRs are drawn as they are (downsampled).
    mark: { type: 'line', interpolate: perStep ? 'linear' : 'step-after', strokeWidth: 1.8, clip: true },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: 'epoch', axis: EPOCH_AXIS },
      y: {
        field: 'y', type: 'quantitative', title: 'learning rate', scale: { type: yType, ...(yType === 'linear' ? { zero: false } : {}) },
        axis: yType === 'log' ? logAxis(minOf(ys), maxOf(ys)) : {},
      },
      color: {
        field: 'c', type: 'ordinal', title: layout.colTitle, sort: layout.cols,
        scale: palette ? { domain: layout.cols, range: palette } : { domain: layout.cols, scheme: { name: 'viridis', extent: [0, 0.85] } },
        legend: { orient: 'right', symbolType: 'stroke' },
      },
      detail: { field: 't' },
    },
  };
  if (!rowsFacet) return { data: { values }, ...panel };
  return {
    data: { values },
    facet: { field: 'r', type: 'ordinal', sort: layout.rows, title: null, header: { labelExpr: `'${jsString(layout.rowTitle)} = ' + (datum.label)`, labelFontWeight: 600, labelFontSize: 12 } },
    columns: 2,
    spacing: { column: 24, row: 16 },
    spec: panel,
  };
}

// ---------------------------------------------------------------------------
// (a) the sensitivity ("U") curve

export interface UCurveInput {
  analysis: SweepAnalysis;
  axes: string[];
  /** To mark the best trial with a ring. */
  results?: TrialResult[];
}

function groupLabel(group: Record<string, unknown>, name: (p: string) => string): string {
  const entries = Object.entries(group);
  if (entries.length === 0) return 'all';
  if (entries.length === 1) return `${name(entries[0][0])} = ${formatValue(entries[0][1])}`;
  return entries.map(([k, v]) => `${name(k)}=${formatValue(v)}`).join(', ');
}

/**
 * Final loss (solid, with mean ± std error bars when a value has repeats) and
 * best loss (dashed) against the swept axis on a log x axis, one colour per
 * group of the other axes; ✕ at the top where runs diverged, a shaded band for
 * the recommended range, a ring on the best trial.
 */
export function uCurveSpec(input: UCurveInput): VegaLiteSpec | null {
  const { analysis } = input;
  const name = axisNamer(input.axes.length ? input.axes : [analysis.axis]);
  const points = analysis.sensitivity.filter((p) => Number.isFinite(p.x));
  if (points.length === 0) return null;
  const groups: string[] = [];
  for (const p of points) {
    const g = groupLabel(p.group, name);
    if (!groups.includes(g)) groups.push(g);
  }
  const groupOrder = new Map(groups.map((g) => [g, points.find((p) => groupLabel(p.group, name) === g)!.group]));
  groups.sort((a, b) => {
    const ga = Object.values(groupOrder.get(a)!), gb = Object.values(groupOrder.get(b)!);
    for (let i = 0; i < ga.length; i++) { const c = compareValues(ga[i], gb[i]); if (c !== 0) return c; }
    return 0;
  });

  // The y range: the finite means (± std) of values where nothing diverged; the ✕ sit on the ceiling.
  const healthy = points.filter((p) => p.diverged === 0);
  const ref = healthy.length ? healthy : points;
  const ys = finite(ref.flatMap((p) => [p.finalLoss.mean, p.bestLoss.mean, p.finalLoss.mean + (p.finalLoss.n > 1 ? p.finalLoss.std : 0)]));
  const maxY = ys.length ? maxOf(ys) : 1;
  const minY = ys.length ? Math.min(minOf(ys.filter((y) => y > 0)), maxY) : maxY / 10;
  const yType = maxY / minY > 20 && minY > 0 ? 'log' : 'linear';
  const ceiling = yType === 'log' ? maxY * 1.6 : maxY * 1.12;
  const floor = yType === 'log' ? minY / 1.3 : 0;
  const clampY = (v: number) => Math.min(Math.max(v, yType === 'log' ? floor : -Infinity), ceiling);

  const lines: Row[] = [];
  const bars: Row[] = [];
  const crosses: Row[] = [];
  for (const p of points) {
    const g = groupLabel(p.group, name);
    for (const [metric, s] of [['final loss', p.finalLoss], ['best loss', p.bestLoss]] as const) {
      if (Number.isFinite(s.mean)) lines.push({ g, x: p.x, y: clampY(s.mean), metric });
    }
    if (p.finalLoss.n > 1 && Number.isFinite(p.finalLoss.mean) && Number.isFinite(p.finalLoss.std) && p.finalLoss.std > 0) {
      bars.push({ g, x: p.x, lo: clampY(p.finalLoss.mean - p.finalLoss.std), hi: clampY(p.finalLoss.mean + p.finalLoss.std) });
    }
    if (p.diverged > 0) crosses.push({ g, x: p.x, y: ceiling, note: p.finalLoss.n > 1 ? `${p.diverged}/${p.finalLoss.n}` : '' });
  }

  const xs = points.map((p) => p.x);
  const xType = xs.every((x) => x > 0) ? 'log' : 'linear';
  const single = groups.length === 1 && groups[0] === 'all';
  const color = single
    ? { value: GROUP_PALETTE[0] }
    : {
      field: 'g', type: 'nominal', title: [...new Set(points.flatMap((p) => Object.keys(p.group)))].map(name).join(', '),
      scale: { domain: groups, range: groups.length <= GROUP_PALETTE.length ? GROUP_PALETTE.slice(0, groups.length) : undefined },
      legend: { orient: 'right', symbolType: 'stroke', labelExpr: "split(datum.label, ' = ')[length(split(datum.label, ' = ')) - 1]" },
    };
  const x = {
    field: 'x', type: 'quantitative', title: `${name(analysis.axis)} (log scale)`,
    scale: { type: xType, nice: false, padding: 14 },
    axis: { labelExpr: LOG_LABEL, labelOverlap: 'greedy', grid: true, ...(new Set(xs).size <= 16 ? { values: [...new Set(xs)].sort((a, b) => a - b) } : {}) },
  };
  if (xType !== 'log') x.title = name(analysis.axis);
  const y = {
    field: 'y', type: 'quantitative', title: 'loss',
    scale: { type: yType, domain: [floor, ceiling], nice: false, zero: yType === 'linear' },
    axis: yType === 'log' ? logAxis(floor, ceiling) : { tickCount: 6 },
  };
  const layers: Row[] = [];

  if (analysis.recommended && Number.isFinite(analysis.recommended.low) && Number.isFinite(analysis.recommended.high)) {
    const { low, high } = analysis.recommended;
    const lo = Math.min(low, high), hi = Math.max(low, high);
    const pad = xType === 'log' ? 1.08 : 1;
    layers.push({
      data: { values: [{ lo: lo / pad, hi: hi * pad, mid: xType === 'log' ? Math.sqrt(lo * hi) : (lo + hi) / 2 }] },
      layer: [
        { mark: { type: 'rect', color: COLORS.band, opacity: 0.13 }, encoding: { x: { field: 'lo', type: 'quantitative', scale: x.scale }, x2: { field: 'hi' } } },
        { mark: { type: 'text', color: COLORS.good, fontWeight: 700, baseline: 'top', fontSize: 11, dy: 4 }, encoding: { x: { field: 'mid', type: 'quantitative' }, y: { value: 0 }, text: { value: 'recommended' } } },
      ],
    });
  }
  const strokeDash = {
    field: 'metric', type: 'nominal', title: null,
    scale: { domain: ['final loss', 'best loss'], range: [[1, 0], [6, 3]] },
    legend: { orient: 'top', direction: 'horizontal', symbolType: 'stroke', symbolStrokeColor: INK },
  };
  layers.push({
    data: { values: bars },
    mark: { type: 'errorbar', ticks: { size: 9, strokeWidth: 1.5 }, rule: { strokeWidth: 1.5 }, opacity: 0.85 },
    encoding: { x, y: { ...y, field: 'lo', title: 'loss' }, y2: { field: 'hi' }, color },
  });
  layers.push({
    data: { values: lines },
    layer: [
      { mark: { type: 'line', strokeWidth: 2.2 }, encoding: { x, y, color, strokeDash, detail: { field: 'g' } } },
      {
        transform: [{ filter: "datum.metric === 'final loss'" }],
        mark: { type: 'point', filled: true, size: 46, opacity: 1 }, encoding: { x, y, color },
      },
    ],
  });
  if (crosses.length) {
    layers.push({
      data: { values: crosses },
      layer: [
        { mark: { type: 'point', shape: 'cross', angle: 45, filled: true, size: 150, opacity: 1 }, encoding: { x, y, color } },
        { mark: { type: 'text', dy: 14, fontSize: 10, color: MUTED }, encoding: { x, y, text: { field: 'note' } } },
      ],
    });
  }
  const best = bestPoint(input, points, clampY);
  if (best) {
    layers.push({
      data: { values: [best] },
      layer: [
        { mark: { type: 'point', shape: 'circle', filled: false, size: 380, strokeWidth: 2.2, color: INK }, encoding: { x, y } },
        { mark: { type: 'text', align: 'left', dx: 13, dy: 13, fontWeight: 700, fontSize: 11, color: INK }, encoding: { x, y, text: { value: 'best' } } },
      ],
    });
  }
  return {
    width: 860, height: 340,
    layer: layers,
    resolve: { scale: { color: 'shared' } },
  };
}

function bestPoint(input: UCurveInput, points: SensitivityPoint[], clampY: (v: number) => number): Row | null {
  const { analysis } = input;
  const trial = input.results?.find((r) => r.id === analysis.bestTrialId);
  if (!trial) return null;
  const xv = trial.params[analysis.axis];
  const p = points.find((q) => q.x === xv && Object.entries(q.group).every(([k, v]) => Object.is(trial.params[k], v) || JSON.stringify(trial.params[k]) === JSON.stringify(v)));
  if (!p || !Number.isFinite(p.finalLoss.mean)) return null;
  return { x: p.x, y: clampY(p.finalLoss.mean) };
}

// ---------------------------------------------------------------------------
// (d) one run: loss, accuracy and LR

const RUN_WIDTH = 880;
const RUN_HEIGHT = 240;

/** Train and validation loss of one run against the epoch; stop/divergence events as labelled rules. */
export function runLossSpec(history: History): VegaLiteSpec {
  const clamp = lossClamp([history.loss, history.valLoss ?? []]);
  const xs = epochsOf(history);
  const values: Row[] = [];
  for (const [s, ys] of [['train', history.loss], ['validation', history.valLoss]] as const) {
    if (!ys?.length) continue;
    for (const i of downsampleIndices(ys, MAX_POINTS * 2)) values.push({ s, x: xs[i], y: clamp.apply(ys[i]) });
  }
  const events = history.events
    .filter((e) => e.kind === 'stop' || e.kind === 'diverged' || e.kind === 'aborted')
    .map((e) => ({ x: e.epoch, text: e.kind === 'stop' ? 'stopped' : e.kind }));
  const yType = clamp.ceiling / clamp.floor > 30 ? 'log' : 'linear';
  const domain = yType === 'log' ? [clamp.floor / 1.15, clamp.ceiling * 1.15] : [0, clamp.ceiling * 1.05];
  const layers: Row[] = [
    {
      data: { values },
      mark: { type: 'line', strokeWidth: 2, clip: true, point: history.loss.length < 12 },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: 'epoch', axis: EPOCH_AXIS },
        y: { field: 'y', type: 'quantitative', title: 'loss', scale: { type: yType, domain, nice: false }, axis: yType === 'log' ? logAxis(domain[0], domain[1]) : {} },
        color: { field: 's', type: 'nominal', title: null, scale: { domain: ['train', 'validation'], range: [COLORS.train, COLORS.validation] }, legend: { orient: 'top', symbolType: 'stroke' } },
        strokeDash: { field: 's', type: 'nominal', scale: { domain: ['train', 'validation'], range: [[1, 0], [6, 3]] }, legend: null },
      },
    },
  ];
  if (events.length) {
    layers.push({
      data: { values: events },
      layer: [
        { mark: { type: 'rule', color: COLORS.bad, strokeDash: [3, 3], strokeWidth: 1.5 }, encoding: { x: { field: 'x', type: 'quantitative' } } },
        { mark: { type: 'text', color: COLORS.bad, align: 'right', baseline: 'top', dx: -4, dy: 4, fontWeight: 700 }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { value: 0 }, text: { field: 'text' } } },
      ],
    });
  }
  return { width: RUN_WIDTH, height: RUN_HEIGHT, layer: layers };
}

/** Train and validation accuracy of one run; null without accuracy. */
export function runAccuracySpec(history: History): VegaLiteSpec | null {
  if (!history.accuracy?.length && !history.valAccuracy?.length) return null;
  const xs = epochsOf(history);
  const values: Row[] = [];
  for (const [s, ys] of [['train', history.accuracy], ['validation', history.valAccuracy]] as const) {
    if (!ys?.length) continue;
    for (const i of downsampleIndices(ys, MAX_POINTS * 2)) if (Number.isFinite(ys[i])) values.push({ s, x: xs[i], y: ys[i] });
  }
  const lo = minOf(values.map((v) => v.y as number));
  return {
    width: RUN_WIDTH, height: RUN_HEIGHT,
    data: { values },
    mark: { type: 'line', strokeWidth: 2, point: xs.length < 12 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: 'epoch', axis: EPOCH_AXIS },
      y: { field: 'y', type: 'quantitative', title: 'accuracy', scale: { domain: [Math.max(0, Math.floor(lo * 10) / 10), 1] }, axis: { format: '.0%' } },
      color: { field: 's', type: 'nominal', title: null, scale: { domain: ['train', 'validation'], range: [COLORS.train, COLORS.validation] }, legend: { orient: 'top', symbolType: 'stroke' } },
      strokeDash: { field: 's', type: 'nominal', scale: { domain: ['train', 'validation'], range: [[1, 0], [6, 3]] }, legend: null },
    },
  };
}

/** The LR of one run (per step when recorded) with its LR-change events (plateau, callbacks) as points. */
export function runLrSpec(history: History): VegaLiteSpec | null {
  const { x, y, perStep } = lrSeries(history);
  const values: Row[] = [];
  for (const i of downsampleIndices(y, MAX_POINTS * 3)) if (Number.isFinite(y[i]) && y[i] > 0) values.push({ x: x[i], y: y[i] });
  if (values.length === 0) return null;
  const lastX = x[x.length - 1] ?? 0;
  const changes = history.events
    .filter((e) => e.kind === 'lr' && typeof e.newLr === 'number' && Number.isFinite(e.newLr) && e.newLr > 0)
    .map((e) => ({ x: Math.min(e.epoch + 1, lastX), y: e.newLr, what: 'LR change' }));
  const yType = scaleTypeFor([...values.map((v) => v.y as number), ...changes.map((c) => c.y as number)], 3);
  const all = [...values.map((v) => v.y as number), ...changes.map((c) => c.y as number)];
  const yEnc = {
    field: 'y', type: 'quantitative', title: 'learning rate', scale: { type: yType, zero: false },
    axis: yType === 'log' ? logAxis(minOf(all), maxOf(all)) : {},
  };
  const layers: Row[] = [
    {
      data: { values },
      mark: { type: 'line', interpolate: perStep ? 'linear' : 'step-after', strokeWidth: 2, color: '#6639ba' },
      encoding: { x: { field: 'x', type: 'quantitative', title: 'epoch', axis: EPOCH_AXIS }, y: yEnc },
    },
  ];
  if (changes.length) {
    layers.push({
      data: { values: changes },
      mark: { type: 'point', shape: 'triangle-down', filled: true, size: 70, color: COLORS.bad },
      encoding: { x: { field: 'x', type: 'quantitative' }, y: yEnc },
    });
  }
  return { width: RUN_WIDTH, height: 200, layer: layers };
}

// ---------------------------------------------------------------------------
// (e) the LR range test

/** Raw (faint) and smoothed loss against the LR (log x), the three suggestions as labelled vertical rules. */
export function finderSpec(result: FinderChartInput): VegaLiteSpec | null {
  const n = Math.min(result.lrs.length, result.losses.length, result.smoothed.length);
  if (result.lrs.slice(0, n).filter((x) => x > 0).length < 2) return null;
  const sm = finite(result.smoothed.slice(0, n));
  const start = sm[0] ?? 1;
  const lowest = sm.length ? minOf(sm) : start;
  const highest = sm.length ? maxOf(sm) : start;
  // Up to a bit above the start or 4× the minimum (fastai's stop), whichever is higher: the explosion is clipped.
  const ceiling = Math.min(highest * 1.05, Math.max(start * 1.15, lowest * 4)) || 1;
  const floor = Math.min(lowest, minOf(finite(result.losses.slice(0, n))));
  const clamp = (v: number) => (Number.isFinite(v) ? Math.min(v, ceiling) : ceiling);
  const values: Row[] = [];
  for (const [s, ys] of [['loss', result.losses], ['smoothed loss', result.smoothed]] as const) {
    for (const i of downsampleIndices(ys.slice(0, n), MAX_POINTS * 3)) if (result.lrs[i] > 0) values.push({ s, x: result.lrs[i], y: clamp(ys[i]) });
  }
  const lrs = result.lrs.slice(0, n).filter((x) => x > 0);
  const xLo = minOf(lrs), xHi = maxOf(lrs);
  const width = RUN_WIDTH, height = 320;
  const pxPerDecade = width / Math.max(1e-9, Math.log10(xHi / xLo));
  const shift = (lr: number, px: number) => lr * 10 ** (px / pxPerDecade);
  const x = { field: 'x', type: 'quantitative', title: 'learning rate (log scale)', scale: { type: 'log', domain: [xLo, xHi], nice: false }, axis: logAxis(xLo, xHi, { grid: true }) };
  const yPad = (ceiling - floor) * 0.04;
  const layers: Row[] = [
    {
      data: { values },
      mark: { type: 'line', clip: true },
      encoding: {
        x,
        y: { field: 'y', type: 'quantitative', title: 'loss', scale: { zero: false, domain: [floor - yPad, ceiling], nice: false }, axis: {} },
        color: { field: 's', type: 'nominal', title: null, scale: { domain: ['loss', 'smoothed loss'], range: ['#8c959f', COLORS.train] }, legend: { orient: 'top', symbolType: 'stroke' } },
        strokeWidth: { field: 's', type: 'nominal', scale: { domain: ['loss', 'smoothed loss'], range: [1, 2.6] }, legend: null },
        opacity: { field: 's', type: 'nominal', scale: { domain: ['loss', 'smoothed loss'], range: [0.75, 1] }, legend: null },
      },
    },
  ];
  const suggestions = [
    { name: 'valley', lr: result.suggestions.valley, color: '#1a7f37' },
    { name: 'steepest', lr: result.suggestions.steepest, color: '#0969da' },
    { name: 'minimum/10', lr: result.suggestions.minimum, color: '#8250df' },
  ].filter((s) => Number.isFinite(s.lr) && s.lr > 0).sort((a, b) => a.lr - b.lr);
  suggestions.forEach((s, slot) => {
    const suggested = s.lr === result.suggested;
    const label = `${s.name}${suggested ? ' (suggested)' : ''}: ${formatNumber(s.lr, 2)}`;
    const textWidth = label.length * 6.9 + 6;
    const px = (Math.log10(s.lr / xLo)) * pxPerDecade;
    const right = px + textWidth + 8 <= width; // label on the right of its rule, else on its left
    const x1 = right ? shift(s.lr, 2) : shift(s.lr, -textWidth - 4);
    const x2 = right ? shift(s.lr, textWidth + 4) : shift(s.lr, -2);
    const top = 6 + slot * 19;
    layers.push(
      {
        data: { values: [{ lr: s.lr }] },
        mark: { type: 'rule', color: s.color, strokeWidth: suggested ? 2.4 : 1.6, strokeDash: suggested ? [1, 0] : [6, 3] },
        encoding: { x: { field: 'lr', type: 'quantitative' } },
      },
      {
        data: { values: [{ x1, x2 }] },
        mark: { type: 'rect', color: 'white', opacity: 0.9, cornerRadius: 2 },
        encoding: { x: { field: 'x1', type: 'quantitative' }, x2: { field: 'x2' }, y: { value: top - 2 }, y2: { value: top + 15 } },
      },
      {
        data: { values: [{ lr: s.lr, label }] },
        mark: { type: 'text', align: right ? 'left' : 'right', baseline: 'top', dx: right ? 5 : -5, fontSize: 11.5, fontWeight: 700, color: s.color },
        encoding: { x: { field: 'lr', type: 'quantitative' }, y: { value: top }, text: { field: 'label' } },
      },
    );
  });
  return { width, height, layer: layers };
}
