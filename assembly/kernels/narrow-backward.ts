// The backward pass of a small network's two lowest layers: layer 1 with up
// to 4 outputs (the classes) on top of layer 0 with up to 4 inputs and relu.
// From dZ1 [rows × n], layer 1's W [h × n], H = A of layer 0 [rows × h] and
// the input X [rows × m]:
//   dW1 = Hᵀ·dZ1                  gemmTNNarrowN (kernels/gemm-narrow.ts)
//   dZ0 = dZ1·Wᵀ ⊙ (H > 0)        as productNN from a zero row, EPI_RELU_MASK
//   dW0 = Xᵀ·dZ0, db0 = Σ_rows dZ0   as gemmTN and columnSums (kernels/vector.ts)
// the last three in one pass over the batch per 4 hidden units (C's lanes):
// dZ0 is never stored, where three kernels each reloaded what the one before
// wrote. Every cell gets the same f32 operations in the same order as in
// those kernels (from +0, then the rows in order; dZ0 from its first product
// instead of +0 plus it: only the sign of a zero can differ, and no sum of
// dZ0's terms from +0 can tell). dW1 stays a pass of its own: its accumulators beside
// these spill registers to the stack, for no gain (the pass is bound by its
// arithmetic, not by loads).
import { madd, putLanes } from './gemm';
import { gemmTNNarrowN } from './gemm-narrow';

/** The widest layer 1 (classes) and layer 0 input (m) this pass takes. */
export const PAIR_MAX = 4;

export function backwardNarrowPair(gw1: usize, gw0: usize, gb0: usize, x: usize, h: usize, d: usize, w: usize,
                                   rows: i32, m: i32, hidden: i32, n: i32): void {
  gemmTNNarrowN(gw1, h, d, hidden, rows, n);
  lowerPass(gw0, gb0, x, h, d, w, rows, m, hidden, n, min(m, 2));
  // Inputs 2 and 3 in a second pass (dZ0 computed again): two inputs per pass keep the row loop free of tests of m.
  if (m > 2) lowerPass(gw0 + 2 * (<usize>hidden << 2), 0, x + 8, h, d, w, rows, m, hidden, n, m - 2);
}

// dW0's `count` (1 or 2) rows for inputs x[·, 0 … count) at gw, and db0 at gb unless gb is 0. A copy per n:
// with n a variable, its tests in the row loop cost a quarter of the pass.
function lowerPass(gw: usize, gb: usize, x: usize, h: usize, d: usize, w: usize, rows: i32, m: i32, hidden: i32, n: i32, count: i32): void {
  if (n == 1) lowerPassN(gw, gb, x, h, d, w, rows, m, hidden, 1, count);
  else if (n == 2) lowerPassN(gw, gb, x, h, d, w, rows, m, hidden, 2, count);
  else if (n == 3) lowerPassN(gw, gb, x, h, d, w, rows, m, hidden, 3, count);
  else lowerPassN(gw, gb, x, h, d, w, rows, m, hidden, 4, count);
}

@inline
function lowerPassN(gw: usize, gb: usize, x: usize, h: usize, d: usize, w: usize,
                    rows: i32, m: i32, hidden: i32, n: i32, count: i32): void {
  const zero = f32x4.splat(0), rowH = <usize>hidden << 2, rowD = <usize>n << 2, rowX = <usize>m << 2;
  const end = d + <usize>rows * rowD;
  for (let j = 0; j < hidden; j += 4) {
    const lanes = min(4, hidden - j), jb = <usize>j << 2, wj = w + <usize>j * rowD;
    // W[j+q, c] in lane q (a last group of fewer than 4 repeats its last row: lanes never stored).
    const w0 = strided(wj, rowD, lanes), w1 = n > 1 ? strided(wj + 4, rowD, lanes) : zero;
    const w2 = n > 2 ? strided(wj + 8, rowD, lanes) : zero, w3 = n > 3 ? strided(wj + 12, rowD, lanes) : zero;
    let g0 = zero, g1 = zero, b = zero;
    let hp = h + jb, xp = x;
    for (let dp = d; dp < end; dp += rowD, xp += rowX, hp += rowH) {
      // From the first product, not +0 plus it: only a −0 differs (+0 there), and the sums below, from +0,
      // never hold −0, so adding −0 or +0 to them gives the same bits.
      let dz = f32x4.mul(v128.load32_splat(dp), w0);
      if (n > 1) dz = madd(dz, v128.load32_splat(dp, 4), w1);
      if (n > 2) dz = madd(dz, v128.load32_splat(dp, 8), w2);
      if (n > 3) dz = madd(dz, v128.load32_splat(dp, 12), w3);
      dz = v128.and(dz, f32x4.gt(v128.load(hp), zero)); // H: up to 12 bytes past its row, as gemm.ts's tails
      g0 = madd(g0, v128.load32_splat(xp), dz);
      g1 = madd(g1, v128.load32_splat(xp, 4), dz); // with count 1, the next float (up to 4 bytes past X), never stored
      b = f32x4.add(b, dz);
    }
    putLanes(gw + jb, g0, lanes);
    if (count > 1) putLanes(gw + rowH + jb, g1, lanes);
    if (gb != 0) putLanes(gb + jb, b, lanes);
  }
}

// Lane q from p + stride·min(q, lanes − 1): one column of a row-major matrix.
@inline
function strided(p: usize, stride: usize, lanes: i32): v128 {
  let v = v128.load32_zero(p);
  v = v128.load32_lane(p + stride * <usize>min(1, lanes - 1), v, 1);
  v = v128.load32_lane(p + stride * <usize>min(2, lanes - 1), v, 2);
  return v128.load32_lane(p + stride * <usize>min(3, lanes - 1), v, 3);
}
