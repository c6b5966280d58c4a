// Products with a narrow dimension, dispatched from kernels/gemm.ts: the small
// networks' layers (2 inputs, 3 classes), where gemm.ts's 4×8 and 4×4 blocks
// spend their time on block set-up (k of 2 or 3) or leave lanes and chains idle
// (3 columns). Every output element gets the same f32 operations in the same
// order as in gemm.ts (c = c0; for k in order: c += a_k*b_k): only which
// elements are computed together differs, so the bits are the same.
import { madd, put, putLanes, EPI_STORE, EPI_RELU, EPI_RELU_MASK } from './gemm';

/** k from 2 up to this takes productSmallK: its panel of B (k × 8) stays in registers. */
export const SMALL_K = 3;

/**
 * C = init + A·B (Bᵀ with B [n×k] when transB) with an epilogue, as gemm.ts
 * productNN, for 2 ≤ k ≤ SMALL_K: per 8-column panel, B's k rows are loaded once
 * and every row of A streams past them (k splats, 2k multiply-adds and two
 * stores per row; the rows are independent, so no chain waits on another).
 * `pack` holds a last panel narrower than 8, zero-padded.
 */
export function productSmallK(c: usize, init: usize, initRow: usize, a: usize, b: usize, transB: bool,
                              m: i32, k: i32, n: i32, pack: usize, epi: i32, auxOff: usize): void {
  // Tests of k, the width and the epilogue inside the row loop would cost as
  // much as its arithmetic: a copy per k, and full panels with all three literal.
  if (k == 2) smallK2(c, init, initRow, a, b, transB, m, n, pack, epi, auxOff);
  else smallK3(c, init, initRow, a, b, transB, m, n, pack, epi, auxOff);
}

function smallK2(c: usize, init: usize, initRow: usize, a: usize, b: usize, transB: bool, m: i32, n: i32, pack: usize, epi: i32, auxOff: usize): void { smallK(c, init, initRow, a, b, transB, m, 2, n, pack, epi, auxOff); }
function smallK3(c: usize, init: usize, initRow: usize, a: usize, b: usize, transB: bool, m: i32, n: i32, pack: usize, epi: i32, auxOff: usize): void { smallK(c, init, initRow, a, b, transB, m, 3, n, pack, epi, auxOff); }

@inline
function smallK(c: usize, init: usize, initRow: usize, a: usize, b: usize, transB: bool,
                m: i32, k: i32, n: i32, pack: usize, epi: i32, auxOff: usize): void {
  const rowC = <usize>n << 2;
  for (let j = 0; j < n; j += 8) {
    const w = min(8, n - j);
    // B's vector of row kk, columns j+4h … j+4h+3 is at bp + kk·step + h·half,
    // its lanes `lane` bytes apart (0: one load). A full panel of Bᵀ is read from
    // B's rows lane by lane; a last narrow panel is packed, zero-padded.
    let bp = b + (<usize>j << 2), step = rowC, half: usize = 16, lane: usize = 0;
    if (w < 8) {
      packPanel(pack, b, transB, k, n, j, w);
      bp = pack; step = 32;
    } else if (transB) {
      lane = <usize>k << 2; bp = b + <usize>j * lane; step = 4; half = lane << 2;
    }
    panel(c + (<usize>j << 2), init + (<usize>j << 2), initRow, a, bp, step, half, lane, m, k, rowC, w, epi, auxOff);
  }
}

// B's k rows (of 8) are loaded once, then the rows stream past them.
@inline
function panel(c: usize, init: usize, initRow: usize, a: usize, b: usize, step: usize, half: usize, lane: usize,
               m: i32, k: i32, rowC: usize, w: i32, epi: i32, auxOff: usize): void {
  const b00 = bvec(b, lane), b01 = bvec(b + half, lane), b10 = bvec(b + step, lane), b11 = bvec(b + step + half, lane);
  const b20 = k > 2 ? bvec(b + 2 * step, lane) : b00, b21 = k > 2 ? bvec(b + 2 * step + half, lane) : b01;
  if (w == 8 && epi == EPI_RELU) rows(c, init, initRow, a, m, k, rowC, b00, b01, b10, b11, b20, b21, 4, 4, EPI_RELU, auxOff);
  else if (w == 8 && epi == EPI_RELU_MASK) rows(c, init, initRow, a, m, k, rowC, b00, b01, b10, b11, b20, b21, 4, 4, EPI_RELU_MASK, auxOff);
  else if (w == 8) rows(c, init, initRow, a, m, k, rowC, b00, b01, b10, b11, b20, b21, 4, 4, EPI_STORE, auxOff);
  // A last panel of 1–4 columns of a relu layer (50 units: 6 panels and 2 columns) with no second half and relu literal.
  else if (w <= 4 && epi == EPI_RELU) rows(c, init, initRow, a, m, k, rowC, b00, b01, b10, b11, b20, b21, w, 0, EPI_RELU, auxOff);
  else rows(c, init, initRow, a, m, k, rowC, b00, b01, b10, b11, b20, b21, min(4, w), w - 4, epi, auxOff);
}

