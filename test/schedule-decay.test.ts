/**
 * The decaying schedules against tables of literal values. Each table is what
 * the peer's formula (quoted next to it) gives in float64: PyTorch's closed
 * forms as in torch/optim/lr_scheduler.py, Keras's as in
 * keras/src/optimizers/schedules/learning_rate_schedule.py.
 */
import { describe, expect, it } from 'vitest';
import { buildSchedule, type Schedule, type ScheduleSpec } from '../bindings/schedules/index.js';

/** lr at time t on the schedule's own counter (the other counter is set to a value it must ignore). */
function at(s: Schedule, t: number): number {
  return s.unit === 'step' ? s.lr(t, 12345) : s.lr(12345, t);
}

/** Relative 1e-12 (absolute 1e-16 around 0). */
function expectTable(spec: ScheduleSpec, baseLr: number, rows: [t: number, lr: number][]): void {
  const s = buildSchedule(spec, baseLr);
  for (const [t, lr] of rows) {
    const got = at(s, t);
    if (!(Math.abs(got - lr) <= 1e-12 * Math.abs(lr) + 1e-16)) { // NaN fails too
      expect.fail(`${JSON.stringify(spec)} at t=${t}: expected ${lr}, got ${got}`);
    }
  }
}

describe('constant', () => {
  it('is the optimizer lr, or its own lr', () => {
    expectTable({ name: 'constant' }, 0.3, [[0, 0.3], [1, 0.3], [1e6, 0.3]]);
    expectTable({ name: 'constant', lr: 0.02 }, 0.3, [[0, 0.02], [7, 0.02]]);
    expectTable({ name: 'constant', lr: 0 }, 0.3, [[0, 0], [7, 0]]);
  });
});

describe('step (PyTorch StepLR)', () => {
  it('matches base_lr * gamma ** (last_epoch // step_size), per epoch by default', () => {
    // lr 0.1, every (step_size) 3, factor (gamma) 0.5: 0.1 · 0.5^floor(e/3)
    expectTable({ name: 'step', every: 3, factor: 0.5 }, 0.1, [
      [0, 0.1], [1, 0.1], [2, 0.1], [3, 0.05], [5, 0.05], [6, 0.025], [9, 0.0125], [10, 0.0125],
    ]);
    const s = buildSchedule({ name: 'step', every: 3, factor: 0.5 }, 0.1);
    expect(s.unit).toBe('epoch');
    expect(s.lr(0, 3)).toBe(0.05);
    expect(s.lr(1000, 0)).toBe(0.1); // the step counter is ignored
  });

  it('defaults factor to 0.1 (PyTorch gamma) and can run per step', () => {
    // 1 · 0.1^floor(t/2)
    expectTable({ name: 'step', every: 2, unit: 'step' }, 1, [[0, 1], [1, 1], [2, 0.1], [4, 0.010000000000000002]]);
    expect(buildSchedule({ name: 'step', every: 2, unit: 'step' }, 1).lr(2, 0)).toBeCloseTo(0.1, 12);
  });
});

describe('multistep (PyTorch MultiStepLR)', () => {
  it('matches base_lr * gamma ** bisect_right(milestones, last_epoch)', () => {
    // lr 0.1, milestones [2, 5, 6], factor 0.1 (default): 0.1 · 0.1^#{m <= e}
    expectTable({ name: 'multistep', milestones: [2, 5, 6] }, 0.1, [
      [0, 0.1], [1, 0.1], [2, 0.010000000000000002], [4, 0.010000000000000002],
      [5, 0.0010000000000000002], [6, 0.00010000000000000003], [7, 0.00010000000000000003], [100, 0.00010000000000000003],
    ]);
  });

  it('takes its own lr and factor', () => {
    // 0.5 · 0.2^#{m <= e}, milestones [1, 3]
    expectTable({ name: 'multistep', lr: 0.5, milestones: [1, 3], factor: 0.2 }, 0.1, [
      [0, 0.5], [1, 0.1], [2, 0.1], [3, 0.020000000000000004], [9, 0.020000000000000004],
    ]);
  });
});

