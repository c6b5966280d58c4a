// The fused backward pass of a small network's two lowest layers
// (assembly/kernels/narrow-backward.ts: layer 1 with 3 outputs over layer 0
// with 2 inputs and relu) against plain loops that do, per cell, the f32
// operations of the separate passes it replaces: dW1 = Hᵀ·dZ1, dZ0 = dZ1·W1ᵀ
// masked by H > 0, dW0 = Xᵀ·dZ0 and db0 = Σ_rows dZ0, each from +0 with its
// terms in order. Bit-identical on hidden widths that take every tail lane,
// and nothing written outside the three outputs.
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

function reference(x: Float32Array, h: Float32Array, d: Float32Array, w: Float32Array, rows: number, hidden: number) {
  const gw1 = new Float32Array(hidden * 3), gw0 = new Float32Array(2 * hidden), gb0 = new Float32Array(hidden);
  const dz = new Float32Array(rows * hidden);
  for (let j = 0; j < hidden; j++) {
    for (let c = 0; c < 3; c++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s = f32(s + f32(h[r * hidden + j] * d[r * 3 + c]));
      gw1[j * 3 + c] = s;
    }
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let c = 0; c < 3; c++) s = f32(s + f32(d[r * 3 + c] * w[j * 3 + c]));
      dz[r * hidden + j] = h[r * hidden + j] > 0 ? s : 0;
    }
    for (let i = 0; i < 2; i++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s = f32(s + f32(x[r * 2 + i] * dz[r * hidden + j]));
      gw0[i * hidden + j] = s;
    }
    let s = 0;
    for (let r = 0; r < rows; r++) s = f32(s + dz[r * hidden + j]);
    gb0[j] = s;
  }
  return { gw1, gw0, gb0 };
}

it('backwardRelu2x3 gives the separate passes\' bits for every tail of the hidden width and any row count', () => {
  for (const hidden of [1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 50]) {
    for (const rows of [1, 2, 3, 5, 32, 33]) {
      const seed = hidden * 1000 + rows;
      const x = random(rows * 2, seed), h = random(rows * hidden, seed + 1).map(Math.abs).map((v, q) => (q % 3 ? v : -v));
      const d = random(rows * 3, seed + 2), w = random(hidden * 3, seed + 3);
      const sizes = [x.length, h.length, d.length, w.length, hidden * 3 + 2 * GUARD, 2 * hidden + 2 * GUARD, hidden + 2 * GUARD];
      const bytes = (len: number) => (len * 4 + 15) & ~15;
      const base = wasm.scratchReserve(sizes.reduce((s, len) => s + bytes(len), 0));
      const at: number[] = [];
      sizes.reduce((ptr, len) => (at.push(ptr), ptr + bytes(len)), base);
      const view = (i: number) => new Float32Array(wasm.memory.buffer, at[i], sizes[i]);
      [x, h, d, w].forEach((v, i) => view(i).set(v));
      for (const i of [4, 5, 6]) view(i).fill(12345);
      wasm.backwardRelu2x3(at[4] + GUARD * 4, at[5] + GUARD * 4, at[6] + GUARD * 4, at[0], at[1], at[2], at[3], rows, hidden);
      const expected = reference(x, h, d, w, rows, hidden);
      [expected.gw1, expected.gw0, expected.gb0].forEach((e, q) => {
        const all = view(4 + q).slice();
        expect(bits(all.slice(GUARD, GUARD + e.length)), `hidden=${hidden} rows=${rows} output ${q}`).toEqual(bits(e));
        expect([...all.slice(0, GUARD), ...all.slice(GUARD + e.length)].every((g) => g === 12345)).toBe(true);
      });
    }
  }
});
