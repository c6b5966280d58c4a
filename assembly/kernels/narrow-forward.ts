// The evaluation pass of a small classifier, 2 inputs → h relu units → 3
// classes with softmax cross-entropy (the blobs, moons and spirals networks),
// fused: both layers and the loss per block of rows, nothing written but the
// loss. Dispatched from network.ts evaluateSlot.
//
// gemm.ts computes the first layer with columns in lanes and writes H, then the
// second reads H back with its 3 columns in a 4-lane vector (a quarter idle) and
// a splat of H per row and k. Here ROWS go in lanes: X's two columns of 4 rows
// are two vectors, so unit u of the hidden layer for those rows is one vector
// h_u = relu(b1[u] + x0·W1[0,u] + x1·W1[1,u]), and class j's logits take
// madd(z_j, h_u, splat(W2[u,j])) at once, in u order. The per-unit weights
// are first packed side by side, so the loop reads them through one pointer.
// Every cell gets the f32 operations of the separate passes in their order
// (c = bias; c += a_k*b_k for k in order; relu as pmax(0, c), as gemm.ts's
// put), so the bits are those of the js backend.
import { madd } from './gemm';
import { exp2Lanes, exp4Ordinary, expSpecial } from './exp';

/** Right predictions of the last pairCrossEntropy call. */
export let narrowCorrect: i32 = 0;

const UNIT = 24; // bytes per hidden unit in the pack: b1[u], W1[0,u], W1[1,u], W2[u,0..3]

/** Packs the per-unit weights of the two layers for pairCrossEntropy: `hidden` × 24 bytes at pack. */
export function packPairUnits(pack: usize, w1: usize, b1: usize, w2: usize, hidden: i32): void {
  const row1 = <usize>hidden << 2;
  for (let u = 0; u < hidden; u++) {
    const p = pack + <usize>u * UNIT, o = <usize>u << 2, q = w2 + <usize>u * 12;
    store<f32>(p, load<f32>(b1 + o));
    store<f32>(p, load<f32>(w1 + o), 4);
    store<f32>(p, load<f32>(w1 + row1 + o), 8);
    store<f32>(p, load<f32>(q), 12);
    store<f32>(p, load<f32>(q, 4), 16);
    store<f32>(p, load<f32>(q, 8), 20);
  }
}

/**
 * The softmax cross-entropy of m rows of X (2 floats a row) against targets
 * y (3 a row), through the packed network (packPairUnits; b2: the output
 * bias), summed over the rows as losses.ts softmaxCrossEntropy sums them;
 * narrowCorrect counts the rows whose arg max of the logits is that of y.
 */
export function pairCrossEntropy(x: usize, y: usize, m: i32, hidden: i32, b2: usize, pack: usize): f64 {
  let total: f64 = 0;
  narrowCorrect = 0;
  const end = pack + <usize>hidden * UNIT;
  let i = 0;
  for (; i + 8 <= m; i += 8) total = pairBlock(total, x, y, i, m, b2, pack, end, 2);
  for (; i < m; i += 4) total = pairBlock(total, x, y, i, m, b2, pack, end, 1);
  return total;
}

// Rows i … i+4·groups−1 (with one group, rows past m repeat row m − 1): two
// groups make 6 independent chains of adds, where one would wait on each add.
@inline
function pairBlock(total: f64, x: usize, y: usize, i: i32, m: i32, b2: usize, pack: usize, end: usize, groups: i32): f64 {
  const zero = f32x4.splat(0);
  const s1 = min(i + 1, m - 1) - i, s2 = min(i + 2, m - 1) - i, s3 = min(i + 3, m - 1) - i;
  const xr = x + (<usize>i << 3);
  let x0: v128, x1: v128, v0 = zero, v1 = zero;
  if (groups > 1) {
    let u = v128.load(xr), w = v128.load(xr, 16);
    x0 = i32x4.shuffle(u, w, 0, 2, 4, 6); x1 = i32x4.shuffle(u, w, 1, 3, 5, 7);
    u = v128.load(xr, 32); w = v128.load(xr, 48);
    v0 = i32x4.shuffle(u, w, 0, 2, 4, 6); v1 = i32x4.shuffle(u, w, 1, 3, 5, 7);
  } else {
    const p1 = xr + (<usize>s1 << 3), p2 = xr + (<usize>s2 << 3), p3 = xr + (<usize>s3 << 3);
    x0 = gather(xr, p1, p2, p3); x1 = gather(xr + 4, p1 + 4, p2 + 4, p3 + 4);
  }
  let c0 = v128.load32_splat(b2), c1 = v128.load32_splat(b2, 4), c2 = v128.load32_splat(b2, 8);
  let d0 = c0, d1 = c1, d2 = c2;
  for (let p = pack; p < end; p += UNIT) {
    const bias = v128.load32_splat(p), wa = v128.load32_splat(p, 4), wb = v128.load32_splat(p, 8);
    const h = f32x4.pmax(zero, madd(madd(bias, x0, wa), x1, wb));
    const g = groups > 1 ? f32x4.pmax(zero, madd(madd(bias, v0, wa), v1, wb)) : h;
    let w = v128.load32_splat(p, 12); c0 = madd(c0, h, w); if (groups > 1) d0 = madd(d0, g, w);
    w = v128.load32_splat(p, 16); c1 = madd(c1, h, w); if (groups > 1) d1 = madd(d1, g, w);
    w = v128.load32_splat(p, 20); c2 = madd(c2, h, w); if (groups > 1) d2 = madd(d2, g, w);
  }
  if (groups == 1) return crossEntropy3(total, c0, c1, c2, y + <usize>i * 12, min(4, m - i), s1, s2, s3);
  total = crossEntropy3(total, c0, c1, c2, y + <usize>i * 12, 4, 1, 2, 3);
  return crossEntropy3(total, d0, d1, d2, y + <usize>(i + 4) * 12, 4, 1, 2, 3);
}

