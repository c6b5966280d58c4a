// The opt-in relaxed-SIMD build: feature detection agrees with the engine's own
// verdict on the built file, the fallback is the strict module (same bits), and
// where the engine has relaxed SIMD its fused products stay within float32
// rounding of a float64 reference (their bits differ from the strict build's,
// which is why this build is outside the determinism promise).
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { Model, relaxedSimdSupported, relaxedWasmModule, TUTORIAL_EXPERIMENT, blobs, splitAt } from '../bindings/index.js';
import { wasmModule } from '../bindings/backend/wasm-module.js';

const RELAXED = new URL('../build/lrlab.relaxed.wasm', import.meta.url);

it('detects relaxed SIMD as the engine validates the relaxed build, and falls back to the strict module', async () => {
  expect(relaxedSimdSupported()).toBe(WebAssembly.validate(await readFile(RELAXED)));
  if (relaxedSimdSupported()) return; // the fallback is only taken where relaxed SIMD is missing
  expect(await relaxedWasmModule()).toBe(await wasmModule());
  const { name: _, ...options } = TUTORIAL_EXPERIMENT.data as { name: 'blobs' };
  const { train } = splitAt(blobs(options as never), 500);
  const fit = async (wasm?: WebAssembly.Module) => {
    const model = await Model.create({ model: TUTORIAL_EXPERIMENT.model, optimizer: TUTORIAL_EXPERIMENT.optimizer, seed: 1, wasm });
    await model.fit(train, { epochs: 3 });
    return model.getWeights();
  };
  expect(await fit(await relaxedWasmModule())).toEqual(await fit());
});

it('with relaxed SIMD enabled, the fused products agree with a float64 product to float32 rounding', async () => {
  // A child Node with the flag that enables relaxed SIMD in Node 20, on the built file directly.
  const script = `
    const bytes = require('fs').readFileSync(${JSON.stringify(RELAXED.pathname)});
    const w = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports;
    const m = 13, k = 37, n = 11;
    const base = w.scratchReserve(4 * (m * k + k * n + m * n) + 32 * 64 + 64);
    const f = new Float32Array(w.memory.buffer);
    const A = base / 4, B = A + m * k, C = B + k * n, P = (4 * (C + m * n) + 15) & ~15;
    let s = 1; const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
    for (let i = 0; i < m * k + k * n; i++) f[A + i] = rnd();
    f.fill(0, C, C + m * n);
    w.gemmNN(4 * C, 4 * A, 4 * B, m, k, n, P);
    let worst = 0;
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      let exact = 0, scale = 0;
      for (let q = 0; q < k; q++) { exact += f[A + i * k + q] * f[B + q * n + j]; scale += Math.abs(f[A + i * k + q] * f[B + q * n + j]); }
      worst = Math.max(worst, Math.abs(f[C + i * n + j] - exact) / scale);
    }
    console.log(JSON.stringify({ valid: WebAssembly.validate(bytes), worst }));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--experimental-wasm-relaxed-simd', '-e', script]);
  const { valid, worst } = JSON.parse(stdout);
  expect(valid).toBe(true);
  expect(worst).toBeLessThan(37 * 2 ** -24); // k roundings of at most half an ulp each, relative to Σ|a·b|
});
