/**
 * An experiment as plain JSON: data, split, model, optimizer and the fit
 * settings. runExperiment builds everything from it and returns the History
 * with train and test scores, so a spec and its seed reproduce a result.
 */
import { loadData, standardize, trainTestSplit, validateDataSpec, type DataSpec, type Standardization } from './data/index.js';
import type { PreparedDataCache } from './data/prepared-cache.js';
import { preprocessingOf } from './preprocessing.js';
import { LrlabError } from './errors.js';
import { checkJsonShape } from './json-limits.js';
import type { Callbacks } from './fit-options.js';
import { withEpochPause } from './test-hooks/fault-pause.js';
import type { History } from './history.js';
import { Model, type Evaluation } from './model.js';
import type { BackendKind, WasmSource } from './backend/index.js';
import type { ModelSpec, OptimizerSpec } from './spec.js';
import type { Dataset } from './types.js';
import { checkBoolean, checkChoice, checkKeys, checkNumber, checkObject } from './validate.js';
import { normalizeModel, normalizeOptimizer } from './spec.js';
import { BACKENDS } from './backend/index.js';
import { validateSchedule } from './schedules/index.js';
import { validatePlateau } from './plateau.js';
import { validateEarlyStopping } from './early-stopping.js';
import { validateDivergence, type LrPolicySpec } from './lr-policy.js';

export interface ExperimentSpec extends LrPolicySpec {
  data: DataSpec;
  /** Holds out a test set: a fraction of the rows (or testRows rows), taken from the end unless shuffle is true. */
  split?: { testFraction?: number; testRows?: number; shuffle?: boolean; seed?: number };
  /** Standardize features with the training rows' mean and std. Default false. */
  standardize?: boolean;
  model: ModelSpec;
  optimizer: OptimizerSpec;
  epochs: number;
  batchSize?: number;
  shuffle?: boolean;
  validationSplit?: number;
  seed?: number;
  backend?: BackendKind;
  recordStepLr?: boolean;
}

export interface ExperimentResult {
  history: History;
  train: Evaluation;
  test?: Evaluation;
  model: Model;
}

/**
 * The experiment of the classic learning-rate tutorial: make_blobs(1000, 3
 * centers, 2 features, std 2, seed 2), first half for training, second half for
 * testing; Dense(50, relu, he_uniform) → Dense(3, softmax); categorical
 * cross-entropy; SGD lr 0.01, momentum 0.9; batch 32; 200 epochs.
 */
export const TUTORIAL_EXPERIMENT: ExperimentSpec = {
  data: { name: 'blobs', samples: 1000, centers: 3, features: 2, clusterStd: 2, seed: 2 },
  split: { testFraction: 0.5, shuffle: false },
  model: {
    inputs: 2,
    layers: [{ units: 50, activation: 'relu', init: 'he_uniform' }, { units: 3, activation: 'softmax' }],
    loss: 'categorical_crossentropy',
  },
  optimizer: { name: 'sgd', lr: 0.01, momentum: 0.9 },
  epochs: 200,
  batchSize: 32,
  seed: 1,
};

/**
 * The tutorial's exact points: make_blobs(n_samples=1000, centers=3,
 * n_features=2, cluster_std=2, random_state=2) as scikit-learn draws them.
 */
export const SKLEARN_TUTORIAL_DATA: DataSpec = {
  name: 'blobs', samples: 1000, centers: 3, features: 2, clusterStd: 2, generator: 'sklearn', randomState: 2,
};

const KEYS = ['data', 'split', 'standardize', 'model', 'optimizer', 'epochs', 'batchSize', 'shuffle', 'validationSplit', 'seed', 'backend',
  'schedule', 'plateau', 'earlyStopping', 'divergence', 'recordStepLr'];

export interface RunOptions {
  callbacks?: Callbacks | Callbacks[];
  signal?: AbortSignal;
  wasm?: WasmSource;
  /** Continue from a model saved with save() (its epochs count toward spec.epochs). */
  resumeFrom?: Uint8Array;
  /** Threads for the fit (FitOptions.threads). */
  threads?: number;
  /** Reuse generated data prepared by an earlier run with the same data, split and standardize (a sweep's runner keeps one). */
  dataCache?: PreparedDataCache<PreparedData>;
}

/** The data of an experiment as runExperiment trains on it. */
export interface PreparedData {
  data: Dataset;
  train: Dataset;
  test?: Dataset;
  stats?: Standardization;
}

/**
 * Checks a whole experiment spec without loading data or building anything:
 * what a sweep runs before its first trial, so that a bad base fails at once.
 */
