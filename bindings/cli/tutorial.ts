/**
 * lrlab tutorial: the six experiments of the classic learning-rate tutorial
 * on its exact data, all trials at once on the worker pool, one report
 * (DIR/report.html) and the results (DIR/results.jsonl, one trial per line);
 * DIR/tutorial.json, its settings, is written first and marks the folder as a
 * tutorial's, so that neither a sweep nor a train run writes over it, nor it over them.
 */
import { prepareOutDir } from '../files/out-dir.js';
import { join, resolve } from 'node:path';
import { renderTutorialReport } from '../report/tutorial.js';
import { InlineExecutor, type Executor } from '../sweep/executor.js';
import { resultToJson } from '../sweep/json.js';
import { PoolExecutor } from '../sweep/pool.js';
import { runTutorial, tutorialTrials, TUTORIAL_BASE } from '../tutorial/experiments.js';
import { HELP_FLAG, defineFlags, flagInteger, flagSet, flagsHelp, parseFlags } from './flags.js';
import { writeFileAtomic } from '../files/atomic.js';

export const TUTORIAL_FLAGS = flagSet(defineFlags({
  out: { type: 'string', arg: 'DIR', help: 'where to write the report (default runs/tutorial)' },
  repeats: { type: 'string', arg: 'N', help: 'runs per value, seeds 1, 2, … (default 1)' },
  epochs: { type: 'string', arg: 'N', help: "epochs per run (default 200, the tutorial's)" },
  workers: { type: 'string', arg: 'N', help: 'trials at a time: N − 1 worker threads and this one (default: one per core)' },
  inline: { type: 'boolean', help: 'run in this thread instead of a pool' },
}), HELP_FLAG);

export const TUTORIAL_HELP = `Usage: lrlab tutorial [options]

Runs the six experiments of the learning-rate tutorial on its exact data
(scikit-learn's make_blobs(1000, centers=3, n_features=2, cluster_std=2,
random_state=2); first 500 rows train, last 500 test; Dense(50, relu) →
Dense(3, softmax); batch 32; 200 epochs; Keras's optimizer defaults, no
divergence guard): 1. the LR grid 1 … 1e-7, 2. momentum 0 … 0.99, 3. the
inverse-time decay formula, 4. SGD with Keras's decay, 5. reduce-on-plateau
(Keras semantics) at patience 2, 5, 10, 15, 6. SGD, RMSprop, Adagrad and Adam.
All runs go to the worker pool at once; the report is DIR/report.html, each
run's result a line of DIR/results.jsonl.

Options:
${flagsHelp(TUTORIAL_FLAGS)}`;

export async function tutorialCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, TUTORIAL_FLAGS, 'lrlab tutorial');
  if (values.help) {
    process.stdout.write(TUTORIAL_HELP);
    return 0;
  }
  const repeats = values.repeats === undefined ? 1 : flagInteger('--repeats', values.repeats);
  const epochs = values.epochs === undefined ? TUTORIAL_BASE.epochs : flagInteger('--epochs', values.epochs);
  const workers = values.workers === undefined ? undefined : flagInteger('--workers', values.workers);
  tutorialTrials({ epochs, repeats }); // every spec checked before a worker starts
  // --out is checked and locked before any run: a folder, writable, not another kind of run's (a sweep's results.jsonl).
  const out = resolve(values.out ?? 'runs/tutorial');
  const lock = await prepareOutDir(out, 'tutorial');
  try {
    await writeFileAtomic(join(out, 'tutorial.json'), JSON.stringify({ epochs, repeats }) + '\n'); // marks the folder as a tutorial's
    return await runAndReport(out, { epochs, repeats, workers, inline: values.inline === true });
  } finally {
    await lock.release();
  }
}

async function runAndReport(out: string, { epochs, repeats, workers, inline }: { epochs: number; repeats: number; workers?: number; inline: boolean }): Promise<number> {
  const executor: Executor = inline ? new InlineExecutor() : new PoolExecutor(workers === undefined ? {} : { concurrency: workers });
  const where = inline ? 'this thread' : `a pool of ${executor.concurrency} thread${executor.concurrency > 1 ? 's' : ''}`;
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const started = performance.now();
  let sections;
  try {
    sections = await runTutorial({
      executor, epochs, repeats, signal: controller.signal,
      onResult: (done, total) => { if (done === total || done % 8 === 0) process.stdout.write(`${done}/${total} runs\n`); },
    });
  } finally {
    process.off('SIGINT', onSigint);
    await executor.close();
  }
  const timeMs = performance.now() - started;
  if (controller.signal.aborted) {
    process.stderr.write('lrlab: interrupted; no report written\n');
    return 130;
  }
  process.stdout.write(`${sections.reduce((n, s) => n + s.results.length, 0)} runs of ${epochs} epochs in ${(timeMs / 1000).toFixed(1)} s on ${where}\n`);
  for (const s of sections) {
    if (s.axis === null) continue;
    const accs = s.results.map((r) => r.history?.valAccuracy?.at(-1) ?? NaN);
    const best = accs.indexOf(accs.filter(Number.isFinite).reduce((a, b) => Math.max(a, b), -Infinity));
    if (best >= 0) process.stdout.write(`${s.title}: best test accuracy ${(accs[best] * 100).toFixed(1)}% at ${s.axis} = ${JSON.stringify(s.results[best].params[s.axis])}\n`);
  }
  const html = await renderTutorialReport({ sections, epochs, repeats, timeMs, where, base: { ...TUTORIAL_BASE, epochs } });
  const lines = sections.flatMap((s) => s.results.map((r) => JSON.stringify({ section: s.id, result: JSON.parse(resultToJson(r)) }) + '\n'));
  await writeFileAtomic(join(out, 'results.jsonl'), lines.join(''));
  await writeFileAtomic(join(out, 'report.html'), html);
  process.stdout.write(`report: ${join(out, 'report.html')}\n`);
  return 0;
}
