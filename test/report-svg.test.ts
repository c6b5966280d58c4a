// The report's own SVG drawing (bindings/report/svg/ and the chart functions): scales and their
// ticks against hand-worked values, what each chart draws (panels, one path per series, the
// axis labels, the diverged label and the clamp at the top), where each trial lands in the
// grid, and that text from user data is escaped and nothing external or scripted is emitted.
import { describe, expect, it } from 'vitest';
import { analyzeSweep } from '../bindings/diagnostics/index.js';
import type { History } from '../bindings/history.js';
import {
  accuracyGridChart, categorySensitivityChart, chartSvg, heatmapChart, lossGridChart, runLossChart, runLrChart, scheduleChart, uCurveChart,
} from '../bindings/report/index.js';
import { esc, px, textWidth } from '../bindings/report/svg/element.js';
import { linearScale, linearTicks, logLabel, logScale, logTicks } from '../bindings/report/svg/scale.js';
import { viridis } from '../bindings/report/svg/theme.js';
import type { TrialResult } from '../bindings/sweep/types.js';
import { LR_AXIS, MOMENTUM_AXIS, makeRunFixture, makeSweepFixture } from './helpers/report-fixture.js';

/** The <g class="cell"> panels of a grid chart, with their column, row and content. */
function cells(svg: string): Array<{ col: string; row: string; body: string }> {
  const out: Array<{ col: string; row: string; body: string }> = [];
  const re = /<g class="cell" data-col="([^"]*)"(?: data-row="([^"]*)")?[^>]*>/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(svg))) {
    // A panel's content runs to the next panel (panels do not nest).
    const next = svg.indexOf('<g class="cell"', m.index + 1);
    out.push({ col: m[1]!, row: m[2] ?? '', body: svg.slice(m.index, next < 0 ? svg.length : next) });
  }
  return out;
}

const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

