/**
 * Refusals of bad data given to fit / evaluate / predict (and fromArrays):
 * each is a LrlabError with a stable code, the offending field and a message
 * naming field, value and what is allowed, raised BEFORE any work starts: the
 * model's weights, step and epoch count are unchanged and the model still trains.
 */
import { describe, expect, it } from 'vitest';
import { LrlabError } from '../bindings/errors.js';
import { Model } from '../bindings/model.js';
import { fromArrays } from '../bindings/data/arrays.js';
import type { BackendKind } from '../bindings/backend/index.js';
import type { Dataset, Matrix } from '../bindings/types.js';
import { expectError, rejected, thrown } from './helpers/errors.js';

const BACKENDS: BackendKind[] = ['wasm', 'js'];

const INPUTS = 3, CLASSES = 3, ROWS = 12;

function matrix(rows: number, cols: number, fill: (i: number, j: number) => number): Matrix {
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[i * cols + j] = fill(i, j);
  return { data, rows, cols };
}

/** A valid classification set for the model below: 3 features, one-hot over 3 classes, with labels. */
function good(rows = ROWS): Dataset {
  const labels = Int32Array.from({ length: rows }, (_, i) => i % CLASSES);
  return {
    x: matrix(rows, INPUTS, (i, j) => Math.sin(i * 0.7 + j) + (labels[i] - 1)),
    y: matrix(rows, CLASSES, (i, j) => (labels[i] === j ? 1 : 0)),
    labels,
    classes: CLASSES,
  };
}

function clone(ds: Dataset): Dataset {
  const out: Dataset = {
    x: { ...ds.x, data: ds.x.data.slice() },
    y: { ...ds.y, data: ds.y.data.slice() },
  };
  if (ds.labels) out.labels = ds.labels.slice();
  if (ds.classes !== undefined) out.classes = ds.classes;
  return out;
}

async function classifier(backend: BackendKind): Promise<Model> {
  return Model.create({
    backend, seed: 1,
    model: { inputs: INPUTS, layers: [{ units: 5, activation: 'tanh' }, { units: CLASSES, activation: 'softmax' }], loss: 'categorical_crossentropy' },
    optimizer: { name: 'adam', lr: 0.01 },
  });
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length), ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return ua.every((v, i) => v === ub[i]);
}

/** Runs a refused call on a model that already trained one epoch; checks that nothing moved and the model still works. */
async function refusedWithoutWork(backend: BackendKind, call: (m: Model) => unknown): Promise<LrlabError> {
  const model = await classifier(backend);
  await model.fit(good(), { epochs: 1, batchSize: 4 });
  const weights = model.getWeights(), step = model.step, epochs = model.epochsTrained, lr = model.lr;
  const slot0 = model.internals.slot(0).slice();
  const err = await rejected(() => call(model));
  expect(sameBits(model.getWeights(), weights)).toBe(true);
  expect(sameBits(model.internals.slot(0), slot0)).toBe(true);
  expect(model.step).toBe(step);
  expect(model.epochsTrained).toBe(epochs);
  expect(model.lr).toBe(lr);
  // Still usable: a valid fit right after trains from where it was.
  const history = await model.fit(good(), { epochs: epochs + 1, batchSize: 4 });
  expect(history.status).toBe('completed');
  expect(history.epoch).toEqual([epochs]);
  return err;
}

