// The SIMD products against the pure-JS ones on sizes that hit every path of
// the register blocking (6- and 4-row blocks and single rows, 8- and 4-column
// blocks, and the 1–3 tail columns in partial lanes): bit-identical, since both
// sum each cell in the same k order with f32 operations.
import { describe, expect, it } from 'vitest';
import { instantiate } from '../bindings/backend/wasm-module.js';
import { gemmNN, gemmNT, gemmTN } from '../bindings/backend/js/gemm.js';
import { createRng } from '../bindings/random.js';

const SIZES = [1, 3, 4, 5, 8, 9, 17, 63, 65];
const wasm = await instantiate();

function random(length: number, seed: number): Float32Array {
  const rng = createRng(seed, 7);
  return Float32Array.from({ length }, () => rng.normal());
}

/** Runs a wasm product on copies of the inputs placed in scratch memory; returns C. */
function onWasm(kind: 'gemmNN' | 'gemmNT' | 'gemmTN', c0: Float32Array, a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float32Array {
  const bytes = (x: Float32Array) => (x.length * 4 + 15) & ~15;
  const pack = wasm.packBytes(Math.max(m, k, n));
  const base = wasm.scratchReserve(bytes(c0) + bytes(a) + bytes(b) + pack);
  const [pc, pa, pb, pp] = [base, base + bytes(c0), base + bytes(c0) + bytes(a), base + bytes(c0) + bytes(a) + bytes(b)];
  const view = (ptr: number, length: number) => new Float32Array(wasm.memory.buffer, ptr, length);
  view(pc, c0.length).set(c0);
  view(pa, a.length).set(a);
  view(pb, b.length).set(b);
  wasm[kind](pc, pa, pb, m, k, n, pp);
  return view(pc, c0.length).slice();
}

const same = (x: Float32Array, y: Float32Array) => expect(new Uint32Array(x.buffer)).toEqual(new Uint32Array(y.buffer));

describe.each(SIZES)('m = %i', (m) => {
  it.each(SIZES)('k = %i, every n: NN (C += A·B, with a bias-like start), TN (C = Aᵀ·B) and NT', (k) => {
    for (const n of SIZES) {
      const seed = m * 10_000 + k * 100 + n;
      const a = random(m * k, seed), b = random(k * n, seed + 1), c0 = random(m * n, seed + 2);
      const expected = c0.slice();
      gemmNN(expected, 0, a, 0, b, 0, m, k, n);
      same(onWasm('gemmNN', c0, a, b, m, k, n), expected);

      const at = random(k * m, seed + 3); // A stored [k × m]
      const tn = new Float32Array(m * n);
      gemmTN(tn, 0, at, 0, b, 0, m, k, n);
      same(onWasm('gemmTN', random(m * n, seed + 4), at, b, m, k, n), tn);

      // dY·Wᵀ: wasm packs panels of Wᵀ from W's rows; the js backend reads W in place.
      const w = random(n * k, seed + 5); // W [n × k]
      const nt = c0.slice();
      gemmNT(nt, 0, a, 0, w, 0, m, k, n);
      same(onWasm('gemmNT', c0, a, w, m, k, n), nt);
      const wt = new Float32Array(k * n);
      for (let r = 0; r < n; r++) for (let q = 0; q < k; q++) wt[q * n + r] = w[r * k + q];
      same(onWasm('gemmNN', c0, a, wt, m, k, n), nt);
    }
  });
});
