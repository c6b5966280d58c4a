/**
 * A network with its optimizer, on one backend: build it from a spec, fit,
 * evaluate, predict, and save/load weights together with optimizer state.
 */
import { createBackend, BACKENDS, type Backend, type BackendKind, type WasmSource } from './backend/index.js';
import { WasmBackend } from './backend/wasm.js';
import { SCRATCH, TRAIN, VALIDATION, type DataSlot } from './backend/types.js';
import { LrlabError } from './errors.js';
import { resolveFitOptions, type FitOptions } from './fit-options.js';
import type { History } from './history.js';
import { decodeModel, encodeModel, type SavedHeader } from './serialize.js';
import {
  checkLearningRate, compactOptimizer, normalizeModel, normalizeOptimizer, type ModelSpec, type NormalizedModel, type NormalizedOptimizer, type OptimizerSpec,
} from './spec.js';
import { fitLoop, type TrainingState } from './train.js';
import { checkPolicyState, initialPolicyState, type PolicyState } from './lr-policy.js';
import type { Dataset, Matrix } from './types.js';
import { checkBoolean, checkChoice, checkKeys, checkNumber, checkObject } from './validate.js';
import { checkDataset, nonFiniteError } from './data/check.js';
import { onnxModel, type OnnxExportOptions } from './formats/onnx.js';
import { tfjsArtifacts, type TfjsArtifacts, type TfjsExportOptions } from './formats/tfjs-export.js';
import { checkPreprocessing, rowsToMatrix, standardizeInputs, type Preprocessing, type RawRows } from './preprocessing.js';

export interface ModelConfig {
  model: ModelSpec;
  optimizer?: OptimizerSpec; // default { name: 'sgd' }
  /** Seeds the initial weights and every epoch's shuffle. Default 0. */
  seed?: number;
  backend?: BackendKind; // default 'wasm'
  /** Where to load lrlab.wasm from (a URL, bytes or a compiled module); default: the file in build/. */
  wasm?: WasmSource;
}

export interface PredictOptions {
  /** The rows are already the network's input (standardized as at training): apply no preprocessing. Default false. */
  prepared?: boolean;
}

export interface Evaluation {
  loss: number;
  accuracy?: number;
}

const CONFIG_KEYS = ['model', 'optimizer', 'seed', 'backend', 'wasm'];
const MIN_BATCH_CAPACITY = 256; // evaluate/predict run in chunks of this many rows

export class Model {
  readonly spec: NormalizedModel;
  readonly optimizer: NormalizedOptimizer;
  readonly seed: number;
  /** Epochs completed over all fits; the next fit starts here (unless told otherwise). */
  epochsTrained = 0;
  /** The LR policy's state (scale, plateau, early stopping): carried from fit to fit and saved with the model. */
  policy: PolicyState = initialPolicyState();
  #live: Backend | undefined;
  #preprocessing: Preprocessing | undefined;
  /** During a threaded fit: brings the optimizer state of the workers' parameter ranges into #backend. */
  #gatherThreads: (() => void) | undefined;

  private constructor(backend: Backend, seed: number) {
    this.#live = backend;
    this.spec = backend.model;
    this.optimizer = backend.optimizer;
    this.seed = seed;
  }

  /** Validates the config, builds the network and draws its initial weights from the seed. */
  static async create(config: ModelConfig): Promise<Model> {
    const obj = checkObject('config', config);
    checkKeys('config', obj, CONFIG_KEYS);
    const model = normalizeModel(obj.model, 'model');
    const optimizer = normalizeOptimizer(obj.optimizer ?? { name: 'sgd' }, 'optimizer');
    const seed = obj.seed === undefined ? 0 : checkNumber('seed', obj.seed, { min: 0, max: 0xffffffff, integer: true });
    const kind = obj.backend === undefined ? 'wasm' : checkChoice('backend', obj.backend, BACKENDS);
    const backend = await createBackend(kind, model, optimizer, MIN_BATCH_CAPACITY, obj.wasm as ModelConfig['wasm']);
    backend.initParams(seed);
    return new Model(backend, seed);
  }

