// Keras's conventions: SGD momentum with the lr folded into the velocity
// (v ← μv − lr·g; p ← p + v) against PyTorch's (v ← μv + g; p ← p − lr·v),
// stepped by hand with an lr change mid-run; the Keras 3 defaults preset; and
// Keras's `decay` argument as the inverse_time schedule.
//
// One linear unit, one input, mse, one row x = 2, y = 3, w = b = 0 at the start:
//   e = 2w + b − 3,  g = (dL/dw, dL/db) = (4e, 2e).
// μ = 0.9, lr 0.05 for steps 1–2, then 0.005 for steps 3–4.
//   step 1: e = −3, g = (−12, −6)
//     pytorch: v = (−12, −6),           p = (0, 0) − 0.05·v            = (0.6, 0.3)
//     keras:   v = −0.05·g = (0.6, 0.3), p = (0, 0) + v                 = (0.6, 0.3)
//   step 2: e = −1.5, g = (−6, −3)
//     pytorch: v = 0.9·(−12, −6) + g = (−16.8, −8.4), p = (0.6, 0.3) + 0.05·(16.8, 8.4) = (1.44, 0.72)
//     keras:   v = 0.9·(0.6, 0.3) + 0.05·(6, 3) = (0.84, 0.42), p = (1.44, 0.72)        (the same, as the lr is constant)
//   step 3, lr 0.005: e = 0.6, g = (2.4, 1.2)
//     pytorch: v = 0.9·(−16.8, −8.4) + g = (−12.72, −6.36), p = (1.44, 0.72) + 0.005·(12.72, 6.36) = (1.5036, 0.7518)
//     keras:   v = 0.9·(0.84, 0.42) − 0.005·g = (0.744, 0.372), p = (1.44, 0.72) + v = (2.184, 1.092)
//   step 4, lr 0.005:
//     pytorch: e = 0.759, g = (3.036, 1.518), v = (−8.412, −4.206), p = (1.54566, 0.77283)
//     keras:   e = 2.46,  g = (9.84, 4.92),   v = (0.6204, 0.3102), p = (2.8044, 1.4022)
// Nesterov, lr 0.05 throughout (both conventions agree while the lr is constant):
//   step 1: pytorch p = −0.05·(g + 0.9·g) = (1.14, 0.57); keras v = (0.6, 0.3), p = 0.9·v − 0.05·g = (1.14, 0.57)
//   step 2: e = −0.15, g = (−0.6, −0.3); keras v = 0.9·(0.6, 0.3) + (0.03, 0.015) = (0.57, 0.285),
//           p = (1.14, 0.57) + 0.9·v + (0.03, 0.015) = (1.683, 0.8415); pytorch the same p, with v = (−11.4, −5.7)
import { describe, expect, it } from 'vitest';
import { Model, fromArrays, normalizeOptimizer, type BackendKind, type OptimizerSpec } from '../bindings/index.js';
import { kerasDecaySchedule } from '../bindings/keras-defaults.js';
import { expectError, thrown } from './helpers/errors.js';

const BACKENDS: BackendKind[] = ['wasm', 'js'];
const TINY = { inputs: 1, layers: [{ units: 1, activation: 'linear' as const, init: 'zeros' as const }], loss: 'mse' as const };
const DATA = fromArrays([[2]], [[3]]);

async function steps(backend: BackendKind, optimizer: OptimizerSpec, lrs: number[]): Promise<{ p: number[]; v: number[] }[]> {
  const model = await Model.create({ backend, model: TINY, optimizer, seed: 1 });
  const out = [];
  for (const lr of lrs) {
    model.lr = lr;
    await model.fit(DATA, { epochs: model.epochsTrained + 1, batchSize: 1, shuffle: false, divergence: false });
    out.push({ p: Array.from(model.getWeights()), v: Array.from(model.internals.slot(0)) });
  }
  return out;
}

function expectNear(actual: number[], expected: number[]): void {
  // f32 arithmetic against the decimal hand computation: 1e-6 relative to the larger of the two magnitudes.
  actual.forEach((a, i) => expect(Math.abs(a - expected[i])).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(expected[i]))));
}

