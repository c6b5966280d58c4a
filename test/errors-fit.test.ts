/**
 * Refusals of bad fit options (before any work: weights unchanged), an lr set
 * to a bad value from a callback, and divergence: a loss that becomes NaN or
 * Infinity ends the fit with status 'diverged' (no exception, no wasm trap).
 */
import { describe, expect, it } from 'vitest';
import { LrlabError } from '../bindings/errors.js';
import { Model } from '../bindings/model.js';
import type { FitOptions } from '../bindings/fit-options.js';
import type { BackendKind } from '../bindings/backend/index.js';
import type { Dataset } from '../bindings/types.js';
import { expectError, rejected } from './helpers/errors.js';

const BACKENDS: BackendKind[] = ['wasm', 'js'];

function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length), ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return ua.every((v, i) => v === ub[i]);
}

/** y = 3 x0 − 2 x1 + 1 on `rows` points. */
function regression(rows = 10): Dataset {
  const x = new Float32Array(rows * 2), y = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    x[2 * i] = Math.sin(i);
    x[2 * i + 1] = Math.cos(0.7 * i);
    y[i] = 3 * x[2 * i] - 2 * x[2 * i + 1] + 1;
  }
  return { x: { data: x, rows, cols: 2 }, y: { data: y, rows, cols: 1 } };
}

function regressor(backend: BackendKind, lr = 0.01): Promise<Model> {
  return Model.create({
    backend, seed: 2,
    model: { inputs: 2, layers: [{ units: 8, activation: 'relu' }, { units: 1 }], loss: 'mse' },
    optimizer: { name: 'sgd', lr },
  });
}

