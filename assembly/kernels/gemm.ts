// Matrix products for dense layers, row-major f32, f32x4 register-blocked.
//
// Every output element is accumulated in the same order on every path
// (vector block, vector tail, scalar tail): c = c0; for k in 0..K: c += a_k*b_k,
// one f32 multiply and one f32 add per term, no reassociation. So results do
// not depend on which path a cell took, and the js backend, doing the same
// f32 operations in the same order, reproduces them bit for bit.
//
// Pointers are byte addresses; counts are in elements; no alignment is
// required (wasm v128.load/store accept any address).

// C[m×n] += A[m×k] · B[k×n]. C holds its initial value (bias or zero).
// `pack` is scratch for the tail columns: 32 · max(m, k) bytes.
export function gemmNN(c: usize, a: usize, b: usize, m: i32, k: i32, n: i32, pack: usize): void {
  const n4 = n & ~3;
  if (n4 > 0) nnColumns(c, a, b, m, k, n, n4, pack);
  if (n4 == n) return;
  // The last n % 4 columns go through the same vector kernels on a zero-padded
  // 4-wide copy of B's and C's tail columns: narrow layers (3 classes, 1 output)
  // get SIMD too, and each cell still sums in plain k order.
  const t = n - n4;
  const p = pack, q = pack + ((<usize>max(k, m)) << 4);
  packColumns(p, b + (<usize>n4 << 2), k, n, t);
  packColumns(q, c + (<usize>n4 << 2), m, n, t);
  nnColumns(q, a, p, m, k, 4, 4, pack);
  unpackColumns(c + (<usize>n4 << 2), q, m, n, t);
}

// C[m×n] = Aᵀ · B where A is [k×m] and B is [k×n]: the weight gradient Xᵀ·dY.
// C is overwritten (starts from 0). `pack` as for gemmNN.
export function gemmTN(c: usize, a: usize, b: usize, m: i32, k: i32, n: i32, pack: usize): void {
  memory.fill(c, 0, (<usize>m * <usize>n) << 2);
  const n4 = n & ~3;
  if (n4 > 0) tnColumns(c, a, b, m, k, n, n4);
  if (n4 == n) return;
  const t = n - n4;
  const p = pack, q = pack + ((<usize>max(k, m)) << 4);
  packColumns(p, b + (<usize>n4 << 2), k, n, t);
  memory.fill(q, 0, <usize>m << 4);
  tnColumns(q, a, p, m, k, 4, 4);
  unpackColumns(c + (<usize>n4 << 2), q, m, n, t);
}

// The first `cols` columns (a multiple of 4) of C += A·B; B and C rows are `ld` floats apart.
// Column panels outside, rows inside: one 8-column panel of B (k × 32 bytes)
// stays in cache while every row block of A passes over it, instead of all of
// B streaming from memory once per row block.
function nnColumns(c: usize, a: usize, b: usize, m: i32, k: i32, ld: i32, cols: i32, pack: usize): void {
  const rowA = <usize>k << 2;
  const rowC = <usize>ld << 2;
  // With at least two row blocks to share it, an 8-column panel of B is packed
  // contiguous (k × 32 bytes): it then streams through L1 instead of touching
  // a new cache line per k.
  const packed = m >= 8;
  let j = 0;
  for (; j + 8 <= cols; j += 8) {
    const cj = c + (<usize>j << 2);
    let bj = b + (<usize>j << 2), rowB = rowC;
    if (packed) {
      for (let kk = 0; kk < k; kk++) {
        const src = bj + <usize>kk * rowC, dst = pack + (<usize>kk << 5);
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
      }
      bj = pack;
      rowB = 32;
    }
    let i = 0;
    for (; i + 4 <= m; i += 4) block4x8(cj + <usize>i * rowC, a + <usize>i * rowA, bj, k, rowA, rowB, rowC);
    for (; i < m; i++) {
      block1x4(cj + <usize>i * rowC, a + <usize>i * rowA, 4, bj, rowB, k);
      block1x4(cj + <usize>i * rowC + 16, a + <usize>i * rowA, 4, bj + 16, rowB, k);
    }
  }
  for (; j < cols; j += 4) {
    const bj = b + (<usize>j << 2), cj = c + (<usize>j << 2);
    let i = 0;
    for (; i + 4 <= m; i += 4) block4x4(cj + <usize>i * rowC, a + <usize>i * rowA, bj, k, rowA, rowC);
    for (; i < m; i++) block1x4(cj + <usize>i * rowC, a + <usize>i * rowA, 4, bj, rowC, k);
  }
}

