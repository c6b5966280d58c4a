/**
 * The problems of the advice benchmark: small seeded experiments that cover the
 * ways learning-rate advice goes wrong — SGD (with and without momentum) and
 * adaptive optimizers, batch sizes 8 to 256, deeper nets, a regression, and
 * real data (an MNIST subset). Each is an ExperimentSpec as a user would write
 * it; `lr` is left to each advisor.
 *
 * `heldOut` problems were added after recommend's design was fixed, and were
 * scored once: its rates on them are reported separately. They cover classes
 * the others do not: RMSprop and Adagrad on the regression, a larger data set
 * with a wide net at batch 256, AdamW and Nadam, new data seeds.
 */
import type { ExperimentSpec } from '../../bindings/experiment.js';
import type { LayerSpec } from '../../bindings/spec.js';

export interface AdviceProblem {
  name: string;
  /** What failure class it stands for. */
  note: string;
  spec: ExperimentSpec;
  heldOut?: boolean;
}

const split = { testFraction: 0.3, shuffle: true, seed: 0 };
const dense = (units: number, activation: LayerSpec['activation'], count = 1): LayerSpec[] =>
  Array.from({ length: count }, () => ({ units, activation, init: activation === 'relu' ? 'he_uniform' : 'glorot_uniform' }));
const classifier = (inputs: number, hidden: LayerSpec[], classes: number) => ({
  inputs, layers: [...hidden, { units: classes, activation: 'softmax' as const }], loss: 'categorical_crossentropy' as const,
});
const FRIEDMAN = { name: 'csv' as const, path: 'bench/advice/data/friedman1.csv', labelColumn: 'y', labels: 'regression' as const };
const regressor = (hidden: LayerSpec[]) => ({ inputs: 10, layers: [...hidden, { units: 1 }], loss: 'mse' as const });

