// analyzeSweep on axes whose values are not numbers (optimizer.name, schedule objects): one
// sensitivity point per category with a readable label, a recommendation that names a category,
// and a best configuration that is the best cell by its mean over repeats (the recommendation's
// anchor), not one lucky repeat. Synthetic curves with known labels, then two real sweeps.
import { describe, expect, it } from 'vitest';
import { analyzeSweep, fmtAxisValue } from '../bindings/diagnostics/index.js';
import { TUTORIAL_EXPERIMENT } from '../bindings/experiment.js';
import type { FitStatus, History } from '../bindings/history.js';
import { InlineExecutor } from '../bindings/sweep/executor.js';
import { runSweep } from '../bindings/sweep/run.js';
import { validateSweep } from '../bindings/sweep/spec.js';
import type { AxisValues, TrialResult } from '../bindings/sweep/types.js';

const EPOCHS = 30;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
type Kind = 'good' | 'oscillate' | 'nan';

/** good: 2.3 decaying to `floor` (×(1 ± 2 %) per repeat); oscillate: ±30 % around a decay to 0.5; nan: NaN at epoch 6. */
function curve(kind: Kind, floor: number, repeat: number): { loss: number[]; status: FitStatus } {
  const f = floor * (1 + 0.02 * (repeat - 1));
  if (kind === 'good') return { loss: range(EPOCHS).map((i) => f + (2.3 - f) * Math.exp(-0.5 * i)), status: 'completed' };
  if (kind === 'oscillate') return { loss: range(EPOCHS).map((i) => (floor + 1.8 * Math.exp(-0.2 * i)) * (i % 2 === 0 ? 1.3 : 0.7)), status: 'completed' };
  return { loss: [...range(5).map((i) => 2.3 - 0.2 * i), NaN], status: 'diverged' };
}

function history(loss: number[], status: FitStatus): History {
  return {
    epoch: loss.map((_, i) => i), loss, lr: loss.map(() => 0.01), time: loss.map(() => 1), status,
    events: status === 'diverged' ? [{ epoch: loss.length - 1, step: 0, kind: 'diverged', reason: 'the training loss became NaN' }] : [],
  };
}

function sweepOf(cells: Array<{ params: AxisValues; kinds: Array<[Kind, number]> }>): TrialResult[] {
  const results: TrialResult[] = [];
  for (const { params, kinds } of cells) {
    kinds.forEach(([kind, floor], repeat) => {
      const { loss, status } = curve(kind, floor, repeat);
      results.push({ id: `t${results.length}`, index: results.length, repeat, params, status, timeMs: 1, history: history(loss, status) });
    });
  }
  return results;
}

