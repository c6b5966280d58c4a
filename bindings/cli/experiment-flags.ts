/**
 * The flags every training command shares, turned into an ExperimentSpec:
 * start from --spec FILE or the tutorial experiment, then --data (a built-in
 * data set or a CSV file, with the model's input and output sized to it),
 * --hidden, --optimizer, --lr, --momentum, --epochs, --batch-size, --seed, --backend.
 */
import { readFile } from 'node:fs/promises';
import { LrlabError } from '../errors.js';
import { SKLEARN_TUTORIAL_DATA, TUTORIAL_EXPERIMENT, type ExperimentSpec } from '../experiment.js';
import { loadData, validateDataSpec, DATA_NAMES, type DataSpec } from '../data/index.js';
import type { LayerSpec } from '../spec.js';
import { flagInteger, flagNumber } from './flags.js';

export const EXPERIMENT_FLAGS = {
  spec: { type: 'string' },
  data: { type: 'string' },
  hidden: { type: 'string' },
  optimizer: { type: 'string' },
  lr: { type: 'string' },
  momentum: { type: 'string' },
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  seed: { type: 'string' },
  backend: { type: 'string' },
} as const;

export const EXPERIMENT_HELP = `  --spec FILE        start from an experiment spec (JSON); the flags below override it
  --data NAME|FILE   blobs (the tutorial's), sklearn-blobs (the tutorial's exact points, from
                     scikit-learn's make_blobs, random_state 2), moons, circles, spiral, mnist,
                     or a CSV file (header row, label in the last column); the model is sized to it
  --hidden N[,N…]    hidden layer widths, relu (default 50)
  --optimizer NAME   sgd, adagrad, rmsprop, adadelta, adam, adamw, adamax, nadam
  --lr N             learning rate
  --momentum N       momentum (sgd, rmsprop), in [0, 1)
  --epochs N         epochs to train
  --batch-size N     rows per minibatch
  --seed N           seed of the initial weights and the shuffles
  --backend NAME     wasm (default) or js`;

export type ExperimentFlagValues = { [K in keyof typeof EXPERIMENT_FLAGS]?: string };

export async function experimentFromFlags(values: ExperimentFlagValues, options: { lrAxis?: boolean } = {}): Promise<ExperimentSpec> {
  const spec: ExperimentSpec = values.spec ? await readJson<ExperimentSpec>('--spec', values.spec) : structuredClone(TUTORIAL_EXPERIMENT);
  if (values.data !== undefined || values.hidden !== undefined) await sizeToData(spec, values);
  const optimizer = { ...spec.optimizer } as Record<string, unknown>;
  if (values.optimizer !== undefined) {
    for (const key of Object.keys(optimizer)) if (key !== 'lr') delete optimizer[key];
    optimizer.name = values.optimizer;
  }
  if (values.lr !== undefined && !options.lrAxis) optimizer.lr = flagNumber('--lr', values.lr);
  if (values.momentum !== undefined && !options.lrAxis) optimizer.momentum = flagNumber('--momentum', values.momentum);
  spec.optimizer = optimizer as unknown as ExperimentSpec['optimizer'];
  if (values.epochs !== undefined) spec.epochs = flagInteger('--epochs', values.epochs);
  if (values['batch-size'] !== undefined) spec.batchSize = flagInteger('--batch-size', values['batch-size']);
  if (values.seed !== undefined) spec.seed = flagInteger('--seed', values.seed, 0);
  if (values.backend !== undefined) spec.backend = values.backend as ExperimentSpec['backend'];
  return spec;
}

async function sizeToData(spec: ExperimentSpec, values: ExperimentFlagValues): Promise<void> {
  if (values.data !== undefined) spec.data = dataSpecOf(values.data);
  const data = await loadData(spec.data, '--data');
  const hidden = values.hidden === undefined ? [50] : values.hidden.split(',').map((s) => flagInteger('--hidden', s.trim()));
  const classes = data.classes;
  const layers: LayerSpec[] = hidden.map((units) => ({ units, activation: 'relu', init: 'he_uniform' }));
  layers.push(classes ? { units: classes, activation: 'softmax' } : { units: data.y.cols, activation: 'linear' });
  spec.model = { inputs: data.x.cols, layers, loss: classes ? 'categorical_crossentropy' : 'mse' };
  if (values.data !== undefined && spec.data.name !== 'blobs') {
    // Other data sets are not pre-shuffled halves like the tutorial's blobs: shuffle, hold out 30 %, standardize.
    spec.split = { testFraction: 0.3, shuffle: true, seed: 0 };
    spec.standardize = spec.data.name !== 'mnist';
  }
}

/** A built-in name (the tutorial's blobs settings for "blobs", and scikit-learn's very points of them for "sklearn-blobs") or a CSV path. */
export function dataSpecOf(text: string): DataSpec {
  if (text === 'blobs') return structuredClone(TUTORIAL_EXPERIMENT.data);
  if (text === 'sklearn-blobs') return structuredClone(SKLEARN_TUTORIAL_DATA);
  if ((DATA_NAMES as readonly string[]).includes(text) && text !== 'csv') return validateDataSpec({ name: text }, '--data');
  if (/\.(csv|txt)$/i.test(text)) return { name: 'csv', path: text };
  throw new LrlabError('UNKNOWN_OPTION', '--data', text, `must be one of ${DATA_NAMES.filter((n) => n !== 'csv').join(', ')}, sklearn-blobs or a .csv file`);
}

export async function readJson<T>(flag: string, path: string): Promise<T> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new LrlabError('INVALID_OPTION', flag, path, `must name a readable JSON file (${(error as NodeJS.ErrnoException).code})`);
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new LrlabError('CORRUPT_FILE', flag, path, `must hold valid JSON (${(error as Error).message})`);
  }
}
