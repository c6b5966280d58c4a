/**
 * Activations, forward and backward, mirroring assembly/kernels/activations.ts
 * operation by operation in f32 (see that file for the formulas). Only the
 * transcendental functions (exp, tanh…) may differ from the wasm ones in the
 * last bit.
 */
import type { Activation } from '../../spec.js';

const f = Math.fround;

export function activationForward(kind: Activation, alpha: number, z: Float32Array, a: Float32Array, rows: number, cols: number): void {
  const count = rows * cols;
  const al = f(alpha);
  switch (kind) {
    case 'linear': if (a !== z) a.set(z.subarray(0, count)); return;
    case 'relu': for (let i = 0; i < count; i++) a[i] = z[i] > 0 ? z[i] : 0; return;
    case 'leaky_relu': for (let i = 0; i < count; i++) a[i] = z[i] > 0 ? z[i] : f(al * z[i]); return;
    case 'elu': for (let i = 0; i < count; i++) a[i] = z[i] > 0 ? z[i] : f(al * f(Math.expm1(z[i]))); return;
    case 'sigmoid': for (let i = 0; i < count; i++) a[i] = sigmoid(z[i]); return;
    case 'tanh': for (let i = 0; i < count; i++) a[i] = Math.tanh(z[i]); return;
    case 'softmax': for (let r = 0; r < rows; r++) softmaxRow(z, a, r * cols, cols); return;
  }
}

/** d holds dA on entry and dZ on return. */
export function activationBackward(kind: Activation, alpha: number, z: Float32Array, a: Float32Array, d: Float32Array, rows: number, cols: number): void {
  const count = rows * cols;
  const al = f(alpha);
  switch (kind) {
    case 'linear': return;
    case 'relu': for (let i = 0; i < count; i++) d[i] = z[i] > 0 ? d[i] : 0; return;
    case 'leaky_relu': for (let i = 0; i < count; i++) d[i] = z[i] > 0 ? d[i] : f(al * d[i]); return;
    case 'elu': for (let i = 0; i < count; i++) d[i] = z[i] > 0 ? d[i] : f(d[i] * f(a[i] + al)); return;
    case 'sigmoid': for (let i = 0; i < count; i++) d[i] = f(d[i] * f(a[i] * f(1 - a[i]))); return;
    case 'tanh': for (let i = 0; i < count; i++) d[i] = f(d[i] * f(1 - f(a[i] * a[i]))); return;
    case 'softmax':
      for (let r = 0; r < rows; r++) {
        const off = r * cols;
        let dot = 0;
        for (let j = 0; j < cols; j++) dot = f(dot + f(d[off + j] * a[off + j]));
        for (let j = 0; j < cols; j++) d[off + j] = f(a[off + j] * f(d[off + j] - dot));
      }
  }
}

export function sigmoid(v: number): number {
  if (v >= 0) return f(1 / f(1 + f(Math.exp(-v))));
  const e = f(Math.exp(v));
  return f(e / f(1 + e));
}

function softmaxRow(z: Float32Array, a: Float32Array, off: number, cols: number): void {
  let m = z[off];
  for (let j = 1; j < cols; j++) m = Math.max(m, z[off + j]);
  let sum = 0;
  for (let j = 0; j < cols; j++) {
    const e = f(Math.exp(f(z[off + j] - m)));
    a[off + j] = e;
    sum = f(sum + e);
  }
  for (let j = 0; j < cols; j++) a[off + j] = f(a[off + j] / sum);
}
