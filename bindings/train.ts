/**
 * The fit loop: epochs of minibatches, one backend call per minibatch. Each
 * step's LR comes from the policy (schedule × scale); at each epoch's end the
 * policy may change the LR (plateau) or stop (early stopping), then callbacks
 * run and may set the LR or stop too. A diverging loss ends the fit with status
 * 'diverged'; an AbortSignal with status 'aborted'.
 *
 * When no callback watches single batches (onBatchBegin/onBatchEnd), the
 * epoch's LRs go to the backend as a table and many batches run per call
 * (Backend.trainBatches), with the same bits as one call each.
 */
import { VALIDATION, type Backend } from './backend/types.js';
import { checkLearningRate } from './spec.js';
import { emptyHistory, recordEpoch, type EpochLogs, type History } from './history.js';
import type { Callbacks, ResolvedFitOptions, TrainingContext } from './fit-options.js';
import { LrPolicy, type Divergence, type PolicyState } from './lr-policy.js';
import { yieldToEventLoop } from './yield.js';

/** The parts of a model the loop reads and advances. */
export interface TrainingState {
  backend: Backend;
  seed: number;
  epochsTrained: number;
  policy: PolicyState;
}

export interface FitData {
  trainRows: number;
  validationRows: number; // 0 for none
}

const YIELD_EVERY_MS = 20;

export async function fitLoop(state: TrainingState, data: FitData, options: ResolvedFitOptions): Promise<History> {
  const { backend } = state;
  const loss = backend.model.loss;
  const classification = loss === 'categorical_crossentropy' || loss === 'binary_crossentropy';
  const { batchSize, callbacks, signal } = options;
  const stepsPerEpoch = Math.ceil(data.trainRows / batchSize);
  let epoch = options.initialEpoch ?? state.epochsTrained;
  const policy = new LrPolicy(options, {
    baseLr: backend.optimizer.lr, totalSteps: stepsPerEpoch * options.epochs, totalEpochs: options.epochs,
    hasValidation: data.validationRows > 0, classification,
  }, state.policy);
  const history = emptyHistory(classification, data.validationRows > 0);
  if (options.recordStepLr) history.stepLr = [];
  // lrEpoch: the epoch the LR is evaluated at: the current one during its batches, the next one at its end.
  const run: EpochRun = { step: backend.scalars()[0], lrEpoch: epoch, stopReason: undefined };

  const ctx: TrainingContext = {
    get epoch() { return epoch; },
    get step() { return run.step; },
    get lr() { return policy.lr(run.step, run.lrEpoch); },
    set lr(value: number) {
      const next = checkLearningRate('lr', value);
      const old = policy.lr(run.step, run.lrEpoch);
      policy.setLr(next, run.step, run.lrEpoch);
      if (next !== old) history.events.push({ epoch, step: run.step, kind: 'lr', oldLr: old, newLr: next, reason: 'set by a callback' });
    },
    history,
    stop(reason = 'stopped by a callback') { run.stopReason ??= reason; },
  };
  const finish = (status: History['status'], reason: string, cause?: Divergence['cause']): History => {
    history.status = status;
    history.events.push({ epoch, step: run.step, kind: status === 'stopped' ? 'stop' : status as 'diverged' | 'aborted', reason, ...(cause ? { cause } : {}) });
    return history;
  };

  // Allocated once per fit: the LR and the loss of each batch of an epoch, for trainBatches.
  const batched = !callbacks.some((cb) => cb.onBatchBegin || cb.onBatchEnd);
  const trainer: EpochTrainer = {
    backend, policy, ctx, callbacks, signal, seed: state.seed, shuffle: options.shuffle, batchSize, stepsPerEpoch,
    trainRows: data.trainRows, validationRows: data.validationRows, classification,
    // Binary accuracy counts every output; categorical accuracy counts rows.
    perRow: loss === 'binary_crossentropy' ? backend.model.layers[backend.model.layers.length - 1].units : 1,
    batched, history,
    lrTable: new Float64Array(batched ? stepsPerEpoch : 0), lossTable: new Float64Array(batched ? stepsPerEpoch : 0),
    // The same LR at every step of an epoch: one schedule call fills the epoch's table.
    sameLrInEpoch: policy.schedule.unit === 'epoch' || policy.schedule.spec.name === 'constant',
  };
  const weights = () => backend.params().slice();
  // Without callbacks an epoch awaits nothing but the periodic yield (two awaits per epoch cost more JS than the rest of it).
  const hooked = callbacks.length > 0;

  let lastYield = now();
  for (; epoch < options.epochs; epoch++) {
    if (signal?.aborted) return finish('aborted', 'the AbortSignal fired');
    const started = now();
    run.lrEpoch = epoch;
    if (hooked) await each(callbacks, (cb) => cb.onEpochBegin?.(epoch, ctx));
    const { logs, diverged } = trainEpoch(trainer, run, epoch);
    const ended = now();
    logs.time = ended - started;
    recordEpoch(history, logs);
    state.epochsTrained = epoch + 1;
    run.lrEpoch = epoch + 1;
    if (diverged) return finish('diverged', diverged.reason, diverged.cause);
    if (signal?.aborted) return finish('aborted', 'the AbortSignal fired');
    const decision = policy.endEpoch(logs, run.step, weights);
    if (decision.change) {
      const { oldLr, lr, reason } = decision.change;
      history.events.push({ epoch, step: run.step, kind: 'lr', oldLr, newLr: lr, reason });
    }
    if (decision.kind === 'stop') {
      if (decision.restore) {
        backend.params().set(decision.restore);
        history.events.push({ epoch, step: run.step, kind: 'restore', reason: `restored the weights of epoch ${state.policy.earlyStopping!.bestEpoch}` });
      }
      return finish('stopped', decision.reason);
    }
    if (hooked) await each(callbacks, (cb) => cb.onEpochEnd?.(epoch, logs, ctx));
    if (run.stopReason !== undefined) return finish('stopped', run.stopReason);
    if (ended - lastYield > YIELD_EVERY_MS) {
      await yieldToEventLoop();
      lastYield = now();
    }
  }
  return history;
}

