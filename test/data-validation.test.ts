import { describe, expect, it } from 'vitest';
import { checkDataset, fromArrays, loadData, validateDataSpec, type DataSpec } from '../bindings/data/index.js';
import { LrlabError } from '../bindings/errors.js';
import type { Dataset } from '../bindings/types.js';
import { thrown } from './helpers/errors.js';

describe('validateDataSpec', () => {
  it('fills every default, so that a logged spec reproduces the data', () => {
    expect(validateDataSpec({ name: 'blobs' })).toEqual({
      name: 'blobs', samples: 100, centers: 3, features: 2, clusterStd: 1, centerBox: [-10, 10], seed: 0,
    });
    expect(validateDataSpec({ name: 'moons', noise: 0.1 })).toEqual({ name: 'moons', samples: 100, noise: 0.1, seed: 0 });
    expect(validateDataSpec({ name: 'circles' })).toEqual({ name: 'circles', samples: 100, noise: 0, factor: 0.8, seed: 0 });
    expect(validateDataSpec({ name: 'spiral' })).toEqual({ name: 'spiral', samples: 300, classes: 3, noise: 0.2, seed: 0 });
    expect(validateDataSpec({ name: 'mnist' })).toEqual({ name: 'mnist', samples: 1000, seed: 0 });
    expect(validateDataSpec({ name: 'mnist', perClass: 20 })).toEqual({ name: 'mnist', perClass: 20, seed: 0 });
    expect(validateDataSpec({ name: 'csv', path: 'a.csv', labelColumn: 'y' })).toEqual({
      name: 'csv', path: 'a.csv', header: true, labels: 'auto', delimiter: ',', labelColumn: 'y',
    });
  });

  it('keeps an explicit 0', () => {
    expect(validateDataSpec({ name: 'blobs', clusterStd: 0, seed: 0 })).toMatchObject({ clusterStd: 0, seed: 0 });
  });

  it('refuses a non-object, an unknown name and unknown keys', () => {
    expect(thrown(() => validateDataSpec(null)).code).toBe('INVALID_OPTION');
    expect(thrown(() => validateDataSpec([])).code).toBe('INVALID_OPTION');
    const name = thrown(() => validateDataSpec({ name: 'iris' }));
    expect(name.code).toBe('UNKNOWN_OPTION');
    expect(name.field).toBe('data.name');
    expect(name.message).toContain('blobs, moons, circles, spiral, mnist, csv');
    expect(thrown(() => validateDataSpec({})).code).toBe('UNKNOWN_OPTION');
    const key = thrown(() => validateDataSpec({ name: 'moons', nosie: 0.1 }));
    expect(key.code).toBe('UNKNOWN_OPTION');
    expect(key.field).toBe('data.nosie');
    expect(thrown(() => validateDataSpec({ name: 'moons', factor: 0.5 })).field).toBe('data.factor');
    expect(thrown(() => validateDataSpec({ name: 'csv', path: 'a.csv', source: 'b' })).code).toBe('UNKNOWN_OPTION');
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['samples 0', { name: 'blobs', samples: 0 }, 'data.samples'],
    ['samples 1.5', { name: 'moons', samples: 1.5 }, 'data.samples'],
    ['samples as a string', { name: 'spiral', samples: '100' }, 'data.samples'],
    ['samples NaN', { name: 'circles', samples: Number.NaN }, 'data.samples'],
    ['negative clusterStd', { name: 'blobs', clusterStd: -1 }, 'data.clusterStd'],
    ['centers 0', { name: 'blobs', centers: 0 }, 'data.centers'],
    ['centerBox reversed', { name: 'blobs', centerBox: [1, -1] }, 'data.centerBox'],
    ['centerBox not a pair', { name: 'blobs', centerBox: [1] }, 'data.centerBox'],
    ['negative noise', { name: 'moons', noise: -0.1 }, 'data.noise'],
    ['factor 1', { name: 'circles', factor: 1 }, 'data.factor'],
    ['spiral with 1 class', { name: 'spiral', classes: 1 }, 'data.classes'],
    ['negative seed', { name: 'spiral', seed: -3 }, 'data.seed'],
    ['mnist samples and perClass', { name: 'mnist', samples: 100, perClass: 10 }, 'data.perClass'],
    ['mnist more images than the package has', { name: 'mnist', perClass: 900 }, 'data.perClass'],
    ['mnist samples beyond the balanced maximum', { name: 'mnist', samples: 8636 }, 'data.samples'],
    ['csv without a path', { name: 'csv' }, 'data.path'],
    ['csv with a two-character delimiter', { name: 'csv', path: 'a.csv', delimiter: ';;' }, 'data.delimiter'],
    ['csv header not boolean', { name: 'csv', path: 'a.csv', header: 'yes' }, 'data.header'],
  ])('%s -> INVALID_OPTION naming the field', (_, spec, field) => {
    const err = thrown(() => validateDataSpec(spec));
    expect(err.code).toBe('INVALID_OPTION');
    expect(err.field).toBe(field);
    expect(err.message).toContain(field);
  });

  it('csv labels outside the known modes -> UNKNOWN_OPTION', () => {
    expect(thrown(() => validateDataSpec({ name: 'csv', path: 'a.csv', labels: 'binary' })).code).toBe('UNKNOWN_OPTION');
  });

  it('uses the given field prefix', () => {
    expect(thrown(() => validateDataSpec({ name: 'blobs', samples: -1 }, 'train.data')).field).toBe('train.data.samples');
  });

  it('loadData rejects an invalid spec before doing any work', async () => {
    await expect(loadData({ name: 'blobs', samples: 0 })).rejects.toMatchObject({ code: 'INVALID_OPTION', field: 'data.samples' });
    await expect(loadData({ name: 'nope' } as unknown as DataSpec)).rejects.toBeInstanceOf(LrlabError);
  });
});

