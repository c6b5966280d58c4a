// The queue executor against a real redis-server (a private one on a free port
// of 127.0.0.1): a sweep queued with `lrlab sweep --queue`, interrupted with
// Ctrl-C before any worker ran, resumed without duplicating a job, then run by
// two `lrlab worker` processes gives, trial by trial, bit for bit what the
// inline executor gives; a finished sweep run again enqueues nothing.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { expect, it } from 'vitest';
import { TUTORIAL_EXPERIMENT } from '../bindings/experiment.js';
import { InlineExecutor } from '../bindings/sweep/executor.js';
import { QUEUE_NAME } from '../bindings/sweep/queue-connection.js';
import { runSweep } from '../bindings/sweep/run.js';
import { validateSweep, type SweepSpec } from '../bindings/sweep/spec.js';
import { ResultStore } from '../bindings/sweep/store.js';
import type { TrialResult } from '../bindings/sweep/types.js';
import { describeWithRedis, startLrlab, queueTestEnvironment, type LrlabProcess } from './helpers/redis.js';

const { redis, processes, tempDir } = await queueTestEnvironment();

// 8 learning rates × 2 momenta = 16 trials: some diverge (lr 10: NaN losses travel as null), some learn.
const SPEC: SweepSpec = {
  name: 'queue test',
  base: { ...TUTORIAL_EXPERIMENT, epochs: 200 },
  axes: { 'optimizer.lr': { log: { from: 10, to: 1e-6, count: 8 } }, 'optimizer.momentum': [0, 0.9] },
};

/** Everything a trial computed, with the wall times left out. */
function numbers(r: TrialResult): unknown {
  const { timeMs: _t, history, ...rest } = r;
  return { ...rest, history: history && { ...history, time: history.time.length } };
}

function byId(results: TrialResult[]): Map<string, TrialResult> {
  return new Map(results.map((r) => [r.id, r]));
}

describeWithRedis('lrlab sweep --queue with lrlab worker processes', redis, (server) => {
  const url = server.url;
  let dir = '';
  let sweepFile = '';
  let workers: LrlabProcess[] = [];

  it('queues, survives Ctrl-C without losing or duplicating a job, and matches the inline executor bit for bit', async () => {
    dir = await tempDir('lrlab-queue-');
    sweepFile = join(dir, 'sweep.json');
    await writeFile(sweepFile, JSON.stringify(SPEC));
    const out = join(dir, 'queued');
    const args = ['sweep', '--queue', url, '--sweep', sweepFile, '--out', out];
    const queue = new Queue(QUEUE_NAME, { connection: { url } });
    try {
      // No worker yet: the coordinator enqueues every trial and waits; Ctrl-C leaves the jobs queued.
      const first = startLrlab(args);
      processes.push(first);
      await first.waitFor(/16 trials enqueued, 0 already in the queue, 0 finished there; no worker is connected yet/);
      expect(await first.stop('SIGINT')).toBe(130);
      expect(first.stderr).toMatch(/the queued trials stay in the queue/);
      expect((await queue.getJobCounts()).waiting).toBe(16);

      // The re-run finds them all queued and adds none. The queue is paused until both workers are up,
      // so that both take trials.
      await queue.pause();
      const second = startLrlab(args);
      processes.push(second);
      await second.waitFor(/0 trials enqueued, 16 already in the queue/);
      workers = ['w1', 'w2'].map((name) => startLrlab(['worker', '--queue', url, '--concurrency', '1', '--name', name]));
      processes.push(...workers);
      await Promise.all(workers.map((w) => w.waitFor(/connected to redis:\/\/127\.0\.0\.1:\d+, 1 trial at a time/)));
      while ((await queue.getWorkersCount()) < 2) await new Promise((r) => setTimeout(r, 50));
      await queue.resume();
      expect(await second.exited).toBe(0);
      expect(second.stdout).toMatch(/^report: /m);
    } finally {
      await queue.close();
    }

    // Every trial ran exactly once, and both worker processes took some.
    const ran = workers.map((w) => w.stdout.match(/^trial \S+ /gm) ?? []);
    expect(ran[0].length).toBeGreaterThan(0);
    expect(ran[1].length).toBeGreaterThan(0);
    expect(ran[0].length + ran[1].length).toBe(16);
    const lines = (await readFile(join(out, 'results.jsonl'), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(16);
    const queued = byId((await ResultStore.read(out)).results);
    expect(queued.size).toBe(16);

    // The same sweep on the inline executor, through the same JSONL store.
    const inlineDir = join(dir, 'inline');
    await runSweep(validateSweep(SPEC), { executor: new InlineExecutor(), store: await ResultStore.open(inlineDir, SPEC) });
    const inline = byId((await ResultStore.read(inlineDir)).results);
    expect(inline.size).toBe(16);
    for (const [id, result] of inline) {
      // toStrictEqual compares numbers with Object.is: bit-identical losses, accuracies, learning rates.
      expect(numbers(queued.get(id)!)).toStrictEqual(numbers(result));
    }
    expect([...inline.values()].some((r) => r.status === 'diverged')).toBe(true);
    expect([...inline.values()].some((r) => r.status === 'completed' && r.test!.accuracy! > 0.85)).toBe(true);
  });

  it('a finished sweep run again enqueues nothing and runs nothing', async () => {
    const out = join(dir, 'queued');
    const queue = new Queue(QUEUE_NAME, { connection: { url } });
    try {
      // Collected results are removed from Redis: the JSONL store is the record.
      const before = await queue.getJobCounts();
      expect(Object.values(before).every((n) => n === 0)).toBe(true);
      const ranBefore = workers.map((w) => w.stdout.length);
      const again = startLrlab(['sweep', '--queue', url, '--sweep', sweepFile, '--out', out]);
      processes.push(again);
      expect(await again.exited).toBe(0);
      expect(again.stderr).toMatch(/0 new trials run, 16 results already recorded .*: nothing new to run/);
      expect(again.stderr).not.toMatch(/trials enqueued/);
      expect(await queue.getJobCounts()).toStrictEqual(before);
      expect(workers.map((w) => w.stdout.length)).toStrictEqual(ranBefore);
      expect((await readFile(join(out, 'results.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(16);
    } finally {
      await queue.close();
    }
  });
});
