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

// The equality above sees the order of the f32 operations: the unfused path of the same network
// with its classes reversed (W2's columns, b2 and the targets; the same loss in exact arithmetic)
// gives other bits on some of the row counts, so a fused kernel that summed the classes in another
// order, or took one too many, would not pass.
it('a kernel that sums the classes in another order is told apart', async () => {
  let caught = 0;
  for (const [inputs, classes] of SHAPES.filter(([, n]) => n > 2)) {
    const model = await Model.create({
      backend: 'wasm', seed: 3,
      model: { inputs, layers: [{ units: 50, activation: 'relu', init: 'he_uniform' }, { units: classes, activation: 'softmax' }], loss: 'categorical_crossentropy' },
    });
    const b = model.internals;
    b.setBatchCapacity(32);
    const params = b.params(), w2 = inputs * 50 + 50, b2 = w2 + 50 * classes;
    const rng = createRng(11, 3);
    for (let i = 0; i < params.length; i++) params[i] += 0.3 * rng.normal();
    const fused = ROWS.map((rows) => {
      const { x, y } = data(rows, inputs, classes, 1, true, rows);
      b.setData(TRAIN, x, y, rows);
      return b.evaluate(TRAIN).lossSum / rows;
    });
    const reverse = (v: Float32Array, at: number, count: number) => { // `count` rows of `classes` floats from `at`
      for (let r = 0; r < count; r++) v.subarray(at + r * classes, at + (r + 1) * classes).reverse();
    };
    const now = b.params(); // a fresh view: setData may have grown the memory
    reverse(now, w2, 50);
    reverse(now, b2, 1);
    ROWS.forEach((rows, i) => {
      const { x, y } = data(rows, inputs, classes, 1, true, rows);
      reverse(y, 0, rows);
      b.setData(TRAIN, x, y, rows);
      const reversed = b.computeGradients(TRAIN, 0, rows);
      expect(Math.abs(reversed - fused[i])).toBeLessThan(1e-5 * Math.abs(fused[i])); // the same loss, to rounding
      if (reversed !== fused[i]) caught++;
    });
    model.dispose();
  }
  expect(caught).toBeGreaterThan(0);
});
