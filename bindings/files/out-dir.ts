/**
 * Node only: the --out folder of a command, checked before any training. It
 * must be a folder or creatable, writable, and hold nothing of another kind of
 * run (a train folder is not a sweep folder, and the reverse); a finished
 * training run is replaced only when asked (--overwrite). The folder is then
 * locked for this run, and temporary files left by killed writers are removed.
 */
import { access, constants, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LrlabError } from '../errors.js';
import { TEMP_MARK } from './atomic.js';
import { acquireRunLock, alive, type RunLock } from './run-lock.js';

export type RunKind = 'train' | 'sweep' | 'find-lr' | 'tutorial';

/** The files that say what kind of run a folder holds. */
const MARKERS: Record<RunKind, readonly string[]> = {
  train: ['model.lrlab', 'history.json', 'history.jsonl', 'experiment.json'],
  sweep: ['sweep.json', 'results.jsonl'],
  'find-lr': ['finder.json'],
  tutorial: ['tutorial.json'],
};

/** The marker of an `other` run in a folder; a tutorial's folder holds a results.jsonl too, which is then not a sweep's. */
function markerOf(other: RunKind, names: Set<string>): string | undefined {
  const tutorials = names.has('tutorial.json') && !names.has('sweep.json');
  return MARKERS[other].find((n) => names.has(n) && !(other === 'sweep' && n === 'results.jsonl' && tutorials));
}

export interface OutDirOptions {
  /** For train: what to do with a finished run's files: refuse (default), replace them (--overwrite), keep them (resuming). */
  existing?: 'refuse' | 'replace' | 'keep';
  field?: string;
}

/** Makes sure `dir` is a writable folder (creating it), or refuses naming `field`. */
export async function ensureFolder(dir: unknown, field = '--out'): Promise<string> {
  if (typeof dir !== 'string' || dir.trim() === '') throw new LrlabError('INVALID_OPTION', field, dir, 'must be a folder path');
  const info = await stat(dir).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : Promise.reject(error)))
    .catch((error: NodeJS.ErrnoException) => {
      throw new LrlabError('INVALID_OPTION', field, dir, `must be a folder lrlab can use (${error.code})`);
    });
  if (info && !info.isDirectory()) throw new LrlabError('INVALID_OPTION', field, dir, 'must be a folder, but it is a file: name a folder (it is created if missing)');
  if (!info) {
    await mkdir(dir, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
      throw new LrlabError('INVALID_OPTION', field, dir, `must be a folder that can be created (${error.code}${error.code === 'ENOTDIR' ? ': a part of the path is a file' : ''})`);
    });
  }
  await access(dir, constants.W_OK | constants.X_OK).catch((error: NodeJS.ErrnoException) => {
    throw new LrlabError('INVALID_OPTION', field, dir, `must be a folder lrlab may write in (${error.code})`);
  });
  return dir;
}

/** Checks, creates and locks the --out folder of a `kind` run; the caller releases the lock when done. */
export async function prepareOutDir(dir: unknown, kind: RunKind, options: OutDirOptions = {}): Promise<RunLock> {
  const field = options.field ?? '--out';
  const path = await ensureFolder(dir, field);
  const lock = await acquireRunLock(path, kind, field);
  try {
    const names = new Set(await readdir(path));
    for (const other of Object.keys(MARKERS) as RunKind[]) {
      const found = markerOf(other, names);
      if (other !== kind && found) {
        throw new LrlabError('INVALID_OPTION', field, path, `must not hold another kind of run: it holds ${found}, the files of "lrlab ${other}"; use another --out`);
      }
    }
    if (kind === 'sweep' && names.has('results.jsonl') && !names.has('sweep.json')) {
      throw new LrlabError('CORRUPT_FILE', field, path,
        'holds results.jsonl but no sweep.json, so which sweep they belong to is unknown: restore sweep.json, or use another --out');
    }
    // history.json is written last: without it the folder holds an unfinished run, which a new one may replace.
    if (kind === 'train' && names.has('history.json') && (options.existing ?? 'refuse') === 'refuse') {
      throw new LrlabError('INVALID_OPTION', field, path,
        'already holds a finished training run (model.lrlab, history.json): pass --overwrite to replace it, or use another --out');
    }
    await removeDeadTemps(path, names);
    return lock;
  } catch (error) {
    await lock.release();
    throw error;
  }
}

/** Temporary files (NAME.tmp-PID-N) of writers that died before renaming them. */
async function removeDeadTemps(dir: string, names: Set<string>): Promise<void> {
  for (const name of names) {
    const at = name.lastIndexOf(TEMP_MARK);
    if (at < 0) continue;
    const pid = Number.parseInt(name.slice(at + TEMP_MARK.length), 10);
    if (Number.isInteger(pid) && pid !== process.pid && !alive(pid)) await rm(join(dir, name), { force: true });
  }
}
