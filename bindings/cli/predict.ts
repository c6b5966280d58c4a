/**
 * lrlab predict: scores the rows of a CSV file with a saved model. The model
 * file holds the preprocessing of its training data, so the rows are raw: found
 * by feature name, standardized as the training rows were, and the outputs
 * named by class (or by target, for regression).
 */
import { readFile } from 'node:fs/promises';
import { HELP_FLAG, defineFlags, flagSet, flagsHelp, parseFlags } from './flags.js';
import { parseCsvColumns } from '../data/csv-columns.js';
import { LrlabError } from '../errors.js';
import { Model } from '../model.js';
import { classesOf, type Preprocessing } from '../preprocessing.js';
import { BACKENDS, type BackendKind } from '../backend/index.js';
import type { Matrix } from '../types.js';
import { checkChoice } from '../validate.js';
import { writeFileAtomic } from '../files/atomic.js';

export const PREDICT_FLAGS = flagSet(defineFlags({
  model: { type: 'string', arg: 'FILE', help: 'a saved model (e.g. runs/train/model.lrlab)' },
  data: { type: 'string', arg: 'FILE', help: 'the CSV file to score (header row)' },
  out: { type: 'string', arg: 'FILE', help: 'where to write the predictions (default: standard output)' },
  delimiter: { type: 'string', arg: 'C', help: "the CSV's delimiter (default ,)" },
  backend: { type: 'string', arg: 'NAME', help: 'wasm (default) or js' },
}), HELP_FLAG);

export const PREDICT_HELP = `Usage: lrlab predict --model FILE --data FILE.csv [--out preds.csv]

Scores every row of a CSV file with a model saved by lrlab train, and writes one
row per input: the predicted class and each class's probability, or the
predicted value(s) for regression. The rows are raw, as in the training file:
the model file holds the feature names, the standardization and the class names.
The header must name the model's features (in any order); the label column may
be there and is skipped; a missing or any other column is refused.

Options:
${flagsHelp(PREDICT_FLAGS)}`;

export async function predictCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, PREDICT_FLAGS, 'lrlab predict');
  if (values.help) {
    process.stdout.write(PREDICT_HELP);
    return 0;
  }
  if (values.model === undefined) throw new LrlabError('INVALID_OPTION', '--model', undefined, 'is required: the model file to predict with');
  if (values.data === undefined) throw new LrlabError('INVALID_OPTION', '--data', undefined, 'is required: the CSV file of rows to score');
  const backend: BackendKind = values.backend === undefined ? 'wasm' : checkChoice('--backend', values.backend, BACKENDS);
  const model = await Model.load(await readBytes('--model', values.model), { backend, source: values.model });
  const pre = model.preprocessing;
  if (!pre) {
    throw new LrlabError('INVALID_OPTION', '--model', values.model,
      'must hold the preprocessing of its training data (feature names, standardization, classes); this file was saved before lrlab recorded it: use Model.predict on prepared rows');
  }
  const text = await readText('--data', values.data);
  const x = parseCsvColumns(text, { features: pre.features, optional: pre.target.columns, delimiter: values.delimiter, source: values.data });
  const csv = predictionsCsv(pre, model.predict(x));
  if (values.out === undefined) process.stdout.write(csv);
  else {
    await writeFileAtomic(values.out, csv);
    process.stderr.write(`${x.rows} predictions: ${values.out}\n`);
  }
  return 0;
}

/** Header and one line per row. Numbers print in full (shortest round trip of the f32), so they parse back to the same bits. */
export function predictionsCsv(pre: Preprocessing, outputs: Matrix): string {
  const { data, rows, cols } = outputs;
  const lines: string[] = [];
  if (pre.target.kind === 'classes') {
    const predicted = classesOf(pre, outputs);
    lines.push([pre.target.columns.join('+'), ...pre.target.classes.map((c) => `p_${c}`)].map(quote).join(','));
    for (let i = 0; i < rows; i++) lines.push([quote(predicted[i]), ...Array.from(data.subarray(i * cols, (i + 1) * cols), String)].join(','));
  } else {
    lines.push(pre.target.columns.map(quote).join(','));
    for (let i = 0; i < rows; i++) lines.push(Array.from(data.subarray(i * cols, (i + 1) * cols), String).join(','));
  }
  return lines.join('\n') + '\n';
}

function quote(cell: string): string {
  return /[",\r\n]|^\s|\s$/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

async function readBytes(flag: string, path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    throw new LrlabError('INVALID_OPTION', flag, path, `must name a readable file (${(error as NodeJS.ErrnoException).code})`);
  }
}

async function readText(flag: string, path: string): Promise<string> {
  return new TextDecoder().decode(await readBytes(flag, path));
}
