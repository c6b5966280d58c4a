/**
 * Model and optimizer specs: plain JSON in, validated and normalized out.
 * Every refusal names the field, the value and what is allowed; a field given
 * as 0 stays 0 (defaults only fill `undefined`).
 */
import { LrlabError } from './errors.js';
import { MAX_LR, checkBoolean, checkChoice, checkKeys, checkNumber, checkObject, numberOr } from './validate.js';
import { KERAS_DEFAULTS } from './keras-defaults.js';

export const ACTIVATIONS = ['linear', 'relu', 'leaky_relu', 'elu', 'sigmoid', 'tanh', 'softmax'] as const;
export const INITIALIZERS = ['zeros', 'glorot_uniform', 'glorot_normal', 'he_uniform', 'he_normal'] as const;
export const LOSSES = ['mse', 'mae', 'categorical_crossentropy', 'binary_crossentropy'] as const;
export const OPTIMIZERS = ['sgd', 'adagrad', 'rmsprop', 'adadelta', 'adam', 'adamw', 'adamax', 'nadam'] as const;

export type Activation = (typeof ACTIVATIONS)[number];
export type Initializer = (typeof INITIALIZERS)[number];
export type LossName = (typeof LOSSES)[number];
export type OptimizerName = (typeof OPTIMIZERS)[number];

export interface LayerSpec {
  units: number;
  activation?: Activation; // default linear
  alpha?: number; // leaky_relu slope (default 0.01, PyTorch's) or elu scale (default 1)
  init?: Initializer; // default glorot_uniform, as Keras
  /** Multiplies the LR for this layer's weights and biases (PyTorch parameter groups, fastai's discriminative LRs); default 1. */
  lrScale?: number;
}

export interface ModelSpec {
  inputs: number;
  layers: LayerSpec[];
  loss: LossName;
}

export const OPTIMIZER_DEFAULTS_PRESETS = ['pytorch', 'keras'] as const;
export const MOMENTUM_CONVENTIONS = ['pytorch', 'keras'] as const;

export interface OptimizerSpec {
  name: OptimizerName;
  /** Whose defaults fill the absent options: 'pytorch' (torch.optim's, the default) or 'keras' (Keras 3's, see keras-defaults.ts). */
  defaults?: (typeof OPTIMIZER_DEFAULTS_PRESETS)[number];
  lr?: number;
  momentum?: number; // sgd, rmsprop
  nesterov?: boolean; // sgd
  /** adagrad, rmsprop, adam, adamw: 'pytorch' g/(√s + ε); 'keras' ε inside the root (Adam: added before the bias correction). Default: the preset's. */
  epsilonConvention?: (typeof MOMENTUM_CONVENTIONS)[number];
  /** sgd: 'pytorch' v ← μv + g, p ← p − lr·v; 'keras' v ← μv − lr·g, p ← p + v. Default: the preset's. */
  momentumConvention?: (typeof MOMENTUM_CONVENTIONS)[number];
  rho?: number; // rmsprop, adadelta
  centered?: boolean; // rmsprop
  beta1?: number; // adam family
  beta2?: number;
  epsilon?: number;
  amsgrad?: boolean; // adam, adamw
  initialAccumulator?: number; // adagrad
  momentumDecay?: number; // nadam ψ
  weightDecay?: number; // L2 added to the gradient; decoupled for adamw
  clipNorm?: number; // global gradient norm limit
  clipValue?: number; // elementwise gradient limit
}

export type NormalizedLayer = Required<LayerSpec>;
export interface NormalizedModel { inputs: number; layers: NormalizedLayer[]; loss: LossName }
export type NormalizedOptimizer = Required<OptimizerSpec>;

const MODEL_KEYS = ['inputs', 'layers', 'loss'] as const;
const LAYER_KEYS = ['units', 'activation', 'alpha', 'init', 'lrScale'] as const;
const MAX_LAYERS = 64;