describe('scales', () => {
  it('log ticks: powers of ten, with 2× and 5× over a decade, 3× over two', () => {
    expect(logTicks(1e-7, 1)).toEqual([1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.1, 1]);
    expect(logTicks(0.15, 1.2)).toEqual([0.2, 0.5, 1]);
    expect(logTicks(0.02, 2)).toEqual([0.03, 0.1, 0.3, 1]);
    expect(logTicks(0, 1)).toEqual([]);
  });

  it('log labels read as the LR does: exponents below 0.01 and from 1e5', () => {
    expect([3e-4, 1.5e-3, 0.01, 0.5, 2, 300, 1e5].map(logLabel)).toEqual(['3e-4', '1.5e-3', '0.01', '0.5', '2', '300', '1e5']);
  });

  it('linear ticks at 1, 2 or 5 × 10^k; epochs never get a half step', () => {
    expect(linearTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(linearTicks(0, 199, 3)).toEqual([0, 50, 100, 150]);
    expect(linearTicks(0, 3, 10, 1)).toEqual([0, 1, 2, 3]);
    const s = linearScale([0, 1], [100, 0]);
    expect(s.ticks().map(s.label)).toEqual(['0.0', '0.2', '0.4', '0.6', '0.8', '1.0']);
  });

  it('map into the range and clamp what is outside (a diverged loss goes to the top)', () => {
    const y = logScale([0.1, 10], [200, 0]);
    expect(y(1)).toBeCloseTo(100, 9);
    expect(y(0.1)).toBe(200);
    expect(y(1000)).toBe(0);
    expect(y(0)).toBe(200); // no log of 0: the bottom edge
    expect(y(Infinity)).toBe(0);
    const x = linearScale([0, 10], [0, 500]);
    expect(x(2.5)).toBe(125);
    expect(x(-5)).toBe(0);
  });

  it('viridis runs from its dark purple to its yellow', () => {
    expect(viridis(0)).toBe('#440154');
    expect(viridis(1)).toBe('#fde725');
    expect(viridis(0.5)).toBe('#21918c');
  });

  it('escapes the five characters and estimates wider text as wider', () => {
    expect(esc(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    expect(textWidth('momentum', 12)).toBeGreaterThan(textWidth('lr', 12));
    expect(textWidth('best', 11, true)).toBeGreaterThan(textWidth('best', 11));
  });
});

describe('the loss grid of a sweep', () => {
  const input = makeSweepFixture({ epochs: 60 });
  const { results, axes, analysis } = input;
  const grid = { results, axes, axis: analysis.axis, bestTrialId: analysis.bestTrialId, diagnoses: analysis.diagnoses };
  const svg = chartSvg(lossGridChart(grid)!, 'loss');

  it('has one panel per lr × momentum, each holding the curves of its own trial', () => {
    const panels = cells(svg);
    expect(panels).toHaveLength(16);
    expect(new Set(panels.map((p) => p.col))).toEqual(new Set(['1e-4', '3e-4', '1e-3', '3e-3', '0.01', '0.03', '0.1', '0.3']));
    expect(new Set(panels.map((p) => p.row))).toEqual(new Set(['0', '0.9']));
    for (const r of results.filter((r) => r.history)) {
      const lr = r.params[LR_AXIS] as number, m = r.params[MOMENTUM_AXIS] as number;
      const mine = panels.filter((p) => p.body.includes(`data-series="${r.id} train"`));
      expect(mine.map((p) => [p.col, p.row])).toEqual([[logLabel(lr), String(m)]]);
    }
  });

  it('draws one path per series (train and validation of each trial that trained)', () => {
    const trained = results.filter((r) => r.history?.loss.length);
    expect((svg.match(/data-series="[^"]+ train"/g) ?? []).length).toBe(trained.length);
    expect((svg.match(/data-series="[^"]+ validation"/g) ?? []).length).toBe(trained.filter((r) => r.history!.valLoss?.length).length);
  });

  it('labels the diverged, failed and best panels, and draws a NaN loss at the top edge', () => {
    const panels = cells(svg);
    const diverged = results.find((r) => r.status === 'diverged')!;
    const panel = panels.find((p) => p.body.includes(`data-series="${diverged.id} train"`))!;
    expect(texts(panel.body)).toContain('diverged');
    const failed = results.find((r) => r.status === 'failed')!;
    expect(texts(panels.find((p) => p.col === logLabel(failed.params[LR_AXIS] as number) && p.row === String(failed.params[MOMENTUM_AXIS]))!.body)).toContain('failed');
    const best = results.find((r) => r.id === analysis.bestTrialId)!;
    expect(texts(panels.find((p) => p.body.includes(`data-series="${best.id} train"`))!.body)).toContain('best');
    // The diverged curve's last points (NaN) are drawn at the ceiling: its highest point, at the panel's top (within the log axis' margin).
    const d = panel.body.match(new RegExp(`d="([^"]+)"[^>]*data-series="${diverged.id} train"`))![1]!;
    const ys = [...d.matchAll(/[ML][\d.]+,(-?[\d.]+)/g)].map((m) => Number(m[1]));
    const top = ys.reduce((a, b) => Math.min(a, b));
    expect(ys.at(-1)).toBe(top);
    expect(ys.at(-2)).toBe(top);
    expect(top).toBeGreaterThanOrEqual(0);
    expect(top).toBeLessThan(5);
  });

  it('puts the lr values across, the momentum values down, a log loss axis, and the legend', () => {
    const t = texts(svg);
    for (const word of ['lr', 'momentum', 'epoch', 'loss', 'train', 'validation', '1e-4', '0.3', '0.9']) expect(t).toContain(word);
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it('the accuracy grid shares the layout with a 0–100 % axis', () => {
    const acc = chartSvg(accuracyGridChart(grid)!, 'acc');
    expect(cells(acc)).toHaveLength(16);
    expect(texts(acc)).toEqual(expect.arrayContaining(['0%', '50%', '100%']));
  });
});

describe('the sensitivity curve', () => {
  it('ticks the log x axis at the swept values, one final-loss and one best-loss path per momentum', () => {
    const input = makeSweepFixture({ epochs: 40 });
    const svg = chartSvg(uCurveChart(input)!, 'u');
    const t = texts(svg);
    for (const lr of ['1e-4', '3e-4', '1e-3', '3e-3', '0.01', '0.03', '0.1', '0.3']) expect(t).toContain(lr);
    expect((svg.match(/data-series="momentum = [^"]+ final loss"/g) ?? []).length).toBe(2);
    expect((svg.match(/data-series="momentum = [^"]+ best loss"/g) ?? []).length).toBe(2);
    expect(t).toEqual(expect.arrayContaining(['recommended', 'best', 'lr (log scale)', 'momentum', '0', '0.9']));
  });
});

/** A history of `n` epochs decaying from 1 to 0.1, or NaN from epoch `nanAt`. */
function history(n: number, nanAt = -1): History {
  const loss = Array.from({ length: n }, (_, i) => (nanAt >= 0 && i >= nanAt ? NaN : 0.1 + 0.9 * Math.exp(-i / 5)));
  return { epoch: loss.map((_, i) => i), loss, valLoss: loss.map((v) => v * 1.1), lr: loss.map(() => 0.01), time: loss.map(() => 1), status: nanAt >= 0 ? 'diverged' : 'completed', events: [] };
}

const trial = (index: number, params: Record<string, unknown>, h: History): TrialResult =>
  ({ id: `t${index}`, index, repeat: 0, params, status: h.status, timeMs: 1, history: h });

describe('text from user data', () => {
  const hostile = '<script>alert(1)</script>';

  it('is escaped in a categorical axis (a class name) and in a grid header (an axis value)', () => {
    const results = [trial(0, { 'model.name': hostile }, history(10)), trial(1, { 'model.name': 'plain' }, history(10)), trial(2, { 'model.name': 'x"&y' }, history(10, 4))];
    const input = { results, axes: ['model.name'], analysis: analyzeSweep(results) };
    const charts = [
      categorySensitivityChart(input), lossGridChart({ results, axes: input.axes, axis: 'model.name' }),
      scheduleChart({ results, axes: input.axes, axis: 'model.name' }),
    ];
    for (const chart of charts) {
      const svg = chartSvg(chart!, 'c');
      expect(svg).not.toMatch(/<script/i);
      expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(svg).toContain('x&quot;&amp;y');
    }
  });

  it('a chart is static: no script, no event handler, no link, no external reference', () => {
    const input = makeSweepFixture({ epochs: 30 });
    const svgs = [
      chartSvg(uCurveChart(input)!, 'a'), chartSvg(heatmapChart(input) ?? runLossChart(makeRunFixture(30).history), 'b'),
      chartSvg(runLossChart(makeRunFixture(30).history), 'c'), chartSvg(runLrChart(makeRunFixture(30).history)!, 'd'),
    ];
    for (const svg of svgs) {
      expect(svg).not.toMatch(/<script|<foreignObject|\son\w+=|href=|url\(/i);
      expect(svg.match(/\bid="([^"]+)"/g)).toHaveLength(1); // the <title>'s, named by the figure
    }
  });
});

describe('the heatmap', () => {
  it('prints each cell mean, outlines the best cell and labels both axes', () => {
    const results: TrialResult[] = [];
    const lrs = [0.1, 0.01], momenta = [0, 0.9];
    for (const m of momenta) for (const lr of lrs) results.push(trial(results.length, { 'optimizer.lr': lr, 'optimizer.momentum': m }, history(8 + results.length * 4)));
    const analysis = analyzeSweep(results);
    const svg = chartSvg(heatmapChart({ analysis, axes: ['optimizer.lr', 'optimizer.momentum'], results })!, 'h');
    const cellRects = svg.match(/<rect x="[\d.]+" y="[\d.]+" width="100" height="40" fill="#[0-9a-f]{6}"\/>/g) ?? [];
    expect(cellRects).toHaveLength(4);
    const t = texts(svg);
    for (const p of analysis.sensitivity) expect(t).toContain(String(Number(p.finalLoss.mean.toPrecision(3))));
    expect(t).toEqual(expect.arrayContaining(['lr', 'momentum', '0.1', '0.01', '0', '0.9', 'final loss']));
    expect((svg.match(/stroke-width="3"/g) ?? []).length).toBe(1);
  });
});

describe('marks', () => {
  it('a step line holds each value to the next point and merges equal values into one run', async () => {
    const { line } = await import('../bindings/report/svg/marks.js');
    const d = (svg: string) => svg.match(/d="([^"]+)"/)![1];
    expect(d(line([[0, 10], [5, 10], [10, 10], [15, 20], [20, 20]], { color: '#000', step: true }))).toBe('M0,10H15V20H20');
    expect(d(line([[0, 10], [5, 10], [10, NaN], [15, 20], [20, 30]], { color: '#000', step: true }))).toBe('M0,10H5M15,20H20V30');
    expect(d(line([[0, 10], [5, 10], [10, 12.345]], { color: '#000' }))).toBe('M0,10L5,10L10,12.3');
    expect(line([[NaN, 1]], { color: '#000' })).toBe('');
  });

  it('a coordinate is the text of its value rounded to a tenth, as String(Math.round(v * 10) / 10) writes it', () => {
    const expected = (v: number) => { const r = Math.round(v * 10) / 10; return Number.isFinite(r) ? String(r) : '0'; };
    const values = [0, -0, 0.04, -0.04, 0.05, -0.05, -0.06, 0.95, -0.95, 12.35, -12.35, 1e6 + 0.25, -(2 ** 40) - 0.3, 2 ** 52, NaN, Infinity, -Infinity];
    for (let k = -20000; k <= 20000; k++) values.push(k / 100, k / 10 + 0.05, k * 7.31);
    let seed = 7;
    for (let k = 0; k < 20000; k++) { seed = (seed * 16807) % 2147483647; values.push((seed / 2147483647 - 0.5) * 4000); }
    for (const v of values) expect(px(v), String(v)).toBe(expected(v));
  });
});
