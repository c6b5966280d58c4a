/**
 * A worker thread of the pool: for each run it is given, takes task after task
 * from the shared counter (pool-claims.ts) until none is left, runs each with
 * the module the main thread compiled once, and posts each outcome back
 * (checkpoint bytes transferred, not copied).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PreparedDataCache } from '../data/prepared-cache.js';
import type { PreparedData } from '../experiment.js';
import { warmUp } from './pool-warm-up.js';
import { claimNext, type PoolReply, type PoolRun, type PoolSetup, type PoolStart } from './pool-claims.js';
import { runTrial, type TrialOutcome, type TrialTask } from './trial.js';

// Given at start, or, to a worker started ahead of its pool, in the first message.
const start = workerData as Partial<PoolStart> | undefined;
let wasm = start?.wasm;
const runStarted = start?.runStarted && new Int32Array(start.runStarted);
// A worker started ahead warms up while it waits (pool-warm-up.ts); its first run stops that first.
let warm: Promise<unknown> | undefined;
const warmUpAborted = new AbortController();
const dataCache = new PreparedDataCache<PreparedData>();

parentPort!.on('message', async (message: PoolRun | PoolSetup) => {
  if (!('run' in message)) {
    wasm = message.wasm;
    warm ??= warmUp(wasm, warmUpAborted.signal, runStarted);
    return;
  }
  warmUpAborted.abort();
  await warm;
  const { run, tasks, claims } = message;
  const shared = new Int32Array(claims);
  for (let index = claimNext(shared, tasks.length); index >= 0; index = claimNext(shared, tasks.length)) {
    const startedAt = performance.timeOrigin + performance.now();
    const outcome = await runTrial(tasks[index] as TrialTask, { wasm, dataCache });
    const reply: PoolReply<TrialOutcome> = { run, index, outcome, startedAt, endedAt: performance.timeOrigin + performance.now() };
    parentPort!.postMessage(reply, outcome.checkpoint ? [outcome.checkpoint.buffer as ArrayBuffer] : []);
  }
});
