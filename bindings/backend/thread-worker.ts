/**
 * A worker of a threaded fit (threads.ts): builds its copy of the model from
 * the fit's thread, then runs steps as they are posted in shared memory until
 * told to quit. It blocks in Atomics.wait between steps (a worker may).
 */
import { parentPort } from 'node:worker_threads';
import { WasmBackend } from './wasm.js';
import { TRAIN } from './types.js';
import {
  ARRIVED, CMD, CMD_QUIT, EPOCH, EPOCH_TOKEN, FAILED, GEN, ROWS, SEED, SHUFFLE, START,
  sharedViews, threadStep, type SharedBuffers,
} from './threads.js';
import type { NormalizedModel, NormalizedOptimizer } from '../spec.js';

interface Init {
  buffers: SharedBuffers;
  module: WebAssembly.Module;
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

parentPort!.once('message', async (init: Init) => {
  const backend = await WasmBackend.create(init.model, init.optimizer, init.batchCapacity, init.module);
  backend.params().set(init.params);
  init.slots.forEach((values, k) => backend.slot(k).set(values));
  backend.scalars().set(init.scalars);
  backend.setData(TRAIN, init.x, init.y, init.rows);
  const shared = sharedViews(init.buffers);
  const { control } = shared;
  parentPort!.postMessage('ready');
  let seen = 0, step = 0, epochToken = 0;
  try {
    for (;;) {
      Atomics.wait(control, GEN, seen);
      const gen = Atomics.load(control, GEN);
      if (gen === seen) continue;
      seen = gen;
      if (control[CMD] === CMD_QUIT) break;
      if (control[EPOCH_TOKEN] !== epochToken) {
        epochToken = control[EPOCH_TOKEN];
        backend.beginEpoch(control[SEED] >>> 0, control[EPOCH], control[SHUFFLE] === 1);
      }
      threadStep(backend, shared, init.thread, init.buffers.threads, ++step, control[START], control[ROWS], shared.numbers[0]);
    }
  } catch (error) {
    Atomics.store(control, FAILED, 1);
    Atomics.notify(control, ARRIVED);
    throw error;
  }
  parentPort!.close();
});
