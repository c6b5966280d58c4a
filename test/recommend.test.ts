// recommendLr and `lrlab recommend`: the budget holds, the same spec and seed
// give the same advice on any executor, the objective is stated, bad options
// are LrlabErrors before any training, and --json prints one JSON object.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tidy } from '../bindings/advice/fit.js';
import { recommendLr, type RecommendOptions } from '../bindings/advice/recommend.js';
import { LrlabError } from '../bindings/errors.js';
import { experimentData, type ExperimentSpec } from '../bindings/experiment.js';
import { InlineExecutor } from '../bindings/sweep/executor.js';
import { PoolExecutor } from '../bindings/sweep/pool.js';
import { lrlab } from './helpers/cli.js';

const SPEC: ExperimentSpec = {
  data: { name: 'moons', samples: 200, noise: 0.2, seed: 1 }, split: { testFraction: 0.3, seed: 0 },
  model: { inputs: 2, layers: [{ units: 16, activation: 'relu' }, { units: 2, activation: 'softmax' }], loss: 'categorical_crossentropy' },
  optimizer: { name: 'adam' }, epochs: 10, batchSize: 16, seed: 1,
};

describe('recommendLr', () => {
  let first: Awaited<ReturnType<typeof recommendLr>>;
  beforeAll(async () => {
    first = await recommendLr(SPEC, { budget: 60 });
  });

  it('stays within its budget, counting every epoch trained and the range test', () => {
    expect(first.cost.budget).toBe(60);
    expect(first.cost.epochs).toBeLessThanOrEqual(60);
    const trained = first.evidence.lrs.reduce((n, e) => n + e.epochs, 0);
    expect(first.cost.epochs).toBeCloseTo(trained + first.cost.rangeTestEpochs, 1);
    expect(first.cost.runs).toBe(first.evidence.lrs.reduce((n, e) => n + e.values.length, 0));
    // The range test ran on the training batch size (16), not the default 32.
    expect(first.evidence.finder!.batchSize).toBe(16);
    expect(first.cost.rangeTestEpochs).toBeCloseTo((first.evidence.finder!.lrs.length * 16) / 140, 1);
  });

  it('the default budget is 8 × epochs; the answer is read from the smooth fit over every run, inside its range', async () => {
    const rec = await recommendLr(SPEC);
    expect(rec.cost.budget).toBe(80);
    expect(rec.cost.epochs).toBeLessThanOrEqual(80);
    expect(rec.objective).toBe('final');
    const lrs = rec.evidence.lrs; // in increasing LR
    // Every run has its own seed: spec.seed, +1, +2, … in the order they were planned.
    const seeds = lrs.flatMap((e) => e.seeds).sort((a, b) => a - b);
    expect(seeds).toEqual(Array.from({ length: rec.cost.runs }, (_, i) => SPEC.seed! + i));
    // The choice is the middle (log scale) of the fit's band within 5 % of its minimum: inside the tried span
    // and the range, and the fit it was read from is in the evidence.
    const { fit } = rec.evidence;
    expect(fit.lrs.length).toBe(fit.values.length);
    expect(Math.min(...fit.values)).toBeCloseTo(fit.minimum.value, 12);
    const inBand = fit.lrs.filter((_, i) => fit.values[i]! <= fit.minimum.value * 1.05);
    expect(rec.lr).toBeGreaterThanOrEqual(Math.min(...inBand) / 1.001);
    expect(rec.lr).toBeLessThanOrEqual(Math.max(...inBand) * 1.001);
    expect(rec.lr).toBeGreaterThanOrEqual(lrs[0]!.lr);
    expect(rec.lr).toBeLessThanOrEqual(lrs[lrs.length - 1]!.lr);
    expect(rec.range[0]).toBeLessThanOrEqual(rec.lr);
    expect(rec.range[1]).toBeGreaterThanOrEqual(rec.lr);
    // Never at or above an LR where a run diverged, when the fit's minimum is below it.
    for (const e of lrs.filter((x) => x.diverged > 0 && x.lr > fit.minimum.lr)) expect(rec.lr).toBeLessThan(e.lr);
    expect(rec.explanation).toMatch(/^lr = \S+ .*is the middle of the band where a smooth fit of the final validation loss/);
  });

  it.each([30, 45, 61, 100])('never trains more than its budget of %i epochs, the range test included', async (budget) => {
    const rec = await recommendLr(SPEC, { budget });
    expect(rec.cost.epochs).toBeLessThanOrEqual(budget);
    const trained = rec.evidence.lrs.reduce((n, e) => n + e.epochs, 0);
    expect(trained + rec.cost.rangeTestEpochs).toBeLessThanOrEqual(budget + 0.01);
    // It spends what it can: less than one more full run is left over.
    expect(budget - rec.cost.epochs).toBeLessThan(SPEC.epochs);
  });

  it('is deterministic for a seed, and the worker pool gives the same advice as inline', async () => {
    const again = await recommendLr(SPEC, { budget: 60, executor: new InlineExecutor() });
    expect(again).toEqual(first);
    const pool = new PoolExecutor({ concurrency: 2 });
    try {
      expect(await recommendLr(SPEC, { budget: 60, executor: pool })).toEqual(first);
    } finally {
      await pool.close();
    }
    const otherSeed = await recommendLr({ ...SPEC, seed: 7 }, { budget: 60 });
    expect(otherSeed.evidence.lrs).not.toEqual(first.evidence.lrs);
  });

  it("optimizes the best epoch's loss by default when the spec stops early", async () => {
    const rec = await recommendLr({ ...SPEC, earlyStopping: { patience: 3 } }, { budget: 30 });
    expect(rec.objective).toBe('best');
    expect(rec.explanation).toContain('best-epoch validation loss');
  });

  it.each<[string, RecommendOptions | Record<string, unknown>, string]>([
    ['a budget below 3 × epochs', { budget: 29 }, 'recommend.budget'],
    ['a fractional budget', { budget: 40.5 }, 'recommend.budget'],
    ['an unknown objective', { objective: 'median' }, 'recommend.objective'],
    ['an unknown option', { budjet: 40 }, 'recommend.budjet'],
    ['an executor that is not one', { executor: {} }, 'recommend.executor'],
  ])('refuses %s with an LrlabError naming the field, before any training', async (_name, options, field) => {
    const error = await recommendLr(SPEC, options as RecommendOptions).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LrlabError);
    expect((error as LrlabError).field).toBe(field);
  });

  it('refuses a bad spec before any training', async () => {
    const error = await recommendLr({ ...SPEC, epochs: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LrlabError);
    expect((error as LrlabError).field).toBe('spec.epochs');
  });
});

