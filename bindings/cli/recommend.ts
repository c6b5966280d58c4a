/**
 * lrlab recommend: which learning rate to train an experiment with, found by a
 * budgeted search on the experiment itself (recommendLr), with the evidence
 * written to DIR/recommend.html and DIR/recommend.json.
 */
import { writeFileAtomic } from '../files/atomic.js';
import { ensureFolder } from '../files/out-dir.js';
import { join } from 'node:path';
import { recommendLr, validateRecommendOptions, type AdviceObjective } from '../advice/recommend.js';
import { renderRecommendReport } from '../advice/report.js';
import { LrlabError } from '../errors.js';
import { validateExperiment } from '../experiment.js';
import { InlineExecutor, type Executor } from '../sweep/executor.js';
import { PoolExecutor } from '../sweep/pool.js';
import { EXPERIMENT_FLAGS, experimentFromFlags } from './experiment-flags.js';
import { HELP_FLAG, defineFlags, flagInteger, flagSet, flagsHelp, parseFlags } from './flags.js';

export const RECOMMEND_FLAGS = flagSet(defineFlags({
  budget: {
    type: 'string', arg: 'N',
    help: "epochs to spend in all, the range test included\n(default 8 × the experiment's epochs; at least 3 ×)",
  },
  objective: {
    type: 'string', arg: 'NAME',
    help: "final (the validation loss at the end, read as the mean of the last\ntenth of epochs; the default) or best (the best epoch's; the default when\nthe spec stops early)",
  },
  json: { type: 'boolean', help: 'print exactly one JSON object (the recommendation) on stdout' },
  out: { type: 'string', arg: 'DIR', help: 'where to write the report (default runs/recommend)' },
  workers: { type: 'string', arg: 'N', help: 'trials at a time: N − 1 worker threads and this one (default: one per core)' },
  inline: { type: 'boolean', help: 'run in this thread, one trial after another' },
}), EXPERIMENT_FLAGS, HELP_FLAG);

export const RECOMMEND_HELP = `Usage: lrlab recommend [--spec FILE] [options]

Finds the learning rate to train the experiment with: a range test on its own
batch size centres a log grid of full-length runs, each with its own seed,
refined around the choice, within a budget of epochs; the choice is read from
a smooth fit over all the runs. Prints the LR, a range and why; writes
DIR/recommend.html (the evidence) and DIR/recommend.json.
Without --spec: the tutorial's blobs experiment.

Options:
${flagsHelp(RECOMMEND_FLAGS)}`;

export async function recommendCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, RECOMMEND_FLAGS, 'lrlab recommend');
  if (values.help) {
    process.stdout.write(RECOMMEND_HELP);
    return 0;
  }
  if (values.inline && values.workers !== undefined) {
    throw new LrlabError('INVALID_OPTION', '--workers', values.workers, 'cannot be combined with --inline');
  }
  const spec = await experimentFromFlags(values);
  validateExperiment(spec, 'spec');
  const options = {
    budget: values.budget === undefined ? undefined : flagInteger('--budget', values.budget),
    objective: values.objective as AdviceObjective | undefined,
  };
  try {
    validateRecommendOptions(spec, options);
  } catch (error) {
    // Name the flag, not the option object's field.
    if (error instanceof LrlabError && error.field?.startsWith('recommend.')) {
      const flag = `--${error.field.slice('recommend.'.length)}`;
      const allowed = error.message.slice(error.field.length + 2, error.message.lastIndexOf('. Received: '));
      throw new LrlabError(error.code, flag, error.value, allowed);
    }
    throw error;
  }
  const out = await ensureFolder(values.out ?? 'runs/recommend'); // before the search: a bad --out must not waste it
  const executor: Executor = values.inline ? new InlineExecutor()
    : new PoolExecutor(values.workers === undefined ? {} : { concurrency: flagInteger('--workers', values.workers) });
  let rec;
  try {
    rec = await recommendLr(spec, {
      ...options, executor,
      onProgress: ({ stage, spent, budget }) => process.stderr.write(`recommend: ${stage} done, ${Math.round(spent)} of ${budget} epochs\n`),
    });
  } finally {
    await executor.close();
  }
  await writeFileAtomic(join(out, 'recommend.json'), JSON.stringify(rec, null, 1) + '\n');
  await writeFileAtomic(join(out, 'recommend.html'), await renderRecommendReport(rec));
  if (values.json) {
    process.stdout.write(JSON.stringify(rec) + '\n');
  } else {
    process.stdout.write(`lr = ${rec.lr} (range ${rec.range[0]} – ${rec.range[1]}, objective: ${rec.objective} validation loss)\n${rec.explanation}\n` +
      `report: ${join(out, 'recommend.html')}\n`);
  }
  return 0;
}
