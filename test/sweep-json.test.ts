/**
 * Result lines: a result with no non-finite number is written without a replacer (the fast path),
 * one with NaN/±Infinity anywhere with them as null; both must give the text the replacer gives.
 */
import { expect, it } from 'vitest';
import { resultFromJson, resultToJson } from '../bindings/sweep/json.js';
import type { TrialResult } from '../bindings/sweep/types.js';

const replaced = (r: unknown) => JSON.stringify(r, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));

function result(loss: number[], testLoss = 0.5): TrialResult {
  return {
    id: 'a1', index: 3, params: { 'optimizer.lr': 0.01 }, repeat: 0, status: 'completed', timeMs: 12.5,
    history: { epoch: loss.map((_, i) => i), loss, lr: loss.map(() => 0.01), time: loss.map(() => 1.25), status: 'completed', events: [] },
    train: { loss: 0.25, accuracy: 0.75 }, test: { loss: testLoss, accuracy: 0.5 },
  };
}

it('writes a finite result exactly as the replacer does, and reads it back', () => {
  const r = result([1.5, 0.75, 1 / 3]);
  expect(resultToJson(r)).toBe(replaced(r));
  expect(resultFromJson(resultToJson(r))).toStrictEqual(r);
});

it('writes NaN and ±Infinity as null wherever they are, and reads null in an array back as NaN', () => {
  for (const r of [result([1, NaN, 2]), result([1, Infinity]), result([1, 2], -Infinity)]) {
    const text = resultToJson(r);
    expect(text).toBe(replaced(r));
    expect(text).toContain('null');
  }
  expect(resultFromJson(resultToJson(result([1, NaN]))).history!.loss).toStrictEqual([1, NaN]);
});
