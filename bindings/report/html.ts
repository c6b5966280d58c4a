/**
 * Self-contained HTML reports: one file with inline CSS and inline SVG charts,
 * no scripts and no network, readable offline and printable. Every piece of
 * text that comes from the input (titles, axis values, error messages, spec
 * strings) is HTML-escaped, and so is every text in the SVG charts (./svg/element.ts).
 *
 * Each chart sits in a <figure data-chart="…"> with a <figcaption>:
 *   sweep:  u-curve (a numeric axis) or category-sensitivity (a categorical one),
 *           heatmap (two numeric axes), loss-grid, accuracy-grid (classification), lr-schedules
 *   run:    run-loss, run-accuracy (classification), run-lr
 *   finder: lr-finder
 */
import type { Diagnosis, TrialResult } from '../sweep/types.js';
import { accuracyGridChart, chartSvg, gridLayout, lossGridChart, scheduleChart, type Chart } from './charts.js';
import { categorySensitivityChart, heatmapChart, heatmapRows } from './cell-charts.js';
import { finderChart } from './finder-chart.js';
import { runAccuracyChart, runLossChart, runLrChart } from './run-charts.js';
import { uCurveChart } from './u-curve.js';
import type { FinderReportInput, RunReportInput, SweepReportInput } from './types.js';
import {
  axisNamer, displayJson, escapeHtml as e, formatMs, formatNumber, formatPercent, formatValue, historyNumbers, trialNumbers,
} from './util.js';
import { maxOf } from '../extent.js';

export type { FinderReportInput, RunReportInput, SweepReportInput } from './types.js';

const LABEL_TEXT: Record<string, string> = {
  good: 'good', diverged: 'diverged', oscillating: 'oscillating', too_slow: 'too slow', plateaued_early: 'plateaued early',
};

const CSS = `
:root { color-scheme: light; --ink: #1f2328; --muted: #57606a; --line: #d0d7de; --soft: #f6f8fa; --good: #1a7f37; --bad: #c62828; --accent: #0969da; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: #fff; color: var(--ink); font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 28px 28px 56px; }
header { border-bottom: 1px solid var(--line); padding-bottom: 14px; margin-bottom: 22px; }
h1 { font-size: 27px; line-height: 1.25; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 34px 0 10px; }
h3 { font-size: 15px; margin: 0 0 8px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
p { margin: 0 0 10px; }
.subtitle { font-size: 17px; color: var(--muted); margin: 0; }
.meta { color: var(--muted); font-size: 14px; margin-top: 6px; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 13px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 16px; }
.card { border: 1px solid var(--line); border-radius: 10px; padding: 16px 18px; background: #fff; }
.card.lead { border-left: 6px solid var(--good); background: #f3faf5; }
.card.lead.none { border-left-color: var(--bad); background: #fff6f5; }
.headline { font-size: 19px; font-weight: 650; margin-bottom: 8px; }
.headline strong { white-space: nowrap; }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: 3px 16px; margin: 0; }
dl.kv dt { color: var(--muted); }
dl.kv dd { margin: 0; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
dl.kv.two { grid-template-columns: max-content minmax(60px, 1fr) max-content minmax(60px, 1fr); }
dl.kv dd.em { font-weight: 650; }
.counts { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 14px; align-items: center; }
.counts .what { color: var(--muted); font-size: 14px; margin-right: 2px; }
td.param { white-space: nowrap; font-variant-numeric: tabular-nums; }
figure { margin: 14px 0 26px; padding: 14px 14px 10px; border: 1px solid var(--line); border-radius: 10px; background: #fff; }
figure .chart { overflow-x: auto; }
figure svg { display: block; max-width: 100%; height: auto; margin: 0 auto; }
figcaption { color: #3d444d; font-size: 14px; margin-top: 8px; padding-top: 8px; border-top: 1px solid #eaeef2; }
figcaption strong { color: var(--ink); }
.table-wrap { overflow-x: auto; border: 1px solid var(--line); border-radius: 10px; }
table { border-collapse: collapse; width: 100%; font-size: 13.5px; }
th, td { padding: 6px 8px; border-bottom: 1px solid #eaeef2; text-align: left; vertical-align: top; }
thead th { position: sticky; top: 0; background: var(--soft); border-bottom: 1px solid var(--line); font-weight: 650; vertical-align: bottom; }
tbody tr:nth-child(even) { background: #fbfcfd; }
tbody tr.best { background: #e7f5ea; box-shadow: inset 4px 0 0 var(--good); }
tbody tr.failed { background: #f6f8fa; color: #424a53; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
td.num.bad { color: var(--bad); font-weight: 600; }
td.reason { min-width: 220px; color: #31363c; }
td .status { display: block; font-size: 12px; margin-top: 2px; }
.badge { display: inline-block; text-transform: none; letter-spacing: normal; vertical-align: 1px; padding: 1px 9px; border-radius: 999px; font-size: 12.5px; font-weight: 650; white-space: nowrap; border: 1px solid transparent; }
.badge.good, .badge.completed { background: #dafbe1; color: #0f5323; border-color: #aceebb; }
.badge.diverged { background: #ffebe9; color: #8c0d1d; border-color: #ffcecb; }
.badge.oscillating { background: #fff1e5; color: #7a2e00; border-color: #ffd8b5; }
.badge.too_slow { background: #ddf4ff; color: #0a3069; border-color: #b6e3ff; }
.badge.plateaued_early { background: #fbefff; color: #512a97; border-color: #ecd8ff; }
.badge.failed, .badge.aborted, .badge.stopped, .badge.neutral { background: #eaeef2; color: #32383f; border-color: #d0d7de; }
.status { color: var(--muted); }
ul.failures { padding-left: 20px; }
ul.failures li { margin-bottom: 10px; }
ul.failures pre { margin: 4px 0 0; padding: 8px 10px; background: var(--soft); border: 1px solid var(--line); border-radius: 6px; white-space: pre-wrap; overflow-wrap: anywhere; }
details { margin-top: 30px; border: 1px solid var(--line); border-radius: 10px; padding: 10px 14px; }
details summary { cursor: pointer; font-weight: 650; }
details pre { max-height: 480px; overflow: auto; background: var(--soft); padding: 10px; border-radius: 6px; }
.note { color: var(--muted); font-size: 14px; }
footer { margin-top: 40px; color: var(--muted); font-size: 13px; border-top: 1px solid var(--line); padding-top: 10px; }
@media print { main { max-width: none; padding: 0; } figure, .card, table { break-inside: avoid; } thead th { position: static; } }
`;