  /** Rebuilds a model saved with save(): weights, optimizer state, LR policy state, step and epoch count. */
  /** `source` names the bytes in errors (a file path; default "bytes"). */
  static async load(bytes: Uint8Array, options: { backend?: BackendKind; wasm?: WasmSource; source?: string } = {}): Promise<Model> {
    const { header, scalars, params, slots } = decodeModel(bytes, options.source);
    const model = await Model.create({
      model: header.model, optimizer: header.optimizer, seed: header.seed, backend: options.backend, wasm: options.wasm,
    });
    const backend = model.#backend;
    if (backend.paramCount !== header.paramCount || backend.slotCount !== header.slotCount) {
      throw new LrlabError('CORRUPT_FILE', options.source ?? 'bytes', bytes, `holds ${header.paramCount} parameters and ${header.slotCount} slots, but its specs build ${backend.paramCount} and ${backend.slotCount}`);
    }
    backend.params().set(params);
    for (let k = 0; k < backend.slotCount; k++) backend.slot(k).set(slots.subarray(k * backend.paramCount, (k + 1) * backend.paramCount));
    backend.scalars().set(scalars);
    model.policy = checkPolicyState(header.policy, 'bytes.policy');
    model.epochsTrained = header.epochsTrained;
    // Files saved before the preprocessing was recorded have none: their predict takes prepared inputs.
    if (header.preprocessing !== undefined) model.#preprocessing = checkPreprocessing(header.preprocessing, model.spec, 'bytes.preprocessing');
    return model;
  }

  /** Feature names, standardization and label encoding of the data it was trained on (runExperiment sets it); saved with the model. */
  get preprocessing(): Preprocessing | undefined {
    return this.#preprocessing && structuredClone(this.#preprocessing);
  }

  set preprocessing(value: Preprocessing | undefined) {
    this.#preprocessing = value === undefined ? undefined : checkPreprocessing(value, this.spec);
  }

  get backend(): BackendKind {
    return this.#backend.kind;
  }

  /** The LR before any schedule: the optimizer's lr times the scale that plateau and callbacks move. */
  get lr(): number {
    return this.optimizer.lr * this.policy.scale;
  }

  /** Sets the LR for the next fit by moving the scale (a schedule still shapes it from there). */
  set lr(value: number) {
    const lr = checkLearningRate('lr', value);
    if (this.optimizer.lr === 0) {
      throw new LrlabError('INVALID_OPTION', 'lr', value, 'cannot be set when the optimizer lr is 0 (the LR is optimizer lr × scale)');
    }
    this.policy.scale = lr / this.optimizer.lr;
  }

  /** Optimizer steps taken so far. */
  get step(): number {
    return this.#backend.scalars()[0];
  }

  get paramCount(): number {
    return this.#backend.paramCount;
  }

  /** A copy of every weight, layer by layer: W [in×out] row-major, then b. */
  getWeights(): Float32Array {
    return this.#backend.params().slice();
  }

  setWeights(weights: Float32Array): void {
    if (!(weights instanceof Float32Array) || weights.length !== this.paramCount) {
      throw new LrlabError('SHAPE_MISMATCH', 'weights', weights, `must be a Float32Array of ${this.paramCount} values`);
    }
    checkFinite('weights', weights);
    this.#backend.params().set(weights);
  }

  /** Trains on `train`; resolves to the History (status 'diverged' rather than an exception when the loss blows up). */
  async fit(train: Dataset, options: FitOptions): Promise<History> {
    const o = resolveFitOptions(options);
    const backend = this.#backend;
    // The wasm backend scans for NaN/Infinity in wasm once the rows are copied in, before any step (below).
    const scanHere = !(backend instanceof WasmBackend);
    this.checkData(train, 'train', scanHere);
    let trainRows = train.x.rows;
    let validation = o.validationData;
    if (validation !== undefined) this.checkData(validation, 'fit.validationData', scanHere);
    if (o.validationSplit > 0) {
      trainRows = Math.floor(train.x.rows * (1 - o.validationSplit));
      if (trainRows < 1 || trainRows === train.x.rows) {
        throw new LrlabError('INVALID_OPTION', 'fit.validationSplit', o.validationSplit, `must leave at least one row on each side of ${train.x.rows} rows`);
      }
      validation = sliceRows(train, trainRows, train.x.rows);
    }
    // A batch larger than the data is the whole data (as Keras); the buffers never need more rows.
    const capacity = Math.min(o.batchSize, trainRows);
    checkBatchCapacity(this.spec, capacity, 'fit.batchSize');
    backend.setBatchCapacity(capacity);
    backend.setData(TRAIN, train.x.data.subarray(0, trainRows * train.x.cols), train.y.data.subarray(0, trainRows * train.y.cols), trainRows);
    if (validation) backend.setData(VALIDATION, validation.x.data, validation.y.data, validation.x.rows);
    if (backend instanceof WasmBackend) {
      scanCopied(backend, TRAIN, train, 'train', 0);
      // Rows split off for validation are rows of train, and named so.
      if (validation) scanCopied(backend, VALIDATION, validation, o.validationData ? 'fit.validationData' : 'train', o.validationData ? 0 : trainRows);
    }
    const threaded = o.threads > 1 ? await startThreads(backend, o.threads, train, trainRows) : undefined;
    const state: TrainingState = { backend: threaded ?? backend, seed: this.seed, epochsTrained: this.epochsTrained, policy: this.policy };
    this.#gatherThreads = threaded && (() => threaded.gatherSlots());
    try {
      return await fitLoop(state, { trainRows, validationRows: validation?.x.rows ?? 0 }, o);
    } finally {
      this.epochsTrained = state.epochsTrained;
      this.#gatherThreads = undefined;
      await threaded?.close();
    }
  }

