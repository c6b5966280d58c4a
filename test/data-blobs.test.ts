import { describe, expect, it } from 'vitest';
import { blobs } from '../bindings/data/index.js';
import { thrown } from './helpers/errors.js';

describe('blobs', () => {
  it('is deterministic: same seed, same arrays; other seed, other arrays', () => {
    const a = blobs({ samples: 200, seed: 7 });
    const b = blobs({ samples: 200, seed: 7 });
    const c = blobs({ samples: 200, seed: 8 });
    expect(a.x.data).toEqual(b.x.data);
    expect(a.y.data).toEqual(b.y.data);
    expect(a.labels).toEqual(b.labels);
    expect(a.centers.data).toEqual(b.centers.data);
    expect(c.x.data).not.toEqual(a.x.data);
    expect(c.centers.data).not.toEqual(a.centers.data);
  });

  it('has the declared shapes, one-hot y matching the labels', () => {
    const ds = blobs({ samples: 50, centers: 4, features: 5, seed: 1 });
    expect(ds.x.rows).toBe(50);
    expect(ds.x.cols).toBe(5);
    expect(ds.x.data.length).toBe(250);
    expect(ds.y.rows).toBe(50);
    expect(ds.y.cols).toBe(4);
    expect(ds.classes).toBe(4);
    expect(ds.name).toBe('blobs');
    expect(ds.centers.rows).toBe(4);
    expect(ds.centers.cols).toBe(5);
    for (let i = 0; i < 50; i++) {
      const row = Array.from(ds.y.data.subarray(i * 4, i * 4 + 4));
      expect(row.reduce((s, v) => s + v, 0)).toBe(1);
      expect(row[ds.labels![i]!]).toBe(1);
    }
  });

  it('splits samples as scikit-learn: the first samples % centers centres get one extra', () => {
    const ds = blobs({ samples: 11, centers: 3, seed: 2 });
    const counts = [0, 0, 0];
    for (const l of ds.labels!) counts[l]!++;
    expect(counts).toEqual([4, 4, 3]);
    const even = blobs({ samples: 300, centers: 3, seed: 2 });
    const evenCounts = [0, 0, 0];
    for (const l of even.labels!) evenCounts[l]!++;
    expect(evenCounts).toEqual([100, 100, 100]);
  });

  it('draws centres inside centerBox', () => {
    const ds = blobs({ centers: 50, samples: 50, features: 3, centerBox: [2, 3], seed: 3 });
    for (const v of ds.centers.data) {
      expect(v).toBeGreaterThanOrEqual(2);
      expect(v).toBeLessThanOrEqual(3);
    }
  });

  it('spreads each cluster with standard deviation clusterStd around its centre', () => {
    const clusterStd = 1.5;
    const ds = blobs({ samples: 6000, centers: 3, features: 2, clusterStd, seed: 11 });
    const { cols } = ds.x;
    for (let k = 0; k < 3; k++) {
      let n = 0;
      let sum = 0;
      let sq = 0;
      for (let i = 0; i < ds.x.rows; i++) {
        if (ds.labels![i] !== k) continue;
        for (let j = 0; j < cols; j++) {
          const d = ds.x.data[i * cols + j]! - ds.centers.data[k * cols + j]!;
          sum += d;
          sq += d * d;
          n++;
        }
      }
      expect(n).toBe(4000); // 2000 points × 2 coordinates
      // Standard error of the mean: 1.5 / sqrt(4000) ≈ 0.024; of the std: ≈ 0.017.
      expect(Math.abs(sum / n)).toBeLessThan(0.1);
      expect(Math.sqrt(sq / n)).toBeGreaterThan(clusterStd * 0.95);
      expect(Math.sqrt(sq / n)).toBeLessThan(clusterStd * 1.05);
    }
  });

  it('clusterStd 0 puts every point exactly on its centre', () => {
    const ds = blobs({ samples: 30, clusterStd: 0, seed: 4 });
    for (let i = 0; i < 30; i++) {
      const k = ds.labels![i]!;
      expect(Array.from(ds.x.data.subarray(2 * i, 2 * i + 2))).toEqual(Array.from(ds.centers.data.subarray(2 * k, 2 * k + 2)));
    }
  });

  it('exposes the true centres: a nearest-centre classifier is almost perfect on well separated blobs', () => {
    const ds = blobs({ samples: 1500, centers: 3, clusterStd: 0.5, seed: 0 });
    const c = ds.centers.data;
    // The three centres of seed 0 are >= 3 apart: each midplane is >= 3 standard deviations (0.5) away.
    let minDist = Infinity;
    for (let a = 0; a < 3; a++) for (let b = a + 1; b < 3; b++) minDist = Math.min(minDist, Math.hypot(c[2 * a]! - c[2 * b]!, c[2 * a + 1]! - c[2 * b + 1]!));
    expect(minDist).toBeGreaterThan(3);
    let correct = 0;
    for (let i = 0; i < ds.x.rows; i++) {
      let best = -1;
      let bestD = Infinity;
      for (let k = 0; k < 3; k++) {
        const d = Math.hypot(ds.x.data[2 * i]! - c[2 * k]!, ds.x.data[2 * i + 1]! - c[2 * k + 1]!);
        if (d < bestD) { bestD = d; best = k; }
      }
      if (best === ds.labels![i]) correct++;
    }
    expect(correct / ds.x.rows).toBeGreaterThan(0.99);
  });

  it('shuffles rows so that classes are interleaved', () => {
    const ds = blobs({ samples: 300, centers: 3, seed: 5 });
    const labels = Array.from(ds.labels!);
    let changes = 0;
    for (let i = 1; i < labels.length; i++) if (labels[i] !== labels[i - 1]) changes++;
    expect(changes).toBeGreaterThan(100); // sorted rows would give 2; random order about 200
    expect(new Set(labels.slice(0, 20)).size).toBe(3);
  });

  it('refuses bad options with INVALID_OPTION or UNKNOWN_OPTION', () => {
    expect(thrown(() => blobs({ samples: 0 })).code).toBe('INVALID_OPTION');
    expect(thrown(() => blobs({ samples: 2.5 })).code).toBe('INVALID_OPTION');
    expect(thrown(() => blobs({ centers: 0 })).code).toBe('INVALID_OPTION');
    expect(thrown(() => blobs({ features: 0 })).code).toBe('INVALID_OPTION');
    expect(thrown(() => blobs({ clusterStd: -0.1 })).field).toBe('blobs.clusterStd');
    expect(thrown(() => blobs({ centerBox: [3, 1] })).field).toBe('blobs.centerBox');
    expect(thrown(() => blobs({ seed: -1 })).code).toBe('INVALID_OPTION');
    expect(thrown(() => blobs({ seed: 2 ** 32 })).code).toBe('INVALID_OPTION');
    const unknown = thrown(() => blobs({ sample: 10 } as never));
    expect(unknown.code).toBe('UNKNOWN_OPTION');
    expect(unknown.field).toBe('blobs.sample');
  });
});
