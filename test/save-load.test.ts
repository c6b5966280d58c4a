/**
 * save() → Model.load(): weights bit for bit, the same predictions, lr,
 * epochsTrained, step and optimizer state, on the same and on the other
 * backend; and every corrupt input refused as CORRUPT_FILE (INVALID_OPTION for
 * a value that is not a Uint8Array), with no partial model.
 */
import { describe, expect, it } from 'vitest';
import { LrlabError } from '../bindings/errors.js';
import { Model, type ModelConfig } from '../bindings/model.js';
import { decodeModel, encodeModel } from '../bindings/serialize.js';
import { createRng } from '../bindings/random.js';
import type { BackendKind } from '../bindings/backend/index.js';
import type { OptimizerSpec } from '../bindings/spec.js';
import type { Dataset } from '../bindings/types.js';

const BACKENDS: BackendKind[] = ['wasm', 'js'];

function sameBits(a: Float32Array | Float64Array, b: Float32Array | Float64Array): boolean {
  if (a.length !== b.length || a.constructor !== b.constructor) return false;
  const ua = new Uint8Array(a.buffer, a.byteOffset, a.byteLength), ub = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return ua.every((v, i) => v === ub[i]);
}

async function rejected(fn: () => Promise<unknown>): Promise<LrlabError> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(LrlabError);
    return err as LrlabError;
  }
  throw new Error('expected a LrlabError, but Model.load resolved (a model from bad bytes)');
}

function data(rows = 48): Dataset {
  const rng = createRng(9);
  const x = new Float32Array(rows * 4), y = new Float32Array(rows * 3);
  for (let i = 0; i < rows; i++) {
    const c = i % 3;
    for (let j = 0; j < 4; j++) x[i * 4 + j] = rng.normal() + (j === c ? 2 : 0);
    y[i * 3 + c] = 1;
  }
  return { x: { data: x, rows, cols: 4 }, y: { data: y, rows, cols: 3 } };
}

const config = (backend: BackendKind): ModelConfig => ({
  backend, seed: 4,
  model: {
    inputs: 4,
    layers: [{ units: 6, activation: 'leaky_relu', alpha: 0.2 }, { units: 5, activation: 'tanh', init: 'he_normal' }, { units: 3, activation: 'softmax' }],
    loss: 'categorical_crossentropy',
  },
  optimizer: { name: 'nadam', lr: 0.01, weightDecay: 0.001, clipNorm: 5 },
});

/** A model trained a few epochs, with lr changed by a callback (so lr ≠ optimizer.lr). */
async function trained(backend: BackendKind): Promise<Model> {
  const model = await Model.create(config(backend));
  await model.fit(data(), {
    epochs: 3, batchSize: 8,
    callbacks: { onEpochEnd: (_e, _logs, ctx) => { ctx.lr = ctx.lr * 0.5; } },
  });
  return model;
}

function expectSameState(loaded: Model, saved: Model): void {
  expect(loaded.paramCount).toBe(saved.paramCount);
  expect(sameBits(loaded.getWeights(), saved.getWeights())).toBe(true);
  expect(loaded.lr).toBe(saved.lr);
  expect(loaded.epochsTrained).toBe(saved.epochsTrained);
  expect(loaded.step).toBe(saved.step);
  expect(loaded.seed).toBe(saved.seed);
  expect(loaded.spec).toEqual(saved.spec);
  expect(loaded.optimizer).toEqual(saved.optimizer);
  expect(loaded.internals.slotCount).toBe(saved.internals.slotCount);
  for (let k = 0; k < saved.internals.slotCount; k++) {
    expect(sameBits(loaded.internals.slot(k), saved.internals.slot(k))).toBe(true);
  }
  expect(sameBits(loaded.internals.scalars(), saved.internals.scalars())).toBe(true); // t and Nadam's μ product
}

