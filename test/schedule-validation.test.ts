/**
 * validateSchedule and the refusals of buildSchedule: every bad spec is an
 * LrlabError with a stable code and the path of the offending field.
 */
import { describe, expect, it } from 'vitest';
import { LrlabError } from '../bindings/errors.js';
import { buildSchedule, validateSchedule, type ScheduleSpec } from '../bindings/schedules/index.js';
import { thrown } from './helpers/errors.js';

/** validateSchedule(spec) must refuse with this code and field. */
function refused(spec: unknown, field: string, code = 'INVALID_OPTION', limits = {}): LrlabError {
  const err = thrown(() => validateSchedule(spec, 'schedule', limits));
  expect({ code: err.code, field: err.field }, JSON.stringify(spec)).toEqual({ code, field });
  return err;
}

describe('validateSchedule fills every default', () => {
  it('for each schedule', () => {
    const cases: [unknown, ScheduleSpec][] = [
      [{ name: 'constant' }, { name: 'constant', unit: 'step' }],
      [{ name: 'step', every: 30 }, { name: 'step', every: 30, factor: 0.1, unit: 'epoch' }],
      [{ name: 'multistep', milestones: [30, 80] }, { name: 'multistep', milestones: [30, 80], factor: 0.1, unit: 'epoch' }],
      [{ name: 'exponential', rate: 0.96 }, { name: 'exponential', rate: 0.96, decaySteps: 1, staircase: false, unit: 'step' }],
      [{ name: 'inverse_time', rate: 0.5 }, { name: 'inverse_time', rate: 0.5, decaySteps: 1, staircase: false, unit: 'step' }],
      [{ name: 'linear', tau: 100 }, { name: 'linear', tau: 100, lrEnd: 0, unit: 'step' }],
      [{ name: 'polynomial', decaySteps: 100 }, { name: 'polynomial', decaySteps: 100, lrEnd: 0.0001, power: 1, cycle: false, unit: 'step' }],
      [{ name: 'cosine', decaySteps: 100 }, { name: 'cosine', decaySteps: 100, minLr: 0, unit: 'step' }],
      [{ name: 'cosine_restarts', T0: 10 }, { name: 'cosine_restarts', T0: 10, tMult: 1, mMul: 1, minLr: 0, unit: 'step' }],
      [{ name: 'warmup', steps: 5 }, { name: 'warmup', steps: 5, start: 0, schedule: { name: 'constant', unit: 'step' }, unit: 'step' }],
      [{ name: 'cyclical', maxLr: 0.1, stepSize: 20 },
        { name: 'cyclical', maxLr: 0.1, stepSize: 20, stepSizeDown: 20, mode: 'triangular', unit: 'step' }],
      [{ name: 'cyclical', baseLr: 0.01, maxLr: 0.1, stepSize: 20, mode: 'exp_range' },
        { name: 'cyclical', baseLr: 0.01, maxLr: 0.1, stepSize: 20, stepSizeDown: 20, mode: 'exp_range', gamma: 1, unit: 'step' }],
      [{ name: 'one_cycle', maxLr: 0.1, totalSteps: 100 }, {
        name: 'one_cycle', maxLr: 0.1, totalSteps: 100, pctStart: 0.3, divFactor: 25, finalDivFactor: 1e4,
        anneal: 'cos', threePhase: false, unit: 'step',
      }],
      [{ name: 'sequential', schedules: [{ name: 'constant' }, { name: 'cosine', decaySteps: 9 }], milestones: [3] }, {
        name: 'sequential', milestones: [3], unit: 'step',
        schedules: [{ name: 'constant', unit: 'step' }, { name: 'cosine', decaySteps: 9, minLr: 0, unit: 'step' }],
      }],
      [{ name: 'multiply', schedules: [{ name: 'step', every: 2 }] },
        { name: 'multiply', schedules: [{ name: 'step', every: 2, factor: 0.1, unit: 'epoch' }], unit: 'epoch' }],
    ];
    for (const [spec, filled] of cases) {
      const out = validateSchedule(spec);
      expect(out).toEqual(filled);
      expect(validateSchedule(out), 'idempotent').toEqual(out);
      expect(JSON.parse(JSON.stringify(out))).toEqual(out);
    }
  });

  it('keeps an explicit 0 and the given lr, and does not touch the input', () => {
    const spec = { name: 'step', lr: 0, every: 1, factor: 0 };
    expect(validateSchedule(spec)).toEqual({ name: 'step', lr: 0, every: 1, factor: 0, unit: 'epoch' });
    expect(spec).toEqual({ name: 'step', lr: 0, every: 1, factor: 0 });
    expect(validateSchedule({ name: 'cosine', lr: 0.5, decaySteps: 3, minLr: 0 })).toMatchObject({ lr: 0.5, minLr: 0 });
    expect(validateSchedule({ name: 'inverse_time', rate: 0 })).toMatchObject({ rate: 0 });
    expect(validateSchedule({ name: 'cyclical', baseLr: 0, maxLr: 0, stepSize: 1 })).toMatchObject({ baseLr: 0, maxLr: 0 });
  });

  it('names the field after the given prefix', () => {
    const err = thrown(() => validateSchedule({ name: 'step', every: 1, factor: -1 }, 'fit.schedule'));
    expect(err.field).toBe('fit.schedule.factor');
  });
});

