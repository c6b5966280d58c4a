/**
 * The sensitivity ("U") curve of a sweep over a numeric axis: final loss
 * (solid, with mean ± std error bars when a value has repeats) and best loss
 * (dashed) against the swept axis on a log x axis, one colour per group of the
 * other axes; ✕ at the top where runs diverged, a shaded band for the
 * recommended range, a ring on the best trial.
 */
import type { SensitivityPoint, SweepAnalysis, TrialResult } from '../sweep/types.js';
import { maxOf, minOf } from '../extent.js';
import { finite } from './charts.js';
import { axisNamer, compareValues, formatValue } from './util.js';
import type { Chart } from './svg/chart.js';
import { text } from './svg/element.js';
import type { LegendEntry } from './svg/legend.js';
import { errorBar, line, marks, rect, symbol } from './svg/marks.js';
import { plot } from './svg/plot.js';
import { linearScale, logScale, logTicks, type Scale } from './svg/scale.js';
import { COLORS, DASHED, INK, MUTED, paletteOf } from './svg/theme.js';

export interface UCurveInput {
  analysis: SweepAnalysis;
  axes: string[];
  /** To mark the best trial with a ring. */
  results?: TrialResult[];
}

const WIDTH = 860, HEIGHT = 340, PAD = 14;

function groupLabel(group: Record<string, unknown>, name: (p: string) => string): string {
  const entries = Object.entries(group);
  if (entries.length === 0) return 'all';
  if (entries.length === 1) return `${name(entries[0][0])} = ${formatValue(entries[0][1])}`;
  return entries.map(([k, v]) => `${name(k)}=${formatValue(v)}`).join(', ');
}

/** The groups of the other axes, in the order of their values. */
function orderedGroups(points: SensitivityPoint[], name: (p: string) => string): string[] {
  const first = new Map<string, Record<string, unknown>>();
  for (const p of points) if (!first.has(groupLabel(p.group, name))) first.set(groupLabel(p.group, name), p.group);
  return [...first.keys()].sort((a, b) => {
    const ga = Object.values(first.get(a)!), gb = Object.values(first.get(b)!);
    for (let i = 0; i < ga.length; i++) { const c = compareValues(ga[i], gb[i]); if (c !== 0) return c; }
    return 0;
  });
}

