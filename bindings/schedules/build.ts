/**
 * buildSchedule turns a spec into a Schedule, a pure function of
 * (step, epoch); scheduleValues evaluates it at every step of a run, e.g. to
 * plot the learning rate before training.
 */
import { LrlabError } from '../errors.js';
import { checkNumber, checkObject, checkKeys } from '../validate.js';
import {
  constantLr, cosineLr, cosineRestartsLr, cyclicalLr, exponentialLr, inverseTimeLr, linearLr, multiplyLr,
  multiStepLr, oneCycleLr, polynomialLr, sequentialLr, stepLr, warmupLr, type LrFunction,
} from './formulas.js';
import type { Schedule, ScheduleLimits, ScheduleSpec } from './types.js';
import { checkMaxLr, validateSchedule } from './validate.js';

/**
 * Validates `spec` (see validateSchedule) and builds it. `baseLr` is the
 * optimizer's learning rate: the default of every `lr` (and of cyclical's
 * `baseLr`). Refused here rather than in validateSchedule, because they depend
 * on baseLr: a cyclical maxLr below the optimizer's lr when baseLr is not
 * given, and a further schedule of a multiply that starts at lr 0.
 */
export function buildSchedule(spec: ScheduleSpec, baseLr: number, field = 'schedule', limits: ScheduleLimits = {}): Schedule {
  const lr0 = checkNumber('baseLr', baseLr, { min: 0 });
  const valid = validateSchedule(spec, field, limits);
  const fn = buildFunction(valid, lr0, field);
  const unit = valid.unit!;
  const byStep = unit === 'step';
  return Object.freeze({
    unit,
    spec: valid,
    lr(step: number, epoch: number): number {
      if (!(step >= 0 && step < Infinity)) checkNumber('step', step, { min: 0 });
      if (!(epoch >= 0 && epoch < Infinity)) checkNumber('epoch', epoch, { min: 0 });
      const lr = fn(byStep ? step : epoch);
      // The bounds of validateSchedule keep this finite; should a combination still escape them, stop here, not train on NaN.
      if (!(lr >= 0 && lr < Infinity)) {
        throw new LrlabError('INVALID_OPTION', field, valid.name,
          `gave the learning rate ${lr} at step ${step} (epoch ${epoch}); a learning rate must be a finite number >= 0, so check this schedule's parameters`);
      }
      return lr;
    },
  });
}

function buildFunction(spec: ScheduleSpec, baseLr: number, field: string): LrFunction {
  // Own properties only: an optional key left out (lr, baseLr, gamma) must not be read from a polluted Object.prototype.
  const s = Object.assign(Object.create(null), spec) as ScheduleSpec;
  switch (s.name) {
    case 'constant': return constantLr(s.lr ?? baseLr);
    case 'step': return stepLr(s.lr ?? baseLr, s.every, s.factor!);
    case 'multistep': return multiStepLr(s.lr ?? baseLr, s.milestones, s.factor!);
    case 'exponential': return exponentialLr(s.lr ?? baseLr, s.rate, s.decaySteps!, s.staircase!);
    case 'inverse_time': return inverseTimeLr(s.lr ?? baseLr, s.rate, s.decaySteps!, s.staircase!);
    case 'linear': return linearLr(s.lr ?? baseLr, s.tau, s.lrEnd!);
    case 'polynomial': return polynomialLr(s.lr ?? baseLr, s.decaySteps, s.lrEnd!, s.power!, s.cycle!);
    case 'cosine': return cosineLr(s.lr ?? baseLr, s.decaySteps, s.minLr!);
    case 'cosine_restarts': return cosineRestartsLr(s.lr ?? baseLr, s.T0, s.tMult!, s.mMul!, s.minLr!);
    case 'cyclical': {
      if (s.baseLr === undefined) checkMaxLr(`${field}.maxLr`, s.maxLr, baseLr, true);
      return cyclicalLr(s.baseLr ?? baseLr, s.maxLr, s.stepSize, s.stepSizeDown!, s.mode!, s.gamma ?? 1);
    }
    case 'one_cycle':
      return oneCycleLr(s.maxLr, s.totalSteps, s.pctStart!, s.divFactor!, s.finalDivFactor!, s.anneal!, s.threePhase!);
    case 'warmup':
      return warmupLr(buildFunction(s.schedule!, baseLr, `${field}.schedule`), s.steps, s.start!);
    case 'sequential':
      return sequentialLr(s.schedules.map((c, i) => buildFunction(c, baseLr, `${field}.schedules[${i}]`)), s.milestones);
    case 'multiply': {
      const fns = s.schedules.map((c, i) => buildFunction(c, baseLr, `${field}.schedules[${i}]`));
      fns.forEach((fn, i) => {
        const first = fn(0);
        if (i > 0 && !(first !== 0 && Number.isFinite(first))) {
          throw new LrlabError('INVALID_OPTION', `${field}.schedules[${i}]`, s.schedules[i],
            `must start at a finite lr other than 0 (it starts at ${first}): a further schedule of a multiply ` +
            'contributes s(t)/s(0); put a schedule that starts at 0 first, or wrap the product in a warmup');
        }
      });
      return multiplyLr(fns);
    }
  }
}

export interface ScheduleValuesOptions {
  /** How many optimizer steps to evaluate (integer >= 0). */
  steps: number;
  /** Optimizer steps per epoch (integer >= 1); required when the schedule's unit is 'epoch'. */
  stepsPerEpoch?: number;
}

/**
 * The lr of every optimizer step 0 … steps − 1, where step i belongs to epoch
 * floor(i / stepsPerEpoch): `schedule.lr(i, floor(i / stepsPerEpoch))`.
 */
export function scheduleValues(schedule: Schedule, options: ScheduleValuesOptions): number[] {
  const o = checkObject('options', options);
  checkKeys('options', o, ['steps', 'stepsPerEpoch']);
  const steps = checkNumber('steps', o.steps, { integer: true, min: 0 });
  if (o.stepsPerEpoch === undefined && schedule.unit === 'epoch') {
    throw new LrlabError('INVALID_OPTION', 'stepsPerEpoch', o.stepsPerEpoch,
      'is required for a schedule whose unit is "epoch": an integer >= 1');
  }
  const perEpoch = o.stepsPerEpoch === undefined ? Infinity : checkNumber('stepsPerEpoch', o.stepsPerEpoch, { integer: true, min: 1 });
  const out = new Array<number>(steps);
  for (let i = 0; i < steps; i++) out[i] = schedule.lr(i, Math.floor(i / perEpoch));
  return out;
}
