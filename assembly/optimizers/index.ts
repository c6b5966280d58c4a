// The optimizer of the model: its kind and hyperparameters, set once, and the
// update of all parameters at once (params, grads and slots are contiguous).
// Layers with an lrScale ≠ 1 (PyTorch's parameter groups) are updated range by
// range with lr·scale; every rule is elementwise, so that equals one pass with a
// per-parameter lr.
import { paramCount, paramsPtr, gradsPtr, slotsPtr, slotStride, scalarsPtr, layerCount, field, ptrField, L_W, L_IN, L_OUT, lrScaleOf, lrScaled } from '../arena';
import { clipAndSquares, scaleAndDecay } from './regularize';
import { sgdStep } from './sgd';
import { adagradStep } from './adagrad';
import { rmspropStep } from './rmsprop';
import { adadeltaStep } from './adadelta';
import { adamStep } from './adam';
import { adamaxStep } from './adamax';
import { nadamStep } from './nadam';

export const OPT_SGD: i32 = 0;
export const OPT_ADAGRAD: i32 = 1;
export const OPT_RMSPROP: i32 = 2;
export const OPT_ADADELTA: i32 = 3;
export const OPT_ADAM: i32 = 4;
export const OPT_ADAMAX: i32 = 5;
export const OPT_NADAM: i32 = 6;

// Flags.
export const FLAG_NESTEROV: i32 = 1;
export const FLAG_CENTERED: i32 = 2;
export const FLAG_AMSGRAD: i32 = 4;
export const FLAG_KERAS_MOMENTUM: i32 = 8;
export const FLAG_KERAS_EPSILON: i32 = 16;

export let optimizerKind: i32 = OPT_SGD;
let flags: i32 = 0;
// Hyperparameters h0..h4, meaning per kind (see setOptimizer in bindings/backend/wasm.ts):
//   sgd: μ | adagrad: ε, s0 | rmsprop: ρ, μ, ε | adadelta: ρ, ε | adam: β1, β2, ε, λ_decoupled
//   adamax: β1, β2, ε | nadam: β1, β2, ε, ψ
let h0: f32 = 0, h1: f32 = 0, h2: f32 = 0, h3: f32 = 0;
let l2: f32 = 0, clipValue: f32 = 0, clipNorm: f32 = 0;

export function slotsFor(k: i32): i32 {
  if (k == OPT_SGD || k == OPT_ADAGRAD) return 1;
  if (k == OPT_RMSPROP || k == OPT_ADAM) return 3;
  return 2;
}

export function setOptimizer(k: i32, f: i32, a: f32, b: f32, c: f32, d: f32, decay: f32, clipV: f32, clipN: f32): void {
  optimizerKind = k; flags = f;
  h0 = a; h1 = b; h2 = c; h3 = d;
  l2 = decay; clipValue = clipV; clipNorm = clipN;
}

/** Fills the slots with their starting values (AdaGrad's initial accumulator, Nadam's Π = 1, t = 0). */
export function resetOptimizer(): void {
  const bytes = <usize>slotStride << 2;
  memory.fill(slotsPtr, 0, bytes * <usize>slotsFor(optimizerKind));
  store<f64>(scalarsPtr, 0);
  store<f64>(scalarsPtr, 1.0, 8);
  if (optimizerKind == OPT_ADAGRAD && h1 != 0) {
    for (let i: usize = 0; i < <usize>paramCount; i++) store<f32>(slotsPtr + (i << 2), h1);
  }
}

/** One optimizer step with learning rate lr (times each layer's lrScale) on the gradients in grads. */
export function applyUpdate(lr: f32): void {
  updateRange(lr, 0, slotStride, updateNormPart(0, slotStride, 0));
}

// A data-parallel step (bindings/backend/threads.ts) splits the update: each
// thread owns params [from, to) (multiples of 4; the last one ends at
// slotStride) and runs updateNormPart, then updateRange on its range only. The
// global Σ g² of clipNorm chains from thread to thread (each continues the
// previous one's sum), so it is the one index-order sum of applyUpdate. Every
// rule is elementwise: the ranges together give applyUpdate's bits.

/** Clips grads [from, to) by value; returns `sum` + their Σ g² in index order (clipNorm's sum; `sum` without clipNorm). */
export function updateNormPart(from: i32, to: i32, sum: f64): f64 {
  const n = min(to, paramCount) - from;
  return n > 0 ? clipAndSquares(gradsPtr + (<usize>from << 2), n, clipValue, clipNorm, sum) : sum;
}

