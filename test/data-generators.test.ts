import { describe, expect, it } from 'vitest';
import { thrown } from './helpers/errors.js';
import { circles, moons, spiral } from '../bindings/data/index.js';
import type { Dataset } from '../bindings/types.js';

function counts(ds: Dataset): number[] {
  const c = Array<number>(ds.classes!).fill(0);
  for (const l of ds.labels!) c[l]!++;
  return c;
}

const code = (fn: () => unknown): string => thrown(fn).code;

function labelChanges(ds: Dataset): number {
  let changes = 0;
  for (let i = 1; i < ds.labels!.length; i++) if (ds.labels![i] !== ds.labels![i - 1]) changes++;
  return changes;
}

const generators = { moons, circles, spiral } as const;

describe.each(Object.entries(generators))('%s', (name, make) => {
  it('is deterministic per seed', () => {
    const a = make({ samples: 120, noise: 0.1, seed: 3 });
    const b = make({ samples: 120, noise: 0.1, seed: 3 });
    const c = make({ samples: 120, noise: 0.1, seed: 4 });
    expect(a.x.data).toEqual(b.x.data);
    expect(a.labels).toEqual(b.labels);
    expect(c.x.data).not.toEqual(a.x.data);
  });

  it('returns 2-D points, one-hot y, labels and its name', () => {
    const ds = make({ samples: 90, seed: 1 });
    expect(ds.name).toBe(name);
    expect(ds.x.cols).toBe(2);
    expect(ds.x.rows).toBe(90);
    expect(ds.y.rows).toBe(90);
    expect(ds.y.cols).toBe(ds.classes);
    for (let i = 0; i < 90; i++) {
      const row = Array.from(ds.y.data.subarray(i * ds.classes!, (i + 1) * ds.classes!));
      expect(row.filter((v) => v === 1)).toHaveLength(1);
      expect(row[ds.labels![i]!]).toBe(1);
    }
  });

  it('interleaves the classes', () => {
    expect(labelChanges(make({ samples: 300, seed: 2 }))).toBeGreaterThan(90);
  });

  it('refuses negative noise and non-integer samples', () => {
    expect(code(() => make({ noise: -0.5 }))).toBe('INVALID_OPTION');
    expect(code(() => make({ samples: 10.5 }))).toBe('INVALID_OPTION');
    expect(code(() => make({ samples: 0 }))).toBe('INVALID_OPTION');
    expect(code(() => make({ bogus: 1 } as never))).toBe('UNKNOWN_OPTION');
  });
});

describe('moons', () => {
  it('lies exactly on two half circles without noise (scikit-learn geometry)', () => {
    const ds = moons({ samples: 101, noise: 0 });
    expect(counts(ds)).toEqual([50, 51]); // floor(n/2) in the upper moon
    for (let i = 0; i < 101; i++) {
      const x = ds.x.data[2 * i]!;
      const y = ds.x.data[2 * i + 1]!;
      if (ds.labels![i] === 0) {
        expect(Math.hypot(x, y)).toBeCloseTo(1, 5);
        expect(y).toBeGreaterThanOrEqual(-1e-6);
      } else {
        expect(Math.hypot(x - 1, y - 0.5)).toBeCloseTo(1, 5);
        expect(y).toBeLessThanOrEqual(0.5 + 1e-6);
      }
    }
  });

  it('noise scatters points around the half circles with that standard deviation (roughly)', () => {
    const ds = moons({ samples: 4000, noise: 0.1, seed: 9 });
    let sq = 0;
    for (let i = 0; i < 4000; i++) {
      const x = ds.x.data[2 * i]!;
      const y = ds.x.data[2 * i + 1]!;
      const r = ds.labels![i] === 0 ? Math.hypot(x, y) : Math.hypot(x - 1, y - 0.5);
      sq += (r - 1) ** 2;
    }
    // The radial deviation of 2-D noise of std 0.1 has rms close to 0.1.
    expect(Math.sqrt(sq / 4000)).toBeGreaterThan(0.08);
    expect(Math.sqrt(sq / 4000)).toBeLessThan(0.12);
  });
});

describe('circles', () => {
  it('puts class 0 on the unit circle and class 1 on radius factor, at evenly spaced angles', () => {
    const ds = circles({ samples: 200, factor: 0.3, noise: 0 });
    expect(counts(ds)).toEqual([100, 100]);
    const angles: number[][] = [[], []];
    for (let i = 0; i < 200; i++) {
      const x = ds.x.data[2 * i]!;
      const y = ds.x.data[2 * i + 1]!;
      const k = ds.labels![i]!;
      expect(Math.hypot(x, y)).toBeCloseTo(k === 0 ? 1 : 0.3, 5);
      angles[k]!.push((Math.atan2(y, x) + 2 * Math.PI) % (2 * Math.PI));
    }
    for (const a of angles) {
      a.sort((p, q) => p - q);
      for (let i = 1; i < a.length; i++) expect(a[i]! - a[i - 1]!).toBeCloseTo((2 * Math.PI) / 100, 4);
    }
  });

  it('default factor is 0.8; with noise the mean radii stay near 1 and factor', () => {
    const ds = circles({ samples: 4000, noise: 0.05, seed: 6 });
    const sum = [0, 0];
    for (let i = 0; i < 4000; i++) sum[ds.labels![i]!]! += Math.hypot(ds.x.data[2 * i]!, ds.x.data[2 * i + 1]!);
    expect(sum[0]! / 2000).toBeCloseTo(1, 1);
    expect(sum[1]! / 2000).toBeCloseTo(0.8, 1);
  });

  it('refuses factor outside [0, 1)', () => {
    expect(code(() => circles({ factor: 1 }))).toBe('INVALID_OPTION');
    expect(code(() => circles({ factor: -0.1 }))).toBe('INVALID_OPTION');
  });
});

describe('spiral', () => {
  it('follows the CS231n arms without noise: (r sin t, r cos t) with t = 4k + 4r', () => {
    const ds = spiral({ samples: 300, classes: 3, noise: 0 });
    expect(counts(ds)).toEqual([100, 100, 100]);
    for (let i = 0; i < 300; i++) {
      const x = ds.x.data[2 * i]!;
      const y = ds.x.data[2 * i + 1]!;
      const k = ds.labels![i]!;
      const r = Math.hypot(x, y);
      expect(r).toBeLessThanOrEqual(1 + 1e-6);
      const t = 4 * k + 4 * r;
      expect(x).toBeCloseTo(r * Math.sin(t), 5);
      expect(y).toBeCloseTo(r * Math.cos(t), 5);
    }
  });

  it('defaults to 300 points in 3 classes, splits uneven totals like blobs', () => {
    const ds = spiral();
    expect(ds.x.rows).toBe(300);
    expect(ds.classes).toBe(3);
    expect(counts(spiral({ samples: 10, classes: 4 }))).toEqual([3, 3, 2, 2]);
  });

  it('refuses fewer than 2 classes', () => {
    expect(code(() => spiral({ classes: 1 }))).toBe('INVALID_OPTION');
  });
});
