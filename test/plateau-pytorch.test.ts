/**
 * Reduce-on-plateau, semantics 'pytorch' (torch.optim.lr_scheduler.ReduceLROnPlateau.step),
 * driven directly through plateauStep with scripted metric sequences. Every
 * expected table is the LR AFTER each epoch (the LR the next epoch trains
 * with), derived by hand from PyTorch's step():
 *
 *   improved = a < best·(1 − threshold)   ('rel', min)   | a < best − threshold ('abs', min)
 *              a > best·(1 + threshold)   ('rel', max)   | a > best + threshold ('abs', max)
 *   improved → best = a, bad = 0; else bad += 1
 *   if cooldown > 0: cooldown −= 1, bad = 0          (bad epochs in cooldown are ignored)
 *   if bad > patience: new = max(lr·factor, minLr); set it only if lr − new > eps;
 *                      cooldown = cooldown0, bad = 0 (even when the change was skipped)
 *
 * best starts at +inf for 'min' (−inf for 'max'): lrlab stores that as null.
 */
import { describe, expect, it } from 'vitest';
import { drive } from './helpers/plateau.js';
import { LrlabError } from '../bindings/errors.js';
import { validatePlateau, type PlateauSpec, type PlateauState } from '../bindings/plateau.js';


const repeat = (value: number, n: number): number[] => Array.from({ length: n }, () => value);

