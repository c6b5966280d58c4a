// Matrix products for dense layers, row-major f32, f32x4 register-blocked.
//
// Every output element is accumulated in the same order on every path
// (packed tiles over blocks of k, 4- and 2-row blocks and single rows read in
// place, 8- and 4-column blocks, tail columns): c = c0;
// for k in 0..K: c += a_k*b_k, one f32 multiply and one f32 add per term, no
// reassociation. So results do not depend on which path a cell took, and the
// js backend, doing the same f32 operations in the same order, reproduces
// them bit for bit. (The relaxed-SIMD build fuses multiply and add: other
// bits, see madd below.)
//
// Pointers are byte addresses; counts are in elements; no alignment is
// required (wasm v128.load/store accept any address). The last 1–3 columns
// are computed in full f32x4 lanes: their loads read up to 12 bytes past a
// row (never past the arena, see arena.ts) and only the real lanes are stored.

import { productSmallK, gemmTNNarrowN, gemmTN2, SMALL_K, NARROW_N } from './gemm-narrow';

// What the store of a product does with each result r (the epilogue):
export const EPI_STORE: i32 = 0; //     C = r
export const EPI_RELU: i32 = 1; //      C = relu(r) (forward of a relu layer, which keeps only A: see arena.ts)
export const EPI_RELU_MASK: i32 = 2; // C = aux > 0 ? r : 0 (backward: dA → dZ of a relu layer whose A is `aux`)

// C[m×n] += A[m×k] · B[k×n]. `pack` is scratch of packBytes(max(m, k, n)) bytes.
export function gemmNN(c: usize, a: usize, b: usize, m: i32, k: i32, n: i32, pack: usize): void {
  productNN(c, c, <usize>n << 2, a, b, false, m, k, n, pack, EPI_STORE, 0);
}

// C[m×n] += A[m×k] · Bᵀ with B [n×k]: dY·Wᵀ. Panels of Bᵀ are packed from B's
// rows, so no transposed copy of B is made and the arithmetic is that of NN.
export function gemmNT(c: usize, a: usize, b: usize, m: i32, k: i32, n: i32, pack: usize): void {
  productNN(c, c, <usize>n << 2, a, b, true, m, k, n, pack, EPI_STORE, 0);
}

// Cache blocking of the large products. The 4 × 8 tiles of C run over packed
// operands only: a strip of A (4 rows interleaved, 16 bytes per k) and a panel
// of B (8 columns, 32 bytes per k), one pointer each. Rows are taken in blocks
// whose strips over KC steps of k fill at most A_BLOCK bytes (128 rows at
// KC = 256: a training thread's 128-row slice is one block, so each panel of a
// weight matrix is packed once per KC steps, not once per 4 rows' worth of A
// read). Per block of rows, k is cut into KC steps: the block's strips are
// packed (they stay in L2), then every 8-column panel of B, packed in turn
// (KC × 32 bytes, in L1), streams past all of them. C's tiles are stored after
// each KC steps and reloaded for the next while the block's rows of C are
// still in L2; stores and loads of f32 are exact, so each cell's sum stays
// c0 + a_0·b_0 + a_1·b_1 + … in k order. The strips also make A one
// sequential stream instead of 4 rows apart, and Aᵀ's (gemmTN) contiguous.
const KC = 256;
const A_BLOCK = 131072;

/**
 * Bytes of `pack` scratch for products with every dimension ≤ dMax: 32 bytes of
 * zeros (the start of Aᵀ·B), a panel of B over the whole k (the rows and
 * columns left over around the tiles read A in place against it), and the
 * strips of a block of rows.
 */
export function packBytes(dMax: i32): usize {
  const d = <usize>((dMax + 3) & ~3);
  return 32 + (<usize>max(dMax, KC) << 5) + min(<usize>A_BLOCK, d * <usize>min(dMax, KC) << 2);
}

