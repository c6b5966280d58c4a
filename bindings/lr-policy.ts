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
import { checkKeys, checkNumber, checkObject } from './validate.js';

export interface DivergenceSpec {
  /** A batch loss above factor × the first batch loss of the training counts as diverged. Default 10. */
  factor?: number;
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
  /** The first batch loss of the model's training: the divergence guard's reference. */
  referenceLoss?: number;
}

export const DEFAULT_DIVERGENCE_FACTOR = 10;

export function initialPolicyState(): PolicyState {
  return { scale: 1 };
}

export function checkPolicyState(value: unknown, field = 'policy'): PolicyState {
  const o = checkObject(field, value);
  checkKeys(field, o, ['scale', 'plateau', 'earlyStopping', 'referenceLoss']);
  const state: PolicyState = { scale: checkNumber(`${field}.scale`, o.scale, { min: 0 }) };
  if (o.plateau !== undefined) state.plateau = checkPlateauState(o.plateau, `${field}.plateau`);
  if (o.earlyStopping !== undefined) state.earlyStopping = checkEarlyStoppingState(o.earlyStopping, `${field}.earlyStopping`);
  if (o.referenceLoss !== undefined) state.referenceLoss = checkNumber(`${field}.referenceLoss`, o.referenceLoss);
  return state;
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
  readonly #divergenceFactor: number | null;

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
    this.#divergenceFactor = validateDivergence(spec.divergence, 'fit.divergence');
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
   * A finite batch loss at or below this cannot make checkBatchLoss report
   * divergence in the current state, so the core may train on without asking
   * (-Infinity before the first batch, which sets the reference).
   */
  quietLossBound(): number {
    if (this.state.referenceLoss === undefined) return -Infinity;
    return this.#divergenceFactor === null ? Infinity : this.#divergenceFactor * this.state.referenceLoss;
  }

  /** Returns a reason when this batch loss means the run diverged. */
  checkBatchLoss(loss: number): string | null {
    if (!Number.isFinite(loss)) return `the training loss became ${loss}`;
    if (this.state.referenceLoss === undefined) {
      this.state.referenceLoss = loss;
      return null;
    }
    const factor = this.#divergenceFactor;
    if (factor !== null && loss > factor * this.state.referenceLoss) {
      return `the batch loss ${loss.toPrecision(4)} exceeded ${factor} × the starting loss ${this.state.referenceLoss.toPrecision(4)}`;
    }
    return null;
  }

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
    return { kind: 'continue', change };
  }
}

function watch(field: string, spec: { monitor?: Monitor; mode?: Mode }, ctx: PolicyContext): { monitor: Monitor; mode: Mode } {
  const monitor = spec.monitor ?? (ctx.hasValidation ? 'valLoss' : 'loss');
  if (monitor.startsWith('val') && !ctx.hasValidation) {
    throw new LrlabError('INVALID_OPTION', `${field}.monitor`, monitor, 'needs validation data (validationData or validationSplit)');
  }
  if (monitor.endsWith('ccuracy') && !ctx.classification) {
    throw new LrlabError('INVALID_OPTION', `${field}.monitor`, monitor, 'needs a classification loss (categorical or binary cross-entropy)');
  }
  return { monitor, mode: spec.mode ?? (monitor.endsWith('ccuracy') ? 'max' : 'min') };
}

function metricOf(logs: EpochLogs, monitor: Monitor): number {
  return logs[monitor] ?? NaN;
}

/** The divergence guard's factor (null: only a non-finite loss counts), or the error naming `field`. */
export function validateDivergence(spec: unknown, field: string): number | null {
  if (spec === false) return null;
  if (spec === undefined) return DEFAULT_DIVERGENCE_FACTOR;
  const o = checkObject(field, spec);
  checkKeys(field, o, ['factor']);
  return o.factor === undefined ? DEFAULT_DIVERGENCE_FACTOR : checkNumber(`${field}.factor`, o.factor, { above: 1 });
}
