/**
 * Resuming (PyTorch's state_dict round trip): train 20 epochs, save, load into
 * a NEW model, train 20 more — bit-identical to an uninterrupted 40-epoch fit,
 * with the per-epoch seeded shuffle on. Also: AbortSignal, ctx.stop() and a
 * callback moving ctx.lr.
 */
import { describe, expect, it } from 'vitest';
import { Model, type ModelConfig } from '../bindings/model.js';
import { decodeModel, encodeModel } from '../bindings/serialize.js';
import { createRng } from '../bindings/random.js';
import type { BackendKind } from '../bindings/backend/index.js';
import type { OptimizerSpec } from '../bindings/spec.js';
import type { Dataset } from '../bindings/types.js';

const BACKENDS: BackendKind[] = ['wasm', 'js'];

function sameBits(a: Float32Array | Float64Array, b: Float32Array | Float64Array): boolean {
  if (a.length !== b.length || a.constructor !== b.constructor) return false;
  const ua = new Uint8Array(a.buffer, a.byteOffset, a.byteLength), ub = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return ua.every((v, i) => v === ub[i]);
}

/** 3 noisy classes in 4 dimensions; 60 rows → batches of 16 leave a last batch of 12. */
function blobs(rows = 60): Dataset {
  const rng = createRng(21);
  const x = new Float32Array(rows * 4), y = new Float32Array(rows * 3);
  for (let i = 0; i < rows; i++) {
    const c = i % 3;
    for (let j = 0; j < 4; j++) x[i * 4 + j] = 1.5 * rng.normal() + (j === c ? 2 : j === 3 ? -c : 0);
    y[i * 3 + c] = 1;
  }
  return { x: { data: x, rows, cols: 4 }, y: { data: y, rows, cols: 3 } };
}

const OPTIMIZERS: [string, OptimizerSpec][] = [
  ['sgd + momentum (nesterov)', { name: 'sgd', lr: 0.05, momentum: 0.9, nesterov: true }],
  ['adam', { name: 'adam', lr: 0.01 }],
  ['rmsprop centered + momentum', { name: 'rmsprop', lr: 0.003, centered: true, momentum: 0.5 }],
  ['nadam (μ product scalar)', { name: 'nadam', lr: 0.01 }],
  ['adagrad', { name: 'adagrad', lr: 0.05, initialAccumulator: 0.1 }],
];

const config = (backend: BackendKind, optimizer: OptimizerSpec): ModelConfig => ({
  backend, seed: 13,
  model: { inputs: 4, layers: [{ units: 8, activation: 'tanh' }, { units: 3, activation: 'softmax' }], loss: 'categorical_crossentropy' },
  optimizer,
});

const FIT = { batchSize: 16, shuffle: true } as const;

async function uninterrupted(backend: BackendKind, optimizer: OptimizerSpec, data: Dataset): Promise<Model> {
  const model = await Model.create(config(backend, optimizer));
  const history = await model.fit(data, { ...FIT, epochs: 40 });
  expect(history.status).toBe('completed');
  return model;
}

