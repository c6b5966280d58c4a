/**
 * What turns a raw row into the network's input and its outputs back into an
 * answer, saved with the model: the feature names (in x column order), the
 * standardization the training rows gave, and what the outputs mean (class
 * names in output order, or regression targets). The loss is in the model spec.
 */
import { LrlabError } from './errors.js';
import { applyStandardization, type Standardization } from './data/split.js';
import type { NormalizedModel } from './spec.js';
import type { Dataset, Matrix } from './types.js';
import { checkKeys, checkNumber, checkObject } from './validate.js';

export interface Preprocessing {
  /** Input column names, in the order of x's columns. */
  features: string[];
  /** (x − mean) / std per feature, from the training rows; absent when the features were used as they are. */
  standardize?: { mean: number[]; std: number[] };
  target: TargetEncoding;
}

/** `columns` names the label column(s) of the training data, so that a file holding them can still be scored. */
export type TargetEncoding =
  | { kind: 'classes'; columns: string[]; classes: string[] }
  | { kind: 'regression'; columns: string[] };

/** Rows to score: a Matrix or arrays in feature order, or objects keyed by feature name. */
export type RawRows = Matrix | ArrayLike<number>[] | Record<string, unknown>[];

/** What a data set and its standardization say about the model trained on them. Names come from a CSV header, else x1…, y… */
export function preprocessingOf(
  data: Dataset & { featureNames?: string[]; classNames?: string[]; targetNames?: string[] },
  stats?: Standardization,
): Preprocessing {
  const features = data.featureNames ?? Array.from({ length: data.x.cols }, (_, j) => `x${j + 1}`);
  const columns = data.targetNames ?? (data.y.cols === 1 || data.classes ? ['y'] : Array.from({ length: data.y.cols }, (_, j) => `y${j + 1}`));
  const target: TargetEncoding = data.classes
    ? { kind: 'classes', columns, classes: data.classNames ?? Array.from({ length: data.classes }, (_, k) => String(k)) }
    : { kind: 'regression', columns };
  const out: Preprocessing = { features, target };
  if (stats) out.standardize = { mean: Array.from(stats.mean), std: Array.from(stats.std) };
  return out;
}

/** Refuses a preprocessing record that does not fit `model` (names, lengths, finite statistics). */
export function checkPreprocessing(value: unknown, model: NormalizedModel, field = 'preprocessing'): Preprocessing {
  const o = checkObject(field, value);
  checkKeys(field, o, ['features', 'standardize', 'target']);
  const features = names(`${field}.features`, o.features, model.inputs, `the model's inputs (${model.inputs})`);
  const out: Preprocessing = { features, target: checkTarget(o.target, model, `${field}.target`) };
  if (o.standardize !== undefined) {
    const s = checkObject(`${field}.standardize`, o.standardize);
    checkKeys(`${field}.standardize`, s, ['mean', 'std']);
    const stat = (key: 'mean' | 'std', rule: { above?: number }) => {
      const list = s[key];
      if (!Array.isArray(list) || list.length !== model.inputs) {
        throw new LrlabError('SHAPE_MISMATCH', `${field}.standardize.${key}`, list, `must be an array of ${model.inputs} numbers, one per feature`);
      }
      return list.map((v, j) => checkNumber(`${field}.standardize.${key}[${j}]`, v, rule));
    };
    out.standardize = { mean: stat('mean', {}), std: stat('std', { above: 0 }) };
  }
  return out;
}

function checkTarget(value: unknown, model: NormalizedModel, field: string): TargetEncoding {
  const o = checkObject(field, value);
  const outputs = model.layers[model.layers.length - 1].units;
  if (o.kind === 'classes') {
    checkKeys(field, o, ['kind', 'columns', 'classes']);
    return {
      kind: 'classes',
      columns: names(`${field}.columns`, o.columns),
      classes: names(`${field}.classes`, o.classes, outputs, `the units of the last layer (${outputs})`),
    };
  }
  if (o.kind === 'regression') {
    checkKeys(field, o, ['kind', 'columns']);
    return { kind: 'regression', columns: names(`${field}.columns`, o.columns, outputs, `the units of the last layer (${outputs})`) };
  }
  throw new LrlabError('UNKNOWN_OPTION', `${field}.kind`, o.kind, 'must be one of classes, regression');
}

