/**
 * The LR policy end to end through Model.fit (wasm backend):
 *   LR(step, epoch) = schedule(step, epoch) × scale
 * where reduce-on-plateau and callbacks move only the scale; bad specs are
 * refused before any training; the divergence guard; and the whole policy
 * state surviving save/load bit for bit.
 */
import { describe, expect, it } from 'vitest';
import { LrlabError } from '../bindings/errors.js';
import { Model, type ModelConfig } from '../bindings/model.js';
import { blobs, loadData, splitAt, trainTestSplit } from '../bindings/data/index.js';
import { TUTORIAL_EXPERIMENT, runExperiment, type ExperimentSpec } from '../bindings/experiment.js';
import type { FitOptions } from '../bindings/fit-options.js';
import type { History } from '../bindings/history.js';
import { buildSchedule, scheduleValues, type ScheduleSpec } from '../bindings/schedules/index.js';
import type { ModelSpec } from '../bindings/spec.js';

function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length), ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return ua.every((v, i) => v === ub[i]);
}

const CLASSIFIER: ModelSpec = {
  inputs: 2, layers: [{ units: 16, activation: 'tanh' }, { units: 3, activation: 'softmax' }], loss: 'categorical_crossentropy',
};
const all = blobs({ samples: 300, centers: 3, features: 2, clusterStd: 2, seed: 7 });
const { train, test: val } = splitAt(all, 64); // 64 rows, batch 16 → 4 steps per epoch
const STEPS_PER_EPOCH = 4;
const BASE = { batchSize: 16 } as const;

const create = (lr: number, extra: Partial<ModelConfig> = {}): Promise<Model> =>
  Model.create({ model: CLASSIFIER, optimizer: { name: 'sgd', lr }, seed: 1, backend: 'wasm', ...extra });

// With SGD at lr 1e-6 the loss moves by ~1e-5 relative over 12 epochs: never by the 1e-4 relative
// threshold of PyTorch's default, so every epoch after the first is a bad epoch. patience 2 → the
// plateau fires at the end of epochs 3, 6, 9, and the scale of the epochs after them halves.
const TINY_LR = 1e-6;
const FORCED_PLATEAU = { monitor: 'loss', factor: 0.5, patience: 2 } as const;
//                e0 e1 e2 e3  e4   e5   e6   e7    e8    e9    e10    e11
const SCALE = [1, 1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125, 0.125];

function expectForcedPlateau(history: History): void {
  // The situation really is a plateau: no epoch beats epoch 0 by 1e-4 relative.
  for (let e = 1; e < history.loss.length; e++) expect(history.loss[e]).toBeGreaterThanOrEqual(history.loss[0] * (1 - 1e-4));
}

