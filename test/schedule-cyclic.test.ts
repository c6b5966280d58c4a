/**
 * cyclical (PyTorch CyclicLR) and one_cycle (PyTorch OneCycleLR) against
 * tables of literal values: what PyTorch's get_lr computes, written out in the
 * comments, in float64.
 */
import { describe, expect, it } from 'vitest';
import { buildSchedule, type ScheduleSpec } from '../bindings/schedules/index.js';

function expectTable(spec: ScheduleSpec, baseLr: number, rows: [t: number, lr: number][]): void {
  const s = buildSchedule(spec, baseLr);
  expect(s.unit).toBe('step');
  for (const [t, lr] of rows) {
    const got = s.lr(t, 0);
    if (!(Math.abs(got - lr) <= 1e-12 * Math.abs(lr) + 1e-16)) { // NaN fails too
      expect.fail(`${JSON.stringify(spec)} at t=${t}: expected ${lr}, got ${got}`);
    }
  }
}

// CyclicLR.get_lr, with total = up + down and ratio = up/total:
//   cycle = floor(1 + t/total);  x = 1 + t/total − cycle
//   s = x/ratio if x <= ratio else (x − 1)/(ratio − 1)
//   lr = base + (max − base)·s·scale,  scale = 1 | 1/2^(cycle−1) | gamma^t
// Here base_lr 0.001, max_lr 0.006, step_size_up 2 (total 4, ratio 0.5).
describe('cyclical (PyTorch CyclicLR, Smith 2017)', () => {
  it('triangular', () => {
    expectTable({ name: 'cyclical', baseLr: 0.001, maxLr: 0.006, stepSize: 2 }, 0.1, [
      [0, 0.001], [1, 0.0035], [2, 0.006], [3, 0.0035], [4, 0.001], [5, 0.0035], [6, 0.006], [7, 0.0035], [8, 0.001],
    ]);
  });

  it('triangular2 halves the amplitude every cycle', () => {
    // cycle 1: amplitude 0.005, cycle 2: 0.0025, cycle 3: 0.00125
    expectTable({ name: 'cyclical', baseLr: 0.001, maxLr: 0.006, stepSize: 2, mode: 'triangular2' }, 0.1, [
      [0, 0.001], [1, 0.0035], [2, 0.006], [3, 0.0035], [4, 0.001],
      [5, 0.0022500000000000003], [6, 0.0035], [7, 0.0022500000000000003], [8, 0.001],
      [9, 0.0016250000000000001], [10, 0.0022500000000000003], [11, 0.0016250000000000001], [12, 0.001],
    ]);
  });

  it('exp_range scales the amplitude by gamma^t (t = iterations)', () => {
    // gamma 0.9: t=1 → 0.001 + 0.005·0.5·0.9;  t=2 → 0.001 + 0.005·0.81;  t=6 → 0.001 + 0.005·0.9^6
    expectTable({ name: 'cyclical', baseLr: 0.001, maxLr: 0.006, stepSize: 2, mode: 'exp_range', gamma: 0.9 }, 0.1, [
      [0, 0.001], [1, 0.0032500000000000003], [2, 0.005050000000000001], [3, 0.0028225000000000004], [4, 0.001],
      [5, 0.0024762250000000003], [6, 0.003657205], [7, 0.0021957422500000004], [8, 0.001],
    ]);
  });

  it('takes an asymmetric cycle (step_size_down) and defaults baseLr to the optimizer lr', () => {
    // up 1, down 3 (total 4, ratio 0.25): 0.001, 0.006, then down by 0.005/3 per step
    expectTable({ name: 'cyclical', maxLr: 0.006, stepSize: 1, stepSizeDown: 3 }, 0.001, [
      [0, 0.001], [1, 0.006], [2, 0.004333333333333333], [3, 0.0026666666666666666], [4, 0.001],
      [5, 0.006], [6, 0.004333333333333333], [7, 0.0026666666666666666], [8, 0.001],
    ]);
  });
});

