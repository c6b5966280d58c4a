/**
 * validateSchedule: a ScheduleSpec in plain JSON, checked and normalized. Every
 * refusal is an LrlabError naming the field (`schedule.milestones[1]`,
 * `schedule.schedules[0].factor`...); an option given as 0 stays 0; unknown
 * names and keys are refused (UNKNOWN_OPTION). The result has every default
 * filled in, `unit` included, so that a logged spec reproduces the schedule;
 * only `lr` stays absent when it defaults to the optimizer's learning rate.
 * Validating a validated spec returns an equal spec.
 */
import { LrlabError } from '../errors.js';
import { MAX_LR, checkBoolean, checkChoice, checkKeys, checkNumber, checkObject, numberOr, type NumberRule } from '../validate.js';
import { oneCyclePhases } from './formulas.js';
import {
  ANNEAL_STRATEGIES, CYCLICAL_MODES, SCHEDULE_NAMES, SCHEDULE_UNITS,
  type CyclicalScheduleSpec, type OneCycleScheduleSpec, type ScheduleLimits, type ScheduleName,
  type ScheduleSpec, type ScheduleUnit,
} from './types.js';

/**
 * Bounds that keep lr(t) finite and >= 0 at every step a run can reach: no LR
 * above MAX_LR, no duration below one step or epoch (T0 = 1e-20 made
 * cosine_restarts count 1e20 cycles per step, for ever), divisors that keep
 * maxLr / divFactor / finalDivFactor finite. A combination that still escapes
 * (a multiply whose factor starts at 0) is stopped at run time by buildSchedule.
 */
const LR = { min: 0, max: MAX_LR };
const DURATION = { min: 1, max: 1e12 };
const DIVISOR = { min: 1e-6, max: 1e12 };

/** How deep composites (warmup, sequential, multiply) may nest. */
export const MAX_SCHEDULE_DEPTH = 8;
/** Most schedules in one sequential or multiply. */
export const MAX_SCHEDULES = 64;
/** Most milestones in one multistep or sequential. */
export const MAX_MILESTONES = 1024;

/** The keys each schedule accepts besides `name` and `unit`. */
export const SCHEDULE_KEYS: Record<ScheduleName, readonly string[]> = {
  constant: ['lr'],
  step: ['lr', 'every', 'factor'],
  multistep: ['lr', 'milestones', 'factor'],
  exponential: ['lr', 'rate', 'decaySteps', 'staircase'],
  inverse_time: ['lr', 'rate', 'decaySteps', 'staircase'],
  linear: ['lr', 'tau', 'lrEnd'],
  polynomial: ['lr', 'decaySteps', 'lrEnd', 'power', 'cycle'],
  cosine: ['lr', 'decaySteps', 'minLr'],
  cosine_restarts: ['lr', 'T0', 'tMult', 'mMul', 'minLr'],
  warmup: ['steps', 'start', 'schedule'],
  cyclical: ['baseLr', 'maxLr', 'stepSize', 'stepSizeDown', 'mode', 'gamma'],
  one_cycle: ['maxLr', 'totalSteps', 'pctStart', 'divFactor', 'finalDivFactor', 'anneal', 'threePhase'],
  sequential: ['schedules', 'milestones'],
  multiply: ['schedules'],
};

/** The unit of a schedule that is not inside a composite and does not say. */
export const DEFAULT_UNITS: Record<Exclude<ScheduleName, 'warmup' | 'sequential' | 'multiply'>, ScheduleUnit> = {
  constant: 'step',
  step: 'epoch',
  multistep: 'epoch',
  exponential: 'step',
  inverse_time: 'step',
  linear: 'step',
  polynomial: 'step',
  cosine: 'step',
  cosine_restarts: 'step',
  cyclical: 'step',
  one_cycle: 'step',
};

/** The one time axis of a composite: its unit, whether a spec set it, and which spec. */
interface Axis {
  unit: ScheduleUnit;
  explicit: boolean;
  owner: string;
}

interface Context {
  limits: ScheduleLimits;
  depth: number;
  axis?: Axis;
}

/**
 * Checks a schedule spec and fills its defaults. With `limits.totalSteps`
 * (`limits.totalEpochs`), a warmup in steps (epochs) that is not shorter than
 * training is refused, since its schedule would never be reached.
 */
export function validateSchedule(spec: unknown, field = 'schedule', limits: ScheduleLimits = {}): ScheduleSpec {
  return validateNode(spec, field, { limits: checkLimits(limits), depth: 0 });
}

