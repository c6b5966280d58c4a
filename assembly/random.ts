// xoshiro128** (Blackman & Vigna, https://prng.di.unimi.it/) seeded through
// splitmix32. bindings/random.ts is the same generator, bit for bit, so the js
// backend draws the same weights and shuffles as this one.

let s0: u32 = 1;
let s1: u32 = 0;
let s2: u32 = 0;
let s3: u32 = 0;
let mix: u32 = 0;

function splitmix(): u32 {
  mix += 0x9e3779b9;
  let z = mix;
  z = (z ^ (z >>> 16)) * 0x85ebca6b;
  z = (z ^ (z >>> 13)) * 0xc2b2ae35;
  return z ^ (z >>> 16);
}

/** Seeds the generator; `stream` separates independent uses of one seed (init, each epoch's shuffle). */
export function rngSeed(seed: u32, stream: u32): void {
  mix = seed ^ (stream * 0x9e3779b9);
  s0 = splitmix();
  s1 = splitmix();
  s2 = splitmix();
  s3 = splitmix();
  if ((s0 | s1 | s2 | s3) == 0) s0 = 1;
}

export function nextU32(): u32 {
  const result = rotl<u32>(s1 * 5, 7) * 9;
  const t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = rotl<u32>(s3, 11);
  return result;
}

/** Uniform in [0, 1) with 24 random bits. */
export function uniform(): f64 {
  return <f64>(nextU32() >>> 8) / 16777216.0;
}

/** Standard normal by Box-Muller; 1 - u keeps log away from 0. */
export function normal(): f64 {
  const u1 = 1.0 - uniform();
  const u2 = uniform();
  return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
}
