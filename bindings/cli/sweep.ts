/**
 * lrlab sweep: a learning-rate sensitivity analysis. From flags (the base
 * experiment, --lr and --momentum axes…) or a sweep file, run on a worker pool
 * (or --inline, or on `lrlab worker`s through a Redis queue with --queue URL), results appended to DIR/results.jsonl as they finish (a
 * rerun with the same --out resumes), then the report: DIR/report.html,
 * summary.json, epochs.csv.
 */
import { isAbsolute } from 'node:path';
import { fmtAxisValue } from '../diagnostics/stats.js';
import { LrlabError } from '../errors.js';
import { InlineExecutor, type Executor } from '../sweep/executor.js';
import { PoolExecutor } from '../sweep/pool.js';
import { importQueueCode } from '../sweep/queue-import.js';
import { runSweep } from '../sweep/run.js';
import { expandSweep, validateSweep, type NormalizedSweep, type SweepSpec } from '../sweep/spec.js';
import type { QueueExecutor } from '../sweep/queue.js';
import { specId } from '../sweep/hash.js';
import type { Trial } from '../sweep/types.js';
import { validateExperiment } from '../experiment.js';
import { ResultStore } from '../sweep/store.js';
import { checkDataUnchanged } from '../files/data-hash.js';
import { prepareOutDir } from '../files/out-dir.js';
import type { RunLock } from '../files/run-lock.js';
import { EXIT } from './exit-codes.js';
import { EXPERIMENT_FLAGS, FIT_FLAGS, experimentFromFlags, readJson } from './experiment-flags.js';
import { HELP_FLAG, defineFlags, flagAxis, flagInteger, flagSet, flagsHelp, parseFlags } from './flags.js';
import { markPhase, notePhase, printPhases } from './phases.js';
import { createProgress } from './progress.js';

/** sweep's own meaning of --lr and --momentum (axes of values) replaces the shared one (a value). */
export const SWEEP_FLAGS = flagSet(defineFlags({
  sweep: {
    type: 'string', arg: 'FILE',
    help: 'a sweep spec (JSON: {base, axes, mode, samples, repeats, halving});\nthe flags below then only add to its base and axes',
  },
  lr: { type: 'string', arg: 'AXIS', help: 'learning rates: "1e0:1e-7:8" (log-spaced from:to:count) or "0.1,0.01"' },
  momentum: { type: 'string', arg: 'AXIS', help: 'momenta, e.g. "0,0.5,0.9,0.99" (sgd and rmsprop)' },
  optimizers: {
    type: 'string', arg: 'LIST',
    help: 'optimizers to compare, e.g. "sgd,adam", each with its own defaults\n(lr included, unless --lr sweeps it); --momentum applies only to\nthe optimizers that have a momentum (sgd, rmsprop)',
  },
  repeats: { type: 'string', arg: 'N', help: 'seeds per configuration (mean and spread are reported)' },
  halving: { type: 'boolean', help: 'successive halving: 3 rungs, keep the best third at each' },
  out: { type: 'string', arg: 'DIR', help: 'results and report directory (default runs/sweep); rerunning with\nthe same DIR runs only the trials not yet recorded' },
  workers: { type: 'string', arg: 'N', help: 'trials at a time: N − 1 worker threads and this one (default: one per core)' },
  inline: { type: 'boolean', help: 'run in this thread, one trial after another' },
  queue: {
    type: 'string', arg: 'URL',
    help: 'run the trials on "lrlab worker --queue URL" processes, on any number\nof machines, through a BullMQ queue on Redis (redis://HOST:PORT);\nCtrl-C leaves the queued trials running, a rerun collects them',
  },
}), EXPERIMENT_FLAGS, FIT_FLAGS, HELP_FLAG);

export const SWEEP_HELP = `Usage: lrlab sweep [options]

Trains the same experiment over a grid of learning rates (and momenta,
optimizers…) in parallel, diagnoses every curve and writes a report.
Without options: the tutorial's blobs experiment over lr 1e0 … 1e-7 (8 values)
× momentum {0, 0.5, 0.9, 0.99}, 200 epochs, 32 trials.

Options:
${flagsHelp(SWEEP_FLAGS)}`;

