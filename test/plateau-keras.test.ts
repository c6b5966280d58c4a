/**
 * Reduce-on-plateau, semantics 'keras' (keras.callbacks.ReduceLROnPlateau.on_epoch_end),
 * driven directly through plateauStep with scripted metric sequences. Every
 * expected table is the LR AFTER each epoch, derived by hand from Keras:
 *
 *   if in cooldown: cooldown −= 1, wait = 0
 *   if a < best − minDelta ('min'; a > best + minDelta for 'max'): best = a, wait = 0
 *   elif not in cooldown (checked AFTER the decrement, so the epoch on which the
 *        cooldown runs out already counts): wait += 1;
 *        if wait >= patience and lr > float32(minLr): lr = max(lr·factor, minLr), cooldown = cooldown0, wait = 0
 *
 * Two differences from PyTorch show in the tables: `wait >= patience` (PyTorch:
 * bad > patience), and the last cooldown epoch counts as a bad epoch.
 */
import { describe, expect, it } from 'vitest';
import { drive } from './helpers/plateau.js';
import { LrlabError } from '../bindings/errors.js';
import { validatePlateau, type PlateauSpec, type PlateauState } from '../bindings/plateau.js';


const repeat = (value: number, n: number): number[] => Array.from({ length: n }, () => value);
const keras = (spec: PlateauSpec = {}): PlateauSpec => ({ semantics: 'keras', ...spec });