// The first `cols` columns (a multiple of 4) of C += Aᵀ·B; A rows are m floats, B and C rows `ld`.
function tnColumns(c: usize, a: usize, b: usize, m: i32, k: i32, ld: i32, cols: i32): void {
  const rowA = <usize>m << 2;
  const rowB = <usize>ld << 2;
  let i = 0;
  // Rows i..i+3 of C take A[kk, i..i+3]: consecutive scalars of one row of A.
  for (; i + 4 <= m; i += 4) {
    const a0 = a + (<usize>i << 2);
    const c0 = c + <usize>i * rowB;
    let j = 0;
    for (; j + 8 <= cols; j += 8) block4x8T(c0 + (<usize>j << 2), a0, b + (<usize>j << 2), k, rowA, rowB);
    for (; j < cols; j += 4) block4x4T(c0 + (<usize>j << 2), a0, b + (<usize>j << 2), k, rowA, rowB);
  }
  for (; i < m; i++) {
    const ai = a + (<usize>i << 2);
    const ci = c + <usize>i * rowB;
    for (let j = 0; j < cols; j += 4) block1x4(ci + (<usize>j << 2), ai, rowA, b + (<usize>j << 2), rowB, k);
  }
}

// dst[rows×4] = the `t` (< 4) columns of src (rows `ld` floats apart), zero-padded to 4.
// (Float by float: memory.copy costs more than it moves at 4 to 12 bytes.)
function packColumns(dst: usize, src: usize, rows: i32, ld: i32, t: i32): void {
  for (let r = 0; r < rows; r++) {
    const s = src + ((<usize>r * <usize>ld) << 2), d = dst + (<usize>r << 4);
    v128.store(d, f32x4.splat(0));
    for (let q = 0; q < t; q++) store<f32>(d + (<usize>q << 2), load<f32>(s + (<usize>q << 2)));
  }
}

function unpackColumns(dst: usize, src: usize, rows: i32, ld: i32, t: i32): void {
  for (let r = 0; r < rows; r++) {
    const s = src + (<usize>r << 4), d = dst + ((<usize>r * <usize>ld) << 2);
    for (let q = 0; q < t; q++) store<f32>(d + (<usize>q << 2), load<f32>(s + (<usize>q << 2)));
  }
}

// dst[cols×rows] = srcᵀ, src being [rows×cols]. Turns dY·Wᵀ into an NN product.
export function transpose(dst: usize, src: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const s = src + ((<usize>r * <usize>cols) << 2);
    for (let q = 0; q < cols; q++) {
      store<f32>(dst + ((<usize>q * <usize>rows + <usize>r) << 2), load<f32>(s + (<usize>q << 2)));
    }
  }
}

// 4 rows × 8 columns of C; A rows are rowA bytes apart, its k-th element 4 bytes on;
// B rows rowB bytes apart (32 when packed), C rows rowC.
@inline
function block4x8(c: usize, a: usize, b: usize, k: i32, rowA: usize, rowB: usize, rowC: usize): void {
  let c00 = v128.load(c), c01 = v128.load(c, 16);
  let c10 = v128.load(c + rowC), c11 = v128.load(c + rowC, 16);
  let c20 = v128.load(c + 2 * rowC), c21 = v128.load(c + 2 * rowC, 16);
  let c30 = v128.load(c + 3 * rowC), c31 = v128.load(c + 3 * rowC, 16);
  // Pointers step through the loop, and the loop ends on a pointer: no multiply and
  // no counter per k (11 % faster than indexing; the counter alone costs most of it).
  let a0 = a, a1 = a + rowA, a2 = a + 2 * rowA, a3 = a + 3 * rowA, bp = b;
  const end = a + (<usize>k << 2);
  for (; a0 < end; a0 += 4, a1 += 4, a2 += 4, a3 += 4, bp += rowB) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    let s = v128.load32_splat(a0);
    c00 = f32x4.add(c00, f32x4.mul(s, b0)); c01 = f32x4.add(c01, f32x4.mul(s, b1));
    s = v128.load32_splat(a1);
    c10 = f32x4.add(c10, f32x4.mul(s, b0)); c11 = f32x4.add(c11, f32x4.mul(s, b1));
    s = v128.load32_splat(a2);
    c20 = f32x4.add(c20, f32x4.mul(s, b0)); c21 = f32x4.add(c21, f32x4.mul(s, b1));
    s = v128.load32_splat(a3);
    c30 = f32x4.add(c30, f32x4.mul(s, b0)); c31 = f32x4.add(c31, f32x4.mul(s, b1));
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c + rowC, c10); v128.store(c + rowC, c11, 16);
  v128.store(c + 2 * rowC, c20); v128.store(c + 2 * rowC, c21, 16);
  v128.store(c + 3 * rowC, c30); v128.store(c + 3 * rowC, c31, 16);
}

