/**
 * recommendLr: which learning rate to train an ExperimentSpec with, from a
 * budgeted search on the spec's own data, model, optimizer, batch size and
 * epochs. Its design follows what makes cheaper advice miss:
 *
 * 1. The LR range test runs on the training batch size (the best LR moves
 *    with it), and only CENTRES the search: its valley is a prior, not the answer
 *    (it sees a hundred steps of training loss, not the end of a run).
 * 2. Every run trains for the full `spec.epochs`, so every comparison is
 *    between runs of the same length: a short run favours fast starters that
 *    overfit later. A run the divergence guard stops costs only the epochs it
 *    trained.
 * 3. Every run has its own seed (spec.seed, +1, +2, … in the order they are
 *    planned), so one seed's luck at a group of LRs cannot look like a good band.
 * 4. A coarse grid a decade apart around the prior, walking a decade further
 *    while the fit's minimum sits at an edge (the prior can be off by more than
 *    a decade, e.g. on a long loss plateau); then the rest of the budget is
 *    spent near the current choice, on the LRs half and a quarter of a decade
 *    around it that are farthest from any run so far: repeats and refinement
 *    in one.
 * 5. The choice is read from a smooth fit over ALL runs (fit.ts), never from
 *    one run: the middle of the band where the fitted objective is within 5 %
 *    of its minimum. It is by a stated objective: `final` (the validation loss
 *    at the end of training, the default; each run's is read as the mean of
 *    its last tenth of epochs, which removes the epoch-to-epoch noise) or
 *    `best` (its lowest epoch, the default when the spec stops early). The choice stays below the lowest LR
 *    above the fit's minimum at which a run diverged (and above the highest
 *    below it).
 *
 * Runs go through an Executor (inline, the worker pool, Web Workers): each
 * stage is one batch of trials whose size does not depend on the executor, and
 * every decision is made from complete stages, so the result is the same for
 * the same spec and seed whatever the executor. The budget counts epochs
 * trained, the range test included (its steps × batch size / training rows).
 */
import { bestLoss, hasCurve, judgedLossSeries } from '../diagnostics/results.js';
import { fmtLoss, fmtValue, meanStd } from '../diagnostics/stats.js';
import { LrlabError } from '../errors.js';
import { maxOf, minOf } from '../extent.js';
import { experimentData, validateExperiment, type ExperimentSpec } from '../experiment.js';
import { findLr, type FindLrResult } from '../finder.js';
import { normalizeOptimizer } from '../spec.js';
import { InlineExecutor, type Executor } from '../sweep/executor.js';
import { expandSweep, validateSweep } from '../sweep/spec.js';
import type { TrialTask } from '../sweep/trial.js';
import type { TrialResult } from '../sweep/types.js';
import { checkChoice, checkKeys, checkObject, numberOr } from '../validate.js';
import { CHOICE_TOLERANCE, chooseFromFit, tidy, type FitChoice } from './fit.js';

export type AdviceObjective = 'final' | 'best';

export interface RecommendOptions {
  /** Epochs to spend in all, the range test included. Default 8 × spec.epochs; at least 3 × spec.epochs. */
  budget?: number;
  /** What "best LR" means: the final validation loss (default) or the best epoch's (default with early stopping). */
  objective?: AdviceObjective;
  /** Where the trials run (default: inline, in this thread). */
  executor?: Executor;
  signal?: AbortSignal;
  /** Called after each stage with the epochs spent so far. */
  onProgress?(progress: { stage: Stage; spent: number; budget: number }): void;
}

export type Stage = 'range test' | 'coarse' | 'edge' | 'refine';

/** What one learning rate's runs showed. */
export interface LrEvidence {
  lr: number;
  /** The stage that first tried it. */
  stage: Stage;
  /** The objective's value of each run (for `final`, the mean of its last tenth of epochs), null for a run that diverged. */
  values: (number | null)[];
  /** The seed of each run. */
  seeds: number[];
  /** Mean and sample standard deviation over the runs; mean Infinity when any diverged. */
  mean: number;
  std: number;
  diverged: number;
  /** Epochs its runs trained. */
  epochs: number;
}

export interface Recommendation {
  lr: number;
  /** The LRs around the fit's minimum whose fitted objective is within RANGE_TOLERANCE of it. */
  range: [number, number];
  objective: AdviceObjective;
  cost: { epochs: number; budget: number; runs: number; rangeTestEpochs: number };
  evidence: {
    /** The range test on the training batch size (null when it could not suggest anything). */
    finder: (Pick<FindLrResult, 'lrs' | 'losses' | 'smoothed' | 'suggestions' | 'stoppedEarly'> & { batchSize: number }) | null;
    /** The centre of the search: the range test's valley, or the optimizer's default LR without one. */
    prior: number;
    /** Every LR tried, in increasing order. */
    lrs: LrEvidence[];
    /** The smooth fit of the objective over every finite run the choice was read from (fit.ts). */
    fit: { minimum: { lr: number; value: number }; lrs: number[]; values: number[] };
  };
  explanation: string;
}

