/**
 * How the runners of a pool run (this thread and each worker) share out one
 * run's tasks: every runner holds the whole task list, and takes the next
 * task by bumping a counter in shared memory. A runner that is free takes
 * work at once, and none ever holds a task it has not started, so no runner
 * waits for another to hand out work, and none sits idle at the end while
 * another still has tasks queued.
 */
export const NEXT = 0; // index of the next task to take
export const STOP = 1; // set when the run stops (an abort, a failure): nobody takes more
export const CLAIM_WORDS = 2;

/** The index of the next task for this runner, or −1 when none is left or the run stopped. */
export function claimNext(claims: Int32Array, count: number): number {
  if (Atomics.load(claims, STOP) !== 0) return -1;
  const index = Atomics.add(claims, NEXT, 1);
  return index < count ? index : -1;
}

/** One run of a pool, as its workers receive it. */
export interface PoolRun {
  run: number;
  tasks: unknown[];
  claims: SharedArrayBuffer;
}

/** What a worker posts back: an outcome of task `index` of run `run`, or that it took its last task. */
export type PoolReply<Outcome> = { run: number; index: number; outcome: Outcome } | { run: number; done: true };