// Rows of a block whose strips over kb steps of k fit in A_BLOCK bytes: a multiple of 4, at least 4.
@inline
function blockRows(kb: i32): i32 {
  return max(4, (A_BLOCK / (kb << 2)) & ~3);
}

/**
 * C[m×n] = init + A·B (or A·Bᵀ when transB) with an epilogue. Row i of the
 * starting values is at init + i·initRow bytes: initRow 0 broadcasts one row
 * (a bias), and a zero row gives a plain product. `aux` is C's partner for the
 * epilogue (same shape), or 0.
 */
export function productNN(c: usize, init: usize, initRow: usize, a: usize, b: usize, transB: bool,
                          m: i32, k: i32, n: i32, pack: usize, epi: i32, aux: usize): void {
  const auxOff = aux - c; // wraps: c + auxOff == aux
  if (k >= 2 && k <= SMALL_K) return productSmallK(c, init, initRow, a, b, transB, m, k, n, pack, epi, auxOff); // kernels/gemm-narrow.ts
  if (m < 8 || n < 8) return inPlaceNN(c, init, initRow, a, b, transB, 0, m, 0, n, k, n, pack, epi, auxOff);
  const rowA = <usize>k << 2, rowC = <usize>n << 2;
  const m4 = m & ~3, n8 = n & ~7;
  const panel = pack + 32, strips = panel + (<usize>max(k, KC) << 5);
  const kc = min(k, KC), mc = blockRows(kc);
  for (let i0 = 0; i0 < m4; i0 += mc) {
    const rows = min(mc, m4 - i0);
    for (let p = 0; p < k; p += kc) {
      const kb = min(kc, k - p), stripBytes = <usize>kb << 4;
      const e = p + kb == k ? epi : EPI_STORE;
      for (let s = 0; s < rows; s += 4) packRows(strips + <usize>(s >> 2) * stripBytes, a + <usize>(i0 + s) * rowA + (<usize>p << 2), rowA, kb, 4, 4);
      for (let j = 0; j < n8; j += 8) {
        if (transB) packRows(panel, b + <usize>j * rowA + (<usize>p << 2), rowA, kb, 8, 8);
        else packColumns(panel, b + <usize>p * rowC + (<usize>j << 2), rowC, kb);
        for (let s = 0; s < rows; s += 4) {
          const i = i0 + s, cij = c + <usize>i * rowC + (<usize>j << 2);
          // The first block starts from init, the next ones from the partial sums in C.
          const start = p == 0 ? init + <usize>i * initRow + (<usize>j << 2) : cij, startRow = p == 0 ? initRow : rowC;
          tile4x8(cij, start, startRow, strips + <usize>(s >> 2) * stripBytes, panel, kb, rowC, e, auxOff);
        }
      }
    }
  }
  // The 1–7 columns right of the tiles, every row; then the 1–3 rows below them.
  if (n8 < n) inPlaceNN(c, init, initRow, a, b, transB, 0, m, n8, n, k, n, panel, epi, auxOff);
  if (m4 < m) inPlaceNN(c, init, initRow, a, b, transB, m4, m, 0, n8, k, n, panel, epi, auxOff);
}

