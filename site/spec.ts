/**
 * The playground's settings and the ExperimentSpec they describe. Every
 * schedule offered here is relative to the optimizer's LR (none has an absolute
 * LR of its own), so a sweep over optimizer.lr scales the whole schedule.
 */
import type { DataSpec, ExperimentSpec, OptimizerName, OptimizerSpec, PlateauSpec, ScheduleSpec } from '../bindings/browser/index.js';

export const DATASETS = ['blobs', 'moons', 'circles', 'spiral'] as const;
export type DatasetName = (typeof DATASETS)[number];

export const SCHEDULES = {
  constant: 'Constant',
  step: 'Step decay (×0.5, 3 times)',
  exponential: 'Exponential decay (to 10%)',
  cosine: 'Cosine annealing',
  warmup_cosine: 'Warmup (10%) + cosine',
  cosine_restarts: 'Cosine with warm restarts (SGDR)',
} as const;
export type ScheduleChoice = keyof typeof SCHEDULES;

/** Optimizers with a momentum term the momentum control sets. */
export const MOMENTUM_OPTIMIZERS: readonly OptimizerName[] = ['sgd', 'rmsprop'];

export interface Settings {
  dataset: DatasetName;
  samples: number;
  /** Cluster std for blobs, Gaussian noise for moons and circles, angle noise (radians) for spiral. */
  noise: number;
  /** Hidden layer widths, e.g. [16, 16]. */
  hidden: number[];
  activation: 'relu' | 'tanh' | 'leaky_relu' | 'elu' | 'sigmoid';
  optimizer: OptimizerName;
  lr: number;
  momentum: number;
  batchSize: number;
  epochs: number;
  schedule: ScheduleChoice;
  plateau: boolean;
  plateauFactor: number;
  plateauPatience: number;
  seed: number;
}

export const DEFAULT_SETTINGS: Settings = {
  dataset: 'moons', samples: 400, noise: 0.2, hidden: [16, 16], activation: 'relu',
  optimizer: 'sgd', lr: 0.05, momentum: 0.9, batchSize: 32, epochs: 60,
  schedule: 'constant', plateau: false, plateauFactor: 0.5, plateauPatience: 5, seed: 1,
};

export const DEFAULT_NOISE: Record<DatasetName, number> = { blobs: 2, moons: 0.2, circles: 0.1, spiral: 0.2 };
export const CLASSES: Record<DatasetName, number> = { blobs: 3, moons: 2, circles: 2, spiral: 3 };
export const TEST_FRACTION = 0.25;

export function dataSpec(s: Settings): DataSpec {
  switch (s.dataset) {
    case 'blobs': return { name: 'blobs', samples: s.samples, centers: 3, features: 2, clusterStd: s.noise, seed: 2 };
    case 'moons': return { name: 'moons', samples: s.samples, noise: s.noise, seed: 2 };
    case 'circles': return { name: 'circles', samples: s.samples, noise: s.noise, factor: 0.5, seed: 2 };
    case 'spiral': return { name: 'spiral', samples: s.samples, classes: 3, noise: s.noise, seed: 2 };
  }
}

/** Optimizer steps per epoch: the training rows (the split keeps ceil(n × testFraction) for testing) over the batch size. */
export function stepsPerEpoch(s: Settings): number {
  const train = s.samples - Math.ceil(s.samples * TEST_FRACTION);
  return Math.ceil(train / Math.min(s.batchSize, train));
}

export function scheduleSpec(s: Settings): ScheduleSpec | undefined {
  const total = s.epochs * stepsPerEpoch(s);
  switch (s.schedule) {
    case 'constant': return undefined;
    case 'step': return { name: 'step', every: Math.max(1, Math.round(s.epochs / 4)), factor: 0.5 };
    case 'exponential': return { name: 'exponential', rate: 0.1, decaySteps: total };
    case 'cosine': return { name: 'cosine', decaySteps: total };
    case 'warmup_cosine': {
      const warm = Math.max(1, Math.round(total / 10));
      return { name: 'warmup', steps: warm, schedule: { name: 'cosine', decaySteps: Math.max(1, total - warm) } };
    }
    case 'cosine_restarts': return { name: 'cosine_restarts', T0: Math.max(1, Math.round(total / 7)), tMult: 2 };
  }
}

export function optimizerSpec(s: Settings): OptimizerSpec {
  const o: OptimizerSpec = { name: s.optimizer, lr: s.lr };
  if (MOMENTUM_OPTIMIZERS.includes(s.optimizer) && s.momentum > 0) o.momentum = s.momentum;
  return o;
}

export function plateauSpec(s: Settings): PlateauSpec | undefined {
  return s.plateau ? { monitor: 'valLoss', factor: s.plateauFactor, patience: s.plateauPatience } : undefined;
}

/** The experiment the settings describe: what Train runs, and what runExperiment(spec) reproduces bit for bit in Node. */
export function experimentSpec(s: Settings): ExperimentSpec {
  const classes = CLASSES[s.dataset];
  const spec: ExperimentSpec = {
    data: dataSpec(s),
    split: { testFraction: TEST_FRACTION, shuffle: true, seed: 0 },
    standardize: true,
    model: {
      inputs: 2,
      layers: [
        ...s.hidden.map((units) => ({ units, activation: s.activation, init: s.activation === 'relu' || s.activation === 'leaky_relu' ? 'he_uniform' as const : 'glorot_uniform' as const })),
        { units: classes, activation: 'softmax' as const },
      ],
      loss: 'categorical_crossentropy',
    },
    optimizer: optimizerSpec(s),
    epochs: s.epochs,
    batchSize: s.batchSize,
    seed: s.seed,
    recordStepLr: true,
  };
  const schedule = scheduleSpec(s);
  if (schedule) spec.schedule = schedule;
  const plateau = plateauSpec(s);
  if (plateau) spec.plateau = plateau;
  return spec;
}
