// Model.dispose(): the next model of the same compiled module reuses the
// disposed model's WebAssembly instance (laid out anew over what the other
// model left there), and trains to the same bits as a model in an instance of
// its own; a disposed model refuses every use.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { LrlabError, Model, blobs, type ModelSpec, type OptimizerSpec } from '../bindings/index.js';

const WASM = await readFile(new URL('../build/lrlab.wasm', import.meta.url));
const DATA = blobs({ samples: 150, centers: 3, features: 5, seed: 3 });
const BIG: ModelSpec = {
  inputs: 5,
  layers: [{ units: 64, activation: 'tanh' }, { units: 33, activation: 'relu', init: 'he_uniform' }, { units: 3, activation: 'softmax' }],
  loss: 'categorical_crossentropy',
};
const SMALL: ModelSpec = {
  inputs: 5,
  layers: [{ units: 9, activation: 'relu', init: 'he_uniform' }, { units: 3, activation: 'softmax' }],
  loss: 'categorical_crossentropy',
};
const ROWS = { data: DATA.x.data.subarray(0, 10 * 5), rows: 10, cols: 5 };
const ADAM: OptimizerSpec = { name: 'adam', lr: 0.01 };

function bits(a: Float32Array): Uint32Array {
  return new Uint32Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
}

async function trainedIn(module: WebAssembly.Module, spec: ModelSpec, optimizer: OptimizerSpec): Promise<{ model: Model; loss: number[] }> {
  const model = await Model.create({ model: spec, optimizer, seed: 11, wasm: module });
  const history = await model.fit(DATA, { epochs: 3, batchSize: 16, validationSplit: 0.2 });
  return { model, loss: [...history.loss, ...history.valLoss!] };
}

describe('Model.dispose', () => {
  it.each([['a larger net', BIG, SMALL], ['a smaller net', SMALL, BIG]] as const)(
    'after %s, the next model reuses the instance and trains to the bits of a model in a new instance', async (_, before, after) => {
      const shared = await WebAssembly.compile(WASM);
      // Leave the instance dirty: another net, another optimizer with three slots, data above it.
      const first = await trainedIn(shared, before, { name: 'rmsprop', lr: 0.01, centered: true, momentum: 0.5 });
      const memory = first.model.internals.params().buffer;
      first.model.dispose();
      const reused = await trainedIn(shared, after, ADAM);
      if (after === SMALL) expect(reused.model.internals.params().buffer).toBe(memory); // (a larger net may grow the memory)
      const fresh = await trainedIn(await WebAssembly.compile(WASM), after, ADAM);
      expect(reused.loss).toEqual(fresh.loss);
      expect(bits(reused.model.getWeights())).toEqual(bits(fresh.model.getWeights()));
      for (let k = 0; k < 3; k++) expect(bits(reused.model.internals.slot(k))).toEqual(bits(fresh.model.internals.slot(k)));
      expect(reused.model.predict(ROWS, { prepared: true }).data).toEqual(fresh.model.predict(ROWS, { prepared: true }).data);
    });

  it('two live models never share an instance: only a disposed one is reused, once', async () => {
    const shared = await WebAssembly.compile(WASM);
    const a = await Model.create({ model: SMALL, optimizer: ADAM, wasm: shared });
    const memory = a.internals.params().buffer;
    a.dispose();
    a.dispose(); // a second dispose hands nothing back again
    const b = await Model.create({ model: SMALL, optimizer: ADAM, wasm: shared });
    const c = await Model.create({ model: SMALL, optimizer: ADAM, wasm: shared });
    expect(b.internals.params().buffer).toBe(memory);
    expect(c.internals.params().buffer).not.toBe(memory);
  });

  it('a disposed model throws DISPOSED on every use', async () => {
    const model = await Model.create({ model: SMALL, optimizer: ADAM, backend: 'js' });
    model.dispose();
    const uses: [string, () => unknown][] = [
      ['fit', () => model.fit(DATA, { epochs: 1 })],
      ['evaluate', () => model.evaluate(DATA)],
      ['predict', () => model.predict(ROWS, { prepared: true })],
      ['save', () => model.save()],
      ['getWeights', () => model.getWeights()],
      ['step', () => model.step],
    ];
    for (const [name, use] of uses) {
      let error: unknown;
      try {
        await use();
      } catch (e) {
        error = e;
      }
      expect(error, name).toBeInstanceOf(LrlabError);
      expect((error as LrlabError).code, name).toBe('DISPOSED');
      expect((error as LrlabError).field, name).toBe('model');
    }
  });
});