// Rows i0..i1, columns j0..j1 of productNN with A read in place: 8-column
// panels (packed when B is transposed, or when at least two row blocks share
// one), then 4-column ones, the last 1–3 wide for narrow layers (3 classes, 1 output).
function inPlaceNN(c: usize, init: usize, initRow: usize, a: usize, b: usize, transB: bool,
                   i0: i32, i1: i32, j0: i32, j1: i32, k: i32, n: i32, pack: usize, epi: i32, auxOff: usize): void {
  const rowA = <usize>k << 2, rowC = <usize>n << 2;
  let j = j0;
  for (; j + 8 <= j1; j += 8) {
    let bp = b + (<usize>j << 2), rowB = rowC;
    if (transB) {
      packRows(pack, b + <usize>j * rowA, rowA, k, 8, 8);
      bp = pack; rowB = 32;
    } else if (i1 - i0 >= 8) {
      packColumns(pack, bp, rowC, k);
      bp = pack; rowB = 32;
    }
    const cj = c + (<usize>j << 2), ij = init + (<usize>j << 2);
    let i = i0;
    for (; i + 4 <= i1; i += 4) block4x8(cj + <usize>i * rowC, ij + <usize>i * initRow, initRow, a + <usize>i * rowA, bp, k, rowA, rowB, rowC, epi, auxOff);
    for (; i < i1; i++) {
      block1x4(cj + <usize>i * rowC, ij + <usize>i * initRow, a + <usize>i * rowA, 4, bp, rowB, k, 4, epi, auxOff);
      block1x4(cj + <usize>i * rowC + 16, ij + <usize>i * initRow + 16, a + <usize>i * rowA, 4, bp + 16, rowB, k, 4, epi, auxOff);
    }
  }
  for (; j < j1; j += 4) {
    const w = min(4, j1 - j);
    let bp = b + (<usize>j << 2), rowB = rowC;
    if (transB) {
      packRows(pack, b + <usize>j * rowA, rowA, k, w, 4);
      bp = pack; rowB = 16;
    }
    const cj = c + (<usize>j << 2), ij = init + (<usize>j << 2);
    let i = i0;
    for (; i + 4 <= i1; i += 4) block4x4(cj + <usize>i * rowC, ij + <usize>i * initRow, initRow, a + <usize>i * rowA, bp, k, rowA, rowB, rowC, w, epi, auxOff);
    for (; i < i1; i++) block1x4(cj + <usize>i * rowC, ij + <usize>i * initRow, a + <usize>i * rowA, 4, bp, rowB, k, w, epi, auxOff);
  }
}

// C[m×n] = Aᵀ · B where A is [k×m] and B is [k×n]: the weight gradient Xᵀ·dY.
// C is overwritten (each cell starts from 0). `pack` as for gemmNN. Blocked
// as productNN; a strip of Aᵀ is 16 contiguous bytes of each row of A.
export function gemmTN(c: usize, a: usize, b: usize, m: i32, k: i32, n: i32, pack: usize): void {
  if (n <= NARROW_N) return gemmTNNarrowN(c, a, b, m, k, n); // kernels/gemm-narrow.ts
  if (m == 2) return gemmTN2(c, a, b, k, n);
  const rowA = <usize>m << 2, rowB = <usize>n << 2;
  const n8 = n & ~7, m4 = m & ~3;
  if (m < 8 || n8 == 0) return inPlaceTN(c, a, b, 0, m, 0, n, k, rowA, rowB, pack);
  const zeros = pack, panel = pack + 32, strips = panel + (<usize>max(k, KC) << 5);
  v128.store(zeros, f32x4.splat(0)); v128.store(zeros, f32x4.splat(0), 16);
  const kc = min(k, KC), mc = blockRows(kc);
  for (let i0 = 0; i0 < m4; i0 += mc) {
    const rows = min(mc, m4 - i0);
    for (let p = 0; p < k; p += kc) {
      const kb = min(kc, k - p), stripBytes = <usize>kb << 4;
      for (let kk = 0; kk < kb; kk++) {
        const src = a + <usize>(p + kk) * rowA + (<usize>i0 << 2), dst = strips + (<usize>kk << 4);
        for (let s = 0; s < rows; s += 4) v128.store(dst + <usize>(s >> 2) * stripBytes, v128.load(src + (<usize>s << 2)));
      }
      for (let j = 0; j < n8; j += 8) {
        packColumns(panel, b + <usize>p * rowB + (<usize>j << 2), rowB, kb);
        for (let s = 0; s < rows; s += 4) {
          const cij = c + <usize>(i0 + s) * rowB + (<usize>j << 2);
          tile4x8(cij, p == 0 ? zeros : cij, p == 0 ? 0 : rowB, strips + <usize>(s >> 2) * stripBytes, panel, kb, rowB, EPI_STORE, 0);
        }
      }
    }
  }
  if (n8 < n) inPlaceTN(c, a, b, 0, m, n8, n, k, rowA, rowB, panel);
  if (m4 < m) inPlaceTN(c, a, b, m4, m, 0, n8, k, rowA, rowB, panel);
}