export async function sweepCommand(args: string[]): Promise<number> {
  markPhase('imported');
  const { values } = parseFlags(args, SWEEP_FLAGS, 'lrlab sweep');
  if (values.help) {
    process.stdout.write(SWEEP_HELP);
    return 0;
  }
  const spec = await sweepSpecFromFlags(values);
  const sweep = validateSweep(spec);
  const out = values.out ?? 'runs/sweep';
  if (values.inline && values.workers !== undefined) {
    throw new LrlabError('INVALID_OPTION', '--workers', values.workers, 'cannot be combined with --inline');
  }
  if (values.queue !== undefined && (values.inline || values.workers !== undefined)) {
    const [flag, value] = values.inline ? ['--inline', true] : ['--workers', values.workers];
    throw new LrlabError('INVALID_OPTION', flag, value, 'cannot be combined with --queue (the workers started with "lrlab worker --queue URL" run the trials)');
  }
  // The queue executor is loaded only when used: BullMQ and ioredis take a while to import.
  const queue = values.queue === undefined ? undefined
    : new (await importQueueCode('--queue', values.queue, () => import('../sweep/queue.js'))).QueueExecutor({ url: values.queue, sweepKey: specId(spec) });
  const executor: Executor = queue ?? (values.inline
    ? new InlineExecutor()
    : new PoolExecutor(values.workers === undefined ? {} : { concurrency: flagInteger('--workers', values.workers) }));
  // Every trial's spec is checked before the first one runs: a bad axis value is refused, not recorded as failed.
  const trials = expandSweep(sweep);
  for (const trial of trials) validateTrial(trial, values);
  if (queue) {
    warnRelativeDataPaths(trials);
    await queue.connect(); // an unreachable server is an error now, before anything is written
  }
  // --out is checked and locked before any trial runs; recorded results must come from the same CSV contents.
  let lock: RunLock | undefined;
  try {
    lock = await prepareOutDir(out, 'sweep');
    await checkDataUnchanged(out, trials.flatMap((t) => (t.spec.data.name === 'csv' ? [t.spec.data.path] : [])));
  } catch (error) {
    await lock?.release();
    await executor.close(); // a queue connection or a pool left open would keep the process alive
    throw error;
  }
  try {
    return await runAndReport(out, spec, sweep, executor, queue);
  } finally {
    await lock.release();
    markPhase('done');
    printPhases();
  }
}

async function runAndReport(out: string, spec: SweepSpec, sweep: NormalizedSweep, executor: Executor, queue: QueueExecutor | undefined): Promise<number> {
  const store = await ResultStore.open(out, spec);
  markPhase('checked');
  // The report's code loads while the trials run (on this thread between its own trials, as the workers train).
  const reportCode = Promise.all([import('../diagnostics/sweep.js'), import('../report/write.js'), import('./summary.js')]);
  reportCode.catch(() => {}); // awaited below; an interrupted sweep never needs it
  const recorded = store.results.length;
  const controller = new AbortController();
  const onSigint = () => {
    process.stderr.write(queue
      ? '\nstopping: the queued trials stay in the queue and the workers go on; rerun the same command to collect them\n'
      : '\nstopping after the running trials; rerun the same command to resume\n');
    controller.abort();
  };
  process.once('SIGINT', onSigint);
  const progress = createProgress(queue ? `sweep (queue ${queue.url.text})` : `sweep (${executor.name}, ${executor.concurrency} at a time)`);
  let results;
  try {
    results = await runSweep(sweep, {
      executor, store, signal: controller.signal,
      onResult: ({ done, total, result }) => progress.update(done, total, `${paramsText(result.params)} ${result.status}`),
    });
  } catch (error) {
    await executor.close();
    throw error;
  } finally {
    process.off('SIGINT', onSigint);
    markPhase('trials');
    if (executor instanceof PoolExecutor) notePhase('runners', executor.lastRunTimes.map((t) => ({ ...t, busyMs: Math.round(t.busyMs), firstStartMs: Math.round(t.firstStartMs), lastEndMs: Math.round(t.lastEndMs) })));
  }
  // The pool's threads stop (or the queue disconnects) while this thread analyses and writes the report.
  const closed = executor.close();
  closed.catch(() => {}); // awaited below: a failure to close is not lost, nor unhandled meanwhile
  try {
    if (controller.signal.aborted) {
      progress.finish(`stopped with ${results.length} trials recorded in ${out}`);
      return EXIT.INTERRUPTED;
    }
    const fresh = store.results.length - recorded;
    progress.finish(recorded === 0 ? `${fresh} trials` : `${fresh} new trials run, ${recorded} results already recorded in ${out}${fresh === 0 ? ': nothing new to run' : ''}`);
    const axes = sweep.axes.map((a) => a.path);
    const [{ analyzeSweep }, { writeSweepReport }, { describeBest }] = await reportCode;
    const analysis = analyzeSweep(results);
    markPhase('analysis');
    const files = await writeSweepReport(out, { title: `Learning-rate sweep: ${sweep.name}`, axes, results, analysis, specSummary: spec });
    markPhase('report');
    process.stdout.write(describeBest(results, analysis));
    process.stdout.write(`report: ${files.html}\n`);
    return 0;
  } finally {
    await closed;
  }
}

type SweepFlagValues = Parameters<typeof experimentFromFlags>[0] & {
  sweep?: string; momentum?: string; optimizers?: string; repeats?: string; halving?: boolean;
};

