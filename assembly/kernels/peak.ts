// The f32x4 multiply and add peak of this machine, for benchmarks: loops on
// registers only (no loads, no stores), each iteration 6 f32x4 multiplies and
// 6 adds (48 floating-point operations) spread over independent chains. Cores
// differ in their latencies and in which ports multiply and add, so two shapes
// are offered and the benchmark takes the faster:
//   separate: 6 chains x ← x·s and 6 chains y ← y + t (no temporaries)
//   fused:    12 chains x ← x·s + t, each advanced every other iteration
// Both fit in the 15 xmm registers V8 allocates on x64. Called with s = 1 and
// t = 0 (separate) or s = 0.5 and t = 0.5 (fused, converging to 1), the values
// stay finite and normal; s and t are arguments so that nothing folds them away.
// In the relaxed-SIMD build the fused shape's x·s + t is one relaxed_madd (an
// FMA where the CPU has one): that build's fused loop is the FMA peak, the
// strict build's stays a multiply and an add.
export function peakMulAdd(iterations: i32, s: f32, t: f32, fused: bool): f32 {
  const vs = f32x4.splat(s), vt = f32x4.splat(t);
  let m0 = f32x4.splat(1), m1 = f32x4.splat(2), m2 = f32x4.splat(3), m3 = f32x4.splat(4), m4 = f32x4.splat(5), m5 = f32x4.splat(6);
  let a0 = f32x4.splat(1), a1 = f32x4.splat(2), a2 = f32x4.splat(3), a3 = f32x4.splat(4), a4 = f32x4.splat(5), a5 = f32x4.splat(6);
  if (fused) {
    for (let i = 0; i < iterations; i += 2) {
      m0 = mulAdd(m0, vs, vt); m1 = mulAdd(m1, vs, vt);
      m2 = mulAdd(m2, vs, vt); m3 = mulAdd(m3, vs, vt);
      m4 = mulAdd(m4, vs, vt); m5 = mulAdd(m5, vs, vt);
      a0 = mulAdd(a0, vs, vt); a1 = mulAdd(a1, vs, vt);
      a2 = mulAdd(a2, vs, vt); a3 = mulAdd(a3, vs, vt);
      a4 = mulAdd(a4, vs, vt); a5 = mulAdd(a5, vs, vt);
    }
  } else {
    for (let i = 0; i < iterations; i++) {
      m0 = f32x4.mul(m0, vs); a0 = f32x4.add(a0, vt);
      m1 = f32x4.mul(m1, vs); a1 = f32x4.add(a1, vt);
      m2 = f32x4.mul(m2, vs); a2 = f32x4.add(a2, vt);
      m3 = f32x4.mul(m3, vs); a3 = f32x4.add(a3, vt);
      m4 = f32x4.mul(m4, vs); a4 = f32x4.add(a4, vt);
      m5 = f32x4.mul(m5, vs); a5 = f32x4.add(a5, vt);
    }
  }
  const m = f32x4.add(f32x4.add(f32x4.add(m0, m1), f32x4.add(m2, m3)), f32x4.add(m4, m5));
  const a = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(a4, a5));
  return f32x4.extract_lane(f32x4.add(m, a), 0);
}

// x·s + t; the strict build's operands in the order the loop always had (gemm.ts's
// madd adds the other way round).
@inline
function mulAdd(x: v128, s: v128, t: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(x, s, t);
  return f32x4.add(f32x4.mul(x, s), t);
}