describe('exponential (Keras ExponentialDecay)', () => {
  it('matches initial_learning_rate * decay_rate ^ (step / decay_steps)', () => {
    // 0.1 · 0.5^(t/4)
    expectTable({ name: 'exponential', rate: 0.5, decaySteps: 4 }, 0.1, [
      [0, 0.1], [1, 0.08408964152537146], [2, 0.07071067811865477], [4, 0.05],
      [6, 0.03535533905932738], [8, 0.025], [10, 0.01767766952966369],
    ]);
  });

  it('with staircase, floors step / decay_steps', () => {
    // 0.1 · 0.5^floor(t/4)
    expectTable({ name: 'exponential', rate: 0.5, decaySteps: 4, staircase: true }, 0.1, [
      [0, 0.1], [1, 0.1], [3, 0.1], [4, 0.05], [7, 0.05], [8, 0.025], [10, 0.025],
    ]);
  });

  it('with decaySteps 1 per epoch is PyTorch ExponentialLR (base_lr * gamma ** last_epoch)', () => {
    // 0.05 · 0.9^e
    expectTable({ name: 'exponential', rate: 0.9, unit: 'epoch' }, 0.05, [[0, 0.05], [1, 0.045], [2, 0.0405], [3, 0.03645]]);
  });
});

describe('inverse_time (Keras InverseTimeDecay)', () => {
  it('with decaySteps 1 (default) is the Keras `decay` argument lr / (1 + decay · step)', () => {
    // 0.1 / (1 + 0.5 t)
    expectTable({ name: 'inverse_time', rate: 0.5 }, 0.1, [
      [0, 0.1], [1, 0.06666666666666667], [2, 0.05], [3, 0.04], [10, 0.016666666666666666],
    ]);
  });

  it('matches initial_learning_rate / (1 + decay_rate * step / decay_step), and floor with staircase', () => {
    // 0.1 / (1 + 2 · t/10)
    expectTable({ name: 'inverse_time', rate: 2, decaySteps: 10 }, 0.1, [
      [0, 0.1], [5, 0.05], [10, 0.03333333333333333], [15, 0.025],
    ]);
    // 0.1 / (1 + 2 · floor(t/10))
    expectTable({ name: 'inverse_time', rate: 2, decaySteps: 10, staircase: true }, 0.1, [
      [0, 0.1], [5, 0.1], [9, 0.1], [10, 0.03333333333333333], [15, 0.03333333333333333], [20, 0.02], [25, 0.02],
    ]);
  });
});

describe('linear (Goodfellow et al. §8.3.1)', () => {
  it('is (1 − t/τ)·lr + (t/τ)·lrEnd until τ, then lrEnd', () => {
    // lr 0.1, τ 4, lrEnd 0.001
    expectTable({ name: 'linear', tau: 4, lrEnd: 0.001 }, 0.1, [
      [0, 0.1], [1, 0.07525000000000001], [2, 0.0505], [3, 0.025750000000000002], [4, 0.001], [10, 0.001],
    ]);
  });

  it('defaults lrEnd to 0 and expresses PyTorch LinearLR (base·(start + (end − start)·min(t, T)/T))', () => {
    // LinearLR(start_factor 0.05, end_factor 1, total_iters 40) on lr 0.05, closed form
    // 0.05·(0.05 + 0.95·min(e, 40)/40) = 0.0025 + 0.0011875·e, then 0.05 from epoch 40 on
    // (the LinearLR docstring lists the same values shifted by one epoch)
    const spec: ScheduleSpec = { name: 'linear', lr: 0.05 * 0.05, lrEnd: 0.05, tau: 40 };
    expectTable(spec, 0.05, [[0, 0.0025], [1, 0.0036875], [2, 0.004875], [3, 0.0060625], [4, 0.00725], [40, 0.05], [99, 0.05]]);
    expectTable({ name: 'linear', tau: 2 }, 1, [[0, 1], [1, 0.5], [2, 0], [3, 0]]);
  });
});

