/**
 * The flags every training command shares, turned into an ExperimentSpec:
 * start from --spec FILE or the tutorial experiment, then --data (a built-in
 * data set or a CSV file, with the model's input and output sized to it),
 * --hidden, --optimizer, --lr, --momentum, --epochs, --batch-size, --seed,
 * --backend, the split (--test-split, --standardize) and, for the commands
 * that fit (FIT_FLAGS: train, sweep), the LR policy and validation.
 */
import { readFile, stat } from 'node:fs/promises';
import { LrlabError } from '../errors.js';
import { checkChoice } from '../validate.js';
import { MAX_SPEC_BYTES, parseJsonText } from '../json-limits.js';
import { SKLEARN_TUTORIAL_DATA, TUTORIAL_EXPERIMENT, type ExperimentSpec } from '../experiment.js';
import { loadData, validateDataSpec, DATA_NAMES, type DataSpec } from '../data/index.js';
import { OPTIMIZERS, optimizerKeys, type LayerSpec } from '../spec.js';
import { defineFlags, flagInteger, flagNumber } from './flags.js';
import {
  flagDivergence, flagEarlyStopping, flagPlateau, flagSchedule, flagSwitch, flagTestSplit, flagValidationSplit,
} from './flag-values.js';

export const EXPERIMENT_FLAGS = defineFlags({
  spec: { type: 'string', arg: 'FILE', help: 'start from an experiment spec (JSON); the flags below override it' },
  data: {
    type: 'string', arg: 'NAME|FILE',
    help: "blobs (the tutorial's), sklearn-blobs (the tutorial's exact points, from\n" +
      "scikit-learn's make_blobs, random_state 2), moons, circles, spiral, mnist,\n" +
      'or a CSV file (header row, label in the last column); the model is sized to it.\n' +
      "blobs and sklearn-blobs keep the tutorial's split: first 500 rows train,\n" +
      'last 500 test, no scaling. Any other data set is shuffled (seed 0), 30 %\n' +
      'of its rows are held out as the test set and its features are standardized\n' +
      '(mnist: not standardized); --test-split and --standardize change that',
  },
  hidden: { type: 'string', arg: 'N[,N…]', help: 'hidden layer widths, relu (default 50)' },
  optimizer: {
    type: 'string', arg: 'NAME',
    help: `${OPTIMIZERS.join(', ')}, with its\nown defaults (lr included) unless --lr, --momentum set them`,
  },
  lr: { type: 'string', arg: 'N', help: 'learning rate' },
  momentum: { type: 'string', arg: 'N', help: 'momentum (sgd, rmsprop), in [0, 1)' },
  epochs: { type: 'string', arg: 'N', help: 'epochs to train' },
  'batch-size': { type: 'string', arg: 'N', help: 'rows per minibatch' },
  seed: { type: 'string', arg: 'N', help: 'seed of the initial weights and the shuffles' },
  backend: { type: 'string', arg: 'NAME', help: 'wasm (default) or js' },
  'test-split': {
    type: 'string', arg: 'SPEC',
    help: 'the test set (also the validation data, unless --validation-split):\n' +
      '"0.3" or "30%" (a fraction of the rows, shuffled), "200" (rows,\n' +
      'shuffled), "last=500" or "last=50%" (the last rows, in file order), "none"',
  },
  standardize: { type: 'string', arg: 'on|off', help: 'scale each feature to mean 0, std 1 (statistics of the training rows)' },
});

/** What a fit does besides the optimizer steps: the commands that train (train, sweep) take these too. */
export const FIT_FLAGS = defineFlags({
  schedule: {
    type: 'string', arg: 'SPEC',
    help: 'LR schedule: "NAME key=value …" or JSON, e.g. "step every=50 factor=0.5",\n' +
      '"cosine decaySteps=3000", "multistep milestones=50,100",\n' +
      `"inverse_time rate=0.01", '{"name":"warmup","steps":100,"schedule":{…}}'`,
  },
  plateau: {
    type: 'string', arg: 'SPEC',
    help: 'reduce the LR when the validation loss stops improving: "on" (patience\n' +
      '10, factor 0.1) or key=value pairs, e.g. "patience=5,factor=0.5",\n' +
      '"patience=2,semantics=keras,threshold=1e-7"; "off"',
  },
  'early-stopping': {
    type: 'string', arg: 'SPEC',
    help: 'stop when the validation loss stops improving: "on" (patience 0)\nor e.g. "patience=10,restoreBestWeights=true"; "off"',
  },
  divergence: {
    type: 'string', arg: 'SPEC',
    help: 'the divergence guard: a factor ("20"), or "factor=20,patience=5" (a run\n' +
      "diverged when that many batches in a row exceed factor × the guard's\n" +
      'baseline; defaults 10 and 50); off: only a NaN or infinite loss stops it',
  },
  'validation-split': {
    type: 'string', arg: 'F',
    help: 'hold out the last fraction F of the training rows for validation\n(as Keras), instead of validating on the test set',
  },
});

