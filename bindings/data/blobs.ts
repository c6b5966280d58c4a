/**
 * Isotropic Gaussian blobs, as scikit-learn's make_blobs: one centre per class
 * drawn uniformly in `centerBox` (each coordinate), and each point is its
 * centre plus `clusterStd` times a standard normal in every coordinate.
 * `generator: 'sklearn'` draws scikit-learn's very points instead (numpy's
 * legacy RandomState seeded with `randomState`, see sklearn-blobs.ts), in
 * scikit-learn's row order, rounded to f32 only when stored in the Dataset.
 */
import { createRng } from '../random.js';
import type { Dataset, Matrix } from '../types.js';
import { checkChoice, checkKeys, numberOr } from '../validate.js';
import { LrlabError } from '../errors.js';
import { evenCounts, oneHot, optionsObject, rangeOr, samplesOr, seedOr, shuffledClassification } from './common.js';
import { sklearnMakeBlobs } from './sklearn-blobs.js';

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
  /** 'lrlab' (default: lrlab's own seeded draws) or 'sklearn' (make_blobs's exact points). */
  generator?: BlobsGenerator;
  /** With generator 'sklearn': make_blobs's random_state, an integer in [0, 2^32) or an array of them (default: seed). */
  randomState?: number | number[];
}

export const BLOBS_GENERATORS = ['lrlab', 'sklearn'] as const;
export type BlobsGenerator = (typeof BLOBS_GENERATORS)[number];

/** A blobs Dataset that also carries the true centres (centers × features), e.g. for a nearest-centre baseline. */
export type BlobsDataset = Dataset & { centers: Matrix };

export const BLOBS_KEYS = ['samples', 'centers', 'features', 'clusterStd', 'centerBox', 'seed', 'generator', 'randomState'] as const;

/**
 * Checks blobs options (refusing unknown keys except `allow`) and fills the defaults.
 * `generator` and `randomState` appear in the result only for the sklearn
 * generator, so that the specs (and trial ids) of lrlab's own blobs stay as they were.
 */
export function resolveBlobsOptions(options: unknown, field = 'blobs', allow: readonly string[] = []): BlobsOptions & Required<Omit<BlobsOptions, 'generator' | 'randomState'>> {
  const o = optionsObject(field, options);
  checkKeys(field, o, [...BLOBS_KEYS, ...allow]);
  const out = {
    samples: samplesOr(`${field}.samples`, o.samples, 100),
    centers: numberOr(`${field}.centers`, o.centers, 3, { integer: true, min: 1 }),
    features: numberOr(`${field}.features`, o.features, 2, { integer: true, min: 1 }),
    clusterStd: numberOr(`${field}.clusterStd`, o.clusterStd, 1, { min: 0 }),
    centerBox: rangeOr(`${field}.centerBox`, o.centerBox, [-10, 10]),
    seed: seedOr(`${field}.seed`, o.seed),
  };
  const generator = o.generator === undefined ? 'lrlab' : checkChoice(`${field}.generator`, o.generator, BLOBS_GENERATORS);
  if (generator === 'lrlab') {
    if (o.randomState !== undefined) {
      throw new LrlabError('INVALID_OPTION', `${field}.randomState`, o.randomState, 'is read only with generator "sklearn" (lrlab\'s own blobs use seed)');
    }
    return out;
  }
  return { ...out, generator, randomState: randomStateOr(`${field}.randomState`, o.randomState, out.seed) };
}

/** numpy's seeds: an integer in [0, 2^32) or a non-empty array of them. */
function randomStateOr(field: string, value: unknown, fallback: number): number | number[] {
  if (value === undefined) return fallback;
  if (!Array.isArray(value)) return seedOr(field, value);
  if (value.length === 0 || value.length > 624) {
    throw new LrlabError('INVALID_OPTION', field, value, 'must be an integer in [0, 2^32) or an array of 1 to 624 of them');
  }
  return value.map((v, i) => seedOr(`${field}[${i}]`, v));
}

export function blobs(options: BlobsOptions = {}): BlobsDataset {
  const resolved = resolveBlobsOptions(options);
  if (Object.hasOwn(resolved, 'generator') && resolved.generator === 'sklearn') return sklearnBlobs(resolved); // own: not a polluted prototype's
  const { samples, centers, features, clusterStd, centerBox, seed } = resolved;
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

function sklearnBlobs(o: ReturnType<typeof resolveBlobsOptions>): BlobsDataset {
  const points = sklearnMakeBlobs({ ...o, randomState: o.randomState! });
  return {
    x: { data: Float32Array.from(points.x), rows: o.samples, cols: o.features },
    y: oneHot(points.labels, o.centers),
    labels: points.labels,
    classes: o.centers,
    name: 'blobs',
    centers: { data: Float32Array.from(points.centers), rows: o.centers, cols: o.features },
  };
}