function valid(): Dataset {
  return {
    x: { data: new Float32Array([1, 2, 3, 4, 5, 6]), rows: 3, cols: 2 },
    y: { data: new Float32Array([1, 0, 0, 1, 1, 0]), rows: 3, cols: 2 },
    labels: new Int32Array([0, 1, 0]),
    classes: 2,
  };
}

describe('checkDataset', () => {
  it('returns a valid data set unchanged', () => {
    const ds = valid();
    expect(checkDataset(ds)).toBe(ds);
    expect(checkDataset({ x: ds.x, y: { data: new Float32Array([0.5, 1, 2]), rows: 3, cols: 1 } })).toBeTruthy();
  });

  it('SHAPE_MISMATCH: data length, y rows, labels length, y columns vs classes', () => {
    const a = valid();
    a.x.rows = 4;
    expect(thrown(() => checkDataset(a)).code).toBe('SHAPE_MISMATCH');
    const b = valid();
    b.y = { data: new Float32Array(4), rows: 2, cols: 2 };
    const yRows = thrown(() => checkDataset(b));
    expect(yRows.code).toBe('SHAPE_MISMATCH');
    expect(yRows.field).toBe('data.y.rows');
    const c = valid();
    c.labels = new Int32Array([0, 1]);
    expect(thrown(() => checkDataset(c)).field).toBe('data.labels.length');
    const d = valid();
    d.classes = 3;
    expect(thrown(() => checkDataset(d)).code).toBe('SHAPE_MISMATCH');
  });

  it('INVALID_DATA: empty set', () => {
    const empty: Dataset = { x: { data: new Float32Array(0), rows: 0, cols: 2 }, y: { data: new Float32Array(0), rows: 0, cols: 1 } };
    expect(thrown(() => checkDataset(empty)).code).toBe('INVALID_DATA');
    const noFeatures: Dataset = { x: { data: new Float32Array(0), rows: 2, cols: 0 }, y: { data: new Float32Array(2), rows: 2, cols: 1 } };
    expect(thrown(() => checkDataset(noFeatures)).code).toBe('INVALID_DATA');
  });

  it('INVALID_DATA: NaN or Infinity in x or y, with row and column', () => {
    const a = valid();
    a.x.data[5] = Number.NaN;
    const nan = thrown(() => checkDataset(a));
    expect(nan.code).toBe('INVALID_DATA');
    expect(nan.field).toBe('data.x[2][1]');
    expect(nan.message).toContain('row 2, column 1');
    const b = valid();
    b.y.data[2] = Number.NEGATIVE_INFINITY;
    const inf = thrown(() => checkDataset(b, 'test'));
    expect(inf.code).toBe('INVALID_DATA');
    expect(inf.field).toBe('test.y[1][0]');
    expect(inf.message).toContain('row 1, column 0');
  });

  it('INVALID_DATA: labels out of [0, classes) and a bad class count', () => {
    const a = valid();
    a.labels![1] = 2;
    const high = thrown(() => checkDataset(a));
    expect(high.code).toBe('INVALID_DATA');
    expect(high.message).toContain('[0, 2)');
    const b = valid();
    b.labels![0] = -1;
    expect(thrown(() => checkDataset(b)).code).toBe('INVALID_DATA');
    const c = valid();
    c.classes = 0;
    expect(thrown(() => checkDataset(c)).code).toBe('INVALID_DATA');
  });

  it('INVALID_OPTION: not a data set at all', () => {
    expect(thrown(() => checkDataset(null as unknown as Dataset)).code).toBe('INVALID_OPTION');
    const a = valid();
    (a.x as unknown as { data: number[] }).data = [1, 2, 3, 4, 5, 6];
    expect(thrown(() => checkDataset(a)).field).toBe('data.x.data');
    const b = valid();
    (b as unknown as { labels: number[] }).labels = [0, 1, 0];
    expect(thrown(() => checkDataset(b)).code).toBe('INVALID_OPTION');
  });
});