export function uCurveChart(input: UCurveInput): Chart | null {
  const { analysis } = input;
  const name = axisNamer(input.axes.length ? input.axes : [analysis.axis]);
  const points = analysis.sensitivity.filter((p) => Number.isFinite(p.x));
  if (points.length === 0) return null;
  const groups = orderedGroups(points, name);
  const colors = new Map(groups.map((g, i) => [g, paletteOf(groups.length)[i]!]));

  // The y range: the finite means (± std) of values where nothing diverged; the ✕ sit on the ceiling.
  const healthy = points.filter((p) => p.diverged === 0);
  const ref = healthy.length ? healthy : points;
  const ys = finite(ref.flatMap((p) => [p.finalLoss.mean, p.bestLoss.mean, p.finalLoss.mean + (p.finalLoss.n > 1 ? p.finalLoss.std : 0)]));
  const maxY = ys.length ? maxOf(ys) : 1;
  const minY = ys.length ? Math.min(minOf(ys.filter((y) => y > 0)), maxY) : maxY / 10;
  const log = maxY / minY > 20 && minY > 0;
  const ceiling = log ? maxY * 1.6 : maxY * 1.12;
  const floor = log ? minY / 1.3 : 0;
  const y: Scale = log ? logScale([floor, ceiling], [HEIGHT, 0]) : linearScale([floor, ceiling], [HEIGHT, 0], { ticks: 6 });

  const xs = points.map((p) => p.x);
  const xLog = xs.every((v) => v > 0);
  const swept = [...new Set(xs)].sort((a, b) => a - b);
  const xLo = minOf(xs), xHi = maxOf(xs);
  const x: Scale = xLog
    ? logScale([xLo, xHi > xLo ? xHi : xLo * 10], [PAD, WIDTH - PAD], swept.length <= 16 ? swept : logTicks(xLo, xHi))
    : linearScale([xLo, xHi], [PAD, WIDTH - PAD]);
  const ticks = swept.length <= 16 ? swept : undefined;

  let under = '';
  let over = '';
  const rec = analysis.recommended;
  if (rec && Number.isFinite(rec.low) && Number.isFinite(rec.high)) {
    const lo = Math.min(rec.low, rec.high), hi = Math.max(rec.low, rec.high);
    const pad = xLog ? 1.08 : 1;
    const x0 = x(lo / pad), x1 = x(hi * pad);
    under += rect(x0, 0, x1 - x0, HEIGHT, { fill: COLORS.band, opacity: 0.13 });
    over += text((x0 + x1) / 2, 5, 'recommended', { size: 11, weight: 700, color: COLORS.good, anchor: 'middle', baseline: 'hanging' });
  }
  let bars = '', lines = '', dots = '', crosses = '';
  for (const g of groups) {
    const color = colors.get(g)!;
    const mine = points.filter((p) => groupLabel(p.group, name) === g).sort((a, b) => a.x - b.x);
    const at = (v: number) => (Number.isFinite(v) ? y(v) : NaN);
    // A diverged value (no finite mean) breaks the line, as a missing point would.
    lines += line(mine.map((p) => [x(p.x), at(p.finalLoss.mean)]), { color, width: 2.2, series: `${g} final loss` });
    lines += line(mine.map((p) => [x(p.x), at(p.bestLoss.mean)]), { color, width: 2.2, dash: DASHED, series: `${g} best loss` });
    for (const p of mine) {
      const s = p.finalLoss;
      if (s.n > 1 && Number.isFinite(s.mean) && Number.isFinite(s.std) && s.std > 0) bars += errorBar(x(p.x), y(s.mean - s.std), y(s.mean + s.std), color);
      if (Number.isFinite(s.mean)) dots += symbol(x(p.x), y(s.mean), 'circle', 3.8, { fill: color });
      if (p.diverged > 0) {
        crosses += symbol(x(p.x), 0, 'cross', 6, { fill: color });
        if (s.n > 1) crosses += text(x(p.x), 10, `${p.diverged}/${s.n}`, { size: 10, color: MUTED, anchor: 'middle', baseline: 'hanging' });
      }
    }
  }
  const best = bestPoint(input, points);
  if (best) {
    over += symbol(x(best.x), y(best.y), 'circle', 11, { stroke: INK, strokeWidth: 2.2 });
    over += text(x(best.x) + 13, y(best.y) + 13, 'best', { size: 11, weight: 700, color: INK, baseline: 'hanging' });
  }
  const single = groups.length === 1 && groups[0] === 'all';
  const title = [...new Set(points.flatMap((p) => Object.keys(p.group)))].map(name).join(', ');
  // Legend labels: the value alone ("0.9") under the axis' name as the title.
  const entries: LegendEntry[] = groups.map((g) => ({ label: g.slice(g.lastIndexOf(' = ') + (g.includes(' = ') ? 3 : 0)), color: colors.get(g)! }));
  return plot({
    title: `Final and best loss against ${name(analysis.axis)}`,
    width: WIDTH, height: HEIGHT, x, y,
    xTitle: xLog ? `${name(analysis.axis)} (log scale)` : name(analysis.axis), yTitle: 'loss',
    xAxis: { ticks },
    body: under + marks('rule', bars) + marks('line', lines) + marks('symbol', dots + crosses),
    overlay: marks('text', over),
    legend: [{ label: 'final loss', color: INK }, { label: 'best loss', color: INK, dash: DASHED }],
    ...(single ? {} : { side: { title, entries } }),
  });
}

function bestPoint(input: UCurveInput, points: SensitivityPoint[]): { x: number; y: number } | null {
  const { analysis } = input;
  const trial = input.results?.find((r) => r.id === analysis.bestTrialId);
  if (!trial) return null;
  const xv = trial.params[analysis.axis];
  const p = points.find((q) => q.x === xv && Object.entries(q.group).every(([k, v]) => Object.is(trial.params[k], v) || JSON.stringify(trial.params[k]) === JSON.stringify(v)));
  if (!p || !Number.isFinite(p.finalLoss.mean)) return null;
  return { x: p.x, y: p.finalLoss.mean };
}
