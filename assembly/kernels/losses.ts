// Losses on the network output, as Keras defines them (mean over outputs,
// then over the batch; categorical cross-entropy summed over classes, mean
// over the batch). Each writes dL/dZ of the output layer into `d` when the
// loss is fused with its activation (softmax + CE, sigmoid + BCE), and dL/dA
// otherwise, and returns the loss summed over rows (f64). Cross-entropy also
// computes the softmax itself (the forward pass leaves the output layer at Z).
import { exp4, exp4Ordinary, expSpecial } from './exp';
import { log4, log4Ordinary } from './log';

//   mse   L = 1/(b k) Σ (a - y)²                     dL/da = 2 (a - y) / (b k)
//   mae   L = 1/(b k) Σ |a - y|                      dL/da = sign(a - y) / (b k)
//   cce   L = -1/b Σ_i Σ_j y_ij log softmax(z_i)_j   dL/dz = (a Σ_j y_ij - y) / b
//   bce   L = 1/(b k) Σ max(z,0) - z y + log(1 + e^-|z|)   dL/dz = (a - y) / (b k)
// `scaleRows` is the b of the formulas: the batch size when training (also
// when a thread computes the gradients of a slice of the batch).
export const LOSS_MSE: i32 = 0;
export const LOSS_MAE: i32 = 1;
export const LOSS_CCE: i32 = 2;
export const LOSS_BCE: i32 = 3;

/** Correct predictions of the last lossAndGradient call: rows for cce, outputs for bce. */
export let lastCorrect: i32 = 0;

export function lossAndGradient(kind: i32, z: usize, a: usize, y: usize, d: usize, rows: i32, cols: i32, withGradient: bool, scaleRows: i32): f64 {
  const count = <usize>rows * <usize>cols;
  const perOutput: f32 = <f32>(1.0 / (<f64>scaleRows * <f64>cols));
  let total: f64 = 0;
  lastCorrect = 0;
  if (kind == LOSS_CCE) return softmaxCrossEntropy(z, a, y, d, rows, cols, withGradient, scaleRows);
  for (let i: usize = 0; i < count; i++) {
    const p = i << 2;
    const ai = load<f32>(a + p);
    const yi = load<f32>(y + p);
    const diff = ai - yi;
    let term: f32;
    let grad: f32;
    if (kind == LOSS_MSE) {
      term = diff * diff;
      grad = 2 * diff * perOutput;
    } else if (kind == LOSS_MAE) {
      term = Mathf.abs(diff);
      grad = (diff > 0 ? <f32>1 : diff < 0 ? <f32>-1 : <f32>0) * perOutput;
    } else {
      const zi = load<f32>(z + p);
      term = Mathf.max(zi, 0) - zi * yi + Mathf.log1p(Mathf.exp(-Mathf.abs(zi)));
      grad = diff * perOutput;
      if ((ai > 0.5) == (yi > 0.5)) lastCorrect++;
    }
    total += <f64>term / <f64>cols;
    if (withGradient) store<f32>(d + p, grad);
  }
  return total;
}

// Softmax into a (as activations.ts softmaxRow), cross-entropy and dL/dz in one
// pass per row, the loss as log softmax(z)_j = (z_j − max) − log Σ e^(z − max).
// Data-dependent choices (the arg max, the classes with y = 0) are selects, not
// branches: which class wins is random per row, and mispredicted branches cost
// more than the rest of a 3-class row.
function softmaxCrossEntropy(z: usize, a: usize, y: usize, d: usize, rows: i32, cols: i32, withGradient: bool, scaleRows: i32): f64 {
  const perRow: f32 = <f32>(1.0 / <f64>scaleRows);
  let total: f64 = 0;
  let correct = 0;
  // Four rows at a time, one per lane; the last 1 to 3 rows fill the lanes with copies of their last row.
  for (let r = 0; r < rows; r += 4) {
    total = cols == 3 && r + 4 <= rows ? softmaxCrossEntropy4x3(total, z, a, y, d, r, withGradient, perRow)
      : softmaxCrossEntropy4(total, z, a, y, d, r, min(rows - r, 4), cols, withGradient, perRow);
    correct += lastCorrect;
  }
  lastCorrect = correct;
  return total;
}

