// Speed-ups of the strict wasm build must not change a single result bit: the
// kernels may be reorganised (blocking, packing, fused passes) only so that every
// f32 operation and its order stay the same. These SHA-256 digests of the trained
// weights, of the per-epoch losses and accuracies, and of the predictions were
// recorded from the build before the kernels were reworked for speed, and every
// later build must reproduce them. The configurations cover each activation,
// loss and optimizer, the narrow layers of the tutorial (2 in, 3 out), odd sizes
// that take every tail path of the products, short last batches, validation and
// predict. (The relaxed-SIMD build is outside this promise; the js backend's
// agreement with wasm is backend-agreement.test.ts.)
//
// To record the digests again (only when a change of result is intended):
//   GOLDEN=print npx vitest run test/golden-bits.test.ts --silent=false
import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import { Model, blobs, createRng, type Dataset, type ModelSpec, type OptimizerSpec } from '../bindings/index.js';

interface Case {
  name: string;
  model: ModelSpec;
  optimizer: OptimizerSpec;
  data: () => Dataset;
  epochs: number;
  batchSize: number;
  validation?: () => Dataset;
}

function regression(rows: number, inputs: number, outputs: number, seed: number, binary = false): Dataset {
  const rng = createRng(seed, 3);
  const x = Float32Array.from({ length: rows * inputs }, () => rng.normal());
  const y = new Float32Array(rows * outputs);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outputs; o++) {
      let s = 0;
      for (let i = 0; i < inputs; i++) s += x[r * inputs + i] * Math.sin(1 + i + 7 * o);
      y[r * outputs + o] = binary ? (s > 0 ? 1 : 0) : Math.tanh(s);
    }
  }
  return { x: { data: x, rows, cols: inputs }, y: { data: y, rows, cols: outputs } };
}

function classification(rows: number, inputs: number, classes: number, seed: number): Dataset {
  return blobs({ samples: rows, centers: classes, features: inputs, seed });
}

const CASES: Case[] = [
  {
    name: 'tutorial: 2 → 50 relu → 3 softmax, sgd momentum, batch 32',
    model: { inputs: 2, layers: [{ units: 50, activation: 'relu', init: 'he_uniform' }, { units: 3, activation: 'softmax' }], loss: 'categorical_crossentropy' },
    optimizer: { name: 'sgd', lr: 0.01, momentum: 0.9 },
    data: () => classification(500, 2, 3, 2), epochs: 6, batchSize: 32,
    validation: () => classification(97, 2, 3, 9),
  },
  {
    name: '40 → 64 relu → 33 relu → 10 softmax, adam, batch 24',
    model: {
      inputs: 40,
      layers: [{ units: 64, activation: 'relu', init: 'he_uniform' }, { units: 33, activation: 'relu', init: 'he_normal' }, { units: 10, activation: 'softmax' }],
      loss: 'categorical_crossentropy',
    },
    optimizer: { name: 'adam', lr: 0.003 },
    data: () => classification(150, 40, 10, 4), epochs: 3, batchSize: 24,
    validation: () => classification(61, 40, 10, 5),
  },
  {
    name: '100 → 136 relu → 10 softmax, adam, batch 64 (the MNIST benchmark\'s shape, smaller)',
    model: { inputs: 100, layers: [{ units: 136, activation: 'relu', init: 'he_uniform' }, { units: 10, activation: 'softmax' }], loss: 'categorical_crossentropy' },
    optimizer: { name: 'adam', lr: 0.001 },
    data: () => classification(200, 100, 10, 10), epochs: 2, batchSize: 64,
  },
  {
    name: '7 → 13 tanh → 9 sigmoid → 5 linear, mse, rmsprop centered',
    model: { inputs: 7, layers: [{ units: 13, activation: 'tanh' }, { units: 9, activation: 'sigmoid' }, { units: 5 }], loss: 'mse' },
    optimizer: { name: 'rmsprop', lr: 0.005, centered: true, momentum: 0.5 },
    data: () => regression(101, 7, 5, 1), epochs: 4, batchSize: 16,
  },
  {
    name: '5 → 17 elu → 11 leaky_relu → 2 tanh, mae, nadam',
    model: {
      inputs: 5,
      layers: [{ units: 17, activation: 'elu', alpha: 0.7 }, { units: 11, activation: 'leaky_relu', alpha: 0.2 }, { units: 2, activation: 'tanh' }],
      loss: 'mae',
    },
    optimizer: { name: 'nadam', lr: 0.01 },
    data: () => regression(77, 5, 2, 2), epochs: 4, batchSize: 10,
  },
  {
    name: '9 → 24 relu → 3 sigmoid, binary cross-entropy, adamw with clipNorm',
    model: { inputs: 9, layers: [{ units: 24, activation: 'relu', init: 'he_uniform' }, { units: 3, activation: 'sigmoid' }], loss: 'binary_crossentropy' },
    optimizer: { name: 'adamw', lr: 0.01, weightDecay: 0.05, clipNorm: 1 },
    data: () => regression(90, 9, 3, 3, true), epochs: 4, batchSize: 32,
    validation: () => regression(33, 9, 3, 4, true),
  },
  {
    name: '3 → 8 relu → 1 linear, mse, sgd nesterov with weight decay, batch 1',
    model: { inputs: 3, layers: [{ units: 8, activation: 'relu' }, { units: 1 }], loss: 'mse' },
    optimizer: { name: 'sgd', lr: 0.02, momentum: 0.9, nesterov: true, weightDecay: 1e-3, clipValue: 0.5 },
    data: () => regression(23, 3, 1, 5), epochs: 2, batchSize: 1,
  },
  {
    name: '12 → 20 relu → 6 softmax, adagrad, one batch of all rows',
    model: { inputs: 12, layers: [{ units: 20, activation: 'relu' }, { units: 6, activation: 'softmax' }], loss: 'categorical_crossentropy' },
    optimizer: { name: 'adagrad', lr: 0.05, initialAccumulator: 0.1 },
    data: () => classification(60, 12, 6, 6), epochs: 5, batchSize: 100,
  },
  {
    name: '6 → 10 sigmoid → 4 softmax, adamax, the first layer at half the LR',
    model: { inputs: 6, layers: [{ units: 10, activation: 'sigmoid', lrScale: 0.5 }, { units: 4, activation: 'softmax' }], loss: 'categorical_crossentropy' },
    optimizer: { name: 'adamax', lr: 0.02 },
    data: () => classification(64, 6, 4, 7), epochs: 3, batchSize: 8,
  },
  {
    name: '4 → 6 tanh → 2 softmax, adadelta, batch 5',
    model: { inputs: 4, layers: [{ units: 6, activation: 'tanh' }, { units: 2, activation: 'softmax' }], loss: 'categorical_crossentropy' },
    optimizer: { name: 'adadelta', lr: 1 },
    data: () => classification(41, 4, 2, 8), epochs: 3, batchSize: 5,
  },
];