describe("plateau, semantics 'pytorch' (the default)", () => {
  it('validates to the PyTorch defaults; factor given as 0.5 is kept', () => {
    expect(validatePlateau({})).toEqual({
      factor: 0.1, patience: 10, threshold: 1e-4, thresholdMode: 'rel', cooldown: 0, minLr: 0, eps: 1e-8, semantics: 'pytorch',
    });
    expect(validatePlateau({ factor: 0.5 }).factor).toBe(0.5);
  });

  it('patience 2, rel threshold 1e-4: an improvement smaller than 0.01 % does not count', () => {
    const metrics = [1.0, 0.99995, 0.99992, 0.99991, 0.9, 0.9, 0.8, 0.8, 0.8, 0.8, 0.8];
    // e0 first value → best 1.0
    // e1 0.99995 is not < 1.0·(1 − 1e-4) = 0.9999 → bad 1
    // e2 0.99992 still compared with best 1.0 (the tiny gains never moved best) → bad 2
    // e3 0.99991 → bad 3 > 2 → lr 1 → 0.5, bad 0
    // e4 0.9 improves → best 0.9;  e5 bad 1;  e6 0.8 improves → best 0.8
    // e7, e8, e9 bad 1, 2, 3 → at e9 lr 0.5 → 0.25;  e10 bad 1
    const t = drive({ factor: 0.5, patience: 2 }, metrics);
    expect(t.lr).toEqual([1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25]);
    expect(t.bad).toEqual([0, 1, 2, 0, 0, 1, 0, 1, 2, 0, 1]);
    expect(t.state.best).toBe(0.8);
    expect(t.changes.map((c) => c !== null)).toEqual([false, false, false, true, false, false, false, false, false, true, false]);
    // A rel improvement of 2e-4 (> 1e-4) does count.
    expect(drive({ factor: 0.5, patience: 0 }, [1.0, 0.9998]).lr).toEqual([1, 1]);
  });

  it("thresholdMode 'abs' against 'rel' on a metric around 1e-3", () => {
    const metrics = [0.001, 0.00095, 0.00091, 0.00089, 0.0008, 0.000795, 0.00078, 0.00077];
    // abs 1e-4: improved only if a < best − 0.0001
    // e0 best 0.001;  e1 0.00095 ≥ 0.0009 → bad 1;  e2 0.00091 → bad 2 > 1 → 0.5
    // e3 0.00089 < 0.0009 → best 0.00089;  e4 0.0008 ≥ 0.00079 → bad 1;  e5 0.000795 → bad 2 → 0.25
    // e6 0.00078 < 0.00079 → best 0.00078;  e7 0.00077 ≥ 0.00068 → bad 1
    expect(drive({ factor: 0.5, patience: 1, thresholdMode: 'abs' }, metrics).lr).toEqual([1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25]);
    // rel 1e-4: every one of these decreases is more than 0.01 % → always improving, never reduced.
    expect(drive({ factor: 0.5, patience: 1, thresholdMode: 'rel' }, metrics).lr).toEqual(repeat(1, 8));
  });

  it('cooldown 2: bad epochs during cooldown are ignored, so reductions are patience + 1 + cooldown epochs apart', () => {
    // Constant metric: e0 is the best, every later epoch is bad.
    // e1 bad 1, e2 bad 2 > 1 → 0.5, cooldown 2
    // e3 (bad 1 → cooldown 1, bad 0), e4 (cooldown 0, bad 0): both ignored
    // e5 bad 1, e6 bad 2 → 0.25, cooldown 2;  e7, e8 ignored;  e9 bad 1, e10 bad 2 → 0.125; e11, e12 ignored; e13 bad 1
    const t = drive({ factor: 0.5, patience: 1, cooldown: 2 }, repeat(1, 14));
    expect(t.lr).toEqual([1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.125, 0.125, 0.125, 0.125]);
    expect(t.bad).toEqual([0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(t.cooldown).toEqual([0, 0, 2, 1, 0, 0, 2, 1, 0, 0, 2, 1, 0, 0]);
    // (test/plateau-keras.test.ts runs the same sequence with Keras semantics: reductions 3 apart, not 4.)
  });

  it('an improvement during cooldown still moves best', () => {
    // e0 best 1; e1 bad 1; e2 bad 2 → 0.5, cooldown 1; e3 0.5 improves (best 0.5) while cooling down;
    // e4 0.5 bad 1; e5 bad 2 → 0.25 (the comparison is with 0.5, not 1)
    const t = drive({ factor: 0.5, patience: 1, cooldown: 1 }, [1, 1, 1, 0.5, 0.5, 0.5]);
    expect(t.lr).toEqual([1, 1, 0.5, 0.5, 0.5, 0.25]);
    expect(t.state.best).toBe(0.5);
  });

  it('minLr is a floor: the LR is never below it, and a reduction to the same LR is no change', () => {
    // patience 0: every non-improving epoch reduces. 1 → 0.5 → max(0.25, 0.3) = 0.3 → max(0.15, 0.3) = 0.3:
    // lr − new = 0 ≤ eps, so no change is reported.
    const t = drive({ factor: 0.5, patience: 0, minLr: 0.3 }, repeat(1, 5));
    expect(t.lr).toEqual([1, 0.5, 0.3, 0.3, 0.3]);
    expect(t.changes.map((c) => c?.lr ?? null)).toEqual([null, 0.5, 0.3, null, null]);
    expect(Math.min(...t.lr)).toBeGreaterThanOrEqual(0.3);
  });

  it('eps: a reduction smaller than eps (1e-8 by default) is skipped', () => {
    // lr 4e-8: 4e-8 → 2e-8 (a step of 2e-8 > 1e-8); then 2e-8 → 1e-8 would be a step of exactly 1e-8, not > eps: skipped.
    const t = drive({ factor: 0.5, patience: 0 }, repeat(1, 5), 4e-8);
    expect(t.lr).toEqual([4e-8, 2e-8, 2e-8, 2e-8, 2e-8]);
    // lr 1.5e-8: the first reduction would be 7.5e-9 < 1e-8 → never applied.
    expect(drive({ factor: 0.5, patience: 0 }, repeat(1, 4), 1.5e-8).lr).toEqual(repeat(1.5e-8, 4));
    // With eps 0 the same reductions happen.
    expect(drive({ factor: 0.5, patience: 0, eps: 0 }, repeat(1, 3), 1.5e-8).lr).toEqual([1.5e-8, 7.5e-9, 3.75e-9]);
    // A skipped reduction still resets bad and restarts the cooldown (PyTorch does both unconditionally).
    const skipped = drive({ factor: 0.5, patience: 0, cooldown: 2 }, repeat(1, 3), 1.5e-8);
    expect(skipped.cooldown).toEqual([0, 2, 1]);
    expect(skipped.bad).toEqual([0, 0, 0]);
  });

  it("mode 'max' (accuracy): rel threshold on the way up", () => {
    const metrics = [0.5, 0.6, 0.6, 0.60003, 0.59, 0.7, 0.7];
    // e0 best 0.5; e1 0.6 > 0.5·1.0001 → best 0.6; e2 bad 1;
    // e3 0.60003 is not > 0.6·1.0001 = 0.60006 → bad 2 > 1 → 0.5; e4 0.59 bad 1; e5 0.7 best; e6 bad 1
    const t = drive({ factor: 0.5, patience: 1 }, metrics, 1, 'max');
    expect(t.lr).toEqual([1, 1, 1, 0.5, 0.5, 0.5, 0.5]);
    expect(t.state.best).toBe(0.7);
    // The same numbers in mode 'min': nothing after e0 is below 0.5.
    // e0 best 0.5; e1 bad 1; e2 bad 2 → 0.5; e3 bad 1; e4 0.59 bad 2 → 0.25; e5 bad 1; e6 bad 2 → 0.125
    expect(drive({ factor: 0.5, patience: 1 }, metrics, 1, 'min').lr).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25, 0.125]);
  });

  it('NaN metrics count as no improvement (and never become best)', () => {
    // e0 best 1; e1 NaN bad 1; e2 NaN bad 2 > 1 → 0.5; e3 0.5 best; e4 NaN bad 1
    const t = drive({ factor: 0.5, patience: 1 }, [1, NaN, NaN, 0.5, NaN]);
    expect(t.lr).toEqual([1, 1, 0.5, 0.5, 0.5]);
    expect(t.state.best).toBe(0.5);
    // A NaN first epoch: bad 1 (best stays unset), then 2.0 is the first best.
    const first = drive({ factor: 0.5, patience: 1 }, [NaN, 2, 2]);
    expect(first.bad).toEqual([1, 0, 1]);
    expect(first.lr).toEqual([1, 1, 1]);
    expect(first.state.best).toBe(2);
    // NaN in mode 'max' too.
    expect(drive({ factor: 0.5, patience: 0 }, [0.5, NaN, 0.6], 1, 'max').lr).toEqual([1, 0.5, 0.5]);
  });

  it('patience 0: every non-improving epoch reduces', () => {
    // e0 best 1; e1 bad 1 > 0 → 0.5; e2 0.9 best; e3 bad → 0.25; e4 bad → 0.125
    expect(drive({ factor: 0.5, patience: 0 }, [1, 1, 0.9, 0.95, 0.95]).lr).toEqual([1, 0.5, 0.5, 0.25, 0.125]);
  });

  it('the change carries the reason', () => {
    const t = drive({ factor: 0.5, patience: 1 }, [1, 1, 1]);
    expect(t.changes[2]).toEqual({ lr: 0.5, reason: 'plateau: no improvement for more than 1 epochs' });
  });

  // PyTorch starts best at +inf ('min') / −inf ('max'); lrlab stores "nothing seen yet" as null.
  // With best = +inf, a first metric of +Infinity is NOT an improvement (inf < inf·(1 − t) is false),
  // so it is a bad epoch — with patience 0 PyTorch reduces right at epoch 0.
  it('an infinite first metric is no improvement, as with best = ±inf in PyTorch', () => {
    const min = drive({ factor: 0.5, patience: 0 }, [Infinity, 1]);
    expect(min.lr).toEqual([0.5, 0.5]);
    const max = drive({ factor: 0.5, patience: 0 }, [-Infinity, 0.5], 1, 'max');
    expect(max.lr).toEqual([0.5, 0.5]);
  });

  describe('the increase extension', () => {
    const inc = (factor: number, patience: number, maxLr: number) => ({ increase: { factor, patience, maxLr } });

    it('after a reduction and one further epoch without improvement, the LR is raised by the factor, capped at maxLr', () => {
      // patience 1, increase {factor 3, patience 1, maxLr 1.5}; constant metric (best at e0).
      // e1 bad 1; e2 bad 2 → 0.5 (a reduction); e3 still no improvement → raised min(0.5·3, 1.5) = 1.5, counters reset
      // e4 bad 1 (no reduction since the raise: no raise); e5 bad 2 → 0.75; e6 raised min(2.25, 1.5) = 1.5
      const t = drive({ factor: 0.5, patience: 1, ...inc(3, 1, 1.5) }, repeat(1, 7));
      expect(t.lr).toEqual([1, 1, 0.5, 1.5, 1.5, 0.75, 1.5]);
      expect(t.changes[3]!.reason).toMatch(/raised/);
      expect(Math.max(...t.lr)).toBeLessThanOrEqual(1.5);
    });

    it('no raise without a prior reduction', () => {
      // patience 10: 8 bad epochs, never a reduction → the increase (patience 1) never fires.
      expect(drive({ factor: 0.5, patience: 10, ...inc(2, 1, 10) }, repeat(1, 9)).lr).toEqual(repeat(1, 9));
    });

    it('no raise above maxLr: a raise that would not go up is no change', () => {
      // lr0 2, maxLr 1: e2 bad 2 → 1 (bad 0); e3 bad 1, a raise would give min(2, 1) = 1, not above 1 → nothing;
      // e4 bad 2 → 0.5; e5 raised min(1, 1) = 1 (bad reset); e6 bad 1, and no reduction since the raise → nothing
      const t = drive({ factor: 0.5, patience: 1, ...inc(2, 1, 1) }, repeat(1, 7), 2);
      expect(t.lr).toEqual([2, 2, 1, 1, 0.5, 1, 1]);
      expect(t.changes.map((c) => c !== null)).toEqual([false, false, true, false, true, true, false]);
    });

    it('an improvement resets the counters: a reduction followed by an improvement is never raised', () => {
      // e2 → 0.5; e3 0.5 improves (reductionsSinceBest and stale back to 0); e4 bad 1, no raise;
      // e5 bad 2 → 0.25; e6 no improvement after that reduction → raised 0.25·3 = 0.75
      const t = drive({ factor: 0.5, patience: 1, ...inc(3, 1, 10) }, [1, 1, 1, 0.5, 0.5, 0.5, 0.5]);
      expect(t.lr).toEqual([1, 1, 0.5, 0.5, 0.5, 0.25, 0.75]);
    });

    // The raise must come `increase.patience` epochs AFTER THE REDUCTION, as the change's own reason says
    // ("still no improvement N epochs after a reduction"). Counting from the best instead (what plateauStep's
    // `stale` does) makes any increase.patience ≤ patience + 1 raise the very epoch after every reduction.
    it('the raise comes increase.patience further epochs after the reduction', () => {
      // patience 3, increase {factor 2, patience 2, maxLr 10}; constant metric, best at e0.
      // e1..e4 bad 1..4 → at e4 (4 > 3) 1 → 0.5; e5, e6: two further epochs without improvement → at e6 raised to 1
      // (bad reset); e7..e10 bad 1..4 → at e10 → 0.5; e11, e12 → at e12 raised to 1.
      const t = drive({ factor: 0.5, patience: 3, ...inc(2, 2, 10) }, repeat(1, 13));
      expect(t.lr).toEqual([1, 1, 1, 1, 0.5, 0.5, 1, 1, 1, 1, 0.5, 0.5, 1]);
      expect(t.changes[6]).toEqual({ lr: 1, reason: 'plateau: still no improvement 2 epochs after a reduction, raised' });
    });
  });

  it('the state is JSON: a run split in two through JSON gives the same table', () => {
    const spec: PlateauSpec = { factor: 0.5, patience: 1, cooldown: 1, increase: { factor: 2, patience: 1, maxLr: 4 } };
    const metrics = [1, 0.9, 0.95, 0.95, 0.95, NaN, 0.8, 0.85, 0.85, 0.85, 0.85];
    const whole = drive(spec, metrics);
    const head = drive(spec, metrics.slice(0, 5));
    const restored = JSON.parse(JSON.stringify(head.state)) as PlateauState;
    const tail = drive(spec, metrics.slice(5), head.lr[4], 'min', restored);
    expect([...head.lr, ...tail.lr]).toEqual(whole.lr);
    expect(tail.state).toEqual(whole.state);
  });

  it('refuses bad specs with an LrlabError naming the field', () => {
    const field = (spec: unknown): string => {
      try {
        validatePlateau(spec);
      } catch (e) {
        expect(e).toBeInstanceOf(LrlabError);
        return (e as LrlabError).field;
      }
      throw new Error('not refused');
    };
    expect(field({ factor: -0.5 })).toBe('plateau.factor');
    expect(field({ factor: 1 })).toBe('plateau.factor');
    expect(field({ factor: 0 })).toBe('plateau.factor');
    expect(field({ patience: -1 })).toBe('plateau.patience');
    expect(field({ patience: 1.5 })).toBe('plateau.patience');
    expect(field({ threshold: -1e-4 })).toBe('plateau.threshold');
    expect(field({ thresholdMode: 'relative' })).toBe('plateau.thresholdMode');
    expect(field({ cooldown: -1 })).toBe('plateau.cooldown');
    expect(field({ semantics: 'tf' })).toBe('plateau.semantics');
    expect(field({ patiense: 3 })).toBe('plateau.patiense');
    expect(field({ increase: { factor: 1, patience: 1, maxLr: 1 } })).toBe('plateau.increase.factor');
    expect(field({ increase: { factor: 2, patience: 0, maxLr: 1 } })).toBe('plateau.increase.patience');
    expect(field({ increase: { factor: 2, patience: 1 } })).toBe('plateau.increase.maxLr');
  });
});
