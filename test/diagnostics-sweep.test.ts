import { describe, expect, it } from 'vitest';
import { analyzeSweep, finalLoss, meanStd } from '../bindings/diagnostics/index.js';
import { LrlabError } from '../bindings/errors.js';
import type { FitStatus, History } from '../bindings/history.js';
import type { AxisValues, TrialResult } from '../bindings/sweep/types.js';

const EPOCHS = 30;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

type Kind =
  | { kind: 'good'; floor: number } // exponential decay from 2.3 to `floor`
  | { kind: 'flat' } // 2.30 → 2.28: barely moves
  | { kind: 'crawl' } // 2.30 → 1.43 linearly, still falling
  | { kind: 'oscillate' } // decay to 0.5 with alternating ±30%
  | { kind: 'nan' }; // decays, then NaN at epoch 6 and status 'diverged'

function curve(k: Kind, repeat: number): { loss: number[]; status: FitStatus } {
  const jitter = 1 + 0.02 * (repeat - 1); // repeats at −2%, 0, +2%
  switch (k.kind) {
    case 'good': {
      const floor = k.floor * jitter;
      return { loss: range(EPOCHS).map((i) => floor + (2.3 - floor) * Math.exp(-0.5 * i)), status: 'completed' };
    }
    case 'flat':
      return { loss: range(EPOCHS).map((i) => 2.3 - (0.02 * i) / (EPOCHS - 1)), status: 'completed' };
    case 'crawl':
      return { loss: range(EPOCHS).map((i) => 2.3 - 0.03 * i), status: 'completed' };
    case 'oscillate':
      return {
        loss: range(EPOCHS).map((i) => (0.5 + 1.8 * Math.exp(-0.2 * i)) * (1 + 0.3 * (i % 2 === 0 ? 1 : -1))),
        status: 'completed',
      };
    case 'nan':
      return { loss: [...range(5).map((i) => 2.3 - 0.2 * i), NaN], status: 'diverged' };
  }
}

function history(loss: number[], status: FitStatus): History {
  return {
    epoch: loss.map((_, i) => i),
    loss,
    accuracy: loss.map((v) => (Number.isFinite(v) ? Math.max(0, 1 - v / 2.5) : NaN)),
    lr: loss.map(() => 0.01),
    time: loss.map(() => 1),
    status,
    events: status === 'diverged' ? [{ epoch: loss.length - 1, step: 0, kind: 'diverged', reason: 'the training loss became NaN' }] : [],
  };
}

const LRS = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1];
const good = (floor: number): Kind => ({ kind: 'good', floor });
/** The known curves: per momentum, one kind per learning rate. */
const TABLE: Record<number, Kind[]> = {
  0.9: [{ kind: 'flat' }, { kind: 'crawl' }, good(0.235), good(0.21), good(0.2), good(0.22), { kind: 'oscillate' }, { kind: 'nan' }],
  0: [{ kind: 'flat' }, { kind: 'flat' }, { kind: 'crawl' }, good(0.3), good(0.26), good(0.24), good(0.25), { kind: 'oscillate' }],
};

/** 8 lrs × 2 momenta × 3 repeats, in cell-major order; at momentum 0.9 and lr 0.3, repeat 2 oscillates instead of diverging. */
function makeSweep(): TrialResult[] {
  const results: TrialResult[] = [];
  for (const momentum of [0.9, 0]) {
    LRS.forEach((lr, j) => {
      for (let repeat = 0; repeat < 3; repeat++) {
        let kind = TABLE[momentum]![j]!;
        if (kind.kind === 'nan' && repeat === 2) kind = { kind: 'oscillate' };
        const { loss, status } = curve(kind, repeat);
        const index = results.length;
        results.push({
          id: `t${index}`, index, repeat, status, timeMs: 10,
          params: { 'optimizer.lr': lr, 'optimizer.momentum': momentum },
          history: history(loss, status),
        });
      }
    });
  }
  return results;
}

const idOf = (results: TrialResult[], lr: number, momentum: number, repeat: number) =>
  results.find((r) => r.params['optimizer.lr'] === lr && r.params['optimizer.momentum'] === momentum && r.repeat === repeat)!.id;

