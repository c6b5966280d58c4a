// kill -9 of a real `node bin/lrlab.js` at each phase of a sweep (writing
// sweep.json, the first trial, mid-sweep with a half-written results line,
// writing the report; a halving sweep mid-rung) and of train (mid-training, writing the model, the
// history, the report; a resumed run mid-training), then the same command again: nothing lost, nothing
// recorded twice, every result bit for bit an uninterrupted run's, the model
// file loads and the killed process's lock is taken over.
//
// Each phase is hit exactly, not by timing: the test hook LRLAB_FAULT_PAUSE
// (bindings/test-hooks/fault-pause.ts) makes the process announce the phase on
// stderr and stop dead there, and the test then kills it.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Model } from '../bindings/index.js';
import { resultFromJson } from '../bindings/sweep/json.js';
import type { TrialResult } from '../bindings/sweep/types.js';
import { LOCK_FILE } from '../bindings/files/run-lock.js';
import { TEMP_MARK } from '../bindings/files/atomic.js';
import { EXIT } from '../bindings/cli/exit-codes.js';
import { lrlab, ROOT } from './helpers/cli.js';

const SWEEP = ['sweep', '--workers', '2', '--data', 'moons', '--hidden', '8', '--batch-size', '32', '--lr', '0.3,0.1,0.03,0.01', '--momentum', '0,0.9', '--epochs', '6'];
const TRIALS = 8;
const TRAIN = ['train', '--data', 'moons', '--hidden', '8', '--batch-size', '32', '--seed', '1', '--epochs', '6'];
const EPOCHS = 6;

let tmp: string;
/** Per fault case: runs lost, recorded twice, and identical to the uninterrupted run's. */
const figures: { fault: string; expected: number; lost: number; duplicated: number; identical: number }[] = [];

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'lrlab-fault-'));
});
afterAll(async () => {
  if (figures.length) console.log(figures.map((f) => `${f.fault}: ${f.lost} lost, ${f.duplicated} duplicated, ${f.identical}/${f.expected} identical`).join('\n'));
  await rm(tmp, { recursive: true, force: true });
});

/** Starts the command paused at `phase`, waits for the pause to be announced, then kill -9. */
async function killAt(args: string[], phase: string): Promise<void> {
  const child = spawn(process.execPath, ['bin/lrlab.js', ...args], {
    cwd: ROOT, env: { ...process.env, LRLAB_FAULT_PAUSE: phase }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const paused = new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (stderr.includes(`lrlab: fault pause at ${phase} `)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`the run ended (exit ${code}) before the phase ${phase}:\n${stderr}`)));
  });
  try {
    await paused;
  } finally {
    child.kill('SIGKILL');
  }
  expect(await exited).toBe('SIGKILL');
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '');
}

/** What must be equal between two runs: everything but the clock readings. */
function comparable(result: TrialResult): unknown {
  const { timeMs: _t, history, ...rest } = result;
  if (!history) return rest;
  const { time: _time, ...curves } = history;
  return { ...rest, history: curves };
}

async function records(dir: string): Promise<TrialResult[]> {
  return lines(await readFile(join(dir, 'results.jsonl'), 'utf8')).map(resultFromJson);
}

/** No lock and no temporary file of the killed writer left behind. */
async function leftovers(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => n === LOCK_FILE || n.includes(TEMP_MARK));
}

