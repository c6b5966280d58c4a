/**
 * lrlab export: a saved model in another format. tfjs writes DIR/model.json and
 * DIR/weights.bin (the TensorFlow.js Layers format, for tf.loadLayersModel);
 * onnx writes DIR/model.onnx (for onnxruntime and other ONNX runtimes). Each
 * file is written whole, the weights before the model.json that names them.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HELP_FLAG, defineFlags, flagSet, flagsHelp, parseFlags } from './flags.js';
import { LrlabError } from '../errors.js';
import { TFJS_WEIGHTS_FILE } from '../formats/tfjs-export.js';
import { Model } from '../model.js';
import { checkChoice } from '../validate.js';
import { writeFileAtomic } from '../files/atomic.js';
import { refuseToReplace } from '../files/no-clobber.js';

export const EXPORT_FLAGS = flagSet(defineFlags({
  model: { type: 'string', arg: 'FILE', help: 'a saved model (e.g. runs/train/model.lrlab)' },
  format: { type: 'string', arg: 'NAME', help: 'tfjs or onnx' },
  out: { type: 'string', arg: 'DIR', help: 'the directory to write into (created if missing)' },
  overwrite: { type: 'boolean', help: 'replace an earlier export in --out (refused without it)' },
}), HELP_FLAG);

export const EXPORT_HELP = `Usage: lrlab export --model FILE --format tfjs|onnx --out DIR

Writes a saved model in another format, for inference elsewhere:
  tfjs   DIR/model.json + DIR/weights.bin, the TensorFlow.js Layers format
         (tf.loadLayersModel); it takes prepared (standardized) rows, and the
         preprocessing is kept in its userDefinedMetadata
  onnx   DIR/model.onnx (opset 13: Gemm and activation nodes), with the
         standardization in the graph, so it takes raw rows
The optimizer state is not exported: neither format can hold lrlab's.

Options:
${flagsHelp(EXPORT_FLAGS)}`;

export async function exportCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, EXPORT_FLAGS, 'lrlab export');
  if (values.help) {
    process.stdout.write(EXPORT_HELP);
    return 0;
  }
  const format = checkChoice('--format', values.format, ['tfjs', 'onnx'] as const);
  if (values.model === undefined) throw new LrlabError('INVALID_OPTION', '--model', undefined, 'is required: the model file to export');
  if (values.out === undefined) throw new LrlabError('INVALID_OPTION', '--out', undefined, 'is required: the directory to write into');
  const names = format === 'tfjs' ? [TFJS_WEIGHTS_FILE, 'model.json'] : ['model.onnx'];
  await refuseToReplace('--out', names.map((name) => join(values.out!, name)), values.overwrite === true);
  const model = await Model.load(await readModelFile(values.model), { source: values.model });
  // Convert before writing anything, so that a refusal leaves no partial export.
  const files: [string, string | Uint8Array][] = [];
  if (format === 'tfjs') {
    const { modelJson, weights } = model.toTfjs();
    files.push([TFJS_WEIGHTS_FILE, weights], ['model.json', JSON.stringify(modelJson)]);
  } else {
    files.push(['model.onnx', model.toOnnx()]);
  }
  await mkdir(values.out, { recursive: true });
  for (const [name, data] of files) await writeFileAtomic(join(values.out, name), data);
  process.stdout.write(files.map(([name]) => join(values.out!, name)).join('\n') + '\n');
  return 0;
}

export async function readModelFile(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    throw new LrlabError('INVALID_OPTION', '--model', path, `must name a readable model file (${(error as NodeJS.ErrnoException).code})`);
  }
}
