/**
 * Sweep persistence in a directory: sweep.json (the spec, so a directory
 * holds one sweep) and results.jsonl (one line per finished trial, appended as
 * it finishes). A sweep killed at any moment, even by SIGKILL, restarts from
 * the same directory running only what is not recorded: a line cut short by
 * the kill is dropped, and the file is trimmed back to its last full line.
 */
import { appendFileSync, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LrlabError } from '../errors.js';
import { writeFileAtomic } from '../files/atomic.js';
import { ensureFolder } from '../files/out-dir.js';
import { parseJsonText } from '../json-limits.js';
import { canonicalJson } from './hash.js';
import { resultFromJson, resultToJson } from './json.js';
import type { TrialResult } from './types.js';
import { pauseForKill, pausesAt } from '../test-hooks/fault-pause.js';

export const RESULTS_FILE = 'results.jsonl';
export const SPEC_FILE = 'sweep.json';

export class ResultStore {
  /** Lines appended by this process (for the fault tests' pause at the Nth). */
  private appended = 0;

  private constructor(readonly dir: string, readonly results: TrialResult[]) {}

  /** Opens (or creates) the store; refuses a directory that holds a different sweep. */
  static async open(dir: string, spec: unknown): Promise<ResultStore> {
    await ensureFolder(dir, 'out');
    const specPath = join(dir, SPEC_FILE);
    const existing = await readFile(specPath, 'utf8').catch(() => undefined);
    if (existing === undefined && existsSync(join(dir, RESULTS_FILE))) {
      throw new LrlabError('CORRUPT_FILE', 'out', dir,
        `holds ${RESULTS_FILE} but no ${SPEC_FILE}, so which sweep its results belong to is unknown: restore ${SPEC_FILE}, or use another folder`);
    }
    if (existing !== undefined && canonicalJson(parseSpecFile(specPath, existing)) !== canonicalJson(spec)) {
      throw new LrlabError('INVALID_OPTION', 'out', dir, `must be empty or hold this same sweep: its ${SPEC_FILE} describes a different one (use another --out)`);
    }
    if (existing === undefined) await writeFileAtomic(specPath, JSON.stringify(spec, null, 2) + '\n');
    return new ResultStore(dir, await readResults(join(dir, RESULTS_FILE), true));
  }

  /** Reads the results of a sweep directory (for `lrlab report`). */
  static async read(dir: string): Promise<{ spec: unknown; results: TrialResult[] }> {
    const specText = await readFile(join(dir, SPEC_FILE), 'utf8').catch(() => {
      throw new LrlabError('INVALID_OPTION', 'dir', dir, `must be a sweep directory holding ${SPEC_FILE} and ${RESULTS_FILE}`);
    });
    return { spec: parseSpecFile(join(dir, SPEC_FILE), specText), results: await readResults(join(dir, RESULTS_FILE), false) };
  }

  /** Key of a result: the trial and, under successive halving, the rung. */
  static key(id: string, rung?: number): string {
    return rung === undefined ? id : `${id}@${rung}`;
  }

  has(id: string, rung?: number): boolean {
    const key = ResultStore.key(id, rung);
    return this.results.some((r) => ResultStore.key(r.id, r.rung) === key);
  }

  /**
   * Appends one result as one write of one line. Synchronous: on a worker pool this thread trains
   * between results and services the event loop only between its trials, and an asynchronous
   * append (open, write, close) needed a turn for each of the three; the appends fell behind the
   * trials and were made after the last one, on the sweep's time (about 20 ms of 32 results).
   */
  async append(result: TrialResult): Promise<void> {
    const path = join(this.dir, RESULTS_FILE);
    const line = resultToJson(result) + '\n';
    const phase = `append:${RESULTS_FILE}:${++this.appended}`;
    if (pausesAt(phase)) {
      appendFileSync(path, line.slice(0, line.length >> 1));
      pauseForKill(phase);
    }
    appendFileSync(path, line);
    this.results.push(result);
  }
}

/** sweep.json as written by open(); damage (an older lrlab killed while writing it, an edit) is refused with a way out. */
function parseSpecFile(path: string, text: string): unknown {
  return parseJsonText(path, path, text, '; restore it, or delete its folder (or use another --out) to run the sweep afresh');
}

async function readResults(path: string, repair: boolean): Promise<TrialResult[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  if (repair && complete.length !== text.length) await writeFileAtomic(path, complete); // drop a line cut short by a kill
  const results: TrialResult[] = [];
  complete.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      results.push(resultFromJson(line));
    } catch {
      throw new LrlabError('CORRUPT_FILE', path, `line ${i + 1}`,
        'must hold one JSON result per line: delete the damaged line (its trial runs again on the next run of the sweep)');
    }
  });
  return results;
}
