/**
 * The learning-rate policy of a fit: the LR at a step is
 *     schedule(step, epoch) × scale
 * where the schedule is pure and `scale` is the one stateful knob, moved by
 * reduce-on-plateau and by callbacks that set the LR by hand. (Keras cannot
 * combine a schedule with reduce-on-plateau; here they compose.) Early stopping
 * and the divergence guard live here too, since they read the same metrics.
 * All state is plain JSON and goes into checkpoints.
 */
import { LrlabError } from './errors.js';
import {
  checkEarlyStoppingState, earlyStoppingStep, initialEarlyStoppingState, validateEarlyStopping,
  type EarlyStoppingSpec, type EarlyStoppingState, type NormalizedEarlyStopping,
} from './early-stopping.js';
import type { EpochLogs } from './history.js';
import {
  checkPlateauState, initialPlateauState, plateauStep, validatePlateau,
  type LrChange, type Mode, type Monitor, type NormalizedPlateau, type PlateauSpec, type PlateauState,
} from './plateau.js';
import { buildSchedule, validateSchedule, type Schedule, type ScheduleSpec } from './schedules/index.js';
import { checkKeys, checkNumber, checkObject, numberOr } from './validate.js';

export interface DivergenceSpec {
  /** A batch loss counts as exploded above factor × the guard's baseline (see GuardState). Default 10. */
  factor?: number;
  /** How many batches in a row must explode before the run counts as diverged. Default 50. */
  patience?: number;
}

/** Why a fit ended as diverged: a NaN/±Infinity loss, or the guard saw the loss explode and stay up. */
export type DivergenceCause = 'non_finite' | 'guard';

/**
 * The divergence guard's state. A batch EXPLODES when its loss is above both
 * factor × the best (lowest) smoothed batch loss so far and the first batch
 * loss: the smoothed best is robust to one lucky batch, and a loss still below
 * where training started has not diverged, however far it rose from its floor.
 * `patience` exploded batches in a row end the fit, so one spiky batch never does.
 */
export interface GuardState {
  /** Batches seen by the guard. */
  batches: number;
  /** The moving average of the batch loss (β = GUARD_BETA), not yet debiased. */
  average: number;
  /** The lowest debiased moving average so far. */
  best: number;
  /** The first batch loss. */
  first: number;
  /** Exploded batches in a row. */
  exploded: number;
}

export interface LrPolicySpec {
  schedule?: ScheduleSpec;
  plateau?: PlateauSpec;
  earlyStopping?: EarlyStoppingSpec;
  /** false: only a non-finite loss counts as divergence. */
  divergence?: DivergenceSpec | false;
}

export interface PolicyState {
  scale: number;
  plateau?: PlateauState;
  earlyStopping?: EarlyStoppingState;
  guard?: GuardState;
}

export const DEFAULT_DIVERGENCE_FACTOR = 10;
export const DEFAULT_DIVERGENCE_PATIENCE = 50;
/** The guard's moving average spans about 1/(1 − β) = 10 batches. */
const GUARD_BETA = 0.9;

export interface Divergence {
  cause: DivergenceCause;
  reason: string;
}

export function initialPolicyState(): PolicyState {
  return { scale: 1 };
}

export function checkPolicyState(value: unknown, field = 'policy'): PolicyState {
  const o = checkObject(field, value);
  // referenceLoss: the reference of the older guard (the first batch loss); it starts the new guard's baseline.
  checkKeys(field, o, ['scale', 'plateau', 'earlyStopping', 'guard', 'referenceLoss']);
  const state: PolicyState = { scale: checkNumber(`${field}.scale`, o.scale, { min: 0 }) };
  if (o.plateau !== undefined) state.plateau = checkPlateauState(o.plateau, `${field}.plateau`);
  if (o.earlyStopping !== undefined) state.earlyStopping = checkEarlyStoppingState(o.earlyStopping, `${field}.earlyStopping`);
  if (o.guard !== undefined) state.guard = checkGuardState(o.guard, `${field}.guard`);
  else if (o.referenceLoss !== undefined) {
    const first = checkNumber(`${field}.referenceLoss`, o.referenceLoss);
    state.guard = { batches: 0, average: 0, best: first, first, exploded: 0 };
  }
  return state;
}

function checkGuardState(value: unknown, field: string): GuardState {
  const o = checkObject(field, value);
  checkKeys(field, o, ['batches', 'average', 'best', 'first', 'exploded']);
  return {
    batches: checkNumber(`${field}.batches`, o.batches, { min: 0, integer: true }),
    average: checkNumber(`${field}.average`, o.average),
    best: checkNumber(`${field}.best`, o.best),
    first: checkNumber(`${field}.first`, o.first),
    exploded: checkNumber(`${field}.exploded`, o.exploded, { min: 0, integer: true }),
  };
}

