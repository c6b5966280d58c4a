// The training step and the passes built on it. One call of trainBatch does
// gather → forward → loss → backward → update for one minibatch.
import {
  layerCount, field, ptrField, L_IN, L_OUT, L_ACT, L_W, L_B, L_A, L_Z, inputDim, outputDim, batchCap,
  batchXPtr, batchYPtr, packPtr, grad0Ptr, grad1Ptr, permPtr, slotX, slotY, slotRows, lrTablePtr, lossTablePtr,
} from './arena';
import { denseForward, denseBackward, denseActivationBackward, denseBackwardLowestPair } from './layers/dense';
import { lossAndGradient, lastCorrect, LOSS_CCE, LOSS_BCE } from './kernels/losses';
import { ACT_SOFTMAX, ACT_SIGMOID, ACT_RELU } from './kernels/activations';
import { packPairUnits, pairCrossEntropy, pairPackBytes, narrowCorrect, PAIR_MAX } from './kernels/narrow-forward';
import { packBytes } from './kernels/gemm';
import { applyUpdate } from './optimizers/index';
import { rngSeed, nextU32 } from './random';
import { copyFloats } from './kernels/vector';

let lossKind: i32 = 0;
export let correctCount: i32 = 0; // of the last trainBatch / evaluate call
export let epochCorrect: i32 = 0; // summed over the trainBatch calls since beginEpoch, read once per epoch

export function setLoss(kind: i32): void {
  lossKind = kind;
}

/** Fisher-Yates over the train rows with the epoch's own stream of the seed (or the identity). */
export function beginEpoch(seed: u32, epoch: i32, shuffle: bool): void {
  const n = slotRows(0);
  epochCorrect = 0;
  for (let i = 0; i < n; i++) store<i32>(permPtr + (<usize>i << 2), i);
  if (!shuffle) return;
  rngSeed(seed, <u32>epoch + 1);
  for (let i = n - 1; i > 0; i--) {
    const j = <i32>(nextU32() % <u32>(i + 1));
    const a = permPtr + (<usize>i << 2), b = permPtr + (<usize>j << 2);
    const t = load<i32>(a);
    store<i32>(a, load<i32>(b));
    store<i32>(b, t);
  }
}

// Before a loss, cross-entropy computes the output softmax itself (kernels/losses.ts).
function forward(x: usize, rows: i32, forLoss: bool): void {
  const last = forLoss && lossKind == LOSS_CCE ? layerCount - 1 : layerCount;
  let input = x;
  for (let l = 0; l < layerCount; l++) {
    denseForward(l, input, rows, l != last);
    input = ptrField(l, L_A);
  }
}

function outputLoss(y: usize, rows: i32, withGradient: bool, scaleRows: i32): f64 {
  const last = layerCount - 1;
  const loss = lossAndGradient(lossKind, ptrField(last, L_Z), ptrField(last, L_A), y, grad0Ptr, rows, field(last, L_OUT), withGradient, scaleRows);
  correctCount = lastCorrect;
  return loss;
}

/**
 * Forward, loss and backward on rows at x (targets at y), as part of a batch
 * of `batchRows` rows; grads end up in the grads area. Returns the summed loss.
 */
function gradients(x: usize, y: usize, rows: i32, batchRows: i32): f64 {
  forward(x, rows, true);
  const loss = outputLoss(y, rows, true, batchRows);
  const last = layerCount - 1;
  const act = field(last, L_ACT);
  // Softmax + CE and sigmoid + BCE already produced dZ; other pairs produced dA.
  const fused = (lossKind == LOSS_CCE && act == ACT_SOFTMAX) || (lossKind == LOSS_BCE && act == ACT_SIGMOID);
  if (!fused) denseActivationBackward(last, grad0Ptr, rows);
  let d = grad0Ptr, other = grad1Ptr;
  for (let l = last; l >= 0; l--) {
    if (l == 1 && denseBackwardLowestPair(x, d, rows)) break;
    const input = l == 0 ? x : ptrField(l - 1, L_A);
    denseBackward(l, input, d, l == 0 ? 0 : other, rows);
    const t = d; d = other; other = t;
  }
  return loss;
}

