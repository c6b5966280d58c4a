// The fused evaluation of a k → h relu → n softmax classifier, k and n up to 4
// (assembly/kernels/narrow-forward.ts: both layers and the cross-entropy per 4 rows,
// nothing written) against the unfused path of the same build: computeGradients
// runs the training forward (the products of gemm.ts, the loss kernels of
// losses.ts) on the same rows, and its mean loss must be the evaluation's bit for
// bit, on every k and n, hidden widths and row counts that take every tail, with soft
// targets (zeros skipped by the loss) and with logit gaps of 88 or more (Mathf.exp's
// special path). The right predictions are counted against the arg max of predict().
import { describe, expect, it } from 'vitest';
import { Model } from '../bindings/index.js';
import { TRAIN } from '../bindings/backend/types.js';
import { createRng } from '../bindings/random.js';

const ROWS = [1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 20, 31, 32];

function data(rows: number, inputs: number, classes: number, scale: number, soft: boolean, seed: number): { x: Float32Array; y: Float32Array } {
  const rng = createRng(seed, 5);
  const x = Float32Array.from({ length: rows * inputs }, () => scale * rng.normal());
  const y = new Float32Array(rows * classes);
  for (let r = 0; r < rows; r++) {
    if (soft && r % 2 && classes > 1) {
      const p = rng.uniform();
      y[r * classes + (r % classes)] = p; // other classes stay 0
      y[r * classes + ((r + 1) % classes)] = 1 - p;
    } else y[r * classes + (r % classes)] = 1;
  }
  return { x, y };
}

/** The first largest of v[at … at+n). */
function argmax(v: Float32Array, at: number, n: number): number {
  let best = 0;
  for (let j = 1; j < n; j++) if (v[at + j] > v[at + best]) best = j;
  return best;
}

const SHAPES = [[2, 3], [1, 2], [3, 4], [4, 1], [4, 3], [2, 2], [1, 4]] as const;

describe.each(SHAPES.flatMap(([k, n]) => [1, 3, 50].map((h) => [k, h, n] as const)))('%i → %i relu → %i softmax', (inputs, hidden, classes) => {
  it.each([[1, false], [1, true], [300, false]] as const)('inputs ×%i, soft targets %s: every row count, loss and right predictions as the unfused path', async (scale, soft) => {
    const model = await Model.create({
      backend: 'wasm', seed: hidden,
      model: { inputs, layers: [{ units: hidden, activation: 'relu', init: 'he_uniform' }, { units: classes, activation: 'softmax' }], loss: 'categorical_crossentropy' },
    });
    const b = model.internals;
    b.setBatchCapacity(32);
    const params = b.params();
    const rng = createRng(7, 3);
    for (let i = 0; i < params.length; i++) params[i] += 0.3 * rng.normal(); // nonzero biases, some units dead
    let gaps = false;
    for (const rows of ROWS) {
      const { x, y } = data(rows, inputs, classes, scale, soft, rows * 10 + hidden);
      b.setData(TRAIN, x, y, rows);
      const totals = b.evaluate(TRAIN);
      expect(Number.isFinite(totals.lossSum)).toBe(true);
      expect(totals.lossSum / rows).toBe(b.computeGradients(TRAIN, 0, rows));
      const p = b.predict(TRAIN, 0, rows);
      let right = 0;
      for (let r = 0; r < rows; r++) if (argmax(p, r * classes, classes) === argmax(y, r * classes, classes)) right++;
      expect(totals.correct).toBe(right);
      gaps ||= p.some((v) => v < 6e-39);
    }
    if (scale > 1 && classes > 1) expect(gaps).toBe(true); // a probability below e^-88: the special exponent path ran
    model.dispose();
  });
});
