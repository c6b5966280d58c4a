/**
 * One sweep phase in a fresh process, as `lrlab sweep` (and so `npm start`) runs
 * it: in pool mode the worker is started first, before the imports (as
 * bin/lrlab.js does, bindings/cli/prestart.ts), then the executor made, the
 * results appended to a store in a temporary folder, the executor closed. Cold
 * JIT on every thread, as in the command. Prints {"ms": …, "trials": …,
 * "runners": […]} (the sweep phase only: the process's start and imports are
 * not in it; runners: each thread's trials and busy time, pool mode only).
 * Usage: tsx bench/sweep-phase.ts inline|pool [epochs]
 */
import { prestartPoolWorkers } from '../bindings/sweep/pool-prestart.js';

const [mode, epochs] = process.argv.slice(2);
if (mode !== 'inline' && mode !== 'pool') throw new Error('usage: sweep-phase.ts inline|pool [epochs]');
if (mode === 'pool') prestartPoolWorkers(1);
const [{ mkdtemp, rm }, { tmpdir }, { join }, { sweepSpecFromFlags }, { InlineExecutor }, { PoolExecutor }, { runSweep }, { validateSweep }, { ResultStore }] = await Promise.all([
  import('node:fs/promises'), import('node:os'), import('node:path'), import('../bindings/cli/sweep.js'), import('../bindings/sweep/executor.js'),
  import('../bindings/sweep/pool.js'), import('../bindings/sweep/run.js'), import('../bindings/sweep/spec.js'), import('../bindings/sweep/store.js'),
]);
const dir = await mkdtemp(join(tmpdir(), 'lrlab-sweep-phase-'));
try {
  const started = performance.now();
  const executor = mode === 'inline' ? new InlineExecutor() : new PoolExecutor({ concurrency: 2 });
  const spec = await sweepSpecFromFlags(epochs === undefined ? {} : { epochs });
  const store = await ResultStore.open(dir, spec);
  const results = await runSweep(validateSweep(spec), { executor, store });
  await executor.close();
  const ms = performance.now() - started;
  const runners = executor instanceof PoolExecutor ? executor.lastRunTimes.map((t) => ({ trials: t.trials, busyMs: Math.round(t.busyMs) })) : undefined;
  process.stdout.write(JSON.stringify({ ms, trials: results.filter((r) => r.status !== 'failed').length, runners }) + '\n');
} finally {
  await rm(dir, { recursive: true, force: true });
}
