/**
 * Data-parallel training of one model on several threads (Node worker threads
 * or, in a cross-origin isolated page, Web Workers): the fit's own wasm backend and `threads − 1` workers, each holding a copy of
 * the model and the training data. Every step, each thread computes the
 * gradients of its slice of the minibatch (scaled as part of the whole batch)
 * and publishes them in shared memory. Each thread owns a fixed contiguous
 * range of the parameters (ownedRanges) and their optimizer slots: it adds up
 * the slices of its range in the fixed order ((g0 + g1) + g2) + …, updates
 * the range, and publishes the new values; then every thread copies in the
 * others' ranges. The sum per element and the elementwise update do not
 * depend on where the ranges are cut, so the bits are those of every thread
 * summing and updating everything; clipNorm's global Σ g² is one index-order
 * f64 sum, chained from range to range. A run is deterministic for a given
 * thread count and agrees with one thread up to float32 reduction error.
 *
 * The optimizer slots are current only in each range's owner: gatherSlots
 * copies them into the fit's thread (at the end of the fit, and for a save
 * during it). Threads meet at counters in a SharedArrayBuffer (Atomics.wait/
 * notify; a wake-up costs ≈ 15 µs, and spinning instead starves the other
 * thread when the machine is shared): two barriers per step, after the gradients
 * are published and after the new parameters are. Between the second barrier
 * of one step and the first of the next nobody reads the gradient parts, and
 * between the first and the second nobody reads the shared parameters, so
 * one copy of each suffices.
 */
import { LrlabError } from '../errors.js';
import { TRAIN, type Backend, type DataSlot, type Totals } from './types.js';
import type { WasmBackend } from './wasm.js';

// Control words (Int32Array over the shared buffer).
export const GEN = 0; // bumped by the fit's thread for each command
export const CMD = 1; // CMD_STEP, CMD_GATHER or CMD_QUIT
export const START = 2;
export const ROWS = 3;
export const EPOCH_TOKEN = 4; // changes with every beginEpoch
export const EPOCH = 5;
export const SHUFFLE = 6;
export const SEED = 7;
export const ARRIVED = 8; // barrier arrivals, over all steps (two barriers per step)
export const FAILED = 9; // set by a worker that threw
export const NORMED = 10; // ranges added to clipNorm's chained sum, over all steps
export const GATHERED = 11; // workers done with a gather, over all gathers
export const GATHER_SLOT = 12; // the optimizer slot a gather copies
export const CONTROL_WORDS = 16;
export const CMD_STEP = 1;
export const CMD_QUIT = 2;
export const CMD_GATHER = 3;

// numbers (Float64Array): [lr, clipNorm's running Σ g², then per thread: loss sum, correct count].
const LR = 0, NORM_SUM = 1, PER_THREAD = 2;

const WAIT_LIMIT_MS = 60_000; // a worker that does not arrive by then is taken for dead

/** The shared memory of a threaded fit, as views. */
export interface SharedState {
  control: Int32Array;
  numbers: Float64Array;
  /** Per thread: its slice's gradients (paramCount floats; each thread writes the ranges the others own). */
  parts: Float32Array[];
  /** The updated parameters, each range written by its owner. */
  params: Float32Array;
  /** Thread t owns parameters ranges[t] … ranges[t + 1] − 1 (see ownedRanges). */
  ranges: number[];
}

export interface SharedBuffers {
  control: SharedArrayBuffer;
  numbers: SharedArrayBuffer;
  parts: SharedArrayBuffer;
  params: SharedArrayBuffer;
  threads: number;
  paramCount: number;
}

export function sharedBuffers(threads: number, paramCount: number): SharedBuffers {
  return {
    control: new SharedArrayBuffer(4 * CONTROL_WORDS),
    numbers: new SharedArrayBuffer(8 * (PER_THREAD + 2 * threads)),
    parts: new SharedArrayBuffer(4 * paramCount * threads),
    params: new SharedArrayBuffer(4 * paramCount),
    threads,
    paramCount,
  };
}