// Rows r … r+n−1 (n <= 4) of softmaxCrossEntropy, row r + min(q, n−1) in lane q: the
// same f32 operations in the same order per row, with selects as lane masks (a copy
// of a row stores that row's values again). Returns `total` with the n rows' losses
// added in row order; lastCorrect counts their right predictions.
function softmaxCrossEntropy4(total: f64, z: usize, a: usize, y: usize, d: usize, r: i32, n: i32, cols: i32, withGradient: bool, perRow: f32): f64 {
  const row = <usize>cols << 2, off = <usize>r * row;
  const s1 = row * <usize>min(n - 1, 1), s2 = row * <usize>min(n - 1, 2), s3 = row * <usize>min(n - 1, 3);
  const zr = z + off, ar = a + off, yr = y + off, dr = d + off;
  let top = gather(zr, s1, s2, s3), yTop = gather(yr, s1, s2, s3), m = top;
  let best = i32x4.splat(0), bestY = best;
  for (let j = 1; j < cols; j++) {
    const p = <usize>j << 2;
    const zj = gather(zr + p, s1, s2, s3), yj = gather(yr + p, s1, s2, s3);
    m = f32x4.max(m, zj);
    const up = f32x4.gt(zj, top), upY = f32x4.gt(yj, yTop);
    best = v128.bitselect(i32x4.splat(j), best, up);
    top = v128.bitselect(zj, top, up);
    bestY = v128.bitselect(i32x4.splat(j), bestY, upY);
    yTop = v128.bitselect(yj, yTop, upY);
  }
  lastCorrect = <i32>popcnt(i32x4.bitmask(i32x4.eq(best, bestY)) & ((1 << n) - 1));
  let sum = f32x4.splat(0);
  for (let j = 0; j < cols; j++) {
    const p = <usize>j << 2;
    const x = f32x4.sub(gather(zr + p, s1, s2, s3), m);
    const e = exp4(x);
    scatter(ar + p, s1, s2, s3, e);
    sum = f32x4.add(sum, e);
  }
  const logSum = log4(sum);
  let rowLoss = f32x4.splat(0), sumY = rowLoss;
  for (let j = 0; j < cols; j++) {
    const p = <usize>j << 2;
    const yj = gather(yr + p, s1, s2, s3);
    const term = f32x4.sub(rowLoss, f32x4.mul(yj, f32x4.sub(f32x4.sub(gather(zr + p, s1, s2, s3), m), logSum)));
    rowLoss = v128.bitselect(term, rowLoss, f32x4.ne(yj, f32x4.splat(0)));
    sumY = f32x4.add(sumY, yj);
  }
  const vPerRow = f32x4.splat(perRow);
  for (let j = 0; j < cols; j++) {
    const p = <usize>j << 2;
    const aj = f32x4.div(gather(ar + p, s1, s2, s3), sum);
    scatter(ar + p, s1, s2, s3, aj);
    if (withGradient) scatter(dr + p, s1, s2, s3, f32x4.mul(f32x4.sub(f32x4.mul(aj, sumY), gather(yr + p, s1, s2, s3)), vPerRow));
  }
  total += <f64>f32x4.extract_lane(rowLoss, 0);
  if (n > 1) total += <f64>f32x4.extract_lane(rowLoss, 1);
  if (n > 2) total += <f64>f32x4.extract_lane(rowLoss, 2);
  if (n > 3) total += <f64>f32x4.extract_lane(rowLoss, 3);
  return total;
}

