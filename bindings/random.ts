/**
 * xoshiro128** (Blackman & Vigna), seeded through splitmix32. The same
 * generator, bit for bit, as assembly/random.ts: the js backend draws the same
 * initial weights and the same per-epoch shuffles as the wasm backend.
 */
export interface Rng {
  /** Next 32-bit unsigned integer. */
  nextU32(): number;
  /** Uniform in [0, 1) with 24 random bits (exact in f32). */
  uniform(): number;
  /** Standard normal (Box-Muller, f64). */
  normal(): number;
}

export function createRng(seed: number, stream = 0): Rng {
  let s = (seed ^ Math.imul(stream, 0x9e3779b9)) >>> 0;
  const splitmix = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  // The state in a typed array, not in closure variables: a u32 above 2^31 held in a closure was a
  // fresh heap number on every draw. Storing into a Uint32Array is the same >>> 0 as before.
  const st = new Uint32Array([splitmix(), splitmix(), splitmix(), splitmix()]);
  if ((st[0] | st[1] | st[2] | st[3]) === 0) st[0] = 1;

  const nextU32 = (): number => {
    let a = st[0], b = st[1], c = st[2], d = st[3];
    const result = Math.imul(rotl(Math.imul(b, 5) >>> 0, 7), 9) >>> 0;
    const t = (b << 9) >>> 0;
    c ^= a; d ^= b; b ^= c; a ^= d; c ^= t;
    d = rotl(d >>> 0, 11);
    st[0] = a; st[1] = b; st[2] = c; st[3] = d;
    return result;
  };
  const uniform = (): number => (nextU32() >>> 8) / 16777216;
  const normal = (): number => {
    const u1 = 1 - uniform(); // (0, 1]: log never sees 0
    const u2 = uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  };
  return { nextU32, uniform, normal };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