export const PROBLEMS: AdviceProblem[] = [
  {
    name: 'moons-sgd-b8', note: 'plain SGD, small batch',
    spec: { data: { name: 'moons', samples: 600, noise: 0.25, seed: 1 }, split, model: classifier(2, dense(32, 'relu'), 2),
      optimizer: { name: 'sgd' }, epochs: 40, batchSize: 8, seed: 1 },
  },
  {
    name: 'moons-adam-b128', note: 'Adam, large batch',
    spec: { data: { name: 'moons', samples: 600, noise: 0.25, seed: 1 }, split, model: classifier(2, dense(32, 'relu'), 2),
      optimizer: { name: 'adam' }, epochs: 80, batchSize: 128, seed: 1 },
  },
  {
    name: 'circles-momentum-b32', note: 'SGD momentum 0.9, tanh',
    spec: { data: { name: 'circles', samples: 600, noise: 0.15, factor: 0.5, seed: 2 }, split, model: classifier(2, dense(32, 'tanh'), 2),
      optimizer: { name: 'sgd', momentum: 0.9 }, epochs: 60, batchSize: 32, seed: 1 },
  },
  {
    name: 'spiral-adam-b32', note: 'Adam, two hidden layers',
    spec: { data: { name: 'spiral', samples: 600, seed: 3 }, split, model: classifier(2, dense(64, 'relu', 2), 3),
      optimizer: { name: 'adam' }, epochs: 60, batchSize: 32, seed: 1 },
  },
  {
    name: 'spiral-momentum-b256', note: 'batch 256: few steps per epoch, the best LR moves up',
    spec: { data: { name: 'spiral', samples: 600, seed: 3 }, split, model: classifier(2, dense(64, 'relu', 2), 3),
      optimizer: { name: 'sgd', momentum: 0.9 }, epochs: 150, batchSize: 256, seed: 1 },
  },
  {
    name: 'blobs-tutorial', note: "the tutorial's blobs (unscaled features, first-batch loss spikes)",
    spec: { data: { name: 'blobs', samples: 1000, centers: 3, features: 2, clusterStd: 2, seed: 2 }, split: { testFraction: 0.5, shuffle: false },
      model: classifier(2, dense(50, 'relu'), 3), optimizer: { name: 'sgd', momentum: 0.9 }, epochs: 100, batchSize: 32, seed: 1 },
  },
  {
    name: 'blobs-rmsprop-b16', note: 'RMSprop, 5 classes in 4 dimensions',
    spec: { data: { name: 'blobs', samples: 800, centers: 5, features: 4, clusterStd: 2.5, seed: 4 }, split,
      model: classifier(4, dense(32, 'relu'), 5), optimizer: { name: 'rmsprop' }, epochs: 30, batchSize: 16, seed: 1 },
  },
  {
    name: 'deep-moons-adam-b64', note: 'depth: six hidden layers, Adam',
    spec: { data: { name: 'moons', samples: 800, noise: 0.2, seed: 5 }, split, model: classifier(2, dense(32, 'relu', 6), 2),
      optimizer: { name: 'adam' }, epochs: 50, batchSize: 64, seed: 1 },
  },
  {
    name: 'friedman-momentum-b32', note: 'a regression (mse, standardized) where large LRs spike early and recover',
    spec: { data: FRIEDMAN, split, standardize: true, model: regressor(dense(64, 'relu')),
      optimizer: { name: 'sgd', momentum: 0.9 }, epochs: 60, batchSize: 32, seed: 1 },
  },
  {
    name: 'friedman-adam-b8', note: 'the regression with Adam and batch 8',
    spec: { data: FRIEDMAN, split, standardize: true, model: regressor(dense(64, 'relu', 2)),
      optimizer: { name: 'adam' }, epochs: 30, batchSize: 8, seed: 1 },
  },
  {
    name: 'mnist-adam-b64', note: 'real data: 1,000 MNIST digits, Adam',
    spec: { data: { name: 'mnist', samples: 1000, seed: 0 }, split, model: classifier(784, dense(32, 'relu'), 10),
      optimizer: { name: 'adam' }, epochs: 15, batchSize: 64, seed: 1 },
  },
  {
    name: 'mnist-sgd-b32', note: 'real data with plain SGD',
    spec: { data: { name: 'mnist', samples: 1000, seed: 0 }, split, model: classifier(784, dense(32, 'relu'), 10),
      optimizer: { name: 'sgd' }, epochs: 20, batchSize: 32, seed: 1 },
  },
  {
    name: 'deep-circles-tanh-b16', note: 'depth with tanh, SGD momentum',
    spec: { data: { name: 'circles', samples: 500, noise: 0.1, factor: 0.4, seed: 6 }, split, model: classifier(2, dense(16, 'tanh', 5), 2),
      optimizer: { name: 'sgd', momentum: 0.9 }, epochs: 40, batchSize: 16, seed: 1 },
  },
  {
    name: 'spiral-adagrad-b8', note: 'Adagrad, batch 8',
    spec: { data: { name: 'spiral', samples: 450, seed: 7 }, split, model: classifier(2, dense(48, 'relu'), 3),
      optimizer: { name: 'adagrad' }, epochs: 40, batchSize: 8, seed: 1 },
  },
  {
    name: 'friedman-rmsprop-b16', note: 'held out: RMSprop on the regression',
    spec: { data: FRIEDMAN, split, standardize: true, model: regressor(dense(64, 'relu')),
      optimizer: { name: 'rmsprop' }, epochs: 30, batchSize: 16, seed: 1 },
    heldOut: true,
  },
  {
    name: 'friedman-adagrad-b64', note: 'held out: Adagrad on the regression, two hidden layers',
    spec: { data: FRIEDMAN, split, standardize: true, model: regressor(dense(32, 'relu', 2)),
      optimizer: { name: 'adagrad' }, epochs: 60, batchSize: 64, seed: 1 },
    heldOut: true,
  },
  {
    name: 'moons-wide-momentum-b256', note: 'held out: 2,000 rows, 256 hidden units, batch 256',
    spec: { data: { name: 'moons', samples: 2000, noise: 0.3, seed: 11 }, split, model: classifier(2, dense(256, 'relu'), 2),
      optimizer: { name: 'sgd', momentum: 0.9 }, epochs: 40, batchSize: 256, seed: 1 },
    heldOut: true,
  },
  {
    name: 'spiral-adamw-b16', note: 'held out: AdamW, tanh, new spiral data',
    spec: { data: { name: 'spiral', samples: 600, seed: 12 }, split, model: classifier(2, dense(48, 'tanh', 2), 3),
      optimizer: { name: 'adamw' }, epochs: 40, batchSize: 16, seed: 1 },
    heldOut: true,
  },
  {
    name: 'deep-circles-nadam-b32', note: 'held out: Nadam, four hidden layers',
    spec: { data: { name: 'circles', samples: 800, noise: 0.2, factor: 0.6, seed: 13 }, split, model: classifier(2, dense(24, 'relu', 4), 2),
      optimizer: { name: 'nadam' }, epochs: 30, batchSize: 32, seed: 1 },
    heldOut: true,
  },
];
