/**
 * lrlab train: one run, printing loss, accuracy and LR per epoch, then its
 * report (loss/accuracy/LR curves and the diagnosis), the saved model and the
 * History in --out.
 */
import { join } from 'node:path';
import { diagnoseCurve } from '../diagnostics/index.js';
import { runExperiment, validateExperiment, type ExperimentSpec } from '../experiment.js';
import type { EpochLogs } from '../history.js';
import { renderRunReport } from '../report/index.js';
import { prepareOutDir } from '../files/out-dir.js';
import { EXIT } from './exit-codes.js';
import { resultToJson } from '../sweep/json.js';
import { EXPERIMENT_FLAGS, FIT_FLAGS, experimentFromFlags } from './experiment-flags.js';
import { HELP_FLAG, defineFlags, flagInteger, flagSet, flagsHelp, parseFlags } from './flags.js';
import { concatHistory, epochLog, readRun, resumeSpec, RUN_FILES, type SavedRun } from './run-dir.js';
import { LrlabError } from '../errors.js';
import { writeFileAtomic } from '../files/atomic.js';
import { decodeModel } from '../serialize.js';

export const TRAIN_FLAGS = flagSet(defineFlags({
  out: { type: 'string', arg: 'DIR', help: 'where to write the report, model and history (default runs/train)' },
  resume: { type: 'string', arg: 'DIR', help: 'continue the run saved in DIR to --epochs in all, exactly as\none uninterrupted run would have gone' },
  overwrite: { type: 'boolean', help: 'replace the finished run already in --out (refused without it)' },
  every: { type: 'string', arg: 'N', help: 'print every Nth epoch (default: about 20 lines)' },
  threads: { type: 'string', arg: 'N', help: 'train the one model on N threads, each on a slice of every batch (default 1)' },
}), EXPERIMENT_FLAGS, FIT_FLAGS, HELP_FLAG);

export const TRAIN_HELP = `Usage: lrlab train [options]

Trains one network and prints loss, accuracy and learning rate per epoch, then
writes DIR/report.html (its loss, accuracy and LR curves and their diagnosis),
DIR/model.lrlab (weights, optimizer state and the data's preprocessing) and
DIR/history.json. DIR/experiment.json holds the spec, and DIR/history.jsonl gets
one JSON line per epoch as it ends (tail -f it to follow the run).
Without options: the tutorial's blobs experiment (SGD lr 0.01, momentum 0.9).
A folder that holds a finished run is refused unless --overwrite is given.
Ctrl-C stops after the running batch and still writes the model, history and
report of the epochs done (status "aborted", exit 130); --resume DIR continues it.

Options:
${flagsHelp(TRAIN_FLAGS)}`;

export async function trainCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, TRAIN_FLAGS, 'lrlab train');
  if (values.help) {
    process.stdout.write(TRAIN_HELP);
    return 0;
  }
  const epochs = values.epochs === undefined ? undefined : flagInteger('--epochs', values.epochs);
  const resumed = values.resume === undefined ? undefined : await readRun(values.resume);
  const spec = resumed ? resumeSpec(resumed, values.resume!, values, epochs) : await experimentFromFlags(values);
  const out = values.resume ?? values.out ?? 'runs/train';
  const every = values.every !== undefined ? flagInteger('--every', values.every) : Math.max(1, Math.round(spec.epochs / 20));
  // Every flag is checked before anything is written to --out.
  const threads = values.threads !== undefined ? flagInteger('--threads', values.threads) : undefined;
  if (values.overwrite && resumed) throw new LrlabError('INVALID_OPTION', '--overwrite', true, 'cannot be combined with --resume (which continues the run in DIR)');
  validateExperiment(spec); // the whole spec, before --out is locked or anything written
  // --out is checked and locked before any training: a folder (or one that can be made), writable, not another kind of run's.
  const lock = await prepareOutDir(out, 'train', { existing: resumed ? 'keep' : values.overwrite ? 'replace' : 'refuse' });
  // Ctrl-C ends the fit (status "aborted") and what was trained is saved; a second one quits at once (every file is written atomically).
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(EXIT.INTERRUPTED);
    process.stderr.write('\nstopping: saving the epochs done (Ctrl-C again to quit without saving)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    return await trainAndSave(spec, out, resumed, every, threads, controller.signal);
  } finally {
    process.off('SIGINT', onSigint);
    await lock.release();
  }
}

async function trainAndSave(spec: ExperimentSpec, out: string, resumed: SavedRun | undefined, every: number, threads: number | undefined, signal: AbortSignal): Promise<number> {
  if (!resumed) await writeFileAtomic(join(out, RUN_FILES.spec), JSON.stringify(spec, null, 2) + '\n');
  const log = await epochLog(out, resumed ? decodeModel(resumed.model).header.epochsTrained : 0);
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
  const result = await runExperiment(spec, { callbacks: { onEpochEnd: (_epoch, logs) => { log(logs); print(logs); } }, resumeFrom: resumed?.model, threads, signal });
  const seconds = (performance.now() - started) / 1000;
  const history = resumed?.history ? concatHistory(resumed.history, result.history) : result.history;
  const diagnosis = diagnoseCurve(history);
  process.stdout.write(`status ${history.status}${history.status !== 'completed' ? ` (${history.events.at(-1)!.reason})` : ''}, ` +
    `${history.loss.length} epochs in ${seconds.toFixed(2)} s on ${spec.backend ?? 'wasm'}\n`);
  process.stdout.write(`train: loss ${fmt(result.train.loss)}${accuracy(result.train.accuracy)}\n`);
  if (result.test) process.stdout.write(`test:  loss ${fmt(result.test.loss)}${accuracy(result.test.accuracy)}\n`);
  process.stdout.write(`diagnosis: ${diagnosis.label.replace('_', ' ')}: ${diagnosis.reason}\n`);

  // The model and history first: a report that fails to render must not lose what was trained.
  await writeFileAtomic(join(out, 'model.lrlab'), result.model.save());
  await writeFileAtomic(join(out, 'history.json'), resultToJson({
    id: 'train', index: 0, params: {}, repeat: 0, status: history.status, history, train: result.train, test: result.test, timeMs: seconds * 1000,
  }) + '\n');
  process.stdout.write(`model:  ${join(out, 'model.lrlab')}\n`);
  const title = `Training run: ${spec.optimizer.name} lr ${spec.optimizer.lr ?? 'default'}`;
  await writeFileAtomic(join(out, 'report.html'), await renderRunReport({ title, history, diagnosis, test: result.test, spec }));
  process.stdout.write(`report: ${join(out, 'report.html')}\n`);
  return history.status === 'diverged' ? EXIT.DIVERGED : history.status === 'aborted' ? EXIT.INTERRUPTED : EXIT.OK;
}

function fmt(value: number): string {
  return Number.isFinite(value) ? value.toFixed(4) : String(value);
}

function accuracy(value: number | undefined): string {
  return value === undefined ? '' : `, accuracy ${value.toFixed(3)}`;
}