describe.each(BACKENDS)('bad data is refused before any work (%s backend)', (backend) => {
  const fit = (ds: Dataset) => (m: Model) => m.fit(ds, { epochs: 5, batchSize: 4 });

  it('x.cols different from the model inputs', async () => {
    const ds = good();
    ds.x = matrix(ROWS, INPUTS + 1, () => 0.5);
    const err = await refusedWithoutWork(backend, fit(ds));
    expectError(err, 'SHAPE_MISMATCH', 'train.x.cols', `model's inputs (${INPUTS})`);
    expect(err.value).toBe(INPUTS + 1);
  });

  it('y.cols different from the units of the last layer', async () => {
    const ds: Dataset = { x: good().x, y: matrix(ROWS, 2, (i, j) => (i % 2 === j ? 1 : 0)) };
    const err = await refusedWithoutWork(backend, fit(ds));
    expectError(err, 'SHAPE_MISMATCH', 'train.y.cols', `last layer (${CLASSES})`);
    expect(err.value).toBe(2);
  });

  it('y.rows different from x.rows', async () => {
    const ds: Dataset = { x: good().x, y: good(ROWS - 2).y };
    const err = await refusedWithoutWork(backend, fit(ds));
    expectError(err, 'SHAPE_MISMATCH', 'train.y.rows', `x.rows (${ROWS})`);
    expect(err.value).toBe(ROWS - 2);
  });

  it('x.data.length different from rows × cols', async () => {
    const ds = good();
    ds.x = { data: new Float32Array(ROWS * INPUTS - 1), rows: ROWS, cols: INPUTS };
    const err = await refusedWithoutWork(backend, fit(ds));
    expectError(err, 'SHAPE_MISMATCH', 'train.x.data.length', `${ROWS} × ${INPUTS} = ${ROWS * INPUTS}`);
    expect(err.value).toBe(ROWS * INPUTS - 1);
  });

  it('y.data.length different from rows × cols', async () => {
    const ds = good();
    ds.y = { data: new Float32Array(ROWS * CLASSES + 3), rows: ROWS, cols: CLASSES };
    const err = await refusedWithoutWork(backend, fit(ds));
    expectError(err, 'SHAPE_MISMATCH', 'train.y.data.length', `${ROWS * CLASSES}`);
  });

  it('x.data that is not a Float32Array', async () => {
    const ds = good();
    ds.x = { data: Float64Array.from(ds.x.data) as unknown as Float32Array, rows: ROWS, cols: INPUTS };
    expectError(await refusedWithoutWork(backend, fit(ds)), 'INVALID_OPTION', 'train.x.data', 'Float32Array');
  });

  it.each([NaN, Infinity, -Infinity])('%s in x, at its row and column', async (bad) => {
    const ds = clone(good());
    ds.x.data[4 * INPUTS + 2] = bad;
    const err = await refusedWithoutWork(backend, fit(ds));
    expectError(err, 'INVALID_DATA', 'train.x[4][2]', 'NaN and Infinity are not allowed');
    expect(Object.is(err.value, bad)).toBe(true);
    expect(err.message).toContain(`train.x[4][2]=${bad}`);
    expect(err.message).toContain('row 4, column 2');
  });

  it.each([NaN, Infinity, -Infinity])('%s in y, at its row and column', async (bad) => {
    const ds = clone(good());
    ds.y.data[(ROWS - 1) * CLASSES] = bad;
    const err = await refusedWithoutWork(backend, fit(ds));
    expectError(err, 'INVALID_DATA', `train.y[${ROWS - 1}][0]`, 'finite');
    expect(Object.is(err.value, bad)).toBe(true);
  });

  it('NaN in the rows validationSplit takes is named as a row of train (the wasm backend scans the copied slots)', async () => {
    const ds = clone(good());
    ds.x.data[(ROWS - 1) * INPUTS + 1] = NaN;
    expectError(await refusedWithoutWork(backend, (m) => m.fit(ds, { epochs: 2, validationSplit: 0.25 })), 'INVALID_DATA', `train.x[${ROWS - 1}][1]`);
    const y = clone(good());
    y.y.data[2 * CLASSES + 1] = -Infinity;
    expectError(await refusedWithoutWork(backend, (m) => m.fit(y, { epochs: 2, validationSplit: 0.25 })), 'INVALID_DATA', 'train.y[2][1]');
  });

  it('labels out of range (>= classes and negative)', async () => {
    const high = clone(good());
    high.labels![5] = CLASSES;
    const err = await refusedWithoutWork(backend, fit(high));
    expectError(err, 'INVALID_DATA', 'train.labels[5]', `in [0, ${CLASSES})`);
    expect(err.value).toBe(CLASSES);
    const negative = clone(good());
    negative.labels![0] = -1;
    expectError(await refusedWithoutWork(backend, fit(negative)), 'INVALID_DATA', 'train.labels[0]');
  });

  it('classes that do not match y.cols, and labels of the wrong length', async () => {
    const ds = clone(good());
    ds.classes = CLASSES + 1;
    expectError(await refusedWithoutWork(backend, fit(ds)), 'SHAPE_MISMATCH', 'train.y.cols', `classes (${CLASSES + 1})`);
    const short = clone(good());
    short.labels = short.labels!.slice(1);
    expectError(await refusedWithoutWork(backend, fit(short)), 'SHAPE_MISMATCH', 'train.labels.length', `x.rows (${ROWS})`);
  });

  it('an empty data set', async () => {
    const empty: Dataset = { x: { data: new Float32Array(0), rows: 0, cols: INPUTS }, y: { data: new Float32Array(0), rows: 0, cols: CLASSES } };
    const err = await refusedWithoutWork(backend, fit(empty));
    expectError(err, 'INVALID_DATA', 'train.x.rows', 'at least one row');
    expect(err.value).toBe(0);
  });

  it('a data set that is not an object, or lacks x', async () => {
    expectError(await refusedWithoutWork(backend, fit(null as unknown as Dataset)), 'INVALID_OPTION', 'train', 'object');
    expectError(await refusedWithoutWork(backend, fit({ y: good().y } as unknown as Dataset)), 'INVALID_OPTION', 'train.x', 'object');
  });

  it('bad validationData is refused with its own field name', async () => {
    const val = clone(good());
    val.x.data[0] = NaN;
    const err = await refusedWithoutWork(backend, (m) => m.fit(good(), { epochs: 5, validationData: val }));
    expectError(err, 'INVALID_DATA', 'fit.validationData.x[0][0]');
    const wide: Dataset = { x: matrix(ROWS, 7, () => 0), y: good().y };
    expectError(await refusedWithoutWork(backend, (m) => m.fit(good(), { epochs: 5, validationData: wide })),
      'SHAPE_MISMATCH', 'fit.validationData.x.cols');
  });

  it('evaluate refuses bad data without touching the model', async () => {
    const ds = clone(good());
    ds.y.data[1] = Infinity;
    expectError(await refusedWithoutWork(backend, (m) => m.evaluate(ds)), 'INVALID_DATA', 'data.y[0][1]');
    const narrow: Dataset = { x: matrix(ROWS, 2, () => 0), y: good().y };
    expectError(await refusedWithoutWork(backend, (m) => m.evaluate(narrow)), 'SHAPE_MISMATCH', 'data.x.cols');
  });

  it('predict refuses a wrong shape, NaN and Infinity', async () => {
    expectError(await refusedWithoutWork(backend, (m) => m.predict(matrix(4, INPUTS + 2, () => 0))), 'SHAPE_MISMATCH', 'x', `${INPUTS} columns`);
    expectError(await refusedWithoutWork(backend, (m) => m.predict({ data: new Float32Array(5), rows: 2, cols: INPUTS })), 'SHAPE_MISMATCH', 'x');
    expectError(await refusedWithoutWork(backend, (m) => m.predict({ data: new Float32Array(0), rows: 0, cols: INPUTS })), 'SHAPE_MISMATCH', 'x');
    const x = matrix(4, INPUTS, () => 1);
    x.data[7] = NaN;
    expectError(await refusedWithoutWork(backend, (m) => m.predict(x)), 'INVALID_DATA', 'x[7]', 'finite');
    x.data[7] = -Infinity;
    expectError(await refusedWithoutWork(backend, (m) => m.predict(x)), 'INVALID_DATA', 'x[7]');
  });

  it('setWeights refuses a wrong length and non-finite values', async () => {
    expectError(await refusedWithoutWork(backend, (m) => m.setWeights(new Float32Array(m.paramCount - 1))), 'SHAPE_MISMATCH', 'weights');
    const bad = (m: Model) => {
      const w = m.getWeights();
      w[3] = NaN;
      m.setWeights(w);
    };
    expectError(await refusedWithoutWork(backend, bad), 'INVALID_DATA', 'weights[3]', 'finite');
  });
});