describe.each(BACKENDS)('fit options are refused before any work (%s backend)', (backend) => {
  async function refusedFit(options: unknown, data = regression()): Promise<LrlabError> {
    const model = await regressor(backend);
    const before = model.getWeights();
    const err = await rejected(() => model.fit(data, options as FitOptions));
    expect(sameBits(model.getWeights(), before)).toBe(true);
    expect(model.epochsTrained).toBe(0);
    expect(model.step).toBe(0);
    return err;
  }

  it('an unknown option key (a typo never becomes a default)', async () => {
    const err = await refusedFit({ epochs: 2, batch_size: 4 });
    expectError(err, 'UNKNOWN_OPTION', 'fit.batch_size', 'known options are epochs, batchSize');
    expect(err.value).toBe(4);
    expectError(await refusedFit({ epoch: 2 }), 'UNKNOWN_OPTION', 'fit.epoch');
  });

  it.each([0, -1, 1.5, NaN, undefined, '3'])('epochs %s', async (epochs) => {
    const err = await refusedFit({ epochs });
    expectError(err, 'INVALID_OPTION', 'fit.epochs');
    expect(Object.is(err.value, epochs)).toBe(true);
    if (epochs === 0) expect(err.message).toContain('>= 1');
    if (epochs === 1.5) expect(err.message).toContain('integer');
  });

  it.each([0, -4, 2.5, NaN, Infinity])('batchSize %s', async (batchSize) => {
    const err = await refusedFit({ epochs: 2, batchSize });
    expectError(err, 'INVALID_OPTION', 'fit.batchSize');
    expect(Object.is(err.value, batchSize)).toBe(true);
    if (batchSize === 0) expect(err.message).toContain('>= 1');
    if (batchSize === 2.5) expect(err.message).toContain('integer');
  });

  it.each([-0.1, 1, 1.5, NaN])('validationSplit %s (allowed [0, 1))', async (validationSplit) => {
    const err = await refusedFit({ epochs: 2, validationSplit });
    expectError(err, 'INVALID_OPTION', 'fit.validationSplit');
    if (!Number.isNaN(validationSplit)) expect(err.message).toContain('>= 0 and < 1');
  });

  it('a validationSplit that leaves no training row, and one given together with validationData', async () => {
    const err = await refusedFit({ epochs: 2, validationSplit: 0.95 }); // floor(10 × 0.05) = 0 training rows
    expectError(err, 'INVALID_OPTION', 'fit.validationSplit', 'at least one row on each side of 10 rows');
    const both = await refusedFit({ epochs: 2, validationSplit: 0.2, validationData: regression() });
    expectError(both, 'INVALID_OPTION', 'fit.validationSplit', 'validationData');
  });

  it('shuffle, signal, initialEpoch and callbacks of the wrong type', async () => {
    expectError(await refusedFit({ epochs: 2, shuffle: 'yes' }), 'INVALID_OPTION', 'fit.shuffle', 'true or false');
    expectError(await refusedFit({ epochs: 2, signal: { aborted: false } }), 'INVALID_OPTION', 'fit.signal', 'AbortSignal');
    expectError(await refusedFit({ epochs: 2, initialEpoch: -1 }), 'INVALID_OPTION', 'fit.initialEpoch', '>= 0');
    expectError(await refusedFit({ epochs: 2, callbacks: [{}, 42] }), 'INVALID_OPTION', 'fit.callbacks[1]', 'object');
    expectError(await refusedFit(null), 'INVALID_OPTION', 'fit', 'object');
  });

  it.each([-0.5, NaN, Infinity])('ctx.lr = %s set in a callback is refused, and the lr is kept', async (bad) => {
    const model = await regressor(backend, 0.1);
    const before = model.getWeights();
    const err = await rejected(() => model.fit(regression(), {
      epochs: 3,
      callbacks: { onEpochBegin: (_epoch, ctx) => { ctx.lr = bad; } },
    }));
    expectError(err, 'INVALID_OPTION', 'lr');
    expect(Object.is(err.value, bad)).toBe(true);
    expect(model.lr).toBe(0.1);
    // Refused at the first epoch's start: nothing was trained.
    expect(sameBits(model.getWeights(), before)).toBe(true);
    expect(model.epochsTrained).toBe(0);
  });

  it('a negative ctx.lr set after some epochs stops the fit with the error and keeps the epochs done', async () => {
    const model = await regressor(backend, 0.1);
    const err = await rejected(() => model.fit(regression(), {
      epochs: 5, batchSize: 5,
      callbacks: { onEpochEnd: (epoch, _logs, ctx) => { if (epoch === 1) ctx.lr = -1; } },
    }));
    expectError(err, 'INVALID_OPTION', 'lr', '>= 0');
    expect(model.lr).toBe(0.1);
    expect(model.epochsTrained).toBe(2);
    expect(model.step).toBe(4);
  });

  // Found while writing these tests. batchSize has no upper bound and is used
  // as the batch capacity: memory for 1e8 (or 2^31) rows is laid out even for 10
  // rows. Expected: a batch larger than the data is one full batch (as Keras and
  // PyTorch's DataLoader do) — or a LrlabError before any work — and the model
  // stays usable. Actual on wasm: batchSize 1e8 → RuntimeError "memory access
  // out of bounds" and every later call on the model traps too; batchSize 2^31
  // → the i32 capacity wraps, the fit "completes" with loss 0 and garbage
  // weights, and evaluate() then traps. On js: 2^31 → RangeError.
  it.each(backend === 'wasm' ? [1e8, 2 ** 31] : [2 ** 31])('a batchSize (%s) larger than the data set trains as one full batch or is refused', async (batchSize) => {
    const data = regression();
    const reference = await regressor(backend);
    await reference.fit(data, { epochs: 2, batchSize: data.x.rows });
    const model = await regressor(backend);
    const before = model.getWeights();
    let history: Awaited<ReturnType<Model['fit']>> | undefined;
    let error: unknown;
    try {
      history = await model.fit(data, { epochs: 2, batchSize });
    } catch (err) {
      error = err;
    }
    const refused = error !== undefined;
    if (refused) {
      expect(error).toBeInstanceOf(LrlabError);
      expect((error as LrlabError).field).toBe('fit.batchSize');
      expect(sameBits(model.getWeights(), before)).toBe(true);
    } else {
      expect(history!.status).toBe('completed');
      expect(history!.loss.every(Number.isFinite)).toBe(true);
      expect(sameBits(model.getWeights(), reference.getWeights())).toBe(true);
    }
    // Either way the model keeps working.
    expect(Number.isFinite(model.evaluate(data).loss)).toBe(true);
    const after = await model.fit(data, { epochs: model.epochsTrained + 1, batchSize: 5 });
    expect(after.status).toBe('completed');
    expect(refused || model.epochsTrained === 3).toBe(true);
  });
});

