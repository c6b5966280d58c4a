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
/** What EpochLoop.end returns when the event loop is due a turn. */
const YIELD = 'yield';

export async function fitLoop(state: TrainingState, data: FitData, options: ResolvedFitOptions): Promise<History> {
  const loop = new EpochLoop(state, data, options);
  // Without callbacks, the epochs up to the next turn of the event loop run in one plain call, and this
  // async function goes round once per YIELD_EVERY_MS rather than once per epoch. Run per epoch it grew
  // hot, and the optimizing compiler, which builds an async function as a generator (every live value
  // saved and restored at each await), spent more on it than all its epochs took: ~30 ms of CPU per
  // thread that trains, taken from the trials on a pool where every core runs one.
  for (;;) {
    const next = loop.hooked ? await loop.epochWithCallbacks() : loop.epochsUntilYield();
    if (next === YIELD) {
      await yieldToEventLoop();
      loop.resumed();
    } else if (next) return next;
  }
}

/** One fit's epochs, step by step between fitLoop's awaits; each step returns the History when the fit ends there. */
class EpochLoop {
  readonly hooked: boolean;
  readonly #trainer: EpochTrainer;
  readonly #run: EpochRun;
  readonly #ctx: TrainingContext;
  readonly #state: TrainingState;
  readonly #epochs: number;
  #epoch: number;
  #started = 0;
  #ended = 0;
  #lastYield: number;
  #logs: EpochLogs | undefined;
  /** Whether #epoch has run (the next begin moves on to the next one). */
  #ran = false;
  readonly #weights: () => Float32Array;

