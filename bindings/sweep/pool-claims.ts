/**
 * How the runners of a pool run (this thread and each worker) share out one
 * run's tasks: every runner holds the whole task list, and takes the next
 * task by bumping a counter in shared memory. A runner that is free takes
 * work at once, and none ever holds a task it has not started, so no runner
 * waits for another to hand out work, and none sits idle at the end while
 * another still has tasks queued.
 */
export const NEXT = 0; // index of the next task to take
export const CLAIM_WORDS = 1;

/** The index of the next task for this runner, or −1 when none is left. */
export function claimNext(claims: Int32Array, count: number): number {
  const index = Atomics.add(claims, NEXT, 1);
  return index < count ? index : -1;
}

/** Lets no runner take another task; returns how many were taken in all (each of them will have an outcome). */
export function closeClaims(claims: Int32Array, count: number): number {
  return Math.min(Atomics.exchange(claims, NEXT, count), count);
}

/** What a pool worker starts with: the module (or none yet, for one started ahead of its pool), and its run flag. */
export interface PoolStart {
  wasm?: WebAssembly.Module;
  /** One Int32, set to 1 by the pool when a run is about to be posted (pool-prestart.ts, announceRun). */
  runStarted: SharedArrayBuffer;
}

/** The module a worker started ahead of its pool (pool-prestart.ts) receives first, before any run. */
export interface PoolSetup {
  wasm: WebAssembly.Module;
}

/** One run of a pool, as its workers receive it. */
export interface PoolRun {
  run: number;
  tasks: unknown[];
  claims: SharedArrayBuffer;
}

/** What a worker posts back: the outcome of task `index` of run `run`, and when it ran (epoch ms: performance.timeOrigin + now()). */
export interface PoolReply<Outcome> {
  run: number;
  index: number;
  outcome: Outcome;
  startedAt: number;
  endedAt: number;
}
