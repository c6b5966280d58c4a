/**
 * Learning-rate schedules as plain JSON specs. A spec is validated by
 * `validateSchedule` (which fills every default) and turned into a pure
 * function of time by `buildSchedule`.
 *
 * Time: every spec has a `unit`, the counter that is its time t: 'step' (the
 * number of optimizer steps taken before this one, 0-based) or 'epoch' (the
 * 0-based epoch). Defaults: 'epoch' for `step` and `multistep` (as PyTorch's
 * StepLR/MultiStepLR are stepped once per epoch), 'step' for the others (as
 * Keras schedules are called with the optimizer's iteration count). A
 * composite (warmup, sequential, multiply) and everything inside it share one
 * unit, so that shifting time by a milestone or a warmup is well defined.
 *
 * `lr` in a spec is optional and defaults to the optimizer's learning rate
 * (the `baseLr` given to buildSchedule).
 */

export const SCHEDULE_NAMES = [
  'constant', 'step', 'multistep', 'exponential', 'inverse_time', 'linear', 'polynomial',
  'cosine', 'cosine_restarts', 'warmup', 'cyclical', 'one_cycle', 'sequential', 'multiply',
] as const;
export type ScheduleName = (typeof SCHEDULE_NAMES)[number];

export const SCHEDULE_UNITS = ['step', 'epoch'] as const;
export type ScheduleUnit = (typeof SCHEDULE_UNITS)[number];

export const CYCLICAL_MODES = ['triangular', 'triangular2', 'exp_range'] as const;
export type CyclicalMode = (typeof CYCLICAL_MODES)[number];

export const ANNEAL_STRATEGIES = ['cos', 'linear'] as const;
export type AnnealStrategy = (typeof ANNEAL_STRATEGIES)[number];

interface Timed {
  /** Which counter is this schedule's time t (see the module comment for the defaults). */
  unit?: ScheduleUnit;
}

interface WithLr extends Timed {
  /** Initial learning rate (>= 0); defaults to the optimizer's lr. */
  lr?: number;
}

/** lr, always. */
export interface ConstantScheduleSpec extends WithLr {
  name: 'constant';
}

/** lr·factor^floor(t/every) — PyTorch StepLR. */
export interface StepScheduleSpec extends WithLr {
  name: 'step';
  /** Integer >= 1: decay every this many units (PyTorch step_size). */
  every: number;
  /** Decay factor in [0, 1] (PyTorch gamma); default 0.1. */
  factor?: number;
}

/** lr·factor^(number of milestones <= t) — PyTorch MultiStepLR. */
export interface MultiStepScheduleSpec extends WithLr {
  name: 'multistep';
  /** Strictly increasing integers >= 1. */
  milestones: number[];
  /** Decay factor in [0, 1] (PyTorch gamma); default 0.1. */
  factor?: number;
}

/** lr·rate^(t/decaySteps), or floor(t/decaySteps) with staircase — Keras ExponentialDecay. */
export interface ExponentialScheduleSpec extends WithLr {
  name: 'exponential';
  /** Decay rate in [0, 1] (Keras decay_rate). */
  rate: number;
  /** > 0; default 1 (with unit 'epoch' this is PyTorch ExponentialLR). */
  decaySteps?: number;
  /** Default false. */
  staircase?: boolean;
}

/** lr/(1 + rate·t/decaySteps), or floor(t/decaySteps) with staircase — Keras InverseTimeDecay. */
export interface InverseTimeScheduleSpec extends WithLr {
  name: 'inverse_time';
  /** >= 0 (Keras decay_rate). */
  rate: number;
  /** > 0; default 1, which gives the classic Keras `decay` argument lr/(1 + decay·step). */
  decaySteps?: number;
  /** Default false. */
  staircase?: boolean;
}

/** (1 − t/tau)·lr + (t/tau)·lrEnd for t < tau, then lrEnd — Goodfellow et al. §8.3.1. */
export interface LinearScheduleSpec extends WithLr {
  name: 'linear';
  /** > 0: the unit at which lrEnd is reached. */
  tau: number;
  /** >= 0; default 0. */
  lrEnd?: number;
}

/** Keras PolynomialDecay, including `cycle`. */
export interface PolynomialScheduleSpec extends WithLr {
  name: 'polynomial';
  /** > 0. */
  decaySteps: number;
  /** >= 0; default 0.0001 (Keras end_learning_rate). */
  lrEnd?: number;
  /** > 0; default 1. */
  power?: number;
  /** Default false. */
  cycle?: boolean;
}