describe("plateau, semantics 'keras'", () => {
  it("validates with an absolute threshold (Keras min_delta); 'rel' is refused", () => {
    expect(validatePlateau(keras())).toEqual({
      factor: 0.1, patience: 10, threshold: 1e-4, thresholdMode: 'abs', cooldown: 0, minLr: 0, eps: 1e-8, semantics: 'keras',
    });
    expect(() => validatePlateau(keras({ thresholdMode: 'rel' }))).toThrow(LrlabError);
    try {
      validatePlateau(keras({ thresholdMode: 'rel' }));
    } catch (e) {
      expect((e as LrlabError).field).toBe('plateau.thresholdMode');
    }
  });

  it('patience 2, minDelta 1e-4: a gain below minDelta does not count; wait >= patience reduces', () => {
    const metrics = [1.0, 0.99995, 0.99991, 0.9, 0.9, 0.9, 0.9];
    // e0 best 1.0; e1 0.99995 is not < 1.0 − 1e-4 → wait 1; e2 0.99991 → wait 2 >= 2 → 0.5, wait 0
    // e3 0.9 best; e4 wait 1; e5 wait 2 → 0.25; e6 wait 1
    const t = drive(keras({ factor: 0.5, patience: 2 }), metrics);
    expect(t.lr).toEqual([1, 1, 0.5, 0.5, 0.5, 0.25, 0.25]);
    expect(t.bad).toEqual([0, 1, 0, 0, 1, 0, 1]);
    // PyTorch on the same script (rel 1e-4, bad > 2): e1, e2 bad 1, 2; e3 best; e4, e5, e6 bad 1, 2, 3 → 0.5 at e6.
    expect(drive({ factor: 0.5, patience: 2 }, metrics).lr).toEqual([1, 1, 1, 1, 1, 1, 0.5]);
  });

  it('a larger minDelta (0.05)', () => {
    // e0 best 1; e1 0.96 ≥ 0.95 → wait 1; e2 0.97 → wait 2 → 0.5; e3 0.94 < 0.95 → best 0.94;
    // e4 0.9 ≥ 0.89 → wait 1; e5 0.85 < 0.89 → best 0.85, wait 0
    const t = drive(keras({ factor: 0.5, patience: 2, threshold: 0.05 }), [1, 0.96, 0.97, 0.94, 0.9, 0.85]);
    expect(t.lr).toEqual([1, 1, 0.5, 0.5, 0.5, 0.5]);
    expect(t.bad).toEqual([0, 1, 0, 0, 1, 0]);
    expect(t.state.best).toBe(0.85);
  });

  it('cooldown: the same script as in plateau-pytorch.test.ts gives a different LR table', () => {
    // Constant metric, cooldown 2, factor 0.5. Keras patience 2 and PyTorch patience 1 both reduce first at e2
    // (wait 2 >= 2; bad 2 > 1); after that they differ only through the cooldown:
    // Keras: e2 → 0.5, cooldown 2; e3 cooldown 1 (ignored); e4 cooldown 0 and, no longer in cooldown, wait 1;
    //        e5 wait 2 → 0.25; e6 ignored; e7 wait 1; e8 → 0.125; e9; e10 wait 1; e11 → 0.0625; e12; e13 wait 1
    //        → a reduction every 3 epochs.
    // PyTorch: the two cooldown epochs are both ignored → a reduction every 4 epochs (e2, e6, e10).
    const k = drive(keras({ factor: 0.5, patience: 2, cooldown: 2 }), repeat(1, 14));
    expect(k.lr).toEqual([1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125, 0.125, 0.125, 0.0625, 0.0625, 0.0625]);
    expect(k.bad).toEqual([0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1]);
    expect(k.cooldown).toEqual([0, 0, 2, 1, 0, 2, 1, 0, 2, 1, 0, 2, 1, 0]);
    const p = drive({ factor: 0.5, patience: 1, cooldown: 2 }, repeat(1, 14));
    expect(p.lr).toEqual([1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.125, 0.125, 0.125, 0.125]);
    // And with the same patience (2) for both: Keras e2, e5, e8, e11; PyTorch e3, e8, e13.
    expect(drive({ factor: 0.5, patience: 2, cooldown: 2 }, repeat(1, 14)).lr)
      .toEqual([1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.25, 0.125]);
  });

  it('minLr is a floor; at minLr (lr > float32(minLr) fails) nothing happens', () => {
    // patience 1: e1 → 0.5; e2 → max(0.25, 0.3) = 0.3, stored as float32(0.3) = 0.30000001192092896;
    // e3: float32 0.30000001… > float32(minLr), the same number, is false → no change
    const f32 = Math.fround(0.3);
    const t = drive(keras({ factor: 0.5, patience: 1, minLr: 0.3 }), repeat(1, 5));
    expect(t.lr).toEqual([1, 0.5, f32, f32, f32]);
    expect(t.changes.map((c) => c?.lr ?? null)).toEqual([null, 0.5, f32, null, null]);
    // Unlike PyTorch, wait is not reset when no reduction happens: it keeps counting.
    expect(t.bad).toEqual([0, 0, 0, 1, 2]);
  });

  it('no eps in Keras: a tiny LR is still reduced', () => {
    // In float32: 1.5e-8 is held as 1.4999999420033573e-8, halved exactly at each reduction.
    const lr = Math.fround(1.5e-8);
    expect(drive(keras({ factor: 0.5, patience: 1 }), repeat(1, 3), 1.5e-8).lr).toEqual([1.5e-8, lr / 2, lr / 4]);
  });

  it("mode 'max' (accuracy)", () => {
    // e0 best 0.5; e1 0.6 > 0.5001 → best; e2 wait 1; e3 0.60005 is not > 0.6001 → wait 2 → 0.5; e4 0.7 best
    const t = drive(keras({ factor: 0.5, patience: 2 }), [0.5, 0.6, 0.6, 0.60005, 0.7], 1, 'max');
    expect(t.lr).toEqual([1, 1, 1, 0.5, 0.5]);
    expect(t.state.best).toBe(0.7);
  });

  it('NaN metrics count as no improvement', () => {
    // e0 best 1; e1 NaN wait 1; e2 NaN wait 2 → 0.5; e3 0.5 best; e4 NaN wait 1
    const t = drive(keras({ factor: 0.5, patience: 2 }), [1, NaN, NaN, 0.5, NaN]);
    expect(t.lr).toEqual([1, 1, 0.5, 0.5, 0.5]);
    expect(t.bad).toEqual([0, 1, 0, 0, 1]);
    expect(t.state.best).toBe(0.5);
  });

  it('patience 0 (every non-improving epoch reduces) and patience 1 (Keras reduces one epoch earlier than PyTorch)', () => {
    // patience 0: e1 wait 1 >= 0 → 0.5; e2 best; e3 → 0.25; e4 → 0.125 (the same as PyTorch patience 0)
    expect(drive(keras({ factor: 0.5, patience: 0 }), [1, 1, 0.9, 0.95, 0.95]).lr).toEqual([1, 0.5, 0.5, 0.25, 0.125]);
    // patience 1: Keras reduces at each bad epoch too (wait 1 >= 1); PyTorch needs 2 bad epochs.
    expect(drive(keras({ factor: 0.5, patience: 1 }), [1, 1, 1, 1]).lr).toEqual([1, 0.5, 0.25, 0.125]);
    expect(drive({ factor: 0.5, patience: 1 }, [1, 1, 1, 1]).lr).toEqual([1, 1, 0.5, 0.5]);
  });

  // Keras starts best at np.inf ('min'): np.less(inf, inf − min_delta) is false, so a first metric
  // of +Infinity is a bad epoch (wait 1), and with patience 0 Keras reduces at epoch 0.
  it('an infinite first metric is no improvement, as with best = ±inf in Keras', () => {
    expect(drive(keras({ factor: 0.5, patience: 0 }), [Infinity, 1]).lr).toEqual([0.5, 0.5]);
    expect(drive(keras({ factor: 0.5, patience: 0 }), [-Infinity, 0.5], 1, 'max').lr).toEqual([0.5, 0.5]);
  });

  it('the increase extension with Keras semantics', () => {
    // patience 2, increase {2, 1, 10}: e2 wait 2 → 0.5; e3 no improvement after it → raised to 1 (wait reset);
    // e4 wait 1; e5 wait 2 → 0.5; e6 raised to 1
    expect(drive(keras({ factor: 0.5, patience: 2, increase: { factor: 2, patience: 1, maxLr: 10 } }), repeat(1, 7)).lr)
      .toEqual([1, 1, 0.5, 1, 1, 0.5, 1]);
  });

  it('the increase extension: the raise comes increase.patience further epochs after the reduction', () => {
    // The raise comes increase.patience further epochs after the reduction: patience 3, increase patience 2:
    // e1..e3 wait 1..3 → at e3 0.5; e4, e5 without improvement → at e5 raised to 1 (wait reset);
    // e6..e8 wait 1..3 → at e8 0.5; e9, e10 → at e10 raised to 1.
    expect(drive(keras({ factor: 0.5, patience: 3, increase: { factor: 2, patience: 2, maxLr: 10 } }), repeat(1, 11)).lr)
      .toEqual([1, 1, 1, 0.5, 0.5, 1, 1, 1, 0.5, 0.5, 1]);
  });

  describe('the Keras defaults {factor 0.1, patience 10, minDelta 1e-4, cooldown 0} on a 30-epoch script', () => {
    // e0–e3 improve to 0.5; e4 0.49995 gains only 5e-5 < 1e-4 → wait 1; e5–e13 0.5 → wait 2…10:
    // at e13 wait 10 >= 10 → 0.01 → 0.001. e14 0.4 improves (best 0.4); e15–e24 0.41 → wait 1…10:
    // at e24 → 0.0001; e25–e29 wait 1…5.
    const script = [1.0, 0.8, 0.6, 0.5, 0.49995, ...repeat(0.5, 9), 0.4, ...repeat(0.41, 15)];
    // The LR is float32 as in Keras: 0.01 → float32(float32(0.01)·0.1) = 0.0009999999310821295 → 9.99999901978299e-5.
    const KERAS_TABLE = [...repeat(0.01, 13), ...repeat(0.0009999999310821295, 11), ...repeat(9.99999901978299e-5, 6)];
    // PyTorch with the same numbers (abs 1e-4, patience 10) needs 11 bad epochs: e4–e13 are only 10, e14 improves,
    // so the first reduction is at e25 (e15–e25 = 11 bad epochs).
    const PYTORCH_TABLE = [...repeat(0.01, 25), ...repeat(0.001, 5)];
    const defaults: PlateauSpec = { semantics: 'keras', factor: 0.1, patience: 10, threshold: 1e-4, cooldown: 0 };

    it('gives the literal table, and the same table every time', () => {
      expect(script).toHaveLength(30);
      expect(KERAS_TABLE).toHaveLength(30);
      expect(KERAS_TABLE.slice(12, 15)).toEqual([0.01, 0.0009999999310821295, 0.0009999999310821295]);
      const first = drive(defaults, script, 0.01);
      expect(first.lr).toEqual(KERAS_TABLE);
      expect(first.changes.flatMap((c, i) => (c ? [i] : []))).toEqual([13, 24]);
      // Keras's own defaults give the same thing: the spec above only spells them out.
      expect(drive({ semantics: 'keras' }, script, 0.01).lr).toEqual(KERAS_TABLE);
      const again = drive(defaults, script, 0.01);
      expect(again.lr).toEqual(first.lr);
      expect(again.state).toEqual(first.state);
      // stale restarts at the reduction of e24: five epochs (e25–e29) without improvement since.
      expect(first.state).toEqual({ best: 0.4, bad: 5, cooldown: 0, stale: 5, reductionsSinceBest: 1 });
    });

    it('resumed from JSON state halfway gives the same table', () => {
      const head = drive(defaults, script.slice(0, 15), 0.01);
      const tail = drive(defaults, script.slice(15), head.lr[14], 'min', JSON.parse(JSON.stringify(head.state)) as PlateauState);
      expect([...head.lr, ...tail.lr]).toEqual(KERAS_TABLE);
    });

    it('PyTorch semantics with the same numbers give a different table', () => {
      expect(drive({ factor: 0.1, patience: 10, threshold: 1e-4, thresholdMode: 'abs' }, script, 0.01).lr).toEqual(PYTORCH_TABLE);
    });
  });
});
