/**
 * The fit loop: epochs of minibatches, one backend call per minibatch, with
 * callbacks that may read and set the learning rate or stop, an AbortSignal,
 * and a History. A non-finite loss ends the fit with status 'diverged'.
 */
import { VALIDATION, type Backend } from './backend/types.js';
import { checkLearningRate } from './spec.js';
import { emptyHistory, recordEpoch, type EpochLogs, type History } from './history.js';
import type { Callbacks, ResolvedFitOptions, TrainingContext } from './fit-options.js';
import { yieldToEventLoop } from './yield.js';

/** The parts of a model the loop reads and advances. */
export interface TrainingState {
  backend: Backend;
  seed: number;
  lr: number;
  epochsTrained: number;
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
  const outputs = backend.model.layers[backend.model.layers.length - 1].units;
  // Binary accuracy counts every output; categorical accuracy counts rows.
  const perRow = loss === 'binary_crossentropy' ? outputs : 1;
  const history = emptyHistory(classification, data.validationRows > 0);
  const { batchSize, callbacks, signal } = options;
  let stopReason: string | undefined;
  let epoch = options.initialEpoch ?? state.epochsTrained;

  const ctx: TrainingContext = {
    get epoch() { return epoch; },
    get step() { return backend.scalars()[0]; },
    get lr() { return state.lr; },
    set lr(value: number) {
      const next = checkLearningRate('lr', value);
      if (next !== state.lr) {
        history.events.push({ epoch, step: backend.scalars()[0], kind: 'lr', oldLr: state.lr, newLr: next, reason: 'set by a callback' });
      }
      state.lr = next;
    },
    history,
    stop(reason = 'stopped by a callback') { stopReason ??= reason; },
  };

  let lastYield = now();
  for (; epoch < options.epochs; epoch++) {
    if (signal?.aborted) return finish(history, 'aborted', epoch, backend, 'the AbortSignal fired');
    const started = now();
    await each(callbacks, (cb) => cb.onEpochBegin?.(epoch, ctx));
    const epochLr = state.lr;
    backend.beginEpoch(state.seed, epoch, options.shuffle);
    let lossSum = 0, correct = 0, seen = 0, diverged = false;
    for (let start = 0, batch = 0; start < data.trainRows; start += batchSize, batch++) {
      for (const cb of callbacks) cb.onBatchBegin?.(batch, ctx);
      const rows = Math.min(batchSize, data.trainRows - start);
      const batchLoss = backend.trainBatch(start, rows, state.lr);
      lossSum += batchLoss * rows;
      correct += backend.lastCorrect();
      seen += rows;
      if (!Number.isFinite(batchLoss)) { diverged = true; break; }
      for (const cb of callbacks) cb.onBatchEnd?.(batch, batchLoss, ctx);
      if (stopReason !== undefined || signal?.aborted) break;
    }
    const logs: EpochLogs = { epoch, loss: lossSum / seen, lr: epochLr, time: 0 };
    if (classification) logs.accuracy = correct / (seen * perRow);
    if (data.validationRows > 0 && !diverged) {
      const totals = backend.evaluate(VALIDATION);
      logs.valLoss = totals.lossSum / data.validationRows;
      if (classification) logs.valAccuracy = totals.correct / (data.validationRows * perRow);
    }
    logs.time = now() - started;
    recordEpoch(history, logs);
    state.epochsTrained = epoch + 1;
    if (diverged) return finish(history, 'diverged', epoch, backend, `the training loss became ${logs.loss}`);
    if (signal?.aborted) return finish(history, 'aborted', epoch, backend, 'the AbortSignal fired');
    await each(callbacks, (cb) => cb.onEpochEnd?.(epoch, logs, ctx));
    if (stopReason !== undefined) return finish(history, 'stopped', epoch, backend, stopReason);
    if (now() - lastYield > YIELD_EVERY_MS) {
      await yieldToEventLoop();
      lastYield = now();
    }
  }
  if (signal?.aborted) return finish(history, 'aborted', epoch, backend, 'the AbortSignal fired');
  return history;
}

function finish(history: History, status: History['status'], epoch: number, backend: Backend, reason: string): History {
  history.status = status;
  if (status !== 'completed') {
    const kind = status === 'stopped' ? 'stop' : status;
    history.events.push({ epoch, step: backend.scalars()[0], kind, reason });
  }
  return history;
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