// Rows i0..i1, columns j0..j1 of gemmTN with A read in place: 8-column panels
// of B (packed when at least two row blocks share one), then 4-column ones.
function inPlaceTN(c: usize, a: usize, b: usize, i0: i32, i1: i32, j0: i32, j1: i32, k: i32, rowA: usize, rowB: usize, pack: usize): void {
  let j = j0;
  for (; j + 8 <= j1; j += 8) {
    let bp = b + (<usize>j << 2), rowP = rowB;
    if (i1 - i0 >= 8) {
      packColumns(pack, bp, rowB, k);
      bp = pack; rowP = 32;
    }
    const cj = c + (<usize>j << 2);
    let i = i0;
    for (; i + 4 <= i1; i += 4) block4x8T(cj + <usize>i * rowB, a + (<usize>i << 2), bp, k, rowA, rowP, rowB);
    // Two leftover rows share each B load (a first layer with 2 inputs is all leftovers).
    for (; i + 2 <= i1; i += 2) block2x8T(cj + <usize>i * rowB, a + (<usize>i << 2), bp, k, rowA, rowP, rowB);
    for (; i < i1; i++) {
      block1x4T(cj + <usize>i * rowB, a + (<usize>i << 2), rowA, bp, rowP, k, 4);
      block1x4T(cj + <usize>i * rowB + 16, a + (<usize>i << 2), rowA, bp + 16, rowP, k, 4);
    }
  }
  for (; j < j1; j += 4) {
    const w = min(4, j1 - j);
    const bj = b + (<usize>j << 2), cj = c + (<usize>j << 2);
    let i = i0;
    for (; i + 4 <= i1; i += 4) block4x4T(cj + <usize>i * rowB, a + (<usize>i << 2), bj, k, rowA, rowB, w);
    for (; i < i1; i++) block1x4T(cj + <usize>i * rowB, a + (<usize>i << 2), rowA, bj, rowB, k, w);
  }
}

// dst[k × 32 bytes] = columns 0..8 of the k rows of src (rowS bytes apart).
@inline
function packColumns(dst: usize, src: usize, rowS: usize, k: i32): void {
  for (let kk = 0; kk < k; kk++) {
    const s = src + <usize>kk * rowS, d = dst + (<usize>kk << 5);
    v128.store(d, v128.load(s));
    v128.store(d, v128.load(s, 16), 16);
  }
}

