// The backward pass of a small network's two lowest layers in one pass over
// the batch: layer 1 with 3 outputs (the classes) on top of layer 0 with 2
// inputs and relu. From dZ1 [rows × 3], layer 1's W [h × 3], H = A of layer 0
// [rows × h] and the input X [rows × 2], per 4 hidden units (C's lanes):
//   dW1 = Hᵀ·dZ1               as gemmTNNarrowN (kernels/gemm-narrow.ts)
//   dZ0 = dZ1·Wᵀ ⊙ (H > 0)     as productSmallK from a zero row, EPI_RELU_MASK
//   dW0 = Xᵀ·dZ0, db0 = Σ_rows dZ0   as gemmTN2 and columnSums (kernels/vector.ts)
// dZ0 is never stored: the five passes over the batch (each reloading what the
// one before wrote) become one, and H's vector serves dW1 and the mask. Every
// cell gets the same f32 operations in the same order as in those kernels
// (from +0, then the rows in order; dZ0 from +0, then the 3 classes in order).
import { madd, putLanes } from './gemm';

export function backwardRelu2x3(gw1: usize, gw0: usize, gb0: usize, x: usize, h: usize, d: usize, w: usize, rows: i32, hidden: i32): void {
  const zero = f32x4.splat(0), rowH = <usize>hidden << 2, end = d + <usize>rows * 12;
  for (let j = 0; j < hidden; j += 4) {
    const n = min(4, hidden - j), jb = <usize>j << 2, wj = w + <usize>j * 12;
    // W[j+q, c] in lane q (a last group of n < 4 repeats its last row: lanes never stored).
    const w0 = strided(wj, n), w1 = strided(wj + 4, n), w2 = strided(wj + 8, n);
    let u0 = zero, u1 = zero, u2 = zero, g0 = zero, g1 = zero, gb = zero;
    let hp = h + jb, xp = x;
    for (let dp = d; dp < end; dp += 12, xp += 8, hp += rowH) {
      const hv = v128.load(hp); // up to 12 bytes past H's row, as gemm.ts's tails
      let s = v128.load32_splat(dp);
      u0 = madd(u0, hv, s);
      let dz = madd(zero, s, w0);
      s = v128.load32_splat(dp, 4);
      u1 = madd(u1, hv, s);
      dz = madd(dz, s, w1);
      s = v128.load32_splat(dp, 8);
      u2 = madd(u2, hv, s);
      dz = v128.and(madd(dz, s, w2), f32x4.gt(hv, zero));
      g0 = madd(g0, v128.load32_splat(xp), dz);
      g1 = madd(g1, v128.load32_splat(xp, 4), dz);
      gb = f32x4.add(gb, dz);
    }
    const cj = gw1 + <usize>j * 12;
    scatter(cj, u0, n); scatter(cj + 4, u1, n); scatter(cj + 8, u2, n);
    putLanes(gw0 + jb, g0, n); putLanes(gw0 + rowH + jb, g1, n); putLanes(gb0 + jb, gb, n);
  }
}

// Lane q from p + 12·min(q, n − 1): one column of a [· × 3] matrix.
@inline
function strided(p: usize, n: i32): v128 {
  let v = v128.load32_zero(p);
  v = v128.load32_lane(p + 12 * <usize>min(1, n - 1), v, 1);
  v = v128.load32_lane(p + 12 * <usize>min(2, n - 1), v, 2);
  return v128.load32_lane(p + 12 * <usize>min(3, n - 1), v, 3);
}

// Lanes q < n of v to p + 12·q.
@inline
function scatter(p: usize, v: v128, n: i32): void {
  v128.store32_lane(p, v, 0);
  if (n > 1) v128.store32_lane(p + 12, v, 1);
  if (n > 2) v128.store32_lane(p + 24, v, 2);
  if (n > 3) v128.store32_lane(p + 36, v, 3);
}
