// Finite-difference check of backprop: for every hidden activation × loss
// (with each loss's output activations), on both backends, the analytic
// gradient of every parameter matches the central difference
//   (L(p + h) − L(p − h)) / 2h
// of the loss the backend itself reports. The backends compute in f32, so h is
// large enough for f32 rounding (ε·L/h ≈ 1e-5) and the tolerance allows the
// O(h²) truncation error.
import { describe, expect, it } from 'vitest';
import { Model, ACTIVATIONS, type Activation, type LossName } from '../bindings/index.js';
import { TRAIN } from '../bindings/backend/types.js';
import { createRng } from '../bindings/random.js';

const H = 1e-2;
const ROWS = 6, INPUTS = 3, HIDDEN = 5, OUTPUTS = 4;

const OUTPUTS_FOR: Record<LossName, Activation[]> = {
  mse: ['linear', 'tanh', 'sigmoid', 'elu', 'softmax'],
  mae: ['linear', 'tanh'],
  categorical_crossentropy: ['softmax'],
  binary_crossentropy: ['sigmoid'],
};

function data(loss: LossName): { x: Float32Array; y: Float32Array } {
  const rng = createRng(7, 0);
  const x = Float32Array.from({ length: ROWS * INPUTS }, () => rng.normal());
  const y = new Float32Array(ROWS * OUTPUTS);
  for (let r = 0; r < ROWS; r++) {
    if (loss === 'categorical_crossentropy') y[r * OUTPUTS + (r % OUTPUTS)] = 1;
    else for (let j = 0; j < OUTPUTS; j++) y[r * OUTPUTS + j] = target(loss, r + j, rng.normal());
  }
  return { x, y };
}

// MAE has a kink at a = y: its targets sit far from any output the small
// network can produce (|a| < 3 here), so no perturbation crosses the kink.
function target(loss: LossName, index: number, noise: number): number {
  if (loss === 'binary_crossentropy') return index % 2;
  if (loss === 'mae') return (index % 2 ? 1 : -1) * (4 + Math.abs(noise));
  return noise;
}

async function check(backend: 'wasm' | 'js', hidden: Activation, output: Activation, loss: LossName): Promise<void> {
  const model = await Model.create({
    backend, seed: 11,
    model: { inputs: INPUTS, layers: [{ units: HIDDEN, activation: hidden, alpha: 0.3, init: 'glorot_normal' }, { units: OUTPUTS, activation: output, init: 'glorot_normal' }], loss },
  });
  const b = model.internals;
  const { x, y } = data(loss);
  b.setData(TRAIN, x, y, ROWS);
  // Small random biases so that no unit sits exactly at a kink.
  const params = b.params();
  const rng = createRng(3, 1);
  for (let i = 0; i < params.length; i++) params[i] += 0.1 * rng.normal();
  b.computeGradients(TRAIN, 0, ROWS);
  const analytic = b.grads().slice();
  let worst = 0;
  for (let i = 0; i < params.length; i++) {
    const saved = params[i];
    params[i] = saved + H;
    const up = b.computeGradients(TRAIN, 0, ROWS);
    params[i] = saved - H;
    const down = b.computeGradients(TRAIN, 0, ROWS);
    params[i] = saved;
    const numeric = (up - down) / (2 * H);
    const error = Math.abs(numeric - analytic[i]) / Math.max(1e-2, Math.abs(numeric) + Math.abs(analytic[i]));
    worst = Math.max(worst, error);
  }
  expect(worst, `${backend} ${hidden} → ${output} with ${loss}`).toBeLessThan(2e-2);
}

describe.each(['wasm', 'js'] as const)('gradients on the %s backend match finite differences', (backend) => {
  for (const loss of Object.keys(OUTPUTS_FOR) as LossName[]) {
    for (const output of OUTPUTS_FOR[loss]) {
      it.each([...ACTIVATIONS])(`hidden %s → ${output} with ${loss}`, (hidden) => check(backend, hidden, output, loss));
    }
  }
});
