/**
 * Two interleaving half circles, as scikit-learn's make_moons: the upper moon
 * (class 0) is the unit half circle centred at (0, 0); the lower moon (class 1)
 * is the same half circle flipped and centred at (1, 0.5). Both get Gaussian
 * noise of standard deviation `noise` in x and y. Class 0 gets floor(n/2)
 * points, class 1 the rest.
 */
import { createRng } from '../random.js';
import type { Dataset } from '../types.js';
import { checkKeys, numberOr } from '../validate.js';
import { linspace, optionsObject, samplesOr, seedOr, shuffledClassification } from './common.js';

export interface MoonsOptions {
  /** Total number of points (default 100). */
  samples?: number;
  /** Standard deviation of the Gaussian noise added to each coordinate (default 0, as scikit-learn). */
  noise?: number;
  seed?: number;
}

export const MOONS_KEYS = ['samples', 'noise', 'seed'] as const;

export function resolveMoonsOptions(options: unknown, field = 'moons', allow: readonly string[] = []): Required<MoonsOptions> {
  const o = optionsObject(field, options);
  checkKeys(field, o, [...MOONS_KEYS, ...allow]);
  return {
    samples: samplesOr(`${field}.samples`, o.samples, 100),
    noise: numberOr(`${field}.noise`, o.noise, 0, { min: 0 }),
    seed: seedOr(`${field}.seed`, o.seed),
  };
}

export function moons(options: MoonsOptions = {}): Dataset {
  const { samples, noise, seed } = resolveMoonsOptions(options);
  const rng = createRng(seed, 0);
  const nOut = Math.floor(samples / 2);
  const nIn = samples - nOut;
  const x = new Float32Array(samples * 2);
  const labels = new Int32Array(samples);
  for (let i = 0; i < samples; i++) {
    const inner = i >= nOut;
    const t = inner ? linspace(0, Math.PI, nIn, i - nOut) : linspace(0, Math.PI, nOut, i);
    const px = inner ? 1 - Math.cos(t) : Math.cos(t);
    const py = inner ? 1 - Math.sin(t) - 0.5 : Math.sin(t);
    labels[i] = inner ? 1 : 0;
    x[2 * i] = px + noise * rng.normal();
    x[2 * i + 1] = py + noise * rng.normal();
  }
  return shuffledClassification('moons', x, labels, 2, 2, seed);
}
