/**
 * The pure-TypeScript backend: the same network as the wasm one on
 * Float32Arrays, written to be read. It is the reference the tests compare
 * against and the pure-JS side of every benchmark.
 */
import { TRAIN, checkRows, type Backend, type DataSlot, type Totals } from '../types.js';
import type { NormalizedModel, NormalizedOptimizer } from '../../spec.js';
import { slotCountOf } from '../../spec.js';
import { createRng } from '../../random.js';
import { gemmNN, gemmNT, gemmTN } from './gemm.js';
import { activationBackward, activationForward } from './activations.js';
import { lossAndGradient } from './losses.js';
import { applyUpdate, type LrRange, type OptimizerState } from './optimizers.js';
import { initFill } from './init.js';

interface Layer {
  inDim: number;
  outDim: number;
  w: number; // offset of W in params/grads
  b: number; // offset of b
  z: Float32Array; // pre-activations, batch × out
  a: Float32Array; // activations (the same array as z for linear)
}

interface DataSet {
  x: Float32Array;
  y: Float32Array;
  rows: number;
}

export class JsBackend implements Backend {
  readonly kind = 'js' as const;
  readonly paramCount: number;
  readonly slotCount: number;
  #batchCapacity = 0;
  #layers: Layer[] = [];
  readonly #state: OptimizerState;
  readonly #lrRanges?: LrRange[]; // per layer, only when some layer has an lrScale ≠ 1
  readonly #slotsFlat: Float32Array;
  #batchX = new Float32Array(0);
  #batchY = new Float32Array(0);
  #d0 = new Float32Array(0);
  #d1 = new Float32Array(0);
  #data: (DataSet | undefined)[] = [undefined, undefined, undefined];
  #perm = new Int32Array(0);
  #correct = 0;
  #epochCorrect = 0;

  constructor(readonly model: NormalizedModel, readonly optimizer: NormalizedOptimizer, batchCapacity: number) {
    let count = 0;
    let inDim = model.inputs;
    const offsets = model.layers.map((layer) => {
      const w = count;
      count += inDim * layer.units;
      const b = count;
      count += layer.units;
      const entry = { inDim, outDim: layer.units, w, b };
      inDim = layer.units;
      return entry;
    });
    this.paramCount = count;
    if (model.layers.some((layer) => layer.lrScale !== 1)) {
      this.#lrRanges = offsets.map((o, l) => ({ from: o.w, to: o.b + o.outDim, scale: Math.fround(model.layers[l].lrScale) }));
    }
    this.slotCount = slotCountOf(optimizer.name);
    this.#slotsFlat = new Float32Array(this.slotCount * count);
    this.#state = {
      p: new Float32Array(count),
      g: new Float32Array(count),
      slots: Array.from({ length: this.slotCount }, (_, k) => this.#slotsFlat.subarray(k * count, (k + 1) * count)),
      scalars: new Float64Array(8),
    };
    this.#layers = offsets.map((o) => ({ ...o, z: new Float32Array(0), a: new Float32Array(0) }));
    this.setBatchCapacity(batchCapacity);
    this.resetOptimizer();
  }

  get batchCapacity(): number {
    return this.#batchCapacity;
  }

