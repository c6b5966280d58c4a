/**
 * A Dense-only TensorFlow.js Layers model (model.json + its weights) as an
 * lrlab Model, to go on training it: a Sequential of InputLayer, Dense and the
 * activation layers that follow a linear Dense (LeakyReLU, ELU, ReLU,
 * Activation, Softmax). Anything else is refused, naming the layer. TF.js's
 * optimizer state is not carried over: the model starts with a fresh optimizer.
 */
import { LrlabError } from '../errors.js';
import { Model } from '../model.js';
import { ACTIVATIONS, LOSSES, type Activation, type LayerSpec, type LossName, type OptimizerSpec } from '../spec.js';
import type { BackendKind, WasmSource } from '../backend/index.js';
import { checkChoice, checkObject } from '../validate.js';

export interface TfjsImportOptions {
  /** Default: the loss lrlab wrote in userDefinedMetadata, else TF.js's trainingConfig, else from the last activation. */
  loss?: LossName;
  optimizer?: OptimizerSpec;
  seed?: number;
  backend?: BackendKind;
  wasm?: WasmSource;
}

/** TF.js's loss names (camelCase and Keras's snake_case) for lrlab's. */
const LOSS_NAMES: Record<string, LossName> = {
  mse: 'mse', meanSquaredError: 'mse', mean_squared_error: 'mse', mae: 'mae', meanAbsoluteError: 'mae', mean_absolute_error: 'mae',
  categoricalCrossentropy: 'categorical_crossentropy', categorical_crossentropy: 'categorical_crossentropy',
  binaryCrossentropy: 'binary_crossentropy', binary_crossentropy: 'binary_crossentropy',
};

/** `weights` holds the files of the weights manifest joined in its order (for lrlab's export, weights.bin). */
export async function fromTfjs(modelJson: unknown, weights: Uint8Array, options: TfjsImportOptions = {}): Promise<Model> {
  const json = checkObject('modelJson', modelJson);
  const topology = checkObject('modelJson.modelTopology', json.modelTopology);
  if (topology.class_name !== 'Sequential') {
    throw new LrlabError('INVALID_OPTION', 'modelJson.modelTopology.class_name', topology.class_name, 'must be "Sequential": only a chain of Dense layers can be imported');
  }
  const config = topology.config;
  const list = Array.isArray(config) ? config : checkObject('modelJson.modelTopology.config', config).layers;
  if (!Array.isArray(list)) throw new LrlabError('INVALID_OPTION', 'modelJson.modelTopology.config.layers', list, 'must be an array of layers');
  const layers: LayerSpec[] = [];
  let inputs: number | undefined;
  list.forEach((raw, i) => {
    const field = `modelJson.modelTopology.config.layers[${i}]`;
    const layer = checkObject(field, raw);
    const c = checkObject(`${field}.config`, layer.config);
    inputs ??= inputWidth(c.batch_input_shape ?? c.batchInputShape, field);
    const last = layers.at(-1);
    const fold = (activation: Activation, alpha?: number) => {
      if (!last || last.activation !== 'linear') {
        throw new LrlabError('INVALID_OPTION', `${field}.class_name`, layer.class_name, 'must follow a Dense layer with a linear activation (lrlab folds it into that layer)');
      }
      last.activation = activation;
      if (alpha !== undefined) last.alpha = alpha;
    };
    switch (layer.class_name) {
      case 'InputLayer': return;
      case 'Dense':
        if (c.use_bias === false) throw new LrlabError('INVALID_OPTION', `${field}.config.use_bias`, false, 'must be true: lrlab\'s Dense layers all have a bias');
        layers.push({ units: c.units as number, ...activationOf(c.activation ?? 'linear', `${field}.config.activation`) });
        return;
      case 'LeakyReLU': return fold('leaky_relu', c.alpha === undefined ? 0.3 : (c.alpha as number)); // TF.js's default alpha
      case 'ELU':
        if (c.alpha !== undefined && c.alpha !== 1) throw new LrlabError('INVALID_OPTION', `${field}.config.alpha`, c.alpha, 'must be 1 (TF.js runs no other)');
        return fold('elu', 1);
      case 'ReLU':
        if (c.max_value != null || (c.threshold ?? 0) !== 0 || (c.negative_slope ?? 0) !== 0) {
          throw new LrlabError('INVALID_OPTION', `${field}.config`, c, 'must be a plain ReLU (no max_value, threshold or negative_slope)');
        }
        return fold('relu');
      case 'Softmax': return fold('softmax');
      case 'Activation': return fold(activationOf(c.activation, `${field}.config.activation`).activation!);
      default:
        throw new LrlabError('UNKNOWN_OPTION', `${field}.class_name`, layer.class_name, 'must be InputLayer, Dense, LeakyReLU, ELU, ReLU, Softmax or Activation: only Dense networks can be imported');
    }
  });
  if (layers.length === 0) throw new LrlabError('INVALID_OPTION', 'modelJson.modelTopology.config.layers', list, 'must hold at least one Dense layer');
  if (inputs === undefined) throw new LrlabError('INVALID_OPTION', 'modelJson.modelTopology.config.layers[0].config.batch_input_shape', undefined, 'must give the input width, [null, n]');
  const meta = (json.userDefinedMetadata as { lrlab?: { loss?: unknown; preprocessing?: unknown } } | undefined)?.lrlab;
  const model = await Model.create({
    model: { inputs, layers, loss: options.loss ?? lossOf(meta?.loss, json.trainingConfig, layers.at(-1)!.activation!) },
    optimizer: options.optimizer, seed: options.seed, backend: options.backend, wasm: options.wasm,
  });
  model.setWeights(readWeights(json.weightsManifest, weights, model));
  if (meta?.preprocessing !== undefined) model.preprocessing = meta.preprocessing as Model['preprocessing'];
  return model;
}