/** The coarse grid: a decade apart around the prior (the first of these when the budget is small). */
const COARSE_OFFSETS = [0, -1, 1];
const MAX_WALKS = 2;
/** Decades: a fit minimum this close to the outermost tried LR is at the edge. */
const EDGE = 0.25;
/** Where the rest of the budget goes: these offsets (decades) around the current choice. */
const REFINE_OFFSETS = [-0.5, 0.5, -0.25, 0.25, 0];
/** Runs per refinement stage: a constant, so that the plan does not depend on the executor. */
const REFINE_BATCH = 2;
/** The range reported: fitted objective within 10% of its minimum. */
export const RANGE_TOLERANCE = 0.1;
/** The `final` objective of a run: the mean validation loss of its last tenth of epochs. */
const TAIL_FRACTION = 0.1;
const FINDER_STEPS = 100;
const MIN_FINDER_STEPS = 10;
const KEYS = ['budget', 'objective', 'executor', 'signal', 'onProgress'];

/** Checks the options against the spec; returns the budget and objective. */
export function validateRecommendOptions(spec: ExperimentSpec, options: unknown): { budget: number; objective: AdviceObjective } {
  const o = checkObject('recommend', options);
  checkKeys('recommend', o, KEYS);
  const epochs = spec.epochs;
  const budget = numberOr('recommend.budget', o.budget, 8 * epochs, { min: 3 * epochs, max: 1e9, integer: true });
  const objective = o.objective === undefined
    ? (spec.earlyStopping !== undefined ? 'best' : 'final')
    : checkChoice('recommend.objective', o.objective, ['final', 'best'] as const);
  if (o.executor !== undefined && (typeof o.executor !== 'object' || o.executor === null || typeof (o.executor as Executor).run !== 'function')) {
    throw new LrlabError('INVALID_OPTION', 'recommend.executor', o.executor, 'must be an Executor (InlineExecutor, PoolExecutor, WebWorkerExecutor)');
  }
  return { budget, objective };
}

