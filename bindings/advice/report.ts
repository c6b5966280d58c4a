/**
 * The report of recommendLr: the advice in a sentence, the evidence as a table
 * and a chart (the objective per tried LR, mean ± spread over its runs, the
 * smooth fit the choice is read from, diverged LRs marked), and the range
 * test's curve. Self-contained HTML, inline SVG.
 */
import { chartSvg, type Chart } from '../report/charts.js';
import { finderChart } from '../report/finder-chart.js';
import { label, line, marks, rect, rule, symbol } from '../report/svg/marks.js';
import { plot } from '../report/svg/plot.js';
import { linearScale, logScale } from '../report/svg/scale.js';
import { escapeHtml as e, formatNumber } from '../report/util.js';
import type { Recommendation } from './recommend.js';
import { maxOf, minOf } from '../extent.js';

/** The objective against the LR: one point per LR with its spread, the chosen LR ringed, the range shaded, ✕ where a run diverged. */
export function evidenceChart(rec: Recommendation): Chart {
  const width = 640, height = 300;
  const points = rec.evidence.lrs.filter((x) => Number.isFinite(x.mean)).sort((a, b) => a.lr - b.lr);
  const lows = points.map((p) => p.mean - p.std), highs = points.map((p) => p.mean + p.std);
  const top = points.length ? maxOf(highs) * 1.05 : 1;
  const bottom = points.length ? minOf(lows) : 0;
  const span = top - bottom || Math.abs(top) || 1;
  const lrs = rec.evidence.lrs.map((x) => x.lr);
  const x = logScale([minOf(lrs) / 1.5, maxOf(lrs) * 1.5], [0, width]);
  const y = linearScale([bottom - span * 0.05, top], [height, 0], { ticks: 6 });
  const band = rect(x(rec.range[0]), 0, x(rec.range[1]) - x(rec.range[0]), height, { fill: '#1a7f37', opacity: 0.12 });
  const bars = points.map((p) => rule(x(p.lr), y(p.mean - p.std), x(p.lr), y(p.mean + p.std), { color: '#57606a' })).join('');
  const path = line(points.map((p) => [x(p.lr), y(p.mean)]), { color: '#0969da', width: 2, series: 'mean' });
  // The smooth fit over every run that the choice was read from, inside the plotted loss range.
  const { fit } = rec.evidence;
  const fitted = line(fit.lrs.map((lr, i) => [x(lr), fit.values[i]! <= top && fit.values[i]! >= bottom - span * 0.05 ? y(fit.values[i]!) : NaN]),
    { color: '#1a7f37', width: 2, dash: '5 3', series: 'fit' });
  let dots = points.map((p) => symbol(x(p.lr), y(p.mean), 'circle', 4, { fill: '#0969da' })).join('');
  const tried = points.find((p) => p.lr === rec.lr);
  if (tried) dots += symbol(x(tried.lr), y(tried.mean), 'circle', 9.8, { stroke: '#1a7f37', strokeWidth: 2 });
  // The choice usually lies between two tried LRs: a rule marks it.
  const chosen = tried ? '' : rule(x(rec.lr), 0, x(rec.lr), height, { color: '#1a7f37', width: 2, dash: '6 3' }) +
    label(x(rec.lr) + 4, 4, `lr = ${formatNumber(rec.lr)}`, { color: '#1a7f37' });
  for (const d of rec.evidence.lrs) if (!Number.isFinite(d.mean)) dots += symbol(x(d.lr), 0, 'cross', 6, { fill: '#cf222e' });
  return plot({
    title: 'Validation loss of each learning rate tried', width, height, x, y,
    xTitle: 'learning rate (log scale)', yTitle: rec.objective === 'final' ? 'final validation loss' : 'best-epoch validation loss',
    body: band + marks('rule', bars) + marks('line', path + fitted) + marks('symbol', dots), overlay: marks('text', chosen),
  });
}

export async function renderRecommendReport(rec: Recommendation, title = 'Recommended learning rate'): Promise<string> {
  const evidence = chartSvg(evidenceChart(rec), 'chart-evidence');
  const finder = rec.evidence.finder ? finderChart({ ...rec.evidence.finder, suggested: rec.evidence.finder.suggestions.valley }) : null;
  const finderSvg = finder ? chartSvg(finder, 'chart-range-test') : '';
  const rows = rec.evidence.lrs.map((x) => `<tr${x.lr === rec.lr ? ' class="best"' : ''}><td class="num">${e(formatNumber(x.lr))}</td><td>${e(x.stage)}</td>` +
    `<td class="num">${x.values.length}</td><td class="num">${Number.isFinite(x.mean) ? e(formatNumber(x.mean)) : 'diverged'}</td>` +
    `<td class="num">${x.values.length > 1 ? e(formatNumber(x.std)) : '—'}</td><td class="num">${x.diverged}</td><td class="num">${x.epochs}</td></tr>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="generator" content="lrlab"><title>${e(title)}</title>
<style>body{font:15px/1.45 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1f2328}
table{border-collapse:collapse}td,th{padding:.2rem .6rem;border-bottom:1px solid #d0d7de}.num{text-align:right;font-variant-numeric:tabular-nums}
tr.best{background:#dafbe1}.headline{font-size:1.6rem}</style></head>
<body><main>
<h1>${e(title)}</h1>
<p class="headline" data-section="lr"><strong>lr = ${e(formatNumber(rec.lr))}</strong> (range ${e(formatNumber(rec.range[0]))} – ${e(formatNumber(rec.range[1]))}), objective: ${e(rec.objective)} validation loss</p>
<p data-section="explanation">${e(rec.explanation)}</p>
<h2>Evidence: every learning rate tried</h2>
<figure>${evidence}<figcaption>Mean ${e(rec.objective)} validation loss of each LR over its runs (bars: ± one standard deviation where it has several), the smooth fit over all runs that the choice is read from dashed, the chosen LR ringed (a dashed line where it lies between the LRs tried), the range shaded, ✕ where a run diverged. Every run trained for the full number of epochs.</figcaption></figure>
<table data-table="evidence"><thead><tr><th>lr</th><th>stage</th><th>runs</th><th>mean</th><th>std</th><th>diverged</th><th>epochs</th></tr></thead><tbody>
${rows}
</tbody></table>
<p>Cost: ${rec.cost.epochs} epochs of a budget of ${rec.cost.budget} (${rec.cost.runs} runs; the range test ${rec.cost.rangeTestEpochs} epochs).</p>
${finderSvg ? `<h2>The range test (the search's starting point)</h2><figure>${finderSvg}<figcaption>Loss per minibatch while the LR grows, at the training batch size ${rec.evidence.finder!.batchSize}; its valley ${e(formatNumber(rec.evidence.prior))} centred the search.</figcaption></figure>` : ''}
</main></body></html>
`;
}
