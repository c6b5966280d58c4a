// Losses on the network output, as Keras defines them (mean over outputs,
// then over the batch; categorical cross-entropy summed over classes, mean
// over the batch). Each writes dL/dZ of the output layer into `d` when the
// loss is fused with its activation (softmax + CE, sigmoid + BCE), and dL/dA
// otherwise, and returns the loss summed over rows (f64). Cross-entropy also
// computes the softmax itself (the forward pass leaves the output layer at Z).
import { softmaxRow, softmaxMax } from './activations';
import { exp2Lanes } from './exp';

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

// Softmax into a (activations.ts softmaxRow), cross-entropy and dL/dz in one
// pass per row, the loss as log softmax(z)_j = (z_j − max) − log Σ e^(z − max).
// Data-dependent choices (the arg max, the classes with y = 0) are selects, not
// branches: which class wins is random per row, and mispredicted branches cost
// more than the rest of a 3-class row.
function softmaxCrossEntropy(z: usize, a: usize, y: usize, d: usize, rows: i32, cols: i32, withGradient: bool, scaleRows: i32): f64 {
  const perRow: f32 = <f32>(1.0 / <f64>scaleRows);
  let total: f64 = 0;
  let correct = 0;
  let r = 0;
  // Four rows at a time, one per lane (the row loop's operations lane by lane), then the rest one by one.
  for (; r + 4 <= rows; r += 4) {
    total = softmaxCrossEntropy4(total, z, a, y, d, r, cols, withGradient, perRow);
    correct += lastCorrect;
  }
  for (; r < rows; r++) {
    const off = (<usize>r * <usize>cols) << 2;
    const zr = z + off, ar = a + off, yr = y + off;
    // The first largest z and y (strict >): the predicted and the true class.
    let top = load<f32>(zr), yTop = load<f32>(yr);
    let best = 0, bestY = 0;
    for (let j = 1; j < cols; j++) {
      const zj = load<f32>(zr + (<usize>j << 2)), yj = load<f32>(yr + (<usize>j << 2));
      best = select(j, best, zj > top);
      top = select(zj, top, zj > top);
      bestY = select(j, bestY, yj > yTop);
      yTop = select(yj, yTop, yj > yTop);
    }
    correct += <i32>(best == bestY);
    const sum = softmaxRow(zr, ar, cols);
    const m = softmaxMax;
    const logSum = Mathf.log(sum);
    let rowLoss: f32 = 0;
    let sumY: f32 = 0;
    for (let j = 0; j < cols; j++) {
      const yj = load<f32>(yr + (<usize>j << 2));
      const term = rowLoss - yj * ((load<f32>(zr + (<usize>j << 2)) - m) - logSum);
      rowLoss = select(term, rowLoss, yj != 0); // skipped, not added: 0 · (−∞) would be NaN
      sumY += yj;
    }
    total += <f64>rowLoss;
    if (withGradient) {
      for (let j = 0; j < cols; j++) {
        const p = off + (<usize>j << 2);
        store<f32>(d + p, (load<f32>(a + p) * sumY - load<f32>(y + p)) * perRow);
      }
    }
  }
  lastCorrect = correct;
  return total;
}

// Rows r … r+3 of softmaxCrossEntropy, row q in lane q: the same f32 operations
// in the same order per row, with selects as lane masks. Returns `total` with the
// four rows' losses added in row order; lastCorrect counts their right predictions.
function softmaxCrossEntropy4(total: f64, z: usize, a: usize, y: usize, d: usize, r: i32, cols: i32, withGradient: bool, perRow: f32): f64 {
  const stride = <usize>cols << 2;
  const off = <usize>r * stride;
  const zr = z + off, ar = a + off, yr = y + off, dr = d + off;
  let top = gather(zr, stride), yTop = gather(yr, stride), m = top;
  let best = i32x4.splat(0), bestY = best;
  for (let j = 1; j < cols; j++) {
    const p = <usize>j << 2;
    const zj = gather(zr + p, stride), yj = gather(yr + p, stride);
    m = f32x4.max(m, zj);
    const up = f32x4.gt(zj, top), upY = f32x4.gt(yj, yTop);
    best = v128.bitselect(i32x4.splat(j), best, up);
    top = v128.bitselect(zj, top, up);
    bestY = v128.bitselect(i32x4.splat(j), bestY, upY);
    yTop = v128.bitselect(yj, yTop, upY);
  }
  lastCorrect = <i32>popcnt(i32x4.bitmask(i32x4.eq(best, bestY)));
  let sum = f32x4.splat(0);
  for (let j = 0; j < cols; j++) {
    const p = <usize>j << 2;
    const x = f32x4.sub(gather(zr + p, stride), m);
    const e = i64x2.shuffle(exp2Lanes(x), exp2Lanes(i32x4.shuffle(x, x, 2, 3, 0, 1)), 0, 2);
    scatter(ar + p, stride, e);
    sum = f32x4.add(sum, e);
  }
  const logSum = f32x4.replace_lane(f32x4.replace_lane(f32x4.replace_lane(f32x4.splat(
    Mathf.log(f32x4.extract_lane(sum, 0))), 1, Mathf.log(f32x4.extract_lane(sum, 1))), 2, Mathf.log(f32x4.extract_lane(sum, 2))), 3, Mathf.log(f32x4.extract_lane(sum, 3)));
  let rowLoss = f32x4.splat(0), sumY = rowLoss;
  for (let j = 0; j < cols; j++) {
    const p = <usize>j << 2;
    const yj = gather(yr + p, stride);
    const term = f32x4.sub(rowLoss, f32x4.mul(yj, f32x4.sub(f32x4.sub(gather(zr + p, stride), m), logSum)));
    rowLoss = v128.bitselect(term, rowLoss, f32x4.ne(yj, f32x4.splat(0)));
    sumY = f32x4.add(sumY, yj);
  }
  const vPerRow = f32x4.splat(perRow);
  for (let j = 0; j < cols; j++) {
    const p = <usize>j << 2;
    const aj = f32x4.div(gather(ar + p, stride), sum);
    scatter(ar + p, stride, aj);
    if (withGradient) scatter(dr + p, stride, f32x4.mul(f32x4.sub(f32x4.mul(aj, sumY), gather(yr + p, stride)), vPerRow));
  }
  total += <f64>f32x4.extract_lane(rowLoss, 0);
  total += <f64>f32x4.extract_lane(rowLoss, 1);
  total += <f64>f32x4.extract_lane(rowLoss, 2);
  total += <f64>f32x4.extract_lane(rowLoss, 3);
  return total;
}

// Lane q of the result is the f32 at p + q·stride.
@inline
function gather(p: usize, stride: usize): v128 {
  let v = v128.load32_zero(p);
  v = v128.load32_lane(p + stride, v, 1);
  v = v128.load32_lane(p + 2 * stride, v, 2);
  return v128.load32_lane(p + 3 * stride, v, 3);
}

@inline
function scatter(p: usize, stride: usize, v: v128): void {
  v128.store32_lane(p, v, 0);
  v128.store32_lane(p + stride, v, 1);
  v128.store32_lane(p + 2 * stride, v, 2);
  v128.store32_lane(p + 3 * stride, v, 3);
}