@inline
function bvec(p: usize, lane: usize): v128 {
  if (lane == 0) return v128.load(p);
  let v = v128.load32_zero(p);
  v = v128.load32_lane(p + lane, v, 1);
  v = v128.load32_lane(p + 2 * lane, v, 2);
  return v128.load32_lane(p + 3 * lane, v, 3);
}

// Rows 0 … m−1 of one panel: c = init + Σ_kk a_kk·b_kk; w0 columns (and w1 more, if > 0) stored.
@inline
function rows(c: usize, init: usize, initRow: usize, a: usize, m: i32, k: i32, rowC: usize,
              b00: v128, b01: v128, b10: v128, b11: v128, b20: v128, b21: v128,
              w0: i32, w1: i32, epi: i32, auxOff: usize): void {
  const rowA = <usize>k << 2;
  let ap = a, ip = init, cp = c;
  const end = a + <usize>m * rowA;
  for (; ap < end; ap += rowA, ip += initRow, cp += rowC) {
    let c0 = v128.load(ip), c1 = w1 > 0 ? v128.load(ip, 16) : c0;
    let s = v128.load32_splat(ap);
    c0 = madd(c0, s, b00); c1 = madd(c1, s, b01);
    s = v128.load32_splat(ap, 4); c0 = madd(c0, s, b10); c1 = madd(c1, s, b11);
    if (k > 2) { s = v128.load32_splat(ap, 8); c0 = madd(c0, s, b20); c1 = madd(c1, s, b21); }
    put(cp, c0, w0, epi, auxOff);
    if (w1 > 0) put(cp + 16, c1, w1, epi, auxOff);
  }
}

// pack[kk][q] = B[kk, j+q] (Bᵀ: B[j+q, kk]) for q < w, else 0: a k × 8 panel,
// rows 32 bytes apart. (Zeroed by stores: memory.fill is a call in V8.)
function packPanel(pack: usize, b: usize, transB: bool, k: i32, n: i32, j: i32, w: i32): void {
  const zero = f32x4.splat(0);
  for (let kk = 0; w < 8 && kk < k; kk++) {
    v128.store(pack + (<usize>kk << 5), zero);
    v128.store(pack + (<usize>kk << 5), zero, 16);
  }
  const stepQ: usize = transB ? <usize>k << 2 : 4, stepK: usize = transB ? 4 : <usize>n << 2;
  const b0 = b + <usize>j * stepQ;
  for (let kk = 0; kk < k; kk++) {
    const src = b0 + <usize>kk * stepK, dst = pack + (<usize>kk << 5);
    for (let q = 0; q < w; q++) store<f32>(dst + (<usize>q << 2), load<f32>(src + <usize>q * stepQ));
  }
}

/** n up to this takes gemmTNNarrowN. */
export const NARROW_N = 4;

/**
 * C[m×n] = Aᵀ·B (A [k×m], B [k×n]) as gemm.ts gemmTN, for n ≤ NARROW_N (the
 * weight gradient of a 3-class output layer): C's rows go in lanes instead of
 * its n columns, so no lane idles and 8 rows × n classes make 4n independent
 * chains; per k, two loads of A's row and n splats of B's. Each cell starts
 * from +0 and adds its k terms in order, as gemmTN does.
 */
export function gemmTNNarrowN(c: usize, a: usize, b: usize, m: i32, k: i32, n: i32): void {
  if (n == 3) tnN3(c, a, b, m, k);
  else tnN4(c, a, b, m, k, n);
}

// 3 classes with a literal n; other widths compute all four (B's loads read up
// to 12 bytes past its row, as gemm.ts's tails) and store the n real ones.
function tnN3(c: usize, a: usize, b: usize, m: i32, k: i32): void { tnNarrowN(c, a, b, m, k, 3, 3); }
function tnN4(c: usize, a: usize, b: usize, m: i32, k: i32, n: i32): void { tnNarrowN(c, a, b, m, k, 4, n); }

@inline
function tnNarrowN(c: usize, a: usize, b: usize, m: i32, k: i32, cols: i32, n: i32): void {
  let i = 0;
  for (; i + 8 <= m; i += 8) tnBlock(c, a, b, i, m, k, cols, n, 2, 4);
  // The last 1–7 rows four at a time, A's loads reading up to 12 bytes past its row.
  for (; i < m; i += 4) tnBlock(c, a, b, i, m, k, cols, n, 1, min(4, m - i));
}