  constructor(state: TrainingState, data: FitData, options: ResolvedFitOptions) {
    const { backend } = state;
    const loss = backend.model.loss;
    const classification = loss === 'categorical_crossentropy' || loss === 'binary_crossentropy';
    const { batchSize, callbacks, signal } = options;
    const stepsPerEpoch = Math.ceil(data.trainRows / batchSize);
    this.#state = state;
    this.#epochs = options.epochs;
    this.#epoch = options.initialEpoch ?? state.epochsTrained;
    const policy = new LrPolicy(options, {
      baseLr: backend.optimizer.lr, totalSteps: stepsPerEpoch * options.epochs, totalEpochs: options.epochs,
      hasValidation: data.validationRows > 0, classification,
    }, state.policy);
    const history = emptyHistory(classification, data.validationRows > 0);
    if (options.recordStepLr) history.stepLr = [];
    // lrEpoch: the epoch the LR is evaluated at: the current one during its batches, the next one at its end.
    const run: EpochRun = this.#run = { step: backend.scalars()[0], lrEpoch: this.#epoch, stopReason: undefined };
    const loop = this;
    this.#ctx = {
      get epoch() { return loop.#epoch; },
      get step() { return run.step; },
      get lr() { return policy.lr(run.step, run.lrEpoch); },
      set lr(value: number) {
        const next = checkLearningRate('lr', value);
        const old = policy.lr(run.step, run.lrEpoch);
        policy.setLr(next, run.step, run.lrEpoch);
        if (next !== old) history.events.push({ epoch: loop.#epoch, step: run.step, kind: 'lr', oldLr: old, newLr: next, reason: 'set by a callback' });
      },
      history,
      stop(reason = 'stopped by a callback') { run.stopReason ??= reason; },
    };
    // Allocated once per fit: the LR and the loss of each batch of an epoch, for trainBatches.
    const batched = !callbacks.some((cb) => cb.onBatchBegin || cb.onBatchEnd);
    this.#trainer = {
      backend, policy, ctx: this.#ctx, callbacks, signal, seed: state.seed, shuffle: options.shuffle, batchSize, stepsPerEpoch,
      trainRows: data.trainRows, validationRows: data.validationRows, classification,
      // Binary accuracy counts every output; categorical accuracy counts rows.
      perRow: loss === 'binary_crossentropy' ? backend.model.layers[backend.model.layers.length - 1].units : 1,
      batched, history,
      lrTable: new Float64Array(batched ? stepsPerEpoch : 0), lossTable: new Float64Array(batched ? stepsPerEpoch : 0),
      // The same LR at every step of an epoch: one schedule call fills the epoch's table.
      sameLrInEpoch: policy.schedule.unit === 'epoch' || policy.schedule.spec.name === 'constant',
    };
    // Without callbacks an epoch awaits nothing but the periodic yield (two awaits per epoch cost more JS than the rest of it).
    this.hooked = callbacks.length > 0;
    this.#weights = () => backend.params().slice();
    this.#lastYield = now();
  }

  /** Epochs until the fit ends (its History) or the event loop is due a turn (YIELD). */
  epochsUntilYield(): History | typeof YIELD {
    for (;;) {
      const ended = this.#begin() ?? this.#train() ?? this.#end();
      if (ended) return ended;
    }
  }

  /** One epoch with its callbacks: the History when the fit ends, YIELD when the event loop is due a turn, else null. */
  async epochWithCallbacks(): Promise<History | typeof YIELD | null> {
    const begun = this.#begin();
    if (begun) return begun;
    await this.#callEpochBegin();
    const trained = this.#train();
    if (trained) return trained;
    await this.#callEpochEnd();
    return this.#end();
  }

  /** The start of an epoch, or the end of the fit: all epochs done, or the signal fired. */
  #begin(): History | null {
    if (this.#ran) {
      this.#epoch++;
      this.#ran = false;
    }
    if (this.#epoch >= this.#epochs) return this.#trainer.history;
    if (this.#trainer.signal?.aborted) return this.#finish('aborted', 'the AbortSignal fired');
    this.#started = now();
    this.#run.lrEpoch = this.#epoch;
    return null;
  }

  #callEpochBegin(): Promise<void> {
    const epoch = this.#epoch, ctx = this.#ctx;
    return each(this.#trainer.callbacks, (cb) => cb.onEpochBegin?.(epoch, ctx));
  }

  /** The epoch's batches and validation, then the policy's decision at its end. */
  #train(): History | null {
    const t = this.#trainer, run = this.#run, epoch = this.#epoch;
    const { logs, diverged } = trainEpoch(t, run, epoch);
    this.#ended = now();
    logs.time = this.#ended - this.#started;
    this.#logs = logs;
    this.#ran = true;
    recordEpoch(t.history, logs);
    this.#state.epochsTrained = epoch + 1;
    run.lrEpoch = epoch + 1;
    if (diverged) return this.#finish('diverged', diverged.reason, diverged.cause);
    if (t.signal?.aborted) return this.#finish('aborted', 'the AbortSignal fired');
    const decision = t.policy.endEpoch(logs, run.step, this.#weights);
    if (decision.change) {
      const { oldLr, lr, reason } = decision.change;
      t.history.events.push({ epoch, step: run.step, kind: 'lr', oldLr, newLr: lr, reason });
    }
    if (decision.kind === 'stop') {
      if (decision.restore) {
        t.backend.params().set(decision.restore);
        t.history.events.push({ epoch, step: run.step, kind: 'restore', reason: `restored the weights of epoch ${this.#state.policy.earlyStopping!.bestEpoch}` });
      }
      return this.#finish('stopped', decision.reason);
    }
    return null;
  }

  #callEpochEnd(): Promise<void> {
    const epoch = this.#epoch, logs = this.#logs!, ctx = this.#ctx;
    return each(this.#trainer.callbacks, (cb) => cb.onEpochEnd?.(epoch, logs, ctx));
  }

  /** After the epoch's callbacks: the end of the fit if one asked to stop, YIELD when the event loop is due a turn. */
  #end(): History | typeof YIELD | null {
    if (this.#run.stopReason !== undefined) return this.#finish('stopped', this.#run.stopReason);
    return this.#ended - this.#lastYield > YIELD_EVERY_MS ? YIELD : null;
  }

  resumed(): void {
    this.#lastYield = now();
  }

  #finish(status: History['status'], reason: string, cause?: Divergence['cause']): History {
    const history = this.#trainer.history;
    history.status = status;
    history.events.push({ epoch: this.#epoch, step: this.#run.step, kind: status === 'stopped' ? 'stop' : status as 'diverged' | 'aborted', reason, ...(cause ? { cause } : {}) });
    return history;
  }
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
