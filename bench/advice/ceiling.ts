/**
 * The advice benchmark's noise ceiling: "advisors" that read their pick from
 * the replicate grid (ground-truth.ts --replicate: the same 31 LRs trained with
 * 3 seeds the ground truth does not use). Scored against the ground truth like
 * any advisor, they show how often a perfect but finite search can agree with
 * a truth that is itself a 3-seed mean: what the seed noise alone costs.
 * The argmin advisors pick a grid point; the "smooth fit" ones read the pick
 * from recommendLr's fit over the same runs (fit.ts), which averages
 * neighbouring LRs instead of letting the luckiest point win.
 * Their compute is nominal: the runs they read at full length / the grid's.
 */
import { chooseFromFit } from '../../bindings/advice/fit.js';
import { RANGE_TOLERANCE } from '../../bindings/advice/recommend.js';
import { maxOf, minOf } from '../../bindings/extent.js';
import { SEEDS, meanFinal, type RunScore } from './grid.js';
import type { GroundTruth } from './ground-truth.js';

export const CEILING_ADVISORS = ['independent 3-seed grid', 'independent 3-seed grid, every 2nd LR', 'independent 3-seed grid, smooth fit',
  'independent 1-seed grid', 'independent 1-seed grid, every 3rd LR', 'independent 1-seed grid, every 3rd LR, smooth fit'] as const;
export type CeilingAdvisor = (typeof CEILING_ADVISORS)[number];

export interface CeilingPick {
  advisor: CeilingAdvisor;
  lr: number;
  epochs: number;
  /** The replicate seed (0 … SEEDS − 1) of a 1-seed advisor; one pick per seed. */
  seed?: number;
}

/** The LR with the lowest mean final loss over `runs` among `lrs` (an LR with a diverged run never wins). */
function argmin(lrs: number[], runs: RunScore[]): number {
  let best = NaN, loss = Infinity;
  for (const lr of lrs) {
    const m = meanFinal(runs.filter((r) => r.lr === lr));
    if (m < loss) { loss = m; best = lr; }
  }
  return best;
}

/**
 * recommendLr's choice rule on these runs: the fit over every finite run at the LRs around the
 * argmin that no LR with a diverged run cuts off.
 */
function smoothPick(lrs: number[], runs: RunScore[]): number {
  const leader = argmin(lrs, runs);
  const failed = lrs.filter((lr) => runs.some((r) => r.lr === lr && r.final === null));
  const low = Math.max(0, maxOf(failed.filter((lr) => lr < leader))), high = minOf(failed.filter((lr) => lr > leader));
  const inside = lrs.filter((lr) => lr > low && lr < high);
  const points = runs.filter((r) => inside.includes(r.lr) && r.final !== null && r.final > 0).map((r) => ({ lr: r.lr, value: r.final! }));
  return chooseFromFit(points, [minOf(inside), maxOf(inside)], RANGE_TOLERANCE).lr;
}

export function ceilingPicks(replicate: GroundTruth): CeilingPick[] {
  const lrs = [...new Set(replicate.runs.map((r) => r.lr))].sort((a, b) => b - a);
  if (lrs.length !== replicate.grid.count) throw new Error(`${replicate.name}: the replicate has ${lrs.length} LRs, not ${replicate.grid.count}`);
  const every = (k: number) => lrs.filter((_, i) => i % k === 0);
  const run = replicate.epochsPerRun;
  const picks: CeilingPick[] = [
    { advisor: 'independent 3-seed grid', lr: argmin(lrs, replicate.runs), epochs: lrs.length * SEEDS * run },
    { advisor: 'independent 3-seed grid, every 2nd LR', lr: argmin(every(2), replicate.runs), epochs: every(2).length * SEEDS * run },
    { advisor: 'independent 3-seed grid, smooth fit', lr: smoothPick(lrs, replicate.runs), epochs: lrs.length * SEEDS * run },
  ];
  for (let seed = 0; seed < SEEDS; seed++) {
    const mine = replicate.runs.filter((r) => r.seed === seed);
    picks.push({ advisor: 'independent 1-seed grid', lr: argmin(lrs, mine), epochs: lrs.length * run, seed });
    picks.push({ advisor: 'independent 1-seed grid, every 3rd LR', lr: argmin(every(3), mine), epochs: every(3).length * run, seed });
    picks.push({ advisor: 'independent 1-seed grid, every 3rd LR, smooth fit', lr: smoothPick(every(3), mine), epochs: every(3).length * run, seed });
  }
  return picks;
}
