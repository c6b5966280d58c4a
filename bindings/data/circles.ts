/**
 * A large circle containing a smaller one, as scikit-learn's make_circles:
 * class 0 lies on the unit circle, class 1 on the circle of radius `factor`,
 * both at evenly spaced angles in [0, 2π) (no duplicate point at 2π), plus
 * Gaussian noise of standard deviation `noise`. Class 0 gets floor(n/2) points.
 */
import { createRng } from '../random.js';
import type { Dataset } from '../types.js';
import { checkKeys, numberOr } from '../validate.js';
import { optionsObject, samplesOr, seedOr, shuffledClassification } from './common.js';

export interface CirclesOptions {
  /** Total number of points (default 100). */
  samples?: number;
  /** Standard deviation of the Gaussian noise added to each coordinate (default 0, as scikit-learn). */
  noise?: number;
  /** Radius of the inner circle relative to the outer one, in [0, 1) (default 0.8). */
  factor?: number;
  seed?: number;
}

export const CIRCLES_KEYS = ['samples', 'noise', 'factor', 'seed'] as const;

export function resolveCirclesOptions(options: unknown, field = 'circles', allow: readonly string[] = []): Required<CirclesOptions> {
  const o = optionsObject(field, options);
  checkKeys(field, o, [...CIRCLES_KEYS, ...allow]);
  return {
    samples: samplesOr(`${field}.samples`, o.samples, 100),
    noise: numberOr(`${field}.noise`, o.noise, 0, { min: 0 }),
    // factor = 1 would put both classes on the same circle: nothing to learn.
    factor: numberOr(`${field}.factor`, o.factor, 0.8, { min: 0, below: 1 }),
    seed: seedOr(`${field}.seed`, o.seed),
  };
}

export function circles(options: CirclesOptions = {}): Dataset {
  const { samples, noise, factor, seed } = resolveCirclesOptions(options);
  const rng = createRng(seed, 0);
  const nOut = Math.floor(samples / 2);
  const nIn = samples - nOut;
  const x = new Float32Array(samples * 2);
  const labels = new Int32Array(samples);
  for (let i = 0; i < samples; i++) {
    const inner = i >= nOut;
    const t = inner ? (2 * Math.PI * (i - nOut)) / nIn : (2 * Math.PI * i) / nOut;
    const r = inner ? factor : 1;
    labels[i] = inner ? 1 : 0;
    x[2 * i] = r * Math.cos(t) + noise * rng.normal();
    x[2 * i + 1] = r * Math.sin(t) + noise * rng.normal();
  }
  return shuffledClassification('circles', x, labels, 2, 2, seed);
}