// softmaxCrossEntropy4 for 3 classes, the same operations per lane: four rows' twelve z (and y)
// are three loads, shuffled into one vector per class (and back for the stores) in registers,
// where the general kernel loads and stores each value as a lane, several times.
function softmaxCrossEntropy4x3(total: f64, z: usize, a: usize, y: usize, d: usize, r: i32, withGradient: bool, perRow: f32): f64 {
  const off = <usize>r * 12, zero = f32x4.splat(0);
  let u = v128.load(z + off), v = v128.load(z + off, 16), w = v128.load(z + off, 32);
  const z0 = i32x4.shuffle(u, i32x4.shuffle(v, w, 2, 2, 5, 5), 0, 3, 4, 6), z2 = i32x4.shuffle(i32x4.shuffle(u, v, 2, 2, 5, 5), w, 0, 2, 4, 7);
  const z1 = i32x4.shuffle(i32x4.shuffle(u, v, 1, 1, 4, 4), i32x4.shuffle(v, w, 3, 3, 6, 6), 0, 2, 4, 6);
  u = v128.load(y + off); v = v128.load(y + off, 16); w = v128.load(y + off, 32);
  const y0 = i32x4.shuffle(u, i32x4.shuffle(v, w, 2, 2, 5, 5), 0, 3, 4, 6), y2 = i32x4.shuffle(i32x4.shuffle(u, v, 2, 2, 5, 5), w, 0, 2, 4, 7);
  const y1 = i32x4.shuffle(i32x4.shuffle(u, v, 1, 1, 4, 4), i32x4.shuffle(v, w, 3, 3, 6, 6), 0, 2, 4, 6);
  const m = f32x4.max(f32x4.max(z0, z1), z2), up1 = f32x4.gt(z1, z0), up1Y = f32x4.gt(y1, y0);
  const top = v128.bitselect(z1, z0, up1), yTop = v128.bitselect(y1, y0, up1Y), up2 = f32x4.gt(z2, top), up2Y = f32x4.gt(y2, yTop);
  const best = v128.bitselect(i32x4.splat(2), v128.and(up1, i32x4.splat(1)), up2);
  const bestY = v128.bitselect(i32x4.splat(2), v128.and(up1Y, i32x4.splat(1)), up2Y);
  lastCorrect = <i32>popcnt(i32x4.bitmask(i32x4.eq(best, bestY)));
  const x0 = f32x4.sub(z0, m), x1 = f32x4.sub(z1, m), x2 = f32x4.sub(z2, m);
  // A row with a special exponent (a gap of 88 or more, NaN) takes the general kernel, which calls Mathf.exp.
  if (v128.any_true(v128.or(v128.or(expSpecial(x0), expSpecial(x1)), expSpecial(x2)))) {
    return softmaxCrossEntropy4(total, z, a, y, d, r, 4, 3, withGradient, perRow);
  }
  const e0 = exp4Ordinary(x0), e1 = exp4Ordinary(x1), e2 = exp4Ordinary(x2);
  const sum = f32x4.add(f32x4.add(e0, e1), e2); // from +0 in class order: +0 + e0 is e0, as e ≥ +0
  const a0 = f32x4.div(e0, sum), a1 = f32x4.div(e1, sum), a2 = f32x4.div(e2, sum);
  store3(a + off, a0, a1, a2);
  if (withGradient) {
    const sumY = f32x4.add(f32x4.add(f32x4.add(zero, y0), y1), y2), vPerRow = f32x4.splat(perRow);
    store3(d + off, f32x4.mul(f32x4.sub(f32x4.mul(a0, sumY), y0), vPerRow), f32x4.mul(f32x4.sub(f32x4.mul(a1, sumY), y1), vPerRow),
      f32x4.mul(f32x4.sub(f32x4.mul(a2, sumY), y2), vPerRow));
  }
  const logSum = log4Ordinary(sum); // the sum is 1 or more (the arg max's term is 1): no special lane
  let loss = v128.bitselect(f32x4.sub(zero, f32x4.mul(y0, f32x4.sub(x0, logSum))), zero, f32x4.ne(y0, zero));
  loss = v128.bitselect(f32x4.sub(loss, f32x4.mul(y1, f32x4.sub(x1, logSum))), loss, f32x4.ne(y1, zero));
  loss = v128.bitselect(f32x4.sub(loss, f32x4.mul(y2, f32x4.sub(x2, logSum))), loss, f32x4.ne(y2, zero));
  total += <f64>f32x4.extract_lane(loss, 0);
  total += <f64>f32x4.extract_lane(loss, 1);
  total += <f64>f32x4.extract_lane(loss, 2);
  total += <f64>f32x4.extract_lane(loss, 3);
  return total;
}

// Class vectors c0, c1, c2 (row q in lane q) → four rows of three f32 at p.
@inline
function store3(p: usize, c0: v128, c1: v128, c2: v128): void {
  v128.store(p, i32x4.shuffle(i32x4.shuffle(c0, c1, 0, 0, 4, 4), i32x4.shuffle(c2, c0, 0, 0, 5, 5), 0, 2, 4, 6));
  v128.store(p, i32x4.shuffle(i32x4.shuffle(c1, c2, 1, 1, 5, 5), i32x4.shuffle(c0, c1, 2, 2, 6, 6), 0, 2, 4, 6), 16);
  v128.store(p, i32x4.shuffle(i32x4.shuffle(c2, c0, 2, 2, 7, 7), i32x4.shuffle(c1, c2, 3, 3, 7, 7), 0, 2, 4, 6), 32);
}

// Lane q of the result is the f32 at p + s_q (s_0 = 0).
@inline
function gather(p: usize, s1: usize, s2: usize, s3: usize): v128 {
  let v = v128.load32_zero(p);
  v = v128.load32_lane(p + s1, v, 1);
  v = v128.load32_lane(p + s2, v, 2);
  return v128.load32_lane(p + s3, v, 3);
}

@inline
function scatter(p: usize, s1: usize, s2: usize, s3: usize, v: v128): void {
  v128.store32_lane(p, v, 0);
  v128.store32_lane(p + s1, v, 1);
  v128.store32_lane(p + s2, v, 2);
  v128.store32_lane(p + s3, v, 3);
}
