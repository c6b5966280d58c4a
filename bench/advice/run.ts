/**
 * npm run bench:advice: every learning-rate advisor of lrlab scored on the
 * problems of problems.ts against their committed ground truth (ground-truth.ts):
 *
 *  - fold = max(r, 1/r), r = advised LR / the grid's best LR (by mean final
 *    validation loss over 3 seeds);
 *  - regret = mean final validation loss at the advised LR (3 seeds; Infinity
 *    if any diverged) / the grid's best − 1;
 *  - a hit: fold ≤ 2 or regret ≤ 10 %;
 *  - compute: the epochs the advisor trained / the epochs of the whole grid.
 *
 * An advised LR that is not on the grid is trained at with the same 3 seeds
 * (that evaluation is not counted as the advisor's compute). Writes
 * bench/results/advice.md and advice.json.
 *
 *     nice -n 10 npm run bench:advice [-- --only NAME,NAME]
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { recommendLr } from '../../bindings/advice/recommend.js';
import { analyzeSweep } from '../../bindings/diagnostics/sweep.js';
import { findLr } from '../../bindings/finder.js';
import { normalizeOptimizer } from '../../bindings/spec.js';
import { PoolExecutor } from '../../bindings/sweep/pool.js';
import { runSweep } from '../../bindings/sweep/run.js';
import { validateSweep } from '../../bindings/sweep/spec.js';
import { GROUND_TRUTH_DIR, type GroundTruth } from './ground-truth.js';
import { meanFinal, trainAt, type RunScore } from './grid.js';
import { PROBLEMS, type AdviceProblem } from './problems.js';

/** recommend again with other seeds (spec.seed + these): how much its hit rate owes to the seed. */
const RESEEDS = [10, 20, 30] as const;
const ADVISORS = ['finder valley', 'finder steepest', 'finder minimum/10', 'optimizer default', 'default sweep best', 'default sweep range middle', 'recommend',
  ...RESEEDS.map((k) => `recommend, seed + ${k}` as const)] as const;
type Advisor = (typeof ADVISORS)[number];

interface Score {
  problem: string;
  advisor: Advisor;
  lr: number | null;
  fold: number | null;
  regret: number | null;
  hit: boolean;
  epochs: number;
  share: number;
  heldOut: boolean;
}

const sameLr = (a: number, b: number) => Math.abs(a / b - 1) < 1e-6;

async function lossAt(p: AdviceProblem, truth: GroundTruth, lr: number, executor: PoolExecutor, cache: Map<number, RunScore[]>): Promise<number> {
  const onGrid = truth.runs.filter((r) => sameLr(r.lr, lr));
  if (onGrid.length > 0) return meanFinal(onGrid);
  if (!cache.has(lr)) cache.set(lr, await trainAt(p.spec, [lr], executor));
  return meanFinal(cache.get(lr)!);
}

async function advise(p: AdviceProblem, executor: PoolExecutor): Promise<Array<{ advisor: Advisor; lr: number | null; epochs: number }>> {
  const out: Array<{ advisor: Advisor; lr: number | null; epochs: number }> = [];
  const found = await findLr(p.spec);
  out.push({ advisor: 'finder valley', lr: found.suggestions.valley, epochs: 0 });
  out.push({ advisor: 'finder steepest', lr: found.suggestions.steepest, epochs: 0 });
  out.push({ advisor: 'finder minimum/10', lr: found.suggestions.minimum, epochs: 0 });
  out.push({ advisor: 'optimizer default', lr: normalizeOptimizer(p.spec.optimizer).lr, epochs: 0 });
  const sweep = validateSweep({ base: p.spec, axes: { 'optimizer.lr': { log: { from: 1, to: 1e-7, count: 8 } } } });
  const results = await runSweep(sweep, { executor });
  const epochs = results.reduce((n, r) => n + (r.history?.epoch.length ?? 0), 0);
  const analysis = analyzeSweep(results);
  const best = results.find((r) => r.id === analysis.bestTrialId);
  out.push({ advisor: 'default sweep best', lr: best ? Number(best.params['optimizer.lr']) : null, epochs });
  const rec = analysis.recommended;
  out.push({ advisor: 'default sweep range middle', lr: rec ? Math.sqrt(rec.low * rec.high) : null, epochs });
  const advice = await recommendLr(p.spec, { executor });
  out.push({ advisor: 'recommend', lr: advice.lr, epochs: advice.cost.epochs });
  for (const k of RESEEDS) {
    const again = await recommendLr({ ...p.spec, seed: (p.spec.seed ?? 0) + k }, { executor });
    out.push({ advisor: `recommend, seed + ${k}`, lr: again.lr, epochs: again.cost.epochs });
  }
  return out;
}

const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
const fmt = (x: number | null, digits = 3) => (x === null ? '—' : !Number.isFinite(x) ? '∞' : x.toPrecision(digits));

