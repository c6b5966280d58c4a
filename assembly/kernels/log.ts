// log x of four f32 values at once, bit for bit what Mathf.log returns: the
// same f64 operations in the same order as AssemblyScript's logf_lut (std
// util/math.ts, from ARM's optimized-routines), in two f64x2 halves. Lanes
// that are not positive normal finite numbers (the scalar code's special
// cases) go to Mathf.log.
//
//   x = 2^k z, z in [0x1.66p-1, 0x1.66p0) and c near z from the table's entry i:
//   log x = log1p(z/c − 1) + log c + k ln2 ≈ (A0 r² + A1 r + A2) r² + (log c + k ln2 + r),  r = z/c − 1

// logf_data_tab: (1/c, log c) per entry, as in the standard library.
const TABLE = memory.data<u64>([
  0x3FF661EC79F8F3BE, 0xBFD57BF7808CAADE, 0x3FF571ED4AAF883D, 0xBFD2BEF0A7C06DDB,
  0x3FF49539F0F010B0, 0xBFD01EAE7F513A67, 0x3FF3C995B0B80385, 0xBFCB31D8A68224E9,
  0x3FF30D190C8864A5, 0xBFC6574F0AC07758, 0x3FF25E227B0B8EA0, 0xBFC1AA2BC79C8100,
  0x3FF1BB4A4A1A343F, 0xBFBA4E76CE8C0E5E, 0x3FF12358F08AE5BA, 0xBFB1973C5A611CCC,
  0x3FF0953F419900A7, 0xBFA252F438E10C1E, 0x3FF0000000000000, 0,
  0x3FEE608CFD9A47AC, 0x3FAAA5AA5DF25984, 0x3FECA4B31F026AA0, 0x3FBC5E53AA362EB4,
  0x3FEB2036576AFCE6, 0x3FC526E57720DB08, 0x3FE9C2D163A1AA2D, 0x3FCBC2860D224770,
  0x3FE886E6037841ED, 0x3FD1058BC8A07EE1, 0x3FE767DCF5534862, 0x3FD4043057B6EE09,
], 16);

// The constants, loaded where used as exp.ts's: LN2 and the polynomial's A0..A2 (f64 in both lanes),
// 1 (f64), then the i32 splats of the special test (0x00800000, 0x7F000000) and of the reduction.
const K = memory.data<u64>([
  0x3FE62E42FEFA39EF, 0x3FE62E42FEFA39EF, 0xBFD00EA348B88334, 0xBFD00EA348B88334, // LN2, A0
  0x3FD5575B0BE00B6A, 0x3FD5575B0BE00B6A, 0xBFDFFFFEF20A4123, 0xBFDFFFFEF20A4123, // A1, A2
  0x3FF0000000000000, 0x3FF0000000000000, 0x0080000000800000, 0x0080000000800000, // 1, 0x00800000
  0x7F0000007F000000, 0x7F0000007F000000, 0x3F3300003F330000, 0x3F3300003F330000, // 0x7F000000, 0x3F330000
  0x0000000F0000000F, 0x0000000F0000000F, 0xFF800000FF800000, 0xFF800000FF800000, // 15, 0xFF800000
], 16);
const LN2 = 0, A0 = 16, A1 = 32, A2 = 48, ONE = 64, LOW = 80, SPAN = 96, OFF = 112, INDEX = 128, EXPONENT = 144;

/** log of each lane of x (f32), as Mathf.log. */
@inline
export function log4(x: v128): v128 {
  // The scalar test for its special path: bits − 0x00800000 ≥ 0x7F000000 (unsigned).
  if (v128.any_true(i32x4.ge_u(i32x4.sub(x, v128.load(K, LOW)), v128.load(K, SPAN)))) {
    return f32x4.replace_lane(f32x4.replace_lane(f32x4.replace_lane(f32x4.splat(Mathf.log(f32x4.extract_lane(x, 0))),
      1, Mathf.log(f32x4.extract_lane(x, 1))), 2, Mathf.log(f32x4.extract_lane(x, 2))), 3, Mathf.log(f32x4.extract_lane(x, 3)));
  }
  return log4Ordinary(x);
}

/** log4 of lanes that are all positive normal finite numbers (no branch, no call: e.g. a sum of exponentials with a 1 in it). */
@inline
export function log4Ordinary(x: v128): v128 {
  const tmp = i32x4.sub(x, v128.load(K, OFF));
  const i = v128.and(i32x4.shr_u(tmp, 19), v128.load(K, INDEX));
  const k = i32x4.shr_s(tmp, 23);
  const z = i32x4.sub(x, v128.and(tmp, v128.load(K, EXPONENT)));
  const lo = log2Ordinary(z, k, i32x4.extract_lane(i, 0), i32x4.extract_lane(i, 1));
  const hi = log2Ordinary(i32x4.shuffle(z, z, 2, 3, 0, 1), i32x4.shuffle(k, k, 2, 3, 0, 1), i32x4.extract_lane(i, 2), i32x4.extract_lane(i, 3));
  return i64x2.shuffle(lo, hi, 0, 2);
}

// Lanes 0 and 1 of z (f32), k, with table entries i0, i1 → log in lanes 0 and 1 (f32).
@inline
function log2Ordinary(z: v128, k: v128, i0: i32, i1: i32): v128 {
  const e0 = v128.load(TABLE + (<usize>i0 << 4)), e1 = v128.load(TABLE + (<usize>i1 << 4));
  const invc = i64x2.shuffle(e0, e1, 0, 2), logc = i64x2.shuffle(e0, e1, 1, 3);
  const r = f64x2.sub(f64x2.mul(f64x2.promote_low_f32x4(z), invc), v128.load(K, ONE));
  const y0 = f64x2.add(logc, f64x2.mul(f64x2.convert_low_i32x4_s(k), v128.load(K, LN2)));
  const r2 = f64x2.mul(r, r);
  let y = f64x2.add(f64x2.mul(v128.load(K, A1), r), v128.load(K, A2));
  y = f64x2.add(y, f64x2.mul(v128.load(K, A0), r2));
  y = f64x2.add(f64x2.mul(y, r2), f64x2.add(y0, r));
  return f32x4.demote_f64x2_zero(y);
}

/** dst[i] = log src[i] for `count` floats (a multiple of 4), through log4: for kernel tests. */
export function logFloats(dst: usize, src: usize, count: i32): void {
  for (let o: usize = 0; o < (<usize>count << 2); o += 16) v128.store(dst + o, log4(v128.load(src + o)));
}
