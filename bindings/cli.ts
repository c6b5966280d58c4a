/**
 * The lrlab command. `lrlab train` runs one experiment (by default the
 * tutorial's blobs experiment) and prints loss, accuracy and learning rate per
 * epoch; flags override the spec, `--spec FILE` reads one from JSON.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { LrlabError } from './errors.js';
import { TUTORIAL_EXPERIMENT, runExperiment, type ExperimentSpec } from './experiment.js';
import type { EpochLogs } from './history.js';
import { OPTIMIZERS } from './spec.js';

const HELP = `Usage: lrlab train [options]

Trains one network and prints loss, accuracy and learning rate per epoch.
Without options it runs the tutorial experiment: blobs (1000 samples, 3 centers,
std 2), Dense(50, relu) -> Dense(3, softmax), SGD lr 0.01 momentum 0.9, batch 32,
200 epochs, half the data held out for testing.

Options:
  --spec FILE        read the experiment spec (JSON) from FILE; flags below override it
  --lr N             learning rate
  --momentum N       momentum (sgd, rmsprop), in [0, 1)
  --optimizer NAME   one of ${OPTIMIZERS.join(', ')}
  --epochs N         epochs to train
  --batch-size N     rows per minibatch
  --seed N           seed of the initial weights and the shuffles
  --backend NAME     wasm (default) or js
  --save FILE        write the trained model (weights and optimizer state) to FILE
  --every N          print every Nth epoch (default: about 20 lines)
  -h, --help         show this help
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(HELP);
    return command === undefined ? 1 : 0;
  }
  if (command !== 'train') throw new LrlabError('UNKNOWN_OPTION', 'command', command, 'must be train (see lrlab --help)');
  const { values } = parseArgs({
    args: rest,
    options: {
      spec: { type: 'string' }, lr: { type: 'string' }, momentum: { type: 'string' }, optimizer: { type: 'string' },
      epochs: { type: 'string' }, 'batch-size': { type: 'string' }, seed: { type: 'string' }, backend: { type: 'string' },
      save: { type: 'string' }, every: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const spec: ExperimentSpec = values.spec ? await readSpec(values.spec) : structuredClone(TUTORIAL_EXPERIMENT);
  const optimizer = { ...spec.optimizer } as Record<string, unknown>;
  if (values.optimizer !== undefined) {
    for (const key of Object.keys(optimizer)) if (key !== 'lr') delete optimizer[key];
    optimizer.name = values.optimizer;
  }
  if (values.lr !== undefined) optimizer.lr = flagNumber('--lr', values.lr);
  if (values.momentum !== undefined) optimizer.momentum = flagNumber('--momentum', values.momentum);
  spec.optimizer = optimizer as unknown as ExperimentSpec['optimizer'];
  if (values.epochs !== undefined) spec.epochs = flagNumber('--epochs', values.epochs);
  if (values['batch-size'] !== undefined) spec.batchSize = flagNumber('--batch-size', values['batch-size']);
  if (values.seed !== undefined) spec.seed = flagNumber('--seed', values.seed);
  if (values.backend !== undefined) spec.backend = values.backend as ExperimentSpec['backend'];
  const every = values.every !== undefined ? flagNumber('--every', values.every) : Math.max(1, Math.round(spec.epochs / 20));

  const print = (logs: EpochLogs) => {
    if ((logs.epoch + 1) % every !== 0 && logs.epoch !== 0 && logs.epoch + 1 !== spec.epochs) return;
    const parts = [`epoch ${String(logs.epoch + 1).padStart(4)}`, `loss ${fmt(logs.loss)}`];
    if (logs.accuracy !== undefined) parts.push(`acc ${logs.accuracy.toFixed(3)}`);
    if (logs.valLoss !== undefined) parts.push(`val_loss ${fmt(logs.valLoss)}`);
    if (logs.valAccuracy !== undefined) parts.push(`val_acc ${logs.valAccuracy.toFixed(3)}`);
    parts.push(`lr ${logs.lr.toPrecision(3)}`);
    process.stdout.write(parts.join('  ') + '\n');
  };
  const started = performance.now();
  const result = await runExperiment(spec, { callbacks: { onEpochEnd: (_epoch, logs) => print(logs) } });
  const seconds = (performance.now() - started) / 1000;
  const { history } = result;
  process.stdout.write(`status ${history.status}${history.events.length ? ` (${history.events.at(-1)!.reason})` : ''}, ` +
    `${history.loss.length} epochs in ${seconds.toFixed(2)} s on ${spec.backend ?? 'wasm'}\n`);
  process.stdout.write(`train: loss ${fmt(result.train.loss)}${accuracy(result.train.accuracy)}\n`);
  if (result.test) process.stdout.write(`test:  loss ${fmt(result.test.loss)}${accuracy(result.test.accuracy)}\n`);
  if (values.save) {
    await writeFile(values.save, result.model.save());
    process.stdout.write(`saved the model to ${values.save}\n`);
  }
  return history.status === 'diverged' ? 3 : 0;
}

async function readSpec(path: string): Promise<ExperimentSpec> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new LrlabError('INVALID_OPTION', '--spec', path, `must name a readable JSON file (${(error as NodeJS.ErrnoException).code})`);
  }
  try {
    return JSON.parse(text) as ExperimentSpec;
  } catch (error) {
    throw new LrlabError('CORRUPT_FILE', '--spec', path, `must hold valid JSON (${(error as Error).message})`);
  }
}

function flagNumber(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new LrlabError('INVALID_OPTION', flag, text, 'must be a number');
  return value;
}

function fmt(value: number): string {
  return Number.isFinite(value) ? value.toFixed(4) : String(value);
}

function accuracy(value: number | undefined): string {
  return value === undefined ? '' : `, accuracy ${value.toFixed(3)}`;
}