function inputWidth(shape: unknown, field: string): number | undefined {
  if (shape === undefined) return undefined;
  if (!Array.isArray(shape) || shape.length !== 2 || typeof shape[1] !== 'number') {
    throw new LrlabError('INVALID_OPTION', `${field}.config.batch_input_shape`, shape, 'must be [null, n]: a Dense network takes flat rows');
  }
  return shape[1];
}

function activationOf(name: unknown, field: string): { activation: Activation; alpha?: number } {
  if (typeof name === 'string' && (ACTIVATIONS as readonly string[]).includes(name)) return { activation: name as Activation, ...(name === 'elu' ? { alpha: 1 } : {}) };
  throw new LrlabError('UNKNOWN_OPTION', field, name, `must be one of ${ACTIVATIONS.join(', ')} (as TF.js names them)`);
}

function lossOf(lrlab: unknown, trainingConfig: unknown, last: Activation): LossName {
  if (lrlab !== undefined) return checkChoice('modelJson.userDefinedMetadata.lrlab.loss', lrlab, LOSSES);
  const tfLoss = (trainingConfig as { loss?: unknown } | undefined)?.loss;
  if (typeof tfLoss === 'string') {
    if (!(tfLoss in LOSS_NAMES)) throw new LrlabError('UNKNOWN_OPTION', 'modelJson.trainingConfig.loss', tfLoss, `must be one of ${Object.keys(LOSS_NAMES).join(', ')}; or pass options.loss`);
    return LOSS_NAMES[tfLoss];
  }
  return last === 'softmax' ? 'categorical_crossentropy' : last === 'sigmoid' ? 'binary_crossentropy' : 'mse';
}

/** The manifest's weights in order: a kernel [in, out] then a bias [out] per Dense layer, float32. */
function readWeights(manifest: unknown, bytes: Uint8Array, model: Model): Float32Array {
  if (!Array.isArray(manifest)) throw new LrlabError('INVALID_OPTION', 'modelJson.weightsManifest', manifest, 'must be an array of weight groups');
  const specs = manifest.flatMap((group, g) => {
    const weights = checkObject(`modelJson.weightsManifest[${g}]`, group).weights;
    if (!Array.isArray(weights)) throw new LrlabError('INVALID_OPTION', `modelJson.weightsManifest[${g}].weights`, weights, 'must be an array');
    return weights as { name?: string; shape?: number[]; dtype?: string; quantization?: unknown }[];
  });
  const expected: number[][] = [];
  let inDim = model.spec.inputs;
  for (const layer of model.spec.layers) {
    expected.push([inDim, layer.units], [layer.units]);
    inDim = layer.units;
  }
  if (specs.length !== expected.length) {
    throw new LrlabError('SHAPE_MISMATCH', 'modelJson.weightsManifest', specs.length, `must list ${expected.length} weights (a kernel and a bias per Dense layer)`);
  }
  specs.forEach((s, i) => {
    const field = `modelJson.weightsManifest weight ${JSON.stringify(s.name)}`;
    if ((s.dtype ?? 'float32') !== 'float32' || s.quantization !== undefined) throw new LrlabError('INVALID_OPTION', field, s.dtype, 'must be float32, not quantized');
    if (JSON.stringify(s.shape) !== JSON.stringify(expected[i])) throw new LrlabError('SHAPE_MISMATCH', field, s.shape, `must have the shape [${expected[i].join(', ')}]`);
  });
  if (bytes.length !== model.paramCount * 4) {
    throw new LrlabError('SHAPE_MISMATCH', 'weights', bytes.length, `must hold ${model.paramCount * 4} bytes (${model.paramCount} float32 values)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Float32Array.from({ length: model.paramCount }, (_, i) => view.getFloat32(i * 4, true));
}