interface Watch<T> {
  spec: T;
  monitor: Monitor;
  mode: Mode;
}

export interface PolicyContext {
  baseLr: number;
  totalSteps: number; // steps this fit will take, for schedule validation
  totalEpochs: number;
  hasValidation: boolean;
  classification: boolean;
}

export type EpochDecision =
  | { kind: 'continue'; change?: LrChange & { oldLr: number } }
  | { kind: 'stop'; reason: string; restore?: Float32Array; change?: LrChange & { oldLr: number } };

/** Built once per fit from validated specs; `state` is the model's, updated in place. */
export class LrPolicy {
  readonly schedule: Schedule;
  readonly #plateau?: Watch<NormalizedPlateau>;
  readonly #earlyStopping?: Watch<NormalizedEarlyStopping>;
  readonly #divergence: NormalizedDivergence | null;

  constructor(spec: LrPolicySpec, ctx: PolicyContext, readonly state: PolicyState) {
    // Validate everything before touching the model's state: a refused fit changes nothing.
    const limits = { totalSteps: ctx.totalSteps, totalEpochs: ctx.totalEpochs };
    const schedule = validateSchedule(spec.schedule ?? { name: 'constant' }, 'fit.schedule', limits);
    this.schedule = buildSchedule(schedule, ctx.baseLr, 'fit.schedule', limits);
    if (spec.plateau !== undefined) {
      const p = validatePlateau(spec.plateau, 'fit.plateau');
      this.#plateau = { spec: p, ...watch('fit.plateau', p, ctx) };
    }
    if (spec.earlyStopping !== undefined) {
      const e = validateEarlyStopping(spec.earlyStopping, 'fit.earlyStopping');
      this.#earlyStopping = { spec: e, ...watch('fit.earlyStopping', e, ctx) };
    }
    this.#divergence = validateDivergence(spec.divergence, 'fit.divergence');
    if (this.#plateau) state.plateau ??= initialPlateauState();
    if (this.#earlyStopping) state.earlyStopping ??= initialEarlyStoppingState();
  }

  lr(step: number, epoch: number): number {
    return this.schedule.lr(step, epoch) * this.state.scale;
  }

  /** Sets the LR from `step` on by moving the scale; the schedule keeps shaping it afterwards. */
  setLr(lr: number, step: number, epoch: number): void {
    const scheduled = this.schedule.lr(step, epoch);
    if (!(scheduled > 0)) {
      throw new LrlabError('INVALID_OPTION', 'lr', lr, `cannot be set at step ${step}: the schedule's LR there is ${scheduled}, and the LR is schedule × scale`);
    }
    this.state.scale = lr / scheduled;
  }

  /**
   * A finite batch loss at or below this bound cannot make checkBatchLoss report divergence,
   * whatever the guard's state: it is not above the first batch loss, so it never explodes.
   * (-Infinity before the first batch; Infinity when only a non-finite loss counts.)
   */
  quietLossBound(): number {
    if (this.#divergence === null) return Infinity;
    return this.state.guard?.first ?? -Infinity;
  }

  /** Returns the cause and a sentence when this batch loss means the run diverged (see GuardState). */
  checkBatchLoss(loss: number): Divergence | null {
    this.#one[0] = loss;
    this.checkBatchLosses(this.#one, 1);
    return this.diverged;
  }
  readonly #one = new Float64Array(1);

  /**
   * checkBatchLoss on losses[0], losses[1], … in order, up to `count` or the first that means
   * divergence (then in `diverged`, else null there); returns how many it judged. An epoch's
   * batches in one call, on locals: a call per batch read and wrote the guard's fields for each.
   */
  checkBatchLosses(losses: Float64Array, count: number): number {
    this.diverged = null;
    if (count === 0) return 0;
    if (this.state.guard === undefined) {
      if (!Number.isFinite(losses[0])) {
        this.diverged = nonFinite(losses[0]);
        return 1;
      }
      // The first batch loss ever sets the guard's baseline.
      this.state.guard = { batches: 0, average: 0, best: losses[0], first: losses[0], exploded: 0 };
    }
    const g = this.state.guard, guard = this.#divergence, first = g.first;
    let { batches, average, best, exploded } = g;
    let i = 0;
    for (; i < count; i++) {
      const loss = losses[i];
      if (!Number.isFinite(loss)) {
        this.diverged = nonFinite(loss);
        break;
      }
      batches++;
      average = GUARD_BETA * average + (1 - GUARD_BETA) * loss;
      best = Math.min(best, average / (1 - GUARD_BETA ** batches));
      if (guard === null) continue;
      const limit = Math.max(guard.factor * best, first);
      exploded = loss > limit ? exploded + 1 : 0;
      if (exploded >= guard.patience) {
        this.diverged = guardDivergence(guard, limit, { best, first, exploded }, loss);
        break;
      }
    }
    g.batches = batches; g.average = average; g.best = best; g.exploded = exploded;
    return this.diverged ? i + 1 : count;
  }

  /** What the last checkBatchLosses found: the divergence it stopped at, or null. */
  diverged: Divergence | null = null;

  /** End of an epoch: plateau may change the LR of the next step, early stopping may stop. */
  endEpoch(logs: EpochLogs, nextStep: number, weights: () => Float32Array): EpochDecision {
    let change: (LrChange & { oldLr: number }) | undefined;
    const nextEpoch = logs.epoch + 1;
    if (this.#plateau) {
      const { spec, monitor, mode } = this.#plateau;
      const oldLr = this.lr(nextStep, nextEpoch);
      const decided = plateauStep(spec, mode, this.state.plateau!, metricOf(logs, monitor), oldLr);
      if (decided) {
        this.setLr(decided.lr, nextStep, nextEpoch);
        change = { ...decided, oldLr };
      }
    }
    if (this.#earlyStopping) {
      const { spec, monitor, mode } = this.#earlyStopping;
      const d = earlyStoppingStep(spec, mode, this.state.earlyStopping!, metricOf(logs, monitor), logs.epoch, weights);
      if (d.stop) return { kind: 'stop', reason: d.reason!, restore: d.restore, change };
    }
    return change ? { kind: 'continue', change } : CONTINUE;
  }
}

const CONTINUE: EpochDecision = Object.freeze({ kind: 'continue' });

function nonFinite(loss: number): Divergence {
  return { cause: 'non_finite', reason: `the training loss became ${loss}` };
}

function guardDivergence(guard: NormalizedDivergence, limit: number, g: { best: number; first: number; exploded: number }, loss: number): Divergence {
  return {
    cause: 'guard',
    reason: `the batch loss stayed above ${limit.toPrecision(4)} (${guard.factor} × the best smoothed loss ${g.best.toPrecision(4)}, ` +
      `and above the first batch loss ${g.first.toPrecision(4)}) for ${g.exploded} batches in a row, last ${loss.toPrecision(4)}`,
  };
}

function watch(field: string, spec: { monitor?: Monitor; mode?: Mode }, ctx: PolicyContext): { monitor: Monitor; mode: Mode } {
  // Own properties only: a monitor or mode left out is the default, whatever a polluted Object.prototype says.
  const monitor = (Object.hasOwn(spec, 'monitor') ? spec.monitor : undefined) ?? (ctx.hasValidation ? 'valLoss' : 'loss');
  if (monitor.startsWith('val') && !ctx.hasValidation) {
    throw new LrlabError('INVALID_OPTION', `${field}.monitor`, monitor, 'needs validation data (validationData or validationSplit)');
  }
  if (monitor.endsWith('ccuracy') && !ctx.classification) {
    throw new LrlabError('INVALID_OPTION', `${field}.monitor`, monitor, 'needs a classification loss (categorical or binary cross-entropy)');
  }
  return { monitor, mode: (Object.hasOwn(spec, 'mode') ? spec.mode : undefined) ?? (monitor.endsWith('ccuracy') ? 'max' : 'min') };
}

function metricOf(logs: EpochLogs, monitor: Monitor): number {
  return logs[monitor] ?? NaN;
}

export interface NormalizedDivergence {
  factor: number;
  patience: number;
}

/** The divergence guard's settings (null: only a non-finite loss counts), or the error naming `field`. */
export function validateDivergence(spec: unknown, field: string): NormalizedDivergence | null {
  if (spec === false) return null;
  if (spec === undefined) return { factor: DEFAULT_DIVERGENCE_FACTOR, patience: DEFAULT_DIVERGENCE_PATIENCE };
  const o = checkObject(field, spec);
  checkKeys(field, o, ['factor', 'patience']);
  return {
    factor: numberOr(`${field}.factor`, o.factor, DEFAULT_DIVERGENCE_FACTOR, { above: 1 }),
    patience: numberOr(`${field}.patience`, o.patience, DEFAULT_DIVERGENCE_PATIENCE, { min: 1, max: 1e9, integer: true }),
  };
}
