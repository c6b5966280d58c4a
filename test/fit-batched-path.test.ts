// The fit loop's batched path (many batches per backend call, taken when no
// callback watches single batches) against the per-batch path, forced by a
// callback that only watches: the same weights, optimizer state and History,
// bit for bit, on both backends, through schedules, plateau, divergence,
// early stopping and a stop asked for before an epoch's first batch.
import { describe, expect, it } from 'vitest';
import { Model, blobs, splitAt, type FitOptions, type OptimizerSpec } from '../bindings/index.js';
import { TUTORIAL_EXPERIMENT } from '../bindings/experiment.js';
import type { History } from '../bindings/history.js';

const { name: _, ...options } = TUTORIAL_EXPERIMENT.data as { name: 'blobs' };
const { train, test } = splitAt(blobs(options as never), 500); // 500 rows: 15 batches of 32 and one of 20

async function fitOnce(backend: 'wasm' | 'js', optimizer: OptimizerSpec, fit: FitOptions, watch: boolean) {
  const model = await Model.create({ model: TUTORIAL_EXPERIMENT.model, optimizer, backend, seed: 3 });
  let batches = 0;
  const callbacks = [...(Array.isArray(fit.callbacks) ? fit.callbacks : fit.callbacks ? [fit.callbacks] : [])];
  if (watch) callbacks.push({ onBatchEnd() { batches++; } });
  const history = await model.fit(train, { ...fit, callbacks });
  return { model, history, batches };
}

/** The History without wall times. */
const timeless = (h: History) => ({ ...h, time: h.time.map(() => 0) });
const bits = (x: Float32Array) => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));

async function expectSame(backend: 'wasm' | 'js', optimizer: OptimizerSpec, fit: FitOptions) {
  const batched = await fitOnce(backend, optimizer, fit, false);
  const single = await fitOnce(backend, optimizer, fit, true);
  expect(single.batches).toBeGreaterThan(0);
  expect(timeless(batched.history)).toEqual(timeless(single.history));
  expect(bits(batched.model.getWeights())).toEqual(bits(single.model.getWeights()));
  expect(Buffer.from(batched.model.save())).toEqual(Buffer.from(single.model.save()));
  return batched.history;
}

describe.each(['wasm', 'js'] as const)('%s backend', (backend) => {
  it('the tutorial fit, with a short last batch and recorded step LRs', async () => {
    const h = await expectSame(backend, TUTORIAL_EXPERIMENT.optimizer, { epochs: 6, batchSize: 32, recordStepLr: true, divergence: false });
    expect(h.stepLr).toHaveLength(6 * 16);
  });

  it('a cosine schedule under reduce-on-plateau with validation data', async () => {
    const h = await expectSame(backend, { name: 'adam', lr: 0.05 }, {
      epochs: 8, batchSize: 50, validationData: test,
      schedule: { name: 'cosine', decaySteps: 60 }, plateau: { patience: 1, factor: 0.5, threshold: 0.5 },
    });
    expect(h.events.some((e) => e.kind === 'lr')).toBe(true);
  });

  it('a run that diverges mid-epoch stops after the same batch', async () => {
    const h = await expectSame(backend, { name: 'sgd', lr: 40, momentum: 0.9 }, { epochs: 5, batchSize: 16 });
    expect(h.status).toBe('diverged');
  });

  it('early stopping restores the same weights', async () => {
    const h = await expectSame(backend, { name: 'sgd', lr: 0.5 }, {
      epochs: 30, batchSize: 64, validationData: test, divergence: false, earlyStopping: { patience: 1, minDelta: 0.01, restoreBestWeights: true },
    });
    expect(h.status).toBe('stopped');
  });

  it('a stop asked for at the start of an epoch still trains that epoch\'s first batch', async () => {
    const stopper = { onEpochBegin(epoch: number, ctx: { stop(reason?: string): void }) { if (epoch === 2) ctx.stop('enough'); } };
    const h = await expectSame(backend, TUTORIAL_EXPERIMENT.optimizer, { epochs: 5, batchSize: 32, callbacks: stopper, recordStepLr: true, divergence: false });
    expect(h.stepLr).toHaveLength(2 * 16 + 1);
  });
});
