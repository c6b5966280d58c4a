// The evaluation pass of a small classifier, up to 4 inputs → h relu units →
// up to 4 classes with softmax cross-entropy (the blobs, moons and spirals
// networks), fused: both layers and the loss per 4 rows, nothing written but
// the loss. Dispatched from network.ts evaluateSlot.
//
// gemm.ts computes the first layer with columns in lanes and writes H, then the
// second reads H back with its 3 columns in a 4-lane vector (a quarter idle) and
// a splat of H per row and k. Here ROWS go in lanes: X's columns of 4 rows are
// vectors, so unit u of the hidden layer for those rows is one vector
// h_u = relu(b1[u] + x0·W1[0,u] + x1·W1[1,u] + …), and class j's logits take
// madd(z_j, h_u, splat(W2[u,j])) at once, in u order. The per-unit weights
// are first packed side by side, so the loop reads them through one pointer.
// Every cell gets the f32 operations of the separate passes in their order
// (c = bias; c += a_k*b_k for k in order; relu as pmax(0, c), as gemm.ts's
// put), so the bits are those of the unfused path.
import { madd } from './gemm';
import { exp4, exp4Ordinary, expSpecial } from './exp';
import { PAIR_MAX } from './narrow-backward';
import { log4, log4Ordinary } from './log';

/** Right predictions of the last pairCrossEntropy call. */
export let narrowCorrect: i32 = 0;

export { PAIR_MAX }; // inputs and classes up to this take the fused evaluation, as the fused backward

// Per hidden unit in the pack: b1[u], W1[0..4, u], W2[u, 0..4], zeros past the
// real inputs and classes, after the output bias (4 floats) and before 4 class
// vectors of scratch.
const UNIT = 36;

/** Bytes of pack that pairCrossEntropy uses for `hidden` units (less than gemm.ts packBytes(hidden) gives). */
export function pairPackBytes(hidden: i32): usize {
  return 16 + <usize>hidden * UNIT + 64;
}

/** Packs the two layers (W1 [inputs×hidden], b1, W2 [hidden×classes], b2) for pairCrossEntropy. */
export function packPairUnits(pack: usize, w1: usize, b1: usize, w2: usize, b2: usize, inputs: i32, hidden: i32, classes: i32): void {
  const row1 = <usize>hidden << 2;
  for (let j = 0; j < PAIR_MAX; j++) store<f32>(pack + (<usize>j << 2), j < classes ? load<f32>(b2 + (<usize>j << 2)) : 0);
  for (let u = 0; u < hidden; u++) {
    const p = pack + 16 + <usize>u * UNIT, o = <usize>u << 2, q = w2 + <usize>u * <usize>classes * 4;
    store<f32>(p, load<f32>(b1 + o));
    for (let kk = 0; kk < PAIR_MAX; kk++) store<f32>(p + 4 + (<usize>kk << 2), kk < inputs ? load<f32>(w1 + <usize>kk * row1 + o) : 0);
    for (let j = 0; j < PAIR_MAX; j++) store<f32>(p + 20 + (<usize>j << 2), j < classes ? load<f32>(q + (<usize>j << 2)) : 0);
  }
}

/**
 * The softmax cross-entropy of m rows of X (`inputs` floats a row) against
 * targets y (`classes` a row), through the packed network (packPairUnits),
 * summed over the rows as losses.ts softmaxCrossEntropy sums them;
 * narrowCorrect counts the rows whose arg max of the logits is that of y.
 */
export function pairCrossEntropy(x: usize, y: usize, m: i32, inputs: i32, hidden: i32, classes: i32, pack: usize): f64 {
  let total: f64 = 0;
  narrowCorrect = 0;
  const units = pack + 16, end = units + <usize>hidden * UNIT;
  // 2 inputs and 3 classes (the common case) with literal counts; others with all four of each,
  // the missing ones zero (relu(c + 0·0) is relu(c): only −0 becomes +0, which relu makes anyway).
  if (inputs == 2 && classes == 3) for (let i = 0; i < m; i += 4) total = pairBlock(total, x, y, i, m, 2, 3, pack, units, end);
  else for (let i = 0; i < m; i += 4) total = pairBlock(total, x, y, i, m, inputs, classes, pack, units, end, 4);
  return total;
}