// The save → load → fit tests fail until Model.load accepts the header save()
// writes (header.optimizer is the normalized spec with every optimizer's keys;
// normalizeOptimizer refuses the foreign ones: UNKNOWN_OPTION). The third test
// of this block works around that one bug and shows the rest of the path is exact.
describe.each(BACKENDS)('resume from a checkpoint is bit-identical (%s backend)', (backend) => {
  const data = blobs();

  it.each(OPTIMIZERS)('%s: 20 epochs, save, load into a new model, 20 more == 40 epochs', async (_label, optimizer) => {
    const reference = await uninterrupted(backend, optimizer, data);
    const first = await Model.create(config(backend, optimizer));
    await first.fit(data, { ...FIT, epochs: 20 });
    const bytes = first.save();
    const resumed = await Model.load(bytes, { backend });
    expect(resumed.epochsTrained).toBe(20);
    expect(resumed.step).toBe(first.step);
    const history = await resumed.fit(data, { ...FIT, epochs: 40 }); // epochs is the total, as Keras with initialEpoch
    expect(history.epoch[0]).toBe(20);
    expect(history.epoch).toHaveLength(20);
    expect(resumed.epochsTrained).toBe(40);
    expect(resumed.step).toBe(reference.step);
    expect(sameBits(resumed.getWeights(), reference.getWeights())).toBe(true);
    for (let k = 0; k < reference.internals.slotCount; k++) {
      expect(sameBits(resumed.internals.slot(k), reference.internals.slot(k))).toBe(true);
    }
    expect(sameBits(resumed.internals.scalars(), reference.internals.scalars())).toBe(true);
  });

  it('continuing the same model object (no save/load) is bit-identical too', async () => {
    for (const [, optimizer] of OPTIMIZERS) {
      const reference = await uninterrupted(backend, optimizer, data);
      const model = await Model.create(config(backend, optimizer));
      await model.fit(data, { ...FIT, epochs: 20 });
      await model.fit(data, { ...FIT, epochs: 40 });
      expect(sameBits(model.getWeights(), reference.getWeights())).toBe(true);
    }
  });

  // Isolates Model.load's header bug from the rest of the resume path: the same
  // bytes with header.optimizer reduced to the keys its optimizer accepts.
  it('resume is bit-identical when the saved optimizer header holds only its own keys', async () => {
    const own: Record<string, string[]> = {
      sgd: ['momentum', 'nesterov'], adagrad: ['epsilon', 'initialAccumulator'], rmsprop: ['rho', 'momentum', 'epsilon', 'centered'],
      adam: ['beta1', 'beta2', 'epsilon', 'amsgrad'], nadam: ['beta1', 'beta2', 'epsilon', 'momentumDecay'],
    };
    for (const [, optimizer] of OPTIMIZERS) {
      const reference = await uninterrupted(backend, optimizer, data);
      const first = await Model.create(config(backend, optimizer));
      await first.fit(data, { ...FIT, epochs: 20 });
      const state = decodeModel(first.save());
      const keep = ['name', 'lr', 'weightDecay', 'clipNorm', 'clipValue', ...own[optimizer.name]];
      state.header.optimizer = Object.fromEntries(Object.entries(state.header.optimizer).filter(([k]) => keep.includes(k))) as OptimizerSpec;
      const resumed = await Model.load(encodeModel(state), { backend });
      await resumed.fit(data, { ...FIT, epochs: 40 });
      expect(sameBits(resumed.getWeights(), reference.getWeights())).toBe(true);
    }
  });
});

describe('resume across backends', () => {
  it('a wasm checkpoint resumed on js stays close to the uninterrupted wasm fit', async () => {
    const optimizer: OptimizerSpec = { name: 'adam', lr: 0.01 };
    const data = blobs();
    const reference = await uninterrupted('wasm', optimizer, data);
    const first = await Model.create(config('wasm', optimizer));
    await first.fit(data, { ...FIT, epochs: 20 });
    const resumed = await Model.load(first.save(), { backend: 'js' });
    await resumed.fit(data, { ...FIT, epochs: 40 });
    const a = reference.getWeights(), b = resumed.getWeights();
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-3);
  });
});

// ---------------------------------------------------------------------------

