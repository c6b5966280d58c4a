/**
 * Charts of a sweep by cell rather than by curve: the sensitivity to a
 * categorical axis (one column per category: an optimizer, a schedule) and
 * the heatmap of the final loss over two numeric axes (lr × batch size,
 * lr × momentum). Both read the analysis' sensitivity points, so they show
 * the means over repeats that the recommendation and the best configuration
 * are chosen by.
 */
import type { SensitivityPoint, SweepAnalysis, TrialResult } from '../sweep/types.js';
import { axisNamer, compareValues, formatNumber, formatValue } from './util.js';
import { bandXAxis, bandYAxis, widest } from './svg/axes.js';
import type { Chart } from './svg/chart.js';
import { group, tag, text } from './svg/element.js';
import { rampLegend, type LegendEntry } from './svg/legend.js';
import { errorBar, marks, rect, symbol } from './svg/marks.js';
import { plot } from './svg/plot.js';
import { bandScale, linearScale, linearTicks, logScale, logTicks, logLabel } from './svg/scale.js';
import { COLORS, GRID, INK, MUTED, paletteOf, viridis } from './svg/theme.js';

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
export function categorySensitivityChart(input: CellChartInput): Chart | null {
  const { analysis } = input;
  const points = analysis.sensitivity.filter((p) => p.label !== undefined);
  if (points.length === 0) return null;
  const name = axisNamer(input.axes.length ? input.axes : [analysis.axis]);
  const categories: string[] = [];
  for (const p of points.slice().sort((a, b) => a.x - b.x)) if (!categories.includes(p.label!)) categories.push(p.label!);
  const groups: string[] = [];
  for (const p of points) if (!groups.includes(groupText(p.group, name))) groups.push(groupText(p.group, name));
  const colors = new Map(groups.map((g, i) => [g, paletteOf(groups.length)[i]!]));
  const healthy = points.filter((p) => p.diverged === 0);
  const scale = lossScale((healthy.length ? healthy : points).flatMap((p) => [p.finalLoss.mean + (p.finalLoss.n > 1 ? p.finalLoss.std : 0), p.bestLoss.mean]));
  const single = groups.length === 1;
  const width = Math.min(860, Math.max(320, categories.length * (single ? 110 : 60 + 30 * groups.length)));
  const height = 320;
  const y = scale.type === 'log' ? logScale([scale.floor, scale.ceiling], [height, 0]) : linearScale([scale.floor, scale.ceiling], [height, 0], { ticks: 6 });
  const band = bandScale(categories, [0, width], 0.25);
  // Each group has its own slot inside a category's band.
  const slot = (c: string, g: string) => (single ? band.center(c) : band.start(c) + ((groups.indexOf(g) + 0.5) * band.bandwidth) / groups.length);

  let under = '', bars = '', dots = '', over = '';
  const rec = analysis.recommended;
  if (rec?.label !== undefined && categories.includes(rec.label)) {
    const full = width / categories.length;
    under += rect(band.center(rec.label) - full / 2, 0, full, height, { fill: COLORS.band, opacity: 0.13 });
    over += text(band.center(rec.label), 5, 'recommended', { size: 11, weight: 700, color: COLORS.good, anchor: 'middle', baseline: 'hanging' });
  }
  for (const p of points) {
    const g = groupText(p.group, name), color = colors.get(g)!, px = slot(p.label!, g);
    const s = p.finalLoss;
    if (s.n > 1 && s.std > 0) bars += errorBar(px, y(s.mean - s.std), y(s.mean + s.std), color);
    if (Number.isFinite(p.bestLoss.mean)) dots += symbol(px, y(p.bestLoss.mean), 'triangle-down', 6, { fill: 'white', stroke: color, strokeWidth: 2 });
    if (Number.isFinite(s.mean)) dots += symbol(px, y(s.mean), 'circle', 5.3, { fill: color, stroke: color, strokeWidth: 2 });
    if (p.diverged > 0) {
      dots += symbol(px, 0, 'cross', 6, { fill: color });
      over += text(px, 10, `${p.diverged}/${p.diverged + s.n} diverged`, { size: 10, color: MUTED, anchor: 'middle', baseline: 'hanging' });
    }
  }
  const best = analysis.bestCell;
  if (best?.label !== undefined && Number.isFinite(best.finalLoss.mean)) {
    const px = slot(best.label, groupText(best.group, name)), py = y(best.finalLoss.mean);
    over += symbol(px, py, 'circle', 11.5, { stroke: INK, strokeWidth: 2.2 }) + text(px + 13, py + 13, 'best', { size: 11, weight: 700, color: INK, baseline: 'hanging' });
  }
  const xBand = bandXAxis(band, height, (c) => c, 11.5);
  const legend: LegendEntry[] = [{ label: 'final loss', color: INK, shape: 'circle' }, { label: 'best loss', color: INK, shape: 'triangle-down', open: true }];
  return plot({
    title: `Final and best loss for each ${name(analysis.axis)}`, width, height, x: null, y, xBand,
    xTitle: name(analysis.axis), yTitle: 'loss (mean over repeats)',
    body: under + marks('rule', bars) + marks('symbol', dots), overlay: marks('text', over), legend,
    ...(single ? {} : { side: { title: '', entries: groups.map((g) => ({ label: g, color: colors.get(g)!, shape: 'circle' as const })) } }),
  });
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

/** One cell of the heatmap. */
export interface HeatCell {
  /** The labels of its column (the analysis axis), row and panel (the remaining axes, '' without). */
  xl: string;
  yl: string;
  panel: string;
  /** The mean final loss, null when every repeat diverged. */
  loss: number | null;
  text: string;
  best: boolean;
}

/** The cells of the heatmap, with the labels of the columns (ascending) and rows (descending, as read from the top). */
export function heatmapCells(input: CellChartInput): { cells: HeatCell[]; xs: string[]; ys: string[]; yAxis: string } | null {
  const yAxis = heatmapRows(input);
  if (yAxis === null) return null;
  const { analysis } = input;
  const name = axisNamer(input.axes.length ? input.axes : [analysis.axis]);
  const points = analysis.sensitivity.filter((p) => p.label === undefined && typeof p.group[yAxis] === 'number');
  const rest = (p: SensitivityPoint) => {
    const others = Object.fromEntries(Object.entries(p.group).filter(([k]) => k !== yAxis));
    return Object.keys(others).length ? groupText(others, name) : '';
  };
  const best = analysis.bestCell;
  const cells = points.map((p): HeatCell => {
    const mean = p.finalLoss.mean;
    const n = p.finalLoss.n + p.diverged;
    const lossText = Number.isFinite(mean) ? formatNumber(mean, 3) : '';
    return {
      xl: formatNumber(p.x, 4), yl: formatNumber(p.group[yAxis] as number, 4), panel: rest(p),
      loss: Number.isFinite(mean) && mean > 0 ? mean : null,
      text: p.diverged > 0 ? `${lossText ? `${lossText} ` : ''}✕ ${p.diverged}/${n}` : lossText,
      best: best ? p.x === best.x && sameGroup(p.group, best.group) : false,
    };
  });
  const xs = [...new Set(points.map((p) => p.x))].sort((a, b) => a - b).map((x) => formatNumber(x, 4));
  const ys = [...new Set(points.map((p) => p.group[yAxis] as number))].sort((a, b) => compareValues(b, a)).map((y) => formatNumber(y, 4));
  return { cells, xs, ys, yAxis };
}

/**
 * The final loss (mean over repeats, validation loss when recorded) of each cell of two numeric
 * axes: the analysis axis across, the first other numeric axis down, one panel per value of the
 * remaining axes. Lighter is lower (viridis, log scale when the means span more than 20×); each
 * cell prints its mean, and "✕ k/n" when k of its n repeats diverged (grey when all did); the best
 * configuration is outlined. null without two numeric axes.
 */
export function heatmapChart(input: CellChartInput): Chart | null {
  const grid = heatmapCells(input);
  if (!grid) return null;
  const { cells, xs, ys } = grid;
  const name = axisNamer(input.axes.length ? input.axes : [input.analysis.axis]);
  let lo = Infinity, hi = -Infinity;
  for (const c of cells) if (c.loss !== null) { lo = Math.min(lo, c.loss); hi = Math.max(hi, c.loss); }
  const log = Number.isFinite(lo) && hi / lo > 20;
  const shade = (m: number) => (hi > lo ? (log ? Math.log(m / lo) / Math.log(hi / lo) : (m - lo) / (hi - lo)) : 0);
  const colorOf = (m: number) => viridis(1 - shade(m));
  const w = Math.max(200, xs.length * 74), h = Math.max(80, ys.length * 32);
  const bx = bandScale(xs, [0, w]), by = bandScale(ys, [0, h]);
  const panels = [...new Set(cells.map((c) => c.panel))];
  const yLabels = bandYAxis(by, (v) => v);
  const xLabels = bandXAxis(bx, h, (v) => v);
  const left = 22 + yLabels.width;
  const panelW = left + w + 24;
  const perLine = panels.length <= 1 ? 1 : Math.max(1, Math.floor(900 / (panelW + 96)));
  const head = panels.length > 1 ? 22 : 8;
  const panelH = head + h + xLabels.height + 30;
  let body = '';
  panels.forEach((panel, k) => {
    let inner = '';
    for (const c of cells.filter((c) => c.panel === panel)) {
      const x = bx.start(c.xl), y = by.start(c.yl);
      inner += rect(x, y, bx.bandwidth, by.bandwidth, { fill: c.loss === null ? GRID : colorOf(c.loss) });
    }
    let labels = '', outline = '';
    for (const c of cells.filter((c) => c.panel === panel)) {
      // Dark cells (high losses, viridis' purple end) get white text.
      const dark = c.loss !== null && shade(c.loss) > 0.55;
      labels += text(bx.center(c.xl), by.center(c.yl), c.text, { size: 10.5, weight: 600, color: dark ? 'white' : INK, anchor: 'middle', baseline: 'middle' });
      if (c.best) outline += rect(bx.start(c.xl) + 1.5, by.start(c.yl) + 1.5, bx.bandwidth - 3, by.bandwidth - 3, { stroke: INK, strokeWidth: 3 });
    }
    const content = marks('rect', inner + outline) + marks('text', labels) + xLabels.svg + yLabels.svg +
      text(w / 2, h + xLabels.height + 6, name(input.analysis.axis), { size: 12, weight: 600, color: INK, anchor: 'middle', baseline: 'hanging' }) +
      text(-left + 10, h / 2, name(grid.yAxis), { size: 12, weight: 600, color: INK, anchor: 'middle', rotate: -90 }) +
      (panel ? text(w / 2, -8, panel, { size: 12, weight: 600, color: INK, anchor: 'middle' }) : '');
    body += group((k % perLine) * panelW + left, Math.floor(k / perLine) * panelH + head, content, { class: 'cell' });
  });
  const ticks = !Number.isFinite(lo) ? [] : hi <= lo ? [{ t: 0, label: formatNumber(lo, 3) }]
    : (log ? logTicks(lo, hi) : linearTicks(lo, hi, 4)).map((v) => ({ t: shade(v), label: log ? logLabel(v) : formatNumber(v, 3) }));
  const lines = Math.ceil(panels.length / perLine);
  const legendX = perLine * panelW + 12;
  body += rampLegend('final loss', (t) => viridis(1 - t), ticks, legendX, head, Math.min(160, Math.max(80, h))).svg;
  return {
    width: legendX + 22 + widest(ticks.map((t) => t.label).concat('final loss'), 12) + 12,
    height: Math.max(lines * panelH, head + 190),
    title: `Final loss by ${name(input.analysis.axis)} × ${name(grid.yAxis)}`,
    body: tag('g', { class: 'heatmap' }, body),
  };
}