describe.each(BACKENDS)('SGD momentum conventions on %s', (backend) => {
  const lrs = [0.05, 0.05, 0.005, 0.005];

  it("'pytorch' (the default): the new lr acts at the very next step", async () => {
    const got = await steps(backend, { name: 'sgd', momentum: 0.9 }, lrs);
    expectNear(got[0].p, [0.6, 0.3]); expectNear(got[0].v, [-12, -6]);
    expectNear(got[1].p, [1.44, 0.72]); expectNear(got[1].v, [-16.8, -8.4]);
    expectNear(got[2].p, [1.5036, 0.7518]); expectNear(got[2].v, [-12.72, -6.36]);
    expectNear(got[3].p, [1.54566, 0.77283]); expectNear(got[3].v, [-8.412, -4.206]);
  });

  it("'keras': the velocity carries the old lr on after the change", async () => {
    const got = await steps(backend, { name: 'sgd', momentum: 0.9, momentumConvention: 'keras' }, lrs);
    expectNear(got[0].p, [0.6, 0.3]); expectNear(got[0].v, [0.6, 0.3]);
    expectNear(got[1].p, [1.44, 0.72]); expectNear(got[1].v, [0.84, 0.42]);
    expectNear(got[2].p, [2.184, 1.092]); expectNear(got[2].v, [0.744, 0.372]);
    expectNear(got[3].p, [2.8044, 1.4022]); expectNear(got[3].v, [0.6204, 0.3102]);
  });

  it('Nesterov in both conventions: the same weights while the lr is constant', async () => {
    const keras = await steps(backend, { name: 'sgd', momentum: 0.9, nesterov: true, momentumConvention: 'keras' }, [0.05, 0.05]);
    const torch = await steps(backend, { name: 'sgd', momentum: 0.9, nesterov: true }, [0.05, 0.05]);
    expectNear(keras[0].p, [1.14, 0.57]); expectNear(keras[1].p, [1.683, 0.8415]); expectNear(keras[1].v, [0.57, 0.285]);
    expectNear(torch[0].p, [1.14, 0.57]); expectNear(torch[1].p, [1.683, 0.8415]); expectNear(torch[1].v, [-11.4, -5.7]);
  });
});

it.each<OptimizerSpec>([
  { name: 'sgd', lr: 0.1, momentum: 0.9, momentumConvention: 'keras' },
  { name: 'sgd', lr: 0.1, momentum: 0.9, nesterov: true, momentumConvention: 'keras' },
  { name: 'adam', defaults: 'keras' },
  { name: 'rmsprop', defaults: 'keras', centered: true },
  { name: 'adagrad', defaults: 'keras' },
])('the two backends agree bit for bit under Keras\'s conventions over a real fit with a schedule: %j', async (optimizer) => {
  const { blobs } = await import('../bindings/index.js');
  const data = blobs({ samples: 90, seed: 3 });
  const spec = { inputs: 2, layers: [{ units: 7, activation: 'relu' as const }, { units: 3, activation: 'softmax' as const }], loss: 'categorical_crossentropy' as const };
  const weights = await Promise.all(BACKENDS.map(async (backend) => {
    const m = await Model.create({ backend, model: spec, optimizer, seed: 4 });
    await m.fit(data, { epochs: 4, batchSize: 16, schedule: kerasDecaySchedule(0.05) });
    return Array.from(m.getWeights());
  }));
  expect(weights[1]).toEqual(weights[0]);
});

