// log of four lanes at once (assembly/kernels/log.ts, used by the softmax
// cross-entropy) against a port of the algorithm Mathf.log runs
// (AssemblyScript's logf_lut, std/assembly/util/math.ts, from ARM's
// optimized-routines): its f64 steps are JS number operations, so the port
// gives Mathf.log's bits. Checked over the losses' range [1, classes], the
// whole positive range, and every special input (0, subnormals, ∞, NaN,
// negatives), which take the scalar call.
import { expect, it } from 'vitest';
import { instantiate } from '../bindings/backend/wasm-module.js';
import { createRng } from '../bindings/random.js';

const wasm = await instantiate();

const TABLE: [bigint, bigint][] = [
  [0x3FF661EC79F8F3BEn, 0xBFD57BF7808CAADEn], [0x3FF571ED4AAF883Dn, 0xBFD2BEF0A7C06DDBn],
  [0x3FF49539F0F010B0n, 0xBFD01EAE7F513A67n], [0x3FF3C995B0B80385n, 0xBFCB31D8A68224E9n],
  [0x3FF30D190C8864A5n, 0xBFC6574F0AC07758n], [0x3FF25E227B0B8EA0n, 0xBFC1AA2BC79C8100n],
  [0x3FF1BB4A4A1A343Fn, 0xBFBA4E76CE8C0E5En], [0x3FF12358F08AE5BAn, 0xBFB1973C5A611CCCn],
  [0x3FF0953F419900A7n, 0xBFA252F438E10C1En], [0x3FF0000000000000n, 0n],
  [0x3FEE608CFD9A47ACn, 0x3FAAA5AA5DF25984n], [0x3FECA4B31F026AA0n, 0x3FBC5E53AA362EB4n],
  [0x3FEB2036576AFCE6n, 0x3FC526E57720DB08n], [0x3FE9C2D163A1AA2Dn, 0x3FCBC2860D224770n],
  [0x3FE886E6037841EDn, 0x3FD1058BC8A07EE1n], [0x3FE767DCF5534862n, 0x3FD4043057B6EE09n],
];
const f64 = (b: bigint) => new Float64Array(new BigUint64Array([b]).buffer)[0];
const INVC = TABLE.map(([a]) => f64(a)), LOGC = TABLE.map(([, b]) => f64(b));
const LN2 = f64(0x3FE62E42FEFA39EFn), A0 = f64(0xBFD00EA348B88334n), A1 = f64(0x3FD5575B0BE00B6An), A2 = f64(0xBFDFFFFEF20A4123n);
const u32 = new Uint32Array(1), asF32 = new Float32Array(u32.buffer);
const bitsOf = (x: number) => ((asF32[0] = x), u32[0]);
const fromBits = (b: number) => ((u32[0] = b >>> 0), asF32[0]);

/** logf_lut, step by step. */
function logf(x: number): number {
  let ux = bitsOf(x);
  if (((ux - 0x00800000) >>> 0) >= 0x7F800000 - 0x00800000) {
    if (((ux << 1) >>> 0) === 0) return -Infinity;
    if (ux === 0x7F800000) return x;
    if (ux >>> 31 || ((ux << 1) >>> 0) >= 0xFF000000) return NaN;
    ux = (bitsOf(Math.fround(x * 8388608)) - (23 << 23)) >>> 0; // subnormal: normalised
  }
  const tmp = (ux - 0x3F330000) >>> 0;
  const i = (tmp >>> 19) & 15, k = (tmp | 0) >> 23;
  const z = fromBits((ux - (tmp & 0xFF800000)) >>> 0);
  const r = z * INVC[i] - 1, y0 = LOGC[i] + k * LN2, r2 = r * r;
  let y = A1 * r + A2;
  y += A0 * r2;
  return Math.fround(y * r2 + (y0 + r));
}

it('logFloats gives Mathf.log\'s bits on [1, 10], over all positive floats and on every special input', () => {
  const rng = createRng(7, 1);
  const special = [0, -0, 1, 2, 3, 1e-45, 1e-40, 1.1754942e-38, 1.1754944e-38, 3.4028235e38, Infinity, -Infinity, NaN, -1, -1e-40, 0.5];
  const inputs = new Float32Array(4096 * 4 + special.length);
  for (let q = 0; q < 4096 * 2; q++) inputs[q] = 1 + 9 * rng.uniform();
  for (let q = 4096 * 2; q < 4096 * 4; q++) inputs[q] = fromBits(Math.floor(rng.uniform() * 0x7F800000));
  inputs.set(special, 4096 * 4);
  // Specials among ordinary lanes too: a group of four with one of them takes the scalar path for all four.
  for (let q = 0; q < special.length; q++) inputs[4 * q + 1] = special[q];
  const n = inputs.length;
  const base = wasm.scratchReserve(8 * n + 32);
  new Float32Array(wasm.memory.buffer, base, n).set(inputs);
  wasm.logFloats(base + 4 * n, base, n);
  const got = new Uint32Array(wasm.memory.buffer, base + 4 * n, n);
  const expected = new Uint32Array(Float32Array.from(inputs, logf).buffer);
  const nan = (b: number) => (b & 0x7F800000) === 0x7F800000 && (b & 0x7FFFFF) !== 0;
  for (let q = 0; q < n; q++) {
    if (nan(expected[q])) expect(nan(got[q]), `log ${inputs[q]}`).toBe(true);
    else expect(got[q], `log ${inputs[q]}`).toBe(expected[q]);
  }
});
