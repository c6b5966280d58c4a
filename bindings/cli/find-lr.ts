/** lrlab find-lr: the LR range test, its suggestions, and a plot with them marked. */
import { writeFileAtomic } from '../files/atomic.js';
import { join } from 'node:path';
import { loadData, standardize, trainTestSplit } from '../data/index.js';
import { findLr, MAX_FINDER_STEPS, MIN_FINDER_STEPS, type FindLrOptions } from '../finder.js';
import { LrlabError } from '../errors.js';
import { validateExperiment, type ExperimentSpec } from '../experiment.js';
import { prepareOutDir } from '../files/out-dir.js';
import { checkNumber } from '../validate.js';
import { Model } from '../model.js';
import { renderFinderReport } from '../report/index.js';
import { EXPERIMENT_FLAGS, experimentFromFlags } from './experiment-flags.js';
import { HELP_FLAG, defineFlags, flagNumber, flagSet, flagsHelp, parseFlags } from './flags.js';

export const FIND_LR_FLAGS = flagSet(defineFlags({
  start: { type: 'string', arg: 'N', help: 'first learning rate (default 1e-7)' },
  end: { type: 'string', arg: 'N', help: 'last learning rate (default 10)' },
  steps: { type: 'string', arg: 'N', help: `minibatches, ${MIN_FINDER_STEPS} to ${MAX_FINDER_STEPS} (default 100)` },
  out: { type: 'string', arg: 'DIR', help: 'where to write the plot (default runs/find-lr)' },
}), EXPERIMENT_FLAGS, HELP_FLAG);

export const FIND_LR_HELP = `Usage: lrlab find-lr [options]

The LR range test (Leslie Smith; fastai's lr_find): trains for --steps
minibatches while the learning rate grows exponentially from --start to --end,
stops when the loss explodes, prints the suggested learning rates and writes
DIR/finder.html (the loss against the LR, suggestions marked) and DIR/finder.json.
The model is left as it was: nothing is trained for good.

Options:
${flagsHelp(FIND_LR_FLAGS)}`;

export async function findLrCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, FIND_LR_FLAGS, 'lrlab find-lr');
  if (values.help) {
    process.stdout.write(FIND_LR_HELP);
    return 0;
  }
  // Every flag and --out are checked before the data is read or anything trained.
  const startLr = values.start === undefined ? 1e-7 : checkNumber('--start', flagNumber('--start', values.start), { above: 0 });
  const endLr = values.end === undefined ? 10 : checkNumber('--end', flagNumber('--end', values.end), { above: 0 });
  if (endLr <= startLr) {
    throw values.end === undefined
      ? new LrlabError('INVALID_OPTION', '--start', values.start, `must be below --end (${endLr}, the default)`)
      : new LrlabError('INVALID_OPTION', '--end', values.end, `must be above --start (${startLr})`);
  }
  const steps = values.steps === undefined ? undefined
    : checkNumber('--steps', flagNumber('--steps', values.steps), { min: MIN_FINDER_STEPS, max: MAX_FINDER_STEPS, integer: true });
  const spec = await experimentFromFlags(values);
  validateExperiment(spec);
  const out = values.out ?? 'runs/find-lr';
  const lock = await prepareOutDir(out, 'find-lr');
  try {
    return await testAndWrite(spec, { startLr, endLr, steps, batchSize: spec.batchSize }, out);
  } finally {
    await lock.release();
  }
}

async function testAndWrite(spec: ExperimentSpec, options: FindLrOptions, out: string): Promise<number> {
  let train = await loadData(spec.data, 'data');
  if (spec.split) train = trainTestSplit(train, spec.split).train;
  if (spec.standardize) train = standardize(train).train;
  const model = await Model.create({ model: spec.model, optimizer: spec.optimizer, seed: spec.seed, backend: spec.backend });
  const result = await findLr(model, train, options);
  const { steepest, minimum, valley } = result.suggestions;
  process.stdout.write(`tested ${result.lrs.length} learning rates from ${result.lrs[0].toExponential(1)} to ${result.lrs.at(-1)!.toExponential(1)}` +
    `${result.stoppedEarly ? ' (stopped: the loss exploded)' : ''}\n`);
  process.stdout.write(`suggested (valley): ${valley.toExponential(2)}\nsteepest descent:   ${steepest.toExponential(2)}\nminimum / 10:       ${minimum.toExponential(2)}\n`);
  await writeFileAtomic(join(out, 'finder.html'), await renderFinderReport({ title: `LR range test: ${spec.optimizer.name}`, result, spec }));
  await writeFileAtomic(join(out, 'finder.json'), JSON.stringify(result, null, 1) + '\n');
  process.stdout.write(`plot: ${join(out, 'finder.html')}\n`);
  return 0;
}
