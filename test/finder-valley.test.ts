// The range test's valley suggestion, computed in O(n log n), picks the very index
// fastai's O(n²) longest-decreasing-subsequence loop picks (the reference below is
// that loop, as lrlab ran it before), on made-up and on real finder curves; and
// --steps / findLr.steps are bounded.
import { describe, expect, it } from 'vitest';
import { Model, blobs, splitAt } from '../bindings/index.js';
import { findLr, MAX_FINDER_STEPS, valleyIndex } from '../bindings/finder.js';
import { TUTORIAL_EXPERIMENT } from '../bindings/experiment.js';
import type { BlobsOptions } from '../bindings/data/blobs.js';
import { lrlab } from './helpers/cli.js';

/** fastai's lr_find valley (fastai/callback/schedule.py, `valley`), pair by pair. */
function quadraticValley(losses: number[]): number {
  const n = losses.length;
  const lengths = new Array<number>(n).fill(1);
  let maxStart = 0, maxEnd = 0;
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if (losses[i] < losses[j] && lengths[i] < lengths[j] + 1) lengths[i] = lengths[j] + 1;
    }
    if (lengths[maxEnd] < lengths[i]) {
      maxEnd = i;
      maxStart = maxEnd - lengths[maxEnd];
    }
  }
  const sections = (maxEnd - maxStart) / 3;
  return maxStart + Math.floor(sections) + Math.floor(sections / 2);
}

/** A small deterministic generator (LCG), so the curves are the same on every run. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('valleyIndex', () => {
  it('equals the O(n²) reference on made-up curves: noise, ramps, plateaus, ties, a few points', () => {
    const curves: number[][] = [[1], [2, 1], [1, 2], [1, 1, 1, 1], [3, 2, 2, 1, 1, 0], [5, 4, 3, 2, 1], [1, 2, 3, 4, 5]];
    for (let seed = 1; seed <= 200; seed++) {
      const next = random(seed);
      const n = 2 + Math.floor(next() * 300);
      // A finder-like curve: a fall, a floor, an explosion, with noise; some with rounded (tied) values.
      const rounded = seed % 3 === 0;
      curves.push(Array.from({ length: n }, (_, i) => {
        const t = i / n;
        const v = 2 * Math.exp(-6 * t) + 4 * Math.max(0, t - 0.7) ** 2 + 0.3 * (next() - 0.5);
        return rounded ? Math.round(v * 10) / 10 : v;
      }));
    }
    for (const curve of curves) expect(valleyIndex(curve), JSON.stringify(curve.slice(0, 8))).toBe(quadraticValley(curve));
  });

  it('equals the reference on real range-test curves of the tutorial model', async () => {
    const { name: _, ...options } = TUTORIAL_EXPERIMENT.data as { name: 'blobs' } & BlobsOptions;
    const { train } = splitAt(blobs(options), 500);
    for (const [seed, steps, endLr] of [[1, 100, 10], [2, 300, 1e4], [3, 1000, 10]] as const) {
      const model = await Model.create({ model: TUTORIAL_EXPERIMENT.model, optimizer: TUTORIAL_EXPERIMENT.optimizer, seed });
      const found = await findLr(model, train, { steps, endLr });
      const from = Math.floor(found.lrs.length / 10);
      const trimmed = found.smoothed.slice(from, Math.max(from + 3, found.lrs.length - 5));
      expect(valleyIndex(trimmed)).toBe(quadraticValley(trimmed));
      expect(found.suggestions.valley).toBe(found.lrs[from + quadraticValley(trimmed)]);
    }
  });

  it('handles the longest curve the bound allows', () => {
    const next = random(7);
    const curve = Array.from({ length: MAX_FINDER_STEPS }, (_, i) => Math.exp(-i / 3000) + 0.01 * next());
    expect(valleyIndex(curve)).toBe(quadraticValley(curve));
  });
});

describe('the bound on the steps', () => {
  it('findLr refuses steps above the bound, naming the field', async () => {
    const model = await Model.create({ model: { inputs: 2, layers: [{ units: 2, activation: 'softmax' }], loss: 'categorical_crossentropy' }, optimizer: { name: 'sgd' } });
    const x = { data: new Float32Array(8), rows: 4, cols: 2 };
    const y = { data: new Float32Array([1, 0, 0, 1, 1, 0, 0, 1]), rows: 4, cols: 2 };
    await expect(findLr(model, { x, y }, { steps: MAX_FINDER_STEPS + 1 })).rejects.toMatchObject({ code: 'INVALID_OPTION', field: 'findLr.steps' });
  });

  it('lrlab find-lr --steps above the bound: exit 2, one lrlab: line naming --steps and the bound', async () => {
    const r = await lrlab(['find-lr', '--steps', String(MAX_FINDER_STEPS + 1)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^lrlab: --steps: must be an integer .*${MAX_FINDER_STEPS}.*Received: `));
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
