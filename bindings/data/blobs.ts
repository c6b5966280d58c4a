/**
 * Isotropic Gaussian blobs, as scikit-learn's make_blobs: one centre per class
 * drawn uniformly in `centerBox` (each coordinate), and each point is its
 * centre plus `clusterStd` times a standard normal in every coordinate.
 */
import { createRng } from '../random.js';
import type { Dataset, Matrix } from '../types.js';
import { checkKeys, numberOr } from '../validate.js';
import { evenCounts, optionsObject, rangeOr, samplesOr, seedOr, shuffledClassification } from './common.js';

export interface BlobsOptions {
  /** Total number of points (default 100), split evenly over the centres. */
  samples?: number;
  /** Number of centres = number of classes (default 3). */
  centers?: number;
  /** Dimension of each point (default 2). */
  features?: number;
  /** Standard deviation of every cluster, in every coordinate (default 1). */
  clusterStd?: number;
  /** Box each centre coordinate is drawn from (default [-10, 10]). */
  centerBox?: [number, number];
  seed?: number;
}

/** A blobs Dataset that also carries the true centres (centers × features), e.g. for a nearest-centre baseline. */
export type BlobsDataset = Dataset & { centers: Matrix };

export const BLOBS_KEYS = ['samples', 'centers', 'features', 'clusterStd', 'centerBox', 'seed'] as const;

/** Checks blobs options (refusing unknown keys except `allow`) and fills the defaults. */
export function resolveBlobsOptions(options: unknown, field = 'blobs', allow: readonly string[] = []): Required<BlobsOptions> {
  const o = optionsObject(field, options);
  checkKeys(field, o, [...BLOBS_KEYS, ...allow]);
  return {
    samples: samplesOr(`${field}.samples`, o.samples, 100),
    centers: numberOr(`${field}.centers`, o.centers, 3, { integer: true, min: 1 }),
    features: numberOr(`${field}.features`, o.features, 2, { integer: true, min: 1 }),
    clusterStd: numberOr(`${field}.clusterStd`, o.clusterStd, 1, { min: 0 }),
    centerBox: rangeOr(`${field}.centerBox`, o.centerBox, [-10, 10]),
    seed: seedOr(`${field}.seed`, o.seed),
  };
}

export function blobs(options: BlobsOptions = {}): BlobsDataset {
  const { samples, centers, features, clusterStd, centerBox, seed } = resolveBlobsOptions(options);
  const rng = createRng(seed, 0);
  const [lo, hi] = centerBox;
  const c = new Float32Array(centers * features);
  for (let i = 0; i < c.length; i++) c[i] = lo + (hi - lo) * rng.uniform();

  const x = new Float32Array(samples * features);
  const labels = new Int32Array(samples);
  let row = 0;
  evenCounts(samples, centers).forEach((count, k) => {
    for (let n = 0; n < count; n++, row++) {
      labels[row] = k;
      for (let j = 0; j < features; j++) {
        x[row * features + j] = c[k * features + j]! + clusterStd * rng.normal();
      }
    }
  });
  const ds = shuffledClassification('blobs', x, labels, features, centers, seed);
  return { ...ds, centers: { data: c, rows: centers, cols: features } };
}
