// Faults of the queue executor, against a real redis-server: a worker killed
// with SIGKILL mid-trial has its job found stalled and run by another worker
// (every trial recorded exactly once, the retried one bit-identical); a Redis
// that goes away is reported and reconnected with backoff, and the jobs it
// lost are queued again; bad queue URLs are refused with a clear message.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { expect, it } from 'vitest';
import { TUTORIAL_EXPERIMENT } from '../bindings/experiment.js';
import { QUEUE_NAME } from '../bindings/sweep/queue-connection.js';
import { expandSweep, validateSweep, type SweepSpec } from '../bindings/sweep/spec.js';
import { ResultStore } from '../bindings/sweep/store.js';
import { runTrial } from '../bindings/sweep/trial.js';
import type { TrialResult } from '../bindings/sweep/types.js';
import { describeWithRedis, sleep, startLrlab, queueTestEnvironment, type LrlabProcess } from './helpers/redis.js';

const { redis, processes, tempDir } = await queueTestEnvironment();

/** 16 trials, long enough to be killed in the middle of (only lr 0.1 without momentum diverges at once). */
function longSweep(name: string, epochs: number): SweepSpec {
  return {
    name,
    base: { ...TUTORIAL_EXPERIMENT, epochs },
    axes: { 'optimizer.lr': { log: { from: 0.1, to: 1e-4, count: 8 } }, 'optimizer.momentum': [0, 0.5] },
  };
}

function worker(url: string, name: string): LrlabProcess {
  // Short locks so that a dead worker's trial is retried within seconds (the default is 30 s).
  const p = startLrlab(['worker', '--queue', url, '--concurrency', '1', '--name', name, '--lock-duration', '1500', '--stalled-interval', '500']);
  processes.push(p);
  return p;
}

async function recorded(out: string): Promise<TrialResult[]> {
  return existsSync(join(out, 'results.jsonl')) ? (await ResultStore.read(out)).results : [];
}

function numbers(r: TrialResult): unknown {
  const { timeMs: _t, history, ...rest } = r;
  return { ...rest, history: history && { ...history, time: history.time.length } };
}

