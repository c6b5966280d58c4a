// A polluted Object.prototype must not reach a run: every option lrlab reads
// from a spec is the spec's own (own-property reads only), so a run trained
// while Object.prototype carries hostile values for the option names is bit for
// bit the run trained without them. And a spec that carries __proto__,
// constructor or prototype keys is refused, naming the key.
import { afterEach, describe, expect, it } from 'vitest';
import { runExperiment, TUTORIAL_EXPERIMENT, type ExperimentSpec } from '../bindings/experiment.js';
import { LrlabError } from '../bindings/index.js';

/** Option names of the optimizer, the schedules, plateau, early stopping, the split and the data, with values that would change a run. */
const HOSTILE: Record<string, unknown> = {
  momentum: 0.9, nesterov: true, lr: 0.5, rho: 0.5, beta1: 0.5, beta2: 0.5, epsilon: 0.5, amsgrad: true, centered: true,
  weightDecay: 0.5, clipNorm: 1e-3, clipValue: 1e-3, initialAccumulator: 5, momentumDecay: 0.5, defaults: 'keras',
  momentumConvention: 'keras', epsilonConvention: 'keras',
  factor: 0.01, every: 1, gamma: 0.01, rate: 10, decaySteps: 1, milestones: [1], minLr: 0.4, warmup: 3, steps: 2, unit: 'step',
  patience: 0, cooldown: 5, threshold: 10, mode: 'max', semantics: 'keras', minDelta: 10, restoreBestWeights: true,
  shuffle: false, seed: 7, batchSize: 3, validationSplit: 0.5, standardize: true, recordStepLr: true,
  testFraction: 0.9, testRows: 3, alpha: 5, init: 'zeros', lrScale: 100, activation: 'tanh',
  samples: 10, centers: 7, clusterStd: 9, noise: 3, generator: 'sklearn', randomState: 5, features: 5,
  staircase: true, lrEnd: 0.3, power: 5, cycle: true, tau: 1, T0: 1, tMult: 3, mMul: 0.1, baseLr: 0.3, maxLr: 0.9, stepSize: 1,
  stepSizeDown: 1, pctStart: 0.9, divFactor: 2, finalDivFactor: 2, anneal: 'linear', threePhase: true, start: 0.5,
  monitor: 'loss', thresholdMode: 'abs', eps: 1, increase: { factor: 2, patience: 1, maxLr: 1 }, baseline: 0.1, startFromEpoch: 2,
};

function pollute(): void {
  for (const [key, value] of Object.entries(HOSTILE)) {
    Object.defineProperty(Object.prototype, key, { value, enumerable: true, configurable: true, writable: true });
  }
}
function clean(): void {
  for (const key of Object.keys(HOSTILE)) delete (Object.prototype as Record<string, unknown>)[key];
}
afterEach(clean);

const small = (over: Partial<ExperimentSpec>): ExperimentSpec => ({ ...structuredClone(TUTORIAL_EXPERIMENT), epochs: 4, ...over });

const SPECS: Record<string, ExperimentSpec> = {
  'sgd, its own defaults (no momentum given)': small({ optimizer: { name: 'sgd', lr: 0.05 } }),
  'sgd, Keras defaults': small({ optimizer: { name: 'sgd', defaults: 'keras' } }),
  'rmsprop': small({ optimizer: { name: 'rmsprop', lr: 0.001 } }),
  'adam, Keras defaults': small({ optimizer: { name: 'adam', defaults: 'keras' } }),
  'step schedule, plateau, early stopping': small({
    optimizer: { name: 'sgd', lr: 0.05 },
    schedule: { name: 'step', every: 2 }, plateau: {}, earlyStopping: {},
  }),
  'warmup around cosine': small({ schedule: { name: 'warmup', steps: 20, schedule: { name: 'cosine', decaySteps: 3 } } }),
  'cyclical': small({ schedule: { name: 'cyclical', maxLr: 0.1, stepSize: 20 } }),
  'one cycle': small({ schedule: { name: 'one_cycle', maxLr: 0.1, totalSteps: 100 } }),
  'validation split, plateau on valLoss, divergence guard': small({ validationSplit: 0.2, plateau: { monitor: 'valLoss' }, divergence: { factor: 5 } }),
  'moons, shuffled split': small({
    data: { name: 'moons' }, split: { testFraction: 0.3, shuffle: true, seed: 0 },
    model: { inputs: 2, layers: [{ units: 8, activation: 'relu' }, { units: 2, activation: 'softmax' }], loss: 'categorical_crossentropy' },
    optimizer: { name: 'sgd', lr: 0.1 },
  }),
};

async function weightsOf(spec: ExperimentSpec): Promise<{ weights: number[]; loss: number[] }> {
  const run = await runExperiment(structuredClone(spec));
  return { weights: Array.from(new Uint32Array(run.model.getWeights().buffer)), loss: run.history.loss };
}

describe('a polluted Object.prototype', () => {
  for (const [name, spec] of Object.entries(SPECS)) {
    it(`${name}: the weights are bit for bit an unpolluted run's`, async () => {
      const reference = await weightsOf(spec);
      pollute();
      let polluted;
      try {
        polluted = await weightsOf(spec);
      } finally {
        clean();
      }
      expect(polluted.loss).toStrictEqual(reference.loss);
      expect(polluted.weights).toStrictEqual(reference.weights);
    });
  }
});

describe('__proto__, constructor and prototype keys in a spec', () => {
  for (const key of ['__proto__', 'constructor', 'prototype']) {
    it(`optimizer.${key} is refused, naming it`, async () => {
      const optimizer = JSON.parse(`{"name":"sgd","lr":0.1,"${key}":{"momentum":0.9}}`);
      expect(Object.hasOwn(optimizer, key)).toBe(true); // JSON.parse makes it an own key, as a spec file would
      const error = await runExperiment(small({ optimizer })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LrlabError);
      expect((error as LrlabError).field).toMatch(new RegExp(`optimizer\\.${key}$`));
    });
  }
});
