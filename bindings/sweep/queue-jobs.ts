/**
 * What travels through the queue: a job per trial task (the trial's plain-JSON
 * spec, never its data: a data set goes by reference, as a generator spec or a
 * CSV path every worker can read) and, back, the trial's result as JSON.
 *
 * Job ids are derived from the spec, so submitting the same sweep twice adds
 * nothing: BullMQ ignores an add whose job id already exists.
 *   <sweep key>-<trial id>            one job per trial
 *   <sweep key>-<trial id>-r<rung>    successive halving: one job per rung;
 *                                     "…c" when it continues from a checkpoint
 * The sweep key is a hash of the sweep spec (the same trial in two sweeps has
 * another index and params, so it is another job); the trial id is the hash
 * of the trial's experiment spec (hash.ts). BullMQ ids cannot hold ':'.
 */
import { readFileSync } from 'node:fs';
import { specId } from './hash.js';
import { resultFromJson, resultToJson } from './json.js';
import type { TrialOutcome, TrialTask } from './trial.js';
import type { Trial } from './types.js';

/** Bumped when the job layout changes; a worker refuses a format it does not know. */
export const JOB_FORMAT = 1;
export const JOB_NAME = 'trial';

export const LRLAB_VERSION: string = (() => {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
})();

export interface TrialJobData {
  format: number;
  /** The coordinator's lrlab version (a worker on another version warns: its numbers may differ). */
  lrlab: string;
  task: {
    trial: Trial;
    epochs?: number;
    rung?: number;
    keepCheckpoint?: boolean;
    /** The previous rung's checkpoint, base64. */
    resumeFrom?: string;
  };
}

export interface TrialJobReturn {
  /** resultToJson(result): NaN and ±Infinity as null. */
  result: string;
  /** The model's checkpoint (successive halving), base64. */
  checkpoint?: string;
}

export function jobId(sweepKey: string, task: TrialTask): string {
  const rung = task.rung === undefined ? '' : `-r${task.rung}${task.resumeFrom ? 'c' : ''}`;
  return `${sweepKey}-${task.trial.id}${rung}`;
}

export function encodeTask(task: TrialTask): TrialJobData {
  const out: TrialJobData['task'] = { trial: task.trial };
  if (task.epochs !== undefined) out.epochs = task.epochs;
  if (task.rung !== undefined) out.rung = task.rung;
  if (task.keepCheckpoint) out.keepCheckpoint = true;
  if (task.resumeFrom) out.resumeFrom = Buffer.from(task.resumeFrom).toString('base64');
  return { format: JOB_FORMAT, lrlab: LRLAB_VERSION, task: out };
}

/** The task of a job, or the reason it cannot be run (a job of another format, a corrupted one). */
export function decodeTask(data: unknown): TrialTask | string {
  const d = data as Partial<TrialJobData> | null;
  if (!d || typeof d !== 'object') return 'the job holds no trial';
  if (d.format !== JOB_FORMAT) return `the job is in format ${String(d.format)}, this worker reads format ${JOB_FORMAT} (run the same lrlab version everywhere)`;
  const t = d.task;
  if (!t || typeof t !== 'object' || !t.trial || typeof t.trial.id !== 'string' || !t.trial.spec) return 'the job holds no trial';
  // The id is a hash of the spec: a job whose spec does not hash to its id was altered on the way.
  if (specId(t.trial.spec) !== t.trial.id) return `the trial's spec does not match its id ${t.trial.id}`;
  const task: TrialTask = { trial: t.trial };
  if (t.epochs !== undefined) task.epochs = t.epochs;
  if (t.rung !== undefined) task.rung = t.rung;
  if (t.keepCheckpoint) task.keepCheckpoint = true;
  if (t.resumeFrom) task.resumeFrom = new Uint8Array(Buffer.from(t.resumeFrom, 'base64'));
  return task;
}

export function encodeOutcome(outcome: TrialOutcome): TrialJobReturn {
  const out: TrialJobReturn = { result: resultToJson(outcome.result) };
  if (outcome.checkpoint) out.checkpoint = Buffer.from(outcome.checkpoint).toString('base64');
  return out;
}

export function decodeOutcome(value: unknown): TrialOutcome | undefined {
  const v = value as Partial<TrialJobReturn> | null;
  if (!v || typeof v !== 'object' || typeof v.result !== 'string') return undefined;
  const outcome: TrialOutcome = { result: resultFromJson(v.result) };
  if (typeof v.checkpoint === 'string') outcome.checkpoint = new Uint8Array(Buffer.from(v.checkpoint, 'base64'));
  return outcome;
}
