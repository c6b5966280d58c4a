/**
 * Refusals of bad model / optimizer specs (Model.create): each one is a
 * LrlabError with a stable code, the offending field, and a message naming the
 * field, the received value and what is allowed. Also: an option given as 0
 * means 0, never the default.
 */
import { describe, expect, it } from 'vitest';
import { Model, type ModelConfig } from '../bindings/model.js';
import type { BackendKind } from '../bindings/backend/index.js';
import type { Dataset } from '../bindings/types.js';
import { expectError, rejected } from './helpers/errors.js';

const BACKENDS: BackendKind[] = ['wasm', 'js'];

const base = (): { inputs: number; layers: Record<string, unknown>[]; loss: string } => ({
  inputs: 3,
  layers: [{ units: 4, activation: 'relu' }, { units: 2 }],
  loss: 'mse',
});

function create(config: Record<string, unknown>): Promise<Model> {
  return Model.create(config as unknown as ModelConfig);
}

describe.each(BACKENDS)('Model.create refusals (%s backend)', (backend) => {
  it('refuses an unknown activation, naming the field, value and the choices', async () => {
    const model = base();
    model.layers[0].activation = 'relu6';
    const err = await rejected(() => create({ backend, model }));
    expectError(err, 'UNKNOWN_OPTION', 'model.layers[0].activation', 'linear, relu, leaky_relu, elu, sigmoid, tanh, softmax');
    expect(err.value).toBe('relu6');
    expect(err.message).toContain('"relu6"');
  });

  it('refuses an unknown initializer', async () => {
    const model = base();
    model.layers[1].init = 'xavier';
    const err = await rejected(() => create({ backend, model }));
    expectError(err, 'UNKNOWN_OPTION', 'model.layers[1].init', 'glorot_uniform');
    expect(err.value).toBe('xavier');
  });

  it('refuses an unknown loss', async () => {
    const err = await rejected(() => create({ backend, model: { ...base(), loss: 'crossentropy' } }));
    expectError(err, 'UNKNOWN_OPTION', 'model.loss', 'mse, mae, categorical_crossentropy, binary_crossentropy');
    expect(err.value).toBe('crossentropy');
  });

  it('refuses an unknown optimizer', async () => {
    const err = await rejected(() => create({ backend, model: base(), optimizer: { name: 'lbfgs' } }));
    expectError(err, 'UNKNOWN_OPTION', 'optimizer.name', 'sgd, adagrad, rmsprop, adadelta, adam, adamw, adamax, nadam');
    expect(err.value).toBe('lbfgs');
  });

  it('refuses an unknown key in the config, the model spec, a layer and the optimizer', async () => {
    expectError(await rejected(() => create({ backend, model: base(), seeds: 1 })), 'UNKNOWN_OPTION', 'config.seeds', 'known options are');
    expectError(await rejected(() => create({ backend, model: { ...base(), outputs: 2 } })), 'UNKNOWN_OPTION', 'model.outputs',
      'known options are inputs, layers, loss');
    const typo = base();
    typo.layers[0] = { units: 4, activaton: 'relu' };
    const layer = await rejected(() => create({ backend, model: typo }));
    expectError(layer, 'UNKNOWN_OPTION', 'model.layers[0].activaton', 'known options are units, activation, alpha, init');
    expect(layer.value).toBe('relu');
    expectError(await rejected(() => create({ backend, model: base(), optimizer: { name: 'sgd', learningRate: 0.1 } })),
      'UNKNOWN_OPTION', 'optimizer.learningRate', 'known options are');
    // A key of another optimizer is unknown to this one (beta1 is Adam's, not SGD's).
    expectError(await rejected(() => create({ backend, model: base(), optimizer: { name: 'sgd', beta1: 0.9 } })),
      'UNKNOWN_OPTION', 'optimizer.beta1', 'momentum, nesterov');
    expectError(await rejected(() => create({ backend, model: base(), optimizer: { name: 'adam', momentum: 0.9 } })),
      'UNKNOWN_OPTION', 'optimizer.momentum', 'beta1, beta2, epsilon, amsgrad');
  });

  it.each([-0.1, -1e-12, -Infinity])('refuses a negative lr (%s)', async (lr) => {
    const err = await rejected(() => create({ backend, model: base(), optimizer: { name: 'sgd', lr } }));
    expectError(err, 'INVALID_OPTION', 'optimizer.lr', '>= 0');
    expect(err.value).toBe(lr);
    expect(err.message).toContain(`optimizer.lr=${lr}`);
  });

  it.each([NaN, Infinity])('refuses a non-finite lr (%s)', async (lr) => {
    const err = await rejected(() => create({ backend, model: base(), optimizer: { name: 'adam', lr } }));
    expectError(err, 'INVALID_OPTION', 'optimizer.lr', 'finite number');
    expect(err.message).toContain(`optimizer.lr=${lr}`);
  });

  it('refuses an lr that is not a number', async () => {
    const err = await rejected(() => create({ backend, model: base(), optimizer: { name: 'adam', lr: '0.01' } }));
    expectError(err, 'INVALID_OPTION', 'optimizer.lr', 'finite number');
    expect(err.message).toContain('optimizer.lr="0.01"');
  });

  it.each([
    ['sgd', -0.1], ['sgd', 1], ['sgd', 1.5], ['rmsprop', -0.1], ['rmsprop', 1], ['rmsprop', 1.5],
  ] as const)('refuses %s momentum %s (allowed: [0, 1))', async (name, momentum) => {
    const err = await rejected(() => create({ backend, model: base(), optimizer: { name, momentum } }));
    expectError(err, 'INVALID_OPTION', 'optimizer.momentum', '>= 0 and < 1');
    expect(err.value).toBe(momentum);
  });

  it.each([0, -1e-8, NaN])('refuses epsilon %s (must be > 0)', async (epsilon) => {
    const err = await rejected(() => create({ backend, model: base(), optimizer: { name: 'adam', epsilon } }));
    expectError(err, 'INVALID_OPTION', 'optimizer.epsilon', '> 0');
    expect(Object.is(err.value, epsilon)).toBe(true);
  });

  it.each([
    ['beta1', 1], ['beta2', -0.5], ['rho', 1], ['weightDecay', -0.01], ['clipNorm', -1], ['clipValue', -1], ['initialAccumulator', -0.1],
  ] as const)('refuses %s = %s', async (key, value) => {
    const name = key === 'rho' ? 'rmsprop' : key === 'initialAccumulator' ? 'adagrad' : 'adam';
    const err = await rejected(() => create({ backend, model: base(), optimizer: { name, [key]: value } }));
    expectError(err, 'INVALID_OPTION', `optimizer.${key}`);
    expect(err.value).toBe(value);
  });

  it('refuses a non-boolean flag', async () => {
    expectError(await rejected(() => create({ backend, model: base(), optimizer: { name: 'sgd', momentum: 0.9, nesterov: 1 } })),
      'INVALID_OPTION', 'optimizer.nesterov', 'true or false');
  });

  it('refuses a softmax / cross-entropy mismatch, naming the last layer', async () => {
    const cce = await rejected(() => create({
      backend, model: { inputs: 3, layers: [{ units: 4, activation: 'relu' }, { units: 2, activation: 'sigmoid' }], loss: 'categorical_crossentropy' },
    }));
    expectError(cce, 'INVALID_OPTION', 'model.layers[1].activation', '"softmax" with loss categorical_crossentropy');
    expect(cce.value).toBe('sigmoid');
    const linear = await rejected(() => create({ backend, model: { inputs: 3, layers: [{ units: 2 }], loss: 'categorical_crossentropy' } }));
    expectError(linear, 'INVALID_OPTION', 'model.layers[0].activation', 'softmax');
    expect(linear.value).toBe('linear');
    const bce = await rejected(() => create({
      backend, model: { inputs: 3, layers: [{ units: 2, activation: 'softmax' }], loss: 'binary_crossentropy' },
    }));
    expectError(bce, 'INVALID_OPTION', 'model.layers[0].activation', '"sigmoid" with loss binary_crossentropy');
    expect(bce.value).toBe('softmax');
  });

  it('refuses bad sizes: inputs, units, layers, seed and backend', async () => {
    expectError(await rejected(() => create({ backend, model: { ...base(), inputs: 0 } })), 'INVALID_OPTION', 'model.inputs', '>= 1');
    expectError(await rejected(() => create({ backend, model: { ...base(), inputs: 2.5 } })), 'INVALID_OPTION', 'model.inputs', 'integer');
    const units = base();
    units.layers[1].units = 0;
    expectError(await rejected(() => create({ backend, model: units })), 'INVALID_OPTION', 'model.layers[1].units', '>= 1');
    expectError(await rejected(() => create({ backend, model: { ...base(), layers: [] } })), 'INVALID_OPTION', 'model.layers', '1 to 64');
    expectError(await rejected(() => create({ backend, model: base(), seed: -1 })), 'INVALID_OPTION', 'seed', '>= 0');
    expectError(await rejected(() => create({ backend, model: base(), seed: 1.5 })), 'INVALID_OPTION', 'seed', 'integer');
    expectError(await rejected(() => create({ backend: 'gpu', model: base() })), 'UNKNOWN_OPTION', 'backend', 'wasm, js');
    expectError(await rejected(() => create({ backend, model: null })), 'INVALID_OPTION', 'model', 'object');
  });

  it('refuses a leaky_relu / elu alpha that is negative', async () => {
    const model = base();
    model.layers[0] = { units: 4, activation: 'leaky_relu', alpha: -0.1 };
    expectError(await rejected(() => create({ backend, model })), 'INVALID_OPTION', 'model.layers[0].alpha', '>= 0');
  });

  // Found while writing these tests: sizes whose parameter count does not fit
  // 32-bit offsets are not refused. Expected: a LrlabError before any work.
  // Actual on wasm: Model.create resolves with paramCount -2147483647 (inputs 2^31)
  // or 131072 (two 65536-wide layers: 2^32 + 131072 wrapped); on js: a RangeError.
  it.each([
    ['inputs 2^31', { inputs: 2 ** 31, layers: [{ units: 1 }], loss: 'mse' }],
    ['two 65536-wide layers (2^32 weights)', { inputs: 65536, layers: [{ units: 65536 }, { units: 65536 }], loss: 'mse' }],
  ])('refuses a network too large to address (%s) with a LrlabError', async (_label, model) => {
    const err = await rejected(() => create({ backend, model }));
    expect(err.code).toBe('INVALID_OPTION');
    expect(err.field).toMatch(/^model/);
  });
});