// documentHtml, headerHtml, figure, badge and specDetails are shared with the tutorial's report (tutorial.ts).
export function documentHtml(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="lrlab">
<title>${e(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${body}
<footer>Made by lrlab. This file is self-contained: no scripts, no network; the charts are inline SVG.</footer>
</main>
</body>
</html>
`;
}

export function headerHtml(title: string, subtitle: string | undefined, meta: string): string {
  return `<header>
<h1>${e(title)}</h1>
${subtitle ? `<p class="subtitle">${e(subtitle)}</p>` : ''}
${meta ? `<p class="meta">${meta}</p>` : ''}
</header>`;
}

/** A chart in its figure (nothing without a chart); the caption is HTML that the caller has escaped. `id` is unique in the page. */
export function figure(id: string, chart: Chart | null, captionHtml: string): string {
  if (!chart) return '';
  return `<figure data-chart="${e(id)}">
<div class="chart">${chartSvg(chart, `chart-${id}`)}</div>
<figcaption>${captionHtml}</figcaption>
</figure>`;
}

export function badge(kind: string, text?: string): string {
  return `<span class="badge ${e(kind.replace(/[^a-z_]/gi, ''))}">${e(text ?? LABEL_TEXT[kind] ?? kind)}</span>`;
}

export function specDetails(summary: string, spec: unknown): string {
  if (spec === undefined) return '';
  return `<details><summary>${e(summary)}</summary><pre>${e(displayJson(spec))}</pre></details>`;
}

const numClass = (x: number | null | undefined) => (typeof x === 'number' && !Number.isFinite(x) ? 'num bad' : 'num');
const num = (x: number | null | undefined) => `<td class="${numClass(x)}">${e(formatNumber(x, 4))}</td>`;
const pct = (x: number | null | undefined) => `<td class="${numClass(x)}">${e(formatPercent(x))}</td>`;

// ---------------------------------------------------------------------------
// Sweep report

function recommendationHtml(input: SweepReportInput): string {
  return recommendationCard(input).replace('</div>', `${countsHtml(input)}</div>`);
}

function recommendationCard(input: SweepReportInput): string {
  const { analysis } = input;
  const name = axisNamer(input.axes.length ? input.axes : [analysis.axis]);
  const axisName = name(analysis.axis);
  if (analysis.recommended) {
    const { low, high, label, explanation } = analysis.recommended;
    return `<div class="card lead" data-section="recommendation">
<h3>Recommendation</h3>
<p class="headline">${label !== undefined ? `Use ${e(axisName)} = <strong>${e(label)}</strong>.` : formatNumber(low) === formatNumber(high)
    ? `Use ${e(axisName)} = <strong>${e(formatNumber(low))}</strong>.`
    : `Use ${e(axisName)} between <strong>${e(formatNumber(low))}</strong> and <strong>${e(formatNumber(high))}</strong>.`}</p>
<p>${e(explanation)}</p>
</div>`;
  }
  return `<div class="card lead none" data-section="recommendation">
<h3>Recommendation</h3>
<p class="headline">No value of ${e(axisName)} trained well.</p>
<p>Every trial diverged, oscillated, trained too slowly or stopped improving early: see the diagnosis table and widen or shift the swept range.</p>
</div>`;
}

/**
 * The best configuration: the best cell by its mean final loss over repeats (the recommendation's
 * anchor), then the numbers of its best repeat.
 */
function bestHtml(input: SweepReportInput): string {
  const { analysis } = input;
  const best = input.results.find((r) => r.id === analysis.bestTrialId);
  if (!best) return `<div class="card" data-section="best"><h3>Best configuration</h3><p>No trial finished with a finite loss.</p></div>`;
  const name = axisNamer(input.axes);
  const n = trialNumbers(best);
  const d = analysis.diagnoses[best.id];
  const cell = analysis.bestCell;
  const params: Array<[string, string]> = [];
  for (const a of input.axes.length ? input.axes : Object.keys(best.params)) params.push([name(a), formatValue(best.params[a])]);
  const repeats = cell ? cell.trialIds.length : 1;
  if (cell && repeats > 1) {
    const loss = cell.finalLoss;
    const anyVal = n.finalValLoss !== null;
    params.push([`mean final ${anyVal ? 'val ' : ''}loss`, `${formatNumber(loss.mean, 4)} ± ${formatNumber(loss.std, 2)} (${loss.n} of ${repeats} repeats${cell.diverged ? `, ${cell.diverged} diverged` : ''})`]);
    if (cell.finalAccuracy) params.push([`mean final ${anyVal ? 'val ' : ''}accuracy`, formatPercent(cell.finalAccuracy.mean)]);
  }
  const rows: Array<[string, string]> = [];
  if (repeats > 1) rows.push(['its best repeat', String(best.repeat)]);
  rows.push(['final loss (train)', formatNumber(n.finalLoss, 4)]);
  if (n.finalValLoss !== null) rows.push(['final val loss', formatNumber(n.finalValLoss, 4)]);
  if (n.bestValLoss !== null) rows.push(['best val loss', formatNumber(n.bestValLoss, 4)]);
  else rows.push(['best loss (train)', formatNumber(n.bestLoss, 4)]);
  if (n.finalAccuracy !== null) rows.push(['final accuracy (train)', formatPercent(n.finalAccuracy)]);
  if (n.finalValAccuracy !== null) rows.push(['final val accuracy', formatPercent(n.finalValAccuracy)]);
  if (n.testLoss !== null) rows.push(['test loss', formatNumber(n.testLoss, 4)]);
  if (n.testAccuracy !== null) rows.push(['test accuracy', formatPercent(n.testAccuracy)]);
  rows.push(['epochs', String(n.epochs)], ['time', formatMs(best.timeMs)]);
  return `<div class="card" data-section="best">
<h3>Best configuration ${d ? badge(d.label) : ''}</h3>
<dl class="kv" data-best="params">${params.map(([k, v]) => `<dt>${e(k)}</dt><dd class="em">${e(v)}</dd>`).join('')}</dl>
<hr style="border:0;border-top:1px solid #eaeef2;margin:8px 0">
<dl class="kv two" data-best="numbers">${rows.map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`).join('')}</dl>
<p class="note" style="margin:8px 0 0">Trial <code>${e(best.id)}</code></p>
</div>`;
}

function countsHtml(input: SweepReportInput): string {
  const counts = new Map<string, number>();
  for (const r of input.results) {
    const key = r.status === 'failed' ? 'failed' : input.analysis.diagnoses[r.id]?.label ?? r.status;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const order = ['good', 'too_slow', 'plateaued_early', 'oscillating', 'diverged', 'failed'];
  const keys = [...counts.keys()].sort((a, b) => (order.indexOf(a) + 99) % 99 - (order.indexOf(b) + 99) % 99);
  return `<div class="counts"><span class="what">${input.results.length} trials:</span>${keys.map((k) => badge(k, `${counts.get(k)} ${LABEL_TEXT[k] ?? k}`)).join(' ')}</div>`;
}

function diagnosisTable(input: SweepReportInput): string {
  const { results, analysis } = input;
  const axes = input.axes;
  const name = axisNamer(axes);
  const nums = new Map(results.map((r) => [r.id, trialNumbers(r)]));
  const any = (f: (r: TrialResult) => boolean) => results.some(f);
  const hasVal = any((r) => nums.get(r.id)!.finalValLoss !== null);
  const hasAcc = any((r) => nums.get(r.id)!.finalAccuracy !== null || nums.get(r.id)!.finalValAccuracy !== null);
  const hasValAcc = any((r) => nums.get(r.id)!.finalValAccuracy !== null);
  const hasTest = any((r) => nums.get(r.id)!.testLoss !== null);
  const hasTestAcc = any((r) => nums.get(r.id)!.testAccuracy !== null);
  const hasRepeat = any((r) => r.repeat > 0);
  const head = [
    '<th class="num">#</th>',
    ...axes.map((a) => `<th title="${e(a)}">${e(name(a))}</th>`),
    hasRepeat ? '<th class="num">repeat</th>' : '',
    '<th>diagnosis</th>', '<th>reason</th>',
    '<th class="num">final loss</th>',
    hasVal ? '<th class="num">val loss</th>' : '',
    `<th class="num">${hasVal ? 'best val loss' : 'best loss'}</th>`,
    hasAcc ? `<th class="num">${hasValAcc ? 'val acc.' : 'accuracy'}</th>` : '',
    hasTest ? '<th class="num">test loss</th>' : '',
    hasTestAcc ? '<th class="num">test acc.</th>' : '',
    '<th class="num">epochs</th>', '<th class="num">time</th>',
  ].join('');
  const body = [...results].sort((a, b) => a.index - b.index).map((r) => {
    const n = nums.get(r.id)!;
    const d: Diagnosis | undefined = analysis.diagnoses[r.id];
    const failed = r.status === 'failed';
    const cls = [r.id === analysis.bestTrialId ? 'best' : '', failed ? 'failed' : ''].filter(Boolean).join(' ');
    const reason = failed ? `failed: ${r.error ?? 'unknown error'}` : d?.reason ?? '';
    return `<tr data-trial="${e(r.id)}"${cls ? ` class="${cls}"` : ''}>` + [
      `<td class="num">${e(r.index)}</td>`,
      ...axes.map((a) => `<td class="param">${e(formatValue(r.params[a]))}</td>`),
      hasRepeat ? `<td class="num">${e(r.repeat)}</td>` : '',
      `<td>${failed ? badge('failed') : d ? badge(d.label) : '—'}${statusNote(r, d, analysis.bestTrialId)}</td>`,
      `<td class="reason">${e(reason)}</td>`,
      num(n.finalLoss),
      hasVal ? num(n.finalValLoss) : '',
      num(hasVal ? n.bestValLoss : n.bestLoss),
      hasAcc ? pct(hasValAcc ? n.finalValAccuracy : n.finalAccuracy) : '',
      hasTest ? num(n.testLoss) : '',
      hasTestAcc ? pct(n.testAccuracy) : '',
      `<td class="num">${e(n.epochs)}</td>`,
      `<td class="num">${e(formatMs(r.timeMs))}</td>`,
    ].join('') + '</tr>';
  }).join('\n');
  return `<div class="table-wrap"><table data-table="diagnosis"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

/** The fit status under the diagnosis badge when it adds something (stopped early, aborted), and the best trial's star. */
function statusNote(r: TrialResult, d: Diagnosis | undefined, bestId: string | null): string {
  const notes: string[] = [];
  if (r.id === bestId) notes.push('★ best');
  if (r.status !== 'failed' && r.status !== 'completed' && r.status !== d?.label) notes.push(r.status);
  return notes.length ? `<span class="status">${e(notes.join(' · '))}</span>` : '';
}

function failuresHtml(results: TrialResult[], axes: string[]): string {
  const failed = results.filter((r) => r.status === 'failed');
  if (failed.length === 0) return '';
  const name = axisNamer(axes);
  const items = failed.map((r) => {
    const params = Object.entries(r.params).map(([k, v]) => `${name(k)} = ${formatValue(v)}`).join(', ');
    return `<li data-trial="${e(r.id)}"><strong>#${e(r.index)}</strong> ${e(params)} <span class="note">(trial <code>${e(r.id)}</code>)</span><pre>${e(r.error ?? 'unknown error')}</pre></li>`;
  });
  return `<section data-section="failures"><h2>Failed trials (${failed.length})</h2>
<p class="note">These trials threw before or while training; they are left out of the charts.</p>
<ul class="failures">${items.join('\n')}</ul></section>`;
}

/** The full HTML document of a sweep: recommendation and best configuration, U curve, diagnosis table, curves, schedules. */
export async function renderSweepReport(input: SweepReportInput): Promise<string> {
  const { analysis, results } = input;
  const axes = input.axes;
  const name = axisNamer(axes.length ? axes : [analysis.axis]);
  const axisName = name(analysis.axis);
  const others = axes.filter((a) => a !== analysis.axis).map(name);
  const repeats = Math.max(1, maxOf(results.map((r) => r.repeat + 1)));
  const gridInput = { results, axes, axis: analysis.axis, bestTrialId: analysis.bestTrialId, diagnoses: analysis.diagnoses };
  const anyVal = results.some((r) => r.history?.valLoss?.length);
  const perStep = results.some((r) => r.history?.stepLr?.length);
  const layout = gridLayout(results, axes, analysis.axis);
  const across = layout.colTitle;
  const down = layout.rows.length > 1 ? layout.rowTitle : '';
  const categorical = analysis.sensitivity.some((p) => p.label !== undefined);
  const heatmap = heatmapChart({ analysis, axes, results });
  const heatDown = heatmap ? heatmapRows({ analysis, axes, results })! : '';

  const [uCurve, heat, lossGrid, accGrid, schedules] = [
    categorical
      ? figure('category-sensitivity', categorySensitivityChart({ analysis, axes, results }),
        `<strong>Sensitivity to ${e(axisName)}.</strong> For each value of ${e(axisName)}: the final loss (filled dot) and the best loss (open triangle)` +
        (repeats > 1 ? `, means over ${repeats} repeats, with bars of ± one std` : '') +
        (others.length ? `; one colour per ${e(others.join(', '))}` : '') +
        `. ✕ at the top: repeats that diverged, left out of the means. The shaded column is the recommended value; the ring marks the best configuration.`)
      : figure('u-curve', uCurveChart({ analysis, axes, results }),
      `<strong>Sensitivity to ${e(axisName)}.</strong> Final loss (solid, dots) and best loss (dashed) of each value of ${e(axisName)} on a log axis` +
      (others.length ? `, one colour per ${e(others.join(', '))}` : '') +
      (repeats > 1 ? `; bars show mean ± std over ${repeats} repeats` : '') +
      `. ✕ at the top: a run diverged at that value${repeats > 1 ? ' (diverged/repeats below it)' : ''}. The green band is the recommended range; the ring marks the best configuration. A good range sits in the flat bottom of the “U”, left of where the loss shoots up.`),
    figure('heatmap', heatmap,
      `<strong>Final ${anyVal ? 'validation ' : ''}loss by ${e(axisName)} × ${e(name(heatDown))}.</strong> Each cell: the mean final ${anyVal ? 'validation ' : ''}loss` +
      (repeats > 1 ? ` over its ${repeats} repeats` : '') +
      `, lighter is lower; “✕ k/n”: k of its n repeats diverged (left out of the mean; grey when all did). The outlined cell is the best configuration.`),
    figure('loss-grid', lossGridChart(gridInput),
      `<strong>Loss curves.</strong> One panel per trial: columns are ${e(across)}` +
      (down ? `, rows are ${e(down)}` : '') +
      `; train loss solid${anyVal ? ', validation loss dashed' : ''}; all panels share their axes (a log y axis when the losses span a wide range). Losses that exploded or became NaN/Infinity are drawn at the top edge and the panel says “diverged”. Curves with more epochs than a panel has pixels across are downsampled (keeping each bucket’s min and max).`),
    figure('accuracy-grid', accuracyGridChart(gridInput),
      `<strong>Accuracy curves.</strong> Same grid as the loss curves: train accuracy solid${anyVal ? ', validation accuracy dashed' : ''}.`),
    figure('lr-schedules', scheduleChart(gridInput),
      `<strong>Learning-rate schedules.</strong> The LR each trial used, ${perStep ? 'per step where it was recorded (else per epoch)' : 'at the first step of each epoch'}, coloured by ${e(across)}` +
      (down ? `, one panel per ${e(down)}` : '') + '.'),
  ];

  const meta = [
    `${results.length} trial${results.length === 1 ? '' : 's'}`,
    axes.length ? `swept: ${axes.map((a) => `<code>${e(a)}</code>`).join(', ')}` : '',
    repeats > 1 ? `${repeats} repeats per value` : '',
  ].filter(Boolean).join(' · ');

  const body = [
    headerHtml(input.title, input.subtitle, meta),
    `<section class="cards" data-section="summary">${recommendationHtml(input)}${bestHtml(input)}</section>`,
    `<section data-section="sensitivity"><h2>Sensitivity</h2>${uCurve || '<p class="note">No sensitivity points: no trial finished.</p>'}${heat}</section>`,
    `<section data-section="diagnosis"><h2>Diagnosis of each trial</h2>
<p class="note">Labels: <em>good</em>; <em>too slow</em> (still falling, LR too low); <em>plateaued early</em>; <em>oscillating</em> (LR a bit too high); <em>diverged</em> (LR too high). The reason gives the numbers behind each label.</p>
${diagnosisTable(input)}</section>`,
    failuresHtml(results, axes),
    `<section data-section="curves"><h2>Training curves</h2>${lossGrid || '<p class="note">No trial recorded any epoch.</p>'}${accGrid}</section>`,
    schedules ? `<section data-section="schedules"><h2>Learning-rate schedules</h2>${schedules}</section>` : '',
    specDetails('Sweep specification', input.specSummary),
  ].join('\n');
  return documentHtml(input.title, body);
}

// ---------------------------------------------------------------------------
// Run report

/** The HTML document of one run: diagnosis, final numbers, loss/accuracy/LR curves, events. */
export async function renderRunReport(input: RunReportInput): Promise<string> {
  const { history, diagnosis } = input;
  const n = historyNumbers(history);
  const [loss, acc, lr] = [
    figure('run-loss', runLossChart(history),
      `<strong>Loss.</strong> Train loss solid${history.valLoss?.length ? ', validation loss dashed' : ''}. A gap that opens late means overfitting; a curve that still falls at the end means more epochs (or a higher LR) would help; a curve that jumps up means the LR is too high.`),
    figure('run-accuracy', runAccuracyChart(history), `<strong>Accuracy.</strong> Train accuracy solid${history.valAccuracy?.length ? ', validation accuracy dashed' : ''}.`),
    figure('run-lr', runLrChart(history),
      `<strong>Learning rate.</strong> ${history.stepLr?.length ? 'The LR of every step' : 'The LR at the first step of each epoch'}; red triangles mark LR changes (reduce-on-plateau, callbacks).`),
  ];
  const rows: Array<[string, string]> = [
    ['status', history.status], ['epochs', String(n.epochs)],
    ['final loss (train)', formatNumber(n.finalLoss, 4)], ['best loss (train)', formatNumber(n.bestLoss, 4)],
  ];
  if (n.finalValLoss !== null) rows.push(['final val loss', formatNumber(n.finalValLoss, 4)], ['best val loss', formatNumber(n.bestValLoss, 4)]);
  if (n.finalAccuracy !== null) rows.push(['final accuracy (train)', formatPercent(n.finalAccuracy)]);
  if (n.finalValAccuracy !== null) rows.push(['final val accuracy', formatPercent(n.finalValAccuracy)]);
  if (input.test) {
    rows.push(['test loss', formatNumber(input.test.loss, 4)]);
    if (input.test.accuracy !== undefined) rows.push(['test accuracy', formatPercent(input.test.accuracy)]);
  }
  if (n.finalLr !== null) rows.push(['final LR', formatNumber(n.finalLr, 3)]);
  rows.push(['total time', formatMs(history.time.reduce((a, b) => a + b, 0))]);
  const numbers = Object.entries(diagnosis.numbers);
  const events = history.events;
  const body = [
    headerHtml(input.title, input.subtitle, `${n.epochs} epochs · status <strong>${e(history.status)}</strong>`),
    `<section class="cards" data-section="summary">
<div class="card lead${diagnosis.label === 'good' ? '' : ' none'}" data-section="diagnosis"><h3>Diagnosis</h3>
<p class="headline">${badge(diagnosis.label)}</p><p>${e(diagnosis.reason)}</p>
${numbers.length ? `<dl class="kv">${numbers.map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(formatNumber(v, 4))}</dd>`).join('')}</dl>` : ''}
</div>
<div class="card" data-section="numbers"><h3>Final numbers</h3><dl class="kv">${rows.map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`).join('')}</dl></div>
</section>`,
    `<section data-section="curves"><h2>Diagnostic line plots</h2>${loss}${acc}${lr}</section>`,
    events.length
      ? `<section data-section="events"><h2>Events</h2><div class="table-wrap"><table data-table="events"><thead><tr><th class="num">epoch</th><th class="num">step</th><th>kind</th><th class="num">old LR</th><th class="num">new LR</th><th>reason</th></tr></thead><tbody>
${events.map((ev) => `<tr><td class="num">${e(ev.epoch)}</td><td class="num">${e(ev.step)}</td><td>${e(ev.kind)}</td>${ev.oldLr === undefined ? '<td class="num">—</td>' : num(ev.oldLr)}${ev.newLr === undefined ? '<td class="num">—</td>' : num(ev.newLr)}<td>${e(ev.reason)}</td></tr>`).join('\n')}
</tbody></table></div></section>`
      : '',
    specDetails('Experiment specification', input.spec),
  ].join('\n');
  return documentHtml(input.title, body);
}

// ---------------------------------------------------------------------------
// LR range test report

/** The HTML document of an LR range test (findLr): the suggested LR, the three suggestions and the loss-vs-LR plot. */
export async function renderFinderReport(input: FinderReportInput): Promise<string> {
  const r = input.result;
  const chart = figure('lr-finder', finderChart(r),
    `<strong>LR range test.</strong> Loss of each minibatch (grey) and its debiased moving average (blue) while the LR grows exponentially, on a log LR axis. ` +
    `The rules mark the suggestions: <em>valley</em> (the suggested one, solid), <em>steepest</em> descent and <em>minimum/10</em>. Losses above the top edge are clipped.`);
  const rows: Array<[string, number, string]> = [
    ['valley', r.suggestions.valley, 'middle-to-late part of the longest falling stretch (fastai’s default)'],
    ['steepest', r.suggestions.steepest, 'where the smoothed loss falls fastest per unit of log LR'],
    ['minimum / 10', r.suggestions.minimum, 'the LR of the lowest smoothed loss, divided by 10'],
  ];
  const body = [
    headerHtml(input.title, input.subtitle, `${r.lrs.length} steps · LR from ${e(formatNumber(r.lrs[0]))} to ${e(formatNumber(r.lrs[r.lrs.length - 1]))}`),
    `<section class="cards" data-section="summary"><div class="card lead" data-section="suggestion"><h3>Suggested learning rate</h3>
<p class="headline"><strong>${e(formatNumber(r.suggested))}</strong></p>
<p>Start training around this LR; a sweep over a decade on each side of it confirms it.${r.stoppedEarly ? ' The test stopped early because the loss exploded.' : ''}</p></div>
<div class="card"><h3>Suggestions</h3><div class="table-wrap"><table data-table="suggestions"><thead><tr><th>method</th><th class="num">LR</th><th>meaning</th></tr></thead><tbody>
${rows.map(([k, v, m]) => `<tr${v === r.suggested ? ' class="best"' : ''}><td>${e(k)}</td>${num(v)}<td>${e(m)}</td></tr>`).join('\n')}
</tbody></table></div></div></section>`,
    `<section data-section="curves"><h2>Loss against learning rate</h2>${chart}</section>`,
    specDetails('Specification', input.spec),
  ].join('\n');
  return documentHtml(input.title, body);
}
