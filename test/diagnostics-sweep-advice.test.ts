// analyzeSweep's advice: the recommended value itself, a reason when there is
// none, and successive halving ranked only within one rung.
import { describe, expect, it } from 'vitest';
import { analyzeSweep } from '../bindings/diagnostics/index.js';
import type { FitStatus, History } from '../bindings/history.js';
import type { TrialResult } from '../bindings/sweep/types.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const decayTo = (floor: number, epochs: number) => range(epochs).map((i) => floor + (2.3 - floor) * Math.exp(-0.3 * i));

function result(id: string, lr: number, loss: number[], extra: Partial<TrialResult> = {}, status: FitStatus = 'completed'): TrialResult {
  const history: History = {
    epoch: loss.map((_, i) => i), loss, valLoss: loss, lr: loss.map(() => lr), time: loss.map(() => 1), status, events: [],
  };
  return { id, index: Number(id.slice(1)), repeat: 0, params: { 'optimizer.lr': lr }, status, history, timeMs: 1, ...extra };
}

describe('analyzeSweep: the recommended value', () => {
  it('gives the anchor LR itself and its group, inside [low, high]', () => {
    const results = [result('t0', 0.001, decayTo(1.5, 30)), result('t1', 0.01, decayTo(0.2, 30)), result('t2', 0.1, decayTo(0.22, 30)), result('t3', 1, decayTo(2.0, 30))];
    const { recommended, noRecommendation } = analyzeSweep(results);
    expect(recommended).toMatchObject({ x: 0.01, group: {}, low: 0.01, high: 0.1 });
    expect(noRecommendation).toBeUndefined();
  });

  it('says why when there is no recommendation', () => {
    const slow = [result('t0', 1e-6, range(30).map((i) => 2.3 - 0.001 * i)), result('t1', 1e-5, range(30).map((i) => 2.3 - 0.002 * i))];
    const a = analyzeSweep(slow);
    expect(a.recommended).toBeNull();
    expect(a.noRecommendation).toBe('no trial trained well: of 2 trials, 2 too slow, none good');
    expect(analyzeSweep([]).noRecommendation).toBe('the sweep has no results');
    const failed: TrialResult = { id: 't0', index: 0, repeat: 0, params: { 'optimizer.lr': 1 }, status: 'failed', error: 'x', timeMs: 1 };
    expect(analyzeSweep([failed]).noRecommendation).toBe('all 1 trials failed, so there is no curve to judge');
  });
});

describe('analyzeSweep under successive halving', () => {
  // Rung 0 (3 epochs): a fast starter at lr 1 looks best early; rung 2 (27 epochs) holds the survivors.
  const fastStarter = result('t0', 1, decayTo(0.05, 3), { rung: 0 }); // 3 epochs, a low loss it never had to keep
  const prunedSlow = result('t1', 1e-4, decayTo(1.9, 3), { rung: 0 });
  const mid = result('t2', 0.1, decayTo(0.3, 9), { rung: 1 });
  const a = result('t3', 0.01, decayTo(0.2, 27), { rung: 2 });
  const b = result('t4', 0.03, decayTo(0.25, 27), { rung: 2 });
  const analysis = analyzeSweep([fastStarter, prunedSlow, mid, a, b]);

  it('ranks only the results of the highest rung: the rung-0 fast starter never wins', () => {
    expect(analysis.rankedRung).toBe(2);
    expect(analysis.bestTrialId).toBe('t3');
    expect(analysis.sensitivity.map((p) => p.x)).toEqual([0.01, 0.03]);
    expect(analysis.recommended!.x).toBe(0.01);
    expect(analysis.recommended!.low).toBeGreaterThanOrEqual(0.01);
    expect(analysis.recommended!.high).toBeLessThanOrEqual(0.03);
  });

  it('still diagnoses the pruned trials, against the last rung\'s best', () => {
    for (const id of ['t0', 't1', 't2']) expect(analysis.diagnoses[id]).toBeDefined();
    expect(analysis.diagnoses.t1!.numbers.referenceLoss).toBe(a.history!.valLoss!.at(-1));
  });
});
