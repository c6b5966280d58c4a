// The smooth fit recommendLr chooses from (bindings/advice/fit.ts): it
// reproduces a quadratic exactly, one lucky seed does not move the choice to
// it, and in a flat valley the choice is the band's middle; and the tail mean
// a run's final loss is read as.
import { describe, expect, it } from 'vitest';
import { chooseFromFit, fitAt, type FitPoint } from '../bindings/advice/fit.js';
import { tailLoss } from '../bindings/advice/recommend.js';

/** A valley in log10 LR: the loss rises by `curvature` × (decades from the minimum)², in log loss. */
const valley = (minimumAt: number, curvature: number) => (x: number) => 0.1 * Math.exp(curvature * (x - minimumAt) ** 2);
const at = (xs: number[], f: (x: number) => number): FitPoint[] => xs.map((x) => ({ lr: 10 ** x, value: f(x) }));
const fold = (a: number, b: number) => Math.max(a / b, b / a);
// Seven runs as the search places them: a decade apart, then half and a quarter decade around the middle.
const PLACED = [-3, -2, -1, -2.5, -1.5, -2.25, -1.75];

describe('the smooth fit', () => {
  it('reproduces a quadratic in log LR exactly (a local quadratic regression is exact on one)', () => {
    const xs = [-4, -3.5, -3, -2.2, -2, -1];
    const ys = xs.map((x) => 0.3 - 0.2 * x + 0.7 * x * x);
    for (const x of [-3.7, -2.5, -1.2]) expect(fitAt(xs, ys, x)).toBeCloseTo(0.3 - 0.2 * x + 0.7 * x * x, 9);
  });

  it('finds the minimum of a smooth valley between the tried LRs', () => {
    const choice = chooseFromFit(at(PLACED, valley(-1.9, 1.5)), [1e-3, 1e-1], 0.1);
    expect(fold(choice.minimum.lr, 10 ** -1.9)).toBeLessThan(1.1);
    expect(fold(choice.lr, 10 ** -1.9)).toBeLessThan(1.2);
    expect(choice.range[0]).toBeLessThan(choice.lr);
    expect(choice.range[1]).toBeGreaterThan(choice.lr);
  });

  it('is robust to one outlier seed: a run 40 % lower than its neighbours, away from the minimum, is not chosen', () => {
    const f = valley(-2, 1.5);
    const points = at(PLACED, f);
    // A lucky seed at 10^-1.5: the lowest value of all, so the best single run would be chosen.
    const lucky = points.find((p) => p.lr === 10 ** -1.5)!;
    lucky.value = 0.6 * f(-1.5);
    expect(Math.min(...points.map((p) => p.value))).toBe(lucky.value);
    const choice = chooseFromFit(points, [1e-3, 1e-1], 0.1);
    expect(fold(choice.lr, 10 ** -2)).toBeLessThan(2);
    expect(fold(choice.lr, lucky.lr)).toBeGreaterThan(1.5);
  });

  it('in a flat valley chooses the middle of the band within 5 % of the minimum, not its noisy lowest point', () => {
    // Flat from 10^-3 to 10^-2 (a small ripple makes 10^-2.75 the lowest run), rising steeply outside.
    const f = (x: number) => 0.1 * Math.exp(x < -3 ? 3 * (x + 3) ** 2 : x > -2 ? 3 * (x + 2) ** 2 : 0) * (x === -2.75 ? 0.98 : 1);
    const xs = [-4, -3.5, -3, -2.75, -2.5, -2.25, -2, -1.5, -1];
    const choice = chooseFromFit(at(xs, f), [1e-4, 1e-1], 0.1);
    expect(fold(choice.lr, 10 ** -2.5)).toBeLessThan(1.5);
  });
});

describe("a run's final objective as the search reads it", () => {
  const result = (valLoss: number[]) => ({
    id: 't', index: 0, params: {}, repeat: 0, status: 'completed' as const, timeMs: 0,
    history: { epoch: valLoss.map((_, i) => i), loss: valLoss, valLoss, lr: valLoss.map(() => 0.1), time: valLoss.map(() => 0), status: 'completed' as const, events: [] },
  });

  it('is the mean validation loss of the last tenth of the epochs (at least the last one)', () => {
    const curve = Array.from({ length: 40 }, (_, i) => 1 / (i + 1));
    expect(tailLoss(result(curve))).toBeCloseTo((1 / 37 + 1 / 38 + 1 / 39 + 1 / 40) / 4, 15);
    expect(tailLoss(result([0.5, 0.4, 0.3]))).toBe(0.3);
    expect(tailLoss(result([0.5, 0.4, NaN]))).toBeNaN();
  });
});
