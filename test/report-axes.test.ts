// The sweep report for axes other than one learning rate: a categorical axis (schedule objects)
// gets a per-category sensitivity chart, a recommendation naming the schedule, readable labels
// ("inverse_time rate=0.01", never '{"name":"invers…') and captions that name the grid's real
// columns and rows; two numeric axes (lr × momentum, lr × batch size) get a heatmap of the mean
// final validation loss, with the best configuration (the best cell by mean) outlined.
import { describe, expect, it } from 'vitest';
import { analyzeSweep } from '../bindings/diagnostics/index.js';
import type { History } from '../bindings/history.js';
import { renderSweepReport, summaryJson } from '../bindings/report/index.js';
import { heatmapCells, heatmapChart } from '../bindings/report/cell-charts.js';
import type { AxisValues, TrialResult } from '../bindings/sweep/types.js';

const EPOCHS = 20;

/** A validation curve decaying from 2.3 to `floor` (×(1 ± 2 %) per repeat), or one that becomes NaN. */
function result(index: number, params: AxisValues, repeat: number, floor: number | 'nan'): TrialResult {
  const diverged = floor === 'nan';
  const f = diverged ? 0 : floor * (1 + 0.02 * (repeat - 1));
  const loss = diverged ? [2.3, 2.0, 1.8, NaN] : Array.from({ length: EPOCHS }, (_, i) => f + (2.3 - f) * Math.exp(-0.5 * i));
  const history: History = {
    epoch: loss.map((_, i) => i), loss, valLoss: loss.map((v) => v * 1.05), accuracy: loss.map((v) => (Number.isFinite(v) ? 1 - v / 3 : NaN)),
    valAccuracy: loss.map((v) => (Number.isFinite(v) ? 1 - v / 2.9 : NaN)), lr: loss.map(() => 0.01), time: loss.map(() => 1),
    status: diverged ? 'diverged' : 'completed',
    events: diverged ? [{ epoch: 3, step: 0, kind: 'diverged', reason: 'the training loss became NaN' }] : [],
  };
  return { id: `t${index}`, index, repeat, params, status: history.status, timeMs: 5, history };
}

function grid(cells: Array<[AxisValues, number | 'nan']>, repeats: number): TrialResult[] {
  const out: TrialResult[] = [];
  for (const [params, floor] of cells) for (let r = 0; r < repeats; r++) out.push(result(out.length, params, r, floor));
  return out;
}

/** The HTML outside the folded spec (which shows the spec's JSON on purpose). */
const visible = (html: string) => html.replace(/<details>[\s\S]*?<\/details>/g, '');
const caption = (html: string, chart: string) => html.match(new RegExp(`data-chart="${chart}"[\\s\\S]*?<figcaption>([\\s\\S]*?)</figcaption>`))?.[1] ?? '';

