// The linear-memory layout. Everything lives at fixed 16-byte-aligned offsets
// after the static data, laid out once per model (layout) and once per data
// set (dataReserve); the training path only reads these offsets.
//
//   params | grads | optimizer slots (each as long as params) | scalars (f64)
//   | per layer: Z, A (A = Z for linear and relu) | batch X | batch Y | two gradient
//   buffers | a row of zeros | a product's packed panels | 16 spare bytes
//   | data: train X, Y, permutation, LR and loss per batch | val X, Y | scratch X, Y
//
// The products' tail columns read up to 12 bytes past a row (kernels/gemm.ts);
// the spare bytes keep those reads inside memory.
//
// Parameters of layer l: W [in×out] row-major (Keras's kernel shape), then b [out].

import { packBytes } from './kernels/gemm';

export const MAX_LAYERS = 64;
export const SCALAR_COUNT = 8; // f64: [0] step t, [1] Nadam's mu product, rest spare

// Per-layer descriptor, i32 fields.
export const L_IN = 0, L_OUT = 1, L_ACT = 2, L_ALPHA = 3, L_INIT = 4;
export const L_W = 5, L_B = 6, L_GW = 7, L_GB = 8, L_Z = 9, L_A = 10;
const L_LRSCALE = 11; // f32: the layer's LR multiplier (1 unless setLayerLrScale)
const L_FIELDS = 12;
const layers = memory.data(MAX_LAYERS * L_FIELDS * 4, 16);

export let layerCount = 0;
export let batchCap = 0;
export let paramCount = 0;
export let slotStride = 0; // elements from one slot to the next (paramCount rounded up to 4)
export let slotCount = 0;
export let paramsPtr: usize = 0;
export let gradsPtr: usize = 0;
export let slotsPtr: usize = 0;
export let scalarsPtr: usize = 0;
export let batchXPtr: usize = 0;
export let batchYPtr: usize = 0;
export let grad0Ptr: usize = 0;
export let grad1Ptr: usize = 0;
export let zeroRowPtr: usize = 0; // the starting row of a product that starts from zero
export let packPtr: usize = 0; // a product's packed panels of B and strips of A (kernels/gemm.ts packBytes)
let dataBase: usize = 0;
let dataTop: usize = 0;

// Data slots: 0 train, 1 validation, 2 scratch (evaluate/predict of anything else).
export const dataX = memory.data(3 * 8, 16);
export const dataY = memory.data(3 * 8, 16);
export const dataRows = memory.data(3 * 4, 16);
export let permPtr: usize = 0;
export let lrTablePtr: usize = 0; // f32 per batch
export let lossTablePtr: usize = 0; // f64 per batch

@inline export function field(l: i32, f: i32): i32 {
  return load<i32>(layers + ((<usize>(l * L_FIELDS + f)) << 2));
}
@inline export function ptrField(l: i32, f: i32): usize {
  return <usize>field(l, f);
}
@inline export function alphaOf(l: i32): f32 {
  return load<f32>(layers + ((<usize>(l * L_FIELDS + L_ALPHA)) << 2));
}
@inline function setField(l: i32, f: i32, v: i32): void {
  store<i32>(layers + ((<usize>(l * L_FIELDS + f)) << 2), v);
}

export function inputDim(): i32 { return field(0, L_IN); }
export function outputDim(): i32 { return field(layerCount - 1, L_OUT); }

export function setLayerCount(count: i32): void {
  layerCount = count;
}

export function setLayer(l: i32, inDim: i32, outDim: i32, act: i32, alpha: f32, init: i32): void {
  setField(l, L_IN, inDim);
  setField(l, L_OUT, outDim);
  setField(l, L_ACT, act);
  store<f32>(layers + ((<usize>(l * L_FIELDS + L_ALPHA)) << 2), alpha);
  setField(l, L_INIT, init);
  store<f32>(layers + ((<usize>(l * L_FIELDS + L_LRSCALE)) << 2), 1.0);
}

/** Layer l's parameters step with lr·scale (after setLayer, which resets it to 1). */
export function setLayerLrScale(l: i32, scale: f32): void {
  store<f32>(layers + ((<usize>(l * L_FIELDS + L_LRSCALE)) << 2), scale);
}

@inline export function lrScaleOf(l: i32): f32 {
  return load<f32>(layers + ((<usize>(l * L_FIELDS + L_LRSCALE)) << 2));
}

/** Whether any layer has an LR multiplier other than 1. */
export function lrScaled(): bool {
  for (let l = 0; l < layerCount; l++) if (lrScaleOf(l) != 1.0) return true;
  return false;
}

@inline function align16(x: usize): usize {
  return (x + 15) & ~(<usize>15);
}

function ensureMemory(end: usize): void {
  const have = <usize>memory.size() << 16;
  if (end > have) {
    const pages = <i32>((end - have + 0xffff) >>> 16);
    if (memory.grow(pages) < 0) unreachable();
  }
}