describe('schedule × plateau scale', () => {
  it('(a) an epoch-wise exponential schedule and a forced plateau: history.lr = schedule(epoch) × scale', async () => {
    const schedule: ScheduleSpec = { name: 'exponential', rate: 0.9, unit: 'epoch' };
    const model = await create(TINY_LR);
    const history = await model.fit(train, { ...BASE, epochs: 12, schedule, plateau: FORCED_PLATEAU });
    expect(history.status).toBe('completed');
    expectForcedPlateau(history);
    const s = buildSchedule(schedule, TINY_LR);
    const at = (e: number): number => s.lr(e * STEPS_PER_EPOCH, e);
    expect(history.lr).toEqual(SCALE.map((scale, e) => at(e) * scale));
    expect(history.lr[0]).toBe(TINY_LR);
    // The 'lr' events: at the end of epoch e the LR of the NEXT epoch goes from schedule(e + 1) × scale to × scale/2.
    const reason = 'plateau: no improvement for more than 2 epochs';
    expect(history.events).toEqual([
      { epoch: 3, step: 16, kind: 'lr', oldLr: at(4) * 1, newLr: at(4) * 0.5, reason },
      { epoch: 6, step: 28, kind: 'lr', oldLr: at(7) * 0.5, newLr: at(7) * 0.25, reason },
      { epoch: 9, step: 40, kind: 'lr', oldLr: at(10) * 0.25, newLr: at(10) * 0.125, reason },
    ]);
    expect(model.policy.scale).toBe(0.125);
    expect(model.lr).toBe(TINY_LR * 0.125);
    expect(model.policy.plateau).toMatchObject({ best: history.loss[0], bad: 2, cooldown: 0 });
  });

  it('(b) recordStepLr: one entry per step, the schedule values (scheduleValues) × the scale of the epoch', async () => {
    const schedule: ScheduleSpec = { name: 'cosine', decaySteps: 60 }; // unit 'step'
    const model = await create(TINY_LR);
    const history = await model.fit(train, { ...BASE, epochs: 12, schedule, plateau: FORCED_PLATEAU, recordStepLr: true });
    expectForcedPlateau(history);
    const steps = 12 * STEPS_PER_EPOCH;
    const values = scheduleValues(buildSchedule(schedule, TINY_LR), { steps });
    expect(history.stepLr).toHaveLength(steps);
    expect(history.stepLr).toEqual(values.map((v, i) => v * SCALE[Math.floor(i / STEPS_PER_EPOCH)]));
    expect(history.lr).toEqual(SCALE.map((_, e) => history.stepLr![e * STEPS_PER_EPOCH]));
    // The values really change within an epoch (a step-wise schedule), and without recordStepLr there is none.
    expect(history.stepLr![1]).toBeLessThan(history.stepLr![0]);
    const plain = await (await create(TINY_LR)).fit(train, { ...BASE, epochs: 2, schedule });
    expect(plain.stepLr).toBeUndefined();
  });

  it('(c) a callback raising ctx.lr each epoch composes with a schedule: the raise multiplies the scale', async () => {
    const schedule: ScheduleSpec = { name: 'exponential', rate: 0.8, unit: 'epoch' };
    const model = await create(0.05);
    const history = await model.fit(train, {
      ...BASE, epochs: 5, schedule,
      callbacks: { onEpochBegin: (epoch, ctx) => { if (epoch > 0) ctx.lr = ctx.lr * 2; } },
    });
    const s = buildSchedule(schedule, 0.05);
    const at = (e: number): number => s.lr(e * STEPS_PER_EPOCH, e);
    // scale 2^e: the schedule keeps decaying by 0.8 per epoch underneath the doubling.
    expect(history.lr).toEqual([at(0), at(1) * 2, at(2) * 4, at(3) * 8, at(4) * 16]);
    expect(history.events.map((e) => [e.epoch, e.step, e.kind, e.oldLr, e.newLr, e.reason])).toEqual([1, 2, 3, 4].map((e) =>
      [e, e * STEPS_PER_EPOCH, 'lr', at(e) * 2 ** (e - 1), at(e) * 2 ** e, 'set by a callback']));
    expect(model.policy.scale).toBe(16);
    expect(model.lr).toBe(0.05 * 16);
  });
});

