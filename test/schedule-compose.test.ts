/**
 * warmup, sequential and multiply; units; purity; scheduleValues.
 */
import { describe, expect, it } from 'vitest';
import { buildSchedule, scheduleValues, type Schedule, type ScheduleSpec } from '../bindings/schedules/index.js';

function at(s: Schedule, t: number): number {
  return s.unit === 'step' ? s.lr(t, 999) : s.lr(999, t);
}

function expectTable(spec: ScheduleSpec, baseLr: number, rows: [t: number, lr: number][]): Schedule {
  const s = buildSchedule(spec, baseLr);
  for (const [t, lr] of rows) {
    const got = at(s, t);
    if (!(Math.abs(got - lr) <= 1e-12 * Math.abs(lr) + 1e-16)) { // NaN fails too
      expect.fail(`${JSON.stringify(spec)} at t=${t}: expected ${lr}, got ${got}`);
    }
  }
  return s;
}

describe('warmup', () => {
  it('matches Keras CosineDecay with warmup_target and warmup_steps', () => {
    // CosineDecay(initial 0, decay_steps 10, warmup_target 0.1, warmup_steps 4):
    //   t < 4: 0.1·t/4;   t >= 4: 0.1·(1 + cos(π·min(t − 4, 10)/10))/2
    expectTable({ name: 'warmup', steps: 4, schedule: { name: 'cosine', decaySteps: 10 } }, 0.1, [
      [0, 0], [1, 0.025], [2, 0.05], [3, 0.07500000000000001], [4, 0.1], [5, 0.09755282581475769],
      [9, 0.05], [14, 0], [20, 0],
    ]);
  });

  it('starts from `start`, defaults to a constant schedule and takes the unit of its schedule', () => {
    // 0.01 + (0.1 − 0.01)·t/2 for t < 2, then multistep(t − 2): 0.1·0.1^#{3 <= t − 2}
    const s = expectTable({ name: 'warmup', steps: 2, start: 0.01, schedule: { name: 'multistep', milestones: [3] } }, 0.1, [
      [0, 0.01], [1, 0.055], [2, 0.1], [4, 0.1], [5, 0.010000000000000002], [9, 0.010000000000000002],
    ]);
    expect(s.unit).toBe('epoch');
    // 0.3·t/3, then 0.3
    expectTable({ name: 'warmup', steps: 3 }, 0.3, [[0, 0], [1, 0.1], [2, 0.2], [3, 0.3], [50, 0.3]]);
  });

  it('warms up to the schedule\'s own first value, e.g. a cosine_restarts', () => {
    // 0.2·t/2, then SGDR with T0 2 on lr 0.2: 0.2, 0.1, 0.2, 0.1, …
    expectTable({ name: 'warmup', steps: 2, schedule: { name: 'cosine_restarts', lr: 0.2, T0: 2 } }, 0.1, [
      [0, 0], [1, 0.1], [2, 0.2], [3, 0.1], [4, 0.2], [5, 0.1],
    ]);
  });
});

describe('sequential (PyTorch SequentialLR)', () => {
  it('reproduces the SequentialLR docstring example', () => {
    // ConstantLR(factor 0.1, total_iters 20) then ExponentialLR(gamma 0.9), milestones [20], lr 0.05:
    // 0.005 for epochs 0…19, then 0.05·0.9^(e − 20): 0.05, 0.045, 0.0405
    expectTable({
      name: 'sequential', milestones: [20],
      schedules: [{ name: 'constant', lr: 0.005 }, { name: 'exponential', rate: 0.9 }],
      unit: 'epoch',
    }, 0.05, [[0, 0.005], [1, 0.005], [19, 0.005], [20, 0.05], [21, 0.045], [22, 0.0405], [23, 0.03645]]);
  });

  it('starts schedule i+1 at t − milestones[i]', () => {
    // [0, 3): 0.01;  [3, 7): 0.1·0.5^floor((t − 3)/2);  [7, ∞): 0.001
    const s = expectTable({
      name: 'sequential', unit: 'step', milestones: [3, 7],
      schedules: [{ name: 'constant', lr: 0.01 }, { name: 'step', every: 2, factor: 0.5 }, { name: 'constant', lr: 0.001 }],
    }, 0.1, [[0, 0.01], [2, 0.01], [3, 0.1], [4, 0.1], [5, 0.05], [6, 0.05], [7, 0.001], [100, 0.001]]);
    // the step schedule inherited the sequential's explicit unit
    expect(s.spec).toMatchObject({ schedules: [{ unit: 'step' }, { unit: 'step' }, { unit: 'step' }] });
  });
});

