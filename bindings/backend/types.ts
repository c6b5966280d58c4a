/**
 * The interface both backends implement. A backend holds one network, its
 * optimizer state and up to three data sets (train, validation, scratch), and
 * trains one minibatch per call. Arrays it returns are live views: valid until
 * the next call that may lay out memory again (setData, setBatchCapacity).
 */
import { LrlabError } from '../errors.js';
import type { NormalizedModel, NormalizedOptimizer } from '../spec.js';

export type BackendKind = 'wasm' | 'js';

/** Data slots: TRAIN is shuffled per epoch, VALIDATION is evaluated in order, SCRATCH serves evaluate/predict. */
export const TRAIN = 0;
export const VALIDATION = 1;
export const SCRATCH = 2;
export type DataSlot = typeof TRAIN | typeof VALIDATION | typeof SCRATCH;

export interface Totals {
  lossSum: number; // loss summed over rows
  correct: number; // rows (categorical) or outputs (binary) predicted right
}

export interface Backend {
  readonly kind: BackendKind;
  readonly model: NormalizedModel;
  readonly optimizer: NormalizedOptimizer;
  readonly paramCount: number;
  readonly slotCount: number;
  readonly batchCapacity: number;
  /** All weights, layer by layer: W [in×out] row-major, then b [out]. */
  params(): Float32Array;
  grads(): Float32Array;
  /** Optimizer slot k (0 <= k < slotCount), paramCount floats laid out as params(). */
  slot(k: number): Float32Array;
  /** [step t, Nadam's μ product, spare…]. */
  scalars(): Float64Array;
  initParams(seed: number): void;
  resetOptimizer(): void;
  /** Grows the batch buffers; parameters and optimizer state are kept. */
  setBatchCapacity(rows: number): void;
  /** Copies a data set in (TRAIN resets VALIDATION: set TRAIN first). */
  setData(slot: DataSlot, x: Float32Array, y: Float32Array, rows: number): void;
  beginEpoch(seed: number, epoch: number, shuffle: boolean): void;
  /** One minibatch of the current epoch's order: forward, loss, backward, update. Returns the batch's mean loss. */
  trainBatch(start: number, rows: number, lr: number): number;
  /**
   * Batches first … first+count−1 of the current epoch's order, each exactly as
   * trainBatch(b · batchSize, rows, lrs[i]) (the epoch's last batch may be short),
   * with its loss written to losses[i]. Stops after a batch whose loss is not
   * finite or above `bound`. Returns the number of batches trained. For fits
   * where nothing observes single steps: one call for many batches, same bits.
   */
  trainBatches(first: number, count: number, batchSize: number, lrs: Float64Array, losses: Float64Array, bound: number): number;
  /** Correct predictions of the trainBatch calls since beginEpoch (read once per epoch, not per step). */
  epochCorrect(): number;
  /** Gradients of rows [start, start+rows) of a slot, without updating; returns their mean loss. */
  computeGradients(slot: DataSlot, start: number, rows: number): number;
  evaluate(slot: DataSlot): Totals;
  /** Outputs of rows [start, start+rows) of a slot (rows <= batchCapacity), as a view. */
  predict(slot: DataSlot, start: number, rows: number): Float32Array;
}

/** Integer codes shared with assembly/ (kernels/activations.ts, kernels/losses.ts, init.ts, optimizers/index.ts). */
export const ACTIVATION_CODE = { linear: 0, relu: 1, leaky_relu: 2, elu: 3, sigmoid: 4, tanh: 5, softmax: 6 } as const;
export const LOSS_CODE = { mse: 0, mae: 1, categorical_crossentropy: 2, binary_crossentropy: 3 } as const;
export const INIT_CODE = { zeros: 0, glorot_uniform: 1, glorot_normal: 2, he_uniform: 3, he_normal: 4 } as const;
export const OPTIMIZER_CODE = { sgd: 0, adagrad: 1, rmsprop: 2, adadelta: 3, adam: 4, adamw: 4, adamax: 5, nadam: 6 } as const;
export const FLAG_NESTEROV = 1;
export const FLAG_CENTERED = 2;
export const FLAG_AMSGRAD = 4;
export const FLAG_KERAS_MOMENTUM = 8;
export const FLAG_KERAS_EPSILON = 16;

/** Hyperparameters h0..h3 in the order each update rule takes them (see assembly/optimizers/index.ts). */
export function optimizerHyperparameters(o: NormalizedOptimizer): [number, number, number, number] {
  switch (o.name) {
    case 'sgd': return [o.momentum, 0, 0, 0];
    case 'adagrad': return [o.epsilon, o.initialAccumulator, 0, 0];
    case 'rmsprop': return [o.rho, o.momentum, o.epsilon, 0];
    case 'adadelta': return [o.rho, o.epsilon, 0, 0];
    case 'adam': return [o.beta1, o.beta2, o.epsilon, 0];
    case 'adamw': return [o.beta1, o.beta2, o.epsilon, o.weightDecay];
    case 'adamax': return [o.beta1, o.beta2, o.epsilon, 0];
    case 'nadam': return [o.beta1, o.beta2, o.epsilon, o.momentumDecay];
  }
}

export function optimizerFlags(o: NormalizedOptimizer): number {
  return (o.nesterov ? FLAG_NESTEROV : 0) | (o.centered ? FLAG_CENTERED : 0) | (o.amsgrad ? FLAG_AMSGRAD : 0) |
    (o.momentumConvention === 'keras' ? FLAG_KERAS_MOMENTUM : 0) | (o.epsilonConvention === 'keras' ? FLAG_KERAS_EPSILON : 0);
}

/** L2 (coupled) weight decay: AdamW's decay is decoupled and goes through the hyperparameters instead. */
export function coupledWeightDecay(o: NormalizedOptimizer): number {
  return o.name === 'adamw' ? 0 : o.weightDecay;
}

/** Guards the row-range calls outside the fit loop: a range past the data or the batch buffers would read out of bounds. */
export function checkRows(backend: Backend, slot: DataSlot, start: number, rows: number, available: number): void {
  if (!Number.isInteger(rows) || rows < 1 || rows > backend.batchCapacity) {
    throw new LrlabError('INVALID_OPTION', 'rows', rows, `must be an integer from 1 to the batch capacity (${backend.batchCapacity}); raise it with setBatchCapacity`);
  }
  if (!Number.isInteger(start) || start < 0 || start + rows > available) {
    throw new LrlabError('INVALID_OPTION', 'start', start, `must keep rows inside data slot ${slot}, which holds ${available} rows`);
  }
}