// Model.load currently refuses every saved model (bug, see the reply / report):
// save() writes header.optimizer as the *normalized* spec (all 15 keys, e.g.
// momentum and rho for adam), and Model.load passes it back through
// normalizeOptimizer, whose checkKeys refuses the keys of other optimizers
// (UNKNOWN_OPTION "optimizer.momentum"/"optimizer.rho"). The round-trip tests
// below assert the correct behaviour and fail until that is fixed.
describe('save → load round trip', () => {
  it('the saved state is what the model holds (serialization alone)', async () => {
    const model = await trained('wasm');
    const { header, scalars, params, slots } = decodeModel(model.save());
    expect(sameBits(params, model.getWeights())).toBe(true);
    expect(sameBits(scalars, model.internals.scalars())).toBe(true);
    expect(model.optimizer.lr * header.policy.scale).toBe(model.lr);
    expect(header.epochsTrained).toBe(3);
    expect(slots.length).toBe(model.internals.slotCount * model.paramCount);
    expect(model.step).toBe(18);
    expect(model.lr).toBe(0.01 * 0.5 ** 3);
  });

  it.each(BACKENDS.flatMap((from) => BACKENDS.map((to) => [from, to] as const)))('%s → %s keeps weights bitwise, lr, epochs, step and optimizer state', async (from, to) => {
    const model = await trained(from);
    const bytes = model.save();
    const loaded = await Model.load(bytes, { backend: to });
    expect(loaded.backend).toBe(to);
    expectSameState(loaded, model);
    const x = data(20).x;
    const a = model.predict(x).data, b = loaded.predict(x).data;
    if (from === to) {
      expect(sameBits(b, a)).toBe(true);
      expect(loaded.evaluate(data())).toEqual(model.evaluate(data()));
    } else {
      for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 5);
    }
    // Saving the loaded model gives the same bytes.
    expect(Buffer.from(loaded.save()).equals(Buffer.from(bytes))).toBe(true);
  });

  it('a fresh (untrained) model round-trips too, for every optimizer', async () => {
    for (const name of ['sgd', 'adagrad', 'rmsprop', 'adadelta', 'adam', 'adamw', 'adamax', 'nadam'] as const) {
      const model = await Model.create({ model: { inputs: 2, layers: [{ units: 3 }], loss: 'mse' }, optimizer: { name } });
      const loaded = await Model.load(model.save());
      expect(loaded.optimizer.name).toBe(name);
      expectSameState(loaded, model);
    }
  });

  it('loads from a Node Buffer and from a Uint8Array view at an offset', async () => {
    const model = await trained('wasm');
    const bytes = model.save();
    expectSameState(await Model.load(Buffer.from(bytes)), model);
    const padded = new Uint8Array(bytes.length + 13);
    padded.set(bytes, 5);
    expectSameState(await Model.load(padded.subarray(5, 5 + bytes.length)), model);
  });

  it('save(extra) stores free-form JSON in the header', async () => {
    const model = await Model.create(config('wasm'));
    const { header } = decodeModel(model.save({ plateau: { best: 0.5, wait: 2 } }));
    expect(header.extra).toEqual({ plateau: { best: 0.5, wait: 2 } });
  });
});

