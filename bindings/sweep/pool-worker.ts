/**
 * A worker thread of the pool: for each run it is given, takes task after task
 * from the shared counter (pool-claims.ts) until none is left, runs each with
 * the module the main thread compiled once, and posts each outcome back
 * (checkpoint bytes transferred, not copied).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PreparedDataCache } from '../data/prepared-cache.js';
import type { PreparedData } from '../experiment.js';
import { claimNext, type PoolReply, type PoolRun } from './pool-claims.js';
import { runTrial, type TrialOutcome, type TrialTask } from './trial.js';

const wasm = workerData.wasm as WebAssembly.Module;
const dataCache = new PreparedDataCache<PreparedData>();

parentPort!.on('message', async ({ run, tasks, claims }: PoolRun) => {
  const shared = new Int32Array(claims);
  for (let index = claimNext(shared, tasks.length); index >= 0; index = claimNext(shared, tasks.length)) {
    const outcome = await runTrial(tasks[index] as TrialTask, { wasm, dataCache });
    const reply: PoolReply<TrialOutcome> = { run, index, outcome };
    parentPort!.postMessage(reply, outcome.checkpoint ? [outcome.checkpoint.buffer as ArrayBuffer] : []);
  }
});
