/**
 * The LR range test: raw (faint) and smoothed loss against the LR on a log x
 * axis, the three suggestions as labelled vertical rules. The loss axis stops
 * a bit above the start (or at 4× the minimum, fastai's stop): the explosion
 * at the end is clipped to the top edge.
 */
import { maxOf, minOf } from '../extent.js';
import { MAX_POINTS, finite } from './charts.js';
import type { FinderChartInput } from './types.js';
import { downsampleIndices, formatNumber } from './util.js';
import type { Chart } from './svg/chart.js';
import { label, labelWidth, line, marks, rule } from './svg/marks.js';
import { plot } from './svg/plot.js';
import { linearScale, logScale } from './svg/scale.js';
import { COLORS } from './svg/theme.js';

const WIDTH = 880, HEIGHT = 320;

export function finderChart(result: FinderChartInput): Chart | null {
  const n = Math.min(result.lrs.length, result.losses.length, result.smoothed.length);
  const lrs = result.lrs.slice(0, n).filter((x) => x > 0);
  if (lrs.length < 2) return null;
  const sm = finite(result.smoothed.slice(0, n));
  const start = sm[0] ?? 1;
  const lowest = sm.length ? minOf(sm) : start;
  const highest = sm.length ? maxOf(sm) : start;
  const ceiling = Math.min(highest * 1.05, Math.max(start * 1.15, lowest * 4)) || 1;
  const floor = Math.min(lowest, minOf(finite(result.losses.slice(0, n))));
  const xLo = minOf(lrs), xHi = maxOf(lrs);
  const x = logScale([xLo, xHi], [0, WIDTH]);
  const y = linearScale([floor - (ceiling - floor) * 0.04, ceiling], [HEIGHT, 0], { ticks: 6 });
  const at = (v: number) => y(Number.isFinite(v) ? Math.min(v, ceiling) : ceiling);
  const curve = (ys: number[], color: string, width: number, opacity: number, series: string) =>
    line(downsampleIndices(ys.slice(0, n), MAX_POINTS * 3).filter((i) => result.lrs[i]! > 0).map((i) => [x(result.lrs[i]!), at(ys[i]!)]), { color, width, opacity, series });

  const suggestions = [
    { name: 'valley', lr: result.suggestions.valley, color: '#1a7f37' },
    { name: 'steepest', lr: result.suggestions.steepest, color: '#0969da' },
    { name: 'minimum/10', lr: result.suggestions.minimum, color: '#8250df' },
  ].filter((s) => Number.isFinite(s.lr) && s.lr > 0).sort((a, b) => a.lr - b.lr);
  let rules = '', labels = '';
  suggestions.forEach((s, slot) => {
    const suggested = s.lr === result.suggested;
    const text = `${s.name}${suggested ? ' (suggested)' : ''}: ${formatNumber(s.lr, 2)}`;
    const px = x(s.lr);
    rules += rule(px, 0, px, HEIGHT, { color: s.color, width: suggested ? 2.4 : 1.6, dash: suggested ? undefined : '6 3' });
    // Right of its rule, else left of it; one line per suggestion so that close ones do not overlap.
    const right = px + labelWidth(text, 11.5) + 6 <= WIDTH;
    labels += label(right ? px + 3 : px - 3, 5 + slot * 19, text, { color: s.color, size: 11.5, anchor: right ? 'start' : 'end' });
  });
  return plot({
    title: 'Loss against the learning rate in the range test', width: WIDTH, height: HEIGHT, x, y,
    xTitle: 'learning rate (log scale)', yTitle: 'loss',
    body: marks('line', curve(result.losses, '#8c959f', 1, 0.75, 'loss') + curve(result.smoothed, COLORS.train, 2.6, 1, 'smoothed loss')) + marks('rule', rules),
    overlay: marks('text', labels),
    legend: [{ label: 'loss', color: '#8c959f' }, { label: 'smoothed loss', color: COLORS.train }],
  });
}