describe.each(BACKENDS)('AbortSignal, ctx.stop() and ctx.lr (%s backend)', (backend) => {
  const data = blobs();
  const sgd: OptimizerSpec = { name: 'sgd', lr: 0.05 };

  it('aborting from onEpochEnd ends with status "aborted" and keeps the epochs done', async () => {
    const controller = new AbortController();
    const model = await Model.create(config(backend, sgd));
    const history = await model.fit(data, {
      ...FIT, epochs: 10, signal: controller.signal,
      callbacks: { onEpochEnd: (epoch) => { if (epoch === 2) controller.abort(); } },
    });
    expect(history.status).toBe('aborted');
    expect(history.epoch).toEqual([0, 1, 2]);
    expect(model.epochsTrained).toBe(3);
    const last = history.events[history.events.length - 1];
    expect(last.kind).toBe('aborted');
    expect(last.step).toBe(model.step);
    // The epochs done are kept exactly: the same weights as a 3-epoch fit.
    const three = await Model.create(config(backend, sgd));
    await three.fit(data, { ...FIT, epochs: 3 });
    expect(sameBits(model.getWeights(), three.getWeights())).toBe(true);
    // And a later fit resumes from epoch 3.
    const rest = await model.fit(data, { ...FIT, epochs: 5 });
    expect(rest.status).toBe('completed');
    expect(rest.epoch).toEqual([3, 4]);
    const five = await Model.create(config(backend, sgd));
    await five.fit(data, { ...FIT, epochs: 5 });
    expect(sameBits(model.getWeights(), five.getWeights())).toBe(true);
  });

  it('an already-aborted signal trains nothing', async () => {
    const model = await Model.create(config(backend, sgd));
    const before = model.getWeights();
    const history = await model.fit(data, { ...FIT, epochs: 5, signal: AbortSignal.abort() });
    expect(history.status).toBe('aborted');
    expect(history.epoch).toEqual([]);
    expect(model.epochsTrained).toBe(0);
    expect(model.step).toBe(0);
    expect(sameBits(model.getWeights(), before)).toBe(true);
  });

  it('an abort from a timer lands during a long fit (the loop yields to the event loop)', async () => {
    const model = await Model.create(config(backend, sgd));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const history = await model.fit(data, { ...FIT, epochs: 1_000_000, signal: controller.signal });
    expect(history.status).toBe('aborted');
    expect(history.epoch.length).toBeGreaterThan(0);
    expect(history.epoch.length).toBeLessThan(1_000_000);
    expect(model.epochsTrained).toBe(history.epoch.length);
  });

  it('ctx.stop() from a callback gives status "stopped" and a "stop" event with the reason', async () => {
    const model = await Model.create(config(backend, sgd));
    const history = await model.fit(data, {
      ...FIT, epochs: 10,
      callbacks: { onEpochEnd: (epoch, _logs, ctx) => { if (epoch === 1) ctx.stop('enough'); } },
    });
    expect(history.status).toBe('stopped');
    expect(history.epoch).toEqual([0, 1]);
    expect(model.epochsTrained).toBe(2);
    const stop = history.events.filter((e) => e.kind === 'stop');
    expect(stop).toHaveLength(1);
    expect(stop[0].reason).toBe('enough');
    expect(stop[0].epoch).toBe(1);
  });

  it('a callback raising ctx.lr each epoch shows in history.lr, as "lr" events, and in model.lr', async () => {
    const model = await Model.create(config(backend, { name: 'sgd', lr: 0.01 }));
    const history = await model.fit(data, {
      ...FIT, epochs: 4,
      callbacks: { onEpochBegin: (epoch, ctx) => { if (epoch > 0) ctx.lr = ctx.lr * 2; } },
    });
    expect(history.status).toBe('completed');
    expect(history.lr).toEqual([0.01, 0.02, 0.04, 0.08]);
    const events = history.events.filter((e) => e.kind === 'lr');
    expect(events.map((e) => [e.epoch, e.oldLr, e.newLr])).toEqual([[1, 0.01, 0.02], [2, 0.02, 0.04], [3, 0.04, 0.08]]);
    expect(events.every((e) => e.step === e.epoch * 4)).toBe(true); // 60 rows / 16 = 4 steps per epoch
    expect(model.lr).toBe(0.08);
  });

  it('an lr set to 0 by a callback really stops the updates (plain SGD)', async () => {
    const model = await Model.create(config(backend, { name: 'sgd', lr: 0.05 }));
    let afterFirst: Float32Array | undefined;
    const history = await model.fit(data, {
      ...FIT, epochs: 3,
      callbacks: {
        onEpochEnd: (epoch, _logs, ctx) => {
          if (epoch === 0) {
            afterFirst = model.getWeights();
            ctx.lr = 0;
          }
        },
      },
    });
    expect(history.lr).toEqual([0.05, 0, 0]);
    expect(sameBits(model.getWeights(), afterFirst!)).toBe(true);
  });
});