describe('analyzeSweep on optimizer.name', () => {
  const results = sweepOf([
    { params: { 'optimizer.name': 'sgd' }, kinds: [['good', 0.3], ['good', 0.3], ['good', 0.3]] },
    { params: { 'optimizer.name': 'adam' }, kinds: [['good', 0.2], ['good', 0.2], ['good', 0.2]] },
    { params: { 'optimizer.name': 'adagrad' }, kinds: [['good', 0.1], ['nan', 0], ['nan', 0]] },
    { params: { 'optimizer.name': 'rmsprop' }, kinds: [['good', 0.22], ['good', 0.22], ['good', 0.22]] },
  ]);
  const a = analyzeSweep(results);

  it('uses the categorical axis, one point per optimizer, numbered in order of appearance', () => {
    expect(a.axis).toBe('optimizer.name');
    expect(a.sensitivity.map((p) => [p.x, p.value, p.label])).toEqual([[0, 'sgd', 'sgd'], [1, 'adam', 'adam'], [2, 'adagrad', 'adagrad'], [3, 'rmsprop', 'rmsprop']]);
    expect(a.sensitivity[1]!.finalLoss.n).toBe(3);
    expect(a.sensitivity[1]!.finalLoss.mean).toBeCloseTo(0.2 + 2.1 * Math.exp(-0.5 * 29), 6);
    expect(a.sensitivity[2]!.diverged).toBe(2);
  });

  it('recommends adam, names those within 20 % and says why the rest are out', () => {
    expect(a.recommended).toMatchObject({ low: 1, high: 1, value: 'adam', label: 'adam' });
    const text = a.recommended!.explanation;
    expect(text).toMatch(/^optimizer = adam reaches the lowest mean final loss \(0\.200, mean of 3 repeats\)/);
    expect(text).toContain('within 20% of it: rmsprop (0.220)');
    expect(text).toContain('adagrad diverges in 2 of 3 repeats');
    expect(text).toMatch(/sgd ends at 0\.300, 50% above the best/);
  });

  it('the best configuration is adam (best mean), not adagrad\'s one lucky repeat with the lowest loss of all', () => {
    expect(a.bestCell!.params).toEqual({ 'optimizer.name': 'adam' });
    expect(a.bestCell!.trialIds).toEqual(['t3', 't4', 't5']);
    expect(a.bestTrialId).toBe('t3'); // adam's repeat at −2 %
    // The diagnoses still compare with the lowest final loss of all (adagrad's repeat 0).
    expect(a.diagnoses.t3!.numbers.referenceLoss).toBeCloseTo(0.098 + 2.202 * Math.exp(-0.5 * 29), 6);
  });
});

describe('analyzeSweep on optimizer.name × momentum, where adam has no momentum', () => {
  it('draws against optimizer.name and compares adam with sgd at its best momentum', () => {
    const results = sweepOf([
      { params: { 'optimizer.momentum': 0, 'optimizer.name': 'sgd' }, kinds: [['good', 0.4], ['good', 0.4]] },
      { params: { 'optimizer.name': 'adam' }, kinds: [['good', 0.2], ['good', 0.2]] },
      { params: { 'optimizer.momentum': 0.9, 'optimizer.name': 'sgd' }, kinds: [['good', 0.3], ['good', 0.3]] },
    ]);
    const a = analyzeSweep(results);
    expect(a.axis).toBe('optimizer.name');
    expect(a.recommended!.value).toBe('adam');
    expect(a.recommended!.explanation).toMatch(/sgd \(momentum 0\.9\) ends at 0\.297, 50% above the best\.$/);
  });
});

