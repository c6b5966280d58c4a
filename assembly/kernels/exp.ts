// e^x of two f32 values at once, bit for bit what Mathf.exp returns: the same
// f64 operations in the same order as AssemblyScript's expf_lut (std
// util/math.ts, from ARM's optimized-routines), in f64x2 lanes. A pair with a
// lane at |x| >= 88 or NaN (the scalar code's special cases) goes to Mathf.exp.
//
//   x·N/ln2 = k + r, |r| <= 1/2;  e^x = 2^(k/N) · 2^(r/N) ≈ s · (C0 r³ + C1 r² + C2 r + 1)
//   with N = 32 and s = 2^(k/N) from the table's entry k mod N, shifted by k/N.

// exp2f_data_tab[i] = uint(2^(i/N)) − (i << 52 − 5), as in the standard library.
const TABLE = memory.data<u64>([
  0x3FF0000000000000, 0x3FEFD9B0D3158574, 0x3FEFB5586CF9890F, 0x3FEF9301D0125B51,
  0x3FEF72B83C7D517B, 0x3FEF54873168B9AA, 0x3FEF387A6E756238, 0x3FEF1E9DF51FDEE1,
  0x3FEF06FE0A31B715, 0x3FEEF1A7373AA9CB, 0x3FEEDEA64C123422, 0x3FEECE086061892D,
  0x3FEEBFDAD5362A27, 0x3FEEB42B569D4F82, 0x3FEEAB07DD485429, 0x3FEEA47EB03A5585,
  0x3FEEA09E667F3BCD, 0x3FEE9F75E8EC5F74, 0x3FEEA11473EB0187, 0x3FEEA589994CCE13,
  0x3FEEACE5422AA0DB, 0x3FEEB737B0CDC5E5, 0x3FEEC49182A3F090, 0x3FEED503B23E255D,
  0x3FEEE89F995AD3AD, 0x3FEEFF76F2FB5E47, 0x3FEF199BDD85529C, 0x3FEF3720DCEF9069,
  0x3FEF5818DCFBA487, 0x3FEF7C97337B9B5F, 0x3FEFA4AFA2A490DA, 0x3FEFD0765B6E4540,
]);

// The constants, each in both lanes of a row, loaded where used: one instruction where V8 builds a
// v128.const in three (and 7 bytes of wasm where it takes 18).
//   N = 32, SHIFT = 0x1.8p+52, INV_LN2_N = N/ln2, C0..C2 = the polynomial's coefficients / N^(3, 2, 1)
const K = memory.data<u64>([
  0x40471547652B82FE, 0x40471547652B82FE, 0x4338000000000000, 0x4338000000000000, // INV_LN2_N, SHIFT
  0x3EBC6AF84B912394, 0x3EBC6AF84B912394, 0x3F2EBFCE50FAC4F3, 0x3F2EBFCE50FAC4F3, // C0, C1
  0x3F962E42FF0C52D6, 0x3F962E42FF0C52D6, 0x3FF0000000000000, 0x3FF0000000000000, // C2, 1
  0x000007FF000007FF, 0x000007FF000007FF, 0x0000042B0000042B, 0x0000042B0000042B, // expSpecial's i32 mask and bound
], 16);
const INV_LN2_N = 0, SHIFT = 16, C0 = 32, C1 = 48, C2 = 64, ONE = 80, MASK = 96, BOUND = 112;

/** The lanes of x (f32) where Mathf.exp takes its special path: the scalar test ux = (bits >> 20) & 0x7ff >= 0x42b. */
@inline export function expSpecial(x: v128): v128 { return i32x4.ge_u(v128.and(i32x4.shr_u(x, 20), v128.load(K, MASK)), v128.load(K, BOUND)); }

/** Lanes 0 and 1 of x (f32) → e^x in lanes 0 and 1 (f32; lanes 2 and 3 unspecified). */
@inline
export function exp2Lanes(x: v128): v128 {
  if (i64x2.extract_lane(expSpecial(x), 0) != 0) {
    return f32x4.replace_lane(f32x4.splat(Mathf.exp(f32x4.extract_lane(x, 0))), 1, Mathf.exp(f32x4.extract_lane(x, 1)));
  }
  return exp2Ordinary(x);
}

/** e^x of all four lanes, two at a time through exp2Lanes (special lanes by Mathf.exp). */
@inline export function exp4(x: v128): v128 { return i64x2.shuffle(exp2Lanes(x), exp2Lanes(i32x4.shuffle(x, x, 2, 3, 0, 1)), 0, 2); }

/** e^x of all four lanes, none of them special (expSpecial all false): no branch, nothing kept across a call. */
@inline export function exp4Ordinary(x: v128): v128 { return i64x2.shuffle(exp2Ordinary(x), exp2Ordinary(i32x4.shuffle(x, x, 2, 3, 0, 1)), 0, 2); }

@inline
function exp2Ordinary(x: v128): v128 {
  const z = f64x2.mul(v128.load(K, INV_LN2_N), f64x2.promote_low_f32x4(x));
  const kd = f64x2.add(z, v128.load(K, SHIFT));
  const r = f64x2.sub(z, f64x2.sub(kd, v128.load(K, SHIFT)));
  let t = i64x2.splat(load<u64>(TABLE + ((<usize>i64x2.extract_lane(kd, 0) & 31) << 3)));
  t = v128.load64_lane(TABLE + ((<usize>i64x2.extract_lane(kd, 1) & 31) << 3), t, 1);
  const s = i64x2.add(t, i64x2.shl(kd, 52 - 5));
  const c = f64x2.add(f64x2.mul(v128.load(K, C0), r), v128.load(K, C1));
  let y = f64x2.add(f64x2.mul(v128.load(K, C2), r), v128.load(K, ONE));
  y = f64x2.add(y, f64x2.mul(c, f64x2.mul(r, r)));
  return f32x4.demote_f64x2_zero(f64x2.mul(y, s));
}