describe('validateSchedule refuses', () => {
  it('a non-object, an unknown name, an unknown key', () => {
    refused(null, 'schedule');
    refused([], 'schedule');
    refused('cosine', 'schedule');
    refused({ name: 'cosine_annealing' }, 'schedule.name', 'UNKNOWN_OPTION');
    refused({}, 'schedule.name', 'UNKNOWN_OPTION');
    const key = refused({ name: 'step', every: 2, gamma: 0.5 }, 'schedule.gamma', 'UNKNOWN_OPTION');
    expect(key.message).toMatch(/known options are name, unit, lr, every, factor/);
    refused({ name: 'warmup', steps: 2, lr: 0.1 }, 'schedule.lr', 'UNKNOWN_OPTION');
    refused({ name: 'constant', unit: 'iteration' }, 'schedule.unit', 'UNKNOWN_OPTION');
  });

  it('a negative or non-numeric lr', () => {
    refused({ name: 'constant', lr: -0.1 }, 'schedule.lr');
    refused({ name: 'cosine', lr: '0.1', decaySteps: 3 }, 'schedule.lr');
    refused({ name: 'linear', tau: 3, lrEnd: -1 }, 'schedule.lrEnd');
    refused({ name: 'cosine', decaySteps: 3, minLr: Number.NaN }, 'schedule.minLr');
  });

  it('a decay factor that is negative or above 1, saying what is allowed', () => {
    refused({ name: 'step', every: 2, factor: -0.5 }, 'schedule.factor');
    const big = refused({ name: 'step', every: 2, factor: 1.5 }, 'schedule.factor');
    expect(big.message).toMatch(/between 0 and 1/);
    refused({ name: 'multistep', milestones: [1], factor: 2 }, 'schedule.factor');
    refused({ name: 'exponential', rate: 1.01 }, 'schedule.rate');
    refused({ name: 'exponential', rate: -0.5 }, 'schedule.rate');
    refused({ name: 'cosine_restarts', T0: 2, mMul: 1.2 }, 'schedule.mMul');
    refused({ name: 'cyclical', maxLr: 1, stepSize: 2, mode: 'exp_range', gamma: 1.1 }, 'schedule.gamma');
    refused({ name: 'inverse_time', rate: -1 }, 'schedule.rate');
  });

  it('milestones that are not strictly increasing integers >= 1', () => {
    refused({ name: 'multistep', milestones: [3, 3] }, 'schedule.milestones[1]');
    const down = refused({ name: 'multistep', milestones: [2, 5, 4] }, 'schedule.milestones[2]');
    expect(down.message).toMatch(/strictly increasing/);
    refused({ name: 'multistep', milestones: [1.5] }, 'schedule.milestones[0]');
    refused({ name: 'multistep', milestones: [0, 2] }, 'schedule.milestones[0]');
    refused({ name: 'multistep', milestones: [] }, 'schedule.milestones');
    refused({ name: 'multistep', milestones: 5 }, 'schedule.milestones');
    refused({ name: 'multistep' }, 'schedule.milestones');
  });

  it('missing or bad required numbers', () => {
    refused({ name: 'step' }, 'schedule.every');
    refused({ name: 'step', every: 0 }, 'schedule.every');
    refused({ name: 'step', every: 1.5 }, 'schedule.every');
    refused({ name: 'exponential' }, 'schedule.rate');
    refused({ name: 'exponential', rate: 0.5, decaySteps: 0 }, 'schedule.decaySteps');
    refused({ name: 'linear', tau: 0 }, 'schedule.tau');
    refused({ name: 'polynomial', decaySteps: 10, power: 0 }, 'schedule.power');
    refused({ name: 'cosine', decaySteps: -1 }, 'schedule.decaySteps');
    refused({ name: 'cosine_restarts', T0: 0 }, 'schedule.T0');
    refused({ name: 'cosine_restarts', T0: 2, tMult: 0.5 }, 'schedule.tMult');
    refused({ name: 'polynomial', decaySteps: 10, cycle: 'yes' }, 'schedule.cycle');
  });

  it('a warmup of 0 or negative steps, and one not shorter than training', () => {
    refused({ name: 'warmup', steps: 0 }, 'schedule.steps');
    refused({ name: 'warmup', steps: -5 }, 'schedule.steps');
    refused({ name: 'warmup', steps: 2.5 }, 'schedule.steps');
    const long = refused({ name: 'warmup', steps: 100 }, 'schedule.steps', 'INVALID_OPTION', { totalSteps: 100 });
    expect(long.message).toMatch(/totalSteps \(100\)/);
    expect(validateSchedule({ name: 'warmup', steps: 99 }, 'schedule', { totalSteps: 100 })).toMatchObject({ steps: 99 });
    // in epochs, against totalEpochs (totalSteps says nothing about epochs)
    const epochs: ScheduleSpec = { name: 'warmup', steps: 5, unit: 'epoch' };
    refused(epochs, 'schedule.steps', 'INVALID_OPTION', { totalEpochs: 5 });
    expect(validateSchedule(epochs, 'schedule', { totalSteps: 3 })).toMatchObject({ steps: 5 });
    // nested
    refused({ name: 'multiply', schedules: [{ name: 'warmup', steps: 10 }] }, 'schedule.schedules[0].steps', 'INVALID_OPTION', { totalSteps: 10 });
    refused({ name: 'constant' }, 'totalSteps', 'INVALID_OPTION', { totalSteps: 0 });
    refused({ name: 'constant' }, 'limits.total', 'UNKNOWN_OPTION', { total: 10 });
  });

  it('a cyclical maxLr below baseLr, and gamma outside exp_range', () => {
    const err = refused({ name: 'cyclical', baseLr: 0.1, maxLr: 0.01, stepSize: 4 }, 'schedule.maxLr');
    expect(err.message).toMatch(/>= baseLr/);
    refused({ name: 'cyclical', maxLr: 0.1 }, 'schedule.stepSize');
    refused({ name: 'cyclical', stepSize: 2 }, 'schedule.maxLr');
    refused({ name: 'cyclical', maxLr: 0.1, stepSize: 2, mode: 'sine' }, 'schedule.mode', 'UNKNOWN_OPTION');
    refused({ name: 'cyclical', maxLr: 0.1, stepSize: 2, gamma: 0.9 }, 'schedule.gamma');
  });

  it('a one_cycle with totalSteps < 2, pctStart outside (0, 1) or an empty phase', () => {
    refused({ name: 'one_cycle', maxLr: 0.1, totalSteps: 1 }, 'schedule.totalSteps');
    refused({ name: 'one_cycle', maxLr: 0.1, totalSteps: 10.5 }, 'schedule.totalSteps');
    refused({ name: 'one_cycle', maxLr: 0.1 }, 'schedule.totalSteps');
    refused({ name: 'one_cycle', totalSteps: 10 }, 'schedule.maxLr');
    for (const pctStart of [0, 1, -0.2, 1.5]) refused({ name: 'one_cycle', maxLr: 0.1, totalSteps: 10, pctStart }, 'schedule.pctStart');
    // pct_start·total_steps − 1 = 0: PyTorch divides 0 by 0 at step 0
    refused({ name: 'one_cycle', maxLr: 0.1, totalSteps: 10, pctStart: 0.1 }, 'schedule.pctStart');
    // three phases: 2·0.6·10 − 2 = 10 >= 9, no third phase
    refused({ name: 'one_cycle', maxLr: 0.1, totalSteps: 10, pctStart: 0.6, threePhase: true }, 'schedule.pctStart');
    refused({ name: 'one_cycle', maxLr: 0.1, totalSteps: 10, anneal: 'exp' }, 'schedule.anneal', 'UNKNOWN_OPTION');
    refused({ name: 'one_cycle', maxLr: 0.1, totalSteps: 10, divFactor: 0 }, 'schedule.divFactor');
  });

  it('bad composites, naming the nested field', () => {
    refused({ name: 'multiply', schedules: [{ name: 'step', every: 1, factor: 3 }] }, 'schedule.schedules[0].factor');
    refused({ name: 'multiply', schedules: [] }, 'schedule.schedules');
    refused({ name: 'sequential', schedules: [{ name: 'constant' }, { name: 'constant' }], milestones: [] }, 'schedule.milestones');
    refused({ name: 'sequential', schedules: [{ name: 'constant' }, { name: 'constant' }] }, 'schedule.milestones');
    refused({ name: 'sequential', schedules: [{ name: 'constant' }, { name: 'constant' }, { name: 'constant' }], milestones: [4, 2] },
      'schedule.milestones[1]');
    refused({ name: 'warmup', steps: 2, schedule: { name: 'cosine' } }, 'schedule.schedule.decaySteps');
    refused({ name: 'warmup', steps: 2, schedule: { name: 'cosine', decaySteps: 4, foo: 1 } }, 'schedule.schedule.foo', 'UNKNOWN_OPTION');
    let deep: unknown = { name: 'constant' };
    for (let i = 0; i < 12; i++) deep = { name: 'warmup', steps: 1, schedule: deep };
    expect(thrown(() => validateSchedule(deep)).message).toMatch(/nest at most/);
  });

  it('schedules on different time axes inside one composite', () => {
    // linear defaults to steps, multistep to epochs: refused rather than guessed
    const mixed = refused({
      name: 'sequential', milestones: [10],
      schedules: [{ name: 'linear', tau: 10 }, { name: 'multistep', milestones: [30] }],
    }, 'schedule.schedules[1].unit');
    expect(mixed.message).toMatch(/set "unit" explicitly/);
    refused({
      name: 'warmup', steps: 3, unit: 'step', schedule: { name: 'cosine', decaySteps: 9, unit: 'epoch' },
    }, 'schedule.schedule.unit');
    refused({
      name: 'multiply', schedules: [{ name: 'cosine', decaySteps: 9 }, { name: 'step', every: 2, unit: 'epoch' }],
    }, 'schedule.schedules[1].unit');
    // an explicit unit on the composite is inherited by the schedules that do not set one
    expect(validateSchedule({
      name: 'sequential', milestones: [10], unit: 'epoch',
      schedules: [{ name: 'linear', tau: 10 }, { name: 'multistep', milestones: [30] }],
    })).toMatchObject({ unit: 'epoch', schedules: [{ unit: 'epoch' }, { unit: 'epoch' }] });
  });
});

