// The default sweep (the tutorial's blobs experiment over lr 1e0 … 1e-7 ×
// momentum {0, 0.5, 0.9, 0.99}), diagnosed: the ends of the LR range must be
// recognised for what they are, the recommendation must contain the LR the
// tutorial finds best, and no trial that ends near the best is called unstable.
import { expect, it } from 'vitest';
import { analyzeSweep } from '../bindings/diagnostics/index.js';
import { finalLoss } from '../bindings/diagnostics/results.js';
import { TUTORIAL_EXPERIMENT } from '../bindings/experiment.js';
import { InlineExecutor } from '../bindings/sweep/executor.js';
import { runSweep } from '../bindings/sweep/run.js';
import { validateSweep } from '../bindings/sweep/spec.js';

const AXES = { 'optimizer.lr': { log: { from: 1, to: 1e-7, count: 8 } }, 'optimizer.momentum': [0, 0.5, 0.9, 0.99] };

it('flags lr = 1 as unstable or far from the best, lr = 1e-7 as too slow, and recommends a range around 1e-2', async () => {
  const sweep = validateSweep({ base: TUTORIAL_EXPERIMENT, axes: AXES });
  const results = await runSweep(sweep, { executor: new InlineExecutor() });
  expect(results).toHaveLength(32);
  const analysis = analyzeSweep(results);
  const label = (lr: number, momentum: number) =>
    analysis.diagnoses[results.find((r) => r.params['optimizer.lr'] === lr && r.params['optimizer.momentum'] === momentum)!.id].label;
  // lr = 1 ends at 2–6× the best loss (measured) or runs off to 1e32 (momentum 0.99).
  for (const momentum of [0, 0.5, 0.9]) expect(['oscillating', 'plateaued_early']).toContain(label(1, momentum));
  expect(label(1, 0.99)).toBe('diverged');
  // Momentum 0.99 multiplies the effective step by 100, so at 1e-7 it does learn (measured: good or
  // plateaued); the tutorial's lower momenta do not.
  for (const momentum of [0, 0.5, 0.9]) expect(label(1e-7, momentum)).toBe('too_slow');
  const best = results.find((r) => r.id === analysis.bestTrialId)!;
  expect(best.params).toEqual({ 'optimizer.lr': 0.01, 'optimizer.momentum': 0.9 }); // the tutorial's choice
  expect(analysis.recommended!.low).toBeLessThanOrEqual(0.01);
  expect(analysis.recommended!.high).toBeGreaterThanOrEqual(0.01);
  expect(analysis.recommended!.explanation).toMatch(/0\.01/);
  // The U: 8 points per momentum, the worst at the ends.
  const curve = analysis.sensitivity.filter((p) => p.group['optimizer.momentum'] === 0.9);
  expect(curve.map((p) => p.x)).toEqual([1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.1, 1]);
  const middle = curve.find((p) => p.x === 0.01)!.finalLoss.mean;
  expect(curve.find((p) => p.x === 1e-7)!.finalLoss.mean).toBeGreaterThan(5 * middle);
});

it('with 3 repeats (96 trials), no trial within 20% of the best final validation loss is labelled oscillating or diverged', async () => {
  const results = await runSweep(validateSweep({ base: TUTORIAL_EXPERIMENT, axes: AXES, repeats: 3 }), { executor: new InlineExecutor() });
  const analysis = analyzeSweep(results);
  const finals = results.map((r) => ({ r, loss: finalLoss(r) })).filter((f) => Number.isFinite(f.loss));
  const bestLoss = Math.min(...finals.map((f) => f.loss));
  const near = finals.filter((f) => f.loss <= 1.2 * bestLoss);
  expect(near.length).toBeGreaterThan(10); // measured: 22 trials of 96
  for (const { r } of near) expect(['oscillating', 'diverged']).not.toContain(analysis.diagnoses[r.id]!.label);
  // The guard stops nothing here that ends finite: every 'diverged' status is a non-finite loss.
  for (const r of results.filter((x) => x.status === 'diverged')) expect(r.history!.events.at(-1)!.cause).toBe('non_finite');
});