function checkLimits(limits: unknown): ScheduleLimits {
  const o = checkObject('limits', limits);
  checkKeys('limits', o, ['totalSteps', 'totalEpochs']);
  const out: ScheduleLimits = {};
  if (o.totalSteps !== undefined) out.totalSteps = checkNumber('totalSteps', o.totalSteps, { integer: true, min: 1 });
  if (o.totalEpochs !== undefined) out.totalEpochs = checkNumber('totalEpochs', o.totalEpochs, { integer: true, min: 1 });
  return out;
}

function validateNode(spec: unknown, field: string, ctx: Context): ScheduleSpec {
  const s = checkObject(field, spec);
  const name = checkChoice(`${field}.name`, s.name, SCHEDULE_NAMES);
  checkKeys(field, s, ['name', 'unit', ...SCHEDULE_KEYS[name]]);
  if (ctx.depth > MAX_SCHEDULE_DEPTH) {
    throw new LrlabError('INVALID_OPTION', field, s.name, `schedules nest at most ${MAX_SCHEDULE_DEPTH} levels deep`);
  }
  const f = (key: string): string => `${field}.${key}`;
  const lr = s.lr === undefined ? {} : { lr: checkNumber(f('lr'), s.lr, LR) };
  const leafUnit = (): ScheduleUnit =>
    resolveUnit(field, name, s.unit, DEFAULT_UNITS[name as keyof typeof DEFAULT_UNITS], ctx.axis);

  switch (name) {
    case 'constant':
      return { name, ...lr, unit: leafUnit() };
    case 'step':
      return {
        name, ...lr,
        every: required(f('every'), s.every, name, { ...DURATION, integer: true }),
        factor: decayFactor(f('factor'), s.factor, 0.1),
        unit: leafUnit(),
      };
    case 'multistep':
      return {
        name, ...lr,
        milestones: milestones(f('milestones'), s.milestones, name, false),
        factor: decayFactor(f('factor'), s.factor, 0.1),
        unit: leafUnit(),
      };
    case 'exponential':
      return {
        name, ...lr,
        rate: decayFactor(f('rate'), s.rate, undefined, name),
        decaySteps: numberOr(f('decaySteps'), s.decaySteps, 1, DURATION),
        staircase: checkBoolean(f('staircase'), s.staircase, false),
        unit: leafUnit(),
      };
    case 'inverse_time':
      return {
        name, ...lr,
        rate: required(f('rate'), s.rate, name, { min: 0, max: 1e12 }),
        decaySteps: numberOr(f('decaySteps'), s.decaySteps, 1, DURATION),
        staircase: checkBoolean(f('staircase'), s.staircase, false),
        unit: leafUnit(),
      };
    case 'linear':
      return {
        name, ...lr,
        tau: required(f('tau'), s.tau, name, DURATION),
        lrEnd: numberOr(f('lrEnd'), s.lrEnd, 0, LR),
        unit: leafUnit(),
      };
    case 'polynomial':
      return {
        name, ...lr,
        decaySteps: required(f('decaySteps'), s.decaySteps, name, DURATION),
        lrEnd: numberOr(f('lrEnd'), s.lrEnd, 0.0001, LR),
        power: numberOr(f('power'), s.power, 1, { above: 0, max: 1000 }),
        cycle: checkBoolean(f('cycle'), s.cycle, false),
        unit: leafUnit(),
      };
    case 'cosine':
      return {
        name, ...lr,
        decaySteps: required(f('decaySteps'), s.decaySteps, name, DURATION),
        minLr: numberOr(f('minLr'), s.minLr, 0, LR),
        unit: leafUnit(),
      };
    case 'cosine_restarts':
      return {
        name, ...lr,
        T0: required(f('T0'), s.T0, name, DURATION),
        tMult: numberOr(f('tMult'), s.tMult, 1, { min: 1, max: 100 }),
        mMul: decayFactor(f('mMul'), s.mMul, 1),
        minLr: numberOr(f('minLr'), s.minLr, 0, LR),
        unit: leafUnit(),
      };
    case 'cyclical':
      return validateCyclical(s, field, leafUnit);
    case 'one_cycle':
      return validateOneCycle(s, field, leafUnit);
    case 'warmup': {
      const steps = required(f('steps'), s.steps, name, { ...DURATION, integer: true });
      const start = numberOr(f('start'), s.start, 0, LR);
      const [unit, [schedule]] = validateChildren(s, field, name, ctx, [
        { spec: s.schedule === undefined ? { name: 'constant' } : s.schedule, field: f('schedule') },
      ]);
      const total = unit === 'step' ? ctx.limits.totalSteps : ctx.limits.totalEpochs;
      if (total !== undefined && steps >= total) {
        throw new LrlabError('INVALID_OPTION', f('steps'), steps,
          `must be < ${unit === 'step' ? 'totalSteps' : 'totalEpochs'} (${total}), the length of training in ${unit}s: ` +
          'a warmup that does not end before training does never reaches its schedule');
      }
      return { name, steps, start, schedule: schedule!, unit };
    }
    case 'sequential': {
      const list = scheduleList(f('schedules'), s.schedules, name);
      const [unit, schedules] = validateChildren(s, field, name, ctx,
        list.map((spec, i) => ({ spec, field: `${f('schedules')}[${i}]` })));
      const ms = milestones(f('milestones'), s.milestones, name, true);
      if (ms.length !== schedules.length - 1) {
        throw new LrlabError('INVALID_OPTION', f('milestones'), s.milestones,
          `must hold one milestone fewer than schedules, i.e. ${schedules.length - 1} (schedule i+1 starts at milestones[i])`);
      }
      return { name, schedules, milestones: ms, unit };
    }
    case 'multiply': {
      const list = scheduleList(f('schedules'), s.schedules, name);
      const [unit, schedules] = validateChildren(s, field, name, ctx,
        list.map((spec, i) => ({ spec, field: `${f('schedules')}[${i}]` })));
      return { name, schedules, unit };
    }
  }
}