export function sharedViews(b: SharedBuffers): SharedState {
  return {
    control: new Int32Array(b.control),
    numbers: new Float64Array(b.numbers),
    parts: Array.from({ length: b.threads }, (_, t) => new Float32Array(b.parts, 4 * t * b.paramCount, b.paramCount)),
    params: new Float32Array(b.params),
    ranges: ownedRanges(b.paramCount, b.threads),
  };
}

/** The first row of thread t's slice of a batch of `rows` (thread t takes rows sliceStart(t) … sliceStart(t + 1) − 1). */
export function sliceStart(rows: number, t: number, threads: number): number {
  return Math.floor((rows * t) / threads);
}

/**
 * Where the threads' parameter ranges start, and the end: equal shares cut at
 * multiples of 4 (the update runs in f32x4 lanes), the last one ending at
 * paramCount rounded up to 4 (the padding lanes the update also runs over).
 * With fewer 4-blocks than threads some ranges are empty.
 */
export function ownedRanges(paramCount: number, threads: number): number[] {
  const blocks = (paramCount + 3) >> 2;
  return Array.from({ length: threads + 1 }, (_, t) => 4 * Math.floor((blocks * t) / threads));
}

/** Waits until control[index] reaches `target` (it only grows). */
export function waitFor(control: Int32Array, index: number, target: number): void {
  for (;;) {
    const now = Atomics.load(control, index);
    if (now >= target) return;
    if (Atomics.load(control, FAILED) !== 0) throw new Error('lrlab: a training thread failed');
    if (Atomics.wait(control, index, now, WAIT_LIMIT_MS) === 'timed-out' && Atomics.load(control, index) === now) {
      throw new Error(`lrlab: a training thread did not answer within ${WAIT_LIMIT_MS / 1000} s`);
    }
  }
}

/** Waits until control[index] differs from `seen` (a worker's wait for the next command: no time limit, the fit may pause between steps). */
export function waitChange(control: Int32Array, index: number, seen: number): number {
  for (;;) {
    Atomics.wait(control, index, seen);
    const now = Atomics.load(control, index);
    if (now !== seen) return now;
  }
}

function arrive(control: Int32Array, index: number): void {
  Atomics.add(control, index, 1);
  Atomics.notify(control, index);
}

/** A [destination, source] pair of views to copy. */
type Copy = [Float32Array, Float32Array];

/** Copies each pair (an indexed loop: no iterator objects in a step). */
export function copyAll(copies: Copy[]): void {
  for (let i = 0; i < copies.length; i++) copies[i][0].set(copies[i][1]);
}

/**
 * The views one thread's steps copy through, made once (a step must not
 * allocate) and again only when the thread's wasm memory grew.
 */
export class StepViews {
  readonly #backend: WasmBackend;
  readonly #shared: SharedState;
  readonly #t: number;
  /** The thread's own parameter range, [from, to) (ranges clamped to paramCount). */
  readonly from: number;
  readonly to: number;
  #buffer?: ArrayBufferLike;
  /** Its gradients of the ranges others own (all of them for threads ≥ 2, whose own part is not first in the sum). */
  publish: Copy[] = [];
  /** Thread ≥ 2: its range starts as slice 0's gradients. */
  first?: Copy;
  /** The slices then added to its range, in thread order. */
  addends: Float32Array[] = [];
  ownParams: Copy = [new Float32Array(0), new Float32Array(0)];
  otherParams: Copy[] = [];
  scratch: Float32Array = new Float32Array(0);

  constructor(backend: WasmBackend, shared: SharedState, t: number) {
    this.#backend = backend;
    this.#shared = shared;
    this.#t = t;
    this.from = Math.min(shared.ranges[t], backend.paramCount);
    this.to = Math.min(shared.ranges[t + 1], backend.paramCount);
  }