export async function recommendLr(spec: ExperimentSpec, options: RecommendOptions = {}): Promise<Recommendation> {
  validateExperiment(spec, 'spec');
  const { budget, objective } = validateRecommendOptions(spec, options);
  const executor = options.executor ?? new InlineExecutor();
  const epochs = spec.epochs;
  const optimizer = normalizeOptimizer(spec.optimizer, 'spec.optimizer');
  const tried = new Map<number, LrEvidence>();
  let spent = 0, runs = 0;
  const progress = (stage: Stage) => options.onProgress?.({ stage, spent, budget });

  // 1. The range test on the training batch size: the prior.
  const { train } = await experimentData(spec);
  const batchSize = spec.batchSize ?? 32;
  let finder: Recommendation['evidence']['finder'] = null;
  let prior = optimizer.lr;
  // At most half a training run's epochs of range test (a large batch on few rows makes 100 steps many
  // epochs); when even MIN_FINDER_STEPS would cost more, the search starts from the optimizer's default.
  const rows = train.x.rows, perStep = Math.min(batchSize, rows) / rows;
  const steps = Math.min(FINDER_STEPS, Math.floor((0.5 * epochs) / perStep));
  if (steps >= MIN_FINDER_STEPS) {
    try {
      const found = await findLr(spec, { steps });
      finder = { lrs: found.lrs, losses: found.losses, smoothed: found.smoothed, suggestions: found.suggestions, stoppedEarly: found.stoppedEarly, batchSize };
      prior = tidy(found.suggestions.valley);
      spent += found.lrs.length * perStep;
    } catch (error) {
      // Too few finite losses to suggest anything: centre on the optimizer's default.
      if (!(error instanceof LrlabError) || error.code !== 'INVALID_DATA') throw error;
    }
  }
  const rangeTestEpochs = spent;
  progress('range test');

  const record = (r: TrialResult, seed: number, stage: Stage) => {
    const lr = Number(r.params['optimizer.lr']);
    const e = tried.get(lr) ?? { lr, stage, values: [], seeds: [], mean: NaN, std: NaN, diverged: 0, epochs: 0 };
    const value = r.status === 'diverged' || r.status === 'failed' ? NaN : objective === 'final' ? tailLoss(r) : bestLoss(r);
    const ok = Number.isFinite(value) && value > 0;
    e.values.push(ok ? value : null);
    e.seeds.push(seed);
    if (!ok) e.diverged++;
    const trained = r.history?.epoch.length ?? 0;
    e.epochs += trained;
    spent += trained;
    runs++;
    const stats = meanStd(e.values);
    e.mean = e.diverged > 0 ? Infinity : stats.mean;
    e.std = stats.n > 1 ? stats.std : 0;
    tried.set(lr, e);
  };
  /**
   * Trains each LR once, each run with the next unused seed, in one executor batch, when the budget
   * holds them all at full length (a run the guard stops costs less); false when it does not.
   */
  const run = async (lrs: number[], stage: Stage): Promise<boolean> => {
    if (lrs.length === 0 || spent + lrs.length * epochs > budget + 1e-9) return false;
    const planned = lrs.map((lr, k) => {
      const seed = (spec.seed ?? 0) + runs + k;
      const [trial] = expandSweep(validateSweep({ base: { ...spec, seed }, axes: { 'optimizer.lr': [lr] } }));
      return { task: { trial: trial! } as TrialTask, seed };
    });
    const outcomes = new Map<string, TrialResult>();
    await executor.run(planned.map((p) => p.task), (o) => { outcomes.set(o.result.id, o.result); }, options.signal);
    if (options.signal?.aborted) throw new LrlabError('ABORTED', 'recommend.signal', 'aborted', 'stopped before the search ended');
    // In plan order, whatever order the executor finished them in.
    for (const p of planned) record(outcomes.get(p.task.trial.id)!, p.seed, stage);
    progress(stage);
    return true;
  };
  const step = (lr: number, decades: number) => tidy(lr * 10 ** decades);
  const choose = (): FitChoice | null => fitChoice([...tried.values()]);

  // 2. A decade grid around the prior; while the fit's minimum sits on an edge, walk a decade further.
  const units = Math.floor((budget - spent) / epochs + 1e-9);
  await run(COARSE_OFFSETS.slice(0, Math.max(1, Math.min(COARSE_OFFSETS.length, units))).map((k) => step(prior, k)), 'coarse');
  for (let walks = 0; walks < MAX_WALKS; walks++) {
    const next = edgeStep([...tried.values()], choose());
    if (next === null || !(await run([next], 'edge'))) break;
  }
  // 3. The rest of the budget near the current choice: the offsets farthest from any run so far.
  while (spent + epochs <= budget + 1e-9) {
    const choice = choose();
    if (choice === null) break;
    const [low, high] = allowedSpan([...tried.values()], choice.minimum.lr);
    const picks: number[] = [];
    const at = [...tried.keys()].map(Math.log10);
    for (let k = 0; k < REFINE_BATCH; k++) {
      let pick: number | null = null, far = -1;
      for (const d of REFINE_OFFSETS) {
        const lr = step(choice.lr, d);
        if (lr <= low || lr >= high) continue;
        const distance = minOf(at.map((x) => Math.abs(x - Math.log10(lr))));
        if (distance > far + 1e-9) { far = distance; pick = lr; }
      }
      if (pick === null) break;
      picks.push(pick);
      at.push(Math.log10(pick));
    }
    if (picks.length === 0) break;
    if (!(await run(picks, 'refine')) && !(await run(picks.slice(0, 1), 'refine'))) break;
  }

  const ordered = [...tried.values()].sort((a, b) => a.lr - b.lr);
  const choice = choose();
  if (choice === null) {
    throw new LrlabError('INVALID_DATA', 'spec', spec.optimizer.lr ?? optimizer.lr,
      `gave no learning rate whose runs all ended finite (tried ${ordered.map((e) => fmtValue(e.lr)).join(', ')}): check the data and the model`);
  }
  const fit = { minimum: choice.minimum, lrs: choice.curve.lrs, values: choice.curve.values };
  return {
    lr: choice.lr, range: choice.range, objective,
    cost: { epochs: round(spent), budget, runs, rangeTestEpochs: round(rangeTestEpochs) },
    evidence: { finder, prior, lrs: ordered, fit },
    explanation: explain(choice, ordered, objective, prior, finder !== null, batchSize, spent, epochs, runs),
  };
}

/**
 * The LRs a choice may lie strictly between: the nearest LRs below and above `lr` at which a run
 * diverged (0 and Infinity when none did).
 */
function allowedSpan(evidence: LrEvidence[], lr: number): [number, number] {
  let low = 0, high = Infinity;
  for (const e of evidence) {
    if (e.diverged === 0) continue;
    if (e.lr > lr) high = Math.min(high, e.lr);
    else low = Math.max(low, e.lr);
  }
  return [low, high];
}