function validateCyclical(s: Record<string, unknown>, field: string, unitOf: () => ScheduleUnit): CyclicalScheduleSpec {
  const name = 'cyclical';
  const f = (key: string): string => `${field}.${key}`;
  const baseLr = s.baseLr === undefined ? undefined : checkNumber(f('baseLr'), s.baseLr, LR);
  const maxLr = required(f('maxLr'), s.maxLr, name, LR);
  if (baseLr !== undefined) checkMaxLr(f('maxLr'), maxLr, baseLr, false);
  const stepSize = required(f('stepSize'), s.stepSize, name, DURATION);
  const stepSizeDown = numberOr(f('stepSizeDown'), s.stepSizeDown, stepSize, DURATION);
  const mode = s.mode === undefined ? 'triangular' : checkChoice(f('mode'), s.mode, CYCLICAL_MODES);
  if (mode !== 'exp_range' && s.gamma !== undefined) {
    throw new LrlabError('INVALID_OPTION', f('gamma'), s.gamma,
      `applies only to mode "exp_range" (mode is "${mode}"); remove it or set mode to "exp_range"`);
  }
  return {
    name,
    ...(baseLr === undefined ? {} : { baseLr }),
    maxLr, stepSize, stepSizeDown, mode,
    ...(mode === 'exp_range' ? { gamma: decayFactor(f('gamma'), s.gamma, 1) } : {}),
    unit: unitOf(),
  };
}

/** Refuses a cyclical maxLr below its lower bound (`implicit`: the bound is the optimizer's lr). */
export function checkMaxLr(field: string, maxLr: number, baseLr: number, implicit: boolean): void {
  if (maxLr < baseLr) {
    throw new LrlabError('INVALID_OPTION', field, maxLr,
      `must be >= baseLr (${baseLr}${implicit ? ', the optimizer\'s lr, since baseLr is not given' : ''}): ` +
      'the lr cycles between baseLr and maxLr');
  }
}

function validateOneCycle(s: Record<string, unknown>, field: string, unitOf: () => ScheduleUnit): OneCycleScheduleSpec {
  const name = 'one_cycle';
  const f = (key: string): string => `${field}.${key}`;
  const maxLr = required(f('maxLr'), s.maxLr, name, LR);
  const totalSteps = required(f('totalSteps'), s.totalSteps, name, { integer: true, min: 2, max: DURATION.max });
  const pctStart = numberOr(f('pctStart'), s.pctStart, 0.3, { above: 0, below: 1 });
  // maxLr / divFactor / finalDivFactor stays finite: finalDivFactor 5e-324 made the last LR Infinity.
  const divFactor = numberOr(f('divFactor'), s.divFactor, 25, DIVISOR);
  const finalDivFactor = numberOr(f('finalDivFactor'), s.finalDivFactor, 1e4, DIVISOR);
  const anneal = s.anneal === undefined ? 'cos' : checkChoice(f('anneal'), s.anneal, ANNEAL_STRATEGIES);
  const threePhase = checkBoolean(f('threePhase'), s.threePhase, false);
  // PyTorch computes pct = (t − start)/(end − start) per phase; refuse the
  // settings where a phase that is used would be empty (PyTorch: 0/0).
  const ends = oneCyclePhases(totalSteps, pctStart, threePhase);
  if (ends[0] === 0) {
    throw new LrlabError('INVALID_OPTION', f('pctStart'), pctStart,
      `must not make pctStart·totalSteps equal 1 (totalSteps is ${totalSteps}): the first phase, which ends at ` +
      'pctStart·totalSteps − 1 as in PyTorch, would be empty');
  }
  if (threePhase && ends[2]! <= ends[1]!) {
    throw new LrlabError('INVALID_OPTION', f('pctStart'), pctStart,
      `must leave room for the third phase: with threePhase, 2·pctStart·totalSteps − 2 must be < totalSteps − 1 (totalSteps is ${totalSteps})`);
  }
  return { name, maxLr, totalSteps, pctStart, divFactor, finalDivFactor, anneal, threePhase, unit: unitOf() };
}

