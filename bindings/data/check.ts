/**
 * checkDataset: the one gate every Dataset passes before training, whatever
 * built it (generator, CSV, MNIST, fromArrays or user code). It refuses shapes
 * that do not fit (SHAPE_MISMATCH), empty sets, NaN/Infinity and labels out of
 * range (INVALID_DATA), so that a bad value never surfaces later as a NaN loss.
 */
import { LrlabError } from '../errors.js';
import type { Dataset, Matrix } from '../types.js';
import { checkObject } from '../validate.js';

/** `values` false leaves the NaN/Infinity scan to the caller (the wasm backend scans the rows it copied in, several times faster). */
export function checkDataset<T extends Dataset>(ds: T, field = 'data', values = true): T {
  const d = checkObject(field, ds);
  const x = checkMatrix(`${field}.x`, d.x);
  const y = checkMatrix(`${field}.y`, d.y);
  if (x.rows === 0) throw new LrlabError('INVALID_DATA', `${field}.x.rows`, 0, 'must not be empty: a data set needs at least one row');
  if (x.cols === 0) throw new LrlabError('INVALID_DATA', `${field}.x.cols`, 0, 'must not be empty: a data set needs at least one feature');
  if (y.cols === 0) throw new LrlabError('INVALID_DATA', `${field}.y.cols`, 0, 'must not be empty: a data set needs at least one target');
  if (y.rows !== x.rows) {
    throw new LrlabError('SHAPE_MISMATCH', `${field}.y.rows`, y.rows, `must equal x.rows (${x.rows}): one target row per input row`);
  }
  if (values) {
    checkFinite(`${field}.x`, x);
    checkFinite(`${field}.y`, y);
  }

  let classes: number | undefined;
  if (d.classes !== undefined) {
    const c = d.classes;
    if (typeof c !== 'number' || !Number.isInteger(c) || c < 1) {
      throw new LrlabError('INVALID_DATA', `${field}.classes`, c, 'must be an integer >= 1');
    }
    // Classification targets are one-hot: one column per class.
    if (y.cols !== c) throw new LrlabError('SHAPE_MISMATCH', `${field}.y.cols`, y.cols, `must equal classes (${c}): y is one-hot`);
    classes = c;
  }
  if (d.labels !== undefined) {
    const labels = d.labels;
    if (!(labels instanceof Int32Array)) throw new LrlabError('INVALID_OPTION', `${field}.labels`, labels, 'must be an Int32Array');
    if (labels.length !== x.rows) {
      throw new LrlabError('SHAPE_MISMATCH', `${field}.labels.length`, labels.length, `must equal x.rows (${x.rows})`);
    }
    const i = firstLabelOutOfRange(labels, classes ?? 2 ** 31);
    if (i >= 0) {
      const range = classes === undefined ? '>= 0' : `in [0, ${classes})`;
      throw new LrlabError('INVALID_DATA', `${field}.labels[${i}]`, labels[i], `must be a class index ${range} (row ${i})`);
    }
  }
  return ds;
}

/**
 * The index of the first label below 0 or at least `classes`, or −1. A loop of its own: inside
 * checkDataset it made that whole function hot, and the optimizing compiler compiled all of it (in
 * every thread that trains) for a loop that is a few instructions.
 */
function firstLabelOutOfRange(labels: Int32Array, classes: number): number {
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l < 0 || l >= classes) return i;
  }
  return -1;
}

function checkMatrix(field: string, value: unknown): Matrix {
  const m = checkObject(field, value);
  if (!(m.data instanceof Float32Array)) throw new LrlabError('INVALID_OPTION', `${field}.data`, m.data, 'must be a Float32Array');
  for (const key of ['rows', 'cols'] as const) {
    const n = m[key];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
      throw new LrlabError('INVALID_OPTION', `${field}.${key}`, n, 'must be an integer >= 0');
    }
  }
  const { data, rows, cols } = m as unknown as Matrix;
  if (data.length !== rows * cols) {
    throw new LrlabError('SHAPE_MISMATCH', `${field}.data.length`, data.length, `must equal rows × cols = ${rows} × ${cols} = ${rows * cols}`);
  }
  return { data, rows, cols };
}

function checkFinite(field: string, m: Matrix): void {
  const { data, cols } = m;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v - v !== 0) throw nonFiniteError(field, cols, i, v); // false only for NaN and ±Infinity; cheaper than Number.isFinite
  }
}

/** The error for value `index` of a matrix with `cols` columns (`field` names the matrix, e.g. train.x). */
export function nonFiniteError(field: string, cols: number, index: number, value: number): LrlabError {
  const row = Math.floor(index / cols);
  const col = index % cols;
  return new LrlabError('INVALID_DATA', `${field}[${row}][${col}]`, value,
    `must be a finite number (row ${row}, column ${col}); NaN and Infinity are not allowed`);
}
