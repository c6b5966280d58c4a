/**
 * recommendLr: which learning rate to train an ExperimentSpec with, from a
 * budgeted search on the spec's own data, model, optimizer, batch size and
 * epochs. Its design follows what makes cheaper advice miss:
 *
 * 1. The LR range test runs on the training batch size (the best LR moves
 *    with it), and only CENTRES the search: its valley is a prior, not the answer
 *    (it sees a hundred steps of training loss, not the end of a run).
 * 2. A coarse log grid around the prior, a decade apart, each run for the full
 *    `spec.epochs`: the objective is the loss at the end of a real run, and a
 *    short run favours fast starters that overfit later. While the best point
 *    is at an edge of the grid the search walks a decade further that way (the
 *    prior can be off by more than a decade, e.g. on a long loss plateau).
 * 3. Coarse to fine: half a decade, then a quarter, on each side of the best so
 *    far, then repeats with other seeds of the best candidates while the budget
 *    lasts: one seed is noisy, and good bands between two decades are missed.
 * 4. Every comparison is between runs of the same length (all full-length), so
 *    no trial is ranked against one that trained for a different budget. A run
 *    the divergence guard stops costs only the epochs it trained.
 * 5. The choice is by a stated objective: `final` (the validation loss at the
 *    end of training, the default) or `best` (its lowest epoch, the default
 *    when the spec stops early). An LR with any diverged run is never chosen.
 *
 * Runs go through an Executor (inline, the worker pool, Web Workers): each
 * stage is one batch of trials, and every decision is made from complete
 * stages, so the result is the same for the same spec and seed whatever the
 * executor. The budget counts epochs trained, the range test included (its
 * steps × batch size / training rows).
 */
import { bestLoss, finalLoss } from '../diagnostics/results.js';
import { fmtLoss, fmtValue, meanStd } from '../diagnostics/stats.js';
import { LrlabError } from '../errors.js';
import { experimentData, validateExperiment, type ExperimentSpec } from '../experiment.js';
import { findLr, type FindLrResult } from '../finder.js';
import { normalizeOptimizer } from '../spec.js';
import { InlineExecutor, type Executor } from '../sweep/executor.js';
import { runSweep } from '../sweep/run.js';
import { validateSweep } from '../sweep/spec.js';
import type { TrialResult } from '../sweep/types.js';
import { checkChoice, checkKeys, checkObject, numberOr } from '../validate.js';
import { minOf } from '../extent.js';

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

export type Stage = 'range test' | 'coarse' | 'edge' | 'half' | 'fine' | 'repeat';

/** What one learning rate's runs showed. */
export interface LrEvidence {
  lr: number;
  /** The stage that first tried it. */
  stage: Stage;
  /** The objective's value of each run (one per seed), null for a run that diverged. */
  values: (number | null)[];
  /** Mean and sample standard deviation over the runs; mean Infinity when any diverged. */
  mean: number;
  std: number;
  diverged: number;
  /** Epochs its runs trained. */
  epochs: number;
}

export interface Recommendation {
  lr: number;
  /** The tried LRs around `lr` whose mean objective is within RANGE_TOLERANCE of the best. */
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
  };
  explanation: string;
}