export type ExperimentFlagValues = { [K in keyof typeof EXPERIMENT_FLAGS | keyof typeof FIT_FLAGS]?: string };

export async function experimentFromFlags(values: ExperimentFlagValues, options: { lrAxis?: boolean } = {}): Promise<ExperimentSpec> {
  const spec: ExperimentSpec = values.spec ? await readJson<ExperimentSpec>('--spec', values.spec) : structuredClone(TUTORIAL_EXPERIMENT);
  if (values.data !== undefined || values.hidden !== undefined) await sizeToData(spec, values);
  let optimizer = { ...spec.optimizer } as Record<string, unknown>;
  if (values.optimizer !== undefined) {
    // Another optimizer starts from its own defaults: the spec's lr and options belong to the one it had.
    checkChoice('--optimizer', values.optimizer, OPTIMIZERS);
    if (values.optimizer !== optimizer.name) optimizer = { name: values.optimizer };
  }
  if (values.lr !== undefined && !options.lrAxis) optimizer.lr = flagNumber('--lr', values.lr);
  if (values.momentum !== undefined && !options.lrAxis) {
    const name = optimizer.name as (typeof OPTIMIZERS)[number];
    if (!optimizerKeys(name).own.includes('momentum')) {
      throw new LrlabError('INVALID_OPTION', '--momentum', values.momentum,
        `applies only to ${OPTIMIZERS.filter((n) => optimizerKeys(n).own.includes('momentum')).join(', ')} (the optimizer is ${name})`);
    }
    optimizer.momentum = flagNumber('--momentum', values.momentum);
  }
  spec.optimizer = optimizer as unknown as ExperimentSpec['optimizer'];
  if (values.epochs !== undefined) spec.epochs = flagInteger('--epochs', values.epochs);
  if (values['batch-size'] !== undefined) spec.batchSize = flagInteger('--batch-size', values['batch-size']);
  if (values.seed !== undefined) spec.seed = flagInteger('--seed', values.seed, 0);
  if (values.backend !== undefined) spec.backend = values.backend as ExperimentSpec['backend'];
  applyFitFlags(spec, values);
  return spec;
}

/** The split, scaling, LR policy and validation flags: each sets its field, "off"/"none" removes it. */
function applyFitFlags(spec: ExperimentSpec, values: ExperimentFlagValues): void {
  const set = <K extends keyof ExperimentSpec>(key: K, value: ExperimentSpec[K] | null) => {
    if (value === null) delete spec[key];
    else spec[key] = value;
  };
  if (values['test-split'] !== undefined) set('split', flagTestSplit('--test-split', values['test-split']));
  if (values.standardize !== undefined) spec.standardize = flagSwitch('--standardize', values.standardize);
  if (values.schedule !== undefined) spec.schedule = flagSchedule('--schedule', values.schedule);
  if (values.plateau !== undefined) set('plateau', flagPlateau('--plateau', values.plateau));
  if (values['early-stopping'] !== undefined) set('earlyStopping', flagEarlyStopping('--early-stopping', values['early-stopping']));
  if (values.divergence !== undefined) spec.divergence = flagDivergence('--divergence', values.divergence);
  if (values['validation-split'] !== undefined) spec.validationSplit = flagValidationSplit('--validation-split', values['validation-split']);
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
    if ((await stat(path)).size > MAX_SPEC_BYTES) throw new LrlabError('INVALID_OPTION', flag, path, `must be a JSON file of at most ${MAX_SPEC_BYTES} bytes`);
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof LrlabError) throw error;
    throw new LrlabError('INVALID_OPTION', flag, path, `must name a readable JSON file (${(error as NodeJS.ErrnoException).code})`);
  }
  return parseJsonText(flag, path, text) as T;
}
