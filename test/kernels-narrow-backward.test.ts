// The fused backward pass of a small network's two lowest layers
// (assembly/kernels/narrow-backward.ts: layer 1 with n ≤ 4 outputs over layer
// 0 with m ≤ 4 inputs and relu) against plain loops that do, per cell, the
// f32 operations of the separate passes it replaces: dW1 = Hᵀ·dZ1,
// dZ0 = dZ1·W1ᵀ masked by H > 0, dW0 = Xᵀ·dZ0 and db0 = Σ_rows dZ0,
// each from +0 with its terms in order. Bit-identical for every m and n, on
// hidden widths that take every tail lane, with exact zeros of both signs in
// every input (the pass starts dZ0 from its first product, not from +0), and
// nothing written outside the three outputs; references with a deliberate
// fault must not match. (test/narrow-pair-agreement.test.ts trains whole networks
// through it against the js backend.)
import { expect, it } from 'vitest';
import { instantiate } from '../bindings/backend/wasm-module.js';
import { createRng } from '../bindings/random.js';

const wasm = await instantiate();
const GUARD = 16; // floats checked on each side of every output
const f32 = Math.fround;

/** Normal draws with exact zeros of both signs mixed in (the mask treats −0 as 0; +0 + −0 is +0). */
function random(length: number, seed: number): Float32Array {
  const rng = createRng(seed, 13);
  return Float32Array.from({ length }, () => {
    const u = rng.uniform();
    return u < 0.05 ? -0 : u < 0.1 ? 0 : rng.normal();
  });
}

const bits = (x: Float32Array) => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));

interface Shape { rows: number; m: number; hidden: number; n: number }

/** Deliberate faults for the reference, each one a kernel could plausibly have: the test must see them. */
type Fault = 'none' | 'rows reversed' | 'mask at H ≥ 0' | 'sums from −0';

function reference(x: Float32Array, h: Float32Array, d: Float32Array, w: Float32Array, { rows, m, hidden, n }: Shape, fault: Fault = 'none') {
  const gw1 = new Float32Array(hidden * n), gw0 = new Float32Array(m * hidden), gb0 = new Float32Array(hidden);
  const dz = new Float32Array(rows * hidden);
  const from = fault === 'sums from −0' ? -0 : 0;
  const row = (k: number) => (fault === 'rows reversed' ? rows - 1 - k : k);
  for (let j = 0; j < hidden; j++) {
    for (let c = 0; c < n; c++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s = f32(s + f32(h[r * hidden + j] * d[r * n + c]));
      gw1[j * n + c] = s;
    }
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let c = 0; c < n; c++) s = f32(s + f32(d[r * n + c] * w[j * n + c]));
      dz[r * hidden + j] = h[r * hidden + j] > 0 || (fault === 'mask at H ≥ 0' && h[r * hidden + j] >= 0) ? s : 0;
    }
    for (let i = 0; i < m; i++) {
      let s = from;
      for (let k = 0; k < rows; k++) s = f32(s + f32(x[row(k) * m + i] * dz[row(k) * hidden + j]));
      gw0[i * hidden + j] = s;
    }
    let s = from;
    for (let k = 0; k < rows; k++) s = f32(s + dz[row(k) * hidden + j]);
    gb0[j] = s;
  }
  return [gw1, gw0, gb0];
}

function onWasm(x: Float32Array, h: Float32Array, d: Float32Array, w: Float32Array, shape: Shape) {
  const { rows, m, hidden, n } = shape;
  const outputs = [hidden * n, m * hidden, hidden];
  const sizes = [x.length, h.length, d.length, w.length, ...outputs.map((len) => len + 2 * GUARD)];
  const bytes = (len: number) => (len * 4 + 15) & ~15;
  const base = wasm.scratchReserve(sizes.reduce((s, len) => s + bytes(len), 0));
  const at: number[] = [];
  sizes.reduce((ptr, len) => (at.push(ptr), ptr + bytes(len)), base);
  const view = (i: number) => new Float32Array(wasm.memory.buffer, at[i], sizes[i]);
  [x, h, d, w].forEach((v, i) => view(i).set(v));
  for (const i of [4, 5, 6]) view(i).fill(12345);
  wasm.backwardNarrowPair(at[4] + GUARD * 4, at[5] + GUARD * 4, at[6] + GUARD * 4, at[0], at[1], at[2], at[3], rows, m, hidden, n);
  return outputs.map((len, q) => {
    const all = view(4 + q).slice();
    return { c: all.slice(GUARD, GUARD + len), guards: [...all.slice(0, GUARD), ...all.slice(GUARD + len)] };
  });
}

it('backwardNarrowPair gives the separate passes\' bits for m, n = 1 … 4 and every tail of the hidden width', () => {
  for (const m of [1, 2, 3, 4]) {
    for (const n of [1, 2, 3, 4]) {
      for (const hidden of [1, 2, 3, 4, 5, 7, 9, 50]) {
        for (const rows of [1, 3, 5, 32]) {
          const shape = { rows, m, hidden, n };
          const seed = ((m * 10 + n) * 100 + hidden) * 100 + rows;
          const x = random(rows * m, seed), d = random(rows * n, seed + 2), w = random(hidden * n, seed + 3);
          // H as a relu layer leaves it: +0 or positive.
          const h = random(rows * hidden, seed + 1).map((v) => (v > 0 ? v : 0));
          const expected = reference(x, h, d, w, shape);
          onWasm(x, h, d, w, shape).forEach((got, q) => {
            expect(bits(got.c), `${JSON.stringify(shape)} output ${q}`).toEqual(bits(expected[q]));
            expect(got.guards.every((g) => g === 12345)).toBe(true);
          });
        }
      }
    }
  }
});

it('the comparison catches a faulty pass: rows summed in reverse, relu\'s mask letting H = +0 through, sums from −0', () => {
  for (const fault of ['rows reversed', 'mask at H ≥ 0', 'sums from −0'] as const) {
    let caught = false;
    for (const [m, n, hidden, rows] of [[2, 3, 50, 1], [2, 3, 50, 32], [4, 4, 13, 5], [1, 1, 7, 3]]) {
      const shape = { rows, m, hidden, n }, seed = 77 * hidden + rows;
      const x = random(rows * m, seed), d = random(rows * n, seed + 2), w = random(hidden * n, seed + 3);
      const h = random(rows * hidden, seed + 1).map((v) => (v > 0 ? v : 0));
      const faulty = reference(x, h, d, w, shape, fault);
      caught ||= onWasm(x, h, d, w, shape).some((got, q) => bits(got.c).some((b, i) => b !== bits(faulty[q])[i]));
    }
    expect(caught, fault).toBe(true);
  }
});
