/**
 * Losses and their gradients, mirroring assembly/kernels/losses.ts (formulas there).
 * Returns the loss summed over rows and the number of correct predictions.
 */
import type { LossName } from '../../spec.js';

const f = Math.fround;

export function lossAndGradient(kind: LossName, z: Float32Array, a: Float32Array, y: Float32Array, yo: number, d: Float32Array | null,
  rows: number, cols: number): { loss: number; correct: number } {
  const perOutput = f(1 / (rows * cols));
  let total = 0;
  let correct = 0;
  if (kind === 'categorical_crossentropy') {
    const perRow = f(1 / rows);
    for (let r = 0; r < rows; r++) {
      const off = r * cols, yOff = yo + off;
      let m = z[off], best = 0, bestY = 0;
      for (let j = 1; j < cols; j++) {
        if (z[off + j] > m) { m = z[off + j]; best = j; }
        if (y[yOff + j] > y[yOff + bestY]) bestY = j;
      }
      if (best === bestY) correct++;
      let sumExp = 0;
      for (let j = 0; j < cols; j++) sumExp = f(sumExp + f(Math.exp(f(z[off + j] - m))));
      const logSum = f(Math.log(sumExp));
      let rowLoss = 0, sumY = 0;
      for (let j = 0; j < cols; j++) {
        const yj = y[yOff + j];
        if (yj !== 0) rowLoss = f(rowLoss - f(yj * f(f(z[off + j] - m) - logSum)));
        sumY = f(sumY + yj);
      }
      total += rowLoss;
      if (d) for (let j = 0; j < cols; j++) d[off + j] = f(f(f(a[off + j] * sumY) - y[yOff + j]) * perRow);
    }
    return { loss: total, correct };
  }
  for (let i = 0; i < rows * cols; i++) {
    const ai = a[i], yi = y[yo + i];
    const diff = f(ai - yi);
    let term: number, grad: number;
    if (kind === 'mse') {
      term = f(diff * diff);
      grad = f(f(2 * diff) * perOutput);
    } else if (kind === 'mae') {
      term = Math.abs(diff);
      grad = f((diff > 0 ? 1 : diff < 0 ? -1 : 0) * perOutput);
    } else {
      const zi = z[i];
      term = f(f(f(Math.max(zi, 0)) - f(zi * yi)) + f(Math.log1p(f(Math.exp(-Math.abs(zi))))));
      grad = f(diff * perOutput);
      if ((ai > 0.5) === (yi > 0.5)) correct++;
    }
    total += term / cols;
    if (d) d[i] = grad;
  }
  return { loss: total, correct };
}