describe('multiply', () => {
  it('is the first schedule times each further schedule relative to its start', () => {
    // cyclical(t) · (0.5^(t/4) / 0.5^0); the exponential's own lr (7) cancels out
    expectTable({
      name: 'multiply',
      schedules: [
        { name: 'cyclical', baseLr: 0.001, maxLr: 0.006, stepSize: 2 },
        { name: 'exponential', lr: 7, rate: 0.5, decaySteps: 4 },
      ],
    }, 0.1, [
      [0, 0.001], [1, 0.002943137453388001], [2, 0.004242640687119286], [3, 0.002081112451254762],
      [4, 0.0005], [5, 0.0014715687266940005], [6, 0.002121320343559643],
    ]);
  });

  it('chains three schedules', () => {
    // 0.1 · (0.5^floor(t/2)) · (1/(1 + t))   (step decay × inverse time)
    expectTable({
      name: 'multiply', unit: 'step',
      schedules: [{ name: 'constant' }, { name: 'step', every: 2, factor: 0.5 }, { name: 'inverse_time', rate: 1 }],
    }, 0.1, [[0, 0.1], [1, 0.05], [2, 0.016666666666666666], [3, 0.0125], [4, 0.005]]);
  });
});

describe('units', () => {
  it('read the step or the epoch counter', () => {
    const byEpoch = buildSchedule({ name: 'multistep', milestones: [1] }, 1);
    expect(byEpoch.unit).toBe('epoch');
    expect([byEpoch.lr(0, 0), byEpoch.lr(500, 0), byEpoch.lr(0, 1)]).toEqual([1, 1, 0.1]);
    const byStep = buildSchedule({ name: 'multistep', milestones: [1], unit: 'step' }, 1);
    expect([byStep.lr(0, 0), byStep.lr(0, 500), byStep.lr(1, 0)]).toEqual([1, 1, 0.1]);
    expect(buildSchedule({ name: 'cosine', decaySteps: 4, unit: 'epoch' }, 1).lr(3, 2)).toBeCloseTo(0.5, 12);
  });

  it('refuse a negative or non-finite counter', () => {
    const s = buildSchedule({ name: 'constant' }, 1);
    expect(() => s.lr(-1, 0)).toThrow(/step/);
    expect(() => s.lr(0, Number.NaN)).toThrow(/epoch/);
  });
});

