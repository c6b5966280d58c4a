/**
 * Reduce-on-plateau with semantics 'keras' holds the LR in float32, as Keras's
 * optimizer variable does: each reduction reads the LR as float32, multiplies
 * in float64 and stores float32 (keras.callbacks.ReduceLROnPlateau:
 * old_lr = float(optimizer.learning_rate); if old_lr > np.float32(min_lr):
 * learning_rate = max(old_lr * factor, min_lr)). The tables below were printed
 * by that loop run with numpy.float32 standing for the optimizer variable.
 */
import { describe, expect, it } from 'vitest';
import { Model, fromArrays } from '../bindings/index.js';
import { drive } from './helpers/plateau.js';

// lr 0.01, factor 0.1, patience 2, min_delta 1e-7, min_lr 0, a metric that never improves:
// a reduction every second epoch (epochs 2, 4, … 88), 44 in all, ending at 0.
const KERAS_LRS = [
  0.0009999999310821295, 9.99999901978299e-5, 9.99999883788405e-6, 9.99999883788405e-7, 9.999998695775503e-8,
  9.99999905104687e-9, 9.99999860695766e-10, 9.999998745735539e-11, 9.999999092680234e-12, 9.9999988758398e-13,
  9.999999146890343e-14, 9.999998977483753e-15, 9.999998977483753e-16, 9.999998845134855e-17, 9.999999010570978e-18,
  9.999999424161284e-19, 9.999999682655225e-20, 9.999999682655225e-21, 9.999999682655225e-22, 9.999999682655225e-23,
  9.999999998199587e-24, 1.0000000195414814e-24, 1.0000000195414814e-25, 9.999999887266023e-27, 1.0000000272452012e-27,
  1.0000000031710769e-28, 1.0000000031710769e-29, 1.0000000031710769e-30, 9.999999796611898e-32, 9.99999950273831e-33,
  9.999999319067318e-34, 9.999999319067318e-35, 9.999999462560281e-36, 9.999999462560281e-37, 9.99999991097579e-38,
  9.999999350456404e-39, 1.0000002153053333e-39, 9.99994610111476e-41, 9.999665841421895e-42, 1.0005271035279194e-42,
  9.949219096706201e-44, 9.80908925027372e-45, 1.401298464324817e-45, 0,
];

describe("plateau 'keras': the LR in float32", () => {
  it('patience 2 from lr 0.01: 44 reductions through the float32 values to 0, then none', () => {
    const t = drive({ semantics: 'keras', factor: 0.1, patience: 2, threshold: 1e-7, minLr: 0 }, Array(120).fill(1), 0.01);
    const changes = t.changes.flatMap((c, epoch) => (c ? [{ epoch, lr: c.lr }] : []));
    expect(changes.map((c) => c.lr)).toEqual(KERAS_LRS);
    expect(changes.map((c) => c.epoch)).toEqual(Array.from({ length: 44 }, (_, i) => 2 * i + 2));
    expect(t.lr.at(-1)).toBe(0);
  });

  it('a minLr float32 cannot hold (0.01), from lr 0.1: one reduction, to float32(0.01), and no no-op after it', () => {
    // Keras: epoch 2 old_lr 0.10000000149011612 → 0.009999999776482582; then old_lr > float32(0.01) is false.
    const t = drive({ semantics: 'keras', factor: 0.1, patience: 2, threshold: 1e-7, minLr: 0.01 }, Array(30).fill(1), 0.1);
    expect(t.changes.flatMap((c, epoch) => (c ? [[epoch, c.lr]] : []))).toEqual([[2, 0.009999999776482582]]);
  });

  it("in a fit: every 'lr' event changes the LR, and the LR chart's values stop at 0", async () => {
    const model = await Model.create({
      model: { inputs: 1, layers: [{ units: 1, init: 'zeros' }], loss: 'mse' }, optimizer: { name: 'sgd', lr: 0.01 }, seed: 1,
    });
    const data = fromArrays([[1], [2]], [[1], [2]]);
    // minDelta 10: no epoch ever counts as an improvement, so the plateau reduces every second epoch.
    const history = await model.fit(data, {
      epochs: 100, batchSize: 2, validationData: data,
      plateau: { semantics: 'keras', monitor: 'valLoss', factor: 0.1, patience: 2, threshold: 10, minLr: 0 },
    });
    const events = history.events.filter((e) => e.kind === 'lr');
    expect(events.length).toBe(44);
    for (const e of events) expect(e.newLr).not.toBe(e.oldLr);
    expect(events.map((e) => e.newLr)).toEqual(KERAS_LRS);
    expect(history.lr.at(-1)).toBe(0);
    expect(Math.min(...history.lr.filter((lr) => lr > 0))).toBe(1.401298464324817e-45);
  });
});
