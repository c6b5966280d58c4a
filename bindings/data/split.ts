/**
 * Train/test splits and feature standardisation. Both copy rows into new
 * arrays: the returned sets never alias the input, so training on one cannot
 * change the other.
 */
import { createRng } from '../random.js';
import { LrlabError } from '../errors.js';
import type { Dataset, Matrix } from '../types.js';
import { checkBoolean, checkNumber, numberOr } from '../validate.js';
import { checkDataset } from './check.js';
import { optionsObject, permutation, seedOr } from './common.js';

export interface SplitOptions {
  /** Fraction of rows in the test set, in (0, 1) (default 0.2). The test set gets ceil(n × testFraction) rows, as scikit-learn. */
  testFraction?: number;
  /** Rows in the test set, instead of testFraction: with shuffle false, exactly the last testRows rows. */
  testRows?: number;
  seed?: number;
  /** Shuffle before splitting (default true). false: train = first rows, test = last rows. */
  shuffle?: boolean;
}

export interface Split<T extends Dataset = Dataset> {
  train: T;
  test: T;
}

export function trainTestSplit<T extends Dataset>(ds: T, options: SplitOptions = {}): Split<T> {
  const o = optionsObject('split', options);
  if (o.testRows !== undefined && o.testFraction !== undefined) {
    throw new LrlabError('INVALID_OPTION', 'split.testRows', o.testRows, 'cannot be combined with split.testFraction (give one of them)');
  }
  const testRows = o.testRows === undefined ? undefined : checkNumber('split.testRows', o.testRows, { min: 1, integer: true });
  const testFraction = numberOr('split.testFraction', o.testFraction, 0.2, { above: 0, below: 1 });
  const seed = seedOr('split.seed', o.seed);
  const shuffle = checkBoolean('split.shuffle', o.shuffle, true);
  checkDataset(ds);
  const n = ds.x.rows;
  const nTest = testRows ?? Math.ceil(n * testFraction);
  const nTrain = n - nTest;
  if (nTrain < 1) {
    throw new LrlabError('INVALID_DATA', 'data.x.rows', n,
      `must leave at least one training row with ${testRows === undefined ? `testFraction=${testFraction}` : `testRows=${testRows}`}`);
  }
  // Stream 2: a split with seed s does not reuse the draws that shuffled a generator's rows with seed s.
  const order = shuffle ? permutation(n, createRng(seed, 2)) : identity(n);
  return { train: takeRows(ds, order.subarray(0, nTrain)), test: takeRows(ds, order.subarray(nTrain)) };
}

/** First `nTrain` rows for training, the rest for testing, in order (time series, fixed benchmark splits). */
export function splitAt<T extends Dataset>(ds: T, nTrain: number): Split<T> {
  checkDataset(ds);
  const n = ds.x.rows;
  if (n < 2) throw new LrlabError('INVALID_DATA', 'data.x.rows', n, 'must be at least 2 to split into two non-empty sets');
  checkNumber('nTrain', nTrain, { integer: true, min: 1, max: n - 1 });
  const order = identity(n);
  return { train: takeRows(ds, order.subarray(0, nTrain)), test: takeRows(ds, order.subarray(nTrain)) };
}

/**
 * A copy of `ds` restricted to the rows `index` (in that order). Other
 * properties (classes, name, classNames, centers...) describe the whole set
 * and are kept as they are.
 */
export function takeRows<T extends Dataset>(ds: T, index: ArrayLike<number>): T {
  const out: T = { ...ds, x: pick(ds.x, index), y: pick(ds.y, index) };
  if (ds.labels) out.labels = Int32Array.from(index, (i) => ds.labels![i]!);
  return out;
}

function identity(n: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}

function pick(m: Matrix, index: ArrayLike<number>): Matrix {
  const { cols } = m;
  const data = new Float32Array(index.length * cols);
  const from = m.data;
  // Value by value: a subarray per row (two of them per row of a split) cost more than the copy.
  for (let r = 0, to = 0; r < index.length; r++) {
    for (let at = index[r]! * cols, end = at + cols; at < end; at++) data[to++] = from[at]!;
  }
  return { data, rows: index.length, cols };
}

/** Per-feature mean and standard deviation of a training set. */
export interface Standardization {
  mean: Float32Array;
  /** Population standard deviation (divides by n, as scikit-learn's StandardScaler); 0 is stored as 1. */
  std: Float32Array;
}

/**
 * (x - mean) / std per feature, with mean and std from `train` only: using the
 * test rows too would leak test information into training. A constant feature
 * (std 0) gets std 1, so it becomes 0 instead of NaN. y is left alone.
 */
export function standardize<T extends Dataset>(train: T, test?: T): Standardization & { train: T; test?: T } {
  checkDataset(train, 'train');
  if (test !== undefined) {
    checkDataset(test, 'test');
    if (test.x.cols !== train.x.cols) {
      throw new LrlabError('SHAPE_MISMATCH', 'test.x.cols', test.x.cols, `must equal train.x.cols (${train.x.cols})`);
    }
  }
  const stats = fitStandardization(train.x);
  const result: Standardization & { train: T; test?: T } = { ...stats, train: applyStandardization(train, stats) };
  if (test !== undefined) result.test = applyStandardization(test, stats);
  return result;
}

export function fitStandardization(x: Matrix): Standardization {
  const { data, rows, cols } = x;
  // Accumulate in f64: summing thousands of f32 values in f32 loses digits.
  const sum = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) sum[j] = sum[j]! + data[i * cols + j]!;
  const mean = sum.map((s) => s / rows);
  const sq = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const d = data[i * cols + j]! - mean[j]!;
      sq[j] = sq[j]! + d * d;
    }
  }
  const std = sq.map((s) => {
    const v = Math.sqrt(s / rows);
    return Math.fround(v) > 0 ? v : 1; // fround: a std that is 0 once stored as f32 would divide by 0
  });
  return { mean: Float32Array.from(mean), std: Float32Array.from(std) };
}

/** Applies stored statistics, e.g. to new data at prediction time. Returns a copy. */
export function applyStandardization<T extends Dataset>(ds: T, stats: Standardization): T {
  const { data, rows, cols } = ds.x;
  if (stats.mean.length !== cols || stats.std.length !== cols) {
    throw new LrlabError('SHAPE_MISMATCH', 'stats.mean.length', stats.mean.length, `must equal x.cols (${cols})`);
  }
  const out = new Float32Array(data.length);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) out[i * cols + j] = (data[i * cols + j]! - stats.mean[j]!) / stats.std[j]!;
  }
  return { ...ds, x: { data: out, rows, cols } };
}