describe('(d) bad specs: a typed LrlabError naming the field, before any training', () => {
  const bad: [string, Record<string, unknown>, string, 'INVALID_OPTION' | 'UNKNOWN_OPTION', ('mse' | 'classifier')?][] = [
    ['plateau factor negative', { plateau: { factor: -0.5 } }, 'fit.plateau.factor', 'INVALID_OPTION'],
    ['plateau factor 1', { plateau: { factor: 1 } }, 'fit.plateau.factor', 'INVALID_OPTION'],
    ['plateau factor 1.5', { plateau: { factor: 1.5 } }, 'fit.plateau.factor', 'INVALID_OPTION'],
    ['plateau patience −1', { plateau: { patience: -1 } }, 'fit.plateau.patience', 'INVALID_OPTION'],
    ['unknown plateau key', { plateau: { patiance: 2 } }, 'fit.plateau.patiance', 'UNKNOWN_OPTION'],
    ['unknown schedule name', { schedule: { name: 'cosine_annealing' } }, 'fit.schedule.name', 'UNKNOWN_OPTION'],
    // 3 epochs × 4 steps = 12 steps: a warmup of 12 (or more) steps never reaches its schedule.
    ['warmup as long as training', { schedule: { name: 'warmup', steps: 12 } }, 'fit.schedule.steps', 'INVALID_OPTION'],
    ['warmup longer than training', { schedule: { name: 'warmup', steps: 100 } }, 'fit.schedule.steps', 'INVALID_OPTION'],
    ['cyclical maxLr < baseLr', { schedule: { name: 'cyclical', baseLr: 0.1, maxLr: 0.01, stepSize: 4 } }, 'fit.schedule.maxLr', 'INVALID_OPTION'],
    ['cyclical maxLr < the optimizer lr', { schedule: { name: 'cyclical', maxLr: 0.01, stepSize: 4 } }, 'fit.schedule.maxLr', 'INVALID_OPTION'],
    ['plateau on valLoss without validation data', { plateau: { monitor: 'valLoss' } }, 'fit.plateau.monitor', 'INVALID_OPTION'],
    ['early stopping on valAccuracy without validation data', { earlyStopping: { monitor: 'valAccuracy' } }, 'fit.earlyStopping.monitor', 'INVALID_OPTION'],
    ['plateau on accuracy with an mse loss', { plateau: { monitor: 'accuracy' } }, 'fit.plateau.monitor', 'INVALID_OPTION', 'mse'],
    ['early stopping on accuracy with an mse loss', { earlyStopping: { monitor: 'accuracy' } }, 'fit.earlyStopping.monitor', 'INVALID_OPTION', 'mse'],
    ['earlyStopping unknown key', { earlyStopping: { patiense: 3 } }, 'fit.earlyStopping.patiense', 'UNKNOWN_OPTION'],
    ['divergence factor 1', { divergence: { factor: 1 } }, 'fit.divergence.factor', 'INVALID_OPTION'],
    ['divergence factor 0.5', { divergence: { factor: 0.5 } }, 'fit.divergence.factor', 'INVALID_OPTION'],
    ['divergence unknown key', { divergence: { ratio: 5 } }, 'fit.divergence.ratio', 'UNKNOWN_OPTION'],
  ];

  it.each(bad)('%s', async (_label, options, field, code, kind = 'classifier') => {
    const model = await create(0.05, kind === 'mse' ? { model: { ...CLASSIFIER, layers: [{ units: 16, activation: 'tanh' }, { units: 3 }], loss: 'mse' } } : {});
    await model.fit(train, { ...BASE, epochs: 1 }); // some history, so "unchanged" means something
    const weights = model.getWeights(), step = model.step, policy = JSON.stringify(model.policy);
    const error = await model.fit(train, { ...BASE, epochs: 3, ...options } as unknown as FitOptions).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(LrlabError);
    expect(error).toMatchObject({ field, code });
    expect((error as LrlabError).message).toContain(field);
    expect(sameBits(model.getWeights(), weights)).toBe(true);
    expect(model.epochsTrained).toBe(1);
    expect(model.step).toBe(step);
    expect(JSON.stringify(model.policy)).toBe(policy);
  });

  // A refused fit must leave the model as it was, its policy state included (it is saved with the model).
  // Here the plateau and early-stopping specs are fine and only the divergence spec is bad.
  it('a refusal later in the spec does not leave plateau/early-stopping state behind in model.policy', async () => {
    const model = await create(0.05);
    await model.fit(train, { ...BASE, epochs: 1 });
    const policy = JSON.stringify(model.policy);
    await expect(model.fit(train, { ...BASE, epochs: 3, plateau: { monitor: 'loss' }, earlyStopping: { monitor: 'loss' }, divergence: { factor: 1 } }))
      .rejects.toMatchObject({ field: 'fit.divergence.factor' });
    expect(JSON.stringify(model.policy)).toBe(policy);
  });
});

