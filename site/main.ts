/**
 * The learning-rate playground: reads the settings into an ExperimentSpec,
 * trains it live (loss, accuracy, LR and the decision boundary redrawn while it
 * trains), runs LR sweeps in Web Workers and the LR range test. Bundled as
 * main.js next to the library bundle lrlab.js (see scripts/build-browser.ts).
 */
import * as lrlab from '../bindings/browser/index.js';
import {
  Model, WebWorkerExecutor, analyzeSweep, recommendLr, buildSchedule, findLr, hardwareConcurrency, loadData, loadWasm, normalizeOptimizer,
  preprocessingOf, runExperiment, runSweep, scheduleValues, standardize, trainTestSplit, validateSweep,
  type Dataset, type ExperimentSpec, type FindLrResult, type History, type OptimizerName, type Standardization,
  type SweepAnalysis, type TrialResult,
} from '../bindings/browser/index.js';
import type { Recommendation } from '../bindings/browser/index.js';
import { boundsOf, drawBoundary, gridInputs, type Scene } from './boundary.js';
import { offerDownloads, wireDownloads } from './download.js';
import { formatNumber, formatPercent, lineChart, maxOf, minOf, rampColor, type Series } from './plot.js';
import {
  CLASSES, DEFAULT_NOISE, DEFAULT_SETTINGS, MOMENTUM_OPTIMIZERS, SCHEDULES, experimentSpec, stepsPerEpoch,
  type DatasetName, type ScheduleChoice, type Settings,
} from './spec.js';

const COLORS = { train: '#1f5fa8', validation: '#d1560c', lr: '#6639ba', plan: '#8c959f', bad: '#c62828', good: '#1a7f37', steep: '#0969da', min: '#8250df' };
const NOISE_HINTS: Record<DatasetName, string> = {
  blobs: 'Standard deviation of each cluster (centres lie in a ±10 box).',
  moons: 'Gaussian noise on each coordinate.',
  circles: 'Gaussian noise on each coordinate (inner circle at half the radius).',
  spiral: 'Noise on the angle of each point, in radians.',
};

// ---------------------------------------------------------------------------
// Controls

const el = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const found = document.getElementById(id);
  if (!found) throw new Error(`playground: #${id} is missing from the page`);
  return found as T;
};
const input = (id: string) => el<HTMLInputElement>(id);
const select = (id: string) => el<HTMLSelectElement>(id);

function numberOf(id: string, fallback: number, min: number, max: number, integer = false): number {
  const v = Number(input(id).value);
  if (!Number.isFinite(v)) return fallback;
  const clamped = Math.min(max, Math.max(min, v));
  return integer ? Math.round(clamped) : clamped;
}

export function readSettings(): Settings {
  const d = DEFAULT_SETTINGS;
  const dataset = select('dataset').value as DatasetName;
  return {
    dataset,
    samples: Number(select('samples').value),
    noise: numberOf('noise', DEFAULT_NOISE[dataset], 0, 10),
    hidden: select('hidden').value.split(',').map(Number),
    activation: select('activation').value as Settings['activation'],
    optimizer: select('optimizer').value as OptimizerName,
    lr: numberOf('lr', d.lr, 1e-6, 10),
    momentum: numberOf('momentum', d.momentum, 0, 0.99),
    batchSize: Number(select('batch').value),
    epochs: numberOf('epochs', d.epochs, 1, 2000, true),
    schedule: select('schedule').value as ScheduleChoice,
    plateau: input('plateau').checked,
    plateauFactor: Number(select('plateau-factor').value),
    plateauPatience: numberOf('plateau-patience', d.plateauPatience, 0, 100, true),
    seed: numberOf('seed', d.seed, 0, 0xffffffff, true),
  };
}

/** 3 significant digits: what the slider sets and the page shows. */
const tidyLr = (lr: number) => Number(lr.toPrecision(3));

function setLr(lr: number, from?: 'slider' | 'number'): void {
  const value = tidyLr(Math.min(10, Math.max(1e-6, lr)));
  if (from !== 'number') input('lr').value = String(value);
  if (from !== 'slider') input('lr-slider').value = String(Math.log10(value));
  input('lr-slider').setAttribute('aria-valuetext', formatNumber(value, 3));
  el('lr-output').textContent = formatNumber(value, 3);
}

function syncEnabled(): void {
  const s = readSettings();
  const momentum = MOMENTUM_OPTIMIZERS.includes(s.optimizer);
  input('momentum').disabled = !momentum;
  el('momentum-output').textContent = momentum ? String(s.momentum) : 'n/a';
  select('plateau-factor').disabled = !s.plateau;
  input('plateau-patience').disabled = !s.plateau;
  el('noise-hint').textContent = NOISE_HINTS[s.dataset];
}

