// scikit-learn's make_blobs, point for point: fixtures written by real numpy
// and scikit-learn (test/fixtures/sklearn-blobs/generate.py; CI needs no
// Python) against lrlab's legacy RandomState and make_blobs, compared with ===.
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blobs, LegacyRandomState, loadData, sklearnMakeBlobs, validateDataSpec } from '../bindings/data/index.js';
import { glibcLog } from '../bindings/data/glibc-log.js';
import { experimentFromFlags } from '../bindings/cli/experiment-flags.js';
import { runExperiment, SKLEARN_TUTORIAL_DATA } from '../bindings/experiment.js';
import { expectError, thrown } from './helpers/errors.js';
import { lrlab } from './helpers/cli.js';

interface BlobsCase {
  n_samples: number; centers: number; n_features: number; cluster_std: number;
  random_state: number | number[]; center_box?: [number, number];
  x: number[]; y: number[]; center_points: number[];
}
interface StreamCase { seed: number | number[]; random_sample: number[]; standard_normal: number[]; shuffle_1000: number[] }
const fixtures = JSON.parse(readFileSync(new URL('./fixtures/sklearn-blobs/fixtures.json', import.meta.url), 'utf8')) as {
  blobs: BlobsCase[]; streams: StreamCase[];
};

/** Indices where two arrays differ (empty when equal bit for bit, -0 and 0 aside). */
function differences(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  expect(a.length).toBe(b.length);
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) out.push(i);
  return out;
}

describe('numpy legacy RandomState', () => {
  for (const s of fixtures.streams) {
    it(`seed ${JSON.stringify(s.seed)}: random_sample ×${s.random_sample.length}, standard_normal ×${s.standard_normal.length}, shuffle(arange(1000))`, () => {
      let rs = new LegacyRandomState(s.seed);
      expect(differences(s.random_sample.map(() => rs.randomSample()), s.random_sample)).toEqual([]);
      rs = new LegacyRandomState(s.seed);
      expect(differences(s.standard_normal.map(() => rs.standardNormal()), s.standard_normal)).toEqual([]);
      rs = new LegacyRandomState(s.seed);
      const order = Array.from({ length: 1000 }, (_, i) => i);
      rs.shuffle(order);
      expect(order).toEqual(s.shuffle_1000);
    });
  }

  it('takes glibc\'s log where it rounds differently from Math.log', () => {
    // Inputs and results printed by Python's math.log on glibc 2.36 (x86-64, FMA); Math.log gives the neighbours
    // −0.3942006692903456 and −0.06398215092268222. The second is on the polynomial path near 1.
    expect(glibcLog(0.6742187476671285)).toBe(-0.39420066929034553);
    expect(glibcLog(0.9380217422039108)).toBe(-0.06398215092268221);
    expect(glibcLog(1)).toBe(0);
    expect(glibcLog(8)).toBe(2.0794415416798357);
  });
});

describe('make_blobs', () => {
  for (const c of fixtures.blobs) {
    const name = `n_samples=${c.n_samples} centers=${c.centers} n_features=${c.n_features} cluster_std=${c.cluster_std} random_state=${JSON.stringify(c.random_state)}`;
    const options = {
      samples: c.n_samples, centers: c.centers, features: c.n_features, clusterStd: c.cluster_std,
      centerBox: c.center_box ?? ([-10, 10] as [number, number]), randomState: c.random_state,
    };
    it(`${name}: the same float64 points, labels and centres`, () => {
      const got = sklearnMakeBlobs(options);
      expect(differences(got.x, c.x)).toEqual([]);
      expect(Array.from(got.labels)).toEqual(c.y);
      expect(differences(got.centers, c.center_points)).toEqual([]);
    });
    it(`${name}: blobs({ generator: 'sklearn' }) holds them rounded to f32, in scikit-learn's row order`, () => {
      const ds = blobs({ ...options, generator: 'sklearn' });
      expect(differences(ds.x.data, c.x.map(Math.fround))).toEqual([]);
      expect(Array.from(ds.labels!)).toEqual(c.y);
      expect(ds.y.data[c.y[0]]).toBe(1);
      expect(ds.classes).toBe(c.centers);
    });
  }
});

describe('the sklearn generator in specs and the CLI', () => {
  const tutorial = fixtures.blobs[0];

  it('lrlab\'s own blobs specs keep their keys (no generator, no randomState), so their trial ids stay', () => {
    expect(validateDataSpec({ name: 'blobs', seed: 2 })).toEqual({ name: 'blobs', samples: 100, centers: 3, features: 2, clusterStd: 1, centerBox: [-10, 10], seed: 2 });
    expect(validateDataSpec(SKLEARN_TUTORIAL_DATA)).toMatchObject({ generator: 'sklearn', randomState: 2 });
  });

  it('refuses a bad generator, randomState without it, and seeds numpy refuses', () => {
    expectError(thrown(() => validateDataSpec({ name: 'blobs', generator: 'numpy' })), 'UNKNOWN_OPTION', 'data.generator', 'lrlab');
    expectError(thrown(() => validateDataSpec({ name: 'blobs', randomState: 2 })), 'INVALID_OPTION', 'data.randomState', 'generator "sklearn"');
    expectError(thrown(() => validateDataSpec({ name: 'blobs', generator: 'sklearn', randomState: -1 })), 'INVALID_OPTION', 'data.randomState');
    expectError(thrown(() => validateDataSpec({ name: 'blobs', generator: 'sklearn', randomState: [] })), 'INVALID_OPTION', 'data.randomState');
    expectError(thrown(() => validateDataSpec({ name: 'blobs', generator: 'sklearn', randomState: [1, 2 ** 32] })), 'INVALID_OPTION', 'data.randomState[1]');
  });

  it('--data sklearn-blobs is the tutorial\'s make_blobs(1000, 3, 2, cluster_std=2, random_state=2), point for point', async () => {
    const spec = await experimentFromFlags({ data: 'sklearn-blobs' });
    expect(spec.data).toEqual(SKLEARN_TUTORIAL_DATA);
    expect(spec.model.inputs).toBe(2);
    expect(spec.model.layers.at(-1)!.units).toBe(3);
    const ds = await loadData(spec.data);
    expect(differences(ds.x.data, tutorial.x.map(Math.fround))).toEqual([]);
    expect(Array.from(ds.labels!)).toEqual(tutorial.y);
  });

  it('lrlab train --data sklearn-blobs trains on those points: its losses equal an in-process run on the fixture\'s rows', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lrlab-sklearn-'));
    try {
      const run = await lrlab(['train', '--data', 'sklearn-blobs', '--epochs', '2', '--out', dir]);
      expect(run.code, run.stderr).toBe(0);
      const { history } = JSON.parse(await readFile(join(dir, 'history.json'), 'utf8')) as { history: { loss: number[] } };
      const spec = await experimentFromFlags({ data: 'sklearn-blobs', epochs: '2' });
      const fromFixture = { ...spec, data: { ...SKLEARN_TUTORIAL_DATA } };
      const { history: expected } = await runExperiment(fromFixture);
      expect(history.loss).toEqual(expected.loss);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