const sha = (bytes: ArrayBufferView) => createHash('sha256').update(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)).digest('hex').slice(0, 24);

async function digest(c: Case): Promise<string> {
  const model = await Model.create({ model: c.model, optimizer: c.optimizer, seed: 3 });
  const validation = c.validation?.();
  const history = await model.fit(c.data(), { epochs: c.epochs, batchSize: c.batchSize, ...(validation ? { validationData: validation } : {}) });
  const curves = Float64Array.from([...history.loss, ...(history.accuracy ?? []), ...(history.valLoss ?? []), ...(history.valAccuracy ?? [])]);
  const probe = validation ?? c.data();
  const predicted = model.predict(probe.x, { prepared: true }).data;
  return [sha(model.getWeights()), sha(curves), sha(predicted)].join(' ');
}

// Recorded from the strict build as it was before the speed work (see the header).
const GOLDEN: Record<string, string> = {
  "tutorial: 2 → 50 relu → 3 softmax, sgd momentum, batch 32": 'f0f8ac83781aa72ebc97f5ac c819cbf0d5e3860a49780d6b 38ee3c7dbad7ebc9d898dd37',
  "40 → 64 relu → 33 relu → 10 softmax, adam, batch 24": '359a3978f5aef09703172fbe 659413668aa7c572c827f7a8 4ae26f1d4f87881019498f34',
  "100 → 136 relu → 10 softmax, adam, batch 64 (the MNIST benchmark's shape, smaller)": 'b1e8df56de407f8deec096fb 5804662425fc7dac375fd4e7 b0f1f01e3bac32270a002cf1',
  "7 → 13 tanh → 9 sigmoid → 5 linear, mse, rmsprop centered": '3ec1c5126a44ad6d20003aa2 f799dfc7635c15621ba6d330 5764f9c388c5fc4bbe6c1d72',
  "5 → 17 elu → 11 leaky_relu → 2 tanh, mae, nadam": '2510ce572945bde1a063bae7 b191fd097c30cee6f5be7397 2c4b485f73b75680f93c46bb',
  "9 → 24 relu → 3 sigmoid, binary cross-entropy, adamw with clipNorm": '1a4cfc7098e5504af0414459 ac1f259d3aac2d2f44df54a3 47b7e304ca2bce8c79d802ee',
  "3 → 8 relu → 1 linear, mse, sgd nesterov with weight decay, batch 1": 'ee78a9507a75ac899eaa6c38 7f0b86046ba4e8c75927245f cb76e8442959d92ab39d540f',
  "12 → 20 relu → 6 softmax, adagrad, one batch of all rows": 'c36a1422f919ad621e0d88c1 386fedc25e3849c220daa143 1ca0cdd3ad32bdb4abd0f4fd',
  "6 → 10 sigmoid → 4 softmax, adamax, the first layer at half the LR": '631c7ec2b5aaec6f703f5e3e a1ff8673d99699491d40dfef 95e559527c41c79efc454cce',
  "4 → 6 tanh → 2 softmax, adadelta, batch 5": '837c68569f52ac0ae35ca1e3 b888880d04a4fd590499cfc1 cf766ca4a70516ab4b29e49b',
};

it.each(CASES.map((c) => [c.name, c] as const))('%s: weights, curves and predictions bit-identical to the recorded build', async (name, c) => {
  const got = await digest(c);
  if (process.env.GOLDEN === 'print') console.log(`  ${JSON.stringify(name)}: '${got}',`);
  else expect(got).toBe(GOLDEN[name]);
});
