/**
 * The default backend: the network lives in WebAssembly memory and each
 * minibatch is one exported call. TypeScript only writes data in once per fit
 * and reads params/grads/slots through views over the same memory.
 */
import {
  ACTIVATION_CODE, INIT_CODE, LOSS_CODE, OPTIMIZER_CODE, TRAIN, VALIDATION,
  coupledWeightDecay, optimizerFlags, optimizerHyperparameters,
  checkRows, type Backend, type DataSlot, type Totals,
} from './types.js';
import { wasmModule, type WasmExports, type WasmSource } from './wasm-module.js';
import type { NormalizedModel, NormalizedOptimizer } from '../spec.js';

// Instances of disposed models, per compiled module. A new instance's memory is
// paged in by the kernel on first touch (copying a 6 MB data set in took ten
// times as long as into touched memory). A reused one forgets its data sets and
// is laid out anew, as setBatchCapacity lays out a used instance: layout zeroes
// every area a step reads before writing (params, slots, scalars, the zero row,
// the packing scratch). At most two are kept, none over 64 MiB.
const SPARE = new WeakMap<WebAssembly.Module, WasmExports[]>();
const SPARE_COUNT = 2;
const SPARE_BYTES = 64 * 1024 * 1024;
/** Tables of no memory: WasmBackend.#batchTables makes the real ones. */
const NO_TABLES = { lr: new Float32Array(0), loss: new Float64Array(0) };

export class WasmBackend implements Backend {
  readonly kind = 'wasm' as const;
  readonly paramCount: number;
  readonly slotCount: number;
  #batchCapacity: number;
  readonly #wasm: WasmExports;
  readonly #rows = [0, 0, 0];

  private constructor(wasm: WasmExports, readonly module: WebAssembly.Module, readonly model: NormalizedModel, readonly optimizer: NormalizedOptimizer, batchCapacity: number) {
    this.#wasm = wasm;
    wasm.setLayerCount(model.layers.length);
    let inDim = model.inputs;
    model.layers.forEach((layer, l) => {
      wasm.setLayer(l, inDim, layer.units, ACTIVATION_CODE[layer.activation], layer.alpha, INIT_CODE[layer.init]);
      if (layer.lrScale !== 1) wasm.setLayerLrScale(l, layer.lrScale);
      inDim = layer.units;
    });
    wasm.setLoss(LOSS_CODE[model.loss]);
    const [h0, h1, h2, h3] = optimizerHyperparameters(optimizer);
    wasm.setOptimizer(OPTIMIZER_CODE[optimizer.name], optimizerFlags(optimizer), h0, h1, h2, h3,
      coupledWeightDecay(optimizer), optimizer.clipValue, optimizer.clipNorm);
    wasm.layout(batchCapacity);
    wasm.resetOptimizer();
    this.#batchCapacity = batchCapacity;
    this.paramCount = wasm.paramCount();
    this.slotCount = wasm.slotCount();
  }

  static async create(model: NormalizedModel, optimizer: NormalizedOptimizer, batchCapacity: number, source?: WasmSource): Promise<WasmBackend> {
    const module = await wasmModule(source);
    const spare = SPARE.get(module)?.pop();
    spare?.dataReset();
    const wasm = spare ?? (await WebAssembly.instantiate(module, {})).exports as unknown as WasmExports;
    return new WasmBackend(wasm, module, model, optimizer, batchCapacity);
  }

