/**
 * How many cores this process gets right now: the f32x4 peak loop on this
 * thread alone, then on this thread and a worker thread at the same time; the
 * share is their total rate over the lone rate (2.0 on an idle 2-core machine).
 * Linux shares CPU time between sessions (autogroups), not threads, so while
 * other sessions are busy a second thread adds little or nothing: a speed-up
 * from a second thread can only be as large as this share, and the parallel
 * suites print it beside their ratios.
 */
import { Worker } from 'node:worker_threads';
import { instantiate, wasmModule } from '../bindings/backend/wasm-module.js';
import { median } from './timing.js';

const ITERATIONS = 4_000_000; // about 8 ms of the loop at 25 GFLOP/s
const FLOPS_PER_ITERATION = 48;

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const wasm = new WebAssembly.Instance(workerData.module, {}).exports;
parentPort.on('message', (iterations) => {
  const started = performance.now();
  wasm.peakMulAdd(iterations, 1, 0, 0);
  parentPort.postMessage(performance.now() - started);
});`;

/** The median over `rounds` of (rate here + rate in the worker, at once) / (rate here alone). */
export async function coreShare(rounds: number): Promise<number> {
  const wasm = await instantiate();
  const worker = new Worker(WORKER, { eval: true, workerData: { module: await wasmModule() } });
  const inWorker = (iterations: number) => new Promise<number>((resolve) => { worker.once('message', resolve); worker.postMessage(iterations); });
  const here = () => {
    const started = performance.now();
    wasm.peakMulAdd(ITERATIONS, 1, 0, 0);
    return performance.now() - started;
  };
  const rate = (ms: number) => (ITERATIONS * FLOPS_PER_ITERATION) / ms;
  try {
    await inWorker(ITERATIONS); // the worker's first call compiles
    const shares: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const alone = here();
      const other = inWorker(ITERATIONS);
      const together = here();
      shares.push((rate(together) + rate(await other)) / rate(alone));
    }
    return median(shares);
  } finally {
    await worker.terminate();
  }
}