/** Copies rows perm[start .. start+rows) of the train slot into the batch buffers. */
function gatherBatch(start: i32, rows: i32): void {
  const inDim = inputDim(), outDim = outputDim();
  const inBytes = <usize>inDim << 2, outBytes = <usize>outDim << 2;
  const x = slotX(0), y = slotY(0);
  for (let r = 0; r < rows; r++) {
    const row = <usize>load<i32>(permPtr + (<usize>(start + r) << 2));
    copyFloats(batchXPtr + <usize>r * inBytes, x + row * inBytes, inDim);
    copyFloats(batchYPtr + <usize>r * outBytes, y + row * outBytes, outDim);
  }
}

/** Trains on rows perm[start .. start+rows) of the train slot; returns their mean loss. */
export function trainBatch(start: i32, rows: i32, lr: f32): f64 {
  gatherBatch(start, rows);
  const loss = gradients(batchXPtr, batchYPtr, rows, rows) / <f64>rows;
  epochCorrect += correctCount;
  applyUpdate(lr);
  return loss;
}

/**
 * One thread's part of a data-parallel step: the gradients of rows
 * perm[start .. start+rows), scaled as part of a batch of `batchRows` rows
 * (so the parts add up to the batch's gradient), without the update.
 * Returns the summed loss of the rows; correctCount counts them.
 */
export function sliceGradients(start: i32, rows: i32, batchRows: i32): f64 {
  gatherBatch(start, rows);
  return gradients(batchXPtr, batchYPtr, rows, batchRows);
}

/**
 * Batches first … first+count−1 of the epoch (batch b: rows b·size … of the
 * order, the last one of the epoch may be short), each exactly as one
 * trainBatch call with the LR at lrTable[b − first]; its loss goes to
 * lossTable[b − first]. Stops after a batch whose loss is not finite or above
 * `bound` (the caller then judges it). Returns the number of batches trained.
 */
export function trainBatches(first: i32, count: i32, size: i32, bound: f64): i32 {
  const n = slotRows(0);
  for (let i = 0; i < count; i++) {
    const start = (first + i) * size;
    const loss = trainBatch(start, min(size, n - start), load<f32>(lrTablePtr + (<usize>i << 2)));
    store<f64>(lossTablePtr + (<usize>i << 3), loss);
    if (!isFinite(loss) || loss > bound) return i + 1;
  }
  return count;
}

/** Gradients only (no update) of rows [start, start+rows) of a slot, in order; returns their mean loss. */
export function computeGradients(slot: i32, start: i32, rows: i32): f64 {
  return gradients(slotX(slot) + ((<usize>start * <usize>inputDim()) << 2),
                   slotY(slot) + ((<usize>start * <usize>outputDim()) << 2), rows, rows) / <f64>rows;
}

/** Loss summed over all rows of a slot, in chunks of batchCap; correctCount totals the chunks. */
export function evaluateSlot(slot: i32): f64 {
  const n = slotRows(slot);
  let total: f64 = 0;
  let correct = 0;
  const pair = smallClassifier();
  if (pair) packPairUnits(packPtr, ptrField(0, L_W), ptrField(0, L_B), ptrField(1, L_W), ptrField(1, L_B), field(0, L_IN), field(0, L_OUT), field(1, L_OUT));
  for (let start = 0; start < n; start += batchCap) {
    const rows = min(batchCap, n - start);
    const x = slotX(slot) + ((<usize>start * <usize>inputDim()) << 2), y = slotY(slot) + ((<usize>start * <usize>outputDim()) << 2);
    if (pair) {
      total += pairCrossEntropy(x, y, rows, field(0, L_IN), field(0, L_OUT), field(1, L_OUT), packPtr); // kernels/narrow-forward.ts
      correct += narrowCorrect;
      continue;
    }
    forward(x, rows, true);
    total += outputLoss(y, rows, false, rows);
    correct += correctCount;
  }
  correctCount = correct;
  return total;
}

// Up to 4 inputs → relu units → up to 4 classes, cross-entropy: the networks whose evaluation is fused.
function smallClassifier(): bool {
  return layerCount == 2 && lossKind == LOSS_CCE && field(0, L_IN) <= PAIR_MAX && field(0, L_ACT) == ACT_RELU
    && field(1, L_OUT) <= PAIR_MAX && field(1, L_ACT) != ACT_RELU && pairPackBytes(field(0, L_OUT)) <= packBytes(field(0, L_OUT));
}

/** Forward pass of rows [start, start+rows) of a slot (rows <= batchCap); the output is in the last layer's A. */
export function predictRows(slot: i32, start: i32, rows: i32): usize {
  forward(slotX(slot) + ((<usize>start * <usize>inputDim()) << 2), rows, false);
  return ptrField(layerCount - 1, L_A);
}
