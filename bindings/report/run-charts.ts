/** The charts of one run (the train report): loss, accuracy and LR against the epoch. */
import type { History } from '../history.js';
import { maxOf, minOf } from '../extent.js';
import { MAX_POINTS, TRAIN_VALIDATION, epochScale, epochsOf, lossClamp, lrScale, lrSeries, percent, seriesPixels, valueScale } from './charts.js';
import { downsampleIndices } from './util.js';
import type { Chart } from './svg/chart.js';
import { text } from './svg/element.js';
import { line, lineXY, marks, rule, symbol } from './svg/marks.js';
import { plot } from './svg/plot.js';
import { linearScale, type Scale } from './svg/scale.js';
import { COLORS, DASHED } from './svg/theme.js';

const WIDTH = 880;
const HEIGHT = 240;

/** Train (solid) and validation (dashed) lines of a history's two series, with dots when the run is short. */
function curves(h: History, series: [number[] | undefined, number[] | undefined], x: Scale, y: (v: number) => number): string {
  const xs = epochsOf(h);
  let out = '';
  let dots = '';
  series.forEach((ys, k) => {
    if (!ys?.length) return;
    const color = k ? COLORS.validation : COLORS.train;
    const pts = seriesPixels(xs, ys, MAX_POINTS * 2, x, y);
    out += lineXY(pts.xs, pts.ys, { color, width: 2, dash: k ? DASHED : undefined, series: k ? 'validation' : 'train' });
    if (ys.length < 12) pts.ys.forEach((py, i) => { if (Number.isFinite(py)) dots += symbol(pts.xs[i]!, py, 'circle', 3, { fill: color }); });
  });
  return marks('line', out) + marks('symbol', dots);
}

/** Train and validation loss of one run against the epoch; stop/divergence events as labelled rules. */
export function runLossChart(history: History): Chart {
  const clamp = lossClamp([history.loss, history.valLoss ?? []]);
  const log = clamp.ceiling / clamp.floor > 30;
  const y = valueScale(log ? clamp.floor : 0, clamp.ceiling, HEIGHT, log, { pad: log ? 1.15 : 1 });
  const x = epochScale(epochsOf(history), WIDTH, 10);
  let events = '';
  for (const e of history.events) {
    if (e.kind !== 'stop' && e.kind !== 'diverged' && e.kind !== 'aborted') continue;
    const ex = x(e.epoch);
    events += rule(ex, 0, ex, HEIGHT, { color: COLORS.bad, width: 1.5, dash: '3 3' }) +
      text(ex - 4, 4, e.kind === 'stop' ? 'stopped' : e.kind, { size: 11, weight: 700, color: COLORS.bad, anchor: 'end', baseline: 'hanging' });
  }
  return plot({
    title: 'Loss of the run per epoch', width: WIDTH, height: HEIGHT, x, y, xTitle: 'epoch', yTitle: 'loss',
    body: curves(history, [history.loss, history.valLoss], x, (v) => y(clamp.apply(v))), overlay: marks('text', events),
    legend: history.valLoss?.length ? TRAIN_VALIDATION : TRAIN_VALIDATION.slice(0, 1),
  });
}

/** Train and validation accuracy of one run; null without accuracy. */
export function runAccuracyChart(history: History): Chart | null {
  if (!history.accuracy?.length && !history.valAccuracy?.length) return null;
  const values: number[] = [];
  for (const ys of [history.accuracy, history.valAccuracy]) if (ys) for (const i of downsampleIndices(ys, MAX_POINTS * 2)) if (Number.isFinite(ys[i])) values.push(ys[i]!);
  const lo = values.length ? Math.max(0, Math.floor(minOf(values) * 10) / 10) : 0;
  const y = linearScale([lo, 1], [HEIGHT, 0], { format: percent });
  const x = epochScale(epochsOf(history), WIDTH, 10);
  return plot({
    title: 'Accuracy of the run per epoch', width: WIDTH, height: HEIGHT, x, y, xTitle: 'epoch', yTitle: 'accuracy',
    body: curves(history, [history.accuracy, history.valAccuracy], x, (v) => (Number.isFinite(v) ? y(v) : NaN)),
    legend: history.valAccuracy?.length ? TRAIN_VALIDATION : TRAIN_VALIDATION.slice(0, 1),
  });
}

/** The LR of one run (per step when recorded) with its LR-change events (plateau, callbacks) as triangles. */
export function runLrChart(history: History): Chart | null {
  const { x: xs, y: ys, perStep } = lrSeries(history);
  const keep = downsampleIndices(ys, MAX_POINTS * 3).filter((i) => Number.isFinite(ys[i]) && ys[i]! > 0);
  if (keep.length === 0) return null;
  const lastX = xs[xs.length - 1] ?? 0;
  const changes = history.events
    .filter((e) => e.kind === 'lr' && typeof e.newLr === 'number' && Number.isFinite(e.newLr) && e.newLr > 0)
    .map((e) => ({ x: Math.min(e.epoch + 1, lastX), y: e.newLr! }));
  const all = keep.map((i) => ys[i]!).concat(changes.map((c) => c.y));
  const height = 200;
  const y = lrScale(all, height);
  const x = epochScale([minOf(keep.map((i) => xs[i]!)), maxOf(keep.map((i) => xs[i]!))], WIDTH, 10);
  // Per-epoch LRs hold for the whole epoch (steps); per-step LRs are drawn as they are.
  const path = line(keep.map((i) => [x(xs[i]!), y(ys[i]!)]), { color: COLORS.lr, width: 2, step: !perStep, series: 'lr' });
  const triangles = changes.map((c) => symbol(x(c.x), y(c.y), 'triangle-down', 5, { fill: COLORS.bad })).join('');
  return plot({
    title: 'Learning rate of the run', width: WIDTH, height, x, y, xTitle: 'epoch', yTitle: 'learning rate',
    body: marks('line', path) + marks('symbol', triangles),
  });
}