describe('a sweep over schedule objects', () => {
  const schedules = [{ name: 'constant' }, { name: 'inverse_time', rate: 0.01 }, { name: 'step', every: 10, factor: 0.5 }];
  const results = grid([[{ schedule: schedules[0] }, 0.3], [{ schedule: schedules[1] }, 0.2], [{ schedule: schedules[2] }, 0.22]], 2);
  const input = { title: 'schedules', axes: ['schedule'], results, analysis: analyzeSweep(results) };

  it('recommends a schedule by its readable label, with a per-category chart', async () => {
    const html = await renderSweepReport(input);
    expect(html).toContain('Use schedule = <strong>inverse_time rate=0.01</strong>.');
    expect(html).not.toContain('No value of');
    expect(html).not.toContain('No sensitivity points');
    expect(html).toContain('data-chart="category-sensitivity"');
    expect(html).not.toContain('data-chart="heatmap"');
    const chart = html.match(/data-chart="category-sensitivity"[\s\S]*?<\/svg>/)![0];
    for (const label of ['constant', 'inverse_time rate=0.01', 'step every=10 factor=0.5']) expect(chart).toContain(`>${label}<`);
    expect(chart).toContain('>recommended<');
    expect(visible(html)).not.toMatch(/\{&quot;name&quot;|\{"name"/);
  });

  it('captions name the grid as it is: columns are schedule, and no rows', async () => {
    const html = await renderSweepReport(input);
    expect(caption(html, 'loss-grid')).toContain('columns are schedule;');
    expect(caption(html, 'loss-grid')).not.toContain('rows are');
    expect(caption(html, 'category-sensitivity')).toContain('Sensitivity to schedule');
  });

  it('the best configuration is the recommended cell, with its mean over the repeats', async () => {
    const html = await renderSweepReport(input);
    const card = html.match(/data-section="best">([\s\S]*?)<\/div>/)![1]!;
    expect(card).toContain('<dt>schedule</dt><dd class="em">inverse_time rate=0.01</dd>');
    expect(card).toMatch(/mean final val loss<\/dt><dd class="em">0\.2\d+ ± [\d.e-]+ \(2 of 2 repeats\)/);
    const summary = JSON.parse(JSON.stringify(summaryJson(input)));
    expect(summary.recommendation.label).toBe('inverse_time rate=0.01');
    expect(summary.bestCell.params).toEqual({ schedule: schedules[1] });
    expect(summary.bestCell.trialIds).toContain(summary.bestTrialId);
  });
});

describe('legend labels of an object-valued group', () => {
  it('lr × schedule: the sensitivity curve has one readable legend entry per schedule', async () => {
    const decay = { name: 'inverse_time', rate: 0.01 };
    const step = { name: 'step', every: 10, factor: 0.5 };
    const results = grid([
      [{ 'optimizer.lr': 0.1, schedule: decay }, 0.3], [{ 'optimizer.lr': 0.01, schedule: decay }, 0.2],
      [{ 'optimizer.lr': 0.1, schedule: step }, 0.25], [{ 'optimizer.lr': 0.01, schedule: step }, 0.21],
    ], 1);
    const html = await renderSweepReport({ title: 'lr × schedule', axes: ['optimizer.lr', 'schedule'], results, analysis: analyzeSweep(results) });
    const chart = html.match(/data-chart="u-curve"[\s\S]*?<\/svg>/)![0];
    expect(chart).toContain('>inverse_time rate=0.01<');
    expect(chart).toContain('>step every=10 factor=0.5<');
    expect(caption(html, 'loss-grid')).toMatch(/columns are lr, rows are schedule;/);
  });
});

describe('the heatmap of two numeric axes', () => {
  const lrs = [1, 0.1, 0.01, 0.001];
  it('lr × momentum: one cell per pair with its mean final validation loss, the best cell outlined', async () => {
    const floors: Record<number, Array<number | 'nan'>> = { 0: ['nan', 0.3, 0.4, 0.9], 0.9: ['nan', 'nan', 0.2, 0.5] };
    const results = grid([0, 0.9].flatMap((m) => lrs.map((lr, i) => [{ 'optimizer.lr': lr, 'optimizer.momentum': m }, floors[m]![i]!] as [AxisValues, number | 'nan'])), 2);
    const analysis = analyzeSweep(results);
    expect(analysis.bestCell!.params).toEqual({ 'optimizer.lr': 0.01, 'optimizer.momentum': 0.9 });
    const { cells } = heatmapCells({ analysis, axes: ['optimizer.lr', 'optimizer.momentum'], results })!;
    expect(cells).toHaveLength(8);
    const best = cells.filter((c) => c.best);
    expect(best).toEqual([expect.objectContaining({ xl: '0.01', yl: '0.9' })]);
    // The mean over the two repeats of the final validation loss, as the analysis computes it.
    const point = analysis.sensitivity.find((p) => p.x === 0.01 && p.group['optimizer.momentum'] === 0.9)!;
    expect(best[0]!.loss).toBe(point.finalLoss.mean);
    expect(cells.find((c) => c.xl === '1' && c.yl === '0')).toMatchObject({ loss: null, text: '✕ 2/2' });
    const html = await renderSweepReport({ title: 'lr × momentum', axes: ['optimizer.lr', 'optimizer.momentum'], results, analysis });
    expect(html).toContain('data-chart="heatmap"');
    expect(html).toContain('data-chart="u-curve"'); // the curves as well
    expect(caption(html, 'heatmap')).toContain('Final validation loss by lr × momentum');
    const svg = html.match(/data-chart="heatmap"[\s\S]*?<\/svg>/)![0];
    expect(svg).toContain(`>${best[0]!.text}<`);
    expect(svg).toContain('>✕ 2/2<');
    // The outline (stroke-width 3) is drawn once, around the best cell (0.01 across, 0.9 down).
    expect(svg.match(/stroke-width="3"/g)).toHaveLength(1);
  });

  it('lr × batch size gets one too; a single numeric axis (lr × optimizer name, or a momentum of one value) does not', async () => {
    const results = grid([64, 32].flatMap((b) => lrs.map((lr, i) => [{ 'optimizer.lr': lr, batchSize: b }, 0.2 + 0.1 * i + (b === 32 ? 0.05 : 0)] as [AxisValues, number])), 1);
    const analysis = analyzeSweep(results);
    expect(heatmapCells({ analysis, axes: ['optimizer.lr', 'batchSize'], results })!.cells).toHaveLength(8);
    expect(heatmapChart({ analysis, axes: ['optimizer.lr', 'batchSize'], results })).not.toBeNull();
    const named = grid(['sgd', 'adam'].flatMap((name) => lrs.map((lr) => [{ 'optimizer.lr': lr, 'optimizer.name': name }, 0.3] as [AxisValues, number])), 1);
    expect(heatmapChart({ analysis: analyzeSweep(named), axes: ['optimizer.lr', 'optimizer.name'], results: named })).toBeNull();
    const oneMomentum = grid(lrs.map((lr) => [{ 'optimizer.lr': lr, 'optimizer.momentum': 0.9 }, 0.3] as [AxisValues, number]), 1);
    expect(heatmapChart({ analysis: analyzeSweep(oneMomentum), axes: ['optimizer.lr', 'optimizer.momentum'], results: oneMomentum })).toBeNull();
  });
});
