/**
 * Pool workers started before the pool exists. A worker thread takes about
 * 50 ms to boot and another 30–60 ms to load its code; started first thing in
 * a command (bin/lrlab.js, before the command's own imports), that time runs
 * on the other core while this thread imports, parses and validates. The wasm
 * compile starts here too. The workers do nothing until a PoolExecutor adopts
 * them and hands them the module (pool.ts); one never adopted is unref'd and
 * never keeps the process alive.
 */
import type { Worker } from 'node:worker_threads';
import { spawnModuleWorker } from '../backend/spawn-worker.js';
import { wasmModule } from '../backend/wasm-module.js';
import type { PoolSetup, PoolStart } from './pool-claims.js';

const started: Worker[] = [];
const exited = new WeakSet<Worker>();
const runFlags = new WeakMap<Worker, Int32Array>();

/** Starts `count` pool workers (without a module yet) and the compile of the default wasm. */
export function prestartPoolWorkers(count: number): void {
  const workers = Array.from({ length: count }, () => spawnPoolWorker());
  for (const worker of workers) started.push(worker);
  // Each gets the module as soon as it is compiled, and warms up while this thread goes on (pool-warm-up.ts).
  const setup = (wasm: WebAssembly.Module) => { for (const w of workers) if (!exited.has(w)) w.postMessage({ wasm } satisfies PoolSetup); };
  wasmModule().then(setup, () => {}); // a failing compile is reported by the pool that needs it
}

/** Up to `count` of the workers started ahead; each is taken once. */
export function takePrestartedWorkers(count: number): Worker[] {
  return started.splice(0, count);
}

/** A pool worker; `wasm` in its start data, or later in a PoolSetup message. */
export function spawnPoolWorker(wasm?: WebAssembly.Module): Worker {
  const start: PoolStart = { wasm, runStarted: new SharedArrayBuffer(4) };
  const worker = spawnModuleWorker(new URL('./pool-worker.js', import.meta.url), 'pool-worker', start);
  runFlags.set(worker, new Int32Array(start.runStarted));
  worker.unref(); // an idle pool never keeps the process alive (e.g. when a sweep is refused before it runs)
  worker.once('exit', () => exited.add(worker)); // watched from the start: one may crash before a pool adopts it
  return worker;
}

/**
 * Tells the worker, through memory it shares, that a run is about to be posted: a warm-up sees it
 * before its next piece (pool-warm-up.ts), where the message itself is read only when the warm-up's
 * fit gives the event loop a turn.
 */
export function announceRun(worker: Worker): void {
  const flag = runFlags.get(worker);
  if (flag) Atomics.store(flag, 0, 1);
}

/** Whether the worker has exited (a crashed worker gets no more runs: it would never answer). */
export function poolWorkerExited(worker: Worker): boolean {
  return exited.has(worker);
}