describe('polynomial (Keras PolynomialDecay)', () => {
  it('clamps the step at decay_steps without cycle', () => {
    // (0.1 − 0.01)·(1 − min(t, 10)/10)^2 + 0.01
    expectTable({ name: 'polynomial', decaySteps: 10, lrEnd: 0.01, power: 2 }, 0.1, [
      [0, 0.1], [2, 0.06760000000000002], [5, 0.0325], [10, 0.01], [15, 0.01],
    ]);
    // Keras defaults end_learning_rate 0.0001, power 1: (0.1 − 0.0001)(1 − t/10) + 0.0001
    expectTable({ name: 'polynomial', decaySteps: 10 }, 0.1, [[0, 0.1], [5, 0.050050000000000004], [10, 0.0001], [20, 0.0001]]);
  });

  it('with cycle, decays over decay_steps·ceil(t/decay_steps), multiplier 1 at step 0', () => {
    // D = 10·(t = 0 ? 1 : ceil(t/10));  (0.1 − 0.01)·(1 − t/D)^2 + 0.01
    // t=0: D=10 → 0.1;  t=5: D=10 → 0.0325;  t=10: D=10 → 0.01;  t=15: D=20, (0.25)^2 → 0.015625
    expectTable({ name: 'polynomial', decaySteps: 10, lrEnd: 0.01, power: 2, cycle: true }, 0.1, [
      [0, 0.1], [1, 0.0829], [5, 0.0325], [10, 0.01], [11, 0.028225], [15, 0.015625],
      [20, 0.01], [21, 0.018100000000000005], [30, 0.01],
    ]);
    // power 0.5: t=5 → 0.09·√0.5 + 0.01, t=15 → 0.09·√0.25 + 0.01
    expectTable({ name: 'polynomial', decaySteps: 10, lrEnd: 0.01, power: 0.5, cycle: true }, 0.1, [
      [0, 0.1], [5, 0.07363961030678928], [10, 0.01], [15, 0.05500000000000001],
    ]);
  });
});

describe('cosine (Keras CosineDecay / PyTorch CosineAnnealingLR)', () => {
  it('is minLr + (lr − minLr)(1 + cos(π·min(t, T)/T))/2, clamped at T as Keras', () => {
    // lr 0.1, T 10, minLr 0.01 (Keras alpha 0.1). PyTorch's closed form agrees up to T
    // and then rises again: 0.055 at t=15, 0.1 at t=20. Here (as Keras) it stays at minLr.
    expectTable({ name: 'cosine', decaySteps: 10, minLr: 0.01 }, 0.1, [
      [0, 0.1], [2, 0.09140576474687263], [5, 0.05500000000000001], [8, 0.01859423525312737],
      [10, 0.01], [15, 0.01], [20, 0.01],
    ]);
    // minLr defaults to 0: 0.1·(1 + cos(π t/4))/2
    expectTable({ name: 'cosine', decaySteps: 4 }, 0.1, [[0, 0.1], [1, 0.08535533905932738], [2, 0.05], [4, 0], [9, 0]]);
  });
});