// OneCycleLR: initial = max/div, min = initial/final_div; phase ends (two phases)
//   p·T − 1 (initial → max), T − 1 (max → min); cos anneal b + (a − b)/2·(cos(π·pct) + 1),
//   pct = (t − start)/(end − start), start = previous end (0.0 first).
describe('one_cycle (PyTorch OneCycleLR)', () => {
  it('defaults, max_lr 0.1, total_steps 10', () => {
    // initial 0.004, min 4e-7; ends 0.3·10 − 1 = 2 and 9.
    // t=1: pct 0.5 → 0.1 + (0.004 − 0.1)/2·(cos(π/2) + 1) ≈ 0.052;  t=3…9: pct (t − 2)/7 from 0.1 to 4e-7.
    // PyTorch's t=0 is 0.004 up to its rounding: 0.1 + (−0.096)/2·2 = 0.0040000000000000036.
    expectTable({ name: 'one_cycle', maxLr: 0.1, totalSteps: 10 }, 0.5, [
      [0, 0.0040000000000000036], [1, 0.052000000000000005], [2, 0.1], [3, 0.09504846320134738],
      [4, 0.0811745653949763], [5, 0.06112620219362893], [6, 0.03887419780637107], [7, 0.0188258346050237],
      [8, 0.004951936798652629], [9, 4e-7],
    ]);
  });

  it('holds the final lr after totalSteps (PyTorch raises instead)', () => {
    expectTable({ name: 'one_cycle', maxLr: 0.1, totalSteps: 10 }, 0.5, [[10, 4e-7], [11, 4e-7], [1000, 4e-7]]);
  });

  it('linear anneal', () => {
    // (b − a)·pct + a; t=3…9: 0.1 + (4e-7 − 0.1)·(t − 2)/7
    expectTable({ name: 'one_cycle', maxLr: 0.1, totalSteps: 10, anneal: 'linear' }, 0.5, [
      [0, 0.004], [1, 0.052000000000000005], [2, 0.1], [3, 0.08571434285714286], [4, 0.07142868571428572],
      [5, 0.05714302857142858], [6, 0.042857371428571434], [7, 0.028571714285714284], [8, 0.014286057142857148],
      [9, 3.999999999976245e-7],
    ]);
  });

  it('three phases end at p·T − 1, 2·p·T − 2 and T − 1', () => {
    // ends 2, 4, 9: up to 0.1, back to 0.004, then cos down to 4e-7 over 5 steps
    expectTable({ name: 'one_cycle', maxLr: 0.1, totalSteps: 10, threePhase: true }, 0.5, [
      [0, 0.0040000000000000036], [1, 0.052000000000000005], [2, 0.1], [3, 0.052000000000000005], [4, 0.004],
      [5, 0.0036180721853510196], [6, 0.0026181721853510195], [7, 0.0013822278146489802],
      [8, 0.0003823278146489803], [9, 4e-7],
    ]);
    // pct_start 0.35, T 7, div 10, final_div 100, linear: ends 0.35·7 − 1 = 1.4499999999999997,
    // 2·0.35·7 − 2 = 2.8999999999999995, 6 (PyTorch's float arithmetic, kept).
    expectTable({
      name: 'one_cycle', maxLr: 0.1, totalSteps: 7, pctStart: 0.35, divFactor: 10, finalDivFactor: 100,
      anneal: 'linear', threePhase: true,
    }, 0.5, [
      [0, 0.01], [1, 0.0720689655172414], [2, 0.06586206896551722], [3, 0.009680645161290321],
      [4, 0.006487096774193547], [5, 0.0032935483870967733], [6, 9.99999999999994e-5],
    ]);
  });

  it('keeps PyTorch\'s − 1 in the first phase end, even when it falls between steps', () => {
    // pct_start 0.25: first phase ends at 1.5, so t=1 is at pct 1/1.5 and t=2 already descends.
    expectTable({ name: 'one_cycle', maxLr: 0.1, totalSteps: 10, pctStart: 0.25 }, 0.5, [
      [0, 0.0040000000000000036], [1, 0.076], [2, 0.09890738440717015], [3, 0.0904508879153485],
      [4, 0.0750001], [5, 0.05522660225769002], [6, 0.03454941208465151], [7, 0.01654380350817838],
      [8, 0.0043231098269614805], [9, 4e-7],
    ]);
    // T 3, pct 0.3: the first phase ends at −0.1, before step 0, so step 0 already anneals from max.
    expectTable({ name: 'one_cycle', maxLr: 1, totalSteps: 3 }, 0.5, [
      [0, 0.9944154354509117], [1, 0.46263710266697505], [2, 4e-6],
    ]);
  });
});
