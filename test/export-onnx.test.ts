// ONNX export, read by onnxruntime-web (its pure-wasm build, in Node): for
// every activation, with the standardization in the graph, its outputs on 100
// raw rows are within 1e-6 of lrlab's predict (normwise). The protobuf encoder
// is checked against the encoding guide's examples and by decoding the model
// with onnxruntime-web's own generated ONNX schema (protobufjs).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { varintBytes, varintField, stringField, floatField, packedField, messageField } from '../bindings/formats/protobuf.js';
import { Model } from '../bindings/model.js';
import { createRng } from '../bindings/random.js';
import { ACTIVATIONS, type Activation } from '../bindings/spec.js';
import type { Matrix } from '../bindings/types.js';
import { expectError, thrown } from './helpers/errors.js';
import { relativeError } from './helpers/tfjs-files.js';
import { ROOT } from './helpers/cli.js';

const require = createRequire(import.meta.url);
// onnxruntime-web ships the ONNX schema compiled by protobufjs: an independent decoder of what lrlab writes.
const { onnx } = require(join(ROOT, 'node_modules/onnxruntime-web/lib/onnxjs/ort-schema/protobuf/onnx.js'));

beforeAll(() => {
  ort.env.wasm.numThreads = 1; // no worker threads in the test process
});

function rows(n: number, cols: number, seed: number): Matrix {
  const rng = createRng(seed);
  return { data: Float32Array.from({ length: n * cols }, () => rng.normal()), rows: n, cols };
}

async function run(bytes: Uint8Array, x: Matrix): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  const out = await session.run({ x: new ort.Tensor('float32', x.data, [x.rows, x.cols]) });
  await session.release();
  return out.y.data as Float32Array;
}

describe('protobuf encoding', () => {
  it('matches the encoding guide: 150 in field 1, "testing" in field 2, packed [3, 270, 86942] in field 4', () => {
    expect(Buffer.from(varintField(1, 150)).toString('hex')).toBe('089601');
    expect(Buffer.from(stringField(2, 'testing')).toString('hex')).toBe('120774657374696e67');
    expect(Buffer.from(packedField(4, [3, 270, 86942])).toString('hex')).toBe('2206038e029ea705');
    expect(Buffer.from(messageField(3, [varintField(1, 150)])).toString('hex')).toBe('1a03089601'); // the guide's embedded message
    expect(Buffer.from(floatField(2, 1)).toString('hex')).toBe('150000803f');
    expect(Buffer.from(varintBytes(2 ** 53 - 1)).toString('hex')).toBe('ffffffffffffff0f');
    expect(() => varintBytes(-1)).toThrow(RangeError);
  });

  it('an exported model decodes with the ONNX schema into the graph described', async () => {
    const model = await Model.create({ model: { inputs: 3, layers: [{ units: 4, activation: 'leaky_relu', alpha: 0.2 }, { units: 2, activation: 'softmax' }], loss: 'categorical_crossentropy' } });
    const decoded = onnx.ModelProto.decode(model.toOnnx());
    expect(Number(decoded.irVersion)).toBe(7);
    expect(decoded.opsetImport.map((o: { domain: string; version: unknown }) => [o.domain, Number(o.version)])).toEqual([['', 13]]);
    const graph = decoded.graph;
    expect(graph.node.map((n: { opType: string }) => n.opType)).toEqual(['Gemm', 'LeakyRelu', 'Gemm', 'Softmax']);
    expect(graph.node[1].attribute[0].name).toBe('alpha');
    expect(graph.node[1].attribute[0].f).toBeCloseTo(0.2, 7);
    expect(graph.initializer.map((t: { name: string; dims: unknown[] }) => [t.name, t.dims.map(Number)]))
      .toEqual([['dense_1/kernel', [3, 4]], ['dense_1/bias', [4]], ['dense_2/kernel', [4, 2]], ['dense_2/bias', [2]]]);
    const raw = graph.initializer[0].rawData as Uint8Array;
    expect(Array.from(new Float32Array(raw.slice().buffer))).toEqual(Array.from(model.getWeights().subarray(0, 12)));
    expect(graph.input[0].name).toBe('x');
    expect(graph.output[0].type.tensorType.shape.dim.map((d: { dimParam: string; dimValue: unknown }) => d.dimParam || Number(d.dimValue))).toEqual(['N', 2]);
    expect(JSON.parse(decoded.metadataProps[0].value)).toEqual({ loss: 'categorical_crossentropy' });
  });
});

describe('lrlab → ONNX → onnxruntime-web', () => {
  it.each(ACTIVATIONS.map((a) => [a]))('%s in every layer, standardization in the graph: within 1e-6 on 100 raw rows', async (activation: Activation) => {
    const layers = [{ units: 16, activation }, { units: 8, activation, alpha: activation === 'elu' ? 0.7 : 0.05 }, { units: 3, activation }];
    const model = await Model.create({ model: { inputs: 5, layers, loss: 'mse' }, optimizer: { name: 'adam', lr: 0.01 }, seed: 12 });
    const train = rows(64, 5, 3);
    const y = rows(64, 3, 4);
    await model.fit({ x: train, y }, { epochs: 2, batchSize: 16 });
    model.preprocessing = {
      features: ['a', 'b', 'c', 'd', 'e'], standardize: { mean: [100, -3, 0.5, 2e3, 0], std: [10, 0.1, 2, 500, 1] }, target: { kind: 'regression', columns: ['p', 'q', 'r'] },
    };
    // Raw, unscaled rows from the distribution those statistics describe.
    const { mean, std } = model.preprocessing.standardize!;
    const z = rows(100, 5, 5);
    const x = { ...z, data: z.data.map((v, i) => mean[i % 5] + std[i % 5] * v) };
    const ours = model.predict(x).data;
    expect(relativeError(await run(model.toOnnx(), x), ours)).toBeLessThan(1e-6);
  });

  it('without the standardization in the graph it takes prepared rows; the optimizer state is refused', async () => {
    const model = await Model.create({ model: { inputs: 2, layers: [{ units: 3, activation: 'tanh' }, { units: 2, activation: 'softmax' }], loss: 'categorical_crossentropy' }, seed: 2 });
    model.preprocessing = { features: ['a', 'b'], standardize: { mean: [5, 6], std: [2, 3] }, target: { kind: 'classes', columns: ['c'], classes: ['n', 'y'] } };
    const x = rows(100, 2, 6);
    expect(relativeError(await run(model.toOnnx({ standardize: false }), x), model.predict(x, { prepared: true }).data)).toBeLessThan(1e-6);
    expectError(thrown(() => model.toOnnx({ includeOptimizer: true })), 'INVALID_OPTION', 'includeOptimizer', 'optimizer state');
  });
});
