/**
 * The spiral of Stanford CS231n ("Putting it together: minimal neural
 * network case study"): class k has points at radius r = linspace(0, 1) and
 * angle t = linspace(4k, 4(k+1)) + noise * normal, placed at (r sin t, r cos t).
 * Not linearly separable: the classic first test of a hidden layer.
 */
import { createRng } from '../random.js';
import type { Dataset } from '../types.js';
import { checkKeys, numberOr } from '../validate.js';
import { evenCounts, linspace, optionsObject, samplesOr, seedOr, shuffledClassification } from './common.js';

export interface SpiralOptions {
  /**
   * Total number of points (default 300 = CS231n's 100 per class × 3), split
   * evenly over the classes, the first `samples % classes` classes getting one extra.
   */
  samples?: number;
  /** Number of arms = classes (default 3, at least 2). */
  classes?: number;
  /** Standard deviation of the noise on the angle, in radians (default 0.2 as CS231n). */
  noise?: number;
  seed?: number;
}

export const SPIRAL_KEYS = ['samples', 'classes', 'noise', 'seed'] as const;

export function resolveSpiralOptions(options: unknown, field = 'spiral', allow: readonly string[] = []): Required<SpiralOptions> {
  const o = optionsObject(field, options);
  checkKeys(field, o, [...SPIRAL_KEYS, ...allow]);
  return {
    samples: samplesOr(`${field}.samples`, o.samples, 300),
    classes: numberOr(`${field}.classes`, o.classes, 3, { integer: true, min: 2 }),
    noise: numberOr(`${field}.noise`, o.noise, 0.2, { min: 0 }),
    seed: seedOr(`${field}.seed`, o.seed),
  };
}

export function spiral(options: SpiralOptions = {}): Dataset {
  const { samples, classes, noise, seed } = resolveSpiralOptions(options);
  const rng = createRng(seed, 0);
  const x = new Float32Array(samples * 2);
  const labels = new Int32Array(samples);
  let row = 0;
  evenCounts(samples, classes).forEach((count, k) => {
    for (let i = 0; i < count; i++, row++) {
      const r = linspace(0, 1, count, i);
      const t = linspace(4 * k, 4 * (k + 1), count, i) + noise * rng.normal();
      labels[row] = k;
      x[2 * row] = r * Math.sin(t);
      x[2 * row + 1] = r * Math.cos(t);
    }
  });
  return shuffledClassification('spiral', x, labels, 2, classes, seed);
}
