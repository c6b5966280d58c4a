// Softmax + cross-entropy computes rows four at a time (one per SIMD lane; 3-class
// outputs with their own kernel, and rows whose exponent Mathf.exp treats
// specially, a logit gap of 88 or more, through the general one), and the last
// 1 to 3 rows of a chunk with copies of the last row in the spare lanes. Each
// row's loss and prediction must not depend on which rows share its lanes: a
// set evaluated in one chunk gives bit for bit the sum, in row order, of its
// rows evaluated one by one.
import { describe, expect, it } from 'vitest';
import { Model, blobs, type Dataset } from '../bindings/index.js';

function rowsOf(data: Dataset, start: number, rows: number): Dataset {
  const { x, y } = data;
  return {
    x: { data: x.data.slice(start * x.cols, (start + rows) * x.cols), rows, cols: x.cols },
    y: { data: y.data.slice(start * y.cols, (start + rows) * y.cols), rows, cols: y.cols },
  };
}

async function trained(classes: number, scale: number): Promise<{ model: Model; data: Dataset }> {
  const data = blobs({ samples: 64, centers: classes, features: 2, seed: classes });
  for (let i = 0; i < data.x.data.length; i++) data.x.data[i] *= scale;
  const model = await Model.create({
    backend: 'wasm', seed: 3, optimizer: { name: 'sgd', lr: 0.01 },
    model: { inputs: 2, layers: [{ units: 8, activation: 'relu' }, { units: classes, activation: 'softmax' }], loss: 'categorical_crossentropy' },
  });
  await model.fit(data, { epochs: 2, batchSize: 32 }); // evaluate's chunks are then 32 rows
  return { model, data };
}

describe('softmax cross-entropy: the loss of a row does not depend on the rows beside it', () => {
  for (const classes of [3, 5]) {
    for (const scale of [1, 300]) {
      it(`${classes} classes, inputs ×${scale}, chunks of 29, 30, 31, 32 rows`, async () => {
        const { model, data } = await trained(classes, scale);
        if (scale > 1) {
          // Logit gaps of 88 or more occur (a probability that underflows below e^-88).
          const p = model.predict(data.x).data;
          expect(p.some((v) => v < 6e-39)).toBe(true);
        }
        for (const rows of [29, 30, 31, 32]) {
          const whole = model.evaluate(rowsOf(data, 0, rows));
          let loss = 0, correct = 0;
          for (let r = 0; r < rows; r++) {
            const one = model.evaluate(rowsOf(data, r, 1));
            loss += one.loss;
            correct += one.accuracy!;
          }
          expect(Number.isFinite(whole.loss)).toBe(true);
          expect(whole.loss).toBe(loss / rows);
          expect(whole.accuracy).toBe(correct / rows);
        }
      });
    }
  }
});