  /** The views, rebuilt if memory moved (reserving the scratch first: it may grow memory). */
  current(): this {
    this.scratch = this.#backend.scratch(this.to - this.from);
    if (this.#backend.gradsView().buffer !== this.#buffer) this.#rebuild();
    return this;
  }

  // Apart from current(): a closure there would make every call allocate its context.
  #rebuild(): void {
    const n = this.#backend.paramCount, { parts, params } = this.#shared, t = this.#t, { from, to } = this;
    const grads = this.#backend.gradsView(), own = this.#backend.paramsView();
    this.#buffer = grads.buffer;
    const around = (dst: Float32Array, src: Float32Array): Copy[] =>
      [[dst.subarray(0, from), src.subarray(0, from)], [dst.subarray(to, n), src.subarray(to, n)]];
    const threads = parts.length;
    this.publish = t >= 2 ? [[parts[t], grads]] : around(parts[t], grads);
    this.first = t >= 2 ? [grads.subarray(from, to), parts[0].subarray(from, to)] : undefined;
    this.addends = [];
    for (let u = t >= 2 ? 1 : 2; u < threads; u++) this.addends.push(parts[u].subarray(from, to));
    if (t <= 1 && threads > 1) this.addends.unshift(parts[1 - t].subarray(from, to));
    this.ownParams = [params.subarray(from, to), own.subarray(from, to)];
    this.otherParams = around(own, params);
  }
}

/**
 * One data-parallel step on thread t's copy: the gradients of its slice,
 * published; barrier; the sum and the update of its own parameter range,
 * published; barrier; the others' ranges copied in. Losses and counts go to
 * shared.numbers. The learning rate is read there too (a number passed in
 * would be boxed on every call from the worker's loop).
 */
export function threadStep(backend: WasmBackend, shared: SharedState, views: StepViews, t: number, step: number, start: number, rows: number): void {
  const { control, numbers, ranges } = shared, threads = ranges.length - 1;
  const lo = sliceStart(rows, t, threads), hi = sliceStart(rows, t + 1, threads);
  const v = views.current();
  if (hi > lo) {
    numbers[PER_THREAD + 2 * t] = backend.sliceGradients(start + lo, hi - lo, rows);
    numbers[PER_THREAD + 1 + 2 * t] = backend.sliceCorrect();
  } else {
    backend.gradsView().fill(0);
    numbers[PER_THREAD + 2 * t] = 0;
    numbers[PER_THREAD + 1 + 2 * t] = 0;
  }
  copyAll(v.publish);
  arrive(control, ARRIVED);
  waitFor(control, ARRIVED, threads * (2 * step - 1));

  if (v.first) v.first[0].set(v.first[1]);
  for (let u = 0; u < v.addends.length; u++) {
    v.scratch.set(v.addends[u]);
    backend.addScratchToGrads(v.from, v.scratch);
  }
  let sumSquares = 0;
  if (backend.optimizer.clipNorm !== 0) {
    chainedNorm(backend, shared, t, step);
    sumSquares = numbers[NORM_SUM];
  } else {
    sumSquares = backend.updateNormPart(ranges[t], ranges[t + 1], 0);
  }
  backend.updateRange(numbers[LR], ranges[t], ranges[t + 1], sumSquares); // rounded to f32 by the call
  v.ownParams[0].set(v.ownParams[1]);
  arrive(control, ARRIVED);
  waitFor(control, ARRIVED, threads * 2 * step);
  copyAll(v.otherParams);
}

/**
 * clipNorm's Σ g² over all parameters as one f64 sum in index order, left in
 * shared.numbers (not returned: a boxed number per step): thread t waits for
 * the running sum of threads 0 … t − 1 and continues it over its range
 * (clipping it by value first, as updateNormPart does for everyone). This
 * part of the step runs one thread after another.
 */
function chainedNorm(backend: WasmBackend, shared: SharedState, t: number, step: number): void {
  const { control, numbers, ranges } = shared, threads = ranges.length - 1, base = threads * (step - 1);
  if (t > 0) waitFor(control, NORMED, base + t);
  numbers[NORM_SUM] = backend.updateNormPart(ranges[t], ranges[t + 1], t > 0 ? numbers[NORM_SUM] : 0);
  arrive(control, NORMED);
  waitFor(control, NORMED, base + threads);
}

