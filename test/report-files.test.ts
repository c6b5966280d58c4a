/**
 * The report's files without a browser: summary.json's shape, epochs.csv read
 * back (one row per trial per epoch, RFC 4180 quoting, non-finite numbers
 * spelled out, empty cells for missing values), HTML escaping of hostile
 * strings, the chart SVGs drawn in Node, and the size of a 16-trial ×
 * 200-epoch sweep's report.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  MAX_POINTS, chartSvg, downsampleIndices, epochsCsv, escapeHtml, finderChart, formatNumber, lossGridChart, renderFinderReport,
  renderRunReport, renderSweepReport, summaryJson, uCurveChart,
} from '../bindings/report/index.js';
import { writeSweepReport } from '../bindings/report/write.js';
import { LR_AXIS, MOMENTUM_AXIS, makeFinderFixture, makeRunFixture, makeSweepFixture } from './helpers/report-fixture.js';

/** A strict RFC 4180 reader: quoted fields may hold commas, doubled quotes and newlines. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [], field = '', quoted = false, i = 0;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (c === '"') { quoted = false; i++; continue; }
      field += c; i++; continue;
    }
    if (c === '"' && field === '') { quoted = true; i++; continue; }
    if (c === ',') { row.push(field); field = ''; i++; continue; }
    if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; continue; }
    field += c; i++;
  }
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  return rows;
}

const HOSTILE = '</td><script>alert("x")</script><img src=x onerror=alert(1)>, "quoted"\nnext line';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('summaryJson', () => {
  it('has the recommendation, the best configuration and one entry per trial', () => {
    const input = makeSweepFixture({ epochs: 40 });
    const s = summaryJson(input);
    expect(s.title).toBe(input.title);
    expect(s.axis).toBe(LR_AXIS);
    expect(s.axes).toEqual([LR_AXIS, MOMENTUM_AXIS]);
    expect(s.trials).toHaveLength(input.results.length);
    expect(s.trials.map((t) => t.index)).toEqual([...input.results.map((r) => r.index)].sort((a, b) => a - b));
    expect(s.bestTrialId).toBe(input.analysis.bestTrialId);
    expect(s.best?.id).toBe(input.analysis.bestTrialId);
    expect(s.best?.label).toBe(input.analysis.diagnoses[input.analysis.bestTrialId!].label);
    expect(s.best?.params[LR_AXIS]).toBeTypeOf('number');
    expect(s.recommendation).toEqual(input.analysis.recommended);
    expect(s.counts.trials).toBe(16);
    expect(s.counts.failed).toBe(1);
    expect(s.counts.byStatus.diverged).toBeGreaterThan(0);
    expect(s.sensitivity).toHaveLength(input.analysis.sensitivity.length);

    const failed = s.trials.find((t) => t.status === 'failed')!;
    expect(failed.error).toContain('missing.csv');
    expect(failed.label).toBeNull();
    expect(failed.epochs).toBe(0);
    expect(failed.finalLoss).toBeNull();

    const ok = s.trials.find((t) => t.id === s.bestTrialId)!;
    const result = input.results.find((r) => r.id === ok.id)!;
    expect(ok.epochs).toBe(40);
    expect(ok.finalLoss).toBe(result.history!.loss[39]);
    expect(ok.finalValLoss).toBe(result.history!.valLoss![39]);
    expect(ok.bestValLoss).toBe(Math.min(...result.history!.valLoss!));
    expect(ok.testAccuracy).toBe(result.test!.accuracy);
    expect(ok.reason).toBe(input.analysis.diagnoses[ok.id].reason);

    // A plain object: it survives JSON, non-finite numbers becoming null (as in the sweep's JSONL).
    const back = JSON.parse(JSON.stringify(s));
    expect(back.trials).toHaveLength(16);
    const diverged = back.trials.find((t: { status: string }) => t.status === 'diverged');
    expect(diverged.finalLoss).toBeNull();
    expect(Object.getPrototypeOf(s)).toBe(Object.prototype);
  });
});

describe('epochsCsv', () => {
  it('has one row per trial per epoch with each param in its own column', () => {
    const input = makeSweepFixture({ epochs: 30 });
    const rows = parseCsv(epochsCsv(input.results));
    const [header, ...body] = rows;
    expect(header).toEqual(['trial_id', LR_AXIS, MOMENTUM_AXIS, 'epoch', 'loss', 'accuracy', 'val_loss', 'val_accuracy', 'lr', 'time_ms']);
    const total = input.results.reduce((n, r) => n + (r.history?.loss.length ?? 0), 0);
    expect(body).toHaveLength(total);
    expect(body.every((r) => r.length === header.length)).toBe(true);
    // No rows for the failed trial.
    const failed = input.results.find((r) => r.status === 'failed')!;
    expect(body.some((r) => r[0] === failed.id)).toBe(false);
    // Values read back.
    const t = input.results.find((r) => r.status === 'completed')!;
    const mine = body.filter((r) => r[0] === t.id);
    expect(mine).toHaveLength(30);
    expect(Number(mine[5][1])).toBe(t.params[LR_AXIS]);
    expect(Number(mine[5][3])).toBe(5);
    expect(Number(mine[5][4])).toBe(t.history!.loss[5]);
    expect(Number(mine[5][8])).toBe(t.history!.lr[5]);
    expect(Number(mine[5][9])).toBe(t.history!.time[5]);
  });

  it('spells out NaN and ±Infinity, leaves missing values empty and quotes fields properly', () => {
    const input = makeSweepFixture({ epochs: 12, lrs: [1e-3, 3], momenta: [0.9], failedIndex: -1, extraParam: ['data.name', HOSTILE] });
    const [ok, diverged] = input.results;
    expect(diverged.status).toBe('diverged');
    ok.history!.loss[2] = Infinity;
    ok.history!.valLoss![3] = -Infinity;
    delete ok.history!.accuracy; // a regression run: no accuracy column values
    delete ok.history!.valAccuracy;
    const rows = parseCsv(epochsCsv(input.results));
    const header = rows[0];
    expect(header).toEqual(['trial_id', LR_AXIS, MOMENTUM_AXIS, 'data.name', 'epoch', 'loss', 'accuracy', 'val_loss', 'val_accuracy', 'lr', 'time_ms']);
    const col = (name: string) => header.indexOf(name);
    const okRows = rows.filter((r) => r[0] === ok.id);
    expect(okRows).toHaveLength(12);
    expect(okRows.every((r) => r[col('data.name')] === HOSTILE)).toBe(true); // comma, quotes and newline survive
    expect(okRows[2][col('loss')]).toBe('Infinity');
    expect(okRows[3][col('val_loss')]).toBe('-Infinity');
    expect(okRows[0][col('accuracy')]).toBe('');
    expect(okRows[0][col('val_accuracy')]).toBe('');
    const divRows = rows.filter((r) => r[0] === diverged.id);
    expect(divRows).toHaveLength(diverged.history!.loss.length);
    expect(divRows[divRows.length - 1][col('loss')]).toBe('NaN');
    // The raw text quotes the hostile field (doubled quotes) and nothing else.
    const csv = epochsCsv(input.results);
    expect(csv).toContain('"</td><script>alert(""x"")</script><img src=x onerror=alert(1)>, ""quoted""\nnext line"');
    expect(csv.endsWith('\n')).toBe(true);
  });
});

describe('HTML escaping', () => {
  it('escapes hostile strings from params, titles, errors and the spec', async () => {
    const input = makeSweepFixture({ epochs: 20, extraParam: ['model.name', HOSTILE] });
    input.title = 'Sweep <b>bold</b> & "quoted"';
    input.subtitle = '<i>sub</i>';
    input.results[1].error = 'bad <img src=x onerror=alert(2)> file';
    input.specSummary = { note: '<script>alert(3)</script>' };
    input.analysis.diagnoses[input.results[0].id].reason = 'reason <script>alert(4)</script>';
    const html = await renderSweepReport(input);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toContain('<b>bold</b>');
    expect(html).not.toContain('<i>sub</i>');
    expect(html).toContain('Sweep &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('bad &lt;img src=x onerror=alert(2)&gt; file');
    expect(html).toContain('reason &lt;script&gt;alert(4)&lt;/script&gt;');
    // No external resources either.
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(\s*["']?https?:/i);
  });

  it('escapeHtml escapes the five characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});

describe('charts in Node', () => {
  it('draw SVG with text, axis labels and paths, and nothing non-finite', () => {
    const input = makeSweepFixture({ epochs: 50 });
    const svg = chartSvg(uCurveChart({ analysis: input.analysis, axes: input.axes, results: input.results })!, 'u');
    expect(svg.startsWith('<svg')).toBe(true);
    expect((svg.match(/<text/g) ?? []).length).toBeGreaterThan(10);
    expect(svg).toContain('>momentum<');
    expect(svg).toContain('>1e-3<'); // log axis labels at the swept values
    expect(svg).toMatch(/<path[^>]+d="M/);
    expect(svg).not.toMatch(/NaN|Infinity/); // nothing non-finite reached the scales

    const grid = chartSvg(lossGridChart({ results: input.results, axes: input.axes, axis: input.analysis.axis, bestTrialId: input.analysis.bestTrialId })!, 'g');
    expect(grid).toContain('>diverged<');
    expect(grid).toContain('>failed<');
    expect(grid).toContain('>best<');
    expect(grid).not.toMatch(/NaN|Infinity/);

    const finder = chartSvg(finderChart(makeFinderFixture())!, 'f');
    expect(finder).toContain('valley (suggested)');
    expect(finder).not.toMatch(/NaN|Infinity/);
  });

  it('gives each SVG its own ids, so that many can share a page', async () => {
    const input = makeSweepFixture({ epochs: 10 });
    const html = await renderSweepReport(input);
    const ids = [...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('downsamples long series but keeps their ends and spikes', () => {
    const ys = Array.from({ length: 20_000 }, (_, i) => Math.sin(i / 50));
    ys[12_345] = 99;
    ys[777] = NaN;
    const idx = downsampleIndices(ys, MAX_POINTS);
    expect(idx.length).toBeLessThanOrEqual(MAX_POINTS);
    expect(idx[0]).toBe(0);
    expect(idx[idx.length - 1]).toBe(19_999);
    expect(idx).toContain(12_345);
    expect(idx).toContain(777);
    expect([...idx].sort((a, b) => a - b)).toEqual(idx);
    expect(downsampleIndices([1, 2, 3], 10)).toEqual([0, 1, 2]);
  });

  it('formats numbers for people', () => {
    expect(formatNumber(0.001)).toBe('1e-3');
    expect(formatNumber(0.0003)).toBe('3e-4');
    expect(formatNumber(0.00015)).toBe('1.5e-4');
    expect(formatNumber(0.9)).toBe('0.9');
    expect(formatNumber(0.0523)).toBe('0.0523');
    expect(formatNumber(NaN)).toBe('NaN');
    expect(formatNumber(-Infinity)).toBe('-Infinity');
    expect(formatNumber(null)).toBe('—');
  });
});

describe('reports', () => {
  it('keeps a 16-trial × 200-epoch sweep report small: long curves are downsampled', async () => {
    const input = makeSweepFixture({ epochs: 200, stepsPerEpoch: 32 });
    const html = await renderSweepReport(input);
    expect(html.length).toBeLessThan(2_000_000); // measured: 379 KiB
    for (const id of ['u-curve', 'loss-grid', 'accuracy-grid', 'lr-schedules']) expect(html).toContain(`data-chart="${id}"`);
  });

  it('writes report.html, summary.json and epochs.csv', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lrlab-report-'));
    dirs.push(dir);
    const input = makeSweepFixture({ epochs: 15 });
    const paths = await writeSweepReport(join(dir, 'nested', 'out'), input);
    expect(paths.html.endsWith('report.html')).toBe(true);
    const [html, summary, csv] = await Promise.all([readFile(paths.html, 'utf8'), readFile(paths.summary, 'utf8'), readFile(paths.csv, 'utf8')]);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(JSON.parse(summary).trials).toHaveLength(16);
    expect(parseCsv(csv).length - 1).toBe(input.results.reduce((n, r) => n + (r.history?.loss.length ?? 0), 0));
  });

  it('renders a run report and a finder report', async () => {
    const run = await renderRunReport(makeRunFixture());
    for (const id of ['run-loss', 'run-accuracy', 'run-lr']) expect(run).toContain(`data-chart="${id}"`);
    expect(run).toContain('data-table="events"');
    const regression = makeRunFixture(30);
    delete regression.history.accuracy;
    delete regression.history.valAccuracy;
    const reg = await renderRunReport(regression);
    expect(reg).not.toContain('data-chart="run-accuracy"');
    const finder = await renderFinderReport({ title: 'LR range test', result: makeFinderFixture() });
    expect(finder).toContain('data-chart="lr-finder"');
    expect(finder).toContain('Suggested learning rate');
  });

  it('says so when nothing trained well', async () => {
    const input = makeSweepFixture({ epochs: 20, lrs: [1, 3], momenta: [0.9], failedIndex: -1 });
    input.analysis.recommended = null;
    input.analysis.bestTrialId = null;
    const html = await renderSweepReport(input);
    expect(html).toContain('trained well.');
    expect(summaryJson(input).best).toBeNull();
  });
});