export async function sweepSpecFromFlags(values: SweepFlagValues): Promise<SweepSpec> {
  if (values.sweep !== undefined && values.spec !== undefined) {
    throw new LrlabError('INVALID_OPTION', '--spec', values.spec, 'cannot be combined with --sweep (the sweep file holds its base experiment)');
  }
  // --spec FILE is the base experiment of the default grid; the other flags change it below.
  const spec: SweepSpec = values.sweep
    ? await readJson<SweepSpec>('--sweep', values.sweep)
    : { name: 'lr × momentum', base: await experimentFromFlags({ spec: values.spec }), axes: { 'optimizer.lr': { log: { from: 1, to: 1e-7, count: 8 } }, 'optimizer.momentum': [0, 0.5, 0.9, 0.99] } };
  const changesBase = [...Object.keys(EXPERIMENT_FLAGS), ...Object.keys(FIT_FLAGS)].some((k) => k !== 'spec' && values[k as keyof SweepFlagValues] !== undefined);
  if (changesBase) spec.base = await experimentFromFlags({ ...values, spec: undefined }, { lrAxis: true }).then((flags) => mergeBase(spec.base, flags, values));
  if (values.lr !== undefined) spec.axes = { ...spec.axes, 'optimizer.lr': flagAxis('--lr', values.lr) };
  if (values.momentum !== undefined) spec.axes = { ...spec.axes, 'optimizer.momentum': flagAxis('--momentum', values.momentum) };
  if (values.optimizers !== undefined) spec.axes = { ...spec.axes, 'optimizer.name': flagAxis('--optimizers', values.optimizers, false) };
  if (values.repeats !== undefined) spec.repeats = flagInteger('--repeats', values.repeats);
  if (values.halving) spec.halving = { rungs: 3, eta: 3 };
  return spec;
}

/** The base experiment with the flags' changes on top (only the fields the flags set). */
function mergeBase(base: SweepSpec['base'], fromFlags: SweepSpec['base'], values: SweepFlagValues): SweepSpec['base'] {
  const merged = structuredClone(base);
  if (values.data !== undefined || values.hidden !== undefined) {
    merged.data = fromFlags.data;
    merged.model = fromFlags.model;
    merged.split = fromFlags.split;
    merged.standardize = fromFlags.standardize;
  }
  if (values.optimizer !== undefined) merged.optimizer = fromFlags.optimizer;
  if (values.epochs !== undefined) merged.epochs = fromFlags.epochs;
  if (values['batch-size'] !== undefined) merged.batchSize = fromFlags.batchSize;
  if (values.seed !== undefined) merged.seed = fromFlags.seed;
  if (values.backend !== undefined) merged.backend = fromFlags.backend;
  const fields = {
    'test-split': 'split', standardize: 'standardize', schedule: 'schedule', plateau: 'plateau',
    'early-stopping': 'earlyStopping', divergence: 'divergence', 'validation-split': 'validationSplit',
  } as const;
  for (const [flag, key] of Object.entries(fields)) {
    if (values[flag as keyof typeof fields] === undefined) continue;
    if (fromFlags[key] === undefined) delete merged[key];
    else (merged as unknown as Record<string, unknown>)[key] = fromFlags[key];
  }
  return merged;
}

/** A CSV path travels as it is: relative, each worker reads it from its own working directory. */
function warnRelativeDataPaths(trials: Trial[]): void {
  const relative = new Set(trials.map((t) => t.spec.data).filter((d) => d.name === 'csv' && !isAbsolute(d.path) && !/^\w+:\/\//.test(d.path))
    .map((d) => (d as { path: string }).path));
  for (const path of relative) {
    process.stderr.write(`lrlab: note: data.path "${path}" is relative; each worker reads it from its own working directory (give an absolute path on a shared disk)\n`);
  }
}

/** The axes the sweep's own flags make, so that a bad value of one is refused naming the flag the user typed. */
const AXIS_FLAGS: Record<string, string> = { 'optimizer.lr': '--lr', 'optimizer.momentum': '--momentum', 'optimizer.name': '--optimizers' };

function validateTrial(trial: Trial, values: { lr?: string; momentum?: string; optimizers?: string }): void {
  const prefix = `trial ${paramsText(trial.params)}`;
  try {
    validateExperiment(trial.spec, prefix);
  } catch (error) {
    const path = error instanceof LrlabError && error.field.startsWith(`${prefix}.`) ? error.field.slice(prefix.length + 1) : undefined;
    const flag = path === undefined ? undefined : AXIS_FLAGS[path];
    if (flag !== undefined && values[flag.slice(2) as 'lr' | 'momentum' | 'optimizers'] !== undefined) {
      const { code, value, allowed } = error as LrlabError;
      throw new LrlabError(code, flag, value, allowed);
    }
    throw error;
  }
}

export function paramsText(params: Record<string, unknown>): string {
  return Object.entries(params).map(([k, v]) => `${k.split('.').pop()}=${typeof v === 'object' && v !== null ? `(${fmtAxisValue(v)})` : v}`).join(' ');
}
