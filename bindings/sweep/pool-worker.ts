/**
 * A worker thread of the pool: receives tasks, runs them with the module the
 * main thread compiled once, and posts each outcome back (checkpoint bytes
 * transferred, not copied).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runTrial, type TrialTask } from './trial.js';

const wasm = workerData.wasm as WebAssembly.Module;
parentPort!.on('message', async (task: TrialTask) => {
  const outcome = await runTrial(task, { wasm });
  parentPort!.postMessage(outcome, outcome.checkpoint ? [outcome.checkpoint.buffer as ArrayBuffer] : []);
});
