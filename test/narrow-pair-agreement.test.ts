// Networks whose two lowest layers take the fused backward pass
// (assembly/kernels/narrow-backward.ts: m ≤ 4 inputs → relu → n ≤ 4), and
// those it does not take (a linear lowest layer),
// train to the same bits on wasm as on the js backend, which runs the
// unfused passes; with the pair at the bottom of a deeper network too (dZ of
// layer 1 then comes from above, not from the loss). mse and SGD use no
// transcendental function, so the backends must agree bit for bit
// (test/backend-agreement.test.ts).
import { expect, it } from 'vitest';
import { Model, createRng, type BackendKind, type Dataset, type LayerSpec, type ModelSpec } from '../bindings/index.js';

function regression(rows: number, inputs: number, outputs: number, seed: number): Dataset {
  const rng = createRng(seed, 0);
  const x = Float32Array.from({ length: rows * inputs }, () => rng.normal());
  const y = Float32Array.from({ length: rows * outputs }, () => rng.normal());
  return { x: { data: x, rows, cols: inputs }, y: { data: y, rows, cols: outputs } };
}

async function weights(backend: BackendKind, model: ModelSpec, data: Dataset): Promise<Uint32Array> {
  const m = await Model.create({ backend, model, optimizer: { name: 'sgd', lr: 0.02, momentum: 0.9 }, seed: 5 });
  const history = await m.fit(data, { epochs: 3, batchSize: 13 }); // 40 rows: batches of 13, 13, 13 and 1
  expect(history.status).toBe('completed');
  return new Uint32Array(m.getWeights().buffer.slice(0));
}

const layer = (units: number, activation: 'relu' | 'linear'): LayerSpec => ({ units, activation, init: 'he_uniform' });

it('m → h → n networks (m, n = 1 … 4, relu and linear, h = 5 and 50) train to the js backend\'s bits', async () => {
  for (const act of ['relu', 'linear'] as const) {
    for (const m of [1, 2, 3, 4]) {
      for (const n of [1, 2, 3, 4]) {
        const hidden = (m + n) % 2 ? 5 : 50;
        const deeper = m === n; // the pair under one more layer
        const model: ModelSpec = {
          inputs: m, loss: 'mse',
          layers: [layer(hidden, act), layer(n, deeper ? 'relu' : 'linear'), ...(deeper ? [layer(3, 'linear')] : [])],
        };
        const data = regression(40, m, deeper ? 3 : n, m * 10 + n);
        const [wasm, js] = [await weights('wasm', model, data), await weights('js', model, data)];
        const first = wasm.findIndex((b, i) => b !== js[i]);
        expect(first, `${act} ${m} → ${hidden} → ${n}${deeper ? ' → 3' : ''}`).toBe(-1);
      }
    }
  }
});