/** What changes from batch to batch and callbacks read: the step, the epoch the LR is taken at, a stop asked for. */
interface EpochRun {
  step: number;
  lrEpoch: number;
  stopReason: string | undefined;
}

/** What an epoch's training reads, fixed for the fit. */
interface EpochTrainer {
  backend: Backend;
  policy: LrPolicy;
  ctx: TrainingContext;
  callbacks: Callbacks[];
  signal?: AbortSignal;
  seed: number;
  shuffle: boolean;
  batchSize: number;
  stepsPerEpoch: number;
  trainRows: number;
  validationRows: number;
  classification: boolean;
  perRow: number;
  batched: boolean;
  history: History;
  lrTable: Float64Array;
  lossTable: Float64Array;
  sameLrInEpoch: boolean;
}

/**
 * One epoch's batches and validation, up to its logs (the caller times it). Synchronous and apart
 * from fitLoop: an async function keeps its locals in a heap context, where each new value of a
 * float (the loss sum, once per batch) was a fresh heap number.
 */
function trainEpoch(t: EpochTrainer, run: EpochRun, epoch: number): { logs: EpochLogs; diverged: Divergence | null } {
  const { backend, policy, ctx, callbacks, signal, batchSize, stepsPerEpoch, trainRows, lrTable, lossTable, history } = t;
  const epochLr = policy.lr(run.step, epoch);
  backend.beginEpoch(t.seed, epoch, t.shuffle);
  let lossSum = 0, seen = 0;
  let diverged: Divergence | null = null;
  // The step in a local while no callback can read it (no batch callbacks on this path).
  let step = run.step;
  for (let batch = 0; t.batched && batch < stepsPerEpoch && !diverged;) {
    // A stop or an abort asked for before the first batch still lets one batch run, as in the loop below.
    const single = run.stopReason !== undefined || signal?.aborted === true;
    const count = single ? 1 : stepsPerEpoch - batch;
    if (t.sameLrInEpoch) lrTable.fill(policy.lr(step, epoch), 0, count);
    else for (let i = 0; i < count; i++) lrTable[i] = policy.lr(step + i, epoch);
    // (A batch size above the rows means one batch of all of them: the same starts, and a size that fits an i32.)
    const trained = backend.trainBatches(batch, count, Math.min(batchSize, trainRows), lrTable, lossTable, policy.quietLossBound());
    // Batches after one that diverged are not counted (the core stops after such a batch anyway).
    const done = policy.checkBatchLosses(lossTable, trained);
    diverged = policy.diverged;
    for (let i = 0; i < done; i++) {
      history.stepLr?.push(lrTable[i]);
      const rows = Math.min(batchSize, trainRows - (batch + i) * batchSize);
      lossSum += lossTable[i] * rows;
      seen += rows;
    }
    step += done;
    batch += done;
    if (single) break;
  }
  if (t.batched) run.step = step;
  for (let start = 0, batch = 0; !t.batched && start < trainRows; start += batchSize, batch++) {
    for (const cb of callbacks) cb.onBatchBegin?.(batch, ctx);
    const rows = Math.min(batchSize, trainRows - start);
    const lr = policy.lr(run.step, epoch);
    history.stepLr?.push(lr);
    const batchLoss = backend.trainBatch(start, rows, lr);
    run.step++;
    lossSum += batchLoss * rows;
    seen += rows;
    diverged = policy.checkBatchLoss(batchLoss);
    if (diverged) break;
    for (const cb of callbacks) cb.onBatchEnd?.(batch, batchLoss, ctx);
    if (run.stopReason !== undefined || signal?.aborted) break;
  }
  const logs: EpochLogs = { epoch, loss: lossSum / seen, lr: epochLr, time: 0 };
  if (t.classification) logs.accuracy = backend.epochCorrect() / (seen * t.perRow);
  const validationRows = t.validationRows;
  if (validationRows > 0 && !diverged) {
    const totals = backend.evaluate(VALIDATION);
    logs.valLoss = totals.lossSum / validationRows;
    if (t.classification) logs.valAccuracy = totals.correct / (validationRows * t.perRow);
  } else if (validationRows > 0) {
    // A diverged epoch is not validated, but its entry keeps the History's arrays aligned.
    logs.valLoss = NaN;
    if (t.classification) logs.valAccuracy = NaN;
  }
  return { logs, diverged };
}

/** Runs a callback hook on every callback, awaiting only hooks that return a promise. */
async function each(callbacks: Callbacks[], hook: (cb: Callbacks) => void | Promise<void>): Promise<void> {
  for (const cb of callbacks) {
    const result = hook(cb);
    if (result instanceof Promise) await result;
  }
}

function now(): number {
  return performance.now();
}