describeWithRedis('queue faults', redis, (server) => {
  const url = server.url;

  it('a worker killed with SIGKILL mid-trial: its trial is retried on the other worker, every trial recorded once', async () => {
    const dir = await tempDir('lrlab-queue-kill-');
    const spec = longSweep('kill test', 1500);
    await writeFile(join(dir, 'sweep.json'), JSON.stringify(spec));
    const out = join(dir, 'out');
    const [victim, survivor] = [worker(url, 'victim'), worker(url, 'survivor')];
    await Promise.all([victim, survivor].map((w) => w.waitFor(/waiting for trials/)));
    const coordinator = startLrlab(['sweep', '--queue', url, '--sweep', join(dir, 'sweep.json'), '--out', out]);
    processes.push(coordinator);
    const queue = new Queue(QUEUE_NAME, { connection: { url } });
    let killedJob: string | undefined;
    try {
      // Once the sweep is under way, kill the victim while it runs a trial.
      await victim.waitFor(/^trial /m);
      for (let tries = 0; !killedJob && tries < 400; tries++) {
        const active = await queue.getActive();
        const job = active.find((j) => j.processedBy === 'victim');
        if (job) {
          victim.child.kill('SIGKILL');
          killedJob = job.id;
        } else {
          await sleep(10);
        }
      }
      expect(killedJob).toBeDefined();
      expect(await victim.exited).toBe(-1);
      expect(await coordinator.exited).toBe(0);
    } finally {
      await queue.close();
    }
    // Found stalled (its lock lapsed), put back, run by the survivor. The stalled trial is the one the
    // victim was running when the signal landed: the one seen active, or the next one if the victim
    // finished that in between. It may even have finished it without telling Redis before dying:
    // delivery is at least once, and the store records each trial once whatever ran it twice.
    const stalled = [...coordinator.stderr.matchAll(/trial (\S+) stalled/g)].map((m) => m[1]);
    expect(stalled).toHaveLength(1);
    killedJob = stalled[0];
    expect(survivor.stdout).toContain(`trial ${killedJob} `);
    const results = await recorded(out);
    expect(results).toHaveLength(16);
    expect(new Set(results.map((r) => r.id)).size).toBe(16);
    expect(results.filter((r) => r.status === 'failed')).toStrictEqual([]);
    // The retried trial is the same, bit for bit, as one run here.
    const trialId = killedJob!.split('-')[1];
    const trial = expandSweep(validateSweep(spec)).find((t) => t.id === trialId)!;
    const here = JSON.parse(JSON.stringify((await runTrial({ trial })).result));
    const there = results.find((r) => r.id === trialId)!;
    expect(JSON.parse(JSON.stringify(numbers(there)))).toStrictEqual(numbers(here));
    await survivor.stop();
  });

  it('a lost Redis is reported, reconnected with backoff, and the jobs it lost are queued again', async () => {
    const dir = await tempDir('lrlab-queue-restart-');
    await writeFile(join(dir, 'sweep.json'), JSON.stringify(longSweep('restart test', 600)));
    const out = join(dir, 'out');
    const w = worker(url, 'steady');
    await w.waitFor(/waiting for trials/);
    const coordinator = startLrlab(['sweep', '--queue', url, '--sweep', join(dir, 'sweep.json'), '--out', out]);
    processes.push(coordinator);
    while ((await recorded(out)).length < 3) await sleep(20);
    // Redis goes away (and comes back empty: nothing is saved). Both sides say so, and keep trying.
    await server.kill();
    await Promise.all([coordinator, w].map((p) => p.waitFor(/lost the connection to the queue at redis:\/\/127\.0\.0\.1:\d+ \(.*\); retrying with backoff/, 15_000)));
    await sleep(1000);
    await server.restart();
    await Promise.all([coordinator, w].map((p) => p.waitFor(/reconnected to the queue at redis:\/\/127\.0\.0\.1:\d+ after \d/, 30_000)));
    expect(await coordinator.exited).toBe(0);
    expect(coordinator.stderr).toMatch(/pending trials were no longer in the queue \(was Redis restarted\?\); adding them again/);
    const results = await recorded(out);
    expect(results).toHaveLength(16);
    expect(new Set(results.map((r) => r.id)).size).toBe(16);
    expect(results.filter((r) => r.status === 'failed')).toStrictEqual([]);
    await w.stop();
  });

  it('refuses a queue URL that is not Redis, or where no Redis answers, naming the URL', async () => {
    const dir = await tempDir('lrlab-queue-bad-');
    await writeFile(join(dir, 'sweep.json'), JSON.stringify(longSweep('bad url', 1)));
    const sweep = (queue: string, out: string) => ['sweep', '--queue', queue, '--sweep', join(dir, 'sweep.json'), '--out', join(dir, out)];
    const env = { LRLAB_QUEUE_CONNECT_TIMEOUT: '1.5' };
    const started = Date.now();
    const runs = [
      startLrlab(sweep('http://x', 'a')),
      startLrlab(sweep('redis://127.0.0.1:1', 'b'), env),
      startLrlab(['worker', '--queue', 'localhost:6379']),
      startLrlab(['worker', '--queue', 'redis://127.0.0.1:1'], env),
      startLrlab(['worker']),
      startLrlab(['sweep', '--queue', url, '--inline', '--sweep', join(dir, 'sweep.json'), '--out', join(dir, 'c')]),
    ];
    processes.push(...runs);
    const codes = await Promise.all(runs.map((r) => r.exited));
    expect(Date.now() - started).toBeLessThan(30_000); // bounded: no endless retrying
    expect(codes).toStrictEqual([2, 2, 2, 2, 2, 2]);
    for (const r of runs) {
      expect(r.stderr).toMatch(/^lrlab: --(queue|inline): .*Received: /m);
      expect(r.stderr).not.toMatch(/^\s+at /m); // a message, not a stack trace
    }
    expect(runs[0].stderr).toContain('--queue: must be a Redis URL: redis://HOST:PORT');
    expect(runs[0].stderr).toContain('Received: --queue="http://x"');
    expect(runs[1].stderr).toContain('--queue: must name a reachable Redis server; none answered at 127.0.0.1:1 within 1.5 s (connect ECONNREFUSED');
    expect(runs[1].stderr).toContain('Received: --queue="redis://127.0.0.1:1"');
    expect(runs[2].stderr).toContain('Received: --queue="localhost:6379"');
    expect(runs[3].stderr).toContain('none answered at 127.0.0.1:1 within 1.5 s');
    expect(runs[4].stderr).toContain('--queue: is required');
    expect(runs[5].stderr).toContain('--inline: cannot be combined with --queue');
    // Nothing was written for a sweep that could not start.
    for (const out of ['a', 'b', 'c']) expect(existsSync(join(dir, out))).toBe(false);
  });
});