export function validateExperiment(spec: unknown, field = 'experiment'): void {
  checkJsonShape(field, spec);
  const s = checkObject(field, spec);
  checkKeys(field, s, KEYS);
  validateDataSpec(s.data, `${field}.data`);
  if (s.split !== undefined) checkSplit(s.split, `${field}.split`);
  checkBoolean(`${field}.standardize`, s.standardize, false);
  normalizeModel(s.model, `${field}.model`);
  normalizeOptimizer(s.optimizer, `${field}.optimizer`);
  checkNumber(`${field}.epochs`, s.epochs, { min: 1, integer: true });
  if (s.batchSize !== undefined) checkNumber(`${field}.batchSize`, s.batchSize, { min: 1, integer: true });
  checkBoolean(`${field}.shuffle`, s.shuffle, true);
  checkBoolean(`${field}.recordStepLr`, s.recordStepLr, false);
  if (s.validationSplit !== undefined) checkNumber(`${field}.validationSplit`, s.validationSplit, { min: 0, below: 1 });
  if (s.seed !== undefined) checkNumber(`${field}.seed`, s.seed, { min: 0, max: 0xffffffff, integer: true });
  if (s.backend !== undefined) checkChoice(`${field}.backend`, s.backend, BACKENDS);
  if (s.schedule !== undefined) validateSchedule(s.schedule, `${field}.schedule`);
  if (s.plateau !== undefined) validatePlateau(s.plateau, `${field}.plateau`);
  if (s.earlyStopping !== undefined) validateEarlyStopping(s.earlyStopping, `${field}.earlyStopping`);
  validateDivergence(s.divergence, `${field}.divergence`);
}

export async function runExperiment(input: ExperimentSpec, options: RunOptions = {}): Promise<ExperimentResult> {
  checkJsonShape('experiment', input);
  const s = checkObject('experiment', input);
  const spec = s as unknown as ExperimentSpec; // its own properties only: nothing read below comes from a prototype
  checkKeys('experiment', s, KEYS);
  const dataSpec = validateDataSpec(s.data, 'experiment.data');
  const split = s.split === undefined ? undefined : checkSplit(s.split, 'experiment.split');
  const useStandardize = checkBoolean('experiment.standardize', s.standardize, false);
  const model = options.resumeFrom
    ? await Model.load(options.resumeFrom, { backend: spec.backend, wasm: options.wasm })
    : await Model.create({ model: spec.model, optimizer: spec.optimizer, seed: spec.seed, backend: spec.backend, wasm: options.wasm });
  const prepare = async (): Promise<PreparedData> => {
    const data = await loadData(dataSpec, 'experiment.data');
    let train = data;
    let test;
    if (split) ({ train, test } = trainTestSplit(train, split));
    let stats: Standardization | undefined;
    if (useStandardize) ({ train, test, ...stats } = standardize(train, test));
    return { data, train, test, stats };
  };
  // Nothing downstream writes into these arrays (backends copy them in), so a cached set serves many runs.
  const { data, train, test, stats } = options.dataCache && dataSpec.name !== 'csv'
    ? await options.dataCache.get(JSON.stringify([dataSpec, split, useStandardize]), prepare)
    : await prepare();
  // The same data and split give the same record, so a resumed model gets back what it had. Data
  // that does not fit the model gets none: fit refuses it next, with its own message.
  if (data.x.cols === model.spec.inputs && data.y.cols === model.spec.layers.at(-1)!.units) model.preprocessing = preprocessingOf(data, stats);
  const history = await model.fit(train, {
    epochs: spec.epochs, batchSize: spec.batchSize, shuffle: spec.shuffle, validationSplit: spec.validationSplit,
    validationData: test && spec.validationSplit === undefined ? test : undefined,
    callbacks: withEpochPause(options.callbacks), signal: options.signal,
    schedule: spec.schedule, plateau: spec.plateau, earlyStopping: spec.earlyStopping, divergence: spec.divergence,
    recordStepLr: spec.recordStepLr, threads: options.threads,
  });
  const result: ExperimentResult = { history, train: model.evaluate(train), model };
  if (test) result.test = model.evaluate(test);
  return result;
}

/** The training rows (and the held-out test rows) of an experiment, as runExperiment trains on them. */
export async function experimentData(spec: ExperimentSpec): Promise<{ train: Dataset; test?: Dataset }> {
  const s = checkObject('experiment', spec);
  const split = s.split === undefined ? undefined : checkSplit(s.split, 'experiment.split');
  let train = await loadData(validateDataSpec(s.data, 'experiment.data'), 'experiment.data');
  let test: Dataset | undefined;
  if (split) ({ train, test } = trainTestSplit(train, split));
  if (checkBoolean('experiment.standardize', s.standardize, false)) ({ train, test } = standardize(train, test));
  return { train, test };
}

function checkSplit(value: unknown, field: string): { testFraction?: number; testRows?: number; shuffle: boolean; seed: number } {
  const o = checkObject(field, value);
  checkKeys(field, o, ['testFraction', 'testRows', 'shuffle', 'seed']);
  if ((o.testFraction === undefined) === (o.testRows === undefined)) {
    throw new LrlabError('INVALID_OPTION', `${field}.testFraction`, o.testFraction,
      'is required, a number in (0, 1), unless testRows (an integer >= 1) is given instead; not both');
  }
  return {
    ...(o.testFraction === undefined
      ? { testRows: checkNumber(`${field}.testRows`, o.testRows, { min: 1, integer: true }) }
      : { testFraction: checkNumber(`${field}.testFraction`, o.testFraction, { above: 0, below: 1 }) }),
    shuffle: checkBoolean(`${field}.shuffle`, o.shuffle, true),
    seed: o.seed === undefined ? 0 : checkNumber(`${field}.seed`, o.seed, { min: 0, integer: true }),
  };
}