function names(field: string, value: unknown, count?: number, what?: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.some((v) => typeof v !== 'string')) {
    throw new LrlabError('INVALID_OPTION', field, value, 'must be a non-empty array of strings');
  }
  if (count !== undefined && value.length !== count) throw new LrlabError('SHAPE_MISMATCH', field, value, `must hold ${count} names, as many as ${what}`);
  const seen = new Set<string>();
  for (const [i, name] of (value as string[]).entries()) {
    if (seen.has(name)) throw new LrlabError('INVALID_OPTION', `${field}[${i}]`, name, 'must not repeat a name');
    seen.add(name);
  }
  return [...(value as string[])];
}

/**
 * Standardizes prepared-shape rows as the training rows were. The arithmetic is
 * applyStandardization's, so the same raw values give the same bits as at training.
 */
export function standardizeInputs(pre: Preprocessing | undefined, x: Matrix): Matrix {
  if (!pre?.standardize) return x;
  const stats = { mean: Float32Array.from(pre.standardize.mean), std: Float32Array.from(pre.standardize.std) };
  return applyStandardization({ x, y: { data: new Float32Array(0), rows: x.rows, cols: 0 } }, stats).x;
}

/** Rows gathered into a Matrix: arrays in feature order, objects by feature name (a Matrix is returned as it is). */
export function rowsToMatrix(pre: Preprocessing | undefined, rows: RawRows, inputs: number, field: string): Matrix {
  if (!Array.isArray(rows)) return rows as Matrix; // checked by predict
  if (rows.length === 0) throw new LrlabError('SHAPE_MISMATCH', field, rows, 'must hold at least one row');
  const data = new Float32Array(rows.length * inputs);
  rows.forEach((row, i) => {
    if (row === null || typeof row !== 'object') throw new LrlabError('INVALID_OPTION', `${field}[${i}]`, row, 'must be an array of numbers or an object keyed by feature name');
    if (isArrayLike(row)) {
      if (row.length !== inputs) throw new LrlabError('SHAPE_MISMATCH', `${field}[${i}].length`, row.length, `must equal the model's inputs (${inputs})`);
      for (let j = 0; j < inputs; j++) data[i * inputs + j] = cell(`${field}[${i}][${j}]`, row[j]);
      return;
    }
    if (!pre) throw new LrlabError('INVALID_OPTION', `${field}[${i}]`, row, 'can be an object only for a model that knows its feature names; give an array');
    const known = new Set([...pre.features, ...pre.target.columns]);
    for (const key of Object.keys(row)) {
      if (!known.has(key)) throw new LrlabError('UNKNOWN_OPTION', `${field}[${i}].${key}`, row[key], `is not a column of this model; its features are ${pre.features.join(', ')}`);
    }
    pre.features.forEach((name, j) => {
      if (!Object.hasOwn(row, name)) throw new LrlabError('INVALID_DATA', `${field}[${i}].${name}`, undefined, 'is missing: every row needs every feature');
      data[i * inputs + j] = cell(`${field}[${i}].${name}`, (row as Record<string, unknown>)[name]);
    });
  });
  return { data, rows: rows.length, cols: inputs };
}

function isArrayLike(row: object): row is ArrayLike<number> {
  return Array.isArray(row) || ArrayBuffer.isView(row);
}

function cell(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(Math.fround(value))) throw new LrlabError('INVALID_DATA', field, value, 'must be a finite number within float32 range');
  return value;
}

/** Class names of the largest output of each row, for a classification model. */
export function classesOf(pre: Preprocessing, outputs: Matrix): string[] {
  if (pre.target.kind !== 'classes') throw new LrlabError('INVALID_OPTION', 'preprocessing.target.kind', pre.target.kind, 'must be "classes" to name predicted classes');
  const { classes } = pre.target;
  const { data, rows, cols } = outputs;
  const out: string[] = new Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = 0;
    for (let k = 1; k < cols; k++) if (data[i * cols + k] > data[i * cols + best]) best = k;
    out[i] = classes[best];
  }
  return out;
}
