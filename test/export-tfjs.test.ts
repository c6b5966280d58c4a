// The TensorFlow.js Layers format, checked by TF.js itself: tf.loadLayersModel
// reads lrlab's model.json + weights.bin, and its predictions on 100 rows are
// within 1e-6 of lrlab's for every activation (normwise: max |Δ| / max |output|). A Layers model made by TF.js is
// imported, trained one epoch in lrlab, exported again and still loads in TF.js.
// What the format cannot express is refused with an LrlabError.
import { mkdtemp, rm, writeFile, mkdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIVATIONS, type Activation, type LayerSpec } from '../bindings/spec.js';
import { fromTfjs } from '../bindings/formats/tfjs-import.js';
import { Model } from '../bindings/model.js';
import { createRng } from '../bindings/random.js';
import type { TfjsArtifacts } from '../bindings/formats/tfjs-export.js';
import type { Dataset, Matrix } from '../bindings/types.js';
import { expectError, rejected, thrown } from './helpers/errors.js';
import { fromFiles, relativeError, saveToFiles } from './helpers/tfjs-files.js';

let tmp: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  tmp = await mkdtemp(join(tmpdir(), 'lrlab-tfjs-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function rows(n: number, cols: number, seed: number): Matrix {
  const rng = createRng(seed);
  return { data: Float32Array.from({ length: n * cols }, () => rng.normal()), rows: n, cols };
}

function dataset(n: number, inputs: number, outputs: number, seed: number): Dataset {
  const x = rows(n, inputs, seed);
  const y = new Float32Array(n * outputs);
  for (let i = 0; i < n; i++) y[i * outputs + (i % outputs)] = 1;
  return { x, y: { data: y, rows: n, cols: outputs } };
}

async function writeArtifacts(artifacts: TfjsArtifacts, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'weights.bin'), artifacts.weights);
  await writeFile(join(dir, 'model.json'), JSON.stringify(artifacts.modelJson));
  return join(dir, 'model.json');
}

function tfPredict(model: tf.LayersModel, x: Matrix): Float32Array {
  return tf.tidy(() => (model.predict(tf.tensor2d(x.data, [x.rows, x.cols])) as tf.Tensor).dataSync() as Float32Array);
}

describe('lrlab → TF.js Layers: tf.loadLayersModel predicts as lrlab does', () => {
  it.each(ACTIVATIONS.map((a) => [a]))('%s in every layer: within 1e-6 on 100 rows', async (activation: Activation) => {
    const layers: LayerSpec[] = [{ units: 16, activation }, { units: 8, activation }, { units: 3, activation }];
    const model = await Model.create({ model: { inputs: 5, layers, loss: 'mse' }, optimizer: { name: 'adam', lr: 0.01 }, seed: 11 });
    await model.fit(dataset(64, 5, 3, 1), { epochs: 2, batchSize: 16 }); // trained weights, not only the initial draw
    const path = await writeArtifacts(model.toTfjs(), join(tmp, `act-${activation}`));
    const loaded = await tf.loadLayersModel(fromFiles(path));
    const x = rows(100, 5, 2);
    const ours = model.predict(x).data, theirs = tfPredict(loaded, x);
    expect(theirs).toHaveLength(300);
    expect(relativeError(theirs, ours)).toBeLessThan(1e-6);
    loaded.dispose();
  });

  it('keeps the loss and the preprocessing in userDefinedMetadata, and TF.js hands them back', async () => {
    const model = await Model.create({ model: { inputs: 2, layers: [{ units: 2, activation: 'softmax' }], loss: 'categorical_crossentropy' } });
    model.preprocessing = { features: ['a', 'b'], standardize: { mean: [1, 2], std: [3, 4] }, target: { kind: 'classes', columns: ['c'], classes: ['no', 'yes'] } };
    const loaded = await tf.loadLayersModel(fromFiles(await writeArtifacts(model.toTfjs(), join(tmp, 'meta'))));
    expect(loaded.getUserDefinedMetadata()).toEqual({ lrlab: { loss: 'categorical_crossentropy', preprocessing: model.preprocessing } });
    loaded.dispose();
  });

  it('refuses what the format cannot express: elu with alpha ≠ 1, the optimizer state', async () => {
    const elu = await Model.create({ model: { inputs: 2, layers: [{ units: 3, activation: 'elu', alpha: 0.5 }, { units: 1 }], loss: 'mse' } });
    expectError(thrown(() => elu.toTfjs()), 'INVALID_OPTION', 'model.layers[0].activation', 'ELU supports only alpha 1');
    const model = await Model.create({ model: { inputs: 2, layers: [{ units: 1 }], loss: 'mse' } });
    expectError(thrown(() => model.toTfjs({ includeOptimizer: true })), 'INVALID_OPTION', 'includeOptimizer', "optimizers' state");
  });
});

