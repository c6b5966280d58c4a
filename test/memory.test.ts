/**
 * Repeated fit / evaluate / predict on the same wasm model do not grow the
 * WebAssembly memory after the first round. The memory is reached without
 * touching bindings/: the backend's params() is a Float32Array view over
 * memory.buffer, so `model.internals.params().buffer.byteLength` is the size
 * of the module's linear memory.
 */
import { describe, expect, it } from 'vitest';
import { Model } from '../bindings/model.js';
import { createRng } from '../bindings/random.js';
import type { Dataset, Matrix } from '../bindings/types.js';

const FEATURES = 32, CLASSES = 4;

function dataset(rows: number, seed: number): Dataset {
  const rng = createRng(seed);
  const x = new Float32Array(rows * FEATURES), y = new Float32Array(rows * CLASSES);
  for (let i = 0; i < rows; i++) {
    const c = i % CLASSES;
    for (let j = 0; j < FEATURES; j++) x[i * FEATURES + j] = rng.normal() + (j % CLASSES === c ? 1 : 0);
    y[i * CLASSES + c] = 1;
  }
  return { x: { data: x, rows, cols: FEATURES }, y: { data: y, rows, cols: CLASSES } };
}

async function wasmModel(): Promise<Model> {
  return Model.create({
    backend: 'wasm', seed: 3,
    model: { inputs: FEATURES, layers: [{ units: 32, activation: 'relu' }, { units: CLASSES, activation: 'softmax' }], loss: 'categorical_crossentropy' },
    optimizer: { name: 'adam', lr: 0.001 },
  });
}

/** Bytes of the model's WebAssembly memory. */
function memoryBytes(model: Model): number {
  return model.internals.params().buffer.byteLength;
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length), ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return ua.every((v, i) => v === ub[i]);
}

describe('WebAssembly memory does not grow on repeated calls', () => {
  const train = dataset(2000, 1); // 2000 × 32 floats = 256 KiB of x alone: the first fit must grow memory
  const test = dataset(700, 2);

  it('params() is a view over the wasm memory (how this file measures it)', async () => {
    const model = await wasmModel();
    const view = model.internals.params();
    expect(view.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    expect(view.buffer.byteLength % 65536).toBe(0); // whole wasm pages
    expect(view.buffer.byteLength).toBeGreaterThan(view.byteOffset + view.byteLength);
    // The same buffer every time (until memory grows): a live view, not a copy.
    expect(model.internals.params().buffer).toBe(view.buffer);
  });

  it('fit, evaluate and predict: the first round may grow memory, the next ones never do', async () => {
    const model = await wasmModel();
    const initial = memoryBytes(model);
    const round = async (epochs: number) => {
      await model.fit(train, { epochs, batchSize: 64 });
      model.evaluate(test);
      return model.predict(test.x);
    };
    await round(1);
    const afterFirst = memoryBytes(model);
    expect(afterFirst).toBeGreaterThan(initial); // the data did need room
    for (let i = 2; i <= 8; i++) {
      await round(i);
      expect(memoryBytes(model)).toBe(afterFirst);
    }
  });

  it('repeated evaluate / predict on a trained model: no growth and the same outputs', async () => {
    const model = await wasmModel();
    await model.fit(train, { epochs: 1, batchSize: 32 });
    const first = model.predict(test.x).data;
    const loss = model.evaluate(test).loss;
    const size = memoryBytes(model);
    for (let i = 0; i < 30; i++) {
      expect(model.evaluate(test).loss).toBe(loss);
      expect(sameBits(model.predict(test.x).data, first)).toBe(true);
      expect(memoryBytes(model)).toBe(size);
    }
  });

  it('fits with validationData and validationSplit, repeated, do not grow memory', async () => {
    const model = await wasmModel();
    const run = async (epochs: number) => {
      await model.fit(train, { epochs, batchSize: 128, validationData: test });
      await model.fit(train, { epochs: epochs + 1, batchSize: 128, validationSplit: 0.25 });
    };
    await run(1);
    const size = memoryBytes(model);
    for (let i = 3; i <= 11; i += 2) {
      await run(i);
      expect(memoryBytes(model)).toBe(size);
    }
  });

  it('a batch capacity above the default grows memory once, then repeated fits keep it', async () => {
    const model = await wasmModel();
    await model.fit(train, { epochs: 1, batchSize: 1000 });
    model.evaluate(test);
    model.predict(test.x);
    const size = memoryBytes(model);
    for (let i = 2; i <= 5; i++) {
      await model.fit(train, { epochs: i, batchSize: 1000 });
      await model.fit(train, { epochs: i + 1, batchSize: 64 }); // a smaller batch reuses the larger layout
      model.evaluate(test);
      model.predict(test.x);
      expect(memoryBytes(model)).toBe(size);
    }
  });

  it('predict on a larger input grows the scratch area once; smaller and equal inputs reuse it', async () => {
    const model = await wasmModel();
    await model.fit(train, { epochs: 1 });
    const big: Matrix = dataset(5000, 4).x;
    model.predict(big);
    const size = memoryBytes(model);
    for (let i = 0; i < 10; i++) {
      model.predict(big);
      model.predict(test.x);
      model.evaluate(test);
      expect(memoryBytes(model)).toBe(size);
    }
  });

  it('memory is per model: a second model does not share or grow the first one', async () => {
    const a = await wasmModel();
    await a.fit(train, { epochs: 1 });
    const sizeA = memoryBytes(a);
    const b = await wasmModel();
    await b.fit(dataset(6000, 5), { epochs: 1 });
    expect(b.internals.params().buffer).not.toBe(a.internals.params().buffer);
    expect(memoryBytes(a)).toBe(sizeA);
  });
});