/** The fit over every finite run, on the span of tried LRs around the best run that no divergence cuts. */
function fitChoice(evidence: LrEvidence[]): FitChoice | null {
  const finite = evidence.filter((e) => e.diverged === 0);
  if (finite.length === 0) return null;
  const leader = finite.reduce((a, b) => (b.mean < a.mean ? b : a));
  const [low, high] = allowedSpan(evidence, leader.lr);
  const inside = finite.filter((e) => e.lr > low && e.lr < high);
  const points = inside.flatMap((e) => e.values.map((value) => ({ lr: e.lr, value: value! })));
  const lrs = inside.map((e) => e.lr);
  const domain: [number, number] = [minOf(lrs), maxOf(lrs)];
  return chooseFromFit(points, domain, RANGE_TOLERANCE);
}

/**
 * Where to walk while the fit's minimum is at (within a quarter decade of) the lowest or highest tried
 * LR: a decade further, or, when a run diverged on that side, halfway (in log scale) to the nearest
 * diverged LR, as long as that gap is wider than a quarter decade (the best LR often lies just below
 * the edge of stability, where the fit cannot see). Null when the minimum is inside.
 */
function edgeStep(evidence: LrEvidence[], choice: FitChoice | null): number | null {
  if (choice === null) {
    // Every run diverged: try a decade below the lowest.
    return tidy(minOf(evidence.map((e) => e.lr)) / 10);
  }
  const finite = evidence.filter((e) => e.diverged === 0).map((e) => e.lr);
  const [low, high] = allowedSpan(evidence, choice.minimum.lr);
  const inside = finite.filter((lr) => lr > low && lr < high);
  const lowest = minOf(inside), highest = maxOf(inside);
  const near = (a: number, b: number) => Math.abs(Math.log10(a / b)) <= EDGE;
  if (near(choice.minimum.lr, lowest)) {
    if (low === 0) return tidy(lowest / 10);
    if (Math.log10(lowest / low) > EDGE) return tidy(Math.sqrt(lowest * low));
  }
  if (near(choice.minimum.lr, highest)) {
    if (high === Infinity) return tidy(highest * 10);
    if (Math.log10(high / highest) > EDGE) return tidy(Math.sqrt(highest * high));
  }
  return null;
}

function explain(choice: FitChoice, ordered: LrEvidence[], objective: AdviceObjective, prior: number, hadFinder: boolean,
  batchSize: number, spent: number, epochs: number, runs: number): string {
  const what = objective === 'final' ? "final validation loss (each run's mean over its last tenth of epochs)" : 'best-epoch validation loss';
  const diverged = ordered.filter((e) => e.diverged > 0);
  const start = hadFinder ? `around the range test's valley ${fmtValue(prior)} at batch size ${batchSize}` : `around the optimizer's default ${fmtValue(prior)}`;
  const range = choice.range[0] === choice.range[1] ? '' : ` (range ${fmtValue(choice.range[0])}–${fmtValue(choice.range[1])}: the fit within ${RANGE_TOLERANCE * 100}% of its minimum)`;
  const divergedText = diverged.length === 0 ? 'none diverged'
    : `${diverged.length} diverged (${diverged.map((e) => fmtValue(e.lr)).join(', ')})`;
  return `lr = ${fmtValue(choice.lr)}${range} is the middle of the band where a smooth fit of the ${what} over all ${runs} runs ` +
    `is within ${CHOICE_TOLERANCE * 100}% of its minimum, ${fmtLoss(choice.minimum.value)} at ${fmtValue(choice.minimum.lr)}; ` +
    `${ordered.length} learning rates were tried for the full ${epochs} epochs, one seed per run, ${start}; ${divergedText}. ` +
    `Cost: ${round(spent)} epochs (${fmtValue(spent / epochs)} training runs).`;
}

/**
 * The final loss of one run as the search reads it: the mean of its last TAIL_FRACTION of epochs (at
 * least the last one), NaN when any of them is not finite. Epoch-to-epoch noise at the end of a run
 * is as large as the differences between good LRs; the mean of the last few epochs removes most of it.
 */
export function tailLoss(r: TrialResult): number {
  if (!hasCurve(r)) return NaN;
  const series = judgedLossSeries(r.history);
  if (series.length === 0) return NaN;
  const tail = series.slice(-Math.max(1, Math.round(TAIL_FRACTION * series.length)));
  const sum = tail.reduce((a, b) => a + b, 0);
  return Number.isFinite(sum) ? sum / tail.length : NaN;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
