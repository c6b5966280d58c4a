/**
 * The six experiments of the classic learning-rate tutorial, on its exact
 * data (scikit-learn's make_blobs, random_state 2): first 500 rows train, last
 * 500 test (and validation), no scaling; Dense(50, relu, he_uniform) →
 * Dense(3, softmax, glorot_uniform); categorical cross-entropy; batch 32;
 * 200 epochs, shuffled each epoch; Keras's optimizer defaults and no
 * divergence guard (Keras has none: an LR of 1 oscillates instead of stopping).
 *
 * Every section is a sweep over one axis of that base; all trials of all
 * sections run at once on one executor, a trial id that two sections share
 * once. (Section 2's momentum 0 and section 6's SGD repeat section 1's lr 0.01
 * as runs of their own: their specs name the momentum and the Keras defaults,
 * so their ids differ, as the tutorial's runs are separate.) Section 3 trains nothing: it
 * evaluates the inverse-time decay formula as lrlab's schedule computes it.
 */
import { SKLEARN_TUTORIAL_DATA, type ExperimentSpec } from '../experiment.js';
import { kerasDecaySchedule } from '../keras-defaults.js';
import { buildSchedule } from '../schedules/index.js';
import { logGrid } from '../sweep/axes.js';
import type { Executor } from '../sweep/executor.js';
import { expandSweep, validateSweep, type SweepSpec } from '../sweep/spec.js';
import type { Trial, TrialResult } from '../sweep/types.js';
import { checkNumber } from '../validate.js';

export const TUTORIAL_BASE: ExperimentSpec = {
  data: SKLEARN_TUTORIAL_DATA,
  split: { testFraction: 0.5, shuffle: false },
  model: {
    inputs: 2,
    layers: [{ units: 50, activation: 'relu', init: 'he_uniform' }, { units: 3, activation: 'softmax', init: 'glorot_uniform' }],
    loss: 'categorical_crossentropy',
  },
  optimizer: { name: 'sgd', lr: 0.01, defaults: 'keras' },
  epochs: 200,
  batchSize: 32,
  shuffle: true,
  seed: 1,
  divergence: false,
};

export type TutorialSectionId = 'lr' | 'momentum' | 'decay-formula' | 'decay' | 'plateau' | 'optimizers';

export interface TutorialSectionSpec {
  id: TutorialSectionId;
  title: string;
  /** What was run, in one sentence. */
  setup: string;
  /** The swept axis (a spec path), or null for the formula-only section. */
  axis: string | null;
  values: unknown[];
  /** The base's changes for this section. */
  base?: Partial<ExperimentSpec>;
}

export const DECAYS = [1e-1, 1e-2, 1e-3, 1e-4];
export const PATIENCES = [2, 5, 10, 15];
/** Updates over which the decay formula is plotted (section 3). */
export const FORMULA_UPDATES = 200;

export const TUTORIAL_SECTIONS: TutorialSectionSpec[] = [
  {
    id: 'lr', title: '1. The learning rate', axis: 'optimizer.lr', values: logGrid(1, 1e-7, 8),
    setup: 'SGD without momentum at lr 1, 0.1, 0.01 … 1e-7, with no divergence guard (as in Keras).',
  },
  {
    id: 'momentum', title: '2. Momentum', axis: 'optimizer.momentum', values: [0, 0.5, 0.9, 0.99],
    setup: 'SGD at lr 0.01 with momentum 0, 0.5, 0.9 and 0.99.',
  },
  {
    id: 'decay-formula', title: '3. The inverse-time decay formula', axis: null, values: DECAYS,
    setup: `lr₀ / (1 + decay · t) for lr₀ 0.01 and decay 1e-1 … 1e-4 over ${FORMULA_UPDATES} updates: no training, the values of the formula.`,
  },
  {
    id: 'decay', title: "4. SGD with Keras's decay", axis: 'schedule.rate', values: DECAYS,
    base: { schedule: kerasDecaySchedule(DECAYS[0]), recordStepLr: true },
    setup: "SGD lr 0.01 with Keras's decay argument, lr / (1 + decay · update), decay 1e-1 … 1e-4 (lrlab's inverse_time schedule, rate = decay, per update).",
  },
  {
    id: 'plateau', title: '5. Reduce on plateau', axis: 'plateau.patience', values: PATIENCES,
    base: { plateau: { semantics: 'keras', monitor: 'valLoss', factor: 0.1, threshold: 1e-7, minLr: 0, patience: PATIENCES[0] } },
    setup: 'SGD lr 0.01; reduce-on-plateau with Keras semantics on the validation loss, factor 0.1, min_delta 1e-7, min_lr 0, patience 2, 5, 10 and 15.',
  },
  {
    id: 'optimizers', title: '6. Adaptive learning rates', axis: 'optimizer.name', values: ['sgd', 'rmsprop', 'adagrad', 'adam'],
    base: { optimizer: { name: 'sgd', defaults: 'keras' } },
    setup: "SGD, RMSprop, Adagrad and Adam, each with Keras 3's default hyperparameters (SGD lr 0.01; the others lr 0.001, ε 1e-7; Adagrad's accumulator starts at 0.1).",
  },
];