describe('cosine_restarts (PyTorch CosineAnnealingWarmRestarts, Keras CosineDecayRestarts)', () => {
  it('matches PyTorch with T_0 = 3, T_mult = 2, eta_min = 0', () => {
    // cycles [0,3) [3,9) [9,21) [21,45); lr = 0.1·(1 + cos(π·T_cur/T_i))/2
    expectTable({ name: 'cosine_restarts', T0: 3, tMult: 2 }, 0.1, [
      [0, 0.1], [1, 0.07500000000000001], [2, 0.025000000000000012],
      [3, 0.1], [4, 0.09330127018922195], [5, 0.07500000000000001], [6, 0.05], [7, 0.025000000000000012], [8, 0.006698729810778065],
      [9, 0.1], [10, 0.09829629131445342], [11, 0.09330127018922195], [12, 0.08535533905932738], [13, 0.07500000000000001],
      [14, 0.06294095225512604], [15, 0.05], [16, 0.03705904774487397], [17, 0.025000000000000012],
      [18, 0.014644660940672627], [19, 0.006698729810778065], [20, 0.00170370868554659],
      [21, 0.1], [45, 0.1],
    ]);
  });

  it('matches PyTorch with T_mult = 1 (default) and eta_min', () => {
    // T_cur = t mod 3; 0.01 + 0.09·(1 + cos(π·T_cur/3))/2
    expectTable({ name: 'cosine_restarts', T0: 3, minLr: 0.01 }, 0.1, [
      [0, 0.1], [1, 0.0775], [2, 0.032500000000000015], [3, 0.1], [4, 0.0775], [6, 0.1], [7, 0.0775],
    ]);
  });

  it('matches Keras with m_mul (peaks decay per restart) and alpha = minLr/lr', () => {
    // first_decay_steps 3, t_mul 2, m_mul 0.5, alpha 0.1:
    // 0.1·((1 − 0.1)·0.5·0.5^i·(1 + cos(π·frac)) + 0.1)
    expectTable({ name: 'cosine_restarts', T0: 3, tMult: 2, mMul: 0.5, minLr: 0.01 }, 0.1, [
      [0, 0.1], [1, 0.07750000000000001], [2, 0.032500000000000015], [3, 0.05500000000000001],
      [4, 0.051985571585149874], [8, 0.013014428414850135], [9, 0.0325], [12, 0.029204951288348657],
      [21, 0.021250000000000005], [22, 0.021201877345227688],
    ]);
  });

  it('matches Keras with a fractional t_mul and first_decay_steps', () => {
    // first_decay_steps 2.5, t_mul 1.5, m_mul 0.8, alpha 0.2: cycles start at 0, 2.5, 6.25, 11.875, 20.3125
    expectTable({ name: 'cosine_restarts', T0: 2.5, tMult: 1.5, mMul: 0.8, minLr: 0.02 }, 0.1, [
      [0, 0.1], [1, 0.0723606797749979], [2, 0.02763932022500211], [3, 0.08123345464456325],
      [4, 0.06188854381999831], [6, 0.020699276776518224], [7, 0.0689867637156506], [8, 0.059915338328851125],
      [10, 0.03280000000000001], [13, 0.05918941097252048], [20, 0.02013847843344501],
    ]);
  });

  it('restarts exactly at the cycle boundaries, even far out', () => {
    const s = buildSchedule({ name: 'cosine_restarts', T0: 1, tMult: 2 }, 1);
    // cycle i starts at 2^i − 1
    for (let i = 0; i <= 40; i++) expect(s.lr(2 ** i - 1, 0)).toBe(1);
    const s3 = buildSchedule({ name: 'cosine_restarts', T0: 3, tMult: 3 }, 1);
    // starts at 3·(3^i − 1)/2: 0, 3, 12, 39, 120, …
    for (let i = 0; i <= 25; i++) expect(s3.lr((3 * (3 ** i - 1)) / 2, 0)).toBe(1);
    // T0 1, tMult 10: cycles start at 0, 1, 11, 111, 1111. log(1000)/log(10) = 2.9999999999999996, so a
    // logarithm alone (as PyTorch's step(epoch) path) puts 111 at the end of cycle 2 instead of the
    // start of cycle 3; PyTorch's ordinary step() restarts there, and so does this schedule.
    const s10 = buildSchedule({ name: 'cosine_restarts', T0: 1, tMult: 10, minLr: 0.5 }, 1);
    expect(s10.lr(111, 0)).toBe(1);
    expect(s10.lr(110, 0)).toBeCloseTo(0.5 + 0.25 * (1 + Math.cos((Math.PI * 99) / 100)), 15);
    expect(s10.lr(111111, 0)).toBe(1);
  });
});
