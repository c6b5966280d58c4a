/**
 * Data-parallel training of one model on several threads (Node worker_threads):
 * the fit's own wasm backend and `threads − 1` workers, each holding a copy of
 * the model, its optimizer state and the training data. Every step, each one
 * computes the gradients of its slice of the minibatch (scaled as part of the
 * whole batch) and publishes them in shared memory; then each one adds all
 * the slices up in the same fixed order (slice 0, 1, …) and applies the same
 * update, so every copy holds the same bits. A run is deterministic for a
 * given thread count and agrees with one thread up to float32 reduction error.
 *
 * Threads meet at a counter in a SharedArrayBuffer (Atomics.wait/notify); the
 * gradient slots are double-buffered by step parity, so one barrier per step
 * suffices: nobody can write slot set s % 2 again before everyone has read it.
 */
import { Worker } from 'node:worker_threads';
import { LrlabError } from '../errors.js';
import { TRAIN, type Backend, type DataSlot, type Totals } from './types.js';
import type { WasmBackend } from './wasm.js';
import { spawnModuleWorker } from './spawn-worker.js';

// Control words (Int32Array over the shared buffer).
export const GEN = 0; // bumped by the fit's thread for each command
export const CMD = 1; // CMD_STEP or CMD_QUIT
export const START = 2;
export const ROWS = 3;
export const EPOCH_TOKEN = 4; // changes with every beginEpoch
export const EPOCH = 5;
export const SHUFFLE = 6;
export const SEED = 7;
export const ARRIVED = 8; // slices published, over all steps
export const FAILED = 9; // set by a worker that threw
export const CONTROL_WORDS = 16;
export const CMD_STEP = 1;
export const CMD_QUIT = 2;

const WAIT_LIMIT_MS = 60_000; // a worker that does not arrive by then is taken for dead

/** The shared memory of a threaded fit, as views. */
export interface SharedState {
  control: Int32Array;
  /** [lr, then per thread: loss sum, correct count]. */
  numbers: Float64Array;
  /** Gradient slots: set (step parity) × thread, paramCount floats each. */
  slots: Float32Array[][];
}

export interface SharedBuffers {
  control: SharedArrayBuffer;
  numbers: SharedArrayBuffer;
  slots: SharedArrayBuffer;
  threads: number;
  paramCount: number;
}

export function sharedViews(b: SharedBuffers): SharedState {
  const slotBytes = 4 * b.paramCount;
  return {
    control: new Int32Array(b.control),
    numbers: new Float64Array(b.numbers),
    slots: [0, 1].map((set) => Array.from({ length: b.threads }, (_, t) => new Float32Array(b.slots, (set * b.threads + t) * slotBytes, b.paramCount))),
  };
}

