// Successive halving in runSweep (bindings/sweep/run.ts): rung budgets, who
// survives each rung, that continuing from a rung's checkpoint equals an
// uninterrupted run, and that a store records each rung and makes a rerun a
// no-op. A small base (the tutorial blobs, 9 epochs, 6 learning rates) keeps it fast.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TUTORIAL_EXPERIMENT, runExperiment, type ExperimentResult } from '../bindings/experiment.js';
import { InlineExecutor, type Executor } from '../bindings/sweep/executor.js';
import { runSweep } from '../bindings/sweep/run.js';
import { expandSweep, validateSweep, type SweepSpec } from '../bindings/sweep/spec.js';
import { RESULTS_FILE, ResultStore } from '../bindings/sweep/store.js';
import type { TrialOutcome, TrialTask } from '../bindings/sweep/trial.js';
import type { TrialResult } from '../bindings/sweep/types.js';

// 10, 1 and 0.3 diverge within the first epoch; 0.1, 0.03, 0.01 train. A guard of patience 5
// (5 exploded batches in a row) makes the too-high rates end inside the 1-epoch first rung.
const SPEC: SweepSpec = {
  name: 'halving',
  base: { ...structuredClone(TUTORIAL_EXPERIMENT), epochs: 9, divergence: { patience: 5 } },
  axes: { 'optimizer.lr': [10, 1, 0.3, 0.1, 0.03, 0.01] },
  halving: { rungs: 3, eta: 3 },
};
const BUDGETS = [1, 3, 9];

/** An executor that runs inline and records every task it is given. */
class RecordingExecutor implements Executor {
  readonly name = 'recording';
  readonly concurrency = 1;
  readonly tasks: TrialTask[] = [];
  readonly #inner = new InlineExecutor();

  async run(tasks: TrialTask[], onOutcome: (outcome: TrialOutcome) => void | Promise<void>, signal?: AbortSignal): Promise<void> {
    this.tasks.push(...tasks);
    await this.#inner.run(tasks, onOutcome, signal);
  }

  async close(): Promise<void> {
    await this.#inner.close();
  }
}

/** The halving score: final validation loss (else training loss); diverged, failed or non-finite last. */
function score(r: TrialResult): number {
  const h = r.history;
  const loss = h ? (h.valLoss?.length ? h.valLoss.at(-1) : h.loss.at(-1)) : undefined;
  return r.status === 'completed' && loss !== undefined && Number.isFinite(loss) ? loss : Infinity;
}

/** The ids of the best ⌈n/eta⌉ results (ties: sweep order). */
function bestIds(results: TrialResult[], eta: number): string[] {
  const k = Math.ceil(results.length / eta);
  return [...results].sort((a, b) => score(a) - score(b) || a.index - b.index).slice(0, k).map((r) => r.id).sort();
}

function sameHistoryNumbers(a: ExperimentResult['history'], b: NonNullable<TrialResult['history']>): void {
  expect(b.epoch).toEqual(a.epoch);
  expect(b.loss).toEqual(a.loss);
  expect(b.accuracy).toEqual(a.accuracy);
  expect(b.valLoss).toEqual(a.valLoss);
  expect(b.valAccuracy).toEqual(a.valAccuracy);
  expect(b.lr).toEqual(a.lr);
  expect(b.status).toBe(a.status);
  // Bit for bit, not just close.
  a.loss.forEach((v, i) => expect(Object.is(v, b.loss[i])).toBe(true));
  a.valLoss!.forEach((v, i) => expect(Object.is(v, b.valLoss![i])).toBe(true));
}

