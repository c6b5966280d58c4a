/**
 * The loop of a threaded fit's worker (threads.ts), without its host: the
 * same in a Node worker thread and in a Web Worker. It blocks in Atomics.wait
 * between commands (a worker may).
 */
import { WasmBackend } from './wasm.js';
import { TRAIN } from './types.js';
import {
  ARRIVED, CMD, CMD_GATHER, CMD_QUIT, EPOCH, EPOCH_TOKEN, FAILED, GATHERED, GATHER_SLOT, GEN, NORMED, ROWS, SEED, SHUFFLE, START,
  StepViews, sharedViews, threadStep, waitChange, type SharedBuffers, type SharedState,
} from './threads.js';
import type { NormalizedModel, NormalizedOptimizer } from '../spec.js';

export interface ThreadInit {
  buffers: SharedBuffers;
  module: WebAssembly.Module;
  /** Names `module` across fits: each message brings a new Module object for the same module. */
  moduleId: number;
  model: NormalizedModel;
  optimizer: NormalizedOptimizer;
  batchCapacity: number;
  params: Float32Array;
  slots: Float32Array[];
  scalars: Float64Array;
  x: Float32Array;
  y: Float32Array;
  rows: number;
  thread: number;
}

// The module of the last fit (see ThreadInit.moduleId).
let kept: { id: number; module: WebAssembly.Module } | undefined;

/**
 * One fit's part of a worker: builds the copy of the model from `init`, calls
 * `ready`, then runs the commands posted in shared memory until told to quit.
 * Used by the Node worker (thread-worker.ts) and the browser's
 * (browser/thread-worker.ts).
 */
export async function runThreadWorker(init: ThreadInit, ready: () => void): Promise<void> {
  if (kept?.id !== init.moduleId) kept = { id: init.moduleId, module: init.module };
  // The kept Module finds the instance the last fit released (WasmBackend.create): its memory is
  // paged in, and its exports are the functions the optimized step code already calls.
  const backend = await WasmBackend.create(init.model, init.optimizer, init.batchCapacity, kept.module);
  backend.params().set(init.params);
  init.slots.forEach((values, k) => backend.slot(k).set(values));
  backend.scalars().set(init.scalars);
  backend.setData(TRAIN, init.x, init.y, init.rows);
  const shared = sharedViews(init.buffers);
  const views = new StepViews(backend, shared, init.thread);
  ready();
  try {
    serve(backend, shared, views, init.thread);
  } catch (error) {
    Atomics.store(shared.control, FAILED, 1);
    for (const index of [ARRIVED, NORMED, GATHERED]) Atomics.notify(shared.control, index);
    throw error;
  }
  backend.release(); // the next fit's copy reuses this instance's memory
}

/**
 * Runs the commands until told to quit. A plain synchronous function, apart
 * from the async set-up: V8 optimizes it as a whole (with threadStep inlined),
 * where a loop inside the async function stayed in code that allocated on
 * every step.
 */
function serve(backend: WasmBackend, shared: SharedState, views: StepViews, t: number): void {
  const { control, parts } = shared;
  let seen = 0, step = 0, epochToken = 0;
  for (;;) {
    seen = waitChange(control, GEN, seen);
    const cmd = control[CMD];
    if (cmd === CMD_QUIT) return;
    if (cmd === CMD_GATHER) {
      // This thread's range of one optimizer slot, into gradient part 0 (threads.ts gatherSlots).
      const { from, to } = views;
      parts[0].subarray(from, to).set(backend.slot(control[GATHER_SLOT]).subarray(from, to));
      Atomics.add(control, GATHERED, 1);
      Atomics.notify(control, GATHERED);
      continue;
    }
    if (control[EPOCH_TOKEN] !== epochToken) {
      epochToken = control[EPOCH_TOKEN];
      backend.beginEpoch(control[SEED] >>> 0, control[EPOCH], control[SHUFFLE] === 1);
    }
    threadStep(backend, shared, views, t, ++step, control[START], control[ROWS]);
  }
}