describe('TF.js Layers → lrlab → TF.js', () => {
  it('a model made by TF.js imports with its predictions, trains one epoch in lrlab, and exports back to TF.js', async () => {
    const made = tf.sequential({
      layers: [
        tf.layers.dense({ units: 12, inputShape: [4], activation: 'tanh' }),
        tf.layers.dense({ units: 10 }), tf.layers.leakyReLU({ alpha: 0.1 }),
        tf.layers.dense({ units: 3, activation: 'softmax' }),
      ],
    });
    made.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const dir = join(tmp, 'made-by-tfjs');
    await saveToFiles(made, dir);
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    const model = await fromTfjs(json, new Uint8Array(await readFile(join(dir, 'weights.bin'))), { optimizer: { name: 'sgd', lr: 0.05 } });
    expect(model.spec.layers.map((l) => [l.units, l.activation])).toEqual([[12, 'tanh'], [10, 'leaky_relu'], [3, 'softmax']]);
    expect(model.spec.layers[1].alpha).toBeCloseTo(0.1, 7);
    expect(model.spec.loss).toBe('categorical_crossentropy');
    const x = rows(100, 4, 5);
    expect(relativeError(model.predict(x).data, tfPredict(made, x))).toBeLessThan(1e-6);

    const before = model.getWeights();
    const history = await model.fit(dataset(60, 4, 3, 6), { epochs: 1, batchSize: 10 });
    expect(history.status).toBe('completed');
    expect(model.getWeights()).not.toEqual(before);
    const again = await tf.loadLayersModel(fromFiles(await writeArtifacts(model.toTfjs(), join(tmp, 'trained-in-lrlab'))));
    expect(relativeError(tfPredict(again, x), model.predict(x).data)).toBeLessThan(1e-6);
    made.dispose();
    again.dispose();
  });

  it('refuses layers that are not a Dense chain, naming the layer', async () => {
    const conv = { modelTopology: { class_name: 'Sequential', config: { layers: [{ class_name: 'Dense', config: { units: 2, batch_input_shape: [null, 3] } }, { class_name: 'Dropout', config: { rate: 0.5 } }] } }, weightsManifest: [] };
    expectError(await rejected(() => fromTfjs(conv, new Uint8Array())), 'UNKNOWN_OPTION', 'modelJson.modelTopology.config.layers[1].class_name', 'only Dense networks');
    const noBias = { modelTopology: { class_name: 'Sequential', config: { layers: [{ class_name: 'Dense', config: { units: 2, use_bias: false, batch_input_shape: [null, 3] } }] } }, weightsManifest: [] };
    expectError(await rejected(() => fromTfjs(noBias, new Uint8Array())), 'INVALID_OPTION', 'modelJson.modelTopology.config.layers[0].config.use_bias');
    const functional = { modelTopology: { class_name: 'Model', config: {} } };
    expectError(await rejected(() => fromTfjs(functional, new Uint8Array())), 'INVALID_OPTION', 'modelJson.modelTopology.class_name', 'Sequential');
  });
});