describe('buildSchedule refuses', () => {
  it('a bad optimizer lr', () => {
    expect(thrown(() => buildSchedule({ name: 'constant' }, -1)).field).toBe('baseLr');
    expect(thrown(() => buildSchedule({ name: 'constant' }, Number.POSITIVE_INFINITY)).field).toBe('baseLr');
  });

  it('a cyclical maxLr below the optimizer lr when baseLr is not given', () => {
    const err = thrown(() => buildSchedule({ name: 'cyclical', maxLr: 0.001, stepSize: 4 }, 0.01));
    expect({ code: err.code, field: err.field }).toEqual({ code: 'INVALID_OPTION', field: 'schedule.maxLr' });
    expect(err.message).toMatch(/optimizer's lr/);
  });

  it('a further schedule of a multiply that starts at 0', () => {
    const spec: ScheduleSpec = { name: 'multiply', schedules: [{ name: 'constant' }, { name: 'warmup', steps: 3 }] };
    expect(thrown(() => buildSchedule(spec, 0.1)).field).toBe('schedule.schedules[1]');
    const zero: ScheduleSpec = { name: 'multiply', schedules: [{ name: 'constant' }, { name: 'constant' }] };
    expect(thrown(() => buildSchedule(zero, 0)).field).toBe('schedule.schedules[1]');
    // a first schedule at 0 is fine
    expect(buildSchedule({ name: 'multiply', schedules: [{ name: 'warmup', steps: 3 }, { name: 'constant' }] }, 0.3).lr(1, 0))
      .toBeCloseTo(0.1, 15);
  });

  it('every spec validateSchedule refuses', () => {
    expect(thrown(() => buildSchedule({ name: 'step', every: 2, factor: 2 }, 0.1)).field).toBe('schedule.factor');
    expect(thrown(() => buildSchedule({ name: 'nope' } as unknown as ScheduleSpec, 0.1)).code).toBe('UNKNOWN_OPTION');
  });
});