describe('analyzeSweep on 8 lrs × 2 momenta × 3 repeats', () => {
  const results = makeSweep();
  const a = analyzeSweep(results);

  it('draws one sensitivity point per (momentum, lr), grouped by momentum in order of lr', () => {
    expect(a.axis).toBe('optimizer.lr');
    expect(a.sensitivity).toHaveLength(16);
    const m09 = a.sensitivity.filter((p) => p.group['optimizer.momentum'] === 0.9);
    const m0 = a.sensitivity.filter((p) => p.group['optimizer.momentum'] === 0);
    expect(m09.map((p) => p.x)).toEqual(LRS);
    expect(m0.map((p) => p.x)).toEqual(LRS);
    for (const p of a.sensitivity) expect(Object.keys(p.group)).toEqual(['optimizer.momentum']);
    // Groups in order of first appearance: momentum 0.9 first.
    expect(a.sensitivity.slice(0, 8)).toEqual(m09);
  });

  it('averages the final loss over the 3 repeats (mean, sample std, n)', () => {
    const p = a.sensitivity.find((q) => q.x === 1e-2 && q.group['optimizer.momentum'] === 0.9)!;
    expect(p.finalLoss.n).toBe(3);
    expect(p.finalLoss.mean).toBeCloseTo(0.2, 3);
    // Repeats at 0.196, 0.2, 0.204 (+ a vanishing tail): sample std = 0.004.
    expect(p.finalLoss.std).toBeCloseTo(0.004, 4);
    expect(p.bestLoss.n).toBe(3);
    expect(p.bestLoss.mean).toBeCloseTo(0.2, 3);
    expect(p.diverged).toBe(0);
    expect(p.finalAccuracy!.n).toBe(3);
    expect(p.finalAccuracy!.mean).toBeCloseTo(1 - 0.2 / 2.5, 3);
  });

  it('is U-shaped: high at both ends, lowest in the middle', () => {
    const means = a.sensitivity.filter((p) => p.group['optimizer.momentum'] === 0).map((p) => p.finalLoss.mean);
    const lowest = means.indexOf(Math.min(...means));
    expect(LRS[lowest]).toBe(3e-2);
    expect(means[0]).toBeGreaterThan(2);
    expect(means[7]).toBeGreaterThan(means[lowest]! * 1.2); // the oscillating lr 0.3
    for (let i = lowest + 1; i < means.length; i++) expect(means[i]).toBeGreaterThanOrEqual(means[i - 1]!);
    for (let i = 1; i <= lowest; i++) expect(means[i]).toBeLessThanOrEqual(means[i - 1]!);
  });

  it('counts diverged repeats and keeps them out of the mean final loss', () => {
    const p = a.sensitivity.find((q) => q.x === 0.3 && q.group['optimizer.momentum'] === 0.9)!;
    expect(p.diverged).toBe(2);
    expect(p.finalLoss.n).toBe(1); // the oscillating repeat
    expect(Number.isFinite(p.finalLoss.mean)).toBe(true);
    expect(p.finalLoss.std).toBe(0);
    expect(p.bestLoss.n).toBe(3); // the lowest loss reached before diverging is kept
    expect(a.sensitivity.filter((q) => q.diverged > 0)).toHaveLength(1);
  });

  it('picks the best trial: lowest final loss among the non-diverged', () => {
    expect(a.bestTrialId).toBe(idOf(results, 1e-2, 0.9, 0));
  });

  it('diagnoses every trial against the best final loss', () => {
    expect(Object.keys(a.diagnoses)).toHaveLength(48);
    expect(a.diagnoses[idOf(results, 1e-2, 0.9, 1)]!.label).toBe('good');
    expect(a.diagnoses[idOf(results, 1e-4, 0.9, 0)]!.label).toBe('too_slow');
    expect(a.diagnoses[idOf(results, 3e-4, 0.9, 0)]!.label).toBe('too_slow'); // still falling, 7× the best
    expect(a.diagnoses[idOf(results, 1e-1, 0.9, 0)]!.label).toBe('oscillating');
    expect(a.diagnoses[idOf(results, 3e-1, 0.9, 0)]!.label).toBe('diverged');
    const best = finalLoss(results.find((r) => r.id === a.bestTrialId)!);
    expect(a.diagnoses[idOf(results, 1e-4, 0.9, 0)]!.numbers.referenceLoss).toBe(best);
  });

  it('recommends the contiguous span within 20% of the best, and explains it with the numbers', () => {
    expect(a.recommended).not.toBeNull();
    const { low, high, explanation } = a.recommended!;
    expect(low).toBe(1e-3);
    expect(high).toBe(3e-2);
    for (const lr of [1e-3, 3e-3, 1e-2, 3e-2]) {
      expect(lr).toBeGreaterThanOrEqual(low);
      expect(lr).toBeLessThanOrEqual(high);
    }
    expect(explanation).toContain('from 1e-3 to 0.03');
    expect(explanation).toContain('20%');
    expect(explanation).toContain('0.200');
    expect(explanation).toContain('lr = 0.01');
    expect(explanation).toContain('momentum 0.9');
    expect(explanation).toMatch(/above 0\.03 training diverges or oscillates/);
    expect(explanation).toMatch(/below 1e-3 training is too slow/);
  });

  it('gives the same analysis for results read back from JSONL (NaN written as null)', () => {
    const back = JSON.parse(JSON.stringify(results)) as TrialResult[];
    const b = analyzeSweep(back);
    expect(b.bestTrialId).toBe(a.bestTrialId);
    expect(b.recommended).toEqual(a.recommended);
    expect(b.sensitivity.map((p) => p.diverged)).toEqual(a.sensitivity.map((p) => p.diverged));
    expect(b.sensitivity.map((p) => p.finalLoss.n)).toEqual(a.sensitivity.map((p) => p.finalLoss.n));
  });
});

