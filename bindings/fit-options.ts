/** Options of Model.fit, validated before any work starts. */
import { LrlabError } from './errors.js';
import type { History, EpochLogs } from './history.js';
import type { LrPolicySpec } from './lr-policy.js';
import type { Dataset } from './types.js';
import { checkBoolean, checkKeys, checkNumber, checkObject, numberOr } from './validate.js';

/** What a callback sees and may change. Setting `lr` takes effect from the next step. */
export interface TrainingContext {
  readonly epoch: number;
  /** Optimizer steps taken so far (over all fits of the model). */
  readonly step: number;
  /** The LR of the next step (schedule × scale); setting it moves the scale. */
  lr: number;
  readonly history: History;
  /** Ends the fit after the current batch, with status 'stopped'. */
  stop(reason?: string): void;
}

export interface Callbacks {
  onEpochBegin?(epoch: number, ctx: TrainingContext): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: EpochLogs, ctx: TrainingContext): void | Promise<void>;
  onBatchBegin?(batch: number, ctx: TrainingContext): void;
  onBatchEnd?(batch: number, loss: number, ctx: TrainingContext): void;
}

export interface FitOptions extends LrPolicySpec {
  /** Train until this many epochs in all (as Keras: with initialEpoch, the epoch index to stop at). */
  epochs: number;
  batchSize?: number; // default 32
  shuffle?: boolean; // default true: a seeded permutation per epoch
  validationData?: Dataset;
  /** Fraction of the rows, taken from the end before shuffling (as Keras), held out for validation. */
  validationSplit?: number;
  callbacks?: Callbacks | Callbacks[];
  signal?: AbortSignal;
  /** Epoch to start from; default: the epochs this model has already trained (so a loaded checkpoint resumes). */
  initialEpoch?: number;
  /** Also record the LR of every step in history.stepLr. */
  recordStepLr?: boolean;
  /**
   * Threads that train this one model, each on a slice of every minibatch
   * (wasm backend; default 1): Node worker threads, or in a browser Web
   * Workers, when the fit itself runs in a Web Worker of a cross-origin
   * isolated page. Deterministic for a given count; other counts agree up to
   * float32 reduction error.
   */
  threads?: number;
}

export interface ResolvedFitOptions extends LrPolicySpec {
  epochs: number;
  batchSize: number;
  shuffle: boolean;
  validationData?: Dataset;
  validationSplit: number;
  callbacks: Callbacks[];
  signal?: AbortSignal;
  initialEpoch?: number;
  recordStepLr: boolean;
  threads: number;
}

const KEYS = ['epochs', 'batchSize', 'shuffle', 'validationData', 'validationSplit', 'callbacks', 'signal', 'initialEpoch',
  'recordStepLr', 'threads', 'schedule', 'plateau', 'earlyStopping', 'divergence'];

export function resolveFitOptions(options: unknown): ResolvedFitOptions {
  const o = checkObject('fit', options);
  checkKeys('fit', o, KEYS);
  const validationSplit = numberOr('fit.validationSplit', o.validationSplit, 0, { min: 0, below: 1 });
  if (validationSplit > 0 && o.validationData !== undefined) {
    throw new LrlabError('INVALID_OPTION', 'fit.validationSplit', validationSplit, 'must be 0 when validationData is given');
  }
  const callbacks = o.callbacks === undefined ? [] : Array.isArray(o.callbacks) ? o.callbacks : [o.callbacks];
  callbacks.forEach((cb, i) => checkObject(`fit.callbacks[${i}]`, cb));
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) {
    throw new LrlabError('INVALID_OPTION', 'fit.signal', o.signal, 'must be an AbortSignal');
  }
  return {
    epochs: checkNumber('fit.epochs', o.epochs, { min: 1, integer: true }),
    batchSize: numberOr('fit.batchSize', o.batchSize, 32, { min: 1, integer: true }),
    shuffle: checkBoolean('fit.shuffle', o.shuffle, true),
    validationData: o.validationData as Dataset | undefined,
    validationSplit,
    callbacks: callbacks as Callbacks[],
    signal: o.signal as AbortSignal | undefined,
    initialEpoch: o.initialEpoch === undefined ? undefined : checkNumber('fit.initialEpoch', o.initialEpoch, { min: 0, integer: true }),
    recordStepLr: checkBoolean('fit.recordStepLr', o.recordStepLr, false),
    threads: numberOr('fit.threads', o.threads, 1, { min: 1, max: 64, integer: true }),
    // Validated by LrPolicy, which knows the data and the number of steps.
    schedule: o.schedule as LrPolicySpec['schedule'],
    plateau: o.plateau as LrPolicySpec['plateau'],
    earlyStopping: o.earlyStopping as LrPolicySpec['earlyStopping'],
    divergence: o.divergence as LrPolicySpec['divergence'],
  };
}
