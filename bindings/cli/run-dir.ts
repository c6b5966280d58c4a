/**
 * The files of a training run's directory, and what --resume reads back:
 * experiment.json (the spec, written first), history.jsonl (one line per
 * finished epoch, appended as it ends, so another process can follow the run),
 * then at the end model.lrlab, history.json and report.html.
 */
import { appendFileSync } from 'node:fs';
import { writeFileAtomic } from '../files/atomic.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LrlabError } from '../errors.js';
import type { ExperimentSpec } from '../experiment.js';
import type { EpochLogs, History } from '../history.js';
import { resultFromJson, resultToJson } from '../sweep/json.js';
import type { TrialResult } from '../sweep/types.js';
import { decodeModel } from '../serialize.js';
import { readJson } from './experiment-flags.js';

export const RUN_FILES = { spec: 'experiment.json', model: 'model.lrlab', history: 'history.json', log: 'history.jsonl', report: 'report.html' } as const;

export interface SavedRun {
  spec: ExperimentSpec;
  model: Uint8Array;
  /** The History of the fits so far (absent if the run left none). */
  history?: History;
}

export async function readRun(dir: string): Promise<SavedRun> {
  const spec = await readJson<ExperimentSpec>('--resume', join(dir, RUN_FILES.spec));
  let model: Uint8Array;
  try {
    model = new Uint8Array(await readFile(join(dir, RUN_FILES.model)));
  } catch (error) {
    throw new LrlabError('INVALID_OPTION', '--resume', dir, `must be a run directory with a saved ${RUN_FILES.model} (${(error as NodeJS.ErrnoException).code})`);
  }
  let result: TrialResult | undefined;
  try {
    result = resultFromJson(await readFile(join(dir, RUN_FILES.history), 'utf8'));
  } catch {
    result = undefined; // the report then shows the resumed epochs only
  }
  return { spec, model, history: result?.history };
}

/** One JSON line per epoch: epoch, loss, accuracy, valLoss, valAccuracy, lr, time (ms); NaN as null. */
export function epochLine(logs: EpochLogs): string {
  return resultToJson(logs as never) + '\n';
}

/**
 * Appends each epoch's line to DIR/history.jsonl with one write, so a reader
 * sees whole lines only (a line is complete once its newline is there). A new
 * run starts the file empty; a resumed one keeps the lines of the `kept` epochs
 * its saved model holds and appends after them: the lines a killed run wrote
 * past its last save are dropped, or the rerun would log those epochs twice.
 */
export async function epochLog(dir: string, kept: number): Promise<(logs: EpochLogs) => void> {
  const path = join(dir, RUN_FILES.log);
  const text = kept === 0 ? '' : await readFile(path, 'utf8').catch(() => '');
  const lines = text.split('\n').filter((line) => {
    try {
      return (JSON.parse(line) as { epoch?: unknown }).epoch as number < kept;
    } catch {
      return false; // an empty or cut-off line
    }
  });
  await writeFileAtomic(path, lines.map((l) => l + '\n').join(''));
  return (logs) => appendFileSync(path, epochLine(logs));
}

/** The History of two fits in a row: per-epoch arrays and events joined, the status of the last. */
export function concatHistory(before: History, after: History): History {
  const out: History = { ...after, events: [...before.events, ...after.events] };
  for (const key of ['epoch', 'loss', 'accuracy', 'valLoss', 'valAccuracy', 'lr', 'time', 'stepLr'] as const) {
    if (before[key] && after[key]) out[key] = [...before[key]!, ...after[key]!];
  }
  return out;
}

/**
 * The spec a resumed run continues with: the saved one, with only --epochs (the
 * new total) changeable, since any other change would not continue the same run.
 */
export function resumeSpec(run: SavedRun, dir: string, values: Record<string, unknown>, epochs: number | undefined): ExperimentSpec {
  for (const [flag, value] of Object.entries(values)) {
    if (value !== undefined && !['resume', 'epochs', 'every', 'threads', 'out', 'help'].includes(flag)) {
      throw new LrlabError('INVALID_OPTION', `--${flag}`, value, '--resume continues the run as it was saved: only --epochs (the new total), --every and --threads may be given with it');
    }
  }
  if (values.out !== undefined && values.out !== dir) throw new LrlabError('INVALID_OPTION', '--out', values.out, `must be the resumed directory (${dir}) or absent`);
  const spec = { ...run.spec, epochs: epochs ?? run.spec.epochs };
  const trained = decodeModel(run.model, `${dir}/${RUN_FILES.model}`).header.epochsTrained;
  if (spec.epochs <= trained) {
    throw new LrlabError('INVALID_OPTION', '--epochs', spec.epochs, `must be above the ${trained} epochs the run in ${dir} has trained (it is the new total)`);
  }
  return spec;
}