// Rows i … of C in `groups` (1 or 2) vectors of 4, the last with `last` real
// rows, for `cols` columns of B of which n are stored; s_g_cl holds C[i + 4g + q, cl] in lane q.
@inline
function tnBlock(c: usize, a: usize, b: usize, i: i32, m: i32, k: i32, cols: i32, n: i32, groups: i32, last: i32): void {
  const rowA = <usize>m << 2, rowB = <usize>n << 2;
  let s00 = f32x4.splat(0), s01 = s00, s02 = s00, s03 = s00, s10 = s00, s11 = s00, s12 = s00, s13 = s00;
  let ap = a + (<usize>i << 2), bp = b;
  const end = b + <usize>k * rowB;
  for (; bp < end; ap += rowA, bp += rowB) {
    const x0 = v128.load(ap), x1 = groups > 1 ? v128.load(ap, 16) : x0;
    let s = v128.load32_splat(bp);
    s00 = madd(s00, x0, s); if (groups > 1) s10 = madd(s10, x1, s);
    if (cols > 1) { s = v128.load32_splat(bp, 4); s01 = madd(s01, x0, s); if (groups > 1) s11 = madd(s11, x1, s); }
    if (cols > 2) { s = v128.load32_splat(bp, 8); s02 = madd(s02, x0, s); if (groups > 1) s12 = madd(s12, x1, s); }
    if (cols > 3) { s = v128.load32_splat(bp, 12); s03 = madd(s03, x0, s); if (groups > 1) s13 = madd(s13, x1, s); }
  }
  const c0 = c + <usize>i * rowB, c1 = c0 + 4 * rowB, rows0 = groups > 1 ? 4 : last;
  column(c0, rowB, s00, rows0); if (n > 1) column(c0 + 4, rowB, s01, rows0);
  if (n > 2) column(c0 + 8, rowB, s02, rows0); if (n > 3) column(c0 + 12, rowB, s03, rows0);
  if (groups == 1) return;
  column(c1, rowB, s10, last); if (n > 1) column(c1 + 4, rowB, s11, last);
  if (n > 2) column(c1 + 8, rowB, s12, last); if (n > 3) column(c1 + 12, rowB, s13, last);
}

// Lane q of v to p + q·stride, for q < rows.
@inline
function column(p: usize, stride: usize, v: v128, rows: i32): void {
  v128.store32_lane(p, v, 0);
  if (rows > 1) v128.store32_lane(p + stride, v, 1);
  if (rows > 2) v128.store32_lane(p + 2 * stride, v, 2);
  if (rows > 3) v128.store32_lane(p + 3 * stride, v, 3);
}

/**
 * C[2×n] = Aᵀ·B (A [k×2], B [k×n]) as gemmTN, for the weight gradient of a
 * layer with two inputs: 2 × 16 blocks of C, 8 independent chains (gemm.ts's
 * 2 × 8 block has 4, each waiting on its add every step).
 */
export function gemmTN2(c: usize, a: usize, b: usize, k: i32, n: i32): void {
  const rowB = <usize>n << 2, end = a + (<usize>k << 3);
  let j = 0;
  for (; j + 16 <= n; j += 16) {
    let c00 = f32x4.splat(0), c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00;
    for (let ap = a, bp = b + (<usize>j << 2); ap < end; ap += 8, bp += rowB) {
      const x0 = v128.load32_splat(ap), x1 = v128.load32_splat(ap, 4);
      const b0 = v128.load(bp), b1 = v128.load(bp, 16), b2 = v128.load(bp, 32), b3 = v128.load(bp, 48);
      c00 = madd(c00, x0, b0); c01 = madd(c01, x0, b1); c02 = madd(c02, x0, b2); c03 = madd(c03, x0, b3);
      c10 = madd(c10, x1, b0); c11 = madd(c11, x1, b1); c12 = madd(c12, x1, b2); c13 = madd(c13, x1, b3);
    }
    const p = c + (<usize>j << 2);
    v128.store(p, c00); v128.store(p, c01, 16); v128.store(p, c02, 32); v128.store(p, c03, 48);
    v128.store(p + rowB, c10); v128.store(p + rowB, c11, 16); v128.store(p + rowB, c12, 32); v128.store(p + rowB, c13, 48);
  }
  for (; j < n; j += 4) {
    let c0 = f32x4.splat(0), c1 = c0;
    for (let ap = a, bp = b + (<usize>j << 2); ap < end; ap += 8, bp += rowB) {
      const b0 = v128.load(bp); // up to 12 bytes past B's row, as gemm.ts's tails
      c0 = madd(c0, v128.load32_splat(ap), b0); c1 = madd(c1, v128.load32_splat(ap, 4), b0);
    }
    const w = min(4, n - j), p = c + (<usize>j << 2);
    putLanes(p, c0, w); putLanes(p + rowB, c1, w);
  }
}