  params(): Float32Array { return this.#state.p; }
  grads(): Float32Array { return this.#state.g; }
  slot(k: number): Float32Array { return this.#state.slots[k]; }
  scalars(): Float64Array { return this.#state.scalars; }

  initParams(seed: number): void {
    const rng = createRng(seed >>> 0, 0);
    const p = this.#state.p;
    this.model.layers.forEach((spec, l) => {
      const { inDim, outDim, w, b } = this.#layers[l];
      initFill(p.subarray(w, w + inDim * outDim), spec.init, inDim, outDim, rng);
      p.fill(0, b, b + outDim);
    });
  }

  resetOptimizer(): void {
    this.#slotsFlat.fill(0);
    this.#state.scalars.fill(0);
    this.#state.scalars[1] = 1;
    if (this.optimizer.name === 'adagrad') this.#state.slots[0].fill(this.optimizer.initialAccumulator);
  }

  setBatchCapacity(rows: number): void {
    if (rows <= this.#batchCapacity) return;
    this.#batchCapacity = rows;
    let widest = this.model.inputs;
    this.model.layers.forEach((spec, l) => {
      const layer = this.#layers[l];
      layer.z = new Float32Array(rows * layer.outDim);
      layer.a = spec.activation === 'linear' ? layer.z : new Float32Array(rows * layer.outDim);
      widest = Math.max(widest, layer.outDim);
    });
    this.#batchX = new Float32Array(rows * this.model.inputs);
    this.#batchY = new Float32Array(rows * this.#outDim());
    this.#d0 = new Float32Array(rows * widest);
    this.#d1 = new Float32Array(rows * widest);
  }

  setData(slot: DataSlot, x: Float32Array, y: Float32Array, rows: number): void {
    if (slot === TRAIN) {
      this.#data = [undefined, undefined, undefined];
      this.#perm = new Int32Array(rows);
    }
    this.#data[slot] = { x: Float32Array.from(x), y: Float32Array.from(y), rows };
  }

  beginEpoch(seed: number, epoch: number, shuffle: boolean): void {
    const perm = this.#perm;
    this.#epochCorrect = 0;
    for (let i = 0; i < perm.length; i++) perm[i] = i;
    if (!shuffle) return;
    const rng = createRng(seed >>> 0, epoch + 1);
    for (let i = perm.length - 1; i > 0; i--) {
      const j = rng.nextU32() % (i + 1);
      const t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
  }

  trainBatch(start: number, rows: number, lr: number): number {
    const data = this.#data[TRAIN]!;
    const inDim = this.model.inputs, outDim = this.#outDim();
    for (let r = 0; r < rows; r++) {
      const row = this.#perm[start + r];
      copyRow(this.#batchX, r * inDim, data.x, row * inDim, inDim);
      copyRow(this.#batchY, r * outDim, data.y, row * outDim, outDim);
    }
    const loss = this.#gradients(this.#batchX, 0, this.#batchY, 0, rows);
    this.#epochCorrect += this.#correct;
    applyUpdate(this.optimizer, this.#state, lr, this.#lrRanges);
    return loss;
  }

  trainBatches(first: number, count: number, batchSize: number, lrs: Float64Array, losses: Float64Array, bound: number): number {
    const rows = this.#data[TRAIN]!.rows;
    for (let i = 0; i < count; i++) {
      const start = (first + i) * batchSize;
      const loss = this.trainBatch(start, Math.min(batchSize, rows - start), lrs[i]);
      losses[i] = loss;
      if (!Number.isFinite(loss) || loss > bound) return i + 1;
    }
    return count;
  }

  epochCorrect(): number {
    return this.#epochCorrect;
  }

  computeGradients(slot: DataSlot, start: number, rows: number): number {
    checkRows(this, slot, start, rows, this.#data[slot]?.rows ?? 0);
    const data = this.#data[slot]!;
    return this.#gradients(data.x, start * this.model.inputs, data.y, start * this.#outDim(), rows);
  }

  evaluate(slot: DataSlot): Totals {
    const data = this.#data[slot]!;
    let lossSum = 0, correct = 0;
    for (let start = 0; start < data.rows; start += this.#batchCapacity) {
      const rows = Math.min(this.#batchCapacity, data.rows - start);
      this.#forward(data.x, start * this.model.inputs, rows);
      const last = this.#layers[this.#layers.length - 1];
      const r = lossAndGradient(this.model.loss, last.z, last.a, data.y, start * this.#outDim(), null, rows, last.outDim);
      lossSum += r.loss;
      correct += r.correct;
    }
    this.#correct = correct;
    return { lossSum, correct };
  }

  predict(slot: DataSlot, start: number, rows: number): Float32Array {
    checkRows(this, slot, start, rows, this.#data[slot]?.rows ?? 0);
    this.#forward(this.#data[slot]!.x, start * this.model.inputs, rows);
    return this.#layers[this.#layers.length - 1].a.subarray(0, rows * this.#outDim());
  }

  #outDim(): number {
    return this.#layers[this.#layers.length - 1].outDim;
  }

  #forward(x: Float32Array, xo: number, rows: number): void {
    const p = this.#state.p;
    let input = x, io = xo;
    this.model.layers.forEach((spec, l) => {
      const { inDim, outDim, w, b, z, a } = this.#layers[l];
      for (let r = 0; r < rows; r++) copyRow(z, r * outDim, p, b, outDim);
      gemmNN(z, 0, input, io, p, w, rows, inDim, outDim);
      activationForward(spec.activation, spec.alpha, z, a, rows, outDim);
      input = a;
      io = 0;
    });
  }

  /** Forward, loss, backward (as assembly/network.ts gradients); returns the mean loss. */
  #gradients(x: Float32Array, xo: number, y: Float32Array, yo: number, rows: number): number {
    const { p, g } = this.#state;
    const layers = this.#layers, specs = this.model.layers;
    this.#forward(x, xo, rows);
    const lastIndex = layers.length - 1;
    const last = layers[lastIndex];
    let d = this.#d0, other = this.#d1;
    const r = lossAndGradient(this.model.loss, last.z, last.a, y, yo, d, rows, last.outDim);
    this.#correct = r.correct;
    const act = specs[lastIndex].activation;
    const fused = (this.model.loss === 'categorical_crossentropy' && act === 'softmax') ||
      (this.model.loss === 'binary_crossentropy' && act === 'sigmoid');
    if (!fused) activationBackward(act, specs[lastIndex].alpha, last.z, last.a, d, rows, last.outDim);
    for (let l = lastIndex; l >= 0; l--) {
      const { inDim, outDim, w, b } = layers[l];
      const input = l === 0 ? x : layers[l - 1].a;
      const io = l === 0 ? xo : 0;
      gemmTN(g, w, input, io, d, 0, inDim, rows, outDim);
      g.fill(0, b, b + outDim);
      for (let row = 0; row < rows; row++) for (let j = 0; j < outDim; j++) g[b + j] += d[row * outDim + j];
      if (l === 0) break;
      other.fill(0, 0, rows * inDim);
      gemmNT(other, 0, d, 0, p, w, rows, outDim, inDim);
      const below = layers[l - 1];
      activationBackward(specs[l - 1].activation, specs[l - 1].alpha, below.z, below.a, other, rows, inDim);
      const t = d; d = other; other = t;
    }
    return r.loss / rows;
  }
}

/** dst[at … at+n) = src[from … from+n), without the subarray views that .set would allocate per row. */
function copyRow(dst: Float32Array, at: number, src: Float32Array, from: number, n: number): void {
  for (let j = 0; j < n; j++) dst[at + j] = src[from + j];
}
