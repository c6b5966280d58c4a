/**
 * The optimizer defaults of Keras 3 (keras.optimizers.*, Keras 3.0 to 3.x; the
 * same as tf.keras from TF 2.11), what `optimizer: { defaults: 'keras' }` fills
 * in. SGD then also takes Keras's momentum convention (the lr folded into the
 * velocity), and Adagrad, RMSprop and Adam Keras's place for ε. Where the
 * rules still differ from Keras's, see the README ("Keras's defaults").
 */
import type { InverseTimeScheduleSpec } from './schedules/types.js';
import type { OptimizerName, OptimizerSpec } from './spec.js';
import { checkNumber } from './validate.js';

type Preset = Omit<OptimizerSpec, 'name' | 'defaults'>;

export const KERAS_DEFAULTS: Record<OptimizerName, Preset> = {
  sgd: { lr: 0.01, momentum: 0, nesterov: false, momentumConvention: 'keras' },
  rmsprop: { lr: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false, epsilonConvention: 'keras' },
  adagrad: { lr: 0.001, initialAccumulator: 0.1, epsilon: 1e-7, epsilonConvention: 'keras' },
  adadelta: { lr: 0.001, rho: 0.95, epsilon: 1e-7 },
  adam: { lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false, epsilonConvention: 'keras' },
  adamw: { lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false, weightDecay: 0.004, epsilonConvention: 'keras' },
  adamax: { lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
  nadam: { lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, momentumDecay: 0.004 },
};

/**
 * Keras's optimizer argument `decay` (Keras 2, and the legacy optimizers of
 * Keras 3): lr_t = lr / (1 + decay · t), t the number of updates before this
 * one. It is lrlab's inverse_time schedule with rate = decay, decaySteps 1,
 * counted in steps: pass it as `schedule` (relative to the optimizer's lr).
 */
export function kerasDecaySchedule(decay: number): InverseTimeScheduleSpec {
  return { name: 'inverse_time', rate: checkNumber('decay', decay, { min: 0 }), decaySteps: 1, unit: 'step' };
}
