import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDataset, loadData, type DataSpec } from '../bindings/data/index.js';
import type { Dataset } from '../bindings/types.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lrlab-shapes-'));
  await writeFile(join(dir, 'small.csv'), 'a,b,c,kind\n1,2,3,x\n4,5,6,y\n7,8,9,z\n0,1,0,x\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Every loader's output, whatever its source: consistent shapes, one-hot y agreeing with labels. */
function expectConsistent(ds: Dataset, rows: number, cols: number, classes: number): void {
  expect(checkDataset(ds)).toBe(ds);
  expect(ds.x.data).toBeInstanceOf(Float32Array);
  expect(ds.y.data).toBeInstanceOf(Float32Array);
  expect(ds.labels).toBeInstanceOf(Int32Array);
  expect([ds.x.rows, ds.x.cols, ds.x.data.length]).toEqual([rows, cols, rows * cols]);
  expect([ds.y.rows, ds.y.cols, ds.y.data.length]).toEqual([rows, classes, rows * classes]);
  expect(ds.classes).toBe(classes);
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < classes; k++) expect(ds.y.data[i * classes + k]).toBe(k === ds.labels![i] ? 1 : 0);
  }
}

describe('loadData', () => {
  it.each<[DataSpec, number, number, number]>([
    [{ name: 'blobs', samples: 40, centers: 4, features: 3 }, 40, 3, 4],
    [{ name: 'moons', samples: 31, noise: 0.1 }, 31, 2, 2],
    [{ name: 'circles', samples: 20 }, 20, 2, 2],
    [{ name: 'spiral', samples: 50, classes: 5 }, 50, 2, 5],
    [{ name: 'mnist', perClass: 3 }, 30, 784, 10],
  ])('%o builds a consistent data set', async (spec, rows, cols, classes) => {
    expectConsistent(await loadData(spec), rows, cols, classes);
  });

  it('loads a csv spec from its path', async () => {
    const ds = await loadData({ name: 'csv', path: join(dir, 'small.csv') });
    expectConsistent(ds, 4, 3, 3);
    expect((ds as { classNames?: string[] }).classNames).toEqual(['x', 'y', 'z']);
  });

  it('gives the same data as the direct call for the same seed', async () => {
    const { blobs } = await import('../bindings/data/index.js');
    const viaSpec = await loadData({ name: 'blobs', samples: 30, seed: 9 });
    expect(viaSpec.x.data).toEqual(blobs({ samples: 30, seed: 9 }).x.data);
  });

  it('an unreadable csv path rejects with INVALID_OPTION', async () => {
    await expect(loadData({ name: 'csv', path: join(dir, 'nope.csv') })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });
});