function wireControls(): void {
  const schedule = select('schedule');
  for (const [value, label] of Object.entries(SCHEDULES)) schedule.add(new Option(label, value, value === 'constant', value === 'constant'));
  input('lr-slider').addEventListener('input', () => { setLr(10 ** Number(input('lr-slider').value), 'slider'); changed(); });
  input('lr').addEventListener('change', () => { const v = Number(input('lr').value); if (v > 0) setLr(v, 'number'); else setLr(readSettings().lr); changed(); });
  input('momentum').addEventListener('input', () => { el('momentum-output').textContent = input('momentum').value; changed(); });
  select('optimizer').addEventListener('change', () => {
    setLr(normalizeOptimizer({ name: select('optimizer').value as OptimizerName }).lr * (select('optimizer').value === 'sgd' ? 5 : 1));
    changed();
  });
  select('dataset').addEventListener('change', () => { input('noise').value = String(DEFAULT_NOISE[select('dataset').value as DatasetName]); changed(); });
  el('controls').addEventListener('change', changed);
  el('controls').addEventListener('submit', (event) => { event.preventDefault(); void run('train', train); });
  el('sweep').addEventListener('click', () => void run('sweep', sweep));
  el('find').addEventListener('click', () => void run('find', find));
  el('recommend').addEventListener('click', () => void run('recommend', recommend));
  el('use-advice').addEventListener('click', () => { if (advisedLr) { setLr(advisedLr); changed(); input('lr-slider').focus(); } });
  el('stop').addEventListener('click', () => busy?.controller.abort());
  document.addEventListener('keydown', (event) => { if (event.key === 'Escape' && busy) busy.controller.abort(); });
  el('use-best').addEventListener('click', () => { if (recommendedLr) { setLr(recommendedLr); changed(); input('lr-slider').focus(); } });
  el('use-suggested').addEventListener('click', () => { if (suggestedLr) { setLr(suggestedLr); changed(); input('lr-slider').focus(); } });
  wireDownloads();
  setLr(DEFAULT_SETTINGS.lr);
  syncEnabled();
}

let previewToken = 0;
function changed(): void {
  syncEnabled();
  if (busy?.kind === 'train') return;
  const token = ++previewToken;
  // Coalesce a burst of slider events into one redraw per frame.
  requestAnimationFrame(() => { if (token === previewToken) void preview(); });
}

// ---------------------------------------------------------------------------
// Running one thing at a time

type Kind = 'train' | 'sweep' | 'find' | 'recommend';
const ACTIONS = ['train', 'sweep', 'find', 'recommend'];
let busy: { kind: Kind; controller: AbortController } | null = null;

async function run(kind: Kind, action: (signal: AbortSignal) => Promise<void>): Promise<void> {
  if (busy) return;
  const controller = new AbortController();
  busy = { kind, controller };
  const trigger = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  for (const id of ACTIONS) el<HTMLButtonElement>(id).disabled = true;
  el<HTMLButtonElement>('stop').disabled = false;
  // A keyboard user whose button was just disabled lands on Stop, and goes back to that button at the end.
  if (trigger && ACTIONS.includes(trigger.id)) el('stop').focus();
  const status = el(kind === 'find' ? 'finder-status' : `${kind}-status`);
  status.classList.remove('error');
  try {
    await action(controller.signal);
  } catch (error) {
    status.classList.add('error');
    status.textContent = error instanceof lrlab.LrlabError ? error.message : `Something went wrong: ${error instanceof Error ? error.message : String(error)}`;
    if (!(error instanceof lrlab.LrlabError)) console.error(error);
  } finally {
    busy = null;
    for (const id of ACTIONS) el<HTMLButtonElement>(id).disabled = false;
    el<HTMLButtonElement>('stop').disabled = true;
    if (document.activeElement === el('stop')) (trigger && ACTIONS.includes(trigger.id) ? trigger : el(kind)).focus();
    // Finished runs of each kind (for tests and automation): data-train-runs, data-sweep-runs, data-find-runs on <html>.
    const runs = document.documentElement.dataset;
    runs[`${kind}Runs`] = String(Number(runs[`${kind}Runs`] ?? 0) + 1);
  }
}