// Lane q = the f32 at p_q.
@inline
function gather(p0: usize, p1: usize, p2: usize, p3: usize): v128 {
  let v = v128.load32_zero(p0);
  v = v128.load32_lane(p1, v, 1);
  v = v128.load32_lane(p2, v, 2);
  return v128.load32_lane(p3, v, 3);
}

// Rows of logits z0, z1, z2 (class vectors) and of targets at y (12 bytes a
// row; lane q is row s_q, s_0 = 0) → `total` plus the first `rows` rows' losses in
// row order: losses.ts softmaxCrossEntropy4x3's f32 operations per lane (and
// softmaxCrossEntropy4's, which are the same but for Mathf.exp on a special
// exponent), leaving out the softmax division and the gradient.
function crossEntropy3(total: f64, z0: v128, z1: v128, z2: v128, y: usize, rows: i32, s1: i32, s2: i32, s3: i32): f64 {
  const zero = f32x4.splat(0);
  let y0: v128, y1: v128, y2: v128;
  if (rows == 4) {
    const u = v128.load(y), v = v128.load(y, 16), w = v128.load(y, 32);
    y0 = i32x4.shuffle(u, i32x4.shuffle(v, w, 2, 2, 5, 5), 0, 3, 4, 6); y2 = i32x4.shuffle(i32x4.shuffle(u, v, 2, 2, 5, 5), w, 0, 2, 4, 7);
    y1 = i32x4.shuffle(i32x4.shuffle(u, v, 1, 1, 4, 4), i32x4.shuffle(v, w, 3, 3, 6, 6), 0, 2, 4, 6);
  } else {
    const p1 = y + <usize>s1 * 12, p2 = y + <usize>s2 * 12, p3 = y + <usize>s3 * 12;
    y0 = gather(y, p1, p2, p3); y1 = gather(y + 4, p1 + 4, p2 + 4, p3 + 4); y2 = gather(y + 8, p1 + 8, p2 + 8, p3 + 8);
  }
  const m = f32x4.max(f32x4.max(z0, z1), z2), up1 = f32x4.gt(z1, z0), up1Y = f32x4.gt(y1, y0);
  const top = v128.bitselect(z1, z0, up1), yTop = v128.bitselect(y1, y0, up1Y), up2 = f32x4.gt(z2, top), up2Y = f32x4.gt(y2, yTop);
  const best = v128.bitselect(i32x4.splat(2), v128.and(up1, i32x4.splat(1)), up2);
  const bestY = v128.bitselect(i32x4.splat(2), v128.and(up1Y, i32x4.splat(1)), up2Y);
  narrowCorrect += <i32>popcnt(i32x4.bitmask(i32x4.eq(best, bestY)) & ((1 << rows) - 1));
  const x0 = f32x4.sub(z0, m), x1 = f32x4.sub(z1, m), x2 = f32x4.sub(z2, m);
  let e0: v128, e1: v128, e2: v128;
  if (v128.any_true(v128.or(v128.or(expSpecial(x0), expSpecial(x1)), expSpecial(x2)))) {
    e0 = exp4Lanes(x0); e1 = exp4Lanes(x1); e2 = exp4Lanes(x2);
  } else {
    e0 = exp4Ordinary(x0); e1 = exp4Ordinary(x1); e2 = exp4Ordinary(x2);
  }
  const sum = f32x4.add(f32x4.add(f32x4.add(zero, e0), e1), e2);
  const logSum = f32x4.replace_lane(f32x4.replace_lane(f32x4.replace_lane(f32x4.splat(
    Mathf.log(f32x4.extract_lane(sum, 0))), 1, Mathf.log(f32x4.extract_lane(sum, 1))), 2, Mathf.log(f32x4.extract_lane(sum, 2))), 3, Mathf.log(f32x4.extract_lane(sum, 3)));
  let loss = v128.bitselect(f32x4.sub(zero, f32x4.mul(y0, f32x4.sub(x0, logSum))), zero, f32x4.ne(y0, zero));
  loss = v128.bitselect(f32x4.sub(loss, f32x4.mul(y1, f32x4.sub(x1, logSum))), loss, f32x4.ne(y1, zero));
  loss = v128.bitselect(f32x4.sub(loss, f32x4.mul(y2, f32x4.sub(x2, logSum))), loss, f32x4.ne(y2, zero));
  total += <f64>f32x4.extract_lane(loss, 0);
  if (rows > 1) total += <f64>f32x4.extract_lane(loss, 1);
  if (rows > 2) total += <f64>f32x4.extract_lane(loss, 2);
  if (rows > 3) total += <f64>f32x4.extract_lane(loss, 3);
  return total;
}

// e^x of four lanes, Mathf.exp's bits for special ones too (two at a time, as softmaxCrossEntropy4).
@inline
function exp4Lanes(x: v128): v128 {
  return i64x2.shuffle(exp2Lanes(x), exp2Lanes(i32x4.shuffle(x, x, 2, 3, 0, 1)), 0, 2);
}
