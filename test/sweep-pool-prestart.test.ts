// Pool workers started ahead of their pool (bin/lrlab.js starts them before the sweep command's
// imports): such a worker gets its module by message, and then returns exactly what inline execution
// returns; the next pool adopts it instead of starting another; `lrlab sweep` starts them only when
// it will make the default pool.
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { afterEach, expect, it } from 'vitest';
import { wasmModule } from '../bindings/backend/wasm-module.js';
import { prestart } from '../bindings/cli/prestart.js';
import { TUTORIAL_EXPERIMENT } from '../bindings/experiment.js';
import { InlineExecutor } from '../bindings/sweep/executor.js';
import { CLAIM_WORDS, type PoolReply, type PoolRun, type PoolSetup } from '../bindings/sweep/pool-claims.js';
import { prestartPoolWorkers, spawnPoolWorker, takePrestartedWorkers } from '../bindings/sweep/pool-prestart.js';
import { PoolExecutor } from '../bindings/sweep/pool.js';
import { expandSweep, validateSweep } from '../bindings/sweep/spec.js';
import type { TrialOutcome } from '../bindings/sweep/trial.js';
import type { TrialResult } from '../bindings/sweep/types.js';

const trials = expandSweep(validateSweep({
  base: { ...TUTORIAL_EXPERIMENT, epochs: 20 },
  axes: { 'optimizer.lr': [10, 0.1, 1e-4], 'optimizer.momentum': [0, 0.9] },
}));
const tasks = trials.map((trial) => ({ trial }));

afterEach(async () => {
  await Promise.all(takePrestartedWorkers(Infinity).map((w) => w.terminate()));
});

/** Everything a trial computed, with the wall times left out. */
function numbers(r: TrialResult): unknown {
  const { timeMs: _t, history, ...rest } = r;
  return { ...rest, history: history && { ...history, time: history.time.length } };
}

async function inline(): Promise<Map<string, TrialResult>> {
  const results = new Map<string, TrialResult>();
  await new InlineExecutor().run(tasks, (o) => { results.set(o.result.id, o.result); });
  return results;
}

/** Runs every task on this one worker alone (nobody else takes tasks from the counter). */
function runOnWorker(worker: Worker): Promise<PoolReply<TrialOutcome>[]> {
  const claims = new SharedArrayBuffer(4 * CLAIM_WORDS);
  const replies: PoolReply<TrialOutcome>[] = [];
  return new Promise((resolve, reject) => {
    worker.on('error', reject);
    worker.on('message', (reply: PoolReply<TrialOutcome>) => {
      replies.push(reply);
      if (replies.length === tasks.length) resolve(replies);
    });
    const run: PoolRun = { run: 1, tasks, claims };
    worker.postMessage(run);
  });
}

it('a worker started without a module takes it from its first message and returns what inline returns, bit for bit', async () => {
  const worker = spawnPoolWorker();
  try {
    const setup: PoolSetup = { wasm: await wasmModule() };
    worker.postMessage(setup);
    const [replies, expected] = await Promise.all([runOnWorker(worker), inline()]);
    expect(replies.map((r) => r.index).sort()).toEqual(tasks.map((_, i) => i));
    for (const { outcome, startedAt, endedAt } of replies) {
      // toStrictEqual compares floats with Object.is: bit-identical losses, accuracies, lrs.
      expect(numbers(outcome.result)).toStrictEqual(numbers(expected.get(outcome.result.id)!));
      expect(endedAt).toBeGreaterThanOrEqual(startedAt);
    }
    expect([...expected.values()].some((r) => r.status === 'diverged')).toBe(true); // lr 10 diverges
  } finally {
    await worker.terminate();
  }
});

it('the next pool adopts the workers started ahead, and its results are those of inline; lastRunTimes accounts for every trial', async () => {
  prestartPoolWorkers(1);
  const pool = new PoolExecutor({ concurrency: 2 });
  try {
    const results = new Map<string, TrialResult>();
    await pool.run(tasks, (o) => { results.set(o.result.id, o.result); });
    expect(takePrestartedWorkers(Infinity)).toHaveLength(0); // the pool took the one started ahead
    const expected = await inline();
    expect(results.size).toBe(tasks.length);
    for (const [id, result] of results) expect(numbers(result)).toStrictEqual(numbers(expected.get(id)!));
    const times = pool.lastRunTimes;
    expect(times).toHaveLength(2); // this thread and the adopted worker
    expect(times.reduce((n, t) => n + t.trials, 0)).toBe(tasks.length);
    for (const t of times.filter((t) => t.trials > 0)) {
      expect(t.busyMs).toBeGreaterThan(0);
      expect(t.lastEndMs).toBeGreaterThanOrEqual(t.firstStartMs);
    }
  } finally {
    await pool.close();
  }
});

it('lrlab sweep starts its pool workers ahead only when it will make the default pool', async () => {
  prestart(['sweep', '--epochs', '5', '--out', 'x']);
  expect(takePrestartedWorkers(Infinity).map((w) => w.terminate())).toHaveLength(availableParallelism() - 1);
  for (const argv of [
    ['sweep', '--inline'], ['sweep', '--workers', '3'], ['sweep', '--workers=3'], ['sweep', '--queue', 'redis://127.0.0.1:1'],
    ['sweep', '--queue=redis://127.0.0.1:1'], ['sweep', '--help'], ['sweep', '-h'], ['train', '--epochs', '5'], ['report', 'x'], [],
  ]) {
    prestart(argv);
    expect(takePrestartedWorkers(Infinity), argv.join(' ')).toHaveLength(0);
  }
});