describe('analyzeSweep with failures', () => {
  const failed = (index: number, params: AxisValues): TrialResult => ({
    id: `f${index}`, index, repeat: 0, params, status: 'failed', error: 'INVALID_OPTION: bad spec', timeMs: 1,
  });

  it('lists failed trials nowhere: not diagnosed, not in any point, not best', () => {
    const results = makeSweep();
    const clean = analyzeSweep(results);
    const withFailures = [
      ...results,
      failed(100, { 'optimizer.lr': 1e-2, 'optimizer.momentum': 0.9 }),
      failed(101, { 'optimizer.lr': 10, 'optimizer.momentum': 0.9 }), // an lr where everything failed
    ];
    const a = analyzeSweep(withFailures);
    expect(a.diagnoses.f100).toBeUndefined();
    expect(a.diagnoses.f101).toBeUndefined();
    expect(Object.keys(a.diagnoses)).toHaveLength(48);
    expect(a.sensitivity).toHaveLength(16);
    expect(a.sensitivity.some((p) => p.x === 10)).toBe(false);
    const p = a.sensitivity.find((q) => q.x === 1e-2 && q.group['optimizer.momentum'] === 0.9)!;
    expect(p.finalLoss.n).toBe(3);
    expect(a.bestTrialId).toBe(clean.bestTrialId);
    expect(a.recommended).toEqual(clean.recommended);
  });

  it('gives null best trial and null recommendation when every trial failed', () => {
    const results = LRS.map((lr, i) => failed(i, { 'optimizer.lr': lr }));
    const a = analyzeSweep(results);
    expect(a.bestTrialId).toBeNull();
    expect(a.recommended).toBeNull();
    expect(a.sensitivity).toEqual([]);
    expect(a.diagnoses).toEqual({});
    expect(a.axis).toBe('optimizer.lr');
  });

  it('gives null recommendation when nothing trained well (all too slow or diverged)', () => {
    const results: TrialResult[] = LRS.map((lr, index) => {
      const { loss, status } = curve(index < 4 ? { kind: 'flat' } : { kind: 'nan' }, 1);
      return { id: `t${index}`, index, repeat: 0, status, timeMs: 1, params: { 'optimizer.lr': lr }, history: history(loss, status) };
    });
    const a = analyzeSweep(results);
    expect(a.recommended).toBeNull();
    expect(a.bestTrialId).not.toBeNull(); // a too-slow trial is still the best of them
    expect(a.sensitivity.filter((p) => p.diverged === 1)).toHaveLength(4);
  });
});

describe('analyzeSweep axis', () => {
  // A momentum sweep with a string param first: no 'optimizer.lr' among the params.
  const results: TrialResult[] = [0, 0.5, 0.9, 0.99].map((momentum, index) => {
    const { loss, status } = curve(good(0.2 + Math.abs(momentum - 0.9)), 1);
    return {
      id: `m${index}`, index, repeat: 0, status, timeMs: 1,
      params: { 'model.activation': 'relu', 'optimizer.momentum': momentum },
      history: history(loss, status),
    };
  });

  it('falls back to the first numeric param when the default axis is not swept', () => {
    const a = analyzeSweep(results);
    expect(a.axis).toBe('optimizer.momentum');
    expect(a.sensitivity.map((p) => p.x)).toEqual([0, 0.5, 0.9, 0.99]);
    expect(a.sensitivity[0]!.group).toEqual({ 'model.activation': 'relu' });
    expect(a.bestTrialId).toBe('m2');
    expect(a.recommended!.low).toBe(0.9);
    expect(a.recommended!.explanation).toContain('momentum = 0.9');
  });

  it('uses an explicit axis and refuses one that is not swept', () => {
    expect(analyzeSweep(results, { axis: 'optimizer.momentum' }).axis).toBe('optimizer.momentum');
    expect(() => analyzeSweep(results, { axis: 'optimizer.lr' })).toThrow(LrlabError);
    expect(() => analyzeSweep(results, { axis: 'optimizer.lr' })).toThrow(/model\.activation, optimizer\.momentum/);
  });

  it('uses the validation loss for the final loss when recorded', () => {
    const r = structuredClone(results[0]!);
    r.history!.valLoss = r.history!.loss.map(() => 0.7);
    expect(finalLoss(r)).toBe(0.7);
    expect(finalLoss(results[0]!)).toBe(results[0]!.history!.loss[EPOCHS - 1]);
  });
});

describe('meanStd', () => {
  it('skips non-finite values and uses the sample standard deviation', () => {
    expect(meanStd([1, 2, 3, NaN, null, Infinity])).toEqual({ mean: 2, std: 1, n: 3 });
    expect(meanStd([5])).toEqual({ mean: 5, std: 0, n: 1 });
    const empty = meanStd([]);
    expect(empty.n).toBe(0);
    expect(empty.mean).toBeNaN();
  });
});