/** Resolves after the browser has painted (or at once when the page is hidden and paints nothing). */
function afterPaint(): Promise<void> {
  if (document.hidden) return Promise.resolve();
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

// ---------------------------------------------------------------------------
// Data, as runExperiment prepares it

interface Prepared {
  train: Dataset;
  test: Dataset;
  scene: Scene;
}

async function prepare(spec: ExperimentSpec): Promise<Prepared> {
  const data = await loadData(spec.data, 'experiment.data');
  const split = trainTestSplit(data, spec.split!);
  let train = split.train, test = split.test;
  let stats: Standardization | undefined;
  if (spec.standardize) {
    const s = standardize(train, test);
    ({ train } = s);
    test = s.test!;
    stats = { mean: s.mean, std: s.std };
  }
  const scene: Scene = { train: split.train, test: split.test, classes: CLASSES[readSettings().dataset], stats };
  return { train, test, scene };
}

// ---------------------------------------------------------------------------
// Train

interface LastRun { spec: ExperimentSpec; weights: Float32Array; history: History }
let lastRun: LastRun | null = null;

function plannedLr(spec: ExperimentSpec, settings: Settings): [number, number][] {
  const perEpoch = stepsPerEpoch(settings);
  const total = settings.epochs * perEpoch;
  const schedule = buildSchedule(spec.schedule ?? { name: 'constant' }, settings.lr, 'schedule', { totalSteps: total, totalEpochs: settings.epochs });
  const values = scheduleValues(schedule, { steps: total, stepsPerEpoch: perEpoch });
  const stride = Math.max(1, Math.floor(values.length / 800));
  const points: [number, number][] = [];
  for (let i = 0; i < values.length; i += stride) points.push([i / perEpoch, values[i]!]);
  points.push([settings.epochs, values[values.length - 1]!]);
  return points;
}

function drawCurves(history: History | null, spec: ExperimentSpec, settings: Settings): void {
  const epochs = spec.epochs;
  const h = history;
  const at = (ys: number[] | undefined): [number, number][] => (ys ?? []).map((y, i) => [(h!.epoch[i] ?? i) + 1, y]);
  const first = h?.loss.find(Number.isFinite) ?? NaN;
  const lossSeries: Series[] = h ? [
    { name: 'train', color: COLORS.train, points: at(h.loss), dots: h.loss.length < 3 },
    { name: 'validation', color: COLORS.validation, points: at(h.valLoss), dash: '6 3', dots: h.loss.length < 3 },
  ] : [];
  const last = h?.loss.length ? h.loss.length - 1 : -1;
  el('loss-chart').querySelector('.chart-box')!.innerHTML = lineChart({
    title: 'Loss', xLabel: 'epoch', height: 190, yLabel: 'loss (cross-entropy)', series: lossSeries, xDomain: [1, Math.max(2, epochs)], yScale: 'auto',
    yCeiling: Number.isFinite(first) ? first * 5 : undefined,
    description: h && last >= 0
      ? `Training loss from ${formatNumber(h.loss[0]!)} to ${formatNumber(h.loss[last]!)} over ${last + 1} epochs; validation loss now ${formatNumber(h.valLoss?.[last] ?? NaN)}.`
      : 'No training yet.',
  });
  el('acc-chart').querySelector('.chart-box')!.innerHTML = lineChart({
    title: 'Accuracy', xLabel: 'epoch', height: 190, yLabel: 'accuracy', xDomain: [1, Math.max(2, epochs)], yDomain: [0, 1], yFormat: (v) => `${Math.round(v * 100)}%`,
    series: h ? [
      { name: 'train', color: COLORS.train, points: at(h.accuracy), dots: h.loss.length < 3 },
      { name: 'validation', color: COLORS.validation, points: at(h.valAccuracy), dash: '6 3', dots: h.loss.length < 3 },
    ] : [],
    description: h && last >= 0
      ? `Training accuracy ${formatPercent(h.accuracy?.[last] ?? NaN)}, validation accuracy ${formatPercent(h.valAccuracy?.[last] ?? NaN)} after ${last + 1} epochs.`
      : 'No training yet.',
  });
  const perEpoch = stepsPerEpoch(settings);
  const plan = plannedLr(spec, settings);
  const actual: [number, number][] = (h?.stepLr ?? []).map((lr, i) => [i / perEpoch, lr]);
  const cuts = (h?.events ?? []).filter((e) => e.kind === 'lr').slice(0, 4)
    .map((e) => ({ x: e.epoch + 1, label: `÷${formatNumber((e.oldLr ?? 0) / (e.newLr ?? 1), 2)}`, color: COLORS.bad, dash: '3 3' }));
  el('lr-chart').querySelector('.chart-box')!.innerHTML = lineChart({
    title: 'Learning rate', xLabel: 'epoch', height: 190, yLabel: 'learning rate', xDomain: [0, Math.max(1, epochs)], yScale: 'auto',
    series: [
      { name: 'planned', color: COLORS.plan, points: plan, dash: '5 4', width: 1.6 },
      { name: 'as trained', color: COLORS.lr, points: actual, width: 2.2 },
    ],
    markers: cuts,
    description: `The schedule starts at ${formatNumber(plan[0]?.[1] ?? NaN)} and ends at ${formatNumber(plan.at(-1)?.[1] ?? NaN)}`
      + (cuts.length ? `; reduce-on-plateau cut it ${cuts.length} time(s).` : '.'),
  });
}

function showStats(h: History | null, epochs: number, ms?: number, steps?: number): void {
  const n = h?.loss.length ?? 0;
  const last = n - 1;
  el('stat-epoch').textContent = h ? `${n} / ${epochs}` : '—';
  el('stat-loss-start').textContent = n ? formatNumber(h!.loss[0]!, 4) : '—';
  el('stat-loss').textContent = n ? formatNumber(h!.loss[last]!, 4) : '—';
  el('stat-val-loss').textContent = n && h!.valLoss ? formatNumber(h!.valLoss[last]!, 4) : '—';
  el('stat-acc').textContent = n && h!.accuracy ? formatPercent(h!.accuracy[last]!) : '—';
  el('stat-val-acc').textContent = n && h!.valAccuracy ? formatPercent(h!.valAccuracy[last]!) : '—';
  el('stat-lr').textContent = h?.stepLr?.length ? formatNumber(h.stepLr[h.stepLr.length - 1]!, 3) : n ? formatNumber(h!.lr[last]!, 3) : '—';
  if (ms !== undefined && steps !== undefined) el('stat-speed').textContent = `${Math.round(steps / (ms / 1000)).toLocaleString('en')} steps/s`;
}

async function preview(): Promise<void> {
  const settings = readSettings();
  const spec = experimentSpec(settings);
  try {
    drawCurves(lastRun && sameSpec(lastRun.spec, spec) ? lastRun.history : null, spec, settings);
    const { scene } = await prepare(spec);
    if (busy?.kind === 'train') return;
    if (!(lastRun && sameSpec(lastRun.spec, spec))) drawBoundary(el<HTMLCanvasElement>('boundary'), scene, boundsOf([scene.train, scene.test!]), null);
  } catch (error) {
    if (!(error instanceof lrlab.LrlabError)) throw error;
    el('train-status').textContent = error.message;
  }
}

const sameSpec = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

async function train(signal: AbortSignal): Promise<void> {
  const settings = readSettings();
  const spec = experimentSpec(settings);
  const status = el('train-status');
  status.textContent = 'Training…';
  const { train: trainSet, test, scene } = await prepare(spec);
  // As runExperiment does: same model, same fit options, so Node reproduces the weights bit for bit.
  const model = await Model.create({ model: spec.model, optimizer: spec.optimizer, seed: spec.seed, backend: spec.backend });
  model.preprocessing = preprocessingOf(scene.train, scene.stats); // what runExperiment records, so the download scores raw points
  offerDownloads(null);
  const canvas = el<HTMLCanvasElement>('boundary');
  const bounds = boundsOf([scene.train, scene.test!]);
  const grid = gridInputs(bounds, scene.stats);
  // Animated: about 120 frames whatever the epochs, each painted before training goes on. Otherwise: a frame every 100 ms.
  const animate = input('animate').checked;
  const every = Math.max(1, Math.floor(spec.epochs / 120));
  let lastDraw = 0, lastBoundary = 0, paused = 0;
  const started = performance.now();
  const history = await model.fit(trainSet, {
    epochs: spec.epochs, batchSize: spec.batchSize, shuffle: spec.shuffle, validationSplit: spec.validationSplit,
    validationData: spec.validationSplit === undefined ? test : undefined,
    schedule: spec.schedule, plateau: spec.plateau, earlyStopping: spec.earlyStopping, divergence: spec.divergence,
    recordStepLr: spec.recordStepLr, signal,
    callbacks: {
      async onEpochEnd(epoch, _logs, ctx) {
        const now = performance.now();
        const due = animate ? (epoch + 1) % every === 0 : now - lastDraw >= 100;
        if (document.hidden || !due || epoch === spec.epochs - 1) return;
        const t0 = performance.now();
        drawCurves(ctx.history, spec, settings);
        showStats(ctx.history, spec.epochs);
        if (now - lastBoundary > (animate ? 30 : 200)) {
          drawBoundary(canvas, scene, bounds, model.predict(grid));
          lastBoundary = now;
        }
        status.textContent = `Training… epoch ${epoch + 1} of ${spec.epochs}`;
        await afterPaint();
        lastDraw = performance.now();
        paused += lastDraw - t0;
      },
    },
  });
  const ms = performance.now() - started - paused;
  const steps = history.loss.length * stepsPerEpoch(settings);
  lastRun = { spec, weights: model.getWeights(), history };
  offerDownloads(model);
  drawCurves(history, spec, settings);
  showStats(history, spec.epochs, ms, steps);
  const probs = model.predict(grid);
  drawBoundary(canvas, scene, bounds, probs);
  const test_ = model.evaluate(test);
  canvas.setAttribute('aria-label', `Decision boundary after ${history.loss.length} epochs: test accuracy ${formatPercent(test_.accuracy ?? NaN)} on ${test.x.rows} test points in ${scene.classes} classes.`);
  const last = history.loss.length - 1;
  const summary = `final loss ${formatNumber(history.loss[last] ?? NaN, 3)}, validation loss ${formatNumber(history.valLoss?.[last] ?? NaN, 3)}, test accuracy ${formatPercent(test_.accuracy ?? NaN)}`;
  status.textContent = history.status === 'completed' ? `Done: ${history.loss.length} epochs (${formatMs(ms)} of compute); ${summary}.`
    : history.status === 'diverged' ? `Diverged at epoch ${last + 1}: the loss blew up. The learning rate is too high for this setup; try a smaller one.`
      : history.status === 'aborted' ? `Stopped after ${history.loss.length} epochs; ${summary}.`
        : `Stopped early after ${history.loss.length} epochs (${history.events.at(-1)?.reason ?? 'stopped'}); ${summary}.`;
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

// ---------------------------------------------------------------------------
// Sweep

let executor: WebWorkerExecutor | null = null;
let bestLr: number | null = null;
let recommendedLr: number | null = null;
interface LastSweep { results: TrialResult[]; analysis: SweepAnalysis; workers: number; ms: number }
let lastSweep: LastSweep | null = null;

const lrOf = (r: TrialResult) => r.params['optimizer.lr'] as number;

function drawPerLr(results: TrialResult[], count: number, epochs: number): void {
  const sorted = [...results].sort((a, b) => lrOf(a) - lrOf(b));
  const all = sorted.map((r) => lrOf(r));
  const lo = minOf(all), hi = maxOf(all);
  const t = (lr: number) => (hi > lo ? Math.log(lr / lo) / Math.log(hi / lo) : 0);
  const series: Series[] = sorted.filter((r) => r.history).map((r) => ({
    name: formatNumber(lrOf(r), 2), color: rampColor(t(lrOf(r))), width: 1.8,
    points: (r.history!.valLoss ?? r.history!.loss).map((y, i) => [i + 1, y] as [number, number]),
  }));
  const firsts = sorted.map((r) => r.history?.valLoss?.[0] ?? r.history?.loss[0]).filter((x): x is number => Number.isFinite(x));
  const ceiling = firsts.length ? maxOf(firsts) * 3 : undefined;
  const box = el('curves-chart').querySelector('.chart-box')!;
  box.innerHTML = lineChart({
    title: `Validation loss per learning rate (${results.length} of ${count})`, xLabel: 'epoch', yLabel: 'validation loss', series, legend: false,
    xDomain: [1, Math.max(2, epochs)], yScale: 'auto', yCeiling: ceiling,
    description: `${results.length} trials so far, learning rates ${formatNumber(lo, 2)} to ${formatNumber(hi, 2)}.`,
  }) + `<ul class="swatches" aria-label="Learning rates">${series.map((s) => `<li><span style="background:${s.color}"></span>${s.name}</li>`).join('')}</ul>`;
}

function drawU(analysis: SweepAnalysis, results: TrialResult[]): void {
  const points = analysis.sensitivity.filter((p) => Number.isFinite(p.x));
  const healthy = points.filter((p) => p.diverged === 0 && Number.isFinite(p.finalLoss.mean));
  const maxY = healthy.length ? maxOf(healthy.map((p) => p.finalLoss.mean)) : 1;
  const ceiling = maxY * 1.5;
  const best = results.find((r) => r.id === analysis.bestTrialId);
  const bestPoint = best && points.find((p) => p.x === lrOf(best));
  const current = readSettings().lr;
  el('u-chart').querySelector('.chart-box')!.innerHTML = lineChart({
    title: 'Sensitivity to the learning rate (the U curve)', xLabel: 'learning rate (log scale)', yLabel: 'final validation loss', xLog: true, yScale: 'auto', yCeiling: ceiling,
    xDomain: [minOf(points.map((p) => p.x)) / 1.6, maxOf(points.map((p) => p.x)) * 1.6],
    series: [
      { name: 'final loss', color: '#0072b2', points: points.filter((p) => p.diverged === 0).map((p) => [p.x, p.finalLoss.mean]), dots: true, width: 2.4 },
      { name: 'best loss', color: '#0072b2', points: points.map((p) => [p.x, p.bestLoss.mean]), dash: '6 3', width: 1.5 },
    ],
    crosses: points.filter((p) => p.diverged > 0).map((p) => ({ x: p.x, y: ceiling, color: COLORS.bad })),
    rings: bestPoint ? [{ x: bestPoint.x, y: bestPoint.finalLoss.mean, label: 'best' }] : [],
    band: analysis.recommended ? { lo: analysis.recommended.low / 1.15, hi: analysis.recommended.high * 1.15, label: 'recommended', color: COLORS.good } : undefined,
    markers: [{ x: current, label: `current ${formatNumber(current, 2)}`, color: '#57606a', dash: '2 3' }],
    description: `${points.length} learning rates; ${points.filter((p) => p.diverged > 0).length} diverged.`
      + (bestPoint ? ` Lowest final validation loss ${formatNumber(bestPoint.finalLoss.mean)} at LR ${formatNumber(bestPoint.x, 2)}.` : ''),
  });
}

async function sweep(signal: AbortSignal): Promise<void> {
  const settings = readSettings();
  const base = experimentSpec(settings);
  delete base.recordStepLr;
  const from = numberOf('sweep-from', 1e-4, 1e-6, 10), to = numberOf('sweep-to', 3, 1e-6, 10), count = numberOf('sweep-count', 10, 2, 24, true);
  const spec = validateSweep({ name: 'playground', base, axes: { 'optimizer.lr': { log: { from: Math.min(from, to), to: Math.max(from, to), count } } } });
  executor ??= new WebWorkerExecutor();
  const workers = Math.min(executor.concurrency, count);
  const status = el('sweep-status');
  status.textContent = `Training ${count} models in ${workers} Web Worker${workers === 1 ? '' : 's'}…`;
  el<HTMLButtonElement>('use-best').disabled = true;
  const started = performance.now();
  const done: TrialResult[] = [];
  let lastDraw = 0;
  const results = await runSweep(spec, {
    executor, signal,
    onResult({ done: n, total, result }) {
      done.push(result);
      status.textContent = `Training ${total} models in ${workers} Web Worker${workers === 1 ? '' : 's'}… ${n} of ${total} done`;
      const now = performance.now();
      if (now - lastDraw > 100 || n === total) { drawPerLr(done, total, settings.epochs); lastDraw = now; }
    },
  });
  const ms = performance.now() - started;
  drawPerLr(results, count, settings.epochs);
  if (signal.aborted) {
    status.textContent = `Stopped: ${results.length} of ${count} models done.`;
    return;
  }
  const analysis = analyzeSweep(results);
  lastSweep = { results, analysis, workers: executor.workers, ms };
  drawU(analysis, results);
  const best = results.find((r) => r.id === analysis.bestTrialId);
  bestLr = best ? lrOf(best) : null;
  const rec = analysis.recommended;
  // The middle (in log scale) of the recommended range; without one, the best trial's LR.
  recommendedLr = rec ? tidyLr(Math.sqrt(rec.low * rec.high)) : bestLr;
  el<HTMLButtonElement>('use-best').disabled = recommendedLr === null;
  el('use-best').textContent = recommendedLr === null ? 'Use the recommended LR'
    : `Use the ${rec ? 'recommended' : 'best'} LR (${formatNumber(recommendedLr, 2)})`;
  const labels = Object.values(analysis.diagnoses).reduce<Record<string, number>>((acc, d) => ({ ...acc, [d.label]: (acc[d.label] ?? 0) + 1 }), {});
  const named: Record<string, string> = { good: 'trained well', too_slow: 'too slow', oscillating: 'oscillating', plateaued_early: 'plateaued early', diverged: 'diverged' };
  el('sweep-summary').textContent = [
    `${results.length} models in ${formatMs(ms)} on ${executor.workers} Web Worker${executor.workers === 1 ? '' : 's'}: `
      + Object.entries(labels).map(([k, v]) => `${v} ${named[k] ?? k}`).join(', ') + '.',
    best ? `Lowest final validation loss: ${formatNumber(best.history?.valLoss?.at(-1) ?? NaN)} at LR ${formatNumber(bestLr!, 2)}.` : 'No model trained well.',
    rec ? `Recommended: ${rec.low === rec.high ? formatNumber(rec.low, 2) : `${formatNumber(rec.low, 2)} to ${formatNumber(rec.high, 2)}`}. ${rec.explanation}` : '',
  ].filter(Boolean).join(' ');
  status.textContent = `Done: ${results.length} models in ${formatMs(ms)}.`;
}

// ---------------------------------------------------------------------------
// Find LR

let suggestedLr: number | null = null;
let lastFind: FindLrResult | null = null;

function drawFinder(found: FindLrResult): void {
  const n = found.lrs.length;
  const smoothed = found.smoothed.filter(Number.isFinite);
  const start = smoothed[0] ?? 1, lowest = minOf(smoothed), highest = maxOf(smoothed);
  const ceiling = Math.min(highest * 1.05, Math.max(start * 1.15, lowest * 4));
  const floor = Math.min(lowest, minOf(found.losses.filter(Number.isFinite)));
  const current = readSettings().lr;
  const s = found.suggestions;
  el('finder-chart').querySelector('.chart-box')!.innerHTML = lineChart({
    title: 'LR range test', xLabel: 'learning rate (log scale)', yLabel: 'loss', xLog: true, width: 980, height: 300,
    xDomain: [found.lrs[0]!, found.lrs[n - 1]!], yDomain: [floor - (ceiling - floor) * 0.04, ceiling], yCeiling: ceiling,
    series: [
      { name: 'loss per batch', color: '#8c959f', points: found.lrs.map((lr, i) => [lr, found.losses[i]!]), width: 1, opacity: 0.8 },
      { name: 'smoothed', color: COLORS.train, points: found.lrs.map((lr, i) => [lr, found.smoothed[i]!]), width: 2.6 },
    ],
    markers: [
      { x: s.valley, label: `valley (suggested): ${formatNumber(s.valley, 2)}`, color: COLORS.good },
      { x: s.steepest, label: `steepest: ${formatNumber(s.steepest, 2)}`, color: COLORS.steep, dash: '6 3' },
      { x: s.minimum, label: `minimum/10: ${formatNumber(s.minimum, 2)}`, color: COLORS.min, dash: '6 3' },
      { x: current, label: `current: ${formatNumber(current, 2)}`, color: '#57606a', dash: '2 3' },
    ],
    description: `The loss against a learning rate growing from ${formatNumber(found.lrs[0]!, 2)} to ${formatNumber(found.lrs[n - 1]!, 2)}; `
      + `suggested learning rate ${formatNumber(found.suggested, 2)} (valley), steepest ${formatNumber(s.steepest, 2)}, minimum/10 ${formatNumber(s.minimum, 2)}.`,
  });
}

async function find(): Promise<void> {
  const settings = readSettings();
  const spec = experimentSpec(settings);
  const status = el('finder-status');
  status.textContent = 'Running the range test…';
  const { train: trainSet } = await prepare(spec);
  const model = await Model.create({ model: spec.model, optimizer: spec.optimizer, seed: spec.seed, backend: spec.backend });
  const found = await findLr(model, trainSet, { startLr: 1e-6, endLr: 10, steps: 100, batchSize: spec.batchSize });
  lastFind = found;
  drawFinder(found);
  suggestedLr = tidyLr(found.suggested);
  el<HTMLButtonElement>('use-suggested').disabled = false;
  el('use-suggested').textContent = `Use the suggested LR (${formatNumber(suggestedLr, 2)})`;
  status.textContent = `Suggested learning rate: ${formatNumber(found.suggested, 2)} (fastai’s valley)`
    + `${found.stoppedEarly ? `; the loss exploded at ${formatNumber(found.lrs.at(-1)!, 2)}, where the test stopped` : ''}.`;
}

// ---------------------------------------------------------------------------
// Recommend: recommendLr on the current settings, its trials in the Web Workers

let advisedLr: number | null = null;
let lastAdvice: Recommendation | null = null;

async function recommend(signal: AbortSignal): Promise<void> {
  const spec = experimentSpec(readSettings());
  delete spec.recordStepLr;
  const status = el('recommend-status');
  executor ??= new WebWorkerExecutor();
  const budget = 8 * spec.epochs;
  status.textContent = `Searching: a range test, then full runs in ${executor.concurrency} Web Worker${executor.concurrency === 1 ? '' : 's'}…`;
  el<HTMLButtonElement>('use-advice').disabled = true;
  const started = performance.now();
  const rec = await recommendLr(spec, {
    executor, signal,
    onProgress: ({ stage, spent }) => { status.textContent = `Searching… ${stage} done, ${Math.round(spent)} of ${budget} epochs`; },
  });
  lastAdvice = rec;
  advisedLr = tidyLr(rec.lr);
  el<HTMLButtonElement>('use-advice').disabled = false;
  el('use-advice').textContent = `Use this LR (${formatNumber(rec.lr, 3)})`;
  el('recommend-summary').textContent = rec.explanation;
  status.textContent = `Recommended: ${formatNumber(rec.lr, 3)} (range ${formatNumber(rec.range[0], 2)} to ${formatNumber(rec.range[1], 2)}), ` +
    `${rec.cost.epochs} epochs in ${formatMs(performance.now() - started)}.`;
}

// ---------------------------------------------------------------------------
// Test and console hook: the library, and runs that return their weights as bits.

export interface PlaygroundHook {
  library: typeof lrlab;
  currentSpec(): ExperimentSpec;
  /** runExperiment(spec) here; the final weights as their IEEE-754 bit patterns, and the time it took. */
  trainBits(spec: ExperimentSpec): Promise<{ bits: number[]; finalLoss: number; status: string; ms: number }>;
  /** The last Train: its spec and final weights (bits). */
  lastRun(): { spec: ExperimentSpec; bits: number[]; epochs: number; finalLoss: number } | null;
  lastSweep(): { trials: number; workers: number; ms: number; bestLr: number | null; recommendedLr: number | null; statuses: string[] } | null;
  lastFind(): { suggested: number; steps: number } | null;
  lastAdvice(): Recommendation | null;
  hardwareConcurrency: number;
}

declare global {
  interface Window { lrlab: PlaygroundHook }
}

const bitsOf = (w: Float32Array) => Array.from(new Uint32Array(w.buffer, w.byteOffset, w.length));

window.lrlab = {
  library: lrlab,
  currentSpec: () => experimentSpec(readSettings()),
  async trainBits(spec) {
    const started = performance.now();
    const result = await runExperiment(spec);
    const ms = performance.now() - started;
    return { bits: bitsOf(result.model.getWeights()), finalLoss: result.history.loss.at(-1) ?? NaN, status: result.history.status, ms };
  },
  lastRun: () => lastRun && { spec: lastRun.spec, bits: bitsOf(lastRun.weights), epochs: lastRun.history.loss.length, finalLoss: lastRun.history.loss.at(-1) ?? NaN },
  lastSweep: () => lastSweep && {
    trials: lastSweep.results.length, workers: lastSweep.workers, ms: lastSweep.ms, bestLr, recommendedLr,
    statuses: lastSweep.results.map((r) => r.status),
  },
  lastFind: () => lastFind && { suggested: lastFind.suggested, steps: lastFind.lrs.length },
  lastAdvice: () => lastAdvice,
  hardwareConcurrency: hardwareConcurrency(),
};

// ---------------------------------------------------------------------------

async function start(): Promise<void> {
  wireControls();
  const cores = hardwareConcurrency();
  el('cores').textContent = `${cores} Web Worker${cores === 1 ? '' : 's'}, one per core`;
  try {
    await loadWasm();
  } catch (error) {
    const status = el('train-status');
    status.classList.add('error');
    status.textContent = `This browser could not load lrlab's WebAssembly (it needs WebAssembly SIMD): ${error instanceof Error ? error.message : String(error)}`;
    for (const id of ACTIONS) el<HTMLButtonElement>(id).disabled = true;
    return;
  }
  el('env').textContent = `WebAssembly SIMD · ${cores} core${cores === 1 ? '' : 's'}`;
  await preview();
  el('u-chart').querySelector('.chart-box')!.innerHTML = lineChart({
    title: 'Sensitivity to the learning rate (the U curve)', xLabel: 'learning rate (log scale)', yLabel: 'final validation loss', series: [], description: 'Press Sweep to draw it.',
  });
  el('curves-chart').querySelector('.chart-box')!.innerHTML = lineChart({
    title: 'Validation loss per learning rate', xLabel: 'epoch', yLabel: 'validation loss', series: [], description: 'Press Sweep to draw them.',
  });
  el('finder-chart').querySelector('.chart-box')!.innerHTML = lineChart({
    title: 'LR range test', xLabel: 'learning rate (log scale)', yLabel: 'loss', series: [], width: 980, height: 300, description: 'Press Find LR to run it.',
  });
  document.documentElement.dataset.ready = 'true';
}

void start();

