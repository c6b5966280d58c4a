/**
 * A network in the TensorFlow.js Layers format (model.json + weights.bin),
 * which tf.loadLayersModel reads: a Sequential of Dense layers. The kernel is
 * [in, out] row-major and the bias follows, exactly lrlab's parameter layout,
 * so weights.bin is the parameters' bytes as they are (little-endian f32).
 *
 * What the format cannot say is refused rather than approximated: TF.js's ELU
 * layer has no alpha other than 1, and its optimizers keep other state than
 * lrlab's. leaky_relu becomes a linear Dense followed by a LeakyReLU layer.
 * The loss and the preprocessing travel in userDefinedMetadata.lrlab, which
 * TF.js keeps but does not apply: inputs are the network's (prepared) inputs.
 */
import { LrlabError } from '../errors.js';
import type { Preprocessing } from '../preprocessing.js';
import type { LossName, NormalizedModel } from '../spec.js';

export const TFJS_WEIGHTS_FILE = 'weights.bin';

export interface TfjsModelJson {
  format: 'layers-model';
  generatedBy: string;
  convertedBy: null;
  modelTopology: { class_name: 'Sequential'; config: { name: string; layers: TfjsLayer[] }; keras_version: string; backend: string };
  weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: 'float32' }[] }[];
  userDefinedMetadata?: { lrlab: TfjsLrlabMetadata };
}

export interface TfjsLrlabMetadata {
  loss: LossName;
  preprocessing?: Preprocessing;
}

export interface TfjsLayer {
  class_name: string;
  config: Record<string, unknown>;
}

/** model.json as an object and weights.bin as bytes. */
export interface TfjsArtifacts {
  modelJson: TfjsModelJson;
  weights: Uint8Array;
}

export interface TfjsExportOptions {
  /** Also export the optimizer's state. Refused: TF.js's optimizers keep other state than lrlab's. */
  includeOptimizer?: boolean;
}

export function tfjsArtifacts(spec: NormalizedModel, params: Float32Array, preprocessing: Preprocessing | undefined, options: TfjsExportOptions = {}): TfjsArtifacts {
  if (options.includeOptimizer) {
    throw new LrlabError('INVALID_OPTION', 'includeOptimizer', true,
      "cannot be exported to TF.js: its optimizers' state (and update rules) differ from lrlab's, so the weights are exported without it");
  }
  const layers: TfjsLayer[] = [];
  const weights: TfjsModelJson['weightsManifest'][0]['weights'] = [];
  let inputs = spec.inputs;
  spec.layers.forEach((layer, i) => {
    const field = `model.layers[${i}].activation`;
    if (layer.activation === 'elu' && layer.alpha !== 1) {
      throw new LrlabError('INVALID_OPTION', field, `elu (alpha ${layer.alpha})`, "cannot be exported to TF.js: its ELU supports only alpha 1");
    }
    const name = `dense_${i + 1}`;
    const config: Record<string, unknown> = {
      units: layer.units, activation: layer.activation === 'leaky_relu' ? 'linear' : layer.activation, use_bias: true, name, trainable: true, dtype: 'float32',
    };
    if (i === 0) config.batch_input_shape = [null, inputs];
    layers.push({ class_name: 'Dense', config });
    if (layer.activation === 'leaky_relu') layers.push({ class_name: 'LeakyReLU', config: { alpha: layer.alpha, name: `leaky_re_lu_${i + 1}`, trainable: true, dtype: 'float32' } });
    weights.push({ name: `${name}/kernel`, shape: [inputs, layer.units], dtype: 'float32' }, { name: `${name}/bias`, shape: [layer.units], dtype: 'float32' });
    inputs = layer.units;
  });
  const lrlab: TfjsLrlabMetadata = { loss: spec.loss };
  if (preprocessing) lrlab.preprocessing = preprocessing;
  const modelJson: TfjsModelJson = {
    format: 'layers-model', generatedBy: 'lrlab', convertedBy: null,
    modelTopology: { class_name: 'Sequential', config: { name: 'lrlab', layers }, keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' },
    weightsManifest: [{ paths: [TFJS_WEIGHTS_FILE], weights }],
    userDefinedMetadata: { lrlab },
  };
  return { modelJson, weights: littleEndianBytes(params) };
}

/** The f32 values as little-endian bytes (what TF.js reads) whatever the machine's byte order. */
export function littleEndianBytes(values: Float32Array): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return bytes;
}
