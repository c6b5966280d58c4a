// A pool worker started ahead of its pool warms up (a short fit of its own) while it waits for its
// first run; no result may change by a bit for it: the warm-up's wasm instance is reused by the
// thread's first trial, laid out anew for another data size, and a run that arrives meanwhile stops it.
import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { TUTORIAL_EXPERIMENT } from '../bindings/experiment.js';
import { CLAIM_WORDS, type PoolReply, type PoolRun, type PoolSetup } from '../bindings/sweep/pool-claims.js';
import { spawnPoolWorker } from '../bindings/sweep/pool-prestart.js';
import { warmUp } from '../bindings/sweep/pool-warm-up.js';
import { expandSweep, validateSweep } from '../bindings/sweep/spec.js';
import { runTrial, type TrialOutcome } from '../bindings/sweep/trial.js';
import type { TrialResult } from '../bindings/sweep/types.js';

const trials = expandSweep(validateSweep({
  base: { ...TUTORIAL_EXPERIMENT, epochs: 30 },
  axes: { 'optimizer.lr': [10, 0.1], 'optimizer.momentum': [0, 0.9] },
}));

/** A module of its own, so no instance of another test's fits is reused. */
async function freshModule(): Promise<WebAssembly.Module> {
  return WebAssembly.compile(await readFile(new URL('../build/lrlab.wasm', import.meta.url)));
}

/** Everything a trial computed, with the wall times left out. */
function numbers(r: TrialResult): unknown {
  const { timeMs: _t, history, ...rest } = r;
  return { ...rest, history: history && { ...history, time: history.time.length } };
}

async function cold(): Promise<unknown[]> {
  const wasm = await freshModule();
  const out = [];
  for (const trial of trials) out.push(numbers((await runTrial({ trial }, { wasm })).result));
  return out;
}

it('trials after a warm-up in the same thread are those of a cold thread, bit for bit', async () => {
  const expected = await cold();
  const wasm = await freshModule();
  const warm = await warmUp(wasm, new AbortController().signal);
  expect(warm?.status).toBe('completed');
  expect(warm?.history?.loss).toHaveLength(20); // the last of its five fits
  const after = [];
  for (const trial of trials) after.push(numbers((await runTrial({ trial }, { wasm })).result));
  // toStrictEqual compares floats with Object.is: bit-identical losses, accuracies, lrs.
  expect(after).toStrictEqual(expected);
  expect(expected.some((r) => (r as TrialResult).status === 'diverged')).toBe(true); // lr 10 diverges
});

it('a warm-up stopped part way, or before it started, leaves the same results', async () => {
  const expected = await cold();
  for (const stopAfterTicks of [0, 1, 2]) {
    const wasm = await freshModule();
    const stop = new AbortController();
    const warm = warmUp(wasm, stop.signal);
    for (let i = 0; i < stopAfterTicks; i++) await new Promise((resolve) => setImmediate(resolve));
    stop.abort();
    const result = await warm;
    // Before its first turn it never starts; later, it stops at the next turn its fit gives the event loop (or ends first).
    if (stopAfterTicks === 0) expect(result).toBeUndefined();
    else expect(['aborted', 'completed']).toContain(result?.status);
    const after = [];
    for (const trial of trials) after.push(numbers((await runTrial({ trial }, { wasm })).result));
    expect(after, `stopped after ${stopAfterTicks} turns`).toStrictEqual(expected);
  }
});

it('a warm-up whose pool has announced a run stops before its next fit, and leaves the same results', async () => {
  const expected = await cold();
  const wasm = await freshModule();
  const runStarted = new Int32Array(new SharedArrayBuffer(4));
  Atomics.store(runStarted, 0, 1);
  expect(await warmUp(wasm, new AbortController().signal, runStarted)).toBeUndefined();
  const after = [];
  for (const trial of trials) after.push(numbers((await runTrial({ trial }, { wasm })).result));
  expect(after).toStrictEqual(expected);
});

it('a worker given its module ahead returns what a cold thread returns, whether its run comes at once or after its warm-up', async () => {
  const expected = await cold();
  for (const waitMs of [0, 300]) {
    const worker = spawnPoolWorker();
    try {
      const setup: PoolSetup = { wasm: await freshModule() };
      worker.postMessage(setup);
      // Waiting, not timing: with 300 ms the warm-up has run (or is running) when the run arrives.
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      const tasks = trials.map((trial) => ({ trial }));
      const replies = await new Promise<PoolReply<TrialOutcome>[]>((resolve, reject) => {
        const got: PoolReply<TrialOutcome>[] = [];
        worker.on('error', reject);
        worker.on('message', (reply: PoolReply<TrialOutcome>) => {
          got.push(reply);
          if (got.length === tasks.length) resolve(got);
        });
        const run: PoolRun = { run: 1, tasks, claims: new SharedArrayBuffer(4 * CLAIM_WORDS) };
        worker.postMessage(run);
      });
      const byIndex = replies.sort((a, b) => a.index - b.index).map((r) => numbers(r.outcome.result));
      expect(byIndex, `run after ${waitMs} ms`).toStrictEqual(expected);
    } finally {
      await worker.terminate();
    }
  }
});