describe('successive halving in memory (InlineExecutor, no store)', () => {
  const sweep = validateSweep(SPEC);
  const trials = expandSweep(sweep);
  const executor = new RecordingExecutor();
  const streamed: { done: number; total: number; result: TrialResult }[] = [];
  let finals: TrialResult[];

  beforeAll(async () => {
    finals = await runSweep(sweep, { executor, onResult: (p) => streamed.push(p) });
  });

  const rung = (r: number) => streamed.map((p) => p.result).filter((x) => x.rung === r);

  it('runs 6 → 2 → 1 trials at budgets of 1, 3 and 9 epochs', () => {
    expect(executor.tasks.map((t) => t.rung)).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 2]);
    expect(executor.tasks.map((t) => t.epochs)).toEqual([1, 1, 1, 1, 1, 1, 3, 3, 9]);
    expect([0, 1, 2].map((r) => rung(r).length)).toEqual([6, 2, 1]);
    expect(streamed).toHaveLength(9);
    expect(streamed.map((p) => p.done)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(streamed.every((p) => p.total === 9)).toBe(true);
    // Every result of a rung that completed has exactly that rung's epochs of history (earlier rungs' included).
    for (const r of [0, 1, 2]) {
      for (const result of rung(r).filter((x) => x.status === 'completed')) {
        expect(result.history!.loss).toHaveLength(BUDGETS[r]);
        expect(result.history!.epoch).toEqual(Array.from({ length: BUDGETS[r] }, (_, i) => i));
      }
    }
    // Rung 0 starts from scratch; later rungs continue from the previous rung's checkpoint.
    for (const t of executor.tasks) {
      expect(t.resumeFrom === undefined).toBe(t.rung === 0);
      expect(t.keepCheckpoint).toBe(t.rung !== 2);
    }
  });

  it('keeps exactly the best ⌈n/3⌉ of each rung by final validation loss', () => {
    expect(rung(1).map((r) => r.id).sort()).toEqual(bestIds(rung(0), 3));
    expect(rung(2).map((r) => r.id).sort()).toEqual(bestIds(rung(1), 3));
    // Sanity of the recomputation: the scores are validation losses, and they differ.
    const scores = rung(0).map(score).filter(Number.isFinite);
    expect(scores.length).toBeGreaterThanOrEqual(3);
    for (const r of rung(0).filter((x) => x.status === 'completed')) expect(score(r)).toBe(r.history!.valLoss!.at(-1));
  });

  it('never lets a diverged trial survive over a finite one', () => {
    const diverged = rung(0).filter((r) => r.status === 'diverged');
    expect(diverged.length).toBeGreaterThanOrEqual(1); // the base must make some diverge, or this test says nothing
    for (const r of [0, 1]) {
      const survivors = new Set(rung(r + 1).map((x) => x.id));
      const finite = rung(r).filter((x) => Number.isFinite(score(x)));
      const lost = rung(r).filter((x) => !Number.isFinite(score(x)));
      if (lost.some((x) => survivors.has(x.id))) expect(finite.every((x) => survivors.has(x.id))).toBe(true);
      if (finite.length >= survivors.size) expect(lost.every((x) => !survivors.has(x.id))).toBe(true);
    }
  });

  it('returns one final result per trial, its last rung, in sweep order', () => {
    expect(finals.map((r) => r.id)).toEqual(trials.map((t) => t.id));
    for (const f of finals) {
      const last = Math.max(...streamed.filter((p) => p.result.id === f.id).map((p) => p.result.rung!));
      expect(f.rung).toBe(last);
    }
  });

  it("the winner's 9 epochs are bit-identical to a straight 9-epoch runExperiment of its spec", async () => {
    const [winner] = rung(2);
    expect(winner.status).toBe('completed');
    expect(winner.history!.loss).toHaveLength(9);
    const trial = trials.find((t) => t.id === winner.id)!;
    expect(trial.spec.epochs).toBe(9);
    const straight = await runExperiment(trial.spec);
    sameHistoryNumbers(straight.history, winner.history!);
    expect(winner.test).toEqual(straight.test);
    expect(Object.is(winner.test!.loss, straight.test!.loss)).toBe(true);
    expect(winner.train).toEqual(straight.train);
    // The rung-1 result of the winner matches a straight 3-epoch run too.
    const third = rung(1).find((r) => r.id === winner.id)!;
    const three = await runExperiment({ ...trial.spec, epochs: 3 });
    sameHistoryNumbers(three.history, third.history!);
    expect(third.test).toEqual(three.test);
  });
});

