/**
 * fromArrays: a Dataset from plain JavaScript arrays, the easy way in for small
 * hand-written data (XOR, a table pasted from a paper, JSON from a server).
 */
import { LrlabError } from '../errors.js';
import type { Dataset } from '../types.js';
import { checkNumber } from '../validate.js';
import { checkDataset } from './check.js';
import { oneHot } from './common.js';

export interface FromArraysOptions {
  /**
   * Number of classes. With integer labels `y: number[]` it defaults to
   * max(label) + 1. With `y: number[][]` it declares y as one-hot: every row
   * must then hold exactly one 1 and zeros, and `labels` are derived from it.
   */
  classes?: number;
  name?: string;
}

/**
 * `y` as `number[]`: integer class labels, turned into one-hot y with
 * `labels` and `classes`. `y` as `number[][]`: targets taken as they are
 * (regression, or one-hot when `classes` is given).
 */
export function fromArrays(x: number[][], y: number[] | number[][], options: FromArraysOptions = {}): Dataset {
  if (!Array.isArray(x)) throw new LrlabError('INVALID_OPTION', 'x', x, 'must be an array of rows (number[][])');
  if (x.length === 0) throw new LrlabError('INVALID_DATA', 'x', x, 'must not be empty: a data set needs at least one row');
  if (!Array.isArray(y)) throw new LrlabError('INVALID_OPTION', 'y', y, 'must be an array of labels (number[]) or of target rows (number[][])');
  if (y.length !== x.length) {
    throw new LrlabError('SHAPE_MISMATCH', 'y.length', y.length, `must equal x.length (${x.length}): one target per row`);
  }
  const classes = options.classes === undefined ? undefined : checkNumber('classes', options.classes, { integer: true, min: 1 });
  const xm = toMatrix('x', x);
  const ds: Dataset = { x: xm, y: xm /* replaced below */ };
  if (options.name !== undefined) ds.name = options.name;

  if (y.every((v) => typeof v === 'number')) {
    const labels = new Int32Array(y.length);
    let max = 0;
    (y as number[]).forEach((v, i) => {
      if (!Number.isInteger(v) || v < 0) {
        throw new LrlabError('INVALID_DATA', `y[${i}]`, v,
          'must be an integer class label >= 0 (for regression targets pass y as number[][], e.g. [[0.5], [1.2]])');
      }
      if (classes !== undefined && v >= classes) {
        throw new LrlabError('INVALID_DATA', `y[${i}]`, v, `must be a class label in [0, ${classes})`);
      }
      labels[i] = v;
      if (v > max) max = v;
    });
    const k = classes ?? max + 1;
    ds.y = oneHot(labels, k);
    ds.labels = labels;
    ds.classes = k;
  } else if (y.every((v) => Array.isArray(v))) {
    ds.y = toMatrix('y', y as number[][]);
    if (classes !== undefined) {
      if (ds.y.cols !== classes) {
        throw new LrlabError('SHAPE_MISMATCH', 'y[0].length', ds.y.cols, `must equal classes (${classes}): one-hot rows`);
      }
      ds.labels = labelsOfOneHot('y', ds.y.data, ds.y.rows, classes);
      ds.classes = classes;
    }
  } else {
    throw new LrlabError('INVALID_OPTION', 'y', y, 'must be all numbers (labels) or all arrays (target rows), not a mix');
  }
  return checkDataset(ds, 'data');
}

function toMatrix(field: string, rows: number[][]): Dataset['x'] {
  const first = rows[0];
  if (!Array.isArray(first)) throw new LrlabError('INVALID_OPTION', `${field}[0]`, first, 'must be an array of numbers');
  const cols = first.length;
  if (cols === 0) throw new LrlabError('INVALID_DATA', `${field}[0]`, first, 'must not be empty');
  const data = new Float32Array(rows.length * cols);
  rows.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== cols) {
      throw new LrlabError('SHAPE_MISMATCH', `${field}[${i}]`, row, `must be an array of ${cols} numbers like ${field}[0]`);
    }
    row.forEach((v, j) => {
      // Math.fround: a value finite in f64 (1e39) can still overflow to Infinity in the f32 storage.
      if (typeof v !== 'number' || !Number.isFinite(Math.fround(v))) {
        throw new LrlabError('INVALID_DATA', `${field}[${i}][${j}]`, v,
          `must be a finite number within float32 range (row ${i}, column ${j}); NaN and Infinity are not allowed`);
      }
      data[i * cols + j] = v;
    });
  });
  return { data, rows: rows.length, cols };
}

/** Integer labels of one-hot rows; refuses rows that are not exactly one 1 among zeros. */
export function labelsOfOneHot(field: string, data: Float32Array, rows: number, classes: number): Int32Array {
  const labels = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    let hot = -1;
    for (let j = 0; j < classes; j++) {
      const v = data[i * classes + j]!;
      if (v === 1 && hot === -1) hot = j;
      else if (v !== 0) {
        throw new LrlabError('INVALID_DATA', `${field}[${i}]`, Array.from(data.subarray(i * classes, (i + 1) * classes)),
          `must be one-hot: exactly one 1 and ${classes - 1} zeros (row ${i})`);
      }
    }
    if (hot === -1) {
      throw new LrlabError('INVALID_DATA', `${field}[${i}]`, Array.from(data.subarray(i * classes, (i + 1) * classes)),
        `must be one-hot: exactly one 1 and ${classes - 1} zeros (row ${i})`);
    }
    labels[i] = hot;
  }
  return labels;
}