export function normalizeModel(spec: unknown, field = 'model'): NormalizedModel {
  const obj = checkObject(field, spec);
  checkKeys(field, obj, MODEL_KEYS);
  const inputs = checkNumber(`${field}.inputs`, obj.inputs, { min: 1, max: 1 << 20, integer: true });
  if (!Array.isArray(obj.layers) || obj.layers.length === 0 || obj.layers.length > MAX_LAYERS) {
    throw new LrlabError('INVALID_OPTION', `${field}.layers`, obj.layers, `must be an array of 1 to ${MAX_LAYERS} layer specs`);
  }
  const layers = obj.layers.map((layer, i) => normalizeLayer(layer, `${field}.layers[${i}]`));
  const loss = checkChoice(`${field}.loss`, obj.loss, LOSSES);
  const last = layers[layers.length - 1];
  // The cross-entropies are computed from the logits, fused with their activation.
  if (loss === 'categorical_crossentropy' && last.activation !== 'softmax') {
    throw new LrlabError('INVALID_OPTION', `${field}.layers[${layers.length - 1}].activation`, last.activation,
      'must be "softmax" with loss categorical_crossentropy');
  }
  if (loss === 'binary_crossentropy' && last.activation !== 'sigmoid') {
    throw new LrlabError('INVALID_OPTION', `${field}.layers[${layers.length - 1}].activation`, last.activation,
      'must be "sigmoid" with loss binary_crossentropy');
  }
  const model = { inputs, layers, loss };
  checkModelSize(model, field);
  return model;
}

function normalizeLayer(spec: unknown, field: string): NormalizedLayer {
  const obj = checkObject(field, spec);
  checkKeys(field, obj, LAYER_KEYS);
  const units = checkNumber(`${field}.units`, obj.units, { min: 1, max: 1 << 16, integer: true });
  const activation = obj.activation === undefined ? 'linear' : checkChoice(`${field}.activation`, obj.activation, ACTIVATIONS);
  const alpha = numberOr(`${field}.alpha`, obj.alpha, activation === 'elu' ? 1 : 0.01, { min: 0 });
  const init = obj.init === undefined ? 'glorot_uniform' : checkChoice(`${field}.init`, obj.init, INITIALIZERS);
  const lrScale = numberOr(`${field}.lrScale`, obj.lrScale, 1, { min: 0, max: 1e6 });
  return { units, activation, alpha, init, lrScale };
}

/** Defaults follow torch.optim, lr included, except SGD's lr: 0.01 as Keras (PyTorch's is 1e-3). */
const OPTIMIZER_DEFAULTS: Record<OptimizerName, { lr: number; keys: readonly string[] }> = {
  sgd: { lr: 0.01, keys: ['momentum', 'nesterov', 'momentumConvention'] },
  adagrad: { lr: 0.01, keys: ['epsilon', 'initialAccumulator', 'epsilonConvention'] },
  rmsprop: { lr: 0.01, keys: ['rho', 'momentum', 'epsilon', 'centered', 'epsilonConvention'] },
  adadelta: { lr: 1.0, keys: ['rho', 'epsilon'] },
  adam: { lr: 0.001, keys: ['beta1', 'beta2', 'epsilon', 'amsgrad', 'epsilonConvention'] },
  adamw: { lr: 0.001, keys: ['beta1', 'beta2', 'epsilon', 'amsgrad', 'epsilonConvention'] },
  adamax: { lr: 0.002, keys: ['beta1', 'beta2', 'epsilon'] },
  nadam: { lr: 0.002, keys: ['beta1', 'beta2', 'epsilon', 'momentumDecay'] },
};
const COMMON_OPTIMIZER_KEYS = ['name', 'defaults', 'lr', 'weightDecay', 'clipNorm', 'clipValue'];

/** The keys an optimizer's spec accepts: those every optimizer has (name, lr, weightDecay, clipping) and its own. */
export function optimizerKeys(name: OptimizerName): { common: readonly string[]; own: readonly string[] } {
  return { common: COMMON_OPTIMIZER_KEYS, own: OPTIMIZER_DEFAULTS[name].keys };
}