export interface TutorialSectionResult extends TutorialSectionSpec {
  /** One per trial of the section, in sweep order (value-major, then repeat). */
  results: TrialResult[];
  /** Section 3: the LR of each update, per decay value. */
  formula?: { decay: number; lrs: number[] }[];
}

export interface TutorialOptions {
  executor: Executor;
  /** Epochs per run (default 200, the tutorial's). */
  epochs?: number;
  /** Runs per value, with seeds base + 0, 1, … (default 1). */
  repeats?: number;
  signal?: AbortSignal;
  onResult?(done: number, total: number): void;
}

/** The trials of every section, validated before anything runs. */
export function tutorialTrials(options: Pick<TutorialOptions, 'epochs' | 'repeats'> = {}): Map<TutorialSectionId, Trial[]> {
  const epochs = options.epochs === undefined ? TUTORIAL_BASE.epochs : checkNumber('epochs', options.epochs, { min: 1, max: 100_000, integer: true });
  const repeats = options.repeats === undefined ? 1 : checkNumber('repeats', options.repeats, { min: 1, max: 100, integer: true });
  const out = new Map<TutorialSectionId, Trial[]>();
  for (const section of TUTORIAL_SECTIONS) {
    if (section.axis === null) continue;
    const sweep: SweepSpec = {
      name: `tutorial ${section.id}`,
      base: { ...TUTORIAL_BASE, ...section.base, epochs },
      axes: { [section.axis]: section.values as number[] },
      repeats,
    };
    out.set(section.id, expandSweep(validateSweep(sweep, `tutorial.${section.id}`)));
  }
  return out;
}

/** Runs all six sections; identical trials run once. */
export async function runTutorial(options: TutorialOptions): Promise<TutorialSectionResult[]> {
  const bySection = tutorialTrials(options);
  const unique = new Map<string, Trial>();
  for (const trials of bySection.values()) for (const t of trials) if (!unique.has(t.id)) unique.set(t.id, t);
  const done = new Map<string, TrialResult>();
  await options.executor.run([...unique.values()].map((trial) => ({ trial })), ({ result }) => {
    done.set(result.id, result);
    options.onResult?.(done.size, unique.size);
  }, options.signal);
  return TUTORIAL_SECTIONS.map((section) => {
    if (section.axis === null) return { ...section, results: [], formula: decayFormula() };
    // A result shared by two sections carries this section's cell (params, index) in each.
    const results = bySection.get(section.id)!.flatMap((t) => {
      const r = done.get(t.id);
      return r ? [{ ...r, index: t.index, params: t.params, repeat: t.repeat }] : [];
    });
    return { ...section, results };
  });
}

/** lr₀ / (1 + decay·t), t = 0 … FORMULA_UPDATES − 1, as the schedule Keras's decay maps to computes it. */
export function decayFormula(lr0 = 0.01): { decay: number; lrs: number[] }[] {
  return DECAYS.map((decay) => {
    const schedule = buildSchedule(kerasDecaySchedule(decay), lr0);
    return { decay, lrs: Array.from({ length: FORMULA_UPDATES }, (_, t) => schedule.lr(t, 0)) };
  });
}
