// lrlab export and lrlab import as a user runs them: a saved model exported to
// TF.js (loaded by tf.loadLayersModel) and to ONNX (run by onnxruntime-web)
// predicts as lrlab does; the TF.js export imported back gives the same weights
// and preprocessing; a model the format cannot express is refused, nothing written.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Model } from '../bindings/model.js';
import { createRng } from '../bindings/random.js';
import { lrlab } from './helpers/cli.js';
import { fromFiles, relativeError } from './helpers/tfjs-files.js';

let tmp: string;
let model: Model;
beforeAll(async () => {
  await tf.setBackend('cpu');
  ort.env.wasm.numThreads = 1;
  tmp = await mkdtemp(join(tmpdir(), 'lrlab-cli-export-'));
  model = await Model.create({
    model: { inputs: 3, layers: [{ units: 8, activation: 'leaky_relu' }, { units: 2, activation: 'softmax' }], loss: 'categorical_crossentropy' },
    optimizer: { name: 'adam' }, seed: 9,
  });
  model.preprocessing = { features: ['a', 'b', 'c'], standardize: { mean: [10, 20, 30], std: [1, 2, 3] }, target: { kind: 'classes', columns: ['k'], classes: ['no', 'yes'] } };
  await writeFile(join(tmp, 'model.lrlab'), model.save());
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const rng = createRng(1);
const raw = { data: Float32Array.from({ length: 300 }, () => 20 + 10 * rng.normal()), rows: 100, cols: 3 };

describe('lrlab export / import', () => {
  it('--format tfjs and --format onnx write files their runtimes read, predicting as lrlab does; import gives the model back', async () => {
    const [tfjs, onnx] = await Promise.all([
      lrlab(['export', '--model', join(tmp, 'model.lrlab'), '--format', 'tfjs', '--out', join(tmp, 'tfjs')]),
      lrlab(['export', '--model', join(tmp, 'model.lrlab'), '--format', 'onnx', '--out', join(tmp, 'onnx')]),
    ]);
    expect(tfjs.code, tfjs.stderr).toBe(0);
    expect(onnx.code, onnx.stderr).toBe(0);
    const loaded = await tf.loadLayersModel(fromFiles(join(tmp, 'tfjs', 'model.json')));
    const prepared = model.predict(raw).data; // TF.js takes prepared rows: standardize as predict does
    const standardized = tf.tensor2d(raw.data, [100, 3]).sub([10, 20, 30]).div([1, 2, 3]);
    expect(relativeError((loaded.predict(standardized) as tf.Tensor).dataSync(), prepared)).toBeLessThan(1e-6);
    const session = await ort.InferenceSession.create(new Uint8Array(await readFile(join(tmp, 'onnx', 'model.onnx'))));
    const out = await session.run({ x: new ort.Tensor('float32', raw.data, [100, 3]) });
    expect(relativeError(out.y.data as Float32Array, prepared)).toBeLessThan(1e-6);

    const back = await lrlab(['import', '--format', 'tfjs', '--model', join(tmp, 'tfjs', 'model.json'), '--out', join(tmp, 'back.lrlab'), '--optimizer', 'adam', '--lr', '0.01']);
    expect(back.code, back.stderr).toBe(0);
    const imported = await Model.load(new Uint8Array(await readFile(join(tmp, 'back.lrlab'))));
    expect(Buffer.from(imported.getWeights().buffer).equals(Buffer.from(model.getWeights().buffer))).toBe(true);
    expect(imported.preprocessing).toEqual(model.preprocessing);
    expect(imported.spec).toEqual(model.spec);
    expect(imported.optimizer.lr).toBe(0.01);
  });

  it('never replaces an earlier export or model file without --overwrite: exit 2, one line naming the file, bytes unchanged', async () => {
    const out = join(tmp, 'again');
    const exportArgs = ['export', '--model', join(tmp, 'model.lrlab'), '--format', 'onnx', '--out', out];
    expect((await lrlab(exportArgs)).code).toBe(0);
    await writeFile(join(out, 'model.onnx'), 'an earlier export');
    const refused = await lrlab(exportArgs);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^lrlab: --out: already exists: pass --overwrite to replace it.*model\.onnx/);
    expect(refused.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(await readFile(join(out, 'model.onnx'), 'utf8')).toBe('an earlier export');
    expect((await lrlab([...exportArgs, '--overwrite'])).code).toBe(0);
    expect(await readFile(join(out, 'model.onnx'), 'utf8')).not.toBe('an earlier export');

    const tfjsDir = join(tmp, 'again-tfjs');
    expect((await lrlab(['export', '--model', join(tmp, 'model.lrlab'), '--format', 'tfjs', '--out', tfjsDir])).code).toBe(0);
    const target = join(tmp, 'kept.lrlab');
    await writeFile(target, 'an earlier model');
    const importArgs = ['import', '--format', 'tfjs', '--model', join(tfjsDir, 'model.json'), '--out', target];
    const kept = await lrlab(importArgs);
    expect(kept.code).toBe(2);
    expect(kept.stderr).toMatch(/^lrlab: --out: already exists: pass --overwrite/);
    expect(await readFile(target, 'utf8')).toBe('an earlier model');
    expect((await lrlab([...importArgs, '--overwrite'])).code).toBe(0);
    expect((await Model.load(new Uint8Array(await readFile(target)))).paramCount).toBe(model.paramCount);
  });

  it('refuses what TF.js cannot express (elu with alpha 0.5), exit 2, one line, nothing written', async () => {
    const elu = await Model.create({ model: { inputs: 2, layers: [{ units: 2, activation: 'elu', alpha: 0.5 }], loss: 'mse' } });
    await writeFile(join(tmp, 'elu.lrlab'), elu.save());
    const run = await lrlab(['export', '--model', join(tmp, 'elu.lrlab'), '--format', 'tfjs', '--out', join(tmp, 'elu-tfjs')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^lrlab: model\.layers\[0\]\.activation: cannot be exported to TF\.js: its ELU supports only alpha 1/);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(existsSync(join(tmp, 'elu-tfjs'))).toBe(false);
  });
});