describe('corrupt input is refused as CORRUPT_FILE', () => {
  async function saved(): Promise<{ model: Model; bytes: Uint8Array }> {
    const model = await trained('wasm');
    return { model, bytes: model.save() };
  }

  function expectCorrupt(err: LrlabError, what = 'is not a valid lrlab model'): void {
    expect(err.code).toBe('CORRUPT_FILE');
    expect(err.field).toBe('bytes');
    expect(err.message).toContain(what);
    expect(err.message).toContain('Received: bytes=Uint8Array(');
  }

  it('truncated bytes, at several cut points', async () => {
    const { model, bytes } = await saved();
    const weightsBefore = model.getWeights();
    const jsonLength = new DataView(bytes.buffer).getUint32(8, true);
    const cuts = [1, 7, 8, 11, 12, 16, 12 + (jsonLength >> 1), 12 + jsonLength, 12 + jsonLength + 40,
      bytes.length >> 1, bytes.length - 5, bytes.length - 4, bytes.length - 1];
    for (const cut of cuts) expectCorrupt(await rejected(() => Model.load(bytes.slice(0, cut))));
    // Extra bytes at the end are refused too.
    const longer = new Uint8Array(bytes.length + 4);
    longer.set(bytes);
    expectCorrupt(await rejected(() => Model.load(longer)));
    // The saved model is untouched by any of it.
    expect(sameBits(model.getWeights(), weightsBefore)).toBe(true);
  });

  it('one flipped byte in the magic, the header, the scalars, the weights, the slots or the checksum', async () => {
    const { bytes } = await saved();
    const { header } = decodeModel(bytes);
    const jsonLength = new DataView(bytes.buffer).getUint32(8, true);
    const headerEnd = (12 + jsonLength + 7) & ~7;
    const weightsAt = headerEnd + 64;
    const slotsAt = weightsAt + 4 * header.paramCount;
    const positions = {
      magic: 2,
      headerLength: 9,
      header: 12 + (jsonLength >> 1),
      scalars: headerEnd + 3,
      firstWeight: weightsAt,
      lastWeight: slotsAt - 1,
      slots: slotsAt + 10,
      checksum: bytes.length - 2,
    };
    for (const [where, at] of Object.entries(positions)) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const copy = bytes.slice();
        copy[at] ^= mask;
        const err = await rejected(() => Model.load(copy));
        expect({ where, mask, code: err.code }).toEqual({ where, mask, code: 'CORRUPT_FILE' });
      }
    }
  });

  it('random bytes (with and without the magic), and an empty array', async () => {
    const rng = createRng(123);
    for (const length of [0, 3, 16, 64, 1000]) {
      const random = Uint8Array.from({ length }, () => rng.nextU32() & 0xff);
      expectCorrupt(await rejected(() => Model.load(random)));
      if (length >= 16) {
        const withMagic = random.slice();
        withMagic.set([...'LRLAB1\0\0'].map((c) => c.charCodeAt(0)));
        expectCorrupt(await rejected(() => Model.load(withMagic)));
      }
    }
    expectCorrupt(await rejected(() => Model.load(new Uint8Array(0))));
  });

  it('a value that is not a Uint8Array is INVALID_OPTION', async () => {
    const { bytes } = await saved();
    for (const value of [bytes.buffer, Array.from(bytes), new Float32Array(8), 'LRLAB1', null, undefined, 42]) {
      const err = await rejected(() => Model.load(value as unknown as Uint8Array));
      expect(err.code).toBe('INVALID_OPTION');
      expect(err.field).toBe('bytes');
      expect(err.message).toContain('must be a Uint8Array');
    }
  });

  it('a checksummed file whose header does not match its arrays', async () => {
    const { bytes } = await saved();
    const state = decodeModel(bytes);
    // header.optimizer cut down to nadam's own keys, so that only the size mismatch is at stake
    // (a saved header as-is trips the Model.load bug tested above).
    const own = ['name', 'lr', 'weightDecay', 'clipNorm', 'clipValue', 'beta1', 'beta2', 'epsilon', 'momentumDecay'];
    const optimizer = Object.fromEntries(Object.entries(state.header.optimizer).filter(([k]) => own.includes(k))) as OptimizerSpec;
    // One parameter fewer than the specs build.
    const short = encodeModel({
      ...state,
      header: { ...state.header, optimizer, paramCount: state.header.paramCount - 1 },
      params: state.params.subarray(1),
      slots: state.slots.subarray(state.header.slotCount),
    });
    expectCorrupt(await rejected(() => Model.load(short)), `holds ${state.header.paramCount - 1} parameters`);
  });

  // Found while writing these tests: a file with a valid checksum whose header
  // JSON is `null` makes decodeModel (bindings/serialize.ts) throw a TypeError
  // ("Cannot destructure property 'paramCount' of 'header' as it is null")
  // instead of CORRUPT_FILE. Other non-object headers (42, [], "x") are refused.
  it.each([[null], [42], [[]], ['x']])('a checksummed file whose header JSON is %j', async (header) => {
    const bytes = encodeModel({
      header: header as never, scalars: new Float64Array(8), params: new Float32Array(3), slots: new Float32Array(0),
    });
    expectCorrupt(await rejected(() => Model.load(bytes)));
  });
});
