/**
 * The ground truth of the advice benchmark: every problem trained on a fine
 * log grid of learning rates (GRID_COUNT from GRID_FROM down to GRID_TO) × 3
 * seeds, with lrlab's default divergence guard. Each run stopped by the guard
 * is rerun without it, to check that the guard stopped only runs that would not
 * have ended well. Written to bench/advice/ground-truth/NAME.json.
 *
 * --replicate trains the same grid again with 3 other seeds (spec.seed +
 * REPLICATE_SEED_OFFSET + 0, 1, 2, which neither the ground truth nor
 * recommend's searches use) into bench/advice/ground-truth-replicate/NAME.json:
 * an independent measurement of the same truth, to tell how much of an
 * advisor's misses the truth's own seed noise explains.
 *
 *     nice -n 10 npx tsx bench/advice/ground-truth.ts [--only NAME,NAME] [--replicate]
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { logGrid } from '../../bindings/sweep/axes.js';
import { PoolExecutor } from '../../bindings/sweep/pool.js';
import { PROBLEMS } from './problems.js';
import { meanFinal, SEEDS, trainAt, type RunScore } from './grid.js';

export const GRID_FROM = 3, GRID_TO = 1e-5, GRID_COUNT = 31;
export const GROUND_TRUTH_DIR = 'bench/advice/ground-truth';
export const GROUND_TRUTH_COMMAND = 'nice -n 10 npx tsx bench/advice/ground-truth.ts --only NAME';
export const REPLICATE_DIR = 'bench/advice/ground-truth-replicate';
export const REPLICATE_COMMAND = GROUND_TRUTH_COMMAND + ' --replicate';
export const REPLICATE_SEED_OFFSET = 1000;

export interface GroundTruth {
  name: string;
  command: string;
  grid: { from: number; to: number; count: number; seeds: number };
  epochsPerRun: number;
  /** Epochs of the whole grid (every run at its full length): the unit of the advisors' compute share. */
  gridEpochs: number;
  runs: RunScore[];
  /** Runs stopped by the guard, rerun with divergence: false. */
  guardReruns: RunScore[];
  bestLr: { final: number; best: number };
  bestLoss: { final: number; best: number };
  /** Replicates only: the runs' seeds are spec.seed + seedOffset + RunScore.seed. */
  seedOffset?: number;
}

function argminLr(lrs: number[], runs: RunScore[], objective: 'final' | 'best'): { lr: number; loss: number } {
  let lr = NaN, loss = Infinity;
  for (const x of lrs) {
    const m = meanFinal(runs.filter((r) => r.lr === x), objective);
    if (m < loss) { loss = m; lr = x; }
  }
  return { lr, loss };
}

async function main(): Promise<void> {
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1]!.split(',') : undefined;
  const replicate = process.argv.includes('--replicate');
  const [dir, command, offset] = replicate ? [REPLICATE_DIR, REPLICATE_COMMAND, REPLICATE_SEED_OFFSET] : [GROUND_TRUTH_DIR, GROUND_TRUTH_COMMAND, 0];
  const problems = PROBLEMS.filter((p) => !only || only.includes(p.name));
  const executor = new PoolExecutor();
  const lrs = logGrid(GRID_FROM, GRID_TO, GRID_COUNT);
  await mkdir(dir, { recursive: true });
  try {
    for (const p of problems) {
      const started = performance.now();
      const spec = replicate ? { ...p.spec, seed: (p.spec.seed ?? 0) + offset } : p.spec;
      const runs = await trainAt(spec, lrs, executor);
      const stopped = runs.filter((r) => r.cause === 'guard');
      const guardReruns: RunScore[] = [];
      for (const r of stopped) {
        const [again] = await trainAt({ ...spec, seed: (spec.seed ?? 0) + r.seed, divergence: false }, [r.lr], executor, 1);
        guardReruns.push({ ...again!, seed: r.seed });
      }
      const f = argminLr(lrs, runs, 'final'), b = argminLr(lrs, runs, 'best');
      const truth: GroundTruth = {
        name: p.name, command: command.replace('NAME', p.name),
        grid: { from: GRID_FROM, to: GRID_TO, count: GRID_COUNT, seeds: SEEDS },
        epochsPerRun: p.spec.epochs, gridEpochs: GRID_COUNT * SEEDS * p.spec.epochs,
        runs, guardReruns, bestLr: { final: f.lr, best: b.lr }, bestLoss: { final: f.loss, best: b.loss },
        ...(replicate ? { seedOffset: offset } : {}),
      };
      const file = join(dir, `${p.name}.json`);
      await writeFile(file + '.tmp', JSON.stringify(truth) + '\n');
      await rename(file + '.tmp', file);
      process.stdout.write(`${p.name}: best final lr ${f.lr.toPrecision(3)} (loss ${f.loss.toPrecision(4)}), best-epoch lr ${b.lr.toPrecision(3)}, ` +
        `${stopped.length} guard stops, ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    }
  } finally {
    await executor.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
