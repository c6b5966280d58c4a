// Data-parallel fits (fit({ threads })): each thread takes a slice of every
// minibatch; each adds up and updates its own range of the parameters, always
// in the same order, so a run is bit-identical for a given thread count, equals
// the whole sum and update done on one thread, and agrees with one thread up to
// float32 reduction error (the batch gradient summed in another association).
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Model, blobs, splitAt, type FitOptions, type ModelSpec, type OptimizerSpec } from '../bindings/index.js';
import { TUTORIAL_EXPERIMENT } from '../bindings/experiment.js';
import { TRAIN } from '../bindings/backend/types.js';
import type { WasmBackend } from '../bindings/backend/wasm.js';
import type { Backend } from '../bindings/backend/types.js';
import { sliceStart } from '../bindings/backend/threads.js';
import { withoutLoaders } from '../bindings/backend/spawn-worker.js';
import { expectError, rejected } from './helpers/errors.js';

const { name: _, ...options } = TUTORIAL_EXPERIMENT.data as { name: 'blobs' };
const { train, test } = splitAt(blobs(options as never), 500);
const spec = {
  inputs: 2,
  layers: [{ units: 24, activation: 'relu' as const, init: 'he_uniform' as const }, { units: 16, activation: 'tanh' as const }, { units: 3, activation: 'softmax' as const }],
  loss: 'categorical_crossentropy' as const,
};

const adam: OptimizerSpec = { name: 'adam', lr: 0.01 };

async function fit(threads: number, extra: Partial<FitOptions> = {}) {
  const model = await Model.create({ model: spec, optimizer: adam, seed: 4 });
  const history = await model.fit(train, { epochs: 4, batchSize: 50, threads, validationData: test, ...extra });
  return { model, history, weights: model.getWeights() };
}

const bits = (x: Float32Array) => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));

interface State { params: Float32Array; slots: Float32Array[]; scalars: Float64Array }
const stateOf = (b: Backend): State => ({
  params: b.params().slice(), slots: Array.from({ length: b.slotCount }, (_, k) => b.slot(k).slice()), scalars: b.scalars().slice(),
});

/**
 * The documented threaded step done on one backend: each thread's slice in
 * turn, the slices added here in thread order with f32 adds ((g0 + g1) + g2 …;
 * Math.fround of the exact sum is the f32 sum), then the one-thread update.
 */
async function referenceRun(model: ModelSpec, optimizer: OptimizerSpec, threads: number, epochs: number, batchSize: number): Promise<State> {
  const reference = await Model.create({ model, optimizer, seed: 4 });
  const backend = reference.internals as WasmBackend, rows = train.x.rows;
  backend.setBatchCapacity(batchSize);
  backend.setData(TRAIN, train.x.data, train.y.data, rows);
  const n = backend.paramCount, sum = new Float32Array(n);
  for (let epoch = 0; epoch < epochs; epoch++) {
    backend.beginEpoch(4, epoch, true);
    for (let start = 0; start < rows; start += batchSize) {
      const batch = Math.min(batchSize, rows - start);
      for (let t = 0; t < threads; t++) {
        const lo = sliceStart(batch, t, threads), hi = sliceStart(batch, t + 1, threads);
        if (hi > lo) backend.sliceGradients(start + lo, hi - lo, batch);
        const part = hi > lo ? backend.grads() : new Float32Array(n);
        for (let i = 0; i < n; i++) sum[i] = t === 0 ? part[i] : Math.fround(sum[i] + part[i]);
      }
      backend.grads().set(sum);
      backend.applyUpdate(Math.fround(optimizer.lr!));
    }
  }
  return stateOf(backend);
}

/** The model's weights, every optimizer slot and the step scalars equal `expected` bit for bit. */
function expectSameState(model: Model, expected: State, what = '') {
  const actual = stateOf(model.internals);
  expect(bits(actual.params), `${what} weights`).toEqual(bits(expected.params));
  expect(actual.slots.map(bits), `${what} optimizer slots`).toEqual(expected.slots.map(bits));
  expect(Array.from(actual.scalars), `${what} step scalars`).toEqual(Array.from(expected.scalars));
}