/** The coarse grid: a decade apart around the prior (the first `units` of these when the budget is small). */
const COARSE_STEP = 1;
const COARSE_OFFSETS = [0, -1, 1];
const MAX_WALKS = 2;
/** Then half a decade, then a quarter, around the best so far. */
const REFINE: Array<[number, Stage]> = [[0.5, 'half'], [0.25, 'fine']];
/** The range reported: mean objective within 10% of the best. */
export const RANGE_TOLERANCE = 0.1;
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
      prior = found.suggestions.valley;
      spent += found.lrs.length * perStep;
    } catch (error) {
      // Too few finite losses to suggest anything: centre on the optimizer's default.
      if (!(error instanceof LrlabError) || error.code !== 'INVALID_DATA') throw error;
    }
  }
  const rangeTestEpochs = spent;
  progress('range test');

  const seedOf = (repeat: number) => (spec.seed ?? 0) + repeat;
  const record = (r: TrialResult, stage: Stage) => {
    const lr = Number(r.params['optimizer.lr']);
    const e = tried.get(lr) ?? { lr, stage, values: [], mean: NaN, std: NaN, diverged: 0, epochs: 0 };
    const value = r.status === 'diverged' || r.status === 'failed' ? NaN : objective === 'final' ? finalLoss(r) : bestLoss(r);
    const ok = Number.isFinite(value);
    e.values.push(ok ? value : null);
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
   * Trains each LR once more, with its next unused seed, when the budget holds them all at full
   * length (a run the guard stops costs less); false when it does not.
   */
  const run = async (lrs: number[], stage: Stage): Promise<boolean> => {
    const fresh = [...new Set(lrs)];
    if (fresh.length === 0 || spent + fresh.length * epochs > budget + 1e-9) return false;
    // One sweep (one executor batch) per seed, so runs of different LRs train in parallel.
    const byRepeat = new Map<number, number[]>();
    for (const lr of fresh) {
      const repeat = tried.get(lr)?.values.length ?? 0;
      byRepeat.set(repeat, [...(byRepeat.get(repeat) ?? []), lr]);
    }
    for (const [repeat, group] of byRepeat) {
      const sweep = validateSweep({ base: { ...spec, seed: seedOf(repeat) }, axes: { 'optimizer.lr': group } });
      const results = await runSweep(sweep, { executor, signal: options.signal });
      for (const r of results) record(r, stage);
    }
    progress(stage);
    return true;
  };
  const step = (lr: number, decades: number) => tidy(lr * 10 ** decades);
  const bestLr = () => rank()[0]!.lr;
  const rank = () => [...tried.values()].sort((a, b) => a.mean - b.mean || a.lr - b.lr);

  // 2. A decade grid around the prior; while the best sits on an edge, walk a decade further.
  const units = Math.floor((budget - spent) / epochs + 1e-9);
  const offsets = COARSE_OFFSETS.slice(0, Math.max(1, Math.min(COARSE_OFFSETS.length, units)));
  await run(offsets.map((k) => step(prior, k * COARSE_STEP)), 'coarse');
  for (let walks = 0; walks < MAX_WALKS; walks++) {
    const sorted = [...tried.keys()].sort((a, b) => a - b);
    const best = bestLr();
    const atTop = best === sorted[sorted.length - 1] && Number.isFinite(tried.get(best)!.mean);
    const next = best === sorted[0] ? step(best, -COARSE_STEP) : atTop ? step(best, COARSE_STEP) : null;
    if (next === null || !(await run([next], 'edge'))) break;
  }
  // 3. Halve the step twice around the best (the better neighbour's side first when only one fits),
  //    then repeat the best candidates with other seeds while the budget lasts.
  for (const [decades, stage] of REFINE) {
    const best = tried.get(bestLr())!;
    const sides = [step(best.lr, -decades), step(best.lr, decades)].filter((lr) => !tried.has(lr));
    const neighbour = (lr: number) => tried.get(step(best.lr, Math.sign(Math.log(lr / best.lr)) * 2 * decades))?.mean ?? Infinity;
    sides.sort((a, b) => neighbour(a) - neighbour(b));
    if (!(await run(sides, stage))) await run(sides.slice(0, 1), stage);
  }
  while (spent + epochs <= budget + 1e-9) {
    const top = rank().filter((e) => Number.isFinite(e.mean)).slice(0, 2);
    if (top.length === 0) break;
    // Repeat the leader; when it already has more seeds than the runner-up, repeat the runner-up.
    const pick = top.length > 1 && top[0]!.values.length > top[1]!.values.length ? top[1]! : top[0]!;
    if (!(await run([pick.lr], 'repeat'))) break;
  }

  const ordered = [...tried.values()].sort((a, b) => a.lr - b.lr);
  const leader = rank()[0]!;
  if (!Number.isFinite(leader.mean)) {
    throw new LrlabError('INVALID_DATA', 'spec', spec.optimizer.lr ?? optimizer.lr,
      `gave no learning rate whose runs all ended finite (tried ${ordered.map((e) => fmtValue(e.lr)).join(', ')}): check the data and the model`);
  }
  const range = rangeAround(ordered, leader);
  const lr = parabolicMinimum(ordered, leader);
  if (lr < range[0]) range[0] = lr;
  if (lr > range[1]) range[1] = lr;
  return {
    lr, range, objective,
    cost: { epochs: round(spent), budget, runs, rangeTestEpochs: round(rangeTestEpochs) },
    evidence: { finder, prior, lrs: ordered },
    explanation: explain(lr, leader, range, ordered, objective, prior, finder !== null, batchSize, spent, epochs),
  };
}

/**
 * The minimum of the parabola through the leader and its nearest tried neighbour on each side, in
 * log LR and log loss (Brent's parabolic step): it reads between the grid points and averages the
 * noise of three runs instead of trusting one. It stays between the two neighbours, and is the
 * leader itself when a side has no finite neighbour or the three points do not bend upwards.
 */