describe('(e) the divergence guard on the tutorial experiment', () => {
  const withLr = (lr: number): ExperimentSpec => ({ ...TUTORIAL_EXPERIMENT, optimizer: { ...TUTORIAL_EXPERIMENT.optimizer, lr } });

  it("Adam at lr 100 → 'diverged' by the guard (cause recorded); SGD lr 0.01 → 'completed'", async () => {
    const high = await runExperiment({ ...TUTORIAL_EXPERIMENT, optimizer: { name: 'adam', lr: 100 } });
    expect(high.history.status).toBe('diverged');
    const last = high.history.events[high.history.events.length - 1];
    expect(last.kind).toBe('diverged');
    expect(last.cause).toBe('guard');
    expect(last.reason).toMatch(/stayed above .* \(10 × the best smoothed loss .*\) for 50 batches in a row/);
    expect(high.history.loss.every(Number.isFinite)).toBe(true); // stopped before any NaN
    expect(high.history.epoch.length).toBeLessThan(200);
    expect(high.model.epochsTrained).toBe(high.history.epoch.length);

    const good = await runExperiment(withLr(0.01));
    expect(good.history.status).toBe('completed');
    expect(good.history.epoch).toHaveLength(200);
    expect(good.history.events.filter((e) => e.kind === 'diverged')).toEqual([]);
  });

  it('SGD at lr 1.0 (momentum 0.9) is spiky but never sustains an explosion: it completes', async () => {
    const run = await runExperiment(withLr(1.0));
    expect(run.history.status).toBe('completed');
    expect(run.history.loss[0]).toBeGreaterThan(10 * run.history.loss[run.history.loss.length - 1]); // measured: 52 → 0.6
  });

  it('divergence: false at lr 1.0 completes (only a non-finite loss would count)', async () => {
    const spec = withLr(1.0);
    const data = await loadData(spec.data);
    const { train: t, test } = trainTestSplit(data, spec.split);
    const model = await Model.create({ model: spec.model, optimizer: spec.optimizer, seed: spec.seed });
    const history = await model.fit(t, { epochs: spec.epochs, batchSize: spec.batchSize, validationData: test, divergence: false });
    expect(history.status).toBe('completed');
    expect(history.epoch).toHaveLength(200);
    expect(history.loss.every(Number.isFinite)).toBe(true);
  });
});

describe('(f) plateau and schedule state survive save/load', () => {
  const config: ModelConfig = { model: CLASSIFIER, optimizer: { name: 'adam', lr: 0.02 }, seed: 1, backend: 'wasm' };
  const options = (epochs: number): FitOptions => ({
    ...BASE, epochs, validationData: val,
    schedule: { name: 'warmup', steps: 8, schedule: { name: 'cosine', decaySteps: 200 } },
    plateau: { factor: 0.5, patience: 1, threshold: 0.1, increase: { factor: 1.5, patience: 3, maxLr: 0.05 } },
    earlyStopping: { patience: 50, restoreBestWeights: true },
  });

  it('10 epochs, save, load into a new model, fit to 20 == an uninterrupted 20-epoch fit, bit for bit', async () => {
    const reference = await Model.create(config);
    let policyAt10: unknown;
    const whole = await reference.fit(train, {
      ...options(20),
      callbacks: { onEpochEnd: (epoch) => { if (epoch === 9) policyAt10 = JSON.parse(JSON.stringify(reference.policy)); } },
    });
    expect(whole.status).toBe('completed');
    // The policy did act, before and after the checkpoint.
    const lrEpochs = whole.events.filter((e) => e.kind === 'lr').map((e) => e.epoch);
    expect(lrEpochs.some((e) => e < 10)).toBe(true);
    expect(lrEpochs.some((e) => e >= 10)).toBe(true);

    const first = await Model.create(config);
    const head = await first.fit(train, options(10));
    expect(first.policy).toEqual(policyAt10);
    const resumed = await Model.load(first.save());
    expect(resumed.policy).toEqual(policyAt10);
    expect(resumed.epochsTrained).toBe(10);
    const tail = await resumed.fit(train, options(20));
    expect(tail.epoch[0]).toBe(10);

    const strip = (h: History) => ({ ...h, time: [] });
    const joined = { ...strip(head) };
    for (const key of ['epoch', 'loss', 'accuracy', 'valLoss', 'valAccuracy', 'lr'] as const) {
      joined[key] = [...head[key]!, ...tail[key]!];
    }
    joined.events = [...head.events, ...tail.events];
    expect(joined).toEqual(strip(whole));
    expect(sameBits(resumed.getWeights(), reference.getWeights())).toBe(true);
    for (let k = 0; k < reference.internals.slotCount; k++) {
      expect(sameBits(resumed.internals.slot(k), reference.internals.slot(k))).toBe(true);
    }
    expect(resumed.step).toBe(reference.step);
    expect(resumed.policy).toEqual(reference.policy);
    expect(resumed.policy.scale).not.toBe(1);
  });
});
