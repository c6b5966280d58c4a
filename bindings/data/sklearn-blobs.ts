/**
 * scikit-learn's make_blobs (sklearn/datasets/_samples_generator.py, shuffle
 * on, integer n_samples and centers), point for point in float64, on numpy's
 * legacy RandomState: the centres (centers × features, row-major) from
 * uniform(box), then each centre's points from normal(centre, std) in class
 * order (the first n % centers classes get one point more), then the rows
 * permuted by RandomState.shuffle(arange(n)) (sklearn.utils.shuffle).
 */
import { LegacyRandomState } from './numpy-random.js';
import { evenCounts } from './common.js';

export interface SklearnBlobsOptions {
  samples: number;
  centers: number;
  features: number;
  clusterStd: number;
  centerBox: readonly [number, number];
  randomState: number | readonly number[];
}

export interface SklearnBlobs {
  /** samples × features, row-major. */
  x: Float64Array;
  labels: Int32Array;
  /** centers × features, row-major. */
  centers: Float64Array;
}

export function sklearnMakeBlobs(o: SklearnBlobsOptions): SklearnBlobs {
  const rs = new LegacyRandomState(o.randomState);
  const { samples, features } = o;
  const centers = new Float64Array(o.centers * features);
  for (let i = 0; i < centers.length; i++) centers[i] = rs.uniform(o.centerBox[0], o.centerBox[1]);

  const x = new Float64Array(samples * features);
  const y = new Int32Array(samples);
  let row = 0;
  evenCounts(samples, o.centers).forEach((count, k) => {
    for (let n = 0; n < count; n++, row++) {
      y[row] = k;
      for (let j = 0; j < features; j++) x[row * features + j] = rs.normal(centers[k * features + j], o.clusterStd);
    }
  });

  const order = new Int32Array(samples);
  for (let i = 0; i < samples; i++) order[i] = i;
  rs.shuffle(order);
  const outX = new Float64Array(x.length);
  const labels = new Int32Array(samples);
  for (let i = 0; i < samples; i++) {
    const from = order[i];
    for (let j = 0; j < features; j++) outX[i * features + j] = x[from * features + j];
    labels[i] = y[from];
  }
  return { x: outX, labels, centers };
}
