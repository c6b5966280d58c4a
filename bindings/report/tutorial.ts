/**
 * The report of `lrlab tutorial`: one HTML page, one section per experiment
 * of the learning-rate tutorial. Each section has the tutorial's small
 * multiples (one panel per value: train and test accuracy per epoch), the LR
 * path where the LR moves, lrlab's diagnosis of every curve, and a sentence
 * on what the figure shows, written from the results.
 */
import { diagnoseCurve } from '../diagnostics/index.js';
import { maxOf, minOf } from '../extent.js';
import type { Diagnosis, TrialResult } from '../sweep/types.js';
import type { TutorialSectionResult } from '../tutorial/experiments.js';
import { accuracyGridChart, lossGridChart, scheduleChart, type Chart } from './charts.js';
import { smallMultiples } from './svg/grid.js';
import { line, marks } from './svg/marks.js';
import { linearScale } from './svg/scale.js';
import { COLORS } from './svg/theme.js';
import { badge, documentHtml, figure, headerHtml, specDetails } from './html.js';
import { axisNamer, escapeHtml as e, formatMs, formatNumber, formatPercent, formatValue } from './util.js';

export interface TutorialReportInput {
  sections: TutorialSectionResult[];
  epochs: number;
  repeats: number;
  /** Wall time of all trials. */
  timeMs: number;
  /** Where they ran, e.g. "a pool of 2 worker threads". */
  where: string;
  base: unknown;
}

interface Row {
  result: TrialResult;
  value: unknown;
  diagnosis: Diagnosis | null;
  trainAccuracy: number | null;
  testAccuracy: number | null;
}

const last = (xs: number[] | undefined): number | null => (xs && xs.length ? xs[xs.length - 1] : null);

/** Each trial's diagnosis, against the best final test loss of its section (as analyzeSweep does for a sweep). */
function rowsOf(section: TutorialSectionResult): Row[] {
  const axis = section.axis!;
  const finals = section.results.map((r) => last(r.history?.valLoss) ?? NaN).filter(Number.isFinite);
  const referenceLoss = finals.length ? minOf(finals) : undefined;
  const best = bestResult(section.results);
  return section.results.map((result) => {
    const value = result.params[axis];
    const aboveBest = axis === 'optimizer.lr' && best !== null && (value as number) > (best.params[axis] as number);
    return {
      result, value,
      diagnosis: result.history ? diagnoseCurve(result.history, { referenceLoss, aboveBest }) : null,
      trainAccuracy: last(result.history?.accuracy),
      testAccuracy: last(result.history?.valAccuracy),
    };
  });
}

/** The trial with the highest final test accuracy (the first of equals). */
function bestResult(results: TrialResult[]): TrialResult | null {
  let best: TrialResult | null = null;
  for (const r of results) {
    const acc = last(r.history?.valAccuracy);
    if (acc !== null && (best === null || acc > last(best.history?.valAccuracy)!)) best = r;
  }
  return best;
}

/** "good: 0.1, 0.01; too slow: 1e-5, 1e-6" — the values under each label, in sweep order. */
function labelSummary(rows: Row[]): string {
  const groups = new Map<string, string[]>();
  for (const row of rows) {
    const label = row.diagnosis?.label.replace('_', ' ') ?? row.result.status;
    const values = groups.get(label) ?? [];
    const v = formatValue(row.value);
    if (!values.includes(v)) values.push(v);
    groups.set(label, values);
  }
  return [...groups].map(([label, values]) => `${label}: ${values.join(', ')}`).join('; ');
}

/** The sentence under a section's figure: what the curves did, from the numbers. */
function finding(section: TutorialSectionResult, rows: Row[]): string {
  const name = axisNamer([section.axis!])(section.axis!);
  const best = bestResult(section.results);
  const parts: string[] = [];
  if (best) {
    parts.push(`The highest final test accuracy is ${formatPercent(last(best.history?.valAccuracy))} at ${name} = ${formatValue(best.params[section.axis!])}`);
  }
  const spread = rows.map((r) => r.testAccuracy).filter((a): a is number => a !== null);
  if (spread.length) parts.push(`final test accuracies range from ${formatPercent(minOf(spread))} to ${formatPercent(maxOf(spread))}`);
  if (section.id === 'plateau') {
    parts.push(rows.filter((r) => r.result.repeat === 0).map((r) => {
      const cuts = r.result.history?.events.filter((ev) => ev.kind === 'lr').length ?? 0;
      return `patience ${formatValue(r.value)} cut the LR ${cuts}× to ${formatNumber(last(r.result.history?.lr), 2)}`;
    }).join(', '));
  }
  if (section.id === 'decay') {
    parts.push(rows.filter((r) => r.result.repeat === 0).map((r) => `decay ${formatValue(r.value)} ends at lr ${formatNumber(last(r.result.history?.stepLr ?? r.result.history?.lr), 2)}`).join(', '));
  }
  parts.push(`lrlab's diagnoses: ${labelSummary(rows)}`);
  return `${parts.join('; ')}.`;
}