export function normalizeOptimizer(spec: unknown, field = 'optimizer'): NormalizedOptimizer {
  const obj = checkObject(field, spec);
  const name = checkChoice(`${field}.name`, obj.name, OPTIMIZERS);
  const { lr, keys } = OPTIMIZER_DEFAULTS[name];
  checkKeys(field, obj, [...COMMON_OPTIMIZER_KEYS, ...keys]);
  const defaults = obj.defaults === undefined ? 'pytorch' : checkChoice(`${field}.defaults`, obj.defaults, OPTIMIZER_DEFAULTS_PRESETS);
  // Own properties only, in an object without a prototype: an option the preset lacks reads undefined,
  // never a value from a polluted Object.prototype.
  const preset: Record<string, unknown> = Object.assign(Object.create(null), defaults === 'keras' ? KERAS_DEFAULTS[name] : {});
  const given = (key: string) => (obj[key] === undefined ? preset[key] : obj[key]);
  const unit = { min: 0, below: 1 };
  const adadelta = name === 'adadelta';
  if (given('nesterov') === true && !given('momentum')) {
    throw new LrlabError('INVALID_OPTION', `${field}.nesterov`, true, 'needs a momentum > 0 (Nesterov momentum without momentum is plain SGD)');
  }
  const convention = given('momentumConvention');
  const epsConvention = given('epsilonConvention');
  return {
    name,
    defaults,
    lr: checkLearningRate(`${field}.lr`, given('lr') ?? lr),
    momentum: numberOr(`${field}.momentum`, given('momentum'), 0, unit),
    nesterov: checkBoolean(`${field}.nesterov`, given('nesterov'), false),
    momentumConvention: convention === undefined ? 'pytorch' : checkChoice(`${field}.momentumConvention`, convention, MOMENTUM_CONVENTIONS),
    epsilonConvention: epsConvention === undefined ? 'pytorch' : checkChoice(`${field}.epsilonConvention`, epsConvention, MOMENTUM_CONVENTIONS),
    rho: numberOr(`${field}.rho`, given('rho'), adadelta ? 0.9 : 0.99, unit),
    centered: checkBoolean(`${field}.centered`, given('centered'), false),
    beta1: numberOr(`${field}.beta1`, given('beta1'), 0.9, unit),
    beta2: numberOr(`${field}.beta2`, given('beta2'), 0.999, unit),
    epsilon: numberOr(`${field}.epsilon`, given('epsilon'), name === 'adagrad' ? 1e-10 : adadelta ? 1e-6 : 1e-8, { above: 0 }),
    amsgrad: checkBoolean(`${field}.amsgrad`, given('amsgrad'), false),
    initialAccumulator: numberOr(`${field}.initialAccumulator`, given('initialAccumulator'), 0, { min: 0 }),
    momentumDecay: numberOr(`${field}.momentumDecay`, given('momentumDecay'), 0.004, { min: 0 }),
    weightDecay: numberOr(`${field}.weightDecay`, given('weightDecay'), name === 'adamw' ? 0.01 : 0, { min: 0 }),
    clipNorm: numberOr(`${field}.clipNorm`, obj.clipNorm, 0, { min: 0 }),
    clipValue: numberOr(`${field}.clipValue`, obj.clipValue, 0, { min: 0 }),
  };
}

/** The optimizer spec with only the keys its optimizer reads: what save() writes, and what normalizeOptimizer accepts back. */
export function compactOptimizer(o: NormalizedOptimizer): OptimizerSpec {
  const out: Record<string, unknown> = {};
  for (const key of [...COMMON_OPTIMIZER_KEYS, ...OPTIMIZER_DEFAULTS[o.name].keys]) out[key] = o[key as keyof NormalizedOptimizer];
  return out as unknown as OptimizerSpec;
}

/** Past this many weights a network no longer fits one WebAssembly memory (4 GiB) with its gradients and Adam's slots. */
export const MAX_PARAMETERS = 50_000_000;

/** Refuses networks too large for one wasm memory, before any memory is laid out. */
export function checkModelSize(model: NormalizedModel, field = 'model'): number {
  let count = 0, inDim = model.inputs;
  for (const layer of model.layers) {
    count += (inDim + 1) * layer.units;
    inDim = layer.units;
  }
  if (count > MAX_PARAMETERS) {
    throw new LrlabError('INVALID_OPTION', `${field}.layers`, count, `must hold at most ${MAX_PARAMETERS} parameters in all (this network has ${count})`);
  }
  return count;
}

export function checkLearningRate(field: string, value: unknown): number {
  return checkNumber(field, value, { min: 0, max: MAX_LR });
}

/** Size of one optimizer's state in parameter-sized slots (the same table as assembly/optimizers/index.ts). */
export function slotCountOf(name: OptimizerName): number {
  return name === 'sgd' || name === 'adagrad' ? 1 : name === 'rmsprop' || name === 'adam' || name === 'adamw' ? 3 : 2;
}
