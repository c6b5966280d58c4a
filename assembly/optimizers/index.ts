// The optimizer of the model: its kind and hyperparameters, set once, and the
// update of all parameters at once (params, grads and slots are contiguous).
import { paramCount, paramsPtr, gradsPtr, slotsPtr, slotStride, scalarsPtr } from '../arena';
import { regularize } from './regularize';
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

/** One optimizer step with learning rate lr on the gradients in grads. */
export function applyUpdate(lr: f32): void {
  const n = slotStride; // paramCount padded to a multiple of 4 with zeros: the rules run in f32x4 lanes
  const p = paramsPtr, g = gradsPtr;
  const stride = <usize>slotStride << 2;
  const s0 = slotsPtr, s1 = slotsPtr + stride, s2 = slotsPtr + 2 * stride;
  const t = load<f64>(scalarsPtr) + 1.0;
  store<f64>(scalarsPtr, t);
  regularize(p, g, paramCount, clipValue, clipNorm, l2);
  if (optimizerKind == OPT_SGD) sgdStep(p, g, s0, n, lr, h0, (flags & FLAG_NESTEROV) != 0);
  else if (optimizerKind == OPT_ADAGRAD) adagradStep(p, g, s0, n, lr, h0);
  else if (optimizerKind == OPT_RMSPROP) rmspropStep(p, g, s0, s1, s2, n, lr, h0, h1, h2, (flags & FLAG_CENTERED) != 0);
  else if (optimizerKind == OPT_ADADELTA) adadeltaStep(p, g, s0, s1, n, lr, h0, h1);
  else if (optimizerKind == OPT_ADAM) adamStep(p, g, s0, s1, s2, n, lr, h0, h1, h2, t, (flags & FLAG_AMSGRAD) != 0, h3);
  else if (optimizerKind == OPT_ADAMAX) adamaxStep(p, g, s0, s1, n, lr, h0, h1, h2, t);
  else store<f64>(scalarsPtr, nadamStep(p, g, s0, s1, n, lr, h0, h1, h2, h3, t, load<f64>(scalarsPtr, 8)), 8);
}
