/**
 * The report of recommendLr: the advice in a sentence, the evidence as a table
 * and a chart (the objective per tried LR, mean ± spread over seeds, diverged
 * LRs marked), and the range test's curve. Self-contained HTML, inline SVG.
 */
import { CHART_CONFIG, finderSpec, renderChart, type VegaLiteSpec } from '../report/charts.js';
import { escapeHtml as e, formatNumber } from '../report/util.js';
import type { Recommendation } from './recommend.js';
import { maxOf, minOf } from '../extent.js';

/** The objective against the LR: one point per LR with its spread, the chosen LR ringed, the range shaded. */
export function evidenceSpec(rec: Recommendation): VegaLiteSpec {
  const finite = rec.evidence.lrs.filter((x) => Number.isFinite(x.mean));
  const points = finite.map((x) => ({ lr: x.lr, mean: x.mean, lo: x.mean - x.std, hi: x.mean + x.std, n: x.values.length, chosen: x.lr === rec.lr }));
  const ceiling = maxOf(points.map((p) => p.hi)) * 1.05;
  const crosses = rec.evidence.lrs.filter((x) => !Number.isFinite(x.mean)).map((x) => ({ lr: x.lr, y: ceiling }));
  const lrs = rec.evidence.lrs.map((x) => x.lr);
  const x = { field: 'lr', type: 'quantitative', title: 'learning rate (log scale)', scale: { type: 'log', domain: [minOf(lrs) / 1.5, maxOf(lrs) * 1.5], nice: false } };
  const title = rec.objective === 'final' ? 'final validation loss' : 'best-epoch validation loss';
  const y = { field: 'mean', type: 'quantitative', title, scale: { zero: false } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: 640, height: 300, config: CHART_CONFIG,
    layer: [
      { data: { values: [{ a: rec.range[0], b: rec.range[1] }] }, mark: { type: 'rect', color: '#1a7f37', opacity: 0.12 }, encoding: { x: { ...x, field: 'a' }, x2: { field: 'b' } } },
      { data: { values: points }, mark: { type: 'rule', color: '#57606a' }, encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' } } },
      { data: { values: points }, mark: { type: 'line', color: '#0969da', point: { filled: true, size: 50 } }, encoding: { x, y } },
      { data: { values: points.filter((p) => p.chosen) }, mark: { type: 'point', size: 300, strokeWidth: 2, color: '#1a7f37' }, encoding: { x, y } },
      ...(crosses.length ? [{ data: { values: crosses }, mark: { type: 'point', shape: 'cross', size: 120, color: '#cf222e' }, encoding: { x, y: { field: 'y', type: 'quantitative' } } }] : []),
    ],
  };
}

export async function renderRecommendReport(rec: Recommendation, title = 'Recommended learning rate'): Promise<string> {
  const evidence = await renderChart(evidenceSpec(rec));
  const finder = rec.evidence.finder ? finderSpec({ ...rec.evidence.finder, suggested: rec.evidence.finder.suggestions.valley }) : null;
  const finderSvg = finder ? await renderChart(finder) : '';
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
<figure>${evidence}<figcaption>Mean ${e(rec.objective)} validation loss of each LR over its seeds (bars: ± one standard deviation), the chosen LR ringed, the range shaded, ✕ where a run diverged. Every run trained for the full number of epochs.</figcaption></figure>
<table data-table="evidence"><thead><tr><th>lr</th><th>stage</th><th>runs</th><th>mean</th><th>std</th><th>diverged</th><th>epochs</th></tr></thead><tbody>
${rows}
</tbody></table>
<p>Cost: ${rec.cost.epochs} epochs of a budget of ${rec.cost.budget} (${rec.cost.runs} runs; the range test ${rec.cost.rangeTestEpochs} epochs).</p>
${finderSvg ? `<h2>The range test (the search's starting point)</h2><figure>${finderSvg}<figcaption>Loss per minibatch while the LR grows, at the training batch size ${rec.evidence.finder!.batchSize}; its valley ${e(formatNumber(rec.evidence.prior))} centred the search.</figcaption></figure>` : ''}
</main></body></html>
`;
}
