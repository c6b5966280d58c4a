// The model file carries the preprocessing of its training data, and
// Model.predict applies it to raw rows: a Matrix, arrays or objects keyed by
// feature name give the same bits as the prepared matrix with { prepared: true }.
// A file saved before the preprocessing was recorded still loads and predicts.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCsv, standardize, trainTestSplit } from '../bindings/data/index.js';
import { runExperiment, type ExperimentSpec } from '../bindings/experiment.js';
import { Model } from '../bindings/model.js';
import { decodeModel, encodeModel } from '../bindings/serialize.js';
import type { BackendKind } from '../bindings/backend/index.js';
import { ANIMAL_FEATURES, animalsCsv } from './helpers/animals-csv.js';
import { expectError, rejected, thrown } from './helpers/errors.js';

const sameBits = (a: Float32Array, b: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

let tmp: string;
let csvPath: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'lrlab-preprocessing-'));
  csvPath = join(tmp, 'animals.csv');
  await writeFile(csvPath, animalsCsv(60));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const spec = (backend: BackendKind): ExperimentSpec => ({
  data: { name: 'csv', path: csvPath }, split: { testFraction: 0.25, seed: 1 }, standardize: true, backend,
  model: { inputs: 3, layers: [{ units: 6, activation: 'relu' }, { units: 3, activation: 'softmax' }], loss: 'categorical_crossentropy' },
  optimizer: { name: 'sgd', lr: 0.1, momentum: 0.9 }, epochs: 3, batchSize: 8, seed: 2,
});

describe.each(['wasm', 'js'] as const)('Model.predict on raw rows (%s backend)', (backend) => {
  it('a Matrix, arrays and objects by name give the bits of the prepared matrix; the file keeps it all', async () => {
    const { model } = await runExperiment(spec(backend));
    const raw = await loadCsv(csvPath);
    const { train, test } = trainTestSplit(raw, { testFraction: 0.25, seed: 1 });
    const prepared = standardize(train, test).test!;
    const rawTest = test; // the same rows, unscaled
    const expected = model.predict(prepared.x, { prepared: true }).data;
    expect(sameBits(model.predict(rawTest.x).data, expected)).toBe(true);
    const arrays = Array.from({ length: rawTest.x.rows }, (_, i) => Array.from(rawTest.x.data.subarray(i * 3, i * 3 + 3)));
    expect(sameBits(model.predict(arrays).data, expected)).toBe(true);
    // Objects in another key order, with the label column present: found by name.
    const objects = arrays.map(([length_mm, weight_kg, temperature]) => ({ species: 'cat', temperature, weight_kg, length_mm }));
    expect(sameBits(model.predict(objects).data, expected)).toBe(true);
    // Without `prepared`, already-standardized rows would be standardized twice: not the same outputs.
    expect(sameBits(model.predict(prepared.x).data, expected)).toBe(false);

    const loaded = await Model.load(model.save(), { backend });
    expect(loaded.preprocessing).toEqual(model.preprocessing);
    expect(sameBits(loaded.predict(objects).data, expected)).toBe(true);
  });
});

describe('preprocessing records and refusals', () => {
  it('a generator records x1…xn and class indices; regression records its target columns', async () => {
    const { model } = await runExperiment({
      data: { name: 'moons', samples: 40 }, epochs: 1,
      model: { inputs: 2, layers: [{ units: 2, activation: 'softmax' }], loss: 'categorical_crossentropy' }, optimizer: { name: 'sgd' },
    });
    expect(model.preprocessing).toEqual({ features: ['x1', 'x2'], target: { kind: 'classes', columns: ['y'], classes: ['0', '1'] } });
    const regression = join(tmp, 'regression.csv');
    await writeFile(regression, 'a,b,price\n1,2,3.5\n2,1,0.25\n3,3,1.5\n');
    const reg = await runExperiment({
      data: { name: 'csv', path: regression }, epochs: 1, standardize: true,
      model: { inputs: 2, layers: [{ units: 1 }], loss: 'mse' }, optimizer: { name: 'sgd' },
    });
    expect(reg.model.preprocessing!.target).toEqual({ kind: 'regression', columns: ['price'] });
    expect(reg.model.preprocessing!.features).toEqual(['a', 'b']);
  });

  it('refuses rows that do not fit, naming the row and the feature', async () => {
    const { model } = await runExperiment(spec('wasm'));
    expectError(thrown(() => model.predict([{ length_mm: 1, weight_kg: 2 }])), 'INVALID_DATA', 'x[0].temperature', 'is missing');
    expectError(thrown(() => model.predict([{ length_mm: 1, weight_kg: 2, temperature: 3, colour: 1 }])), 'UNKNOWN_OPTION', 'x[0].colour', ANIMAL_FEATURES.join(', '));
    expectError(thrown(() => model.predict([[1, 2]])), 'SHAPE_MISMATCH', 'x[0].length', '(3)');
    expectError(thrown(() => model.predict([[1, 2, Number.NaN]])), 'INVALID_DATA', 'x[0][2]', 'finite');
    expectError(thrown(() => model.predict([[1, 2, 3]], { raw: true } as never)), 'UNKNOWN_OPTION', 'options.raw');
    expectError(thrown(() => { model.preprocessing = { ...model.preprocessing!, features: ['a', 'b'] }; }), 'SHAPE_MISMATCH', 'preprocessing.features', '(3)');
    const pre = model.preprocessing!;
    expectError(thrown(() => { model.preprocessing = { ...pre, standardize: { mean: [0, 0, 0], std: [1, 0, 1] } }; }), 'INVALID_OPTION', 'preprocessing.standardize.std[1]', '> 0');
  });

  it('a file whose preprocessing does not fit its network is refused on load', async () => {
    const { model } = await runExperiment(spec('wasm'));
    const state = decodeModel(model.save());
    state.header.preprocessing!.target = { kind: 'classes', columns: ['species'], classes: ['a', 'b'] };
    expectError(await rejected(() => Model.load(encodeModel(state))), 'SHAPE_MISMATCH', 'bytes.preprocessing.target.classes', '(3)');
  });
});

describe('a model file saved before the preprocessing was recorded', () => {
  const bytes = new Uint8Array(readFileSync(new URL('fixtures/model-before-preprocessing.lrlab', import.meta.url)));

  it('loads, has no preprocessing, predicts as the same weights do, and saves and loads again', async () => {
    expect(decodeModel(bytes).header).not.toHaveProperty('preprocessing');
    const model = await Model.load(bytes);
    expect(model.preprocessing).toBeUndefined();
    expect(model.epochsTrained).toBe(2);
    const fresh = await Model.create({ model: model.spec, optimizer: decodeModel(bytes).header.optimizer });
    fresh.setWeights(model.getWeights());
    const x = { data: Float32Array.from([0.5, -1, 2, 3, 0, -0.25]), rows: 2, cols: 3 };
    expect(sameBits(model.predict(x).data, fresh.predict(x).data)).toBe(true);
    expect(sameBits(model.predict(x).data, model.predict(x, { prepared: true }).data)).toBe(true);
    // Saved again (in today's format, which other fields may have joined), it still has no preprocessing and the same weights.
    const again = await Model.load(model.save());
    expect(again.preprocessing).toBeUndefined();
    expect(sameBits(again.getWeights(), model.getWeights())).toBe(true);
  });
});