describe('fit({ threads })', () => {
  it('is bit-identical from run to run for a given thread count, with or without batch callbacks', async () => {
    const [a, b, c] = [await fit(2), await fit(2), await fit(2, { callbacks: { onBatchEnd() {} } })];
    expect(bits(a.weights)).toEqual(bits(b.weights));
    expect(bits(a.weights)).toEqual(bits(c.weights));
    expect(a.history.loss).toEqual(b.history.loss);
    expect(a.history.valLoss).toEqual(b.history.valLoss);
    expect(Buffer.from(a.model.save())).toEqual(Buffer.from(b.model.save()));
  }, 60_000);

  it('agrees with one thread up to float32 reduction error, for 2 and 3 threads', async () => {
    const one = await fit(1);
    for (const threads of [2, 3]) {
      const many = await fit(threads);
      expect(many.history.status).toBe('completed');
      expect(many.model.epochsTrained).toBe(4);
      let worst = 0;
      for (let i = 0; i < one.weights.length; i++) worst = Math.max(worst, Math.abs(one.weights[i] - many.weights[i]));
      // 4 epochs × 10 Adam steps; each step's gradient differs by a few ulps of its terms.
      expect(worst).toBeLessThan(1e-4);
      expect(bits(many.weights)).not.toEqual(bits(one.weights)); // a real other association, not the one-thread path
      one.history.loss.forEach((loss, e) => expect(many.history.loss[e]).toBeCloseTo(loss, 5));
      one.history.accuracy!.forEach((acc, e) => expect(Math.abs(many.history.accuracy![e] - acc)).toBeLessThanOrEqual(0.01));
    }
  }, 60_000);

  it('equals, bit for bit, the documented reduction done on one thread: slice gradients added in thread order, then the update', async () => {
    for (const threads of [2, 3]) {
      const reference = await referenceRun(spec, adam, threads, 2, 50);
      const threaded = await fit(threads, { epochs: 2, batchSize: 50 });
      expectSameState(threaded.model, reference);
    }
  }, 60_000);

  // Each thread updates its own range of the parameters (cut at multiples of 4, here
  // inside layers and inside the 4-blocks where layers meet); clipNorm's Σ g² is
  // chained from range to range. Together that must be the one update of everything.
  it('splits the update without changing a bit: clipNorm, clipValue, weight decay, AMSGrad, Nadam, per-layer lrScale', async () => {
    // 2 → 7 → 5 → 3: layers end at parameters 21, 61 and 79, none a multiple of 4.
    const odd = {
      inputs: 2,
      layers: [{ units: 7, activation: 'relu' as const, lrScale: 0.5 }, { units: 5, activation: 'tanh' as const }, { units: 3, activation: 'softmax' as const, lrScale: 2 }],
      loss: 'categorical_crossentropy' as const,
    };
    const optimizers: OptimizerSpec[] = [
      { name: 'adam', lr: 0.02, clipNorm: 0.05, clipValue: 0.02, weightDecay: 1e-3, amsgrad: true },
      { name: 'nadam', lr: 0.01, clipNorm: 0.1 },
      { name: 'sgd', lr: 0.05, momentum: 0.9, clipNorm: 0.2 },
    ];
    for (const optimizer of optimizers) {
      for (const threads of [2, 3, 4]) {
        const reference = await referenceRun(odd, optimizer, threads, 2, 40);
        const model = await Model.create({ model: odd, optimizer, seed: 4 });
        await model.fit(train, { epochs: 2, batchSize: 40, threads });
        expectSameState(model, reference, `${optimizer.name} on ${threads} threads`);
      }
    }
  }, 120_000);

  it('brings the optimizer state home: a save during the fit holds every range, and two fits continue as one', async () => {
    const model2 = await Model.create({ model: spec, optimizer: adam, seed: 4 });
    const mid: Uint8Array[] = [];
    await model2.fit(train, { epochs: 2, batchSize: 50, threads: 2, callbacks: { onEpochEnd: (epoch) => { if (epoch === 0) mid.push(model2.save()); } } });
    const oneEpoch = await Model.create({ model: spec, optimizer: adam, seed: 4 });
    await oneEpoch.fit(train, { epochs: 1, batchSize: 50, threads: 2 });
    expectSameState(await Model.load(mid[0]), stateOf(oneEpoch.internals));
    // The second fit (on to epoch 2) starts its workers from the first one's full state.
    await oneEpoch.fit(train, { epochs: 2, batchSize: 50, threads: 2 });
    expectSameState(oneEpoch, stateOf(model2.internals));
  }, 60_000);

  it('starts its workers without the process\'s loader flags, and with them where a V8 flag would make a worker refuse the rest', async () => {
    expect(withoutLoaders(['--import', 'tsx', '--expose-gc', '--require=x.cjs', '-r', 'y', '--loader=z', '--max-old-space-size=512']))
      .toEqual(['--expose-gc', '--max-old-space-size=512']);
    // A worker given an explicit execArgv with --expose-gc throws; spawnModuleWorker then lets it inherit everything.
    const dir = await mkdtemp(join(tmpdir(), 'lrlab-threads-flags-'));
    const script = join(dir, 'fit.mts');
    await writeFile(script, `import { Model, blobs } from ${JSON.stringify(pathToFileURL(resolve('bindings/index.ts')).href)};
      const m = await Model.create({ model: { inputs: 2, layers: [{ units: 3, activation: 'softmax' }], loss: 'categorical_crossentropy' }, seed: 1 });
      const h = await m.fit(blobs({ samples: 60, centers: 3, seed: 1 }), { epochs: 1, batchSize: 20, threads: 2 });
      console.log(h.status, typeof gc);`);
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', script], { timeout: 60_000 });
    await rm(dir, { recursive: true, force: true });
    expect(stdout.trim()).toBe('completed function');
  }, 60_000);

  it('a batch smaller than the thread count leaves threads idle, not wrong', async () => {
    const one = await fit(1, { batchSize: 2, epochs: 1 });
    const many = await fit(3, { batchSize: 2, epochs: 1 });
    for (let i = 0; i < one.weights.length; i++) expect(Math.abs(one.weights[i] - many.weights[i])).toBeLessThan(1e-4);
  }, 60_000);

  it('refuses a thread count that is not an integer from 1 to 64, and the js backend', async () => {
    const model = await Model.create({ model: spec, seed: 1 });
    expectError(await rejected(() => model.fit(train, { epochs: 1, threads: 0 })), 'INVALID_OPTION', 'fit.threads');
    expectError(await rejected(() => model.fit(train, { epochs: 1, threads: 1.5 })), 'INVALID_OPTION', 'fit.threads');
    expectError(await rejected(() => model.fit(train, { epochs: 1, threads: 65 })), 'INVALID_OPTION', 'fit.threads');
    const js = await Model.create({ model: spec, seed: 1, backend: 'js' });
    expectError(await rejected(() => js.fit(train, { epochs: 1, threads: 2 })), 'INVALID_OPTION', 'fit.threads', 'wasm backend');
    expect(model.epochsTrained).toBe(0);
  });
});