// dst[k × width] = columns q < cols of Bᵀ, i.e. the first k floats of rows q of
// src (rowS bytes apart), zero-padded to `width`. Full groups of 4 rows are
// transposed 4 × 4 at a time in registers. (Also packs a strip of A: its 4 rows as Aᵀ's columns.)
function packRows(dst: usize, src: usize, rowS: usize, k: i32, cols: i32, width: i32): void {
  const rowD = <usize>width << 2;
  if (cols < width) memory.fill(dst, 0, <usize>k * rowD);
  const k4 = k & ~3;
  let q = 0;
  for (; q + 4 <= cols; q += 4) {
    const s0 = src + <usize>q * rowS, d = dst + (<usize>q << 2);
    for (let kk = 0; kk < k4; kk += 4) {
      const off = <usize>kk << 2;
      const r0 = v128.load(s0 + off), r1 = v128.load(s0 + rowS + off);
      const r2 = v128.load(s0 + 2 * rowS + off), r3 = v128.load(s0 + 3 * rowS + off);
      const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5), t1 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
      const t2 = i32x4.shuffle(r2, r3, 0, 4, 1, 5), t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
      const dk = d + <usize>kk * rowD;
      v128.store(dk, i32x4.shuffle(t0, t2, 0, 1, 4, 5));
      v128.store(dk + rowD, i32x4.shuffle(t0, t2, 2, 3, 6, 7));
      v128.store(dk + 2 * rowD, i32x4.shuffle(t1, t3, 0, 1, 4, 5));
      v128.store(dk + 3 * rowD, i32x4.shuffle(t1, t3, 2, 3, 6, 7));
    }
    for (let r = 0; r < 4; r++) {
      const s = s0 + <usize>r * rowS, dr = d + (<usize>r << 2);
      for (let kk = k4; kk < k; kk++) store<f32>(dr + <usize>kk * rowD, load<f32>(s + (<usize>kk << 2)));
    }
  }
  for (; q < cols; q++) {
    const s = src + <usize>q * rowS, d = dst + (<usize>q << 2);
    for (let kk = 0; kk < k; kk++) store<f32>(d + <usize>kk * rowD, load<f32>(s + (<usize>kk << 2)));
  }
}

// acc + s·b: two roundings in the strict build (the determinism promise), one
// fused rounding where relaxed SIMD is enabled (the opt-in fast build).
@inline
export function madd(acc: v128, s: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(s, b, acc);
  return f32x4.add(acc, f32x4.mul(s, b));
}

// Stores the first w lanes of r at p, after the epilogue. relu(r) = r > 0 ? r : +0
// is pmax(0, r) = 0 < r ? r : 0, one instruction, the same bits for every r (−0
// and NaN give +0 either way); the mask keeps r where aux > 0, else +0.
@inline
export function put(p: usize, r: v128, w: i32, epi: i32, auxOff: usize): void {
  const zero = f32x4.splat(0);
  if (epi == EPI_RELU_MASK) r = v128.and(r, f32x4.gt(v128.load(p + auxOff), zero));
  if (epi == EPI_RELU) r = f32x4.pmax(zero, r);
  putLanes(p, r, w);
}

// Stores the first w (1–4) lanes of r at p.
@inline
export function putLanes(p: usize, r: v128, w: i32): void {
  if (w == 4) { v128.store(p, r); return; }
  if (w == 1) { v128.store32_lane(p, r, 0); return; }
  v128.store64_lane(p, r, 0);
  if (w == 3) v128.store32_lane(p, r, 2, 8);
}

// 4 rows × 8 columns of C: 8 accumulators, 2 B vectors, a splat and a product,
// 12 xmm registers. (A 6 × 8 block needs 16, one more than V8 allocates on x64,
// and its spills made it slower.) A rows are rowA bytes apart, B rows rowB (32
// when packed), C rows rowC, starting values initRow.
@inline
function block4x8(c: usize, init: usize, initRow: usize, a: usize, b: usize, k: i32, rowA: usize, rowB: usize, rowC: usize, epi: i32, auxOff: usize): void {
  let c00 = v128.load(init), c01 = v128.load(init, 16);
  let c10 = v128.load(init + initRow), c11 = v128.load(init + initRow, 16);
  let c20 = v128.load(init + 2 * initRow), c21 = v128.load(init + 2 * initRow, 16);
  let c30 = v128.load(init + 3 * initRow), c31 = v128.load(init + 3 * initRow, 16);
  // Pointers step through the loop, and the loop ends on a pointer: no multiply
  // and no counter per k.
  let a0 = a, a1 = a + rowA, a2 = a + 2 * rowA, a3 = a + 3 * rowA, bp = b;
  const end = a + (<usize>k << 2);
  for (; a0 < end; a0 += 4, a1 += 4, a2 += 4, a3 += 4, bp += rowB) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    let s = v128.load32_splat(a0);
    c00 = madd(c00, s, b0); c01 = madd(c01, s, b1);
    s = v128.load32_splat(a1);
    c10 = madd(c10, s, b0); c11 = madd(c11, s, b1);
    s = v128.load32_splat(a2);
    c20 = madd(c20, s, b0); c21 = madd(c21, s, b1);
    s = v128.load32_splat(a3);
    c30 = madd(c30, s, b0); c31 = madd(c31, s, b1);
  }
  put(c, c00, 4, epi, auxOff); put(c + 16, c01, 4, epi, auxOff);
  put(c + rowC, c10, 4, epi, auxOff); put(c + rowC + 16, c11, 4, epi, auxOff);
  put(c + 2 * rowC, c20, 4, epi, auxOff); put(c + 2 * rowC + 16, c21, 4, epi, auxOff);
  put(c + 3 * rowC, c30, 4, epi, auxOff); put(c + 3 * rowC + 16, c31, 4, epi, auxOff);
}

