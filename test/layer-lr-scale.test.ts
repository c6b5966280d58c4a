// Per-layer LR multipliers (`lrScale` on a layer spec, as PyTorch parameter
// groups): layer l's weights and biases step with lr·lrScale_l (in f32, as
// the core multiplies them). The layers of 2 → 5 → 3 → 3 hold 15, 18 and 12
// parameters, so the layer boundaries (15, 33) fall inside the core's 4-lane
// blocks: each layer's update must leave its neighbours' lanes alone.
import { describe, expect, it } from 'vitest';
import { TRAIN } from '../bindings/backend/types.js';
import { Model, blobs, expandSweep, runSweep, validateSweep, InlineExecutor, type BackendKind, type ModelSpec, type OptimizerSpec } from '../bindings/index.js';
import { expectError, thrown } from './helpers/errors.js';
import { normalizeModel } from '../bindings/spec.js';

const BACKENDS: BackendKind[] = ['wasm', 'js'];
const SCALES = [0.5, 0, 3];
const RANGES = [[0, 15], [15, 33], [33, 45]];
const data = blobs({ samples: 64, seed: 5 });

function spec(scales: (number | undefined)[]): ModelSpec {
  const layer = (units: number, i: number, activation: 'relu' | 'softmax') => ({ units, activation, ...(scales[i] === undefined ? {} : { lrScale: scales[i] }) });
  return { inputs: 2, layers: [layer(5, 0, 'relu'), layer(3, 1, 'relu'), layer(3, 2, 'softmax')], loss: 'categorical_crossentropy' };
}

describe.each(BACKENDS)('lrScale on %s', (backend) => {
  it('SGD: p ← p − f32(lr·scale_l)·g on each layer, by hand from the gradients, over three steps', async () => {
    const lr = 0.1;
    const model = await Model.create({ backend, model: spec(SCALES), optimizer: { name: 'sgd', lr }, seed: 2 });
    const b = model.internals;
    b.setData(TRAIN, data.x.data, data.y.data, data.x.rows);
    b.setBatchCapacity(16);
    b.beginEpoch(0, 0, false);
    for (let step = 0; step < 3; step++) {
      const before = Float32Array.from(b.params());
      b.computeGradients(TRAIN, step * 16, 16);
      const g = Float32Array.from(b.grads());
      const expected = new Float32Array(before.length);
      RANGES.forEach(([from, to], l) => {
        const layerLr = Math.fround(Math.fround(lr) * Math.fround(SCALES[l]));
        for (let i = from; i < to; i++) expected[i] = Math.fround(before[i] - Math.fround(layerLr * g[i]));
      });
      b.trainBatch(step * 16, 16, lr); // with shuffle off, rows step·16 … step·16 + 15, as computeGradients saw them
      expect(Array.from(b.params())).toEqual(Array.from(expected));
    }
  });

  it('Adam, first step: each layer equals a model with lr·scale_l throughout (same gradients at step 1); scale 0 freezes', async () => {
    const lr = 0.01;
    const fit = async (scales: (number | undefined)[], optLr: number) => {
      const m = await Model.create({ backend, model: spec(scales), optimizer: { name: 'adam', lr: optLr }, seed: 2 });
      await m.fit(data, { epochs: 1, batchSize: 64, shuffle: false });
      return m.getWeights();
    };
    const scaled = await fit(SCALES, lr);
    const start = (await Model.create({ backend, model: spec(SCALES), optimizer: { name: 'adam', lr }, seed: 2 })).getWeights();
    for (const [l, [from, to]] of RANGES.entries()) {
      const reference = await fit([], Math.fround(Math.fround(lr) * Math.fround(SCALES[l])));
      expect(Array.from(scaled.subarray(from, to)), `layer ${l}`).toEqual(Array.from((SCALES[l] === 0 ? start : reference).subarray(from, to)));
    }
  });

  it('save/load keeps the multipliers: a fit resumed from the file equals an uninterrupted one, bit for bit', async () => {
    const optimizer: OptimizerSpec = { name: 'sgd', lr: 0.05, momentum: 0.9 };
    const whole = await Model.create({ backend, model: spec(SCALES), optimizer, seed: 3 });
    await whole.fit(data, { epochs: 6, batchSize: 8 });
    const half = await Model.create({ backend, model: spec(SCALES), optimizer, seed: 3 });
    await half.fit(data, { epochs: 3, batchSize: 8 });
    const loaded = await Model.load(half.save(), { backend });
    expect(loaded.spec.layers.map((l) => l.lrScale)).toEqual(SCALES);
    await loaded.fit(data, { epochs: 6, batchSize: 8 });
    expect(Array.from(loaded.getWeights())).toEqual(Array.from(whole.getWeights()));
    const initial = (await Model.create({ backend, model: spec(SCALES), optimizer, seed: 3 })).getWeights();
    expect(Array.from(loaded.getWeights().subarray(15, 33))).toEqual(Array.from(initial.subarray(15, 33))); // lrScale 0: frozen
  });
});

it('wasm and js agree bit for bit with multipliers, under RMSprop with momentum (three slots per layer boundary)', async () => {
  const weights = await Promise.all(BACKENDS.map(async (backend) => {
    const m = await Model.create({ backend, model: spec([2, 0.25, 1]), optimizer: { name: 'rmsprop', lr: 0.01, momentum: 0.5, centered: true }, seed: 7 });
    await m.fit(data, { epochs: 3, batchSize: 8 });
    return Array.from(m.getWeights());
  }));
  expect(weights[1]).toEqual(weights[0]);
});

it('defaults to 1 (no multiplier changes nothing) and refuses negative or non-numeric scales, naming the layer', async () => {
  expect(normalizeModel(spec([])).layers.map((l) => l.lrScale)).toEqual([1, 1, 1]);
  const plain = await Model.create({ model: spec([]), optimizer: { name: 'sgd', lr: 0.1 }, seed: 1 });
  const ones = await Model.create({ model: spec([1, 1, 1]), optimizer: { name: 'sgd', lr: 0.1 }, seed: 1 });
  await plain.fit(data, { epochs: 2 });
  await ones.fit(data, { epochs: 2 });
  expect(Array.from(ones.getWeights())).toEqual(Array.from(plain.getWeights()));
  expectError(thrown(() => normalizeModel(spec([1, -0.5]))), 'INVALID_OPTION', 'model.layers[1].lrScale');
  expectError(thrown(() => normalizeModel(spec(['fast' as unknown as number]))), 'INVALID_OPTION', 'model.layers[0].lrScale');
});

it('is swept like any other field: model.layers[0].lrScale as an axis', async () => {
  const sweep = validateSweep({
    base: { data: { name: 'blobs', samples: 64, seed: 5 }, model: spec([]), optimizer: { name: 'sgd', lr: 0.1 }, epochs: 2, batchSize: 16 },
    axes: { 'model.layers[0].lrScale': [0, 1] },
  });
  const trials = expandSweep(sweep);
  expect(trials.map((t) => t.spec.model.layers[0].lrScale)).toEqual([0, 1]);
  const results = await runSweep(sweep, { executor: new InlineExecutor() });
  expect(results.every((r) => r.status === 'completed')).toBe(true);
  expect(results[0].history!.loss).not.toEqual(results[1].history!.loss);
});