/**
 * Where a threaded fit's workers come from: Node worker threads
 * (threads-node.ts) or Web Workers (browser/threads.ts). Each runs the
 * thread-worker loop on the init message it is given.
 */
export interface TrainingWorkers {
  /** A worker (new or kept from an earlier fit) given `init`; resolves once it holds its copy. */
  start(init: object): Promise<TrainingWorker>;
}

export interface TrainingWorker {
  /** After the fit (the worker has left its loop): keep it for the next fit, or stop it if the fit failed. */
  release(healthy: boolean): Promise<void>;
}

/** The fit's side: a Backend that trains with the workers and otherwise is the model's own wasm backend. */
export class ThreadedBackend implements Backend {
  readonly kind = 'wasm' as const;
  readonly #main: WasmBackend;
  readonly #workers: TrainingWorker[];
  readonly #shared: SharedState;
  readonly #views: StepViews;
  #step = 0;
  #gathers = 0;
  #slotsCurrent = true;
  #epochToken = 0;
  #epochCorrect = 0;
  readonly #loss = new Float64Array(1);

  private constructor(main: WasmBackend, workers: TrainingWorker[], shared: SharedState) {
    this.#main = main;
    this.#workers = workers;
    this.#shared = shared;
    this.#views = new StepViews(main, shared, 0);
  }

  /** Starts `threads − 1` workers holding copies of the model (as it is now) and of its training data. */
  static async start(main: WasmBackend, threads: number, train: { x: Float32Array; y: Float32Array; rows: number }, source: TrainingWorkers): Promise<ThreadedBackend> {
    const buffers = sharedBuffers(threads, main.paramCount);
    const init = {
      buffers, module: main.module, moduleId: moduleId(main.module), model: main.model, optimizer: main.optimizer, batchCapacity: main.batchCapacity,
      params: main.params().slice(), slots: Array.from({ length: main.slotCount }, (_, k) => main.slot(k).slice()),
      scalars: main.scalars().slice(), x: shareCopy(train.x), y: shareCopy(train.y), rows: train.rows,
    };
    const started = await Promise.allSettled(Array.from({ length: threads - 1 }, (_, i) => source.start({ ...init, thread: i + 1 })));
    const workers = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = started.find((r) => r.status === 'rejected');
    if (failed) {
      await Promise.all(workers.map((w) => w.release(false)));
      throw failed.reason;
    }
    return new ThreadedBackend(main, workers, sharedViews(buffers));
  }

