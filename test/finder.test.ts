// The LR range test: its suggestion must land near the LR a full grid search
// finds best, and it must leave the model exactly as it found it.
import { describe, expect, it } from 'vitest';
import { Model, blobs, splitAt, LrlabError } from '../bindings/index.js';
import { findLr, suggest } from '../bindings/finder.js';
import { TUTORIAL_EXPERIMENT, runExperiment } from '../bindings/experiment.js';
import type { BlobsOptions } from '../bindings/data/blobs.js';

const { name: _, ...blobsOptions } = TUTORIAL_EXPERIMENT.data as { name: 'blobs' } & BlobsOptions;
const { train } = splitAt(blobs(blobsOptions), 500);
const tutorialModel = () => Model.create({ model: TUTORIAL_EXPERIMENT.model, optimizer: TUTORIAL_EXPERIMENT.optimizer, seed: 1 });

describe('findLr on the tutorial blobs experiment', () => {
  it('suggests an LR within a factor of 10 of the best LR of the 1e0 … 1e-7 grid', async () => {
    // The grid: the tutorial's 8 learning rates, SGD momentum 0.9, 200 epochs, judged by test loss.
    const grid: { lr: number; loss: number }[] = [];
    for (let e = 0; e <= 7; e++) {
      const lr = 1 / 10 ** e;
      const result = await runExperiment({ ...TUTORIAL_EXPERIMENT, optimizer: { ...TUTORIAL_EXPERIMENT.optimizer, lr } });
      if (result.history.status !== 'diverged') grid.push({ lr, loss: result.test!.loss });
    }
    const best = grid.reduce((a, b) => (b.loss < a.loss ? b : a));
    expect(best.lr).toBe(0.01); // measured: test loss 0.209 at 1e-2, 0.226 at 1e-3, 0.315 at 1e-1
    const found = await findLr(await tutorialModel(), train);
    expect(found.suggested).toBe(found.suggestions.valley);
    expect(Math.abs(Math.log10(found.suggested / best.lr))).toBeLessThan(1); // measured: 8.5e-3
  });

  it('stops once the smoothed loss explodes, and records a debiased moving average', async () => {
    // Up to lr 10 this softmax model's loss stays a few units (cross-entropy saturates) and the test
    // runs its full 100 steps; ramped on to 1e4 the loss explodes (measured: the test stops at step 74).
    const found = await findLr(await tutorialModel(), train, { steps: 100, endLr: 1e4 });
    expect(found.stoppedEarly).toBe(true);
    expect(found.lrs.length).toBeLessThan(100);
    // lr ramps exponentially from 1e-7 towards 1e4.
    expect(found.lrs[0]).toBeCloseTo(1e-7, 20);
    const ratio = found.lrs[1] / found.lrs[0];
    expect(found.lrs[2] / found.lrs[1]).toBeCloseTo(ratio, 10);
    expect(ratio).toBeCloseTo((1e4 / 1e-7) ** (1 / 99), 10);
    // smoothed_0 = loss_0 (debiasing: avg/(1-β) with avg = (1-β)·loss_0).
    expect(found.smoothed[0]).toBeCloseTo(found.losses[0], 12);
    const beta = 0.98;
    const avg1 = beta * (1 - beta) * found.losses[0] + (1 - beta) * found.losses[1];
    expect(found.smoothed[1]).toBeCloseTo(avg1 / (1 - beta ** 2), 12);
  });

  it('restores weights, optimizer slots and step counter bit for bit', async () => {
    const model = await tutorialModel();
    await model.fit(train, { epochs: 3, batchSize: 32 });
    const b = model.internals;
    const before = { w: model.getWeights(), v: b.slot(0).slice(), step: model.step };
    await findLr(model, train, { steps: 50 });
    expect(new Uint32Array(model.getWeights().buffer)).toEqual(new Uint32Array(before.w.buffer));
    expect(new Uint32Array(b.slot(0).slice().buffer)).toEqual(new Uint32Array(before.v.buffer));
    expect(model.step).toBe(before.step);
    expect(model.epochsTrained).toBe(3);
    // Training after the test continues exactly as it would have without it.
    const twin = await tutorialModel();
    await twin.fit(train, { epochs: 3, batchSize: 32 });
    await model.fit(train, { epochs: 5, batchSize: 32 });
    await twin.fit(train, { epochs: 5, batchSize: 32 });
    expect(new Uint32Array(model.getWeights().buffer)).toEqual(new Uint32Array(twin.getWeights().buffer));
  });

  it('ramps linearly in linear mode', async () => {
    const found = await findLr(await tutorialModel(), train, { startLr: 0.001, endLr: 0.1, steps: 20, mode: 'linear' });
    for (let i = 0; i < found.lrs.length; i++) expect(found.lrs[i]).toBeCloseTo(0.001 + (0.099 * i) / 19, 12);
  });
});

describe('suggest', () => {
  it("picks fastai's steepest, minimum/10 and valley points of a known curve", () => {
    // A valley: flat at 2, falling from step 20 to 60, rising after. Log-spaced lrs.
    const lrs = Array.from({ length: 100 }, (_, i) => 1e-6 * 10 ** (i / 14));
    const losses = lrs.map((_, i) => (i < 20 ? 2 : i < 60 ? 2 - (i - 20) * 0.04 : 0.4 + (i - 60) * 0.2));
    const s = suggest(lrs, losses);
    // Trimmed window: points 10 … 94. Minimum at i = 60 → lr/10.
    expect(s.minimum).toBeCloseTo(lrs[60] / 10, 12);
    // Steepest fall per log-lr: every step of 20…59 falls by the same 0.04, so any of them (rounding decides).
    expect(s.steepest).toBeGreaterThanOrEqual(lrs[20]);
    expect(s.steepest).toBeLessThanOrEqual(lrs[59]);
    // Longest decreasing run (in the window): from i = 19 (last flat point) to 60; start + ⌊41/3⌋ + ⌊41/6⌋ = 19 + 13 + 6.
    expect(s.valley).toBeCloseTo(lrs[38], 12);
  });
});

describe('bad options', () => {
  it.each([
    [{ startLr: 0 }, 'findLr.startLr'],
    [{ endLr: 1e-8 }, 'findLr.endLr'],
    [{ steps: 5 }, 'findLr.steps'],
    [{ mode: 'cosine' }, 'findLr.mode'],
    [{ smoothing: 1 }, 'findLr.smoothing'],
    [{ stopFactor: 1 }, 'findLr.stopFactor'],
    [{ batch: 32 }, 'findLr.batch'],
  ])('%j is refused naming %s', async (options, field) => {
    const model = await tutorialModel();
    const error = await findLr(model, train, options as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LrlabError);
    expect((error as LrlabError).field).toBe(field);
  });
});