/** Lays out the model for batches of up to `cap` rows with `slots` optimizer slots; returns the end of the model area. */
export function layout(cap: i32, slots: i32, linearId: i32, reluId: i32): usize {
  batchCap = cap;
  slotCount = slots;
  let count = 0;
  let widest = 0;
  for (let l = 0; l < layerCount; l++) {
    const w = field(l, L_IN) * field(l, L_OUT);
    setField(l, L_W, count);
    count += w;
    setField(l, L_B, count);
    count += field(l, L_OUT);
    widest = max(widest, max(field(l, L_IN), field(l, L_OUT)));
  }
  paramCount = count;
  slotStride = (count + 3) & ~3;
  const bytes = <usize>slotStride << 2;
  let top = align16(__heap_base);
  paramsPtr = top; top += bytes;
  gradsPtr = top; top += bytes;
  slotsPtr = top; top += bytes * <usize>slots;
  scalarsPtr = top; top += SCALAR_COUNT * 8;
  for (let l = 0; l < layerCount; l++) {
    // Turn element offsets into byte addresses of params and grads.
    const w = field(l, L_W), b = field(l, L_B);
    setField(l, L_W, <i32>(paramsPtr + (<usize>w << 2)));
    setField(l, L_B, <i32>(paramsPtr + (<usize>b << 2)));
    setField(l, L_GW, <i32>(gradsPtr + (<usize>w << 2)));
    setField(l, L_GB, <i32>(gradsPtr + (<usize>b << 2)));
    const actBytes = <usize>(<usize>cap * <usize>field(l, L_OUT)) << 2;
    setField(l, L_Z, <i32>top); top = align16(top + actBytes);
    // A linear layer's A is its Z; a relu layer keeps only A (relu(Z) > 0 exactly
    // where Z > 0, which is all its backward pass asks of Z).
    const act = field(l, L_ACT);
    if (act == linearId || act == reluId) {
      setField(l, L_A, field(l, L_Z));
    } else {
      setField(l, L_A, <i32>top); top = align16(top + actBytes);
    }
  }
  batchXPtr = top; top = align16(top + ((<usize>cap * <usize>inputDim()) << 2));
  batchYPtr = top; top = align16(top + ((<usize>cap * <usize>outputDim()) << 2));
  grad0Ptr = top; top = align16(top + ((<usize>cap * <usize>widest) << 2));
  grad1Ptr = top; top = align16(top + ((<usize>cap * <usize>widest) << 2));
  zeroRowPtr = top; top = align16(top + (<usize>widest << 2) + 16);
  // A product's packed panels and strips: every dimension up to max(rows, widest).
  packPtr = top; top = align16(top + packBytes(max(cap, widest)));
  top += 16;
  dataBase = top;
  dataTop = top;
  ensureMemory(top);
  memory.fill(paramsPtr, 0, scalarsPtr + SCALAR_COUNT * 8 - paramsPtr);
  memory.fill(zeroRowPtr, 0, packPtr - zeroRowPtr);
  return top;
}

/** Forgets all data sets (the next dataReserve starts at the bottom of the data area). */
export function dataReset(): void {
  dataTop = dataBase;
  for (let s = 0; s < 3; s++) store<i32>(dataRows + (<usize>s << 2), 0);
}

/**
 * Reserves room for `rows` rows in a slot. Slots 0 and 1 stack up from the
 * data base (reserve 0 then 1 after a reset); slot 2 is scratch placed above
 * them and reused by every call, so predicting never grows memory for good.
 * The train slot also gets its permutation buffer.
 */
export function dataReserve(slot: i32, rows: i32): void {
  let top = dataTop;
  const x = top; top = align16(top + ((<usize>rows * <usize>inputDim()) << 2));
  const y = top; top = align16(top + ((<usize>rows * <usize>outputDim()) << 2));
  if (slot == 0) {
    permPtr = top; top = align16(top + (<usize>rows << 2));
    // An epoch has at most `rows` batches: room for each one's LR and loss (network.ts trainBatches).
    lrTablePtr = top; top = align16(top + (<usize>rows << 2));
    lossTablePtr = top; top = align16(top + (<usize>rows << 3));
  }
  ensureMemory(top);
  if (slot != 2) dataTop = top;
  store<usize>(dataX + (<usize>slot << 3), x);
  store<usize>(dataY + (<usize>slot << 3), y);
  store<i32>(dataRows + (<usize>slot << 2), rows);
}

/**
 * Scratch memory above the data (for kernel tests and benchmarks, never the
 * training path): `bytes` bytes at a 16-byte-aligned address, valid until the
 * next scratchReserve or dataReserve.
 */
export function scratchReserve(bytes: usize): usize {
  const start = align16(max(dataTop, __heap_base)); // before any layout, dataTop is 0: the static data (the kernels' tables)
  ensureMemory(start + bytes + 16); // room for the products' reads past a row
  return start;
}

@inline export function slotX(slot: i32): usize { return load<usize>(dataX + (<usize>slot << 3)); }
@inline export function slotY(slot: i32): usize { return load<usize>(dataY + (<usize>slot << 3)); }
@inline export function slotRows(slot: i32): i32 { return load<i32>(dataRows + (<usize>slot << 2)); }
