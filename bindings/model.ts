/**
 * A network with its optimizer, on one backend: build it from a spec, fit,
 * evaluate, predict, and save/load weights together with optimizer state.
 */
import { createBackend, BACKENDS, type Backend, type BackendKind, type WasmSource } from './backend/index.js';
import { SCRATCH, TRAIN, VALIDATION } from './backend/types.js';
import { LrlabError } from './errors.js';
import { resolveFitOptions, type FitOptions } from './fit-options.js';
import type { History } from './history.js';
import { decodeModel, encodeModel, type SavedHeader } from './serialize.js';
import {
  normalizeModel, normalizeOptimizer, type ModelSpec, type NormalizedModel, type NormalizedOptimizer, type OptimizerSpec,
} from './spec.js';
import { fitLoop, type TrainingState } from './train.js';
import type { Dataset, Matrix } from './types.js';
import { checkChoice, checkKeys, checkNumber, checkObject } from './validate.js';
import { checkDataset } from './data/check.js';

export interface ModelConfig {
  model: ModelSpec;
  optimizer?: OptimizerSpec; // default { name: 'sgd' }
  /** Seeds the initial weights and every epoch's shuffle. Default 0. */
  seed?: number;
  backend?: BackendKind; // default 'wasm'
  /** Where to load lrlab.wasm from (a URL, bytes or a compiled module); default: the file in build/. */
  wasm?: WasmSource;
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
  /** The current base learning rate: the optimizer's lr until a callback or a policy changes it. */
  lr: number;
  /** Epochs completed over all fits; the next fit starts here (unless told otherwise). */
  epochsTrained = 0;
  readonly #backend: Backend;

  private constructor(backend: Backend, seed: number) {
    this.#backend = backend;
    this.spec = backend.model;
    this.optimizer = backend.optimizer;
    this.seed = seed;
    this.lr = backend.optimizer.lr;
  }

  /** Validates the config, builds the network and draws its initial weights from the seed. */
  static async create(config: ModelConfig): Promise<Model> {
    const obj = checkObject('config', config);
    checkKeys('config', obj, CONFIG_KEYS);
    const model = normalizeModel(obj.model, 'model');
    const optimizer = normalizeOptimizer(obj.optimizer ?? { name: 'sgd' }, 'optimizer');
    const seed = obj.seed === undefined ? 0 : checkNumber('seed', obj.seed, { min: 0, max: 0xffffffff, integer: true });
    const kind = obj.backend === undefined ? 'wasm' : checkChoice('backend', obj.backend, BACKENDS);
    const backend = await createBackend(kind, model, optimizer, MIN_BATCH_CAPACITY, config.wasm);
    backend.initParams(seed);
    return new Model(backend, seed);
  }

  /** Rebuilds a model saved with save(): weights, optimizer state, lr, step and epoch count. */
  static async load(bytes: Uint8Array, options: { backend?: BackendKind; wasm?: WasmSource } = {}): Promise<Model> {
    const { header, scalars, params, slots } = decodeModel(bytes);
    const model = await Model.create({
      model: header.model, optimizer: header.optimizer, seed: header.seed, backend: options.backend, wasm: options.wasm,
    });
    const backend = model.#backend;
    if (backend.paramCount !== header.paramCount || backend.slotCount !== header.slotCount) {
      throw new LrlabError('CORRUPT_FILE', 'bytes', bytes, `holds ${header.paramCount} parameters and ${header.slotCount} slots, but its specs build ${backend.paramCount} and ${backend.slotCount}`);
    }
    backend.params().set(params);
    for (let k = 0; k < backend.slotCount; k++) backend.slot(k).set(slots.subarray(k * backend.paramCount, (k + 1) * backend.paramCount));
    backend.scalars().set(scalars);
    model.lr = header.lr;
    model.epochsTrained = header.epochsTrained;
    return model;
  }

