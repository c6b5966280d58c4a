/**
 * A worker thread of the pool: receives tasks, runs them one after the other
 * (it may hold two) with the module the main thread compiled once, and posts
 * each outcome back (checkpoint bytes transferred, not copied).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PreparedDataCache } from '../data/prepared-cache.js';
import type { PreparedData } from '../experiment.js';
import { runTrial, type TrialTask } from './trial.js';

const wasm = workerData.wasm as WebAssembly.Module;
const dataCache = new PreparedDataCache<PreparedData>();
const waiting: TrialTask[] = [];
let running = false;

parentPort!.on('message', (task: TrialTask) => {
  waiting.push(task);
  if (!running) void drain();
});

async function drain(): Promise<void> {
  running = true;
  for (let task = waiting.shift(); task; task = waiting.shift()) {
    const outcome = await runTrial(task, { wasm, dataCache });
    parentPort!.postMessage(outcome, outcome.checkpoint ? [outcome.checkpoint.buffer as ArrayBuffer] : []);
  }
  running = false;
}
