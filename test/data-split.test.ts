import { describe, expect, it } from 'vitest';
import { thrown } from './helpers/errors.js';
import { applyStandardization, blobs, fromArrays, splitAt, standardize, trainTestSplit } from '../bindings/data/index.js';
import type { Dataset } from '../bindings/types.js';

/** n rows whose single feature is the row id, so that rows can be traced through a split. */
function ids(n: number): Dataset {
  return fromArrays(Array.from({ length: n }, (_, i) => [i]), Array.from({ length: n }, (_, i) => i % 3));
}
const idsOf = (ds: Dataset): number[] => Array.from(ds.x.data);

const code = (fn: () => unknown): string => thrown(fn).code;

describe('trainTestSplit', () => {
  it('gives ceil(n × testFraction) test rows, the rest train, with no overlap and nothing lost', () => {
    const ds = ids(101);
    const { train, test } = trainTestSplit(ds, { testFraction: 0.25, seed: 1 });
    expect(test.x.rows).toBe(26);
    expect(train.x.rows).toBe(75);
    const a = idsOf(train);
    const b = idsOf(test);
    expect(new Set([...a, ...b]).size).toBe(101);
    expect(a.filter((v) => b.includes(v))).toEqual([]);
  });

  it('keeps x, y and labels of a row together', () => {
    const ds = ids(60);
    const { train, test } = trainTestSplit(ds, { seed: 3 });
    for (const part of [train, test]) {
      for (let i = 0; i < part.x.rows; i++) {
        const id = part.x.data[i]!;
        expect(part.labels![i]).toBe(id % 3);
        expect(part.y.data[i * 3 + (id % 3)]).toBe(1);
      }
      expect(part.classes).toBe(3);
    }
  });

  it('is deterministic per seed and shuffles', () => {
    const ds = ids(100);
    const a = trainTestSplit(ds, { testFraction: 0.3, seed: 5 });
    const b = trainTestSplit(ds, { testFraction: 0.3, seed: 5 });
    const c = trainTestSplit(ds, { testFraction: 0.3, seed: 6 });
    expect(idsOf(a.test)).toEqual(idsOf(b.test));
    expect(idsOf(c.test)).not.toEqual(idsOf(a.test));
    expect(idsOf(a.train)).not.toEqual(idsOf(a.train).slice().sort((p, q) => p - q));
  });

  it('shuffle: false keeps the order: train first, test last', () => {
    const { train, test } = trainTestSplit(ids(10), { testFraction: 0.2, shuffle: false });
    expect(idsOf(train)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(idsOf(test)).toEqual([8, 9]);
  });

  it('copies: changing a split never changes the source', () => {
    const ds = ids(10);
    const { train } = trainTestSplit(ds, { seed: 0 });
    train.x.data.fill(-1);
    expect(idsOf(ds)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('keeps extra properties such as the blobs centres', () => {
    const b = blobs({ samples: 20, seed: 1 });
    const { train } = trainTestSplit(b, { seed: 1 });
    expect(train.centers).toBe(b.centers);
  });

  it('refuses testFraction outside (0, 1) and sets too small to split', () => {
    for (const testFraction of [0, 1, -0.2, 1.5, Number.NaN]) {
      expect(code(() => trainTestSplit(ids(10), { testFraction }))).toBe('INVALID_OPTION');
    }
    expect(code(() => trainTestSplit(ids(1), { testFraction: 0.5 }))).toBe('INVALID_DATA');
    expect(code(() => trainTestSplit(ids(10), { seed: 0.5 }))).toBe('INVALID_OPTION');
  });
});

describe('splitAt', () => {
  it('cuts at nTrain without shuffling', () => {
    const { train, test } = splitAt(ids(6), 4);
    expect(idsOf(train)).toEqual([0, 1, 2, 3]);
    expect(idsOf(test)).toEqual([4, 5]);
    expect(Array.from(test.labels!)).toEqual([1, 2]);
  });

  it('refuses an empty side', () => {
    expect(code(() => splitAt(ids(6), 0))).toBe('INVALID_OPTION');
    expect(code(() => splitAt(ids(6), 6))).toBe('INVALID_OPTION');
    expect(code(() => splitAt(ids(6), 2.5))).toBe('INVALID_OPTION');
    expect(code(() => splitAt(ids(1), 1))).toBe('INVALID_DATA');
  });
});

describe('standardize', () => {
  const column = (ds: Dataset, j: number): number[] =>
    Array.from({ length: ds.x.rows }, (_, i) => ds.x.data[i * ds.x.cols + j]!);
  const mean = (v: number[]): number => v.reduce((s, a) => s + a, 0) / v.length;
  const std = (v: number[]): number => Math.sqrt(mean(v.map((a) => (a - mean(v)) ** 2)));

  it('gives mean 0 and std 1 per feature on train, using train statistics for test', () => {
    const ds = blobs({ samples: 500, features: 3, centerBox: [50, 100], clusterStd: 7, seed: 2 });
    const { train, test } = trainTestSplit(ds, { seed: 2 });
    const s = standardize(train, test);
    for (let j = 0; j < 3; j++) {
      expect(mean(column(s.train, j))).toBeCloseTo(0, 4);
      expect(std(column(s.train, j))).toBeCloseTo(1, 4);
      expect(s.mean[j]).toBeCloseTo(mean(column(train, j)), 3);
      expect(s.std[j]).toBeCloseTo(std(column(train, j)), 3);
      // test goes through train's mean/std, not its own
      const expected = column(test, j).map((v) => (v - s.mean[j]!) / s.std[j]!);
      column(s.test!, j).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 4));
    }
    expect(s.train.y).toBe(train.y); // targets untouched
    expect(column(train, 0)[0]).toBeGreaterThan(10); // input not modified in place
  });

  it('maps a constant feature to 0 (std stored as 1), never NaN', () => {
    const ds = fromArrays([[5, 1], [5, 2], [5, 3]], [0, 1, 0]);
    const s = standardize(ds);
    expect(s.std[0]).toBe(1);
    expect(column(s.train, 0)).toEqual([0, 0, 0]);
    expect(s.test).toBeUndefined();
  });

  it('applyStandardization reuses stored statistics and checks their width', () => {
    const ds = fromArrays([[1, 10], [3, 30]], [0, 1]);
    const s = standardize(ds);
    expect(Array.from(applyStandardization(ds, s).x.data)).toEqual([-1, -1, 1, 1]);
    expect(code(() => applyStandardization(fromArrays([[1]], [0]), s))).toBe('SHAPE_MISMATCH');
    expect(code(() => standardize(ds, fromArrays([[1]], [0])))).toBe('SHAPE_MISMATCH');
  });
});
