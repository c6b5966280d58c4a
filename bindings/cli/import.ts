/**
 * lrlab import: a Dense-only TensorFlow.js Layers model (model.json and the
 * weight files it lists) as an lrlab model file, with a fresh optimizer, to go
 * on training it (Model.load, then fit) or to score with lrlab predict.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { HELP_FLAG, defineFlags, flagSet, flagsHelp, parseFlags } from './flags.js';
import { LrlabError } from '../errors.js';
import { fromTfjs } from '../formats/tfjs-import.js';
import { LOSSES, type OptimizerSpec } from '../spec.js';
import { checkChoice } from '../validate.js';
import { readJson } from './experiment-flags.js';
import { flagInteger, flagNumber } from './flags.js';
import { writeFileAtomic } from '../files/atomic.js';
import { refuseToReplace } from '../files/no-clobber.js';

export const IMPORT_FLAGS = flagSet(defineFlags({
  format: { type: 'string', arg: 'NAME', help: 'tfjs' },
  model: { type: 'string', arg: 'FILE', help: 'the model.json (its weight files are read from beside it)' },
  out: { type: 'string', arg: 'FILE', help: 'the lrlab model file to write' },
  optimizer: { type: 'string', arg: 'NAME', help: 'the optimizer to go on training with (default sgd)' },
  lr: { type: 'string', arg: 'N', help: 'its learning rate' },
  loss: {
    type: 'string', arg: 'NAME',
    help: 'mse, mae, categorical_crossentropy or binary_crossentropy\n(default: the one in the file, else from the last activation)',
  },
  seed: { type: 'string', arg: 'N', help: 'seed of the shuffles of later training (default 0)' },
  overwrite: { type: 'boolean', help: 'replace --out if it exists (refused without it)' },
}), HELP_FLAG);

export const IMPORT_HELP = `Usage: lrlab import --format tfjs --model DIR/model.json --out FILE.lrlab

Reads a TensorFlow.js Layers model made of Dense layers (and the LeakyReLU, ELU,
ReLU, Softmax or Activation layers after them) and writes it as an lrlab model
file with a fresh optimizer, ready to train further or to score rows.

Options:
${flagsHelp(IMPORT_FLAGS)}`;

export async function importCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, IMPORT_FLAGS, 'lrlab import');
  if (values.help) {
    process.stdout.write(IMPORT_HELP);
    return 0;
  }
  checkChoice('--format', values.format, ['tfjs'] as const);
  if (values.model === undefined) throw new LrlabError('INVALID_OPTION', '--model', undefined, 'is required: the model.json to import');
  if (values.out === undefined) throw new LrlabError('INVALID_OPTION', '--out', undefined, 'is required: the lrlab model file to write');
  await refuseToReplace('--out', [values.out], values.overwrite === true);
  const json = await readJson<{ weightsManifest?: { paths?: unknown }[] }>('--model', values.model);
  const paths = (Array.isArray(json.weightsManifest) ? json.weightsManifest : []).flatMap((g) => (Array.isArray(g?.paths) ? g.paths : []));
  const shards = await Promise.all(paths.map(async (p) => {
    const path = join(dirname(values.model!), String(p));
    try {
      return new Uint8Array(await readFile(path));
    } catch (error) {
      throw new LrlabError('INVALID_OPTION', '--model', path, `must have its weight files beside it (${(error as NodeJS.ErrnoException).code})`);
    }
  }));
  const weights = new Uint8Array(shards.reduce((n, s) => n + s.length, 0));
  shards.reduce((at, s) => (weights.set(s, at), at + s.length), 0);
  const optimizer = { name: values.optimizer ?? 'sgd', ...(values.lr !== undefined ? { lr: flagNumber('--lr', values.lr) } : {}) } as OptimizerSpec;
  const model = await fromTfjs(json, weights, {
    optimizer,
    loss: values.loss === undefined ? undefined : checkChoice('--loss', values.loss, LOSSES),
    seed: values.seed === undefined ? undefined : flagInteger('--seed', values.seed, 0),
  });
  await writeFileAtomic(values.out, model.save());
  process.stdout.write(`${model.spec.layers.length} Dense layers, ${model.paramCount} weights: ${values.out}\n`);
  return 0;
}