  /** Loss (and accuracy) on prepared data: x as the network takes it, y in the model's output order. */
  evaluate(data: Dataset): Evaluation {
    const backend = this.#backend;
    // As in fit: the wasm backend scans for NaN/Infinity in wasm, on the rows it copied in.
    const wasm = backend instanceof WasmBackend;
    this.checkData(data, 'data', !wasm);
    backend.setData(SCRATCH, data.x.data, data.y.data, data.x.rows);
    if (wasm) scanCopied(backend, SCRATCH, data, 'data', 0);
    const totals = backend.evaluate(SCRATCH);
    const result: Evaluation = { loss: totals.lossSum / data.x.rows };
    const loss = this.spec.loss;
    if (loss === 'categorical_crossentropy') result.accuracy = totals.correct / data.x.rows;
    if (loss === 'binary_crossentropy') result.accuracy = totals.correct / data.y.data.length;
    return result;
  }

  /**
   * The network's outputs for each row (probabilities for softmax/sigmoid
   * outputs). Rows are raw: a Matrix or arrays in feature order, or objects
   * keyed by feature name, standardized as the training rows were, unless
   * `prepared` says they already are.
   */
  predict(rows: RawRows, options: PredictOptions = {}): Matrix {
    const backend = this.#backend;
    const o = checkObject('options', options);
    checkKeys('options', o, ['prepared']);
    const prepared = checkBoolean('options.prepared', o.prepared, false);
    const inputs = this.spec.inputs;
    let x = rowsToMatrix(this.#preprocessing, rows, inputs, 'x');
    if (!x || !(x.data instanceof Float32Array) || x.cols !== inputs || x.data.length !== x.rows * x.cols || x.rows < 1) {
      throw new LrlabError('SHAPE_MISMATCH', 'x', x && { rows: x.rows, cols: x.cols }, `must be a Matrix with ${inputs} columns and rows × cols values`);
    }
    checkFinite('x', x.data);
    if (!prepared) x = standardizeInputs(this.#preprocessing, x);
    const outputs = this.spec.layers[this.spec.layers.length - 1].units;
    backend.setData(SCRATCH, x.data, new Float32Array(x.rows * outputs), x.rows);
    const out = new Float32Array(x.rows * outputs);
    for (let start = 0; start < x.rows; start += backend.batchCapacity) {
      const rows = Math.min(backend.batchCapacity, x.rows - start);
      out.set(backend.predict(SCRATCH, start, rows), start * outputs);
    }
    return { data: out, rows: x.rows, cols: outputs };
  }

  /** Weights, optimizer state, LR policy state, step and epoch count as bytes (see serialize.ts); `extra` is stored as JSON. */
  save(extra?: Record<string, unknown>): Uint8Array {
    this.#gatherThreads?.();
    const backend = this.#backend;
    const n = backend.paramCount;
    const slots = new Float32Array(backend.slotCount * n);
    for (let k = 0; k < backend.slotCount; k++) slots.set(backend.slot(k), k * n);
    const header: SavedHeader = {
      model: this.spec, optimizer: compactOptimizer(this.optimizer), seed: this.seed, policy: this.policy, epochsTrained: this.epochsTrained,
      paramCount: n, slotCount: backend.slotCount,
    };
    if (this.#preprocessing) header.preprocessing = this.#preprocessing;
    if (extra) header.extra = extra;
    return encodeModel({ header, scalars: backend.scalars(), params: backend.params(), slots });
  }

  /** model.json and weights.bin of the TensorFlow.js Layers format (see formats/tfjs-export.ts for what it keeps). */
  toTfjs(options?: TfjsExportOptions): TfjsArtifacts {
    return tfjsArtifacts(this.spec, this.getWeights(), this.#preprocessing, options);
  }

  /** The ONNX model (opset 13: Gemm and activation nodes, the standardization in front); see formats/onnx.ts. */
  toOnnx(options?: OnnxExportOptions): Uint8Array {
    return onnxModel(this.spec, this.getWeights(), this.#preprocessing, options);
  }

  /** The raw backend, for gradient checks and tools that need the views. */
  get internals(): Backend {
    return this.#backend;
  }

  /**
   * Frees the model (as TF.js model.dispose()): its WebAssembly instance goes
   * to the next Model.create or Model.load, which lays it out anew and so skips
   * paging in fresh memory. Any later use of this model throws; views from
   * predict() or internals are stale. Call it when a fit's result is read.
   */
  dispose(): void {
    const backend = this.#live;
    this.#live = undefined;
    if (backend instanceof WasmBackend) backend.release();
  }

  get #backend(): Backend {
    if (this.#live === undefined) throw new LrlabError('DISPOSED', 'model', 'disposed', 'was disposed: create or load a new model');
    return this.#live;
  }

  /** Throws LrlabError unless `data` fits this model (shapes, finite values unless `values` is false, label range). */
  checkData(data: Dataset, field = 'data', values = true): void {
    checkDataset(data, field, values);
    const outputs = this.spec.layers[this.spec.layers.length - 1].units;
    if (data.x.cols !== this.spec.inputs) {
      throw new LrlabError('SHAPE_MISMATCH', `${field}.x.cols`, data.x.cols, `must equal the model's inputs (${this.spec.inputs})`);
    }
    if (data.y.cols !== outputs) {
      throw new LrlabError('SHAPE_MISMATCH', `${field}.y.cols`, data.y.cols, `must equal the units of the last layer (${outputs})`);
    }
  }
}

/** Each layer keeps batch × units activations (twice) and gradients: bound them so memory stays sane. */
const MAX_BATCH_VALUES = 1 << 24;

export function checkBatchCapacity(spec: NormalizedModel, rows: number, field: string): void {
  const widest = spec.layers.reduce((w, l) => Math.max(w, l.units), spec.inputs);
  if (rows * widest > MAX_BATCH_VALUES) {
    throw new LrlabError('INVALID_OPTION', field, rows, `must keep batch rows × the widest layer (${widest}) at most ${MAX_BATCH_VALUES}`);
  }
}

function checkFinite(field: string, values: Float32Array): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new LrlabError('INVALID_DATA', `${field}[${i}]`, values[i], 'must be finite');
  }
}

/** Throws the data check's error for the first NaN/Infinity in a slot's copied rows; `rowOffset` numbers them as rows of `field`. */
function scanCopied(backend: WasmBackend, slot: DataSlot, ds: Dataset, field: string, rowOffset: number): void {
  for (const part of ['x', 'y'] as const) {
    const i = backend.firstNonFinite(slot, part);
    const { cols, data } = ds[part];
    if (i >= 0) throw nonFiniteError(`${field}.${part}`, cols, i + rowOffset * cols, data[i]);
  }
}

function sliceRows(ds: Dataset, from: number, to: number): Dataset {
  const { x, y } = ds;
  return {
    x: { data: x.data.subarray(from * x.cols, to * x.cols), rows: to - from, cols: x.cols },
    y: { data: y.data.subarray(from * y.cols, to * y.cols), rows: to - from, cols: y.cols },
  };
}

/** The workers of a threaded fit (loaded only when asked for: Node worker threads, or Web Workers in the browser build). */
async function startThreads(backend: Backend, threads: number, train: Dataset, rows: number) {
  if (!(backend instanceof WasmBackend)) {
    throw new LrlabError('INVALID_OPTION', 'fit.threads', threads, `needs the wasm backend (this model is on '${backend.kind}')`);
  }
  const { startThreads: start } = await import('./backend/threads-node.js');
  return start(backend, threads, {
    x: train.x.data.subarray(0, rows * train.x.cols), y: train.y.data.subarray(0, rows * train.y.cols), rows,
  });
}
