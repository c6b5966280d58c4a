// Small vector helpers for the training step.
import { putLanes } from './gemm';

// dst[j] = Σ_r src[r, j] over a [rows × cols] matrix: the bias gradient.
// Summed from 0 in row order for every column, as a scalar loop would, four
// column groups at a time (four independent chains of adds hide their
// latency); the last group 1–3 wide in full lanes, reading up to 12 bytes past
// a row like the products' tails (kernels/gemm.ts) and storing the real lanes.
export function columnSums(dst: usize, src: usize, rows: i32, cols: i32): void {
  const rowBytes = <usize>cols << 2;
  let j = 0;
  for (; j + 16 <= cols; j += 16) {
    let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
    let p = src + (<usize>j << 2);
    for (let r = 0; r < rows; r++, p += rowBytes) {
      a0 = f32x4.add(a0, v128.load(p)); a1 = f32x4.add(a1, v128.load(p, 16));
      a2 = f32x4.add(a2, v128.load(p, 32)); a3 = f32x4.add(a3, v128.load(p, 48));
    }
    const q = dst + (<usize>j << 2);
    v128.store(q, a0); v128.store(q, a1, 16); v128.store(q, a2, 32); v128.store(q, a3, 48);
  }
  for (; j < cols; j += 4) {
    let acc = f32x4.splat(0);
    let p = src + (<usize>j << 2);
    for (let r = 0; r < rows; r++, p += rowBytes) acc = f32x4.add(acc, v128.load(p));
    putLanes(dst + (<usize>j << 2), acc, min(4, cols - j));
  }
}

// dst[i] += src[i] for `count` floats, f32x4 lanes then a scalar tail: one f32
// add per element, so the bits of a plain loop (data-parallel gradient sums).
export function addFloats(dst: usize, src: usize, count: i32): void {
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const p = <usize>i << 2;
    v128.store(dst + p, f32x4.add(v128.load(dst + p), v128.load(src + p)));
  }
  for (; i < count; i++) {
    const p = <usize>i << 2;
    store<f32>(dst + p, load<f32>(dst + p) + load<f32>(src + p));
  }
}

// Copies `count` floats; short rows by hand, where memory.copy costs more than it moves, and rows of
// 1 to 4 floats as one or two moves (a loop's tests and its stack check cost more than such a row).
@inline
export function copyFloats(dst: usize, src: usize, count: i32): void {
  if (count <= 4) {
    if (count == 4) v128.store(dst, v128.load(src));
    else if (count >= 2) { store<u64>(dst, load<u64>(src)); if (count == 3) store<u32>(dst, load<u32>(src, 8), 8); }
    else if (count == 1) store<u32>(dst, load<u32>(src));
    return;
  }
  if (count > 16) {
    memory.copy(dst, src, <usize>count << 2);
    return;
  }
  let i = 0;
  for (; i + 4 <= count; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  for (; i < count; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}

// Index of the first NaN or ±Infinity (exponent bits all ones) among `count`
// floats at p, or −1: the data check, run on the rows once they are copied in.
export function firstNonFinite(p: usize, count: i32): i32 {
  const exponent = i32x4.splat(0x7f800000);
  let i = 0;
  for (; i + 8 <= count; i += 8) {
    const q = p + (<usize>i << 2);
    const a = i32x4.eq(v128.and(v128.load(q), exponent), exponent);
    const b = i32x4.eq(v128.and(v128.load(q, 16), exponent), exponent);
    if (v128.any_true(v128.or(a, b))) break;
  }
  for (; i < count; i++) if ((load<u32>(p + (<usize>i << 2)) & 0x7f800000) == 0x7f800000) return i;
  return -1;
}