function parabolicMinimum(ordered: LrEvidence[], leader: LrEvidence): number {
  const i = ordered.indexOf(leader);
  const a = ordered[i - 1], c = ordered[i + 1];
  if (!a || !c || !Number.isFinite(a.mean) || !Number.isFinite(c.mean) || !(a.mean > 0 && leader.mean > 0 && c.mean > 0)) return leader.lr;
  const [x1, x2, x3] = [a.lr, leader.lr, c.lr].map(Math.log10) as [number, number, number];
  const [y1, y2, y3] = [a.mean, leader.mean, c.mean].map(Math.log) as [number, number, number];
  const num = (x2 - x1) ** 2 * (y2 - y3) - (x2 - x3) ** 2 * (y2 - y1);
  const den = (x2 - x1) * (y2 - y3) - (x2 - x3) * (y2 - y1);
  if (!(den < 0 || den > 0)) return leader.lr;
  const vertex = x2 - num / (2 * den);
  // Convex (the leader is the lowest of the three, so a bend upwards is the rule) and inside the bracket.
  if (!(vertex > x1 && vertex < x3)) return leader.lr;
  return tidy(10 ** vertex);
}

/** The contiguous tried LRs around the leader whose mean is within RANGE_TOLERANCE of it. */
function rangeAround(ordered: LrEvidence[], leader: LrEvidence): [number, number] {
  const limit = leader.mean * (1 + RANGE_TOLERANCE);
  let lo = ordered.indexOf(leader), hi = lo;
  while (lo > 0 && ordered[lo - 1]!.mean <= limit) lo--;
  while (hi < ordered.length - 1 && ordered[hi + 1]!.mean <= limit) hi++;
  return [ordered[lo]!.lr, ordered[hi]!.lr];
}

function explain(lr: number, leader: LrEvidence, range: [number, number], ordered: LrEvidence[], objective: AdviceObjective,
  prior: number, hadFinder: boolean, batchSize: number, spent: number, epochs: number): string {
  const what = objective === 'final' ? 'final validation loss' : 'best-epoch validation loss';
  const seeds = leader.values.length;
  const spread = seeds > 1 ? ` ± ${fmtLoss(leader.std)} over ${seeds} seeds` : ' (one seed)';
  const above = ordered.filter((e) => e.lr > range[1]);
  const below = ordered.filter((e) => e.lr < range[0]);
  const side = (list: LrEvidence[], word: string) => {
    if (list.length === 0) return `nothing ${word} ${fmtValue(word === 'above' ? range[1] : range[0])} was tried`;
    const diverged = list.filter((e) => e.diverged > 0).length;
    const worst = list.filter((e) => Number.isFinite(e.mean));
    const parts: string[] = [];
    if (diverged > 0) parts.push(`${diverged} of ${list.length} diverged`);
    if (worst.length > 0) {
      const ratio = minOf(worst.map((e) => e.mean)) / leader.mean;
      parts.push(`the best ends ${fmtValue(ratio)}× higher`);
    }
    return `${word} ${fmtValue(word === 'above' ? range[1] : range[0])} ${parts.join(', ')}`;
  };
  const rangeText = range[0] === range[1] ? '' : ` (range ${fmtValue(range[0])}–${fmtValue(range[1])}: within ${RANGE_TOLERANCE * 100}% of it)`;
  const start = hadFinder ? `around the range test's valley ${fmtValue(prior)} at batch size ${batchSize}` : `around the optimizer's default ${fmtValue(prior)}`;
  const chosen = lr === leader.lr
    ? `lr = ${fmtValue(lr)}${rangeText} gives the lowest mean ${what}, ${fmtLoss(leader.mean)}${spread}, of the`
    : `lr = ${fmtValue(lr)}${rangeText} is the minimum of a parabola through the best tried LR ${fmtValue(leader.lr)} ` +
      `(mean ${what} ${fmtLoss(leader.mean)}${spread}) and its neighbours, among the`;
  return `${chosen} ` +
    `${ordered.length} learning rates tried for the full ${epochs} epochs ${start}; ${side(above, 'above')}; ${side(below, 'below')}. ` +
    `Cost: ${round(spent)} epochs (${fmtValue(spent / epochs)} training runs).`;
}

/** A grid value rounded to 4 significant digits, so that the same LR reached two ways is one key. */
function tidy(x: number): number {
  return Number(x.toPrecision(4));
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