  get model() { return this.#main.model; }
  get optimizer() { return this.#main.optimizer; }
  get paramCount() { return this.#main.paramCount; }
  get slotCount() { return this.#main.slotCount; }
  get batchCapacity() { return this.#main.batchCapacity; }
  params(): Float32Array { return this.#main.params(); }
  grads(): Float32Array { return this.#main.grads(); }
  slot(k: number): Float32Array {
    this.gatherSlots();
    return this.#main.slot(k);
  }
  scalars(): Float64Array { return this.#main.scalars(); }

  // The copies must not drift apart: nothing that reshapes or resets the model runs during a threaded fit.
  initParams(): void { throw refused('initParams'); }
  resetOptimizer(): void { throw refused('resetOptimizer'); }
  setBatchCapacity(): void { throw refused('setBatchCapacity'); }
  setData(slot: DataSlot, x: Float32Array, y: Float32Array, rows: number): void {
    if (slot === TRAIN) throw refused('setData(TRAIN)');
    this.#main.setData(slot, x, y, rows);
  }

  beginEpoch(seed: number, epoch: number, shuffle: boolean): void {
    this.#main.beginEpoch(seed, epoch, shuffle);
    const c = this.#shared.control;
    c[EPOCH_TOKEN] = ++this.#epochToken;
    c[EPOCH] = epoch;
    c[SHUFFLE] = shuffle ? 1 : 0;
    c[SEED] = seed | 0;
    this.#epochCorrect = 0;
  }

  trainBatch(start: number, rows: number, lr: number): number {
    this.#shared.numbers[LR] = lr;
    this.#run(start, rows);
    return this.#loss[0];
  }

  trainBatches(first: number, count: number, batchSize: number, lrs: Float64Array, losses: Float64Array, bound: number): number {
    const rows = this.#main.trainRows, numbers = this.#shared.numbers;
    for (let i = 0; i < count; i++) {
      const start = (first + i) * batchSize;
      numbers[LR] = lrs[i];
      this.#run(start, Math.min(batchSize, rows - start));
      losses[i] = this.#loss[0];
      if (!Number.isFinite(losses[i]) || losses[i] > bound) return i + 1;
    }
    return count;
  }

  /**
   * One step at the LR in shared.numbers; its mean loss goes to #loss[0]. Only
   * integers are passed and nothing is returned: a float passed to or returned
   * from a call that is not inlined is boxed, an allocation per step.
   */
  #run(start: number, rows: number): void {
    const { control, numbers, ranges } = this.#shared;
    const step = ++this.#step;
    control[START] = start;
    control[ROWS] = rows;
    this.#command(CMD_STEP);
    this.#slotsCurrent = false;
    threadStep(this.#main, this.#shared, this.#views, 0, step, start, rows);
    let loss = 0;
    for (let t = 0; t < ranges.length - 1; t++) {
      loss += numbers[PER_THREAD + 2 * t];
      this.#epochCorrect += numbers[PER_THREAD + 1 + 2 * t];
    }
    this.#loss[0] = loss / rows;
  }

  /**
   * Copies the optimizer slots of the workers' parameter ranges into the fit's
   * own backend (after steps they are current only in their owners), one slot
   * at a time through gradient part 0, which nobody reads between steps.
   */
  gatherSlots(): void {
    if (this.#slotsCurrent) return;
    const { control, parts, ranges } = this.#shared, n = this.#main.paramCount, workers = this.#workers.length;
    for (let k = 0; k < this.#main.slotCount; k++) {
      control[GATHER_SLOT] = k;
      this.#command(CMD_GATHER);
      waitFor(control, GATHERED, workers * ++this.#gathers);
      const from = Math.min(ranges[1], n);
      this.#main.slot(k).subarray(from, n).set(parts[0].subarray(from, n));
    }
    this.#slotsCurrent = true;
  }

  epochCorrect(): number { return this.#epochCorrect; }
  computeGradients(slot: DataSlot, start: number, rows: number): number { return this.#main.computeGradients(slot, start, rows); }
  evaluate(slot: DataSlot): Totals { return this.#main.evaluate(slot); }
  predict(slot: DataSlot, start: number, rows: number): Float32Array { return this.#main.predict(slot, start, rows); }

  /** Brings the optimizer state home (unless a worker failed) and ends the workers' part: they wait for the next fit, or stop if one failed. */
  async close(): Promise<void> {
    const c = this.#shared.control;
    let healthy = Atomics.load(c, FAILED) === 0;
    try {
      if (healthy) this.gatherSlots();
    } catch (error) {
      healthy = false;
      throw error;
    } finally {
      this.#command(CMD_QUIT);
      await Promise.all(this.#workers.map((w) => w.release(healthy)));
    }
  }

  #command(cmd: number): void {
    const c = this.#shared.control;
    c[CMD] = cmd;
    Atomics.add(c, GEN, 1);
    Atomics.notify(c, GEN);
  }
}

const moduleIds = new WeakMap<WebAssembly.Module, number>();
let modulesSeen = 0;

/** A number per compiled module, the same for every fit that uses it (see ThreadInit.moduleId). */
function moduleId(module: WebAssembly.Module): number {
  let id = moduleIds.get(module);
  if (id === undefined) moduleIds.set(module, (id = ++modulesSeen));
  return id;
}

/** The same values in a SharedArrayBuffer: every worker reads them there instead of getting a copy of its own in the message. */
function shareCopy(values: Float32Array): Float32Array {
  const shared = new Float32Array(new SharedArrayBuffer(values.byteLength));
  shared.set(values);
  return shared;
}

function refused(what: string): LrlabError {
  return new LrlabError('INVALID_OPTION', 'backend', what, 'cannot run during a threaded fit');
}
