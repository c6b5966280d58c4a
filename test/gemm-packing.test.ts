// The packed paths of the large products (the strips of A in Aᵀ·B, the 4 × 4
// register transposes that pack Bᵀ in A·Bᵀ, the panel copies of A·B) against a
// naive loop written here: every cell is c0 + a_0·b_0 + a_1·b_1 + … in k order,
// each product and each sum rounded to f32, so the wasm result must match it
// bit for bit. Shapes are odd on purpose (m, k, n not multiples of 4 or 8,
// k = 1, a k past L1), the arrays sit at addresses that are not 16-byte aligned,
// the scratch starts full of NaNs, and the floats around C must stay untouched.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { instantiate } from '../bindings/backend/wasm-module.js';
import { createRng } from '../bindings/random.js';

type Kind = 'NN' | 'NT' | 'TN';
const wasm = await instantiate();
const f = Math.fround;
const GUARD = 8; // floats checked on each side of C

/** A [m×k] (TN: [k×m]), B [k×n] (NT: [n×k]); C starts at c0 (TN: the kernel overwrites, so the reference starts from 0). */
function naive(kind: Kind, c0: Float32Array, a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float32Array {
  const c = kind === 'TN' ? new Float32Array(m * n) : c0.slice();
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = c[i * n + j];
      for (let q = 0; q < k; q++) {
        const aq = kind === 'TN' ? a[q * m + i] : a[i * k + q];
        const bq = kind === 'NT' ? b[j * k + q] : b[q * n + j];
        acc = f(acc + f(aq * bq));
      }
      c[i * n + j] = acc;
    }
  }
  return c;
}

function random(length: number, seed: number): Float32Array {
  const rng = createRng(seed, 3);
  return Float32Array.from({ length }, () => rng.normal());
}

/** Runs the wasm product with every array 4 bytes past a 16-byte boundary; returns C and the guard floats around it. */
function onWasm(kind: Kind, c0: Float32Array, a: Float32Array, b: Float32Array, m: number, k: number, n: number) {
  const padded = (floats: number) => (((floats + 2 * GUARD) * 4 + 15) & ~15) + 16;
  const packBytes = wasm.packBytes(Math.max(m, k, n));
  const base = wasm.scratchReserve(padded(c0.length) + padded(a.length) + padded(b.length) + packBytes + 32);
  const pc = base + 4 + 4 * GUARD, pa = pc + padded(c0.length), pb = pa + padded(a.length), pp = pb + padded(b.length) + 4;
  const heap = new Float32Array(wasm.memory.buffer);
  heap.fill(NaN, pp / 4, (pp + packBytes) / 4);
  heap.fill(-7.5, pc / 4 - GUARD, pc / 4 + c0.length + GUARD);
  heap.set(c0, pc / 4);
  heap.set(a, pa / 4);
  heap.set(b, pb / 4);
  wasm[`gemm${kind}`](pc, pa, pb, m, k, n, pp);
  const after = new Float32Array(wasm.memory.buffer);
  return {
    c: after.slice(pc / 4, pc / 4 + c0.length),
    guards: [...after.slice(pc / 4 - GUARD, pc / 4), ...after.slice(pc / 4 + c0.length, pc / 4 + c0.length + GUARD)],
  };
}

const bits = (x: Float32Array) => new Uint32Array(x.buffer, x.byteOffset, x.length);

function check(kind: Kind, m: number, k: number, n: number): void {
  const seed = m * 1_000_003 + k * 1009 + n;
  const a = random(m * k, seed), b = random(k * n, seed + 1), c0 = random(m * n, seed + 2);
  const { c, guards } = onWasm(kind, c0, a, b, m, k, n);
  expect(bits(c)).toEqual(bits(naive(kind, c0, a, b, m, k, n)));
  expect(guards).toEqual(new Array(2 * GUARD).fill(-7.5));
}

// m ≥ 8 takes the packed paths; the 1–3 leftover rows and the 1–7 tail columns around them too.
const ROWS = [8, 9, 10, 11, 13, 67];
const COLS = [8, 9, 12, 15, 17, 40];
const DEPTHS = [1, 2, 3, 5, 6, 33];

describe.each(['NN', 'NT', 'TN'] as Kind[])('%s', (kind) => {
  it.each(ROWS)('m = %i, every odd k and n, bit for bit', (m) => {
    for (const k of DEPTHS) for (const n of COLS) check(kind, m, k, n);
  });

  it('long k (300 and 1,100 steps: the strips of A), and one-step products', () => {
    check(kind, 13, 1100, 19);
    check(kind, 67, 300, 17);
    check(kind, 11, 37, 137);
    check(kind, 64, 1, 33);
    check(kind, 1, 1, 8);
    check(kind, 7, 1100, 9);
  });

  // Blocks of rows (128 rows of strips at 256 steps of k; more when k is shorter) and of k
  // (256 steps: C stored after each and reloaded), with leftover rows and columns around the tiles.
  it('several blocks of rows and of k, with partial last blocks', () => {
    check(kind, 261, 519, 21); // 3 row blocks, 3 k-blocks (the last 7 steps), 1 leftover row, 5 tail columns
    check(kind, 130, 257, 8); // a last row block of 2 rows (in place), a last k-block of 1 step
    check(kind, 515, 40, 9); // k < 256: one k-block, row blocks of 816 rows (one here)
    check(kind, 136, 256, 16); // exactly one k-block and 34 strips
  });
});