// Same block for Aᵀ: the four A scalars of step kk are adjacent in row kk of A.
@inline
function block4x8T(c: usize, a: usize, b: usize, k: i32, rowA: usize, rowB: usize): void {
  let c00 = v128.load(c), c01 = v128.load(c, 16);
  let c10 = v128.load(c + rowB), c11 = v128.load(c + rowB, 16);
  let c20 = v128.load(c + 2 * rowB), c21 = v128.load(c + 2 * rowB, 16);
  let c30 = v128.load(c + 3 * rowB), c31 = v128.load(c + 3 * rowB, 16);
  let ap = a, bp = b;
  const end = b + <usize>k * rowB;
  for (; bp < end; ap += rowA, bp += rowB) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    let s = v128.load32_splat(ap);
    c00 = f32x4.add(c00, f32x4.mul(s, b0)); c01 = f32x4.add(c01, f32x4.mul(s, b1));
    s = v128.load32_splat(ap, 4);
    c10 = f32x4.add(c10, f32x4.mul(s, b0)); c11 = f32x4.add(c11, f32x4.mul(s, b1));
    s = v128.load32_splat(ap, 8);
    c20 = f32x4.add(c20, f32x4.mul(s, b0)); c21 = f32x4.add(c21, f32x4.mul(s, b1));
    s = v128.load32_splat(ap, 12);
    c30 = f32x4.add(c30, f32x4.mul(s, b0)); c31 = f32x4.add(c31, f32x4.mul(s, b1));
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c + rowB, c10); v128.store(c + rowB, c11, 16);
  v128.store(c + 2 * rowB, c20); v128.store(c + 2 * rowB, c21, 16);
  v128.store(c + 3 * rowB, c30); v128.store(c + 3 * rowB, c31, 16);
}

// 4 rows × 4 columns of Aᵀ·B (the narrow weight gradients, e.g. a 3-class output layer).
@inline
function block4x4T(c: usize, a: usize, b: usize, k: i32, rowA: usize, rowB: usize): void {
  let c0 = v128.load(c), c1 = v128.load(c + rowB), c2 = v128.load(c + 2 * rowB), c3 = v128.load(c + 3 * rowB);
  let ap = a, bp = b;
  const end = b + <usize>k * rowB;
  for (; bp < end; ap += rowA, bp += rowB) {
    const b0 = v128.load(bp);
    c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(ap), b0));
    c1 = f32x4.add(c1, f32x4.mul(v128.load32_splat(ap, 4), b0));
    c2 = f32x4.add(c2, f32x4.mul(v128.load32_splat(ap, 8), b0));
    c3 = f32x4.add(c3, f32x4.mul(v128.load32_splat(ap, 12), b0));
  }
  v128.store(c, c0); v128.store(c + rowB, c1); v128.store(c + 2 * rowB, c2); v128.store(c + 3 * rowB, c3);
}

@inline
function block4x4(c: usize, a: usize, b: usize, k: i32, rowA: usize, rowB: usize): void {
  let c0 = v128.load(c), c1 = v128.load(c + rowB), c2 = v128.load(c + 2 * rowB), c3 = v128.load(c + 3 * rowB);
  let a0 = a, a1 = a + rowA, a2 = a + 2 * rowA, a3 = a + 3 * rowA, bp = b;
  const end = a + (<usize>k << 2);
  for (; a0 < end; a0 += 4, a1 += 4, a2 += 4, a3 += 4, bp += rowB) {
    const b0 = v128.load(bp);
    c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(a0), b0));
    c1 = f32x4.add(c1, f32x4.mul(v128.load32_splat(a1), b0));
    c2 = f32x4.add(c2, f32x4.mul(v128.load32_splat(a2), b0));
    c3 = f32x4.add(c3, f32x4.mul(v128.load32_splat(a3), b0));
  }
  v128.store(c, c0); v128.store(c + rowB, c1); v128.store(c + 2 * rowB, c2); v128.store(c + 3 * rowB, c3);
}

// One row × 4 columns; the A scalar of step kk is at a + kk*strideA.
@inline
function block1x4(c: usize, a: usize, strideA: usize, b: usize, rowB: usize, k: i32): void {
  let acc = v128.load(c);
  let ap = a, bp = b;
  const end = b + <usize>k * rowB;
  for (; bp < end; ap += strideA, bp += rowB) {
    acc = f32x4.add(acc, f32x4.mul(v128.load32_splat(ap), v128.load(bp)));
  }
  v128.store(c, acc);
}