describe('fromArrays', () => {
  it('turns integer labels into one-hot y', () => {
    const ds = fromArrays([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0], { name: 'xor' });
    expect(ds.x).toEqual({ data: new Float32Array([0, 0, 0, 1, 1, 0, 1, 1]), rows: 4, cols: 2 });
    expect(ds.y).toEqual({ data: new Float32Array([1, 0, 0, 1, 0, 1, 1, 0]), rows: 4, cols: 2 });
    expect(Array.from(ds.labels!)).toEqual([0, 1, 1, 0]);
    expect(ds.classes).toBe(2);
    expect(ds.name).toBe('xor');
    expect(fromArrays([[1], [2]], [0, 0], { classes: 3 }).y.cols).toBe(3);
  });

  it('keeps number[][] targets as they are (regression), or as one-hot with classes', () => {
    const reg = fromArrays([[1], [2]], [[0.5, 2], [1, -1]]);
    expect(reg.y).toEqual({ data: new Float32Array([0.5, 2, 1, -1]), rows: 2, cols: 2 });
    expect(reg.labels).toBeUndefined();
    const hot = fromArrays([[1], [2]], [[0, 1], [1, 0]], { classes: 2 });
    expect(Array.from(hot.labels!)).toEqual([1, 0]);
    expect(thrown(() => fromArrays([[1], [2]], [[0, 1], [1, 1]], { classes: 2 })).code).toBe('INVALID_DATA');
    expect(thrown(() => fromArrays([[1], [2]], [[0, 1, 0], [1, 0, 0]], { classes: 2 })).code).toBe('SHAPE_MISMATCH');
  });

  it('refuses ragged, mismatched, empty and non-finite input with the right code', () => {
    const ragged = thrown(() => fromArrays([[1, 2], [3]], [0, 1]));
    expect(ragged.code).toBe('SHAPE_MISMATCH');
    expect(ragged.field).toBe('x[1]');
    expect(thrown(() => fromArrays([[1], [2]], [0])).code).toBe('SHAPE_MISMATCH');
    expect(thrown(() => fromArrays([], [])).code).toBe('INVALID_DATA');
    const nan = thrown(() => fromArrays([[1, 2], [3, Number.NaN]], [0, 1]));
    expect(nan.code).toBe('INVALID_DATA');
    expect(nan.message).toContain('row 1, column 1');
    expect(thrown(() => fromArrays([[1e39]], [0])).code).toBe('INVALID_DATA'); // overflows float32
    expect(thrown(() => fromArrays([[1], [2]], [[0.5], [Infinity]])).field).toBe('y[1][0]');
    expect(thrown(() => fromArrays([[1], [2]], [0, 1.5])).code).toBe('INVALID_DATA');
    expect(thrown(() => fromArrays([[1], [2]], [0, -1])).code).toBe('INVALID_DATA');
    expect(thrown(() => fromArrays([[1], [2]], [0, 3], { classes: 3 })).code).toBe('INVALID_DATA');
    expect(thrown(() => fromArrays([[1], [2]], [0, 1], { classes: 0 })).code).toBe('INVALID_OPTION');
    expect(thrown(() => fromArrays([[1], [2]], [0, [1]] as unknown as number[])).code).toBe('INVALID_OPTION');
  });
});