/** The first row of thread t's slice of a batch of `rows` (thread t takes rows sliceStart(t) … sliceStart(t + 1) − 1). */
export function sliceStart(rows: number, t: number, threads: number): number {
  return Math.floor((rows * t) / threads);
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

/**
 * One data-parallel step on this thread's copy: the gradients of its slice,
 * published; the barrier; the sum of all slices in thread order; the update.
 * Returns nothing; losses and counts are in shared.numbers.
 */
export function threadStep(backend: WasmBackend, shared: SharedState, t: number, threads: number, step: number, start: number, rows: number, lr: number): void {
  const lo = sliceStart(rows, t, threads), hi = sliceStart(rows, t + 1, threads);
  const mine = shared.slots[step & 1][t];
  const grads = backend.gradsView();
  if (hi > lo) {
    shared.numbers[1 + 2 * t] = backend.sliceGradients(start + lo, hi - lo, rows);
    shared.numbers[2 + 2 * t] = backend.sliceCorrect();
    mine.set(grads);
  } else {
    grads.fill(0); // sumGradients starts from this thread's own part in grads()
    mine.fill(0);
    shared.numbers[1 + 2 * t] = 0;
    shared.numbers[2 + 2 * t] = 0;
  }
  Atomics.add(shared.control, ARRIVED, 1);
  Atomics.notify(shared.control, ARRIVED);
  waitFor(shared.control, ARRIVED, threads * step);
  backend.sumGradients(shared.slots[step & 1], t);
  backend.applyUpdate(lr);
}

/** The fit's side: a Backend that trains with the workers and otherwise is the model's own wasm backend. */
export class ThreadedBackend implements Backend {
  readonly kind = 'wasm' as const;
  readonly #main: WasmBackend;
  readonly #workers: Worker[];
  readonly #shared: SharedState;
  readonly #threads: number;
  #step = 0;
  #epochToken = 0;
  #epochCorrect = 0;

  private constructor(main: WasmBackend, workers: Worker[], shared: SharedState, threads: number) {
    this.#main = main;
    this.#workers = workers;
    this.#shared = shared;
    this.#threads = threads;
  }

  /** Starts `threads − 1` workers holding copies of the model (as it is now) and of its training data. */
  static async start(main: WasmBackend, threads: number, train: { x: Float32Array; y: Float32Array; rows: number }): Promise<ThreadedBackend> {
    const paramCount = main.paramCount;
    const buffers: SharedBuffers = {
      control: new SharedArrayBuffer(4 * CONTROL_WORDS),
      numbers: new SharedArrayBuffer(8 * (1 + 2 * threads)),
      slots: new SharedArrayBuffer(4 * paramCount * 2 * threads),
      threads,
      paramCount,
    };
    const init = {
      buffers, module: main.module, model: main.model, optimizer: main.optimizer, batchCapacity: main.batchCapacity,
      params: main.params().slice(), slots: Array.from({ length: main.slotCount }, (_, k) => main.slot(k).slice()),
      scalars: main.scalars().slice(), x: train.x, y: train.y, rows: train.rows,
    };
    const workers: Worker[] = [];
    try {
      for (let t = 1; t < threads; t++) workers.push(spawnModuleWorker(new URL('./thread-worker.js', import.meta.url), 'thread-worker'));
      await Promise.all(workers.map((worker, i) => new Promise<void>((resolve, reject) => {
        worker.once('message', () => resolve());
        worker.once('error', reject);
        worker.postMessage({ ...init, thread: i + 1 });
      })));
    } catch (error) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw error;
    }
    return new ThreadedBackend(main, workers, sharedViews(buffers), threads);
  }

  get model() { return this.#main.model; }
  get optimizer() { return this.#main.optimizer; }
  get paramCount() { return this.#main.paramCount; }
  get slotCount() { return this.#main.slotCount; }
  get batchCapacity() { return this.#main.batchCapacity; }
  params(): Float32Array { return this.#main.params(); }
  grads(): Float32Array { return this.#main.grads(); }
  slot(k: number): Float32Array { return this.#main.slot(k); }
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
    const { control, numbers } = this.#shared;
    const step = ++this.#step;
    control[START] = start;
    control[ROWS] = rows;
    numbers[0] = lr;
    control[CMD] = CMD_STEP;
    Atomics.add(control, GEN, 1);
    Atomics.notify(control, GEN);
    threadStep(this.#main, this.#shared, 0, this.#threads, step, start, rows, Math.fround(lr));
    let loss = 0;
    for (let t = 0; t < this.#threads; t++) {
      loss += numbers[1 + 2 * t];
      this.#epochCorrect += numbers[2 + 2 * t];
    }
    return loss / rows;
  }

  trainBatches(first: number, count: number, batchSize: number, lrs: Float64Array, losses: Float64Array, bound: number): number {
    const rows = this.#main.trainRows;
    for (let i = 0; i < count; i++) {
      const start = (first + i) * batchSize;
      losses[i] = this.trainBatch(start, Math.min(batchSize, rows - start), lrs[i]);
      if (!Number.isFinite(losses[i]) || losses[i] > bound) return i + 1;
    }
    return count;
  }

  epochCorrect(): number { return this.#epochCorrect; }
  computeGradients(slot: DataSlot, start: number, rows: number): number { return this.#main.computeGradients(slot, start, rows); }
  evaluate(slot: DataSlot): Totals { return this.#main.evaluate(slot); }
  predict(slot: DataSlot, start: number, rows: number): Float32Array { return this.#main.predict(slot, start, rows); }

  /** Stops the workers (the model's weights and state are in the fit's own backend). */
  async close(): Promise<void> {
    const c = this.#shared.control;
    c[CMD] = CMD_QUIT;
    Atomics.add(c, GEN, 1);
    Atomics.notify(c, GEN);
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}

function refused(what: string): LrlabError {
  return new LrlabError('INVALID_OPTION', 'backend', what, 'cannot run during a threaded fit');
}