/** minLr + (lr − minLr)(1 + cos(π·min(t, T)/T))/2, T = decaySteps — Keras CosineDecay / PyTorch CosineAnnealingLR. */
export interface CosineScheduleSpec extends WithLr {
  name: 'cosine';
  /** > 0: T (PyTorch T_max, Keras decay_steps). */
  decaySteps: number;
  /** >= 0; default 0 (PyTorch eta_min; Keras alpha·lr). */
  minLr?: number;
}

/** SGDR — PyTorch CosineAnnealingWarmRestarts, plus Keras CosineDecayRestarts' mMul. */
export interface CosineRestartsScheduleSpec extends WithLr {
  name: 'cosine_restarts';
  /** > 0: length of the first cycle (PyTorch T_0, Keras first_decay_steps). */
  T0: number;
  /** >= 1: each cycle is tMult times longer than the previous one; default 1 (PyTorch; Keras's default is 2). */
  tMult?: number;
  /** In [0, 1]: the peak of cycle i is scaled by mMul^i (Keras m_mul); default 1. */
  mMul?: number;
  /** >= 0; default 0 (PyTorch eta_min; Keras alpha·lr). */
  minLr?: number;
}

/** Linear from `start` to the inner schedule's first value over `steps`, then the inner schedule at t − steps. */
export interface WarmupScheduleSpec extends Timed {
  name: 'warmup';
  /** Integer >= 1: length of the warmup, in units. */
  steps: number;
  /** >= 0; default 0. */
  start?: number;
  /** Default { name: 'constant' }. */
  schedule?: ScheduleSpec;
}

/** Smith 2017 — PyTorch CyclicLR. */
export interface CyclicalScheduleSpec extends Timed {
  name: 'cyclical';
  /** Lower bound (>= 0); defaults to the optimizer's lr. */
  baseLr?: number;
  /** Upper bound, >= baseLr. */
  maxLr: number;
  /** > 0: length of the rising half cycle (PyTorch step_size_up). */
  stepSize: number;
  /** > 0: length of the falling half cycle; default stepSize (PyTorch step_size_down). */
  stepSizeDown?: number;
  /** Default 'triangular'. */
  mode?: CyclicalMode;
  /** In [0, 1], mode exp_range only (default 1): the amplitude is scaled by gamma^t. */
  gamma?: number;
}

/** PyTorch OneCycleLR, held at its final value after totalSteps. */
export interface OneCycleScheduleSpec extends Timed {
  name: 'one_cycle';
  /** Peak lr (>= 0). */
  maxLr: number;
  /** Integer >= 2. */
  totalSteps: number;
  /** In (0, 1); default 0.3. */
  pctStart?: number;
  /** > 0; initial lr = maxLr/divFactor; default 25. */
  divFactor?: number;
  /** > 0; final lr = initial lr/finalDivFactor; default 1e4. */
  finalDivFactor?: number;
  /** Default 'cos'. */
  anneal?: AnnealStrategy;
  /** Default false. */
  threePhase?: boolean;
}

/** PyTorch SequentialLR: schedule i+1 from milestone i on, at t − milestones[i]. */
export interface SequentialScheduleSpec extends Timed {
  name: 'sequential';
  schedules: ScheduleSpec[];
  /** Strictly increasing integers >= 1, one fewer than schedules. */
  milestones: number[];
}

/** The first schedule times s_i(t)/s_i(0) for each further schedule. */
export interface MultiplyScheduleSpec extends Timed {
  name: 'multiply';
  schedules: ScheduleSpec[];
}

export type ScheduleSpec =
  | ConstantScheduleSpec
  | StepScheduleSpec
  | MultiStepScheduleSpec
  | ExponentialScheduleSpec
  | InverseTimeScheduleSpec
  | LinearScheduleSpec
  | PolynomialScheduleSpec
  | CosineScheduleSpec
  | CosineRestartsScheduleSpec
  | WarmupScheduleSpec
  | CyclicalScheduleSpec
  | OneCycleScheduleSpec
  | SequentialScheduleSpec
  | MultiplyScheduleSpec;

export interface Schedule {
  /**
   * The learning rate of the optimizer step about to be taken: `step` optimizer
   * steps were taken before it (0-based) and it belongs to epoch `epoch`
   * (0-based). Pure: the same arguments always give the same value.
   */
  lr(step: number, epoch: number): number;
  /** The counter the schedule reads (the other argument of `lr` is ignored). */
  readonly unit: ScheduleUnit;
  /** The validated spec, with every default filled in (`lr` stays absent when it defaults to the optimizer's). */
  readonly spec: ScheduleSpec;
}

/** What validateSchedule may check against when the length of training is known. */
export interface ScheduleLimits {
  /** Total number of optimizer steps of the training run. */
  totalSteps?: number;
  /** Total number of epochs of the training run. */
  totalEpochs?: number;
}