// Rows i … i+3 (rows past m repeat row m − 1), `cols` input and class lanes computed (default: the real ones).
@inline
function pairBlock(total: f64, x: usize, y: usize, i: i32, m: i32, inputs: i32, classes: i32, pack: usize, units: usize, end: usize, cols: i32 = 0): f64 {
  const wide = cols == 4, zero = f32x4.splat(0);
  const s1 = min(i + 1, m - 1) - i, s2 = min(i + 2, m - 1) - i, s3 = min(i + 3, m - 1) - i;
  const rowX = <usize>inputs << 2, xr = x + <usize>i * rowX;
  const p1 = xr + <usize>s1 * rowX, p2 = xr + <usize>s2 * rowX, p3 = xr + <usize>s3 * rowX;
  let x0 = gather(xr, p1, p2, p3), x1 = zero, x2 = zero, x3 = zero;
  if (inputs > 1) x1 = gather(xr + 4, p1 + 4, p2 + 4, p3 + 4);
  if (inputs > 2) x2 = gather(xr + 8, p1 + 8, p2 + 8, p3 + 8);
  if (inputs > 3) x3 = gather(xr + 12, p1 + 12, p2 + 12, p3 + 12);
  let c0 = v128.load32_splat(pack), c1 = v128.load32_splat(pack, 4), c2 = v128.load32_splat(pack, 8), c3 = v128.load32_splat(pack, 12);
  for (let p = units; p < end; p += UNIT) {
    let h = madd(v128.load32_splat(p), x0, v128.load32_splat(p, 4));
    if (wide || inputs > 1) h = madd(h, x1, v128.load32_splat(p, 8));
    if (wide) { h = madd(h, x2, v128.load32_splat(p, 12)); h = madd(h, x3, v128.load32_splat(p, 16)); }
    h = f32x4.pmax(zero, h);
    c0 = madd(c0, h, v128.load32_splat(p, 20));
    if (wide || classes > 1) c1 = madd(c1, h, v128.load32_splat(p, 24));
    if (wide || classes > 2) c2 = madd(c2, h, v128.load32_splat(p, 28));
    if (wide) c3 = madd(c3, h, v128.load32_splat(p, 32));
  }
  return classLoss(total, c0, c1, c2, c3, y + <usize>i * <usize>classes * 4, min(4, m - i), classes, s1, s2, s3);
}

// Lane q = the f32 at p_q.
@inline
function gather(p0: usize, p1: usize, p2: usize, p3: usize): v128 {
  let v = v128.load32_zero(p0);
  v = v128.load32_lane(p1, v, 1);
  v = v128.load32_lane(p2, v, 2);
  return v128.load32_lane(p3, v, 3);
}

// The exponents x_j = z_j − max of classLoss, class j at XS + 16j.
const XS = memory.data(64, 16);