describe('recommendLr at the edge of stability', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lrlab-recommend-edge-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('bisects (in log LR) the gap between the best finite LR and a decade run known to diverge', async () => {
    // A linear model on a line under full-batch gradient descent with MSE: the error along the
    // Hessian's top eigenvector scales by |1 − lr·λmax| per step, so any lr·λmax > 2 diverges.
    // 19 full-batch epochs are too few steps for a range test, so the search centres on spec's LR.
    const n = 100, path = join(dir, 'line.csv');
    const rows = Array.from({ length: n }, (_, i) => {
      const x = -Math.sqrt(3) + (2 * Math.sqrt(3) * i) / (n - 1);
      return `${x},${2 * x + 0.5 + 0.1 * Math.sin(7 * i)}`;
    });
    await writeFile(path, 'x,y\n' + rows.join('\n') + '\n');
    const spec: ExperimentSpec = {
      data: { name: 'csv', path }, split: { testFraction: 0.3, seed: 0 },
      model: { inputs: 1, layers: [{ units: 1 }], loss: 'mse' }, optimizer: { name: 'sgd' }, epochs: 19, batchSize: 1000, seed: 1,
    };
    // Hessian of mean((w x + b − y)²) over the training rows: (2/m) Σ [x 1]ᵀ[x 1].
    const { train } = await experimentData(spec);
    const m = train.x.rows;
    let sx = 0, sxx = 0;
    for (let i = 0; i < m; i++) { sx += train.x.data[i]!; sxx += train.x.data[i]! ** 2; }
    const a = (2 * sxx) / m, b = (2 * sx) / m, c = 2;
    const lambdaMax = (a + c) / 2 + Math.sqrt(((a - c) / 2) ** 2 + b * b);
    const prior = tidy(1.5 / lambdaMax), diverging = tidy(10 * prior);
    expect(prior * lambdaMax).toBeLessThan(2);
    expect(diverging * lambdaMax).toBeGreaterThan(2); // by a factor of 7: the error grows 14× per step

    const rec = await recommendLr({ ...spec, optimizer: { name: 'sgd', lr: prior } });
    expect(rec.evidence.finder).toBeNull();
    const at = (lr: number) => rec.evidence.lrs.find((e) => e.lr === lr)!;
    expect(at(diverging).stage).toBe('coarse');
    expect(at(diverging).diverged).toBe(1);
    expect(at(prior).diverged).toBe(0);
    expect(at(prior).mean).toBeLessThan(at(tidy(prior / 10)).mean);
    // The fit's minimum is at the highest finite decade run, a decade below the diverged one: the next
    // run is halfway between them in log scale, not a decade further.
    const edge = rec.evidence.lrs.filter((e) => e.stage === 'edge').map((e) => e.lr);
    expect(edge).toContain(tidy(Math.sqrt(prior * diverging)));
    expect(edge.every((lr) => lr > prior && lr < diverging)).toBe(true);
    expect(rec.lr).toBeLessThan(diverging);
  });
});

describe('lrlab recommend', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lrlab-recommend-'));
    await writeFile(join(dir, 'spec.json'), JSON.stringify(SPEC));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('--json prints exactly one JSON object on stdout, the same as recommend.json; the report has the evidence', async () => {
    const run = await lrlab(['recommend', '--spec', join(dir, 'spec.json'), '--budget', '40', '--json', '--inline', '--out', join(dir, 'out')]);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const printed = JSON.parse(lines[0]!);
    expect(Object.keys(printed)).toEqual(expect.arrayContaining(['lr', 'range', 'objective', 'cost', 'evidence', 'explanation']));
    expect(printed.cost.epochs).toBeLessThanOrEqual(40);
    expect(JSON.parse(await readFile(join(dir, 'out', 'recommend.json'), 'utf8'))).toEqual(printed);
    const html = await readFile(join(dir, 'out', 'recommend.html'), 'utf8');
    expect(html).toContain('data-table="evidence"');
    expect(html).toContain('<svg');
    // The smooth fit the choice was read from is drawn over the runs.
    expect(html).toContain('data-series="fit"');
  }, 60_000);

  it('a bad --budget or --objective is one line "lrlab: ..." and exit 2', async () => {
    for (const args of [['--budget', '5'], ['--objective', 'median']]) {
      const run = await lrlab(['recommend', '--spec', join(dir, 'spec.json'), ...args]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(new RegExp(`^lrlab: ${args[0]}: .*Received: ${args[0]}=`));
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
    }
  }, 60_000);
});
