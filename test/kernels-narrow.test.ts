// The narrow-layer products (assembly/kernels/gemm-narrow.ts: k of 2 and 3, TN
// with n ≤ 4 or m = 2) against the js backend's products on the odd shapes around them,
// with every epilogue of the training path: a broadcast bias row as the start
// (the forward pass), relu in the store, and the relu mask of the backward
// pass (Bᵀ read from W's rows). Bit-identical, since both add each cell's
// terms in the same k order with f32 operations; nothing outside C is written.
import { describe, expect, it } from 'vitest';
import { instantiate } from '../bindings/backend/wasm-module.js';
import { gemmNN, gemmNT, gemmTN } from '../bindings/backend/js/gemm.js';
import { createRng } from '../bindings/random.js';

const EPI_STORE = 0, EPI_RELU = 1, EPI_RELU_MASK = 2; // assembly/kernels/gemm.ts
const GUARD = 16; // floats checked on each side of C
const wasm = await instantiate();

/** Normal draws with exact zeros of both signs mixed in (relu and the mask treat −0 as 0). */
function random(length: number, seed: number): Float32Array {
  const rng = createRng(seed, 11);
  return Float32Array.from({ length }, () => {
    const u = rng.uniform();
    return u < 0.05 ? -0 : u < 0.1 ? 0 : rng.normal();
  });
}

const bits = (x: Float32Array) => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));

interface Product {
  init: Float32Array; // one row (a bias) when bias, else m rows
  bias: boolean;
  a: Float32Array;
  b: Float32Array;
  transB: boolean;
  aux: Float32Array; // m × n, read by the mask
  m: number; k: number; n: number;
  epi: number;
}

/** productNN on copies in scratch memory, with a guard band around C; returns C and the guards. */
function onWasm(p: Product): { c: Float32Array; guards: number[] } {
  const bytes = (len: number) => (len * 4 + 15) & ~15;
  const cLen = p.m * p.n + 2 * GUARD;
  const sizes = [cLen, p.init.length, p.a.length, p.b.length, p.aux.length, wasm.packBytes(Math.max(p.m, p.k, p.n)) / 4];
  const base = wasm.scratchReserve(sizes.reduce((s, len) => s + bytes(len), 0));
  const at: number[] = [];
  sizes.reduce((ptr, len) => (at.push(ptr), ptr + bytes(len)), base);
  const [pc, pi, pa, pb, px, pp] = at;
  const view = (ptr: number, length: number) => new Float32Array(wasm.memory.buffer, ptr, length);
  view(pc, cLen).fill(12345);
  view(pi, p.init.length).set(p.init);
  view(pa, p.a.length).set(p.a);
  view(pb, p.b.length).set(p.b);
  view(px, p.aux.length).set(p.aux);
  const c = pc + GUARD * 4;
  wasm.productNN(c, pi, p.bias ? 0 : p.n * 4, pa, pb, p.transB ? 1 : 0, p.m, p.k, p.n, pp, p.epi, p.epi === EPI_RELU_MASK ? px : 0);
  const all = view(pc, cLen).slice();
  return { c: all.slice(GUARD, GUARD + p.m * p.n), guards: [...all.slice(0, GUARD), ...all.slice(GUARD + p.m * p.n)] };
}

/** The js backend's arithmetic: C = start rows, then its product, then the epilogue. */
function onJs(p: Product): Float32Array {
  const c = new Float32Array(p.m * p.n);
  for (let i = 0; i < p.m; i++) for (let j = 0; j < p.n; j++) c[i * p.n + j] = p.init[(p.bias ? 0 : i * p.n) + j];
  (p.transB ? gemmNT : gemmNN)(c, 0, p.a, 0, p.b, 0, p.m, p.k, p.n);
  for (let q = 0; q < c.length; q++) {
    if (p.epi === EPI_RELU) c[q] = c[q] > 0 ? c[q] : 0;
    if (p.epi === EPI_RELU_MASK) c[q] = p.aux[q] > 0 ? c[q] : 0;
  }
  return c;
}

const ROWS = [1, 2, 3, 5, 8, 9, 32];
const COLS = [1, 2, 3, 5, 7, 8, 9, 17, 50];

describe.each([2, 3, 4, 1, 5])('k = %i', (k) => {
  it.each(ROWS)('m = %i: every n, NN and NT (Bᵀ), bias or row starts, store, relu and relu-mask epilogues', (m) => {
    for (const n of COLS) {
      for (const transB of [false, true]) {
        for (const [bias, epi] of [[true, EPI_RELU], [true, EPI_STORE], [false, EPI_STORE], [false, EPI_RELU_MASK]] as const) {
          const seed = m * 100_000 + k * 1000 + n * 10 + (transB ? 1 : 0);
          const p: Product = {
            init: random(bias ? n : m * n, seed), bias, a: random(m * k, seed + 1), b: random(k * n, seed + 2), transB,
            aux: random(m * n, seed + 3), m, k, n, epi,
          };
          const got = onWasm(p);
          expect(bits(got.c), `m=${m} k=${k} n=${n} transB=${transB} bias=${bias} epi=${epi}`).toEqual(bits(onJs(p)));
          expect(got.guards.every((g) => g === 12345)).toBe(true);
        }
      }
    }
  });
});

describe.each([1, 2, 3, 4, 5, 7, 16, 17, 50])('TN with n = %i', (n) => {
  it('every m and k: C = Aᵀ·B overwritten (n ≤ 4: rows in lanes and the 1–7 leftover rows; m = 2: 2 × 16 blocks and 4-column tails)', () => {
    for (const m of [1, 2, 3, 4, 5, 7, 8, 9, 15, 50]) {
      for (const k of [1, 2, 3, 32]) {
        const seed = n * 10_000 + m * 100 + k;
        const a = random(k * m, seed), b = random(k * n, seed + 1);
        const expected = new Float32Array(m * n);
        gemmTN(expected, 0, a, 0, b, 0, m, k, n);
        const base = wasm.scratchReserve(4 * (k * m + k * n + m * n + 2 * GUARD) + 64 + wasm.packBytes(Math.max(m, k, n)));
        const pa = base, pb = pa + ((4 * k * m + 15) & ~15), pc = pb + ((4 * k * n + 15) & ~15);
        const pp = pc + ((4 * (m * n + 2 * GUARD) + 15) & ~15);
        const f = (ptr: number, len: number) => new Float32Array(wasm.memory.buffer, ptr, len);
        f(pa, k * m).set(a);
        f(pb, k * n).set(b);
        f(pc, m * n + 2 * GUARD).fill(12345);
        wasm.gemmTN(pc + GUARD * 4, pa, pb, m, k, n, pp);
        const all = f(pc, m * n + 2 * GUARD).slice();
        expect(bits(all.slice(GUARD, GUARD + m * n)), `m=${m} k=${k} n=${n}`).toEqual(bits(expected));
        expect([...all.slice(0, GUARD), ...all.slice(GUARD + m * n)].every((g) => g === 12345)).toBe(true);
      }
    }
  });
});