/** Counts the step and updates params [from, to) and their slots, given Σ g² over all parameters (after updateNormPart). */
export function updateRange(lr: f32, from: i32, to: i32, sumSquares: f64): void {
  const t = load<f64>(scalarsPtr) + 1.0;
  store<f64>(scalarsPtr, t);
  const n = min(to, paramCount) - from;
  const off = <usize>from << 2;
  if (n > 0) scaleAndDecay(paramsPtr + off, gradsPtr + off, n, clipNorm, sumSquares, l2);
  const product = load<f64>(scalarsPtr, 8);
  let next = product;
  // slotStride: paramCount padded to a multiple of 4 with zeros, as the rules run in f32x4 lanes.
  if (!lrScaled()) next = rule(from, to - from, lr, t, product);
  else for (let l = 0; l < layerCount; l++) next = layerRule(l, lr * lrScaleOf(l), t, product, from, to);
  store<f64>(scalarsPtr, next, 8);
}

/** The rule on params [from, from + n) (n a multiple of 4); returns Nadam's new μ product (the old one for the others). */
function rule(from: i32, n: i32, lr: f32, t: f64, product: f64): f64 {
  const off = <usize>from << 2;
  const p = paramsPtr + off, g = gradsPtr + off;
  const stride = <usize>slotStride << 2;
  const s0 = slotsPtr + off, s1 = s0 + stride, s2 = s1 + stride;
  if (optimizerKind == OPT_SGD) sgdStep(p, g, s0, n, lr, h0, (flags & FLAG_NESTEROV) != 0, (flags & FLAG_KERAS_MOMENTUM) != 0);
  else if (optimizerKind == OPT_ADAGRAD) adagradStep(p, g, s0, n, lr, h0, (flags & FLAG_KERAS_EPSILON) != 0);
  else if (optimizerKind == OPT_RMSPROP) rmspropStep(p, g, s0, s1, s2, n, lr, h0, h1, h2, (flags & FLAG_CENTERED) != 0, (flags & FLAG_KERAS_EPSILON) != 0);
  else if (optimizerKind == OPT_ADADELTA) adadeltaStep(p, g, s0, s1, n, lr, h0, h1);
  else if (optimizerKind == OPT_ADAM) adamStep(p, g, s0, s1, s2, n, lr, h0, h1, h2, t, (flags & FLAG_AMSGRAD) != 0, h3, (flags & FLAG_KERAS_EPSILON) != 0);
  else if (optimizerKind == OPT_ADAMAX) adamaxStep(p, g, s0, s1, n, lr, h0, h1, h2, t);
  else return nadamStep(p, g, s0, s1, n, lr, h0, h1, h2, h3, t, product);
  return product;
}

// The lanes of a layer's first and last 4-blocks that belong to its neighbours, kept across its update:
// 2 blocks × (params + 3 slots) × 16 bytes.
const edges = memory.data(2 * 4 * 16, 16);

/**
 * The rule on layer l's parameters within [from, to) only: its range widened
 * to 4-blocks, the neighbours' lanes put back after. (from and to are
 * multiples of 4, so a cut inside the layer leaves whole blocks of it.) An
 * empty part still returns the rule's new Nadam product.
 */
function layerRule(l: i32, lr: f32, t: f64, product: f64, from: i32, to: i32): f64 {
  const start = <i32>((ptrField(l, L_W) - paramsPtr) >> 2);
  const end = start + (field(l, L_IN) + 1) * field(l, L_OUT);
  const lo = max(start & ~3, from), hi = min((end + 3) & ~3, to);
  if (hi <= lo) return rule(from, 0, lr, t, product);
  const arrays = 1 + slotsFor(optimizerKind);
  for (let k = 0; k < arrays; k++) {
    v128.store(edges + (<usize>k << 4), v128.load(edgeArray(k) + (<usize>lo << 2)));
    v128.store(edges + 64 + (<usize>k << 4), v128.load(edgeArray(k) + (<usize>(hi - 4) << 2)));
  }
  const next = rule(lo, hi - lo, lr, t, product);
  for (let k = 0; k < arrays; k++) {
    const base = edgeArray(k);
    for (let i = lo; i < start; i++) store<f32>(base + (<usize>i << 2), load<f32>(edges + (<usize>k << 4) + (<usize>(i - lo) << 2)));
    for (let i = end; i < hi; i++) store<f32>(base + (<usize>i << 2), load<f32>(edges + 64 + (<usize>k << 4) + (<usize>(i - hi + 4) << 2)));
  }
  return next;
}

/** Array k of the update: 0 the params, 1… the slots. */
@inline function edgeArray(k: i32): usize {
  return k == 0 ? paramsPtr : slotsPtr + (<usize>(k - 1) * <usize>slotStride << 2);
}