// Class vectors z_j (row s_q in lane q, s_0 = 0) and targets at y (`classes` floats a row) →
// `total` plus the first `rows` rows' losses in row order: losses.ts softmaxCrossEntropy4's f32
// operations per lane (those of softmaxCrossEntropy4x3 too), leaving out the softmax division and
// the gradient. narrowCorrect counts the right predictions. Past the real classes z and y repeat
// class 0, which neither arg max takes (a tie keeps the first) nor the maximum sees; masks keep
// them out of the loss, and the sum of exponentials stops at the last real class.
function classLoss(total: f64, z0: v128, z1: v128, z2: v128, z3: v128, y: usize, rows: i32, classes: i32, s1: i32, s2: i32, s3: i32): f64 {
  const row = <usize>classes << 2, p1 = y + <usize>s1 * row, p2 = y + <usize>s2 * row, p3 = y + <usize>s3 * row;
  const zero = f32x4.splat(0), y0 = gather(y, p1, p2, p3);
  let y1 = y0, y2 = y0, y3 = y0;
  if (classes > 1) y1 = gather(y + 4, p1 + 4, p2 + 4, p3 + 4); else z1 = z0;
  if (classes > 2) y2 = gather(y + 8, p1 + 8, p2 + 8, p3 + 8); else z2 = z0;
  if (classes > 3) y3 = gather(y + 12, p1 + 12, p2 + 12, p3 + 12); else z3 = z0;
  let best = i32x4.splat(0), bestY = best, top = z0, yTop = y0;
  const m = f32x4.max(f32x4.max(f32x4.max(z0, z1), z2), z3);
  best = pick(best, 1, z1, top); top = up(z1, top); bestY = pick(bestY, 1, y1, yTop); yTop = up(y1, yTop);
  best = pick(best, 2, z2, top); top = up(z2, top); bestY = pick(bestY, 2, y2, yTop); yTop = up(y2, yTop);
  best = pick(best, 3, z3, top); bestY = pick(bestY, 3, y3, yTop);
  narrowCorrect += <i32>popcnt(i32x4.bitmask(i32x4.eq(best, bestY)) & ((1 << rows) - 1));
  const x0 = f32x4.sub(z0, m), x1 = f32x4.sub(z1, m), x2 = f32x4.sub(z2, m), x3 = f32x4.sub(z3, m);
  v128.store(XS, x0); v128.store(XS, x1, 16); v128.store(XS, x2, 32); v128.store(XS, x3, 48);
  const end = XS + (<usize>classes << 4);
  let sum = f32x4.splat(0), logSum: v128;
  // Lanes with a special exponent (a gap of 88 or more, NaN) take Mathf.exp; the rest has no branch.
  if (v128.any_true(v128.or(v128.or(expSpecial(x0), expSpecial(x1)), v128.or(expSpecial(x2), expSpecial(x3))))) {
    for (let p = XS; p < end; p += 16) sum = f32x4.add(sum, exp4(v128.load(p)));
    logSum = log4(sum);
  } else {
    // From +0 in class order; one of the terms is 1, so the log has no special lane either.
    for (let p = XS; p < end; p += 16) sum = f32x4.add(sum, exp4Ordinary(v128.load(p)));
    logSum = log4Ordinary(sum);
  }
  const v1 = real(classes, 1), v2 = real(classes, 2), v3 = real(classes, 3);
  let loss = v128.bitselect(f32x4.sub(zero, f32x4.mul(y0, f32x4.sub(x0, logSum))), zero, f32x4.ne(y0, zero));
  loss = v128.bitselect(f32x4.sub(loss, f32x4.mul(y1, f32x4.sub(x1, logSum))), loss, v128.and(f32x4.ne(y1, zero), v1));
  loss = v128.bitselect(f32x4.sub(loss, f32x4.mul(y2, f32x4.sub(x2, logSum))), loss, v128.and(f32x4.ne(y2, zero), v2));
  loss = v128.bitselect(f32x4.sub(loss, f32x4.mul(y3, f32x4.sub(x3, logSum))), loss, v128.and(f32x4.ne(y3, zero), v3));
  total += <f64>f32x4.extract_lane(loss, 0);
  if (rows > 1) total += <f64>f32x4.extract_lane(loss, 1);
  if (rows > 2) total += <f64>f32x4.extract_lane(loss, 2);
  if (rows > 3) total += <f64>f32x4.extract_lane(loss, 3);
  return total;
}

// The arg max so far (index, value) after class j's v: the first largest, as a loop with > keeps it.
@inline function pick(best: v128, j: i32, v: v128, top: v128): v128 { return v128.bitselect(i32x4.splat(j), best, f32x4.gt(v, top)); }
@inline function up(v: v128, top: v128): v128 { return v128.bitselect(v, top, f32x4.gt(v, top)); }
// All ones where class j is real.
@inline function real(classes: i32, j: i32): v128 { return i32x4.splat(classes > j ? -1 : 0); }
