// The default sweep (the tutorial's blobs experiment over lr 1e0 … 1e-7 ×
// momentum {0, 0.5, 0.9, 0.99}), diagnosed: the ends of the LR range must be
// recognised for what they are, and the recommendation must contain the LR
// the tutorial finds best.
import { expect, it } from 'vitest';
import { analyzeSweep } from '../bindings/diagnostics/index.js';
import { TUTORIAL_EXPERIMENT } from '../bindings/experiment.js';
import { InlineExecutor } from '../bindings/sweep/executor.js';
import { runSweep } from '../bindings/sweep/run.js';
import { validateSweep } from '../bindings/sweep/spec.js';

it('flags lr = 1 as diverged or oscillating, lr = 1e-7 as too slow, and recommends a range around 1e-2', async () => {
  const sweep = validateSweep({
    base: TUTORIAL_EXPERIMENT,
    axes: { 'optimizer.lr': { log: { from: 1, to: 1e-7, count: 8 } }, 'optimizer.momentum': [0, 0.5, 0.9, 0.99] },
  });
  const results = await runSweep(sweep, { executor: new InlineExecutor() });
  expect(results).toHaveLength(32);
  const analysis = analyzeSweep(results);
  const label = (lr: number, momentum: number) =>
    analysis.diagnoses[results.find((r) => r.params['optimizer.lr'] === lr && r.params['optimizer.momentum'] === momentum)!.id].label;
  for (const momentum of [0, 0.5, 0.9, 0.99]) expect(['diverged', 'oscillating']).toContain(label(1, momentum));
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
  expect(curve.find((p) => p.x === 1)!.diverged).toBe(1); // the divergence guard stopped it
});