describe('successive halving when most trials diverge', () => {
  it('a diverged trial fills a slot only when no finite one is left, and never wins', async () => {
    const spec: SweepSpec = { ...SPEC, base: { ...SPEC.base, divergence: { patience: 1 } }, axes: { 'optimizer.lr': [100, 30, 10, 3, 1, 0.01] } };
    const seen: TrialResult[] = [];
    const finals = await runSweep(validateSweep(spec), { executor: new InlineExecutor(), onResult: (p) => seen.push(p.result) });
    const rung = (r: number) => seen.filter((x) => x.rung === r);
    expect(rung(0).filter((r) => r.status === 'diverged')).toHaveLength(5);
    // Two slots: the one finite trial, then the first diverged one in sweep order.
    expect(rung(1).map((r) => r.params['optimizer.lr']).sort()).toEqual([0.01, 100]);
    expect(rung(1).map((r) => r.id).sort()).toEqual(bestIds(rung(0), 3));
    expect(rung(2).map((r) => r.params['optimizer.lr'])).toEqual([0.01]);
    const winner = finals.find((r) => r.rung === 2)!;
    expect(winner.status).toBe('completed');
    expect(winner.history!.loss).toHaveLength(9);
  });
});

describe('successive halving with a ResultStore', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lrlab-halving-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('records every rung result with its rung; a rerun on the same directory runs nothing', async () => {
    const sweep = validateSweep(SPEC);
    const first = new RecordingExecutor();
    const finals = await runSweep(sweep, { executor: first, store: await ResultStore.open(dir, SPEC) });
    expect(first.tasks).toHaveLength(9);

    const lines = (await readFile(join(dir, RESULTS_FILE), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as TrialResult);
    expect(lines).toHaveLength(9);
    expect(lines.map((l) => l.rung)).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 2]);
    const rung2 = lines.find((l) => l.rung === 2)!;
    expect(rung2.history!.loss).toHaveLength(9);

    const again = new RecordingExecutor();
    const seen: TrialResult[] = [];
    const rerun = await runSweep(sweep, { executor: again, store: await ResultStore.open(dir, SPEC), onResult: (p) => seen.push(p.result) });
    expect(again.tasks).toHaveLength(0);
    expect(seen).toHaveLength(0);
    expect((await readFile(join(dir, RESULTS_FILE), 'utf8')).trim().split('\n')).toHaveLength(9);
    expect(rerun.map((r) => [r.id, r.rung])).toEqual(finals.map((r) => [r.id, r.rung]));
    expect(rerun.map((r) => r.history?.loss)).toEqual(finals.map((r) => r.history?.loss));
  });

  it('a last rung lost from the record reruns from scratch (no checkpoint) to the same result', async () => {
    const path = join(dir, RESULTS_FILE);
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    const lost = JSON.parse(lines.at(-1)!) as TrialResult;
    expect(lost.rung).toBe(2);
    await writeFile(path, lines.slice(0, -1).join('\n') + '\n');

    const executor = new RecordingExecutor();
    const finals = await runSweep(validateSweep(SPEC), { executor, store: await ResultStore.open(dir, SPEC) });
    expect(executor.tasks.map((t) => [t.trial.id, t.rung, t.epochs, t.resumeFrom])).toEqual([[lost.id, 2, 9, undefined]]);
    const redone = finals.find((r) => r.id === lost.id)!;
    expect(redone.rung).toBe(2);
    expect(redone.history!.loss).toEqual(lost.history!.loss);
    expect(redone.history!.valLoss).toEqual(lost.history!.valLoss);
    expect(redone.test).toEqual(lost.test);
  });
});
