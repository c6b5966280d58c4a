/**
 * A network as an ONNX model (opset 13), which onnxruntime and other ONNX
 * runtimes read: per layer a Gemm (x·W + b, W [in, out] as lrlab stores it)
 * and its activation node (Relu, LeakyRelu, Elu, Sigmoid, Tanh, Softmax on the
 * last axis; none for linear). With a recorded standardization the graph
 * starts with Sub(mean) and Div(std), so it takes raw rows as lrlab's predict
 * does. Input "x" [N, features], output "y" [N, outputs]. The loss and the
 * preprocessing record go in metadata_props under "lrlab". The optimizer state
 * has no place in an inference graph and is refused if asked for.
 *
 * Field numbers are those of onnx/onnx.proto (ModelProto, GraphProto, NodeProto,
 * AttributeProto, TensorProto, ValueInfoProto, TypeProto, TensorShapeProto).
 */
import { LrlabError } from '../errors.js';
import type { Preprocessing } from '../preprocessing.js';
import type { Activation, NormalizedModel } from '../spec.js';
import { bytesField, concat, floatField, messageField, packedField, stringField, varintField } from './protobuf.js';
import { littleEndianBytes } from './tfjs-export.js';

const IR_VERSION = 7; // the IR of opset 13
const OPSET = 13;
const FLOAT = 1; // TensorProto.DataType.FLOAT
const ATTRIBUTE_FLOAT = 1; // AttributeProto.AttributeType.FLOAT
const ATTRIBUTE_INT = 2;

const OPS: Record<Activation, string | null> = {
  linear: null, relu: 'Relu', leaky_relu: 'LeakyRelu', elu: 'Elu', sigmoid: 'Sigmoid', tanh: 'Tanh', softmax: 'Softmax',
};

export interface OnnxExportOptions {
  /** Also export the optimizer's state. Refused: an ONNX inference graph has no place for it. */
  includeOptimizer?: boolean;
  /** Put the standardization in the graph (default true when the model has one). */
  standardize?: boolean;
}

export function onnxModel(spec: NormalizedModel, params: Float32Array, preprocessing: Preprocessing | undefined, options: OnnxExportOptions = {}): Uint8Array {
  if (options.includeOptimizer) {
    throw new LrlabError('INVALID_OPTION', 'includeOptimizer', true, 'cannot be exported to ONNX: an inference graph has no place for the optimizer state, so the weights are exported without it');
  }
  const nodes: Uint8Array[] = [];
  const initializers: Uint8Array[] = [];
  let current = 'x';
  const stats = options.standardize !== false ? preprocessing?.standardize : undefined;
  if (stats) {
    initializers.push(tensor('mean', [spec.inputs], Float32Array.from(stats.mean)), tensor('std', [spec.inputs], Float32Array.from(stats.std)));
    nodes.push(node('Sub', ['x', 'mean'], ['x_centered'], 'standardize_sub'), node('Div', ['x_centered', 'std'], ['x_standardized'], 'standardize_div'));
    current = 'x_standardized';
  }
  let offset = 0, inDim = spec.inputs;
  spec.layers.forEach((layer, i) => {
    const last = i === spec.layers.length - 1;
    const w = `dense_${i + 1}/kernel`, b = `dense_${i + 1}/bias`;
    initializers.push(tensor(w, [inDim, layer.units], params.subarray(offset, offset + inDim * layer.units)));
    offset += inDim * layer.units;
    initializers.push(tensor(b, [layer.units], params.subarray(offset, offset + layer.units)));
    offset += layer.units;
    const op = OPS[layer.activation];
    const gemmOut = last && op === null ? 'y' : `dense_${i + 1}/z`;
    nodes.push(node('Gemm', [current, w, b], [gemmOut], `dense_${i + 1}/gemm`));
    current = gemmOut;
    if (op !== null) {
      const out = last ? 'y' : `dense_${i + 1}/a`;
      const attributes = layer.activation === 'leaky_relu' || layer.activation === 'elu' ? [floatAttribute('alpha', layer.alpha)]
        : layer.activation === 'softmax' ? [intAttribute('axis', 1)] : [];
      nodes.push(node(op, [current], [out], `dense_${i + 1}/${layer.activation}`, attributes));
      current = out;
    }
    inDim = layer.units;
  });
  const graph = [
    ...nodes.map((n) => messageField(1, [n])),
    stringField(2, 'lrlab'),
    ...initializers.map((t) => messageField(5, [t])),
    messageField(11, valueInfo('x', spec.inputs)),
    messageField(12, valueInfo('y', inDim)),
  ];
  const metadata = JSON.stringify({ loss: spec.loss, ...(preprocessing ? { preprocessing } : {}) });
  return concat([
    varintField(1, IR_VERSION),
    stringField(2, 'lrlab'),
    messageField(7, graph),
    messageField(8, [stringField(1, ''), varintField(2, OPSET)]),
    messageField(14, [stringField(1, 'lrlab'), stringField(2, metadata)]),
  ]);
}

function node(op: string, inputs: string[], outputs: string[], name: string, attributes: Uint8Array[] = []): Uint8Array {
  return concat([
    ...inputs.map((s) => stringField(1, s)),
    ...outputs.map((s) => stringField(2, s)),
    stringField(3, name),
    stringField(4, op),
    ...attributes.map((a) => messageField(5, [a])),
  ]);
}

function floatAttribute(name: string, value: number): Uint8Array {
  return concat([stringField(1, name), floatField(2, value), varintField(20, ATTRIBUTE_FLOAT)]);
}

function intAttribute(name: string, value: number): Uint8Array {
  return concat([stringField(1, name), varintField(3, value), varintField(20, ATTRIBUTE_INT)]);
}

/** A float tensor with its values as raw little-endian bytes. */
function tensor(name: string, dims: number[], values: Float32Array): Uint8Array {
  return concat([packedField(1, dims), varintField(2, FLOAT), stringField(8, name), bytesField(9, littleEndianBytes(values))]);
}

/** A float matrix [N, cols] with N symbolic (any batch). */
function valueInfo(name: string, cols: number): Uint8Array[] {
  const dims = [messageField(1, [stringField(2, 'N')]), messageField(1, [varintField(1, cols)])];
  const tensorType = [varintField(1, FLOAT), messageField(2, dims)];
  return [stringField(1, name), messageField(2, [messageField(1, tensorType)])];
}