// productNN's start rows (a broadcast bias) and epilogues (relu; the relu mask of a layer's
// backward) apply once, after the last block of k: the blocks before store raw partial sums.
describe('productNN over several blocks of k: bias start and epilogues', () => {
  const EPI_STORE = 0, EPI_RELU = 1, EPI_RELU_MASK = 2;
  it.each([[EPI_STORE], [EPI_RELU], [EPI_RELU_MASK]])('epilogue %i, NN and NT', (epi) => {
    const m = 133, k = 600, n = 19;
    for (const transB of [false, true]) {
      const a = random(m * k, 11), b = random(k * n, 12), bias = random(n, 13), aux = random(m * n, 14);
      const expected = new Float32Array(m * n);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let acc = bias[j];
          for (let q = 0; q < k; q++) acc = f(acc + f(a[i * k + q] * (transB ? b[j * k + q] : b[q * n + j])));
          if (epi === EPI_RELU) acc = acc > 0 ? acc : 0;
          if (epi === EPI_RELU_MASK) acc = aux[i * n + j] > 0 ? acc : 0;
          expected[i * n + j] = acc;
        }
      }
      const pack = wasm.packBytes(Math.max(m, k, n));
      const base = wasm.scratchReserve(4 * (2 * m * n + m * k + k * n + n) + pack + 64);
      const pc = base + 4, px = pc + 4 * m * n, pa = px + 4 * m * n, pb = pa + 4 * m * k, pi = pb + 4 * k * n, pp = pi + 4 * n + 4;
      const heap = new Float32Array(wasm.memory.buffer);
      heap.fill(NaN, pp / 4, (pp + pack) / 4);
      heap.set(aux, px / 4);
      heap.set(a, pa / 4);
      heap.set(b, pb / 4);
      heap.set(bias, pi / 4);
      wasm.productNN(pc, pi, 0, pa, pb, transB ? 1 : 0, m, k, n, pp, epi, epi === EPI_RELU_MASK ? px : 0);
      expect(bits(new Float32Array(wasm.memory.buffer).slice(pc / 4, pc / 4 + m * n))).toEqual(bits(expected));
    }
  });
});

it('the relaxed-SIMD build runs the same packed paths, within float32 rounding of a float64 product', async () => {
  // A child Node with the flag that enables relaxed SIMD in Node 20, on the built file directly.
  const file = new URL('../build/lrlab.relaxed.wasm', import.meta.url).pathname;
  const script = `
    const w = new WebAssembly.Instance(new WebAssembly.Module(require('fs').readFileSync(${JSON.stringify(file)})), {}).exports;
    let s = 7; const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
    let worst = 0;
    for (const [kind, m, k, n] of [['NN', 13, 37, 17], ['NT', 13, 37, 17], ['TN', 13, 37, 17], ['TN', 66, 300, 24], ['NT', 9, 301, 40]]) {
      const base = w.scratchReserve(4 * (m * k + k * n + m * n) + w.packBytes(Math.max(m, k, n)) + 64);
      const f = new Float32Array(w.memory.buffer);
      const A = base / 4, B = A + m * k, C = B + k * n, P = (4 * (C + m * n) + 15) & ~15;
      for (let i = 0; i < m * k + k * n; i++) f[A + i] = rnd();
      f.fill(0, C, C + m * n);
      w['gemm' + kind](4 * C, 4 * A, 4 * B, m, k, n, P);
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
        let exact = 0, scale = 0;
        for (let q = 0; q < k; q++) {
          const p = f[A + (kind === 'TN' ? q * m + i : i * k + q)] * f[B + (kind === 'NT' ? j * k + q : q * n + j)];
          exact += p; scale += Math.abs(p);
        }
        worst = Math.max(worst, Math.abs(f[C + i * n + j] - exact) / scale / k);
      }
    }
    console.log(JSON.stringify({ worst }));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--experimental-wasm-relaxed-simd', '-e', script]);
  const { worst } = JSON.parse(stdout);
  expect(worst).toBeGreaterThan(0); // the sums are rounded: a zero would mean nothing was compared
  expect(worst).toBeLessThan(2 ** -24); // k roundings of at most half an ulp each, relative to Σ|a·b|
});