describe.each(BACKENDS)('divergence resolves with status "diverged" (%s backend)', (backend) => {
  function expectDiverged(history: Awaited<ReturnType<Model['fit']>>, model: Model): void {
    expect(history.status).toBe('diverged');
    const events = history.events.filter((e) => e.kind === 'diverged');
    expect(events).toHaveLength(1);
    expect(history.events[history.events.length - 1].kind).toBe('diverged');
    expect(events[0].reason).toMatch(/NaN|Infinity/);
    expect(Number.isFinite(history.loss[history.loss.length - 1])).toBe(false);
    expect(history.loss.slice(0, -1).every(Number.isFinite)).toBe(true);
    expect(events[0].epoch).toBe(history.epoch[history.epoch.length - 1]);
    expect(events[0].step).toBe(model.step);
    expect(model.epochsTrained).toBe(history.epoch.length);
  }

  it('SGD with lr 1e6 on an mse regression', async () => {
    const model = await regressor(backend, 1e6);
    // divergence: false leaves only the non-finite check, which is what this test is about.
    const history = await model.fit(regression(64), { epochs: 20, batchSize: 8, divergence: false });
    expectDiverged(history, model);
    expect(history.epoch.length).toBeLessThan(20);
    // The model is still callable afterwards (no trap), whatever its numbers.
    expect(() => model.evaluate(regression())).not.toThrow();
    expect(() => model.predict(regression().x)).not.toThrow();
  });

  it('the same run under the default guard ends at the first non-finite loss, cause non_finite', async () => {
    const model = await regressor(backend, 1e6);
    const history = await model.fit(regression(64), { epochs: 20, batchSize: 8 });
    expectDiverged(history, model);
    expect(history.events.find((e) => e.kind === 'diverged')!.cause).toBe('non_finite');
  });

  it('weights set to huge values with setWeights (mse: Infinity)', async () => {
    const model = await regressor(backend);
    model.setWeights(new Float32Array(model.paramCount).fill(1e30));
    const history = await model.fit(regression(), { epochs: 3, batchSize: 5, validationData: regression() });
    expectDiverged(history, model);
    expect(history.epoch).toEqual([0]);
    expect(model.step).toBe(1); // stopped at the first non-finite batch
  });

  it('weights set to huge values on a softmax classifier (cross-entropy: NaN)', async () => {
    const model = await Model.create({
      backend,
      model: { inputs: 2, layers: [{ units: 4, activation: 'relu' }, { units: 2, activation: 'softmax' }], loss: 'categorical_crossentropy' },
    });
    model.setWeights(new Float32Array(model.paramCount).fill(1e30));
    const rows = 8;
    const y = new Float32Array(rows * 2);
    for (let i = 0; i < rows; i++) y[2 * i + (i % 2)] = 1;
    const history = await model.fit({ x: regression(rows).x, y: { data: y, rows, cols: 2 } }, { epochs: 2, batchSize: 4 });
    expectDiverged(history, model);
    expect(history.accuracy).toHaveLength(1);
  });

  it('a callback raising ctx.lr until the loss blows up', async () => {
    const model = await regressor(backend, 0.01);
    const history = await model.fit(regression(32), {
      epochs: 60, batchSize: 8, divergence: false,
      callbacks: { onEpochEnd: (_e, _logs, ctx) => { ctx.lr = ctx.lr * 10; } },
    });
    expectDiverged(history, model);
    expect(history.events.some((e) => e.kind === 'lr')).toBe(true);
  });
});