describe('purity', () => {
  const specs: ScheduleSpec[] = [
    { name: 'constant' },
    { name: 'step', every: 3 },
    { name: 'multistep', milestones: [2, 5] },
    { name: 'exponential', rate: 0.9, staircase: true, decaySteps: 3 },
    { name: 'inverse_time', rate: 0.3 },
    { name: 'linear', tau: 7, lrEnd: 0.001 },
    { name: 'polynomial', decaySteps: 5, cycle: true, power: 2 },
    { name: 'cosine', decaySteps: 9, minLr: 0.001 },
    { name: 'cosine_restarts', T0: 2, tMult: 2, mMul: 0.7 },
    { name: 'cyclical', maxLr: 0.5, stepSize: 3, mode: 'triangular2' },
    { name: 'one_cycle', maxLr: 0.5, totalSteps: 20, threePhase: true },
    { name: 'warmup', steps: 3, schedule: { name: 'cosine', decaySteps: 10 } },
    { name: 'sequential', unit: 'step', milestones: [4], schedules: [{ name: 'linear', tau: 4 }, { name: 'step', every: 2 }] },
    { name: 'multiply', schedules: [{ name: 'cyclical', maxLr: 0.5, stepSize: 2 }, { name: 'cosine', decaySteps: 30 }] },
  ];

  it('gives the same values in any order, any number of times', () => {
    const ts = Array.from({ length: 30 }, (_, i) => i);
    const shuffled = [17, 3, 29, 0, 0, 11, 5, 23, 1, 8, 8, 19, 2, 27, 13, 6, 21, 4, 9, 26, 14, 7, 28, 10, 16, 24, 12, 18, 25, 15, 20, 22];
    for (const spec of specs) {
      const s = buildSchedule(spec, 0.1);
      const forward = ts.map((t) => at(s, t));
      const backward = ts.slice().reverse().map((t) => at(s, t)).reverse();
      expect(backward, spec.name).toEqual(forward);
      for (const t of shuffled) expect(at(s, t), `${spec.name} at ${t}`).toBe(forward[t]);
      const again = buildSchedule(spec, 0.1);
      expect(ts.map((t) => at(again, t)), spec.name).toEqual(forward);
      expect(forward.every((v) => Number.isFinite(v) && v >= 0), spec.name).toBe(true);
    }
  });

  it('is not affected by later changes to the spec object', () => {
    const spec = { name: 'multistep' as const, milestones: [2, 4] };
    const s = buildSchedule(spec, 1);
    spec.milestones[0] = 100;
    expect(s.lr(0, 2)).toBeCloseTo(0.1, 15);
    expect(s.spec).toEqual({ name: 'multistep', milestones: [2, 4], factor: 0.1, unit: 'epoch' });
    expect(Object.isFrozen(s)).toBe(true);
  });
});

describe('scheduleValues', () => {
  it('returns the lr of every step, epochs counted with stepsPerEpoch', () => {
    // epoch = floor(step/3); 1·0.1^#{milestones [1, 2] <= epoch}
    const s = buildSchedule({ name: 'multistep', milestones: [1, 2] }, 1);
    const v = scheduleValues(s, { steps: 7, stepsPerEpoch: 3 });
    expect(v).toHaveLength(7);
    expect(v.slice(0, 6)).toEqual([1, 1, 1, 0.1, 0.1, 0.1]);
    expect(v[6]).toBeCloseTo(0.01, 15);
  });

  it('needs no stepsPerEpoch for a schedule in steps, and may be empty', () => {
    const s = buildSchedule({ name: 'linear', tau: 4 }, 1);
    expect(scheduleValues(s, { steps: 6 })).toEqual([1, 0.75, 0.5, 0.25, 0, 0]);
    expect(scheduleValues(s, { steps: 0 })).toEqual([]);
    const long = scheduleValues(buildSchedule({ name: 'one_cycle', maxLr: 1, totalSteps: 1000 }, 1), { steps: 1000, stepsPerEpoch: 7 });
    expect(long).toHaveLength(1000);
    expect(Math.max(...long)).toBe(1);
  });

  it('refuses a missing stepsPerEpoch for a schedule in epochs, and bad counts', () => {
    const s = buildSchedule({ name: 'step', every: 1 }, 1);
    expect(() => scheduleValues(s, { steps: 5 })).toThrow(/stepsPerEpoch/);
    expect(() => scheduleValues(s, { steps: 5, stepsPerEpoch: 0 })).toThrow(/stepsPerEpoch/);
    expect(() => scheduleValues(s, { steps: 2.5, stepsPerEpoch: 1 })).toThrow(/steps/);
    expect(() => scheduleValues(s, { steps: -1, stepsPerEpoch: 1 })).toThrow(/steps/);
  });
});