/**
 * The unit of a schedule: its own, else that of an enclosing composite that
 * set one, else its default, which must then agree with the enclosing axis.
 */
function resolveUnit(field: string, name: string, given: unknown, fallback: ScheduleUnit, axis: Axis | undefined): ScheduleUnit {
  if (given !== undefined) {
    const unit = checkChoice(`${field}.unit`, given, SCHEDULE_UNITS);
    if (axis && unit !== axis.unit) {
      throw new LrlabError('INVALID_OPTION', `${field}.unit`, unit,
        `must be "${axis.unit}", the unit of ${axis.owner}: a warmup, sequential or multiply schedule and every schedule inside it share one time axis`);
    }
    return unit;
  }
  if (!axis) return fallback;
  if (axis.explicit || fallback === axis.unit) return axis.unit;
  throw new LrlabError('INVALID_OPTION', `${field}.unit`, given,
    `defaults to "${fallback}" for ${name} but must be "${axis.unit}", the unit of ${axis.owner} ` +
    '(a warmup, sequential or multiply schedule and every schedule inside it share one time axis); set "unit" explicitly');
}

/**
 * Validates the schedules inside a composite on one time axis: the
 * composite's unit if it sets one (inherited by the schedules that do not),
 * else the axis it lies on, else the unit of its first schedule.
 */
function validateChildren(
  s: Record<string, unknown>, field: string, name: string, ctx: Context,
  children: { spec: unknown; field: string }[],
): [ScheduleUnit, ScheduleSpec[]] {
  let axis = ctx.axis;
  if (s.unit !== undefined) {
    axis = { unit: resolveUnit(field, name, s.unit, 'step', ctx.axis), explicit: true, owner: field };
  }
  const out: ScheduleSpec[] = [];
  for (const child of children) {
    const spec = validateNode(child.spec, child.field, { ...ctx, depth: ctx.depth + 1, axis });
    axis ??= { unit: spec.unit!, explicit: false, owner: field };
    out.push(spec);
  }
  return [axis!.unit, out];
}

function scheduleList(field: string, value: unknown, name: string): unknown[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_SCHEDULES) {
    throw new LrlabError('INVALID_OPTION', field, value,
      `must be an array of 1 to ${MAX_SCHEDULES} schedule specs (required for ${name})`);
  }
  return value;
}

function milestones(field: string, value: unknown, name: string, allowEmpty: boolean): number[] {
  if (!Array.isArray(value) || (!allowEmpty && value.length === 0) || value.length > MAX_MILESTONES) {
    throw new LrlabError('INVALID_OPTION', field, value,
      `must be an array of ${allowEmpty ? 0 : 1} to ${MAX_MILESTONES} strictly increasing integers >= 1 (required for ${name})`);
  }
  const out: number[] = [];
  value.forEach((v, i) => {
    const m = checkNumber(`${field}[${i}]`, v, { integer: true, min: 1 });
    if (i > 0 && m <= out[i - 1]!) {
      throw new LrlabError('INVALID_OPTION', `${field}[${i}]`, m,
        `must be greater than ${field}[${i - 1}] = ${out[i - 1]}: milestones are strictly increasing`);
    }
    out.push(m);
  });
  return out;
}

function required(field: string, value: unknown, name: string, rule: NumberRule): number {
  if (value === undefined) {
    throw new LrlabError('INVALID_OPTION', field, value, `is required for schedule "${name}"`);
  }
  return checkNumber(field, value, rule);
}

/** A multiplicative decay: a number in [0, 1] (1 keeps the lr constant). */
function decayFactor(field: string, value: unknown, fallback: number | undefined, name?: string): number {
  if (value === undefined && fallback === undefined) {
    throw new LrlabError('INVALID_OPTION', field, value, `is required for schedule "${name}"`);
  }
  const v = checkNumber(field, value === undefined ? fallback : value);
  if (v < 0 || v > 1) {
    throw new LrlabError('INVALID_OPTION', field, v,
      'must be a decay factor between 0 and 1 inclusive (1 keeps the lr; to raise the lr use warmup, cyclical or one_cycle)');
  }
  return v;
}