describe('analyzeSweep on schedule objects', () => {
  const constant = { name: 'constant' };
  const decay = { name: 'inverse_time', rate: 0.01 };
  const step = { name: 'step', every: 10, factor: 0.5 };
  const results = sweepOf([
    { params: { schedule: constant }, kinds: [['oscillate', 0.15], ['oscillate', 0.15]] },
    { params: { schedule: decay }, kinds: [['good', 0.2], ['good', 0.2]] },
    { params: { schedule: step }, kinds: [['good', 0.21], ['good', 0.21]] },
  ]);
  const a = analyzeSweep(results);

  it('labels each schedule readably and recommends one', () => {
    expect(a.axis).toBe('schedule');
    expect(a.sensitivity.map((p) => p.label)).toEqual(['constant', 'inverse_time rate=0.01', 'step every=10 factor=0.5']);
    expect(a.recommended).toMatchObject({ value: decay, label: 'inverse_time rate=0.01' });
    expect(a.recommended!.explanation).toContain('within 20% of it: step every=10 factor=0.5');
    expect(a.recommended!.explanation).toMatch(/constant oscillates \(final loss /);
    expect(a.bestCell!.params).toEqual({ schedule: decay });
  });

  it('groups by the other axes: schedule × lr is a curve against lr per schedule', () => {
    const both = sweepOf([
      { params: { 'optimizer.lr': 0.1, schedule: decay }, kinds: [['good', 0.3]] },
      { params: { 'optimizer.lr': 0.01, schedule: decay }, kinds: [['good', 0.2]] },
      { params: { 'optimizer.lr': 0.1, schedule: step }, kinds: [['good', 0.25]] },
    ]);
    const b = analyzeSweep(both);
    expect(b.axis).toBe('optimizer.lr');
    expect(b.sensitivity.map((p) => [p.x, p.group])).toEqual([[0.01, { schedule: decay }], [0.1, { schedule: decay }], [0.1, { schedule: step }]]);
    expect(b.recommended!.explanation).toContain('schedule inverse_time rate=0.01');
  });
});

describe('best configuration by the mean of a cell', () => {
  it('an lr whose one repeat is the lowest loss of all but which oscillates is not the best configuration', () => {
    const results = sweepOf([
      { params: { 'optimizer.lr': 0.1 }, kinds: [['good', 0.12], ['oscillate', 0.1], ['oscillate', 0.1]] },
      { params: { 'optimizer.lr': 0.01 }, kinds: [['good', 0.2], ['good', 0.2], ['good', 0.2]] },
      { params: { 'optimizer.lr': 0.001 }, kinds: [['good', 0.6], ['good', 0.6], ['good', 0.6]] },
    ]);
    const a = analyzeSweep(results);
    expect(a.recommended!.low).toBe(0.01);
    expect(a.bestCell!.params).toEqual({ 'optimizer.lr': 0.01 });
    expect(a.bestCell!.x).toBe(a.recommended!.low);
    expect(a.bestTrialId).toBe('t3');
  });
});

describe('fmtAxisValue', () => {
  it('writes objects as "name key=value …", nested objects in parentheses, lists with commas', () => {
    expect(fmtAxisValue({ name: 'inverse_time', rate: 0.01 })).toBe('inverse_time rate=0.01');
    expect(fmtAxisValue({ name: 'multistep', milestones: [50, 100], factor: 0.1 })).toBe('multistep milestones=50,100 factor=0.1');
    expect(fmtAxisValue({ name: 'warmup', steps: 100, schedule: { name: 'cosine', decaySteps: 1000 } })).toBe('warmup steps=100 schedule=(cosine decaySteps=1000)');
    expect(fmtAxisValue({ patience: 5, factor: 0.5 })).toBe('patience=5 factor=0.5');
    expect(fmtAxisValue({ name: 'adam', lr: 3e-4 })).toBe('adam lr=3e-4');
  });
});

describe('real sweeps over categories get a recommendation', () => {
  const base = { ...TUTORIAL_EXPERIMENT, epochs: 20 };
  it('over optimizer.name (each optimizer with its own defaults)', async () => {
    const sweep = validateSweep({ base, axes: { 'optimizer.name': ['sgd', 'adam', 'rmsprop', 'adagrad'] } });
    const results = await runSweep(sweep, { executor: new InlineExecutor() });
    expect(results.every((r) => r.status === 'completed')).toBe(true);
    const a = analyzeSweep(results);
    expect(a.axis).toBe('optimizer.name');
    expect(a.sensitivity).toHaveLength(4);
    expect(a.recommended).not.toBeNull();
    expect(['sgd', 'adam', 'rmsprop', 'adagrad']).toContain(a.recommended!.value);
    expect(a.bestCell!.params['optimizer.name']).toBe(a.recommended!.value);
  });

  it('over schedule objects', async () => {
    const schedules = [{ name: 'constant' }, { name: 'inverse_time', rate: 0.01 }, { name: 'step', every: 5, factor: 0.5 }];
    const results = await runSweep(validateSweep({ base, axes: { schedule: schedules } }), { executor: new InlineExecutor() });
    const a = analyzeSweep(results);
    expect(a.axis).toBe('schedule');
    expect(a.sensitivity.map((p) => p.label)).toEqual(['constant', 'inverse_time rate=0.01', 'step every=5 factor=0.5']);
    expect(a.recommended).not.toBeNull();
    expect(a.bestCell!.params.schedule).toEqual(a.recommended!.value);
  });
});