function diagnosisTable(section: TutorialSectionResult, rows: Row[]): string {
  const name = axisNamer([section.axis!])(section.axis!);
  const repeats = rows.some((r) => r.result.repeat > 0);
  const body = rows.map((r) => `<tr><td class="param">${e(formatValue(r.value))}</td>${repeats ? `<td class="num">${r.result.repeat}</td>` : ''}` +
    `<td>${r.diagnosis ? badge(r.diagnosis.label) : badge('failed', r.result.status)}</td>` +
    `<td class="num">${e(formatPercent(r.trainAccuracy))}</td><td class="num">${e(formatPercent(r.testAccuracy))}</td>` +
    `<td class="reason">${e(r.diagnosis?.reason ?? r.result.error ?? '')}</td></tr>`).join('\n');
  return `<div class="table-wrap"><table data-table="${e(section.id)}-diagnoses"><thead><tr><th>${e(name)}</th>${repeats ? '<th class="num">repeat</th>' : ''}` +
    `<th>diagnosis</th><th class="num">train acc.</th><th class="num">test acc.</th><th>why</th></tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

/** Section 3: one panel per decay, the LR of each update (linear y, as the tutorial plots it). */
function formulaChart(formula: { decay: number; lrs: number[] }[]): Chart {
  const label = (decay: number) => formatValue(decay);
  const updates = maxOf(formula.map((f) => f.lrs.length - 1));
  const x = linearScale([0, Math.max(1, updates)], [0, 200], { ticks: 4, minStep: 1 });
  const y = linearScale([0, 0.01], [130, 0], { ticks: 4, format: (v) => v.toFixed(3) });
  const byLabel = new Map(formula.map((f) => [label(f.decay), f.lrs]));
  return smallMultiples({
    title: 'The inverse-time decay of the LR, one panel per decay',
    cols: formula.map((f) => label(f.decay)), rows: [], colTitle: 'decay', rowTitle: '', wrap: 4,
    cellWidth: 200, cellHeight: 130, x, y, xTitle: 'update', yTitle: 'learning rate', xGrid: true,
    cell: (col) => marks('line', line(byLabel.get(col)!.map((lr, t) => [x(t), y(lr)]), { color: COLORS.train, width: 1.8, series: `decay ${col}` })),
  });
}

function sectionHtml(section: TutorialSectionResult): string {
  const head = `<section data-section="${e(section.id)}"><h2>${e(section.title)}</h2><p class="note">${e(section.setup)}</p>`;
  if (section.axis === null) {
    const formula = section.formula!;
    const ends = formula.map((f) => `decay ${formatValue(f.decay)}: ${formatNumber(f.lrs[f.lrs.length - 1], 3)}`).join(', ');
    const chart = figure(`${section.id}-lr`, formulaChart(formula),
      `<strong>lr₀ / (1 + decay · t)</strong>, lr₀ = 0.01, one panel per decay. After ${formula[0].lrs.length} updates the LR is ${e(ends)}.`);
    return `${head}${chart}<p class="finding">${e(`The larger the decay, the sooner the LR falls: after ${formula[0].lrs.length} updates it is ${ends}.`)}</p></section>`;
  }
  const rows = rowsOf(section);
  const input = { results: section.results, axes: [section.axis], axis: section.axis, bestTrialId: bestResult(section.results)?.id ?? null };
  const name = axisNamer([section.axis])(section.axis);
  const figures = [
    figure(`${section.id}-accuracy`, accuracyGridChart(input),
      `<strong>Accuracy per epoch, one panel per ${e(name)}.</strong> Train solid, test dashed (the test half is the validation data, as in the tutorial).`),
  ];
  if (section.id === 'plateau') {
    figures.push(figure(`${section.id}-loss`, lossGridChart(input), `<strong>Loss per epoch, one panel per patience.</strong> Train solid, test dashed.`));
  }
  if (section.id === 'decay' || section.id === 'plateau') {
    figures.push(figure(`${section.id}-lr`, scheduleChart(input),
      `<strong>The learning rate</strong> ${section.id === 'decay' ? 'of every update' : 'of each epoch (an LR cut to 0 leaves the log scale)'}, one line per ${e(name)}.`));
  }
  return `${head}${figures.join('\n')}<p class="finding">${e(finding(section, rows))}</p>${diagnosisTable(section, rows)}</section>`;
}

export async function renderTutorialReport(input: TutorialReportInput): Promise<string> {
  const trials = input.sections.reduce((n, s) => n + s.results.length, 0);
  const sections = [];
  for (const section of input.sections) sections.push(sectionHtml(section));
  const body = [
    headerHtml('The learning-rate tutorial, run with lrlab',
      "make_blobs(1000, centers=3, n_features=2, cluster_std=2, random_state=2) as scikit-learn draws it; first 500 rows train, last 500 test; Dense(50, relu, he_uniform) → Dense(3, softmax); batch 32; Keras's optimizer defaults",
      `${trials} runs of ${input.epochs} epochs${input.repeats > 1 ? ` (${input.repeats} repeats per value)` : ''} in ${e(formatMs(input.timeMs))} on ${e(input.where)}`),
    ...sections,
    specDetails('The shared experiment specification', input.base),
  ].join('\n');
  return documentHtml('The learning-rate tutorial, run with lrlab', body);
}