describe('fromArrays refusals', () => {
  it('a label out of range of the declared classes', () => {
    const err = thrown(() => fromArrays([[0, 1], [1, 0], [1, 1]], [0, 3, 1], { classes: 3 }));
    expectError(err, 'INVALID_DATA', 'y[1]', 'in [0, 3)');
    expect(err.value).toBe(3);
  });

  it('a negative or non-integer label', () => {
    expectError(thrown(() => fromArrays([[0], [1]], [0, -1])), 'INVALID_DATA', 'y[1]', 'integer class label >= 0');
    expectError(thrown(() => fromArrays([[0], [1]], [0, 0.5])), 'INVALID_DATA', 'y[1]');
  });

  it('NaN, Infinity and values beyond float32 in x and y', () => {
    expectError(thrown(() => fromArrays([[0, NaN]], [0])), 'INVALID_DATA', 'x[0][1]', 'NaN and Infinity are not allowed');
    expectError(thrown(() => fromArrays([[0, 1], [Infinity, 1]], [0, 1])), 'INVALID_DATA', 'x[1][0]');
    expectError(thrown(() => fromArrays([[0, 1e39]], [0])), 'INVALID_DATA', 'x[0][1]', 'float32 range');
    expectError(thrown(() => fromArrays([[0], [1]], [[0.5], [NaN]])), 'INVALID_DATA', 'y[1][0]');
  });

  it('ragged rows, mismatched lengths and an empty set', () => {
    expectError(thrown(() => fromArrays([[0, 1], [1]], [0, 1])), 'SHAPE_MISMATCH', 'x[1]');
    expectError(thrown(() => fromArrays([[0, 1], [1, 2]], [0])), 'SHAPE_MISMATCH', 'y.length', 'x.length (2)');
    expectError(thrown(() => fromArrays([], [])), 'INVALID_DATA', 'x', 'must not be empty');
  });

  it('non-one-hot rows when classes are declared for number[][] targets', () => {
    expectError(thrown(() => fromArrays([[0], [1]], [[1, 0], [1, 1]], { classes: 2 })), 'INVALID_DATA', 'y[1]', 'one-hot');
  });
});

