/**
 * One sweep phase in a fresh process, as `lrlab sweep` (and so `npm start`) runs
 * it: the executor made first (a pool starts its workers then), the results
 * appended to a store in a temporary folder, the executor closed. Cold JIT on
 * every thread, as in the command. Prints {"ms": …, "trials": …} (the sweep
 * phase only: the process's start and imports are not in it).
 * Usage: tsx bench/sweep-phase.ts inline|pool [epochs]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sweepSpecFromFlags } from '../bindings/cli/sweep.js';
import { InlineExecutor } from '../bindings/sweep/executor.js';
import { PoolExecutor } from '../bindings/sweep/pool.js';
import { runSweep } from '../bindings/sweep/run.js';
import { validateSweep } from '../bindings/sweep/spec.js';
import { ResultStore } from '../bindings/sweep/store.js';

const [mode, epochs] = process.argv.slice(2);
if (mode !== 'inline' && mode !== 'pool') throw new Error('usage: sweep-phase.ts inline|pool [epochs]');
const dir = await mkdtemp(join(tmpdir(), 'lrlab-sweep-phase-'));
try {
  const started = performance.now();
  const executor = mode === 'inline' ? new InlineExecutor() : new PoolExecutor({ concurrency: 2 });
  const spec = await sweepSpecFromFlags(epochs === undefined ? {} : { epochs });
  const store = await ResultStore.open(dir, spec);
  const results = await runSweep(validateSweep(spec), { executor, store });
  await executor.close();
  const ms = performance.now() - started;
  process.stdout.write(JSON.stringify({ ms, trials: results.filter((r) => r.status !== 'failed').length }) + '\n');
} finally {
  await rm(dir, { recursive: true, force: true });
}