describe('kill -9 during a sweep, then the same command', () => {
  let clean: Map<string, unknown>;
  beforeAll(async () => {
    const dir = join(tmp, 'sweep-clean');
    const r = await lrlab([...SWEEP, '--out', dir]);
    expect(r.code, r.stderr).toBe(0);
    clean = new Map((await records(dir)).map((t) => [t.id, comparable(t)]));
    expect(clean.size).toBe(TRIALS);
  }, 60_000);

  const cases: { fault: string; phase: string; killed(dir: string): Promise<void> }[] = [
    {
      fault: 'sweep: writing sweep.json', phase: 'write:sweep.json',
      async killed(dir) {
        // Half of sweep.json is in its temporary file; sweep.json itself does not exist yet.
        expect(existsSync(join(dir, 'sweep.json'))).toBe(false);
        expect((await readdir(dir)).some((n) => n.startsWith(`.sweep.json${TEMP_MARK}`))).toBe(true);
      },
    },
    {
      fault: 'sweep: the first trial', phase: 'epoch:2',
      async killed(dir) {
        expect(existsSync(join(dir, 'sweep.json'))).toBe(true);
        expect(existsSync(join(dir, 'results.jsonl')) ? lines(await readFile(join(dir, 'results.jsonl'), 'utf8')) : []).toEqual([]);
      },
    },
    {
      fault: 'sweep: mid-sweep, a results line half written', phase: 'append:results.jsonl:3',
      async killed(dir) {
        const text = await readFile(join(dir, 'results.jsonl'), 'utf8');
        expect(text.endsWith('\n')).toBe(false);
        expect(text.split('\n')).toHaveLength(3); // two whole lines and half of the third
      },
    },
    {
      fault: 'sweep: writing the report', phase: 'write:report.html',
      async killed(dir) {
        expect(await records(dir)).toHaveLength(TRIALS);
        expect(existsSync(join(dir, 'report.html'))).toBe(false);
      },
    },
  ];

  for (const c of cases) {
    it(`${c.fault}: every trial recorded once, bit for bit the uninterrupted sweep's`, async () => {
      const dir = join(tmp, c.phase.replace(/[:.]/g, '-'));
      await killAt([...SWEEP, '--out', dir], c.phase);
      await c.killed(dir);
      expect(existsSync(join(dir, LOCK_FILE))).toBe(true); // the killed process could not release it

      const rerun = await lrlab([...SWEEP, '--out', dir]);
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(rerun.stderr).not.toMatch(/\n\s+at /);
      const after = await records(dir);
      const ids = after.map((t) => t.id);
      const identical = after.filter((t) => clean.has(t.id) && JSON.stringify(comparable(t)) === JSON.stringify(clean.get(t.id))).length;
      figures.push({ fault: c.fault, expected: TRIALS, lost: [...clean.keys()].filter((id) => !ids.includes(id)).length, duplicated: ids.length - new Set(ids).size, identical });
      expect(new Set(ids)).toEqual(new Set(clean.keys()));
      expect(ids).toHaveLength(TRIALS);
      for (const t of after) expect(comparable(t)).toStrictEqual(clean.get(t.id));
      expect(await readFile(join(dir, 'report.html'), 'utf8')).toMatch(/<\/html>\s*$/);
      expect(await leftovers(dir)).toEqual([]);
    }, 60_000);
  }
});

describe('kill -9 during a successive-halving sweep, then the same command', () => {
  // 8 trials over 3 rungs (keep the best third): 8 + 3 + 1 results. The kill falls in the second rung,
  // whose trials continue from checkpoints that die with the process: the rerun retrains them from scratch.
  const HALVING = [...SWEEP.slice(0, -1), '9', '--halving'];
  const key = (t: TrialResult) => `${t.id}@${t.rung}`;
  it('a results line of the second rung half written: every rung result once, bit for bit', async () => {
    const cleanDir = join(tmp, 'halving-clean');
    const r = await lrlab([...HALVING, '--out', cleanDir]);
    expect(r.code, r.stderr).toBe(0);
    const clean = new Map((await records(cleanDir)).map((t) => [key(t), comparable(t)]));
    expect(clean.size).toBe(12);

    const dir = join(tmp, 'halving-killed');
    await killAt([...HALVING, '--out', dir], 'append:results.jsonl:10');
    expect(lines(await readFile(join(dir, 'results.jsonl'), 'utf8'))).toHaveLength(10); // 9 whole, half of the 10th
    const rerun = await lrlab([...HALVING, '--out', dir]);
    expect(rerun.code, rerun.stderr).toBe(0);
    const after = await records(dir);
    const keys = after.map(key);
    const identical = after.filter((t) => JSON.stringify(comparable(t)) === JSON.stringify(clean.get(key(t)))).length;
    figures.push({ fault: 'halving sweep: mid-rung', expected: clean.size, lost: [...clean.keys()].filter((k) => !keys.includes(k)).length, duplicated: keys.length - new Set(keys).size, identical });
    expect(new Set(keys)).toEqual(new Set(clean.keys()));
    expect(keys).toHaveLength(clean.size);
    for (const t of after) expect(comparable(t)).toStrictEqual(clean.get(key(t)));
    expect(await leftovers(dir)).toEqual([]);
  }, 60_000);
});

