// A runner's data cache (a sweep's trials share their generated data): reuse
// changes no result bit, a different data spec, split or standardization gets
// its own preparation, a CSV file is read afresh each run, a failure is not kept.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { PreparedDataCache } from '../bindings/data/prepared-cache.js';
import { runExperiment, TUTORIAL_EXPERIMENT, type ExperimentSpec, type PreparedData } from '../bindings/experiment.js';

const bits = (x: Float32Array) => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));
const spec = (changes: Partial<ExperimentSpec>): ExperimentSpec => ({ ...TUTORIAL_EXPERIMENT, epochs: 3, ...changes });

/** A cache that counts how many times it prepared data. */
function countingCache() {
  const cache = new PreparedDataCache<PreparedData>();
  let prepared = 0;
  const get = cache.get.bind(cache);
  cache.get = (key, prepare) => get(key, () => { prepared++; return prepare(); });
  return { cache, prepared: () => prepared };
}

it('trials on the same generated data share one preparation and give the very bits of uncached runs', async () => {
  const { cache, prepared } = countingCache();
  for (const lr of [0.1, 0.01, 0.1]) {
    const s = spec({ optimizer: { name: 'sgd', lr, momentum: 0.9 } });
    const [cached, fresh] = [await runExperiment(s, { dataCache: cache }), await runExperiment(s)];
    expect(bits(cached.model.getWeights())).toEqual(bits(fresh.model.getWeights()));
    expect(cached.history.loss).toEqual(fresh.history.loss);
    expect(cached.history.valLoss).toEqual(fresh.history.valLoss);
    expect(cached.train).toEqual(fresh.train);
    expect(cached.test).toEqual(fresh.test);
    expect(cached.model.preprocessing).toEqual(fresh.model.preprocessing);
  }
  expect(prepared()).toBe(1);
});

it('another data spec, split or standardization is prepared anew, and standardized data matches uncached runs', async () => {
  const { cache, prepared } = countingCache();
  const variants = [
    spec({}),
    spec({ data: { ...TUTORIAL_EXPERIMENT.data, seed: 3 } as ExperimentSpec['data'] }),
    spec({ split: { testFraction: 0.25, shuffle: false } }),
    spec({ standardize: true }),
  ];
  for (const s of variants) {
    const [cached, fresh] = [await runExperiment(s, { dataCache: cache }), await runExperiment(s)];
    expect(bits(cached.model.getWeights())).toEqual(bits(fresh.model.getWeights()));
    expect(cached.model.preprocessing).toEqual(fresh.model.preprocessing);
  }
  expect(prepared()).toBe(variants.length);
});

it('a CSV file is read for every run (it may change between runs)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lrlab-cache-'));
  const path = join(dir, 'rows.csv');
  const rows = (flip: boolean) => ['a,b,label', ...Array.from({ length: 40 }, (_, i) => `${i % 7},${(i * 3) % 5},${(i % 2 === 0) !== flip ? 'x' : 'y'}`)].join('\n') + '\n';
  const csvSpec = spec({
    data: { name: 'csv', path }, split: undefined,
    model: { inputs: 2, layers: [{ units: 4, activation: 'relu' }, { units: 2, activation: 'softmax' }], loss: 'categorical_crossentropy' },
  });
  const { cache, prepared } = countingCache();
  await writeFile(path, rows(false));
  const first = await runExperiment(csvSpec, { dataCache: cache });
  await writeFile(path, rows(true));
  const second = await runExperiment(csvSpec, { dataCache: cache });
  expect(second.history.loss).toEqual((await runExperiment(csvSpec)).history.loss);
  expect(second.history.loss).not.toEqual(first.history.loss);
  expect(prepared()).toBe(0);
});

it('a preparation that fails is not kept: the next request prepares again', async () => {
  const cache = new PreparedDataCache<number>();
  await expect(cache.get('k', () => Promise.reject(new Error('no data')))).rejects.toThrow('no data');
  await new Promise((resolve) => setTimeout(resolve, 0));
  expect(await cache.get('k', async () => 7)).toBe(7);
  expect(await cache.get('k', async () => 8)).toBe(7);
  expect(await cache.get('other', async () => 9)).toBe(9);
});
