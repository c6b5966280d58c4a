// The worker pool runs the very same runTrial as inline execution: the same
// trials give the same results, bit for bit, whatever thread ran them.
import { afterAll, expect, it } from 'vitest';
import { TUTORIAL_EXPERIMENT } from '../bindings/experiment.js';
import { InlineExecutor } from '../bindings/sweep/executor.js';
import { PoolExecutor } from '../bindings/sweep/pool.js';
import { expandSweep, validateSweep } from '../bindings/sweep/spec.js';
import type { TrialOutcome } from '../bindings/sweep/trial.js';
import type { TrialResult } from '../bindings/sweep/types.js';

const pool = new PoolExecutor({ concurrency: 2 });
afterAll(() => pool.close());

const sweep = validateSweep({
  base: { ...TUTORIAL_EXPERIMENT, epochs: 30 },
  axes: { 'optimizer.lr': [10, 0.1, 0.01, 1e-4], 'optimizer.name': ['sgd', 'adam'] },
});
const trials = expandSweep(sweep);

async function runAll(executor: InlineExecutor | PoolExecutor): Promise<Map<string, TrialResult>> {
  const results = new Map<string, TrialResult>();
  await executor.run(trials.map((trial) => ({ trial })), (o: TrialOutcome) => { results.set(o.result.id, o.result); });
  return results;
}

/** Everything a trial computed, with the wall times left out. */
function numbers(r: TrialResult): unknown {
  const { timeMs: _t, history, ...rest } = r;
  return { ...rest, history: history && { ...history, time: history.time.length } };
}

it('the pool returns, for every trial, exactly what inline execution returns', async () => {
  const [inline, pooled] = [await runAll(new InlineExecutor()), await runAll(pool)];
  expect(pooled.size).toBe(trials.length);
  expect(inline.size).toBe(trials.length);
  for (const t of trials) {
    // toStrictEqual compares floats with Object.is: bit-identical losses, accuracies, lrs.
    expect(numbers(pooled.get(t.id)!)).toStrictEqual(numbers(inline.get(t.id)!));
  }
  // The grid really spans outcomes: something diverged at lr 10 with sgd (a non-finite loss), something learned.
  expect([...inline.values()].some((r) => r.status === 'diverged')).toBe(true);
  expect([...inline.values()].some((r) => r.status === 'completed' && r.test!.accuracy! > 0.85)).toBe(true);
});

it('run() resolves only once every outcome is recorded, however long recording takes (a store appends asynchronously)', async () => {
  const recorded: string[] = [];
  const slowRecord = async (o: TrialOutcome) => {
    await new Promise((resolve) => setTimeout(resolve, 15));
    recorded.push(o.result.id);
  };
  await pool.run(trials.map((trial) => ({ trial })), slowRecord);
  expect(recorded.sort()).toEqual(trials.map((t) => t.id).sort());
});

it('an abort stops the taking of tasks: an aborted run starts none, one aborted midway leaves the rest unstarted', async () => {
  const many = expandSweep(validateSweep({ base: { ...TUTORIAL_EXPERIMENT, epochs: 30 }, axes: { 'optimizer.lr': { log: { from: 1, to: 1e-4, count: 40 } } } }));
  const tasks = many.map((trial) => ({ trial }));
  const before: TrialOutcome[] = [];
  await pool.run(tasks, (o) => { before.push(o); }, AbortSignal.abort());
  expect(before).toHaveLength(0);
  // Outcomes finished but not yet recorded when the abort is seen still come in; nothing is started after it.
  const controller = new AbortController();
  const outcomes: TrialOutcome[] = [];
  await pool.run(tasks, (o) => { outcomes.push(o); controller.abort(); }, controller.signal);
  expect(outcomes.length).toBeGreaterThanOrEqual(1);
  expect(outcomes.length).toBeLessThan(tasks.length);
  expect(new Set(outcomes.map((o) => o.result.id)).size).toBe(outcomes.length);
  // The pool serves the next run in full.
  expect((await runAll(pool)).size).toBe(trials.length);
});

it('a trial that throws comes back as a failed result, and the others still run', async () => {
  const bad = validateSweep({ base: { ...TUTORIAL_EXPERIMENT, epochs: 3 }, axes: { 'optimizer.lr': [0.01, -1, 0.1] } });
  const results: TrialResult[] = [];
  await pool.run(expandSweep(bad).map((trial) => ({ trial })), (o) => { results.push(o.result); });
  expect(results).toHaveLength(3);
  const failed = results.filter((r) => r.status === 'failed');
  expect(failed).toHaveLength(1);
  expect(failed[0].params['optimizer.lr']).toBe(-1);
  expect(failed[0].error).toMatch(/LrlabError: optimizer\.lr.*Received: optimizer\.lr=-1/);
  expect(results.filter((r) => r.status === 'completed')).toHaveLength(2);
});

it('a pool that never runs (its workers started eagerly) does not keep the process alive', async () => {
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const pool = new URL('../bindings/sweep/pool.ts', import.meta.url).href;
  const script = `const { PoolExecutor } = await import(${JSON.stringify(pool)}); new PoolExecutor({ concurrency: 2 }); console.log('made');`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 60_000 });
  expect(stdout.trim()).toBe('made');
}, 60_000);
