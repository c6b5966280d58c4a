/**
 * TensorFlow.js peers: the same Keras-style model trained with tf.layers
 * model.fit on the 'wasm' backend (XNNPACK, SIMD, one thread in Node) or the
 * 'cpu' backend (plain JS). tfjs-node cannot be installed here (it downloads
 * a native binary), so these are the TF.js backends a Node user can actually get.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { ModelSpec, OptimizerSpec } from '../../bindings/index.js';
import type { Dataset } from '../../bindings/types.js';

type Tf = typeof import('@tensorflow/tfjs');
let tfPromise: Promise<Tf> | undefined;

async function loadTf(): Promise<Tf> {
  const tf = await import('@tensorflow/tfjs');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const require = createRequire(import.meta.url);
  wasm.setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + '/');
  await import('@tensorflow/tfjs-backend-cpu');
  return tf;
}

export async function tfjs(backend: 'wasm' | 'cpu'): Promise<Tf> {
  tfPromise ??= loadTf();
  const tf = await tfPromise;
  if (tf.getBackend() !== backend) {
    if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} did not load`);
    await tf.ready();
  }
  return tf;
}

const ACTIVATION: Record<string, string> = { relu: 'relu', linear: 'linear', softmax: 'softmax', sigmoid: 'sigmoid', tanh: 'tanh', elu: 'elu' };
const INIT: Record<string, string> = { he_uniform: 'heUniform', glorot_uniform: 'glorotUniform', he_normal: 'heNormal', glorot_normal: 'glorotNormal', zeros: 'zeros' };

/** Builds and compiles the tf.layers equivalent of an lrlab spec. */
export function buildTfModel(tf: Tf, spec: ModelSpec, optimizer: OptimizerSpec) {
  const model = tf.sequential();
  spec.layers.forEach((layer, i) => {
    model.add(tf.layers.dense({
      units: layer.units,
      activation: ACTIVATION[layer.activation ?? 'linear'] as 'relu',
      kernelInitializer: INIT[layer.init ?? 'glorot_uniform'] as 'heUniform',
      ...(i === 0 ? { inputShape: [spec.inputs] } : {}),
    }));
  });
  const lr = optimizer.lr ?? 0.01;
  const opt = optimizer.name === 'adam' ? tf.train.adam(lr) : optimizer.momentum ? tf.train.momentum(lr, optimizer.momentum) : tf.train.sgd(lr);
  model.compile({ optimizer: opt, loss: spec.loss === 'categorical_crossentropy' ? 'categoricalCrossentropy' : 'meanSquaredError' });
  return model;
}

/** Trains a fresh tf model on the data; returns the final training loss. */
export async function tfFit(backend: 'wasm' | 'cpu', spec: ModelSpec, optimizer: OptimizerSpec, data: Dataset, epochs: number, batchSize: number): Promise<number> {
  const tf = await tfjs(backend);
  const model = buildTfModel(tf, spec, optimizer);
  const xs = tf.tensor2d(data.x.data, [data.x.rows, data.x.cols]);
  const ys = tf.tensor2d(data.y.data, [data.y.rows, data.y.cols]);
  const history = await model.fit(xs, ys, { epochs, batchSize, shuffle: true, verbose: 0 });
  xs.dispose();
  ys.dispose();
  model.dispose();
  const losses = history.history.loss as number[];
  return losses[losses.length - 1];
}