describe("defaults: 'keras' (Keras 3)", () => {
  it('fills each optimizer with Keras 3\'s defaults, and SGD with its momentum convention', () => {
    expect(normalizeOptimizer({ name: 'sgd', defaults: 'keras' })).toMatchObject({ lr: 0.01, momentum: 0, momentumConvention: 'keras' });
    expect(normalizeOptimizer({ name: 'rmsprop', defaults: 'keras' })).toMatchObject({ lr: 0.001, rho: 0.9, epsilon: 1e-7, momentum: 0 });
    expect(normalizeOptimizer({ name: 'adagrad', defaults: 'keras' })).toMatchObject({ lr: 0.001, epsilon: 1e-7, initialAccumulator: 0.1 });
    expect(normalizeOptimizer({ name: 'adam', defaults: 'keras' })).toMatchObject({ lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    expect(normalizeOptimizer({ name: 'adadelta', defaults: 'keras' })).toMatchObject({ lr: 0.001, rho: 0.95, epsilon: 1e-7 });
    expect(normalizeOptimizer({ name: 'adamw', defaults: 'keras' })).toMatchObject({ lr: 0.001, weightDecay: 0.004, epsilon: 1e-7 });
  });

  it('given options win over the preset; PyTorch\'s stay the default', () => {
    expect(normalizeOptimizer({ name: 'sgd', defaults: 'keras', momentum: 0.9, momentumConvention: 'pytorch', lr: 0.1 }))
      .toMatchObject({ lr: 0.1, momentum: 0.9, momentumConvention: 'pytorch' });
    expect(normalizeOptimizer({ name: 'rmsprop', defaults: 'keras', rho: 0 })).toMatchObject({ rho: 0, lr: 0.001 });
    expect(normalizeOptimizer({ name: 'adagrad' })).toMatchObject({ defaults: 'pytorch', lr: 0.01, epsilon: 1e-10, initialAccumulator: 0 });
    expect(normalizeOptimizer({ name: 'sgd', momentum: 0.9 })).toMatchObject({ momentumConvention: 'pytorch' });
  });

  it('refuses unknown presets and conventions, naming the field', () => {
    expectError(thrown(() => normalizeOptimizer({ name: 'adam', defaults: 'tf' })), 'UNKNOWN_OPTION', 'optimizer.defaults', 'keras');
    expectError(thrown(() => normalizeOptimizer({ name: 'sgd', momentumConvention: 'tf' })), 'UNKNOWN_OPTION', 'optimizer.momentumConvention', 'keras');
    expect(thrown(() => normalizeOptimizer({ name: 'adam', momentumConvention: 'keras' })).code).toBe('UNKNOWN_OPTION');
  });
});

describe("Keras's decay argument: kerasDecaySchedule(decay) = inverse_time, rate decay, every update", () => {
  it('lr_t = lr / (1 + decay · t) at update t = 0, 1, 2 … (Keras counts iterations before the update)', async () => {
    const model = await Model.create({ model: TINY, optimizer: { name: 'sgd', lr: 0.01 }, seed: 1 });
    const data = fromArrays([[2], [1], [0], [3], [1]], [[3], [1], [0], [2], [1]]);
    const history = await model.fit(data, { epochs: 2, batchSize: 2, schedule: kerasDecaySchedule(0.1), recordStepLr: true });
    // 3 batches per epoch, 6 updates: 0.01 / (1 + 0.1·t)
    expect(history.stepLr).toEqual([0.01, 0.01 / 1.1, 0.01 / 1.2, 0.01 / 1.3, 0.01 / 1.4, 0.01 / 1.5]);
  });

  it('refuses a negative decay', () => {
    expectError(thrown(() => kerasDecaySchedule(-1)), 'INVALID_OPTION', 'decay');
  });
});

// Keras's place for ε, first step from w = b = 0 (g = (−12, −6)), lr 0.1, ε = 1 so that the difference shows:
//   adagrad (s₀ = 0):  keras  Δ = lr·g/√(g² + ε)        = (1.2/√145, 0.6/√37)
//                      torch  Δ = lr·g/(|g| + ε)        = (1.2/13, 0.6/7)
//   rmsprop (ρ 0.9):   s = 0.1·g² = (14.4, 3.6);  keras Δ = lr·g/√(s + ε) = (1.2/√15.4, 0.6/√4.6)
//                      torch Δ = lr·g/(√s + ε)          = (1.2/(√14.4 + 1), 0.6/(√3.6 + 1))
//   adam (t = 1):      m = (1 − β1)g, v = (1 − β2)g², c₂ = √(1 − β2);  torch Δ = lr/(1 − β1)·m/(√v/c₂ + ε) = (1.2/13, 0.6/7)
//                      keras Δ = lr/(1 − β1)·m/((√v + ε)/c₂)  (β2 as the f32 the backends get: its 1 − β2 is 1.3e-5 off)
describe.each(BACKENDS)("epsilonConvention 'keras' on %s: ε inside the root (Adagrad, RMSprop), before the bias correction (Adam)", (backend) => {
  const first = async (optimizer: OptimizerSpec) => (await steps(backend, optimizer, [0.1]))[0].p;
  const b2 = Math.fround(0.999), c2 = Math.sqrt(1 - b2);
  const adamKeras = (gAbs: number) => (0.1 / (1 - Math.fround(0.9))) * (Math.fround(1 - Math.fround(0.9)) * gAbs) / ((Math.sqrt(Math.fround(1 - b2) * gAbs * gAbs) + 1) / c2);

  it('adagrad', async () => {
    expectNear(await first({ name: 'adagrad', epsilon: 1, epsilonConvention: 'keras' }), [1.2 / Math.sqrt(145), 0.6 / Math.sqrt(37)]);
    expectNear(await first({ name: 'adagrad', epsilon: 1 }), [1.2 / 13, 0.6 / 7]);
  });
  it('rmsprop, plain and centered (ḡ = 0.1·g: s − ḡ² = (12.96, 3.24))', async () => {
    expectNear(await first({ name: 'rmsprop', rho: 0.9, epsilon: 1, epsilonConvention: 'keras' }), [1.2 / Math.sqrt(15.4), 0.6 / Math.sqrt(4.6)]);
    expectNear(await first({ name: 'rmsprop', rho: 0.9, epsilon: 1 }), [1.2 / (Math.sqrt(14.4) + 1), 0.6 / (Math.sqrt(3.6) + 1)]);
    expectNear(await first({ name: 'rmsprop', rho: 0.9, epsilon: 1, centered: true, epsilonConvention: 'keras' }), [1.2 / Math.sqrt(13.96), 0.6 / Math.sqrt(4.24)]);
  });
  it('adam', async () => {
    expectNear(await first({ name: 'adam', epsilon: 1, epsilonConvention: 'keras' }), [adamKeras(12), adamKeras(6)]);
    expectNear(await first({ name: 'adam', epsilon: 1 }), [1.2 / 13, 0.6 / 7]);
  });
  it("is what defaults: 'keras' picks for them", () => {
    for (const name of ['adagrad', 'rmsprop', 'adam', 'adamw'] as const) expect(normalizeOptimizer({ name, defaults: 'keras' }).epsilonConvention).toBe('keras');
    expect(normalizeOptimizer({ name: 'adam' }).epsilonConvention).toBe('pytorch');
  });
});
