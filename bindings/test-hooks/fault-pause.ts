/**
 * A test hook, inert unless the environment variable LRLAB_FAULT_PAUSE is set
 * (no user sets it; the fault tests in test/fault-kill.test.ts do). Its value
 * names one phase of a run:
 *   write:NAME              a file NAME written atomically: half its bytes are in the temporary file
 *   append:results.jsonl:N  a sweep's Nth result line of this process: half the line is appended
 *   epoch:N                 a fit: epoch N (counted from 1) has just ended
 * The thread reaching that phase prints "lrlab: fault pause at PHASE (pid P)"
 * on stderr and then stops dead (blocked, as a frozen process is), so a test can
 * kill -9 the process at exactly that point instead of guessing with timers.
 */
import type { Callbacks } from '../fit-options.js';

/** True when the run was asked to pause at `phase`. */
export function pausesAt(phase: string): boolean {
  return askedPhase() === phase;
}

function askedPhase(): string | undefined {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.LRLAB_FAULT_PAUSE;
}

/** Announces the pause and blocks this thread for good (the test kills the process). */
export function pauseForKill(phase: string): never {
  process.stderr.write(`lrlab: fault pause at ${phase} (pid ${process.pid})\n`);
  const cell = new Int32Array(new SharedArrayBuffer(4));
  for (;;) Atomics.wait(cell, 0, 0);
}

/** A fit's callbacks, with the epoch:N pause added when one is asked for (else they are returned as given). */
export function withEpochPause(callbacks: Callbacks | Callbacks[] | undefined): Callbacks | Callbacks[] | undefined {
  if (!askedPhase()?.startsWith('epoch:')) return callbacks;
  const pause: Callbacks = { onEpochEnd: (epoch) => { if (pausesAt(`epoch:${epoch + 1}`)) pauseForKill(`epoch:${epoch + 1}`); } };
  return [...(callbacks === undefined ? [] : Array.isArray(callbacks) ? callbacks : [callbacks]), pause];
}
