// The exported ABI of lrlab.wasm, nothing else. Only integers and floats cross
// the boundary: TypeScript reads and writes params, grads, slots and data
// through Float32Array views at the addresses these functions return.
//
// Setup, once per model:  (dataReset, when reusing a disposed model's instance,) setLayerCount,
//                         setLayer (+ setLayerLrScale) × L, setLoss, setOptimizer, layout, initParams, resetOptimizer
// Once per data set:      dataReset, dataReserve (then TS writes rows at dataXPtr/dataYPtr)
// Training:               beginEpoch once per epoch, trainBatch once per minibatch (or
//                         trainBatches for many, with an LR table, where nothing observes single steps).
import * as arena from './arena';
import { initFill } from './init';
import { rngSeed } from './random';
import * as net from './network';
import * as opt from './optimizers/index';
import { ACT_LINEAR, ACT_RELU } from './kernels/activations';

export { setLayerCount, setLayer, setLayerLrScale, dataReset, dataReserve, scratchReserve } from './arena';
// The raw products, exported for kernel tests and benchmarks (the training path calls them internally;
// productNN with the bias start and the epilogues of the dense layers).
export { gemmNN, gemmNT, gemmTN, packBytes, productNN } from './kernels/gemm';
export { peakMulAdd } from './kernels/peak';
export { addFloats, firstNonFinite } from './kernels/vector';
export { backwardNarrowPair } from './kernels/narrow-backward';
export { logFloats } from './kernels/log';
export { setLoss, beginEpoch, trainBatch, trainBatches, sliceGradients, computeGradients, evaluateSlot, predictRows } from './network';
export { setOptimizer, resetOptimizer, applyUpdate, updateNormPart, updateRange } from './optimizers/index';

/** Lays out memory for batches of up to `cap` rows (after setOptimizer: it decides the slot count); returns the end of the model area. */
export function layout(cap: i32): usize {
  return arena.layout(cap, opt.slotsFor(opt.optimizerKind), ACT_LINEAR, ACT_RELU);
}

/** Draws every weight from the seed (stream 0), layer by layer, W then b (b is always zero). */
export function initParams(seed: u32): void {
  rngSeed(seed, 0);
  for (let l = 0; l < arena.layerCount; l++) {
    const inDim = arena.field(l, arena.L_IN), outDim = arena.field(l, arena.L_OUT);
    initFill(arena.ptrField(l, arena.L_W), inDim * outDim, arena.field(l, arena.L_INIT), inDim, outDim);
    memory.fill(arena.ptrField(l, arena.L_B), 0, <usize>outDim << 2);
  }
}

export function paramsPtr(): usize { return arena.paramsPtr; }
export function gradsPtr(): usize { return arena.gradsPtr; }
export function slotsPtr(): usize { return arena.slotsPtr; }
export function scalarsPtr(): usize { return arena.scalarsPtr; }
export function paramCount(): i32 { return arena.paramCount; }
export function slotStride(): i32 { return arena.slotStride; }
export function slotCount(): i32 { return arena.slotCount; }
export function dataXPtr(slot: i32): usize { return arena.slotX(slot); }
export function dataYPtr(slot: i32): usize { return arena.slotY(slot); }
export function lrTablePtr(): usize { return arena.lrTablePtr; }
export function lossTablePtr(): usize { return arena.lossTablePtr; }
export function correctCount(): i32 { return net.correctCount; }
export function epochCorrect(): i32 { return net.epochCorrect; }