  /** Hands the instance to the next create of the same module (Model.dispose); this backend is not used again. */
  release(): void {
    const spare = SPARE.get(this.module) ?? [];
    if (spare.length < SPARE_COUNT && this.#wasm.memory.buffer.byteLength <= SPARE_BYTES) spare.push(this.#wasm);
    SPARE.set(this.module, spare);
  }

  get batchCapacity(): number {
    return this.#batchCapacity;
  }

  params(): Float32Array {
    return this.#f32(this.#wasm.paramsPtr(), this.paramCount);
  }
  grads(): Float32Array {
    return this.#f32(this.#wasm.gradsPtr(), this.paramCount);
  }
  slot(k: number): Float32Array {
    return this.#f32(this.#wasm.slotsPtr() + 4 * k * this.#wasm.slotStride(), this.paramCount);
  }
  scalars(): Float64Array {
    return new Float64Array(this.#wasm.memory.buffer, this.#wasm.scalarsPtr(), 8);
  }

  initParams(seed: number): void {
    this.#wasm.initParams(seed >>> 0);
  }
  resetOptimizer(): void {
    this.#wasm.resetOptimizer();
  }

  setBatchCapacity(rows: number): void {
    if (rows <= this.#batchCapacity) return;
    // A new layout moves everything: keep the state, lay out, put it back, reload data.
    const params = this.params().slice(), scalars = this.scalars().slice();
    const slots = Array.from({ length: this.slotCount }, (_, k) => this.slot(k).slice());
    const data = [TRAIN, VALIDATION].map((slot) => this.#slotCopy(slot as DataSlot));
    this.#wasm.layout(rows);
    this.#batchCapacity = rows;
    this.params().set(params);
    slots.forEach((values, k) => this.slot(k).set(values));
    this.scalars().set(scalars);
    this.#rows.fill(0);
    data.forEach((d, slot) => d && this.setData(slot as DataSlot, d.x, d.y, d.rows));
  }

  setData(slot: DataSlot, x: Float32Array, y: Float32Array, rows: number): void {
    const w = this.#wasm;
    if (slot === TRAIN) {
      w.dataReset();
      this.#rows.fill(0);
      this.#tables = NO_TABLES;
    }
    w.dataReserve(slot, rows);
    this.#rows[slot] = rows;
    this.#f32(w.dataXPtr(slot), x.length).set(x);
    this.#f32(w.dataYPtr(slot), y.length).set(y);
  }

  /** Index of the first NaN or ±Infinity among a slot's x (or y) values, or −1: the data check in wasm, on the rows as copied in. */
  firstNonFinite(slot: DataSlot, part: 'x' | 'y'): number {
    const w = this.#wasm;
    const cols = part === 'x' ? this.model.inputs : this.model.layers[this.model.layers.length - 1].units;
    return w.firstNonFinite(part === 'x' ? w.dataXPtr(slot) : w.dataYPtr(slot), this.#rows[slot] * cols);
  }

  beginEpoch(seed: number, epoch: number, shuffle: boolean): void {
    this.#wasm.beginEpoch(seed >>> 0, epoch, shuffle ? 1 : 0);
  }
  trainBatch(start: number, rows: number, lr: number): number {
    return this.#wasm.trainBatch(start, rows, lr);
  }
  trainBatches(first: number, count: number, batchSize: number, lrs: Float64Array, losses: Float64Array, bound: number): number {
    const w = this.#wasm;
    const tables = this.#batchTables(count);
    for (let i = 0; i < count; i++) tables.lr[i] = lrs[i]; // rounded to f32 as a trainBatch argument would be
    const done = w.trainBatches(first, count, batchSize, bound);
    for (let i = 0; i < done; i++) losses[i] = tables.loss[i];
    return done;
  }
  /** Views of at least `count` entries of the wasm LR and loss tables: the same ones every epoch (a fit must not allocate per epoch) while memory stays put. */
  #batchTables(count: number): { lr: Float32Array; loss: Float64Array } {
    const w = this.#wasm, t = this.#tables;
    if (t.lr.buffer === w.memory.buffer && t.lr.length >= count) return t;
    return this.#tables = { lr: this.#f32(w.lrTablePtr(), count), loss: new Float64Array(w.memory.buffer, w.lossTablePtr(), count) };
  }
  /** Reset when the train slot is reserved again (the tables move with it); rebuilt when memory grew (the views detach). */
  // Never undefined: the optimized trainBatches of a thread's earlier fits deoptimized on each new fit's first call.
  #tables: { lr: Float32Array; loss: Float64Array } = NO_TABLES;
  epochCorrect(): number {
    return this.#wasm.epochCorrect();
  }
  /** Rows in the train slot. */
  get trainRows(): number {
    return this.#rows[TRAIN];
  }
  /**
   * A thread's part of a data-parallel step (threads.ts): gradients of rows
   * start… of the epoch's order, scaled as part of a batch of batchRows.
   * Returns their summed loss; sliceCorrect() counts their right predictions.
   */
  sliceGradients(start: number, rows: number, batchRows: number): number {
    return this.#wasm.sliceGradients(start, rows, batchRows);
  }
  sliceCorrect(): number {
    return this.#wasm.correctCount();
  }
  /**
   * Scratch memory above the data for n floats, as a view (the same view
   * while nothing moved it). Take it before other views of a step: reserving
   * may grow memory, which detaches them. Valid until the next setData.
   */
  scratch(n: number): Float32Array {
    const w = this.#wasm, at = w.scratchReserve(4 * n);
    if (this.#scratch?.buffer !== w.memory.buffer || this.#scratch.byteOffset !== at || this.#scratch.length !== n) this.#scratch = new Float32Array(w.memory.buffer, at, n);
    return this.#scratch;
  }
  #scratch?: Float32Array;
  /**
   * grads()[from, from + scratch.length) += scratch, one f32 add per element (f32x4 lanes, the
   * bits of a plain loop): a step of the data-parallel sum. `scratch` is the view scratch(n)
   * returned, so a step reserves its scratch once, not once per addition.
   */
  addScratchToGrads(from: number, scratch: Float32Array): void {
    const w = this.#wasm;
    w.addFloats(this.gradsView().byteOffset + 4 * from, scratch.byteOffset, scratch.length); // the view's offset: no crossing per addition
  }
  /** grads() without a new view per call (a step must not allocate); rebuilt only when memory grew. */
  gradsView(): Float32Array {
    if (this.#grads?.buffer !== this.#wasm.memory.buffer) this.#grads = this.grads();
    return this.#grads;
  }
  #grads?: Float32Array;
  /** params(), likewise. */
  paramsView(): Float32Array {
    if (this.#params?.buffer !== this.#wasm.memory.buffer) this.#params = this.params();
    return this.#params;
  }
  #params?: Float32Array;
  /** The optimizer step on the gradients in grads(). */
  applyUpdate(lr: number): void {
    this.#wasm.applyUpdate(lr);
  }
  /**
   * applyUpdate in parts, for threads that each update a range of the
   * parameters (from, to: multiples of 4, the last range ending at the padded
   * paramCount): clips grads [from, to) by value and returns `sum` plus their
   * Σ g² in index order (chained across the ranges, the global sum of clipNorm).
   */
  updateNormPart(from: number, to: number, sum: number): number {
    return this.#wasm.updateNormPart(from, to, sum);
  }
  /** The rest of the update on params [from, to) and their optimizer slots, given the global Σ g² (counts the step, as applyUpdate). */
  updateRange(lr: number, from: number, to: number, sumSquares: number): void {
    this.#wasm.updateRange(lr, from, to, sumSquares);
  }
  computeGradients(slot: DataSlot, start: number, rows: number): number {
    checkRows(this, slot, start, rows, this.#rows[slot]);
    return this.#wasm.computeGradients(slot, start, rows);
  }
  evaluate(slot: DataSlot): Totals {
    const lossSum = this.#wasm.evaluateSlot(slot);
    return { lossSum, correct: this.#wasm.correctCount() };
  }
  predict(slot: DataSlot, start: number, rows: number): Float32Array {
    checkRows(this, slot, start, rows, this.#rows[slot]);
    const out = this.model.layers[this.model.layers.length - 1].units;
    return this.#f32(this.#wasm.predictRows(slot, start, rows), rows * out);
  }

  #f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.#wasm.memory.buffer, ptr, length);
  }

  #slotCopy(slot: DataSlot): { x: Float32Array; y: Float32Array; rows: number } | undefined {
    const rows = this.#rows[slot];
    if (!rows) return undefined;
    const out = this.model.layers[this.model.layers.length - 1].units;
    return {
      x: this.#f32(this.#wasm.dataXPtr(slot), rows * this.model.inputs).slice(),
      y: this.#f32(this.#wasm.dataYPtr(slot), rows * out).slice(),
      rows,
    };
  }
}