describe('kill -9 during train, then the same command', () => {
  let clean: { model: Buffer; history: unknown };
  beforeAll(async () => {
    const dir = join(tmp, 'train-clean');
    const r = await lrlab([...TRAIN, '--out', dir]);
    expect(r.code, r.stderr).toBe(0);
    clean = { model: await readFile(join(dir, 'model.lrlab')), history: comparable(resultFromJson(await readFile(join(dir, 'history.json'), 'utf8'))) };
  }, 60_000);

  /** Compares a run folder with the uninterrupted run's and records the figures. */
  async function check(fault: string, dir: string): Promise<void> {
    const model = await readFile(join(dir, 'model.lrlab'));
    const loaded = await Model.load(new Uint8Array(model));
    const history = resultFromJson(await readFile(join(dir, 'history.json'), 'utf8'));
    const epochs = lines(await readFile(join(dir, 'history.jsonl'), 'utf8')).map((l) => JSON.parse(l).epoch as number);
    const identical = model.equals(clean.model) && JSON.stringify(comparable(history)) === JSON.stringify(clean.history);
    figures.push({ fault, expected: 1, lost: loaded.epochsTrained === EPOCHS ? 0 : 1, duplicated: epochs.length - new Set(epochs).size, identical: identical ? 1 : 0 });
    expect(loaded.epochsTrained).toBe(EPOCHS);
    expect(epochs).toEqual([...Array(EPOCHS).keys()]); // history.jsonl: each epoch once
    expect(comparable(history)).toStrictEqual(clean.history);
    expect(model.equals(clean.model)).toBe(true);
    expect(await readFile(join(dir, 'report.html'), 'utf8')).toMatch(/<\/html>\s*$/);
    expect(await leftovers(dir)).toEqual([]);
  }

  const unfinished: { fault: string; phase: string; killed(dir: string): Promise<void> }[] = [
    {
      fault: 'train: writing experiment.json', phase: 'write:experiment.json',
      async killed(dir) {
        expect((await readdir(dir)).filter((n) => n !== LOCK_FILE).map((n) => n.startsWith(`.experiment.json${TEMP_MARK}`))).toEqual([true]);
      },
    },
    {
      fault: 'train: mid-training', phase: 'epoch:3',
      async killed(dir) {
        expect(lines(await readFile(join(dir, 'history.jsonl'), 'utf8'))).toHaveLength(3);
        expect(existsSync(join(dir, 'model.lrlab'))).toBe(false);
      },
    },
    {
      fault: 'train: writing the model', phase: 'write:model.lrlab',
      async killed(dir) {
        expect(existsSync(join(dir, 'model.lrlab'))).toBe(false);
        expect((await readdir(dir)).some((n) => n.startsWith(`.model.lrlab${TEMP_MARK}`))).toBe(true);
      },
    },
    {
      fault: 'train: writing the history', phase: 'write:history.json',
      async killed(dir) {
        await Model.load(new Uint8Array(await readFile(join(dir, 'model.lrlab')))); // saved whole before
        expect(existsSync(join(dir, 'history.json'))).toBe(false);
      },
    },
  ];

  for (const c of unfinished) {
    it(`${c.fault}: the unfinished run is redone, bit for bit the uninterrupted run`, async () => {
      const dir = join(tmp, `train-${c.phase.replace(/[:.]/g, '-')}`);
      await killAt([...TRAIN, '--out', dir], c.phase);
      await c.killed(dir);
      expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
      const rerun = await lrlab([...TRAIN, '--out', dir]);
      expect(rerun.code, rerun.stderr).toBe(0);
      await check(c.fault, dir);
    }, 60_000);
  }

  it('train --resume: mid-training: the lines past the last save are dropped, the rerun equals an uninterrupted run', async () => {
    const dir = join(tmp, 'train-resume-epoch');
    const first = await lrlab([...TRAIN.slice(0, -1), '3', '--out', dir]);
    expect(first.code, first.stderr).toBe(0);
    const resume = ['train', '--resume', dir, '--epochs', String(EPOCHS)];
    await killAt(resume, 'epoch:5');
    expect(lines(await readFile(join(dir, 'history.jsonl'), 'utf8'))).toHaveLength(5); // 3 saved, 2 of the killed resume
    const rerun = await lrlab(resume);
    expect(rerun.code, rerun.stderr).toBe(0);
    await check('train --resume: mid-training', dir);
  }, 60_000);

  it('train: writing the report: the finished model and history are kept, the rerun refuses to replace them, --overwrite redoes it', async () => {
    const dir = join(tmp, 'train-write-report');
    await killAt([...TRAIN, '--out', dir], 'write:report.html');
    expect(existsSync(join(dir, 'report.html'))).toBe(false);
    const model = await readFile(join(dir, 'model.lrlab'));
    expect(model.equals(clean.model)).toBe(true);
    expect(comparable(resultFromJson(await readFile(join(dir, 'history.json'), 'utf8')))).toStrictEqual(clean.history);

    const rerun = await lrlab([...TRAIN, '--out', dir]);
    expect(rerun.code).toBe(EXIT.REFUSED);
    expect(rerun.stderr).toMatch(/^lrlab: --out: .*already holds a finished training run.*--overwrite/);
    expect(rerun.stderr.trim().split('\n')).toHaveLength(1);
    expect((await readFile(join(dir, 'model.lrlab'))).equals(model)).toBe(true);

    const overwritten = await lrlab([...TRAIN, '--out', dir, '--overwrite']);
    expect(overwritten.code, overwritten.stderr).toBe(0);
    await check('train: writing the report', dir);
  }, 60_000);
});
