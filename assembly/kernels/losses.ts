// Losses on the network output, as Keras defines them (mean over outputs,
// then over the batch; categorical cross-entropy summed over classes, mean
// over the batch). Each writes dL/dZ of the output layer into `d` when the
// loss is fused with its activation (softmax + CE, sigmoid + BCE), and dL/dA
// otherwise, and returns the loss summed over rows (f64).
import { softmaxStats } from '../arena';

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
  if (kind == LOSS_CCE) {
    const perRow: f32 = <f32>(1.0 / <f64>scaleRows);
    for (let r = 0; r < rows; r++) {
      const off = (<usize>r * <usize>cols) << 2;
      let m = load<f32>(z + off);
      let best = 0;
      let bestY = 0;
      for (let j = 1; j < cols; j++) {
        const zj = load<f32>(z + off + (<usize>j << 2));
        if (zj > m) { m = zj; best = j; }
        if (load<f32>(y + off + (<usize>j << 2)) > load<f32>(y + off + (<usize>bestY << 2))) bestY = j;
      }
      if (best == bestY) lastCorrect++;
      // The output softmax has just run on these rows and left its max and Σ e^(z − max).
      const stats = softmaxStats + (<usize>r << 3);
      const logSum = Mathf.log(load<f32>(stats, 4));
      m = load<f32>(stats);
      let rowLoss: f32 = 0;
      let sumY: f32 = 0;
      for (let j = 0; j < cols; j++) {
        const yj = load<f32>(y + off + (<usize>j << 2));
        if (yj != 0) rowLoss -= yj * ((load<f32>(z + off + (<usize>j << 2)) - m) - logSum);
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
    return total;
  }
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
