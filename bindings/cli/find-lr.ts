/** lrlab find-lr: the LR range test, its suggestions, and a plot with them marked. */
import { mkdir } from 'node:fs/promises';
import { writeFileAtomic } from '../files/atomic.js';
import { join } from 'node:path';
import { parseArgs } from './flags.js';
import { loadData, standardize, trainTestSplit } from '../data/index.js';
import { findLr } from '../finder.js';
import { Model } from '../model.js';
import { renderFinderReport } from '../report/index.js';
import { EXPERIMENT_FLAGS, EXPERIMENT_HELP, experimentFromFlags } from './experiment-flags.js';
import { flagInteger, flagNumber } from './flags.js';

export const FIND_LR_HELP = `Usage: lrlab find-lr [options]

The LR range test (Leslie Smith; fastai's lr_find): trains for --steps
minibatches while the learning rate grows exponentially from --start to --end,
stops when the loss explodes, prints the suggested learning rates and writes
DIR/finder.html (the loss against the LR, suggestions marked) and DIR/finder.json.
The model is left as it was: nothing is trained for good.

Options:
  --start N          first learning rate (default 1e-7)
  --end N            last learning rate (default 10)
  --steps N          minibatches (default 100)
  --out DIR          where to write the plot (default runs/find-lr)
${EXPERIMENT_HELP}
  -h, --help         show this help
`;

export async function findLrCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...EXPERIMENT_FLAGS, start: { type: 'string' }, end: { type: 'string' }, steps: { type: 'string' },
      out: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(FIND_LR_HELP);
    return 0;
  }
  const spec = await experimentFromFlags(values);
  const options = {
    startLr: values.start === undefined ? undefined : flagNumber('--start', values.start),
    endLr: values.end === undefined ? undefined : flagNumber('--end', values.end),
    steps: values.steps === undefined ? undefined : flagInteger('--steps', values.steps),
    batchSize: spec.batchSize,
  };
  let train = await loadData(spec.data, 'data');
  if (spec.split) train = trainTestSplit(train, spec.split).train;
  if (spec.standardize) train = standardize(train).train;
  const model = await Model.create({ model: spec.model, optimizer: spec.optimizer, seed: spec.seed, backend: spec.backend });
  const result = await findLr(model, train, options);
  const { steepest, minimum, valley } = result.suggestions;
  process.stdout.write(`tested ${result.lrs.length} learning rates from ${result.lrs[0].toExponential(1)} to ${result.lrs.at(-1)!.toExponential(1)}` +
    `${result.stoppedEarly ? ' (stopped: the loss exploded)' : ''}\n`);
  process.stdout.write(`suggested (valley): ${valley.toExponential(2)}\nsteepest descent:   ${steepest.toExponential(2)}\nminimum / 10:       ${minimum.toExponential(2)}\n`);
  const out = values.out ?? 'runs/find-lr';
  await mkdir(out, { recursive: true });
  await writeFileAtomic(join(out, 'finder.html'), await renderFinderReport({ title: `LR range test: ${spec.optimizer.name}`, result, spec }));
  await writeFileAtomic(join(out, 'finder.json'), JSON.stringify(result, null, 1) + '\n');
  process.stdout.write(`plot: ${join(out, 'finder.html')}\n`);
  return 0;
}
