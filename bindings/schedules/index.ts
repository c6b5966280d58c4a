/**
 * Learning-rate schedules: plain-JSON specs (`ScheduleSpec`), checked by
 * `validateSchedule`, built into pure functions of (step, epoch) by
 * `buildSchedule`, and sampled for plotting by `scheduleValues`.
 */
export {
  ANNEAL_STRATEGIES, CYCLICAL_MODES, SCHEDULE_NAMES, SCHEDULE_UNITS,
  type AnnealStrategy, type ConstantScheduleSpec, type CosineRestartsScheduleSpec, type CosineScheduleSpec,
  type CyclicalMode, type CyclicalScheduleSpec, type ExponentialScheduleSpec, type InverseTimeScheduleSpec,
  type LinearScheduleSpec, type MultiplyScheduleSpec, type MultiStepScheduleSpec, type OneCycleScheduleSpec,
  type PolynomialScheduleSpec, type Schedule, type ScheduleLimits, type ScheduleName, type ScheduleSpec,
  type ScheduleUnit, type SequentialScheduleSpec, type StepScheduleSpec, type WarmupScheduleSpec,
} from './types.js';
export {
  DEFAULT_UNITS, MAX_MILESTONES, MAX_SCHEDULE_DEPTH, MAX_SCHEDULES, SCHEDULE_KEYS, validateSchedule,
} from './validate.js';
export { buildSchedule, scheduleValues, type ScheduleValuesOptions } from './build.js';
export * as scheduleFormulas from './formulas.js';