// A 4 × 8 tile of C over packed operands: the strip's 4 A scalars of step kk
// are adjacent (16 bytes), the panel's 8 B values too (32 bytes), so the loop
// advances two pointers. Starting values from init (rows initRow apart).
@inline
function tile4x8(c: usize, init: usize, initRow: usize, strip: usize, panel: usize, k: i32, rowC: usize, epi: i32, auxOff: usize): void {
  let c00 = v128.load(init), c01 = v128.load(init, 16);
  let c10 = v128.load(init + initRow), c11 = v128.load(init + initRow, 16);
  let c20 = v128.load(init + 2 * initRow), c21 = v128.load(init + 2 * initRow, 16);
  let c30 = v128.load(init + 3 * initRow), c31 = v128.load(init + 3 * initRow, 16);
  let ap = strip, bp = panel;
  const end = panel + (<usize>k << 5);
  for (; bp < end; ap += 16, bp += 32) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    let s = v128.load32_splat(ap);
    c00 = madd(c00, s, b0); c01 = madd(c01, s, b1);
    s = v128.load32_splat(ap, 4);
    c10 = madd(c10, s, b0); c11 = madd(c11, s, b1);
    s = v128.load32_splat(ap, 8);
    c20 = madd(c20, s, b0); c21 = madd(c21, s, b1);
    s = v128.load32_splat(ap, 12);
    c30 = madd(c30, s, b0); c31 = madd(c31, s, b1);
  }
  put(c, c00, 4, epi, auxOff); put(c + 16, c01, 4, epi, auxOff);
  put(c + rowC, c10, 4, epi, auxOff); put(c + rowC + 16, c11, 4, epi, auxOff);
  put(c + 2 * rowC, c20, 4, epi, auxOff); put(c + 2 * rowC + 16, c21, 4, epi, auxOff);
  put(c + 3 * rowC, c30, 4, epi, auxOff); put(c + 3 * rowC + 16, c31, 4, epi, auxOff);
}

// 4 rows × one 4-column group, w of its lanes real.
@inline
function block4x4(c: usize, init: usize, initRow: usize, a: usize, b: usize, k: i32, rowA: usize, rowB: usize, rowC: usize, w: i32, epi: i32, auxOff: usize): void {
  let c0 = v128.load(init), c1 = v128.load(init + initRow), c2 = v128.load(init + 2 * initRow), c3 = v128.load(init + 3 * initRow);
  let a0 = a, a1 = a + rowA, a2 = a + 2 * rowA, a3 = a + 3 * rowA, bp = b;
  const end = a + (<usize>k << 2);
  for (; a0 < end; a0 += 4, a1 += 4, a2 += 4, a3 += 4, bp += rowB) {
    const b0 = v128.load(bp);
    c0 = madd(c0, v128.load32_splat(a0), b0);
    c1 = madd(c1, v128.load32_splat(a1), b0);
    c2 = madd(c2, v128.load32_splat(a2), b0);
    c3 = madd(c3, v128.load32_splat(a3), b0);
  }
  put(c, c0, w, epi, auxOff); put(c + rowC, c1, w, epi, auxOff);
  put(c + 2 * rowC, c2, w, epi, auxOff); put(c + 3 * rowC, c3, w, epi, auxOff);
}