// ---------------------------------------------------------------------------
// "An option given as 0 means 0, never the default."

function regression(rows = 32): Dataset {
  const x = new Float32Array(rows * 3), y = new Float32Array(rows * 2);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < 3; j++) x[i * 3 + j] = Math.sin(1.3 * i + 2.1 * j) * 2;
    y[i * 2] = x[i * 3] - 0.5 * x[i * 3 + 1];
    y[i * 2 + 1] = 0.3 * x[i * 3 + 2] + 0.1;
  }
  return { x: { data: x, rows, cols: 3 }, y: { data: y, rows, cols: 2 } };
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length), ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return ua.every((v, i) => v === ub[i]);
}

describe.each(BACKENDS)('an explicit 0 is 0 (%s backend)', (backend) => {
  const data = regression();

  it('momentum 0 stays 0 (sgd, rmsprop)', async () => {
    const sgd = await Model.create({ backend, model: base() as never, optimizer: { name: 'sgd', momentum: 0 } });
    expect(sgd.optimizer.momentum).toBe(0);
    const rms = await Model.create({ backend, model: base() as never, optimizer: { name: 'rmsprop', momentum: 0 } });
    expect(rms.optimizer.momentum).toBe(0);
  });

  it('adamw weightDecay 0 gives 0 (not the 0.01 default) and trains exactly as adam', async () => {
    const adamw0 = await Model.create({ backend, seed: 3, model: base() as never, optimizer: { name: 'adamw', lr: 0.01, weightDecay: 0 } });
    expect(adamw0.optimizer.weightDecay).toBe(0);
    const adamwDefault = await Model.create({ backend, seed: 3, model: base() as never, optimizer: { name: 'adamw', lr: 0.01 } });
    expect(adamwDefault.optimizer.weightDecay).toBe(0.01);
    const adam = await Model.create({ backend, seed: 3, model: base() as never, optimizer: { name: 'adam', lr: 0.01 } });
    for (const m of [adamw0, adamwDefault, adam]) await m.fit(data, { epochs: 5, batchSize: 8 });
    expect(sameBits(adamw0.getWeights(), adam.getWeights())).toBe(true);
    expect(sameBits(adamwDefault.getWeights(), adam.getWeights())).toBe(false);
  });

  it('weightDecay 0 on sgd is 0', async () => {
    const m = await Model.create({ backend, model: base() as never, optimizer: { name: 'sgd', weightDecay: 0 } });
    expect(m.optimizer.weightDecay).toBe(0);
  });

  it('clipNorm 0 and clipValue 0 stay 0 (clipping off) and train as without them', async () => {
    const zero = await Model.create({ backend, seed: 5, model: base() as never, optimizer: { name: 'sgd', lr: 0.05, clipNorm: 0, clipValue: 0 } });
    expect(zero.optimizer.clipNorm).toBe(0);
    expect(zero.optimizer.clipValue).toBe(0);
    const none = await Model.create({ backend, seed: 5, model: base() as never, optimizer: { name: 'sgd', lr: 0.05 } });
    const tight = await Model.create({ backend, seed: 5, model: base() as never, optimizer: { name: 'sgd', lr: 0.05, clipNorm: 1e-3 } });
    for (const m of [zero, none, tight]) await m.fit(data, { epochs: 3, batchSize: 8 });
    expect(sameBits(zero.getWeights(), none.getWeights())).toBe(true);
    expect(sameBits(tight.getWeights(), none.getWeights())).toBe(false); // clipNorm is wired at all
  });

  it('initialAccumulator 0 stays 0 (and a non-zero one fills the accumulator)', async () => {
    const zero = await Model.create({ backend, model: base() as never, optimizer: { name: 'adagrad', initialAccumulator: 0 } });
    expect(zero.optimizer.initialAccumulator).toBe(0);
    expect(zero.internals.slot(0).every((v) => v === 0)).toBe(true);
    const some = await Model.create({ backend, model: base() as never, optimizer: { name: 'adagrad', initialAccumulator: 0.1 } });
    expect(some.internals.slot(0).every((v) => v === Math.fround(0.1))).toBe(true);
  });

  it('lr 0 is accepted and means no update', async () => {
    const m = await Model.create({ backend, model: base() as never, optimizer: { name: 'sgd', lr: 0 } });
    expect(m.optimizer.lr).toBe(0);
    expect(m.lr).toBe(0);
    const before = m.getWeights();
    await m.fit(data, { epochs: 2, batchSize: 8 });
    expect(sameBits(m.getWeights(), before)).toBe(true);
  });

  it('leaky_relu alpha 0 gives alpha 0 (default would be 0.01) and behaves exactly as relu', async () => {
    const spec = (layer: Record<string, unknown>) => ({ inputs: 3, layers: [{ units: 6, ...layer }, { units: 2 }], loss: 'mse' }) as never;
    const leaky0 = await Model.create({ backend, seed: 11, model: spec({ activation: 'leaky_relu', alpha: 0 }), optimizer: { name: 'sgd', lr: 0.05 } });
    expect(leaky0.spec.layers[0].alpha).toBe(0);
    const leakyDefault = await Model.create({ backend, seed: 11, model: spec({ activation: 'leaky_relu' }), optimizer: { name: 'sgd', lr: 0.05 } });
    expect(leakyDefault.spec.layers[0].alpha).toBe(0.01);
    const relu = await Model.create({ backend, seed: 11, model: spec({ activation: 'relu' }), optimizer: { name: 'sgd', lr: 0.05 } });
    // Same seed, same shapes: the same initial weights.
    expect(sameBits(leaky0.getWeights(), relu.getWeights())).toBe(true);
    expect(sameBits(leaky0.predict(data.x).data, relu.predict(data.x).data)).toBe(true);
    expect(sameBits(leakyDefault.predict(data.x).data, relu.predict(data.x).data)).toBe(false);
    for (const m of [leaky0, leakyDefault, relu]) await m.fit(data, { epochs: 3, batchSize: 8 });
    expect(sameBits(leaky0.getWeights(), relu.getWeights())).toBe(true);
    expect(sameBits(leakyDefault.getWeights(), relu.getWeights())).toBe(false);
  });

  it('elu alpha 0 stays 0 (default would be 1)', async () => {
    const m = await Model.create({ backend, model: { inputs: 3, layers: [{ units: 4, activation: 'elu', alpha: 0 }, { units: 2 }], loss: 'mse' } });
    expect(m.spec.layers[0].alpha).toBe(0);
  });

  it('seed 0 is seed 0', async () => {
    const a = await Model.create({ backend, seed: 0, model: base() as never });
    const b = await Model.create({ backend, model: base() as never });
    expect(a.seed).toBe(0);
    expect(sameBits(a.getWeights(), b.getWeights())).toBe(true);
  });
});