async function main(): Promise<void> {
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1]!.split(',') : undefined;
  const problems = PROBLEMS.filter((p) => !only || only.includes(p.name));
  const executor = new PoolExecutor();
  const scores: Score[] = [];
  try {
    for (const p of problems) {
      const truth = JSON.parse(await readFile(join(GROUND_TRUTH_DIR, `${p.name}.json`), 'utf8')) as GroundTruth;
      const cache = new Map<number, RunScore[]>();
      for (const a of await advise(p, executor)) {
        let fold: number | null = null, regret: number | null = null;
        if (a.lr !== null) {
          const r = a.lr / truth.bestLr.final;
          fold = Math.max(r, 1 / r);
          regret = (await lossAt(p, truth, a.lr, executor, cache)) / truth.bestLoss.final - 1;
        }
        const hit = fold !== null && (fold <= 2 || regret! <= 0.1);
        scores.push({ problem: p.name, advisor: a.advisor, lr: a.lr, fold, regret, hit, epochs: a.epochs, share: a.epochs / truth.gridEpochs, heldOut: !!p.heldOut });
      }
      const rec = scores.find((s) => s.problem === p.name && s.advisor === 'recommend')!;
      process.stdout.write(`${p.name}: grid best ${truth.bestLr.final.toPrecision(3)}; recommend ${fmt(rec.lr)} (fold ${fmt(rec.fold)}, regret ${fmt(rec.regret)}, ${pct(rec.share)} of the grid)\n`);
    }
  } finally {
    await executor.close();
  }
  await writeResults(scores, problems);
}

async function writeResults(scores: Score[], problems: AdviceProblem[]): Promise<void> {
  const summary = ADVISORS.map((advisor) => {
    const mine = scores.filter((s) => s.advisor === advisor);
    const rate = (list: Score[]) => (list.length ? list.filter((s) => s.hit).length / list.length : NaN);
    return {
      advisor, hitRate: rate(mine), hitRateTuned: rate(mine.filter((s) => !s.heldOut)), hitRateHeldOut: rate(mine.filter((s) => s.heldOut)),
      meanShare: mine.reduce((n, s) => n + s.share, 0) / mine.length, maxShare: mine.reduce((m, s) => Math.max(m, s.share), -Infinity),
      medianFold: median(mine.map((s) => s.fold ?? Infinity)),
    };
  });
  const reseeded = scores.filter((s) => s.advisor.startsWith('recommend'));
  const lines = [
    '# Learning-rate advice benchmark', '',
    `${problems.length} problems (bench/advice/problems.ts; ${problems.filter((p) => p.heldOut).length} held out: added after recommend's design was fixed, scored once), ` +
      'ground truth from a 31-point log grid 3 … 1e-5 × 3 seeds (bench/advice/ground-truth/). A hit: within 2× of the grid-best LR ' +
      'or within 10 % of its mean final validation loss. Compute: epochs trained / the grid\'s epochs.', '',
    '| advisor | hit rate | tuned / held-out problems | median fold | compute (mean, max) |', '|---|---:|---:|---:|---:|',
    ...summary.map((s) => `| ${s.advisor} | ${pct(s.hitRate)} | ${pct(s.hitRateTuned)} / ${Number.isNaN(s.hitRateHeldOut) ? '—' : pct(s.hitRateHeldOut)} | ${fmt(s.medianFold, 2)} | ${(100 * s.meanShare).toFixed(1)} %, ${(100 * s.maxShare).toFixed(1)} % |`),
    '', `recommend over its ${1 + RESEEDS.length} seeds (spec.seed and + ${RESEEDS.join(', + ')}; ${reseeded.length} searches): ` +
      `${pct(reseeded.filter((s) => s.hit).length / reseeded.length)} hits ` +
      `(tuned ${pct(rateOf(reseeded.filter((s) => !s.heldOut)))}, held out ${pct(rateOf(reseeded.filter((s) => s.heldOut)))}).`,
    '', '## Per problem', '',
    '| problem | advisor | LR | fold | regret | hit | compute |', '|---|---|---:|---:|---:|:-:|---:|',
    ...scores.map((s) => `| ${s.problem}${s.heldOut ? ' (held out)' : ''} | ${s.advisor} | ${fmt(s.lr)} | ${fmt(s.fold, 2)} | ${s.regret === null ? '—' : Number.isFinite(s.regret) ? pct(s.regret) : '∞'} | ${s.hit ? '✓' : '✗'} | ${(100 * s.share).toFixed(1)} % |`),
    '',
  ];
  const dir = 'bench/results';
  for (const [name, text] of [['advice.md', lines.join('\n')], ['advice.json', JSON.stringify({ summary, scores }, null, 1) + '\n']] as const) {
    await writeFile(join(dir, name + '.tmp'), text);
    await rename(join(dir, name + '.tmp'), join(dir, name));
  }
  process.stdout.write(lines.slice(0, 8 + ADVISORS.length).join('\n') + '\n');
}

function rateOf(list: Score[]): number {
  return list.length ? list.filter((s) => s.hit).length / list.length : NaN;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[s.length >> 1]! : NaN;
}

await main();
