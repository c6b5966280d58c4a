// Train on a CSV with named classes and unscaled features (lrlab train, one
// process), score the raw CSV (lrlab predict, another process), and compare with
// what evaluate saw in training: the same prepared test rows give the same
// probabilities, bit for bit on the wasm backend, the same accuracy and the
// same loss. A CSV whose columns differ from the model's is refused, naming the column.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCsv, standardize, trainTestSplit } from '../bindings/data/index.js';
import { Model } from '../bindings/model.js';
import type { TrialResult } from '../bindings/sweep/types.js';
import { ANIMAL_CLASSES, ANIMAL_FEATURES, animalsCsv } from './helpers/animals-csv.js';
import { lrlab } from './helpers/cli.js';

let tmp: string;
let csvPath: string;
let modelPath: string;
let trained: TrialResult;
const TEST_FRACTION = 0.3;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'lrlab-predict-'));
  csvPath = join(tmp, 'animals.csv');
  await writeFile(csvPath, animalsCsv());
  // The test rows are the file's last 30 % (no shuffle), so their predictions can be found in the output.
  const spec = {
    data: { name: 'csv', path: csvPath }, split: { testFraction: TEST_FRACTION, shuffle: false }, standardize: true,
    model: { inputs: 3, layers: [{ units: 12, activation: 'tanh' }, { units: 3, activation: 'softmax' }], loss: 'categorical_crossentropy' },
    optimizer: { name: 'adam', lr: 0.02 }, epochs: 15, batchSize: 16, seed: 3,
  };
  await writeFile(join(tmp, 'spec.json'), JSON.stringify(spec));
  const run = await lrlab(['train', '--spec', join(tmp, 'spec.json'), '--out', join(tmp, 'run')]);
  expect(run.code, run.stderr).toBe(0);
  modelPath = join(tmp, 'run', 'model.lrlab');
  trained = JSON.parse(await readFile(join(tmp, 'run', 'history.json'), 'utf8'));
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** The predictions file: header and rows of [class, ...probabilities]. */
function parsePredictions(text: string): { header: string[]; rows: string[][] } {
  const lines = text.trimEnd().split('\n').map((l) => l.split(','));
  return { header: lines[0], rows: lines.slice(1) };
}

/** The test rows exactly as training prepared them: split, then standardized with the training rows' statistics. */
async function preparedTestRows() {
  const data = await loadCsv(csvPath);
  const { train, test } = trainTestSplit(data, { testFraction: TEST_FRACTION, shuffle: false });
  return { data, test: standardize(train, test).test! };
}

describe('lrlab predict on the raw CSV a model was trained on', () => {
  it('the model file holds the feature names, the standardization and the class names', async () => {
    const model = await Model.load(new Uint8Array(await readFile(modelPath)));
    const pre = model.preprocessing!;
    expect(pre.features).toEqual(ANIMAL_FEATURES);
    expect(pre.target).toEqual({ kind: 'classes', columns: ['species'], classes: [...ANIMAL_CLASSES].sort() });
    const { data } = await preparedTestRows();
    const { train } = trainTestSplit(data, { testFraction: TEST_FRACTION, shuffle: false });
    const { mean, std } = standardize(train);
    expect(pre.standardize).toEqual({ mean: Array.from(mean), std: Array.from(std) });
    expect(mean[0]).toBeGreaterThan(900); // unscaled: standardizing matters
  });

  it('gives, for the test rows, the probabilities evaluate saw, bit for bit, and the same accuracy and loss', async () => {
    const run = await lrlab(['predict', '--model', modelPath, '--data', csvPath, '--out', join(tmp, 'preds.csv')]);
    expect(run.code, run.stderr).toBe(0);
    const { header, rows } = parsePredictions(await readFile(join(tmp, 'preds.csv'), 'utf8'));
    expect(header).toEqual(['species', 'p_bird', 'p_cat', 'p_dog']);
    expect(rows).toHaveLength(150);

    const { data, test } = await preparedTestRows();
    const model = await Model.load(new Uint8Array(await readFile(modelPath)));
    // evaluate on these prepared rows in this process is what train reported for its test set, to the bit.
    const evaluation = model.evaluate(test);
    expect(evaluation.loss).toBe(trained.test!.loss);
    expect(evaluation.accuracy).toBe(trained.test!.accuracy);
    const seen = model.predict(test.x, { prepared: true });
    const testRows = rows.slice(150 - test.x.rows);
    const probabilities = Float32Array.from(testRows.flatMap((r) => r.slice(1).map(Number)));
    expect(Buffer.from(probabilities.buffer).equals(Buffer.from(seen.data.buffer))).toBe(true);

    // The predicted names are the argmax, and they score the accuracy train reported; the loss is -mean log p(true class).
    const classes = model.preprocessing!.target.kind === 'classes' ? model.preprocessing!.target.classes : [];
    let correct = 0, loss = 0;
    testRows.forEach((r, i) => {
      const p = r.slice(1).map(Number);
      expect(r[0]).toBe(classes[p.indexOf(Math.max(...p))]);
      const truth = test.labels![i];
      if (r[0] === classes[truth]) correct++;
      loss -= Math.log(p[truth]);
    });
    expect(correct / test.x.rows).toBe(trained.test!.accuracy);
    expect(Math.abs(loss / test.x.rows - trained.test!.loss)).toBeLessThan(1e-5 * trained.test!.loss);
    expect(data.classNames).toEqual(classes);
  });

  it('scores a file without the label column, with its columns in another order, the same', async () => {
    const lines = animalsCsv().trimEnd().split('\n').map((l) => l.split(','));
    await writeFile(join(tmp, 'unlabelled.csv'), lines.map((c) => [c[2], c[0], c[1]].join(',')).join('\n') + '\n');
    const [full, unlabelled] = await Promise.all([
      lrlab(['predict', '--model', modelPath, '--data', csvPath]),
      lrlab(['predict', '--model', modelPath, '--data', join(tmp, 'unlabelled.csv')]),
    ]);
    expect(unlabelled.code, unlabelled.stderr).toBe(0);
    expect(unlabelled.stdout).toBe(full.stdout);
  });

  it('refuses a CSV with a missing or an extra column, naming it (exit 2, one line, nothing written)', async () => {
    const lines = animalsCsv(10).trimEnd().split('\n').map((l) => l.split(','));
    await writeFile(join(tmp, 'missing.csv'), lines.map((c) => [c[0], c[2], c[3]].join(',')).join('\n') + '\n');
    await writeFile(join(tmp, 'extra.csv'), lines.map((c, i) => [...c, i === 0 ? 'colour' : '1'].join(',')).join('\n') + '\n');
    const out = join(tmp, 'refused.csv');
    const missing = await lrlab(['predict', '--model', modelPath, '--data', join(tmp, 'missing.csv'), '--out', out]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^lrlab: \S*missing\.csv column "weight_kg": is missing from the header/);
    expect(missing.stderr.trimEnd().split('\n')).toHaveLength(1);
    const extra = await lrlab(['predict', '--model', modelPath, '--data', join(tmp, 'extra.csv'), '--out', out]);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toMatch(/^lrlab: \S*extra\.csv column 5: is not a column of the model \(extra column\).*Received: .*="colour"/);
    await expect(readFile(out)).rejects.toThrow(/ENOENT/);
  });
});