// One row × 4 columns (w real); the A scalar of step kk is at a + kk*strideA.
@inline
function block1x4(c: usize, init: usize, a: usize, strideA: usize, b: usize, rowB: usize, k: i32, w: i32, epi: i32, auxOff: usize): void {
  let acc = v128.load(init);
  let ap = a, bp = b;
  const end = b + <usize>k * rowB;
  for (; bp < end; ap += strideA, bp += rowB) acc = madd(acc, v128.load32_splat(ap), v128.load(bp));
  put(c, acc, w, epi, auxOff);
}

// The same blocks for Aᵀ, starting from zero: the A scalars of step kk are adjacent in row kk of A.
@inline
function block4x8T(c: usize, a: usize, b: usize, k: i32, rowA: usize, rowB: usize, rowC: usize): void {
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  let ap = a, bp = b;
  const end = b + <usize>k * rowB;
  for (; bp < end; ap += rowA, bp += rowB) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    let s = v128.load32_splat(ap);
    c00 = madd(c00, s, b0); c01 = madd(c01, s, b1);
    s = v128.load32_splat(ap, 4);
    c10 = madd(c10, s, b0); c11 = madd(c11, s, b1);
    s = v128.load32_splat(ap, 8);
    c20 = madd(c20, s, b0); c21 = madd(c21, s, b1);
    s = v128.load32_splat(ap, 12);
    c30 = madd(c30, s, b0); c31 = madd(c31, s, b1);
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c + rowC, c10); v128.store(c + rowC, c11, 16);
  v128.store(c + 2 * rowC, c20); v128.store(c + 2 * rowC, c21, 16);
  v128.store(c + 3 * rowC, c30); v128.store(c + 3 * rowC, c31, 16);
}

@inline
function block2x8T(c: usize, a: usize, b: usize, k: i32, rowA: usize, rowB: usize, rowC: usize): void {
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00;
  let ap = a, bp = b;
  const end = b + <usize>k * rowB;
  for (; bp < end; ap += rowA, bp += rowB) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    let s = v128.load32_splat(ap);
    c00 = madd(c00, s, b0); c01 = madd(c01, s, b1);
    s = v128.load32_splat(ap, 4);
    c10 = madd(c10, s, b0); c11 = madd(c11, s, b1);
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c + rowC, c10); v128.store(c + rowC, c11, 16);
}

@inline
function block4x4T(c: usize, a: usize, b: usize, k: i32, rowA: usize, rowB: usize, w: i32): void {
  let c0 = f32x4.splat(0), c1 = c0, c2 = c0, c3 = c0;
  let ap = a, bp = b;
  const end = b + <usize>k * rowB;
  for (; bp < end; ap += rowA, bp += rowB) {
    const b0 = v128.load(bp);
    c0 = madd(c0, v128.load32_splat(ap), b0);
    c1 = madd(c1, v128.load32_splat(ap, 4), b0);
    c2 = madd(c2, v128.load32_splat(ap, 8), b0);
    c3 = madd(c3, v128.load32_splat(ap, 12), b0);
  }
  putLanes(c, c0, w); putLanes(c + rowB, c1, w); putLanes(c + 2 * rowB, c2, w); putLanes(c + 3 * rowB, c3, w);
}

@inline
function block1x4T(c: usize, a: usize, strideA: usize, b: usize, rowB: usize, k: i32, w: i32): void {
  let acc = f32x4.splat(0);
  let ap = a, bp = b;
  const end = b + <usize>k * rowB;
  for (; bp < end; ap += strideA, bp += rowB) acc = madd(acc, v128.load32_splat(ap), v128.load(bp));
  putLanes(c, acc, w);
}
