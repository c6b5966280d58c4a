// Activations, forward (Z -> A) and backward (dA -> dZ, in place), on
// [rows × cols] row-major f32. Formulas:
//   relu        a = z > 0 ? z : 0                 da/dz = z > 0 ? 1 : 0
//   leaky_relu  a = z > 0 ? z : alpha z            da/dz = z > 0 ? 1 : alpha
//   elu         a = z > 0 ? z : alpha (e^z - 1)    da/dz = z > 0 ? 1 : a + alpha
//   sigmoid     a = 1 / (1 + e^-z)                 da/dz = a (1 - a)
//   tanh        a = tanh z                         da/dz = 1 - a²
//   softmax     a_j = e^(z_j - max z) / Σ e^(z_k - max z)   (per row; max keeps e^ finite)
//               dz_j = a_j (da_j - Σ_k da_k a_k)
// The js backend (bindings/backend/js/activations.ts) mirrors each f32 operation.
import { exp2Lanes } from './exp';

export const ACT_LINEAR: i32 = 0;
export const ACT_RELU: i32 = 1;
export const ACT_LEAKY_RELU: i32 = 2;
export const ACT_ELU: i32 = 3;
export const ACT_SIGMOID: i32 = 4;
export const ACT_TANH: i32 = 5;
export const ACT_SOFTMAX: i32 = 6;

export function activationForward(kind: i32, alpha: f32, z: usize, a: usize, rows: i32, cols: i32): void {
  const count = <usize>rows * <usize>cols;
  if (kind == ACT_LINEAR) {
    if (a != z) memory.copy(a, z, count << 2);
  } else if (kind == ACT_RELU) {
    const zero = f32x4.splat(0);
    let i: usize = 0;
    for (; i + 4 <= count; i += 4) {
      const v = v128.load(z + (i << 2));
      v128.store(a + (i << 2), f32x4.pmax(zero, v)); // 0 < v ? v : 0, as the scalar tail
    }
    for (; i < count; i++) {
      const v = load<f32>(z + (i << 2));
      store<f32>(a + (i << 2), v > 0 ? v : 0);
    }
  } else if (kind == ACT_SOFTMAX) {
    for (let r = 0; r < rows; r++) {
      softmaxRow(z + ((<usize>r * <usize>cols) << 2), a + ((<usize>r * <usize>cols) << 2), cols);
    }
  } else {
    for (let i: usize = 0; i < count; i++) {
      store<f32>(a + (i << 2), activate(kind, alpha, load<f32>(z + (i << 2))));
    }
  }
}

// d holds dA on entry and dZ on return. One loop per kind (no per-element
// dispatch); the vector bodies do exactly the scalar operations, lane by lane.
export function activationBackward(kind: i32, alpha: f32, z: usize, a: usize, d: usize, rows: i32, cols: i32): void {
  const count = <usize>rows * <usize>cols;
  const n4 = count & ~(<usize>3);
  if (kind == ACT_LINEAR) return;
  if (kind == ACT_SOFTMAX) {
    for (let r = 0; r < rows; r++) {
      const off = (<usize>r * <usize>cols) << 2;
      let dot: f32 = 0;
      for (let j = 0; j < cols; j++) dot += load<f32>(d + off + (<usize>j << 2)) * load<f32>(a + off + (<usize>j << 2));
      for (let j = 0; j < cols; j++) {
        const p = off + (<usize>j << 2);
        store<f32>(d + p, load<f32>(a + p) * (load<f32>(d + p) - dot));
      }
    }
    return;
  }
  const zero = f32x4.splat(0), one = f32x4.splat(1), slope = f32x4.splat(alpha);
  let i: usize = 0;
  if (kind == ACT_RELU || kind == ACT_LEAKY_RELU) {
    const leaky = kind == ACT_LEAKY_RELU;
    for (; i < n4; i += 4) {
      const p = i << 2;
      const g = v128.load(d + p);
      const negative = leaky ? f32x4.mul(slope, g) : zero;
      v128.store(d + p, v128.bitselect(g, negative, f32x4.gt(v128.load(z + p), zero)));
    }
    for (; i < count; i++) {
      const p = i << 2;
      const g = load<f32>(d + p);
      store<f32>(d + p, load<f32>(z + p) > 0 ? g : leaky ? alpha * g : 0);
    }
  } else if (kind == ACT_ELU) {
    for (; i < count; i++) {
      const p = i << 2;
      const g = load<f32>(d + p);
      store<f32>(d + p, load<f32>(z + p) > 0 ? g : g * (load<f32>(a + p) + alpha));
    }
  } else if (kind == ACT_SIGMOID) {
    for (; i < n4; i += 4) {
      const p = i << 2;
      const s = v128.load(a + p);
      v128.store(d + p, f32x4.mul(v128.load(d + p), f32x4.mul(s, f32x4.sub(one, s))));
    }
    for (; i < count; i++) {
      const p = i << 2;
      const s = load<f32>(a + p);
      store<f32>(d + p, load<f32>(d + p) * (s * (1 - s)));
    }
  } else {
    for (; i < n4; i += 4) {
      const p = i << 2;
      const t = v128.load(a + p);
      v128.store(d + p, f32x4.mul(v128.load(d + p), f32x4.sub(one, f32x4.mul(t, t))));
    }
    for (; i < count; i++) {
      const p = i << 2;
      const t = load<f32>(a + p);
      store<f32>(d + p, load<f32>(d + p) * (1 - t * t));
    }
  }
}

@inline
function activate(kind: i32, alpha: f32, v: f32): f32 {
  if (kind == ACT_LEAKY_RELU) return v > 0 ? v : alpha * v;
  if (kind == ACT_ELU) return v > 0 ? v : alpha * Mathf.expm1(v);
  if (kind == ACT_SIGMOID) return sigmoid(v);
  return Mathf.tanh(v);
}

// Two branches so that e^x never overflows.
@inline
export function sigmoid(v: f32): f32 {
  if (v >= 0) return 1 / (1 + Mathf.exp(-v));
  const e = Mathf.exp(v);
  return e / (1 + e);
}

// f32.max (NaN if either is, +0 over −0) in a vector lane: V8 compiles the
// scalar instruction with branches on the operands, mispredicted whenever the
// larger one is random, and the vector one without.
@inline
export function maxf(a: f32, b: f32): f32 {
  return f32x4.extract_lane(f32x4.max(f32x4.splat(a), f32x4.splat(b)), 0);
}

// One row's softmax.
@inline
function softmaxRow(z: usize, a: usize, cols: i32): void {
  let m = load<f32>(z);
  for (let j = 1; j < cols; j++) m = maxf(m, load<f32>(z + (<usize>j << 2)));
  // The exponentials two at a time (kernels/exp.ts: Mathf.exp's bits), summed in column order.
  let sum: f32 = 0;
  const vm = f32x4.splat(m);
  let j = 0;
  for (; j + 2 <= cols; j += 2) {
    const p = <usize>j << 2;
    const e = exp2Lanes(f32x4.sub(v128.load64_zero(z + p), vm));
    v128.store64_lane(a + p, e, 0);
    sum += f32x4.extract_lane(e, 0);
    sum += f32x4.extract_lane(e, 1);
  }
  if (j < cols) {
    const e = Mathf.exp(load<f32>(z + (<usize>j << 2)) - m);
    store<f32>(a + (<usize>j << 2), e);
    sum += e;
  }
  for (let j = 0; j < cols; j++) store<f32>(a + (<usize>j << 2), load<f32>(a + (<usize>j << 2)) / sum);
}