  get backend(): BackendKind {
    return this.#backend.kind;
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
    this.#checkData(train, 'train');
    let trainRows = train.x.rows;
    let validation = o.validationData;
    if (validation !== undefined) this.#checkData(validation, 'fit.validationData');
    if (o.validationSplit > 0) {
      trainRows = Math.floor(train.x.rows * (1 - o.validationSplit));
      if (trainRows < 1 || trainRows === train.x.rows) {
        throw new LrlabError('INVALID_OPTION', 'fit.validationSplit', o.validationSplit, `must leave at least one row on each side of ${train.x.rows} rows`);
      }
      validation = sliceRows(train, trainRows, train.x.rows);
    }
    const backend = this.#backend;
    backend.setBatchCapacity(o.batchSize);
    backend.setData(TRAIN, train.x.data.subarray(0, trainRows * train.x.cols), train.y.data.subarray(0, trainRows * train.y.cols), trainRows);
    if (validation) backend.setData(VALIDATION, validation.x.data, validation.y.data, validation.x.rows);
    const state: TrainingState = { backend, seed: this.seed, lr: this.lr, epochsTrained: this.epochsTrained };
    try {
      return await fitLoop(state, { trainRows, validationRows: validation?.x.rows ?? 0 }, o);
    } finally {
      this.lr = state.lr;
      this.epochsTrained = state.epochsTrained;
    }
  }

  evaluate(data: Dataset): Evaluation {
    this.#checkData(data, 'data');
    const backend = this.#backend;
    backend.setData(SCRATCH, data.x.data, data.y.data, data.x.rows);
    const totals = backend.evaluate(SCRATCH);
    const result: Evaluation = { loss: totals.lossSum / data.x.rows };
    const loss = this.spec.loss;
    if (loss === 'categorical_crossentropy') result.accuracy = totals.correct / data.x.rows;
    if (loss === 'binary_crossentropy') result.accuracy = totals.correct / data.y.data.length;
    return result;
  }

  /** The network's outputs for each row of x (probabilities for softmax/sigmoid outputs). */
  predict(x: Matrix): Matrix {
    const inputs = this.spec.inputs;
    if (!x || !(x.data instanceof Float32Array) || x.cols !== inputs || x.data.length !== x.rows * x.cols || x.rows < 1) {
      throw new LrlabError('SHAPE_MISMATCH', 'x', x && { rows: x.rows, cols: x.cols }, `must be a Matrix with ${inputs} columns and rows × cols values`);
    }
    checkFinite('x', x.data);
    const outputs = this.spec.layers[this.spec.layers.length - 1].units;
    const backend = this.#backend;
    backend.setData(SCRATCH, x.data, new Float32Array(x.rows * outputs), x.rows);
    const out = new Float32Array(x.rows * outputs);
    for (let start = 0; start < x.rows; start += backend.batchCapacity) {
      const rows = Math.min(backend.batchCapacity, x.rows - start);
      out.set(backend.predict(SCRATCH, start, rows), start * outputs);
    }
    return { data: out, rows: x.rows, cols: outputs };
  }

  /** Weights, optimizer state, lr, step and epoch count as bytes (see serialize.ts); `extra` is stored as JSON. */
  save(extra?: Record<string, unknown>): Uint8Array {
    const backend = this.#backend;
    const n = backend.paramCount;
    const slots = new Float32Array(backend.slotCount * n);
    for (let k = 0; k < backend.slotCount; k++) slots.set(backend.slot(k), k * n);
    const header: SavedHeader = {
      model: this.spec, optimizer: this.optimizer, seed: this.seed, lr: this.lr, epochsTrained: this.epochsTrained,
      paramCount: n, slotCount: backend.slotCount,
    };
    if (extra) header.extra = extra;
    return encodeModel({ header, scalars: backend.scalars(), params: backend.params(), slots });
  }

  /** The raw backend, for gradient checks and tools that need the views. */
  get internals(): Backend {
    return this.#backend;
  }

  #checkData(data: Dataset, field: string): void {
    checkDataset(data, field);
    const outputs = this.spec.layers[this.spec.layers.length - 1].units;
    if (data.x.cols !== this.spec.inputs) {
      throw new LrlabError('SHAPE_MISMATCH', `${field}.x.cols`, data.x.cols, `must equal the model's inputs (${this.spec.inputs})`);
    }
    if (data.y.cols !== outputs) {
      throw new LrlabError('SHAPE_MISMATCH', `${field}.y.cols`, data.y.cols, `must equal the units of the last layer (${outputs})`);
    }
  }
}

function checkFinite(field: string, values: Float32Array): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new LrlabError('INVALID_DATA', `${field}[${i}]`, values[i], 'must be finite');
  }
}

function sliceRows(ds: Dataset, from: number, to: number): Dataset {
  const { x, y } = ds;
  return {
    x: { data: x.data.subarray(from * x.cols, to * x.cols), rows: to - from, cols: x.cols },
    y: { data: y.data.subarray(from * y.cols, to * y.cols), rows: to - from, cols: y.cols },
  };
}
