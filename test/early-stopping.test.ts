/**
 * Early stopping with the semantics of keras.callbacks.EarlyStopping.on_epoch_end:
 *
 *   wait += 1
 *   if a + minDelta < best ('min'; a − minDelta > best for 'max'), or nothing seen yet:
 *       best = a, bestEpoch = epoch, remember the weights (restoreBestWeights), wait = 0
 *   elif wait >= patience and epoch > 0: stop (and restore the best weights if asked)
 *
 * First driven directly with scripted metrics (literal tables of wait, best
 * epoch and the stop epoch), then end to end through Model.fit.
 */
import { describe, expect, it } from 'vitest';
import {
  checkEarlyStoppingState, earlyStoppingStep, initialEarlyStoppingState, validateEarlyStopping,
  type EarlyStoppingDecision, type EarlyStoppingSpec, type EarlyStoppingState,
} from '../bindings/early-stopping.js';
import { LrlabError } from '../bindings/errors.js';
import { Model, type ModelConfig } from '../bindings/model.js';
import { blobs, splitAt } from '../bindings/data/index.js';
import type { Mode } from '../bindings/plateau.js';

interface Trace {
  wait: number[];
  bestEpoch: number[];
  stopEpoch: number | null;
  decisions: EarlyStoppingDecision[];
  weightCalls: number[]; // epochs at which the weights were read
  state: EarlyStoppingState;
}

/** Runs the script until the first stop; the fake weights of epoch e are [e, e + 0.5]. */
function drive(spec: EarlyStoppingSpec, metrics: number[], mode: Mode = 'min'): Trace {
  const s = validateEarlyStopping(spec);
  const state = initialEarlyStoppingState();
  const t: Trace = { wait: [], bestEpoch: [], stopEpoch: null, decisions: [], weightCalls: [], state };
  for (let epoch = 0; epoch < metrics.length; epoch++) {
    const d = earlyStoppingStep(s, mode, state, metrics[epoch], epoch, () => {
      t.weightCalls.push(epoch);
      return Float32Array.of(epoch, epoch + 0.5);
    });
    t.decisions.push(d);
    t.wait.push(state.wait);
    t.bestEpoch.push(state.bestEpoch);
    if (d.stop) {
      t.stopEpoch = epoch;
      break;
    }
  }
  return t;
}

describe('earlyStoppingStep (Keras EarlyStopping)', () => {
  it('defaults are Keras\'s: patience 0, minDelta 0, no restore', () => {
    expect(validateEarlyStopping({})).toEqual({ patience: 0, minDelta: 0, restoreBestWeights: false });
  });

  it('patience 3: stops on the third epoch in a row without improvement', () => {
    // e0 first value → best (wait 0); e1 0.9 best; e2, e3, e4 wait 1, 2, 3 → 3 >= 3: stop at e4, best epoch 1
    const t = drive({ patience: 3 }, [1.0, 0.9, 0.95, 0.92, 0.91, 0.93, 0.8]);
    expect(t.wait).toEqual([0, 0, 1, 2, 3]);
    expect(t.bestEpoch).toEqual([0, 1, 1, 1, 1]);
    expect(t.stopEpoch).toBe(4);
    expect(t.decisions[4]).toEqual({ stop: true, reason: 'early stopping: no improvement for 3 epochs (best at epoch 1)' });
    expect(t.state.best).toBe(0.9);
  });

  it('an improvement resets wait', () => {
    // e1, e2 wait 1, 2; e3 0.5 best (wait 0); e4, e5, e6 wait 1, 2, 3 → stop at e6, best epoch 3
    const t = drive({ patience: 3 }, [1, 1.1, 1.2, 0.5, 0.6, 0.7, 0.8, 0.9]);
    expect(t.wait).toEqual([0, 1, 2, 0, 1, 2, 3]);
    expect(t.bestEpoch).toEqual([0, 0, 0, 3, 3, 3, 3]);
    expect(t.stopEpoch).toBe(6);
  });

  it("minDelta in mode 'min': a + minDelta < best", () => {
    // minDelta 0.05, patience 2: e1 0.96 + 0.05 ≥ 1 → wait 1; e2 0.94 + 0.05 < 1 → best 0.94 (epoch 2);
    // e3 0.92 + 0.05 ≥ 0.94 → wait 1; e4 0.9 + 0.05 ≥ 0.94 → wait 2 → stop at e4
    const t = drive({ patience: 2, minDelta: 0.05 }, [1.0, 0.96, 0.94, 0.92, 0.9, 0.5]);
    expect(t.wait).toEqual([0, 1, 0, 1, 2]);
    expect(t.bestEpoch).toEqual([0, 0, 2, 2, 2]);
    expect(t.stopEpoch).toBe(4);
    // Without minDelta every one of those decreases is an improvement: no stop.
    expect(drive({ patience: 2 }, [1.0, 0.96, 0.94, 0.92, 0.9, 0.5]).stopEpoch).toBeNull();
  });

  it("minDelta in mode 'max' (accuracy): a − minDelta > best", () => {
    // minDelta 0.01, patience 2: e1 0.505 − 0.01 ≤ 0.5 → wait 1; e2 0.52 best; e3 0.525 wait 1;
    // e4 0.531 − 0.01 > 0.52 → best (epoch 4); e5 0.53 wait 1; e6 0.54 − 0.01 ≤ 0.531 → wait 2 → stop at e6
    const t = drive({ patience: 2, minDelta: 0.01 }, [0.5, 0.505, 0.52, 0.525, 0.531, 0.53, 0.54], 'max');
    expect(t.wait).toEqual([0, 1, 0, 1, 0, 1, 2]);
    expect(t.bestEpoch).toEqual([0, 0, 2, 2, 4, 4, 4]);
    expect(t.stopEpoch).toBe(6);
    expect(t.state.best).toBe(0.531);
  });

  it('patience 0 stops at the first non-improving epoch after epoch 0', () => {
    // e0 best; e1, e2 improve; e3 0.85 ≥ 0.8 → wait 1 >= 0 → stop
    const t = drive({ patience: 0 }, [1, 0.9, 0.8, 0.85, 0.7]);
    expect(t.wait).toEqual([0, 0, 0, 1]);
    expect(t.stopEpoch).toBe(3);
    // An equal value is no improvement either.
    expect(drive({ patience: 0 }, [1, 1]).stopEpoch).toBe(1);
    // Epoch 0 never stops, even when it is not an improvement (NaN): e0 wait 1, e1 best, e2 stop.
    const nan = drive({ patience: 0 }, [NaN, 1, 1]);
    expect(nan.wait).toEqual([1, 0, 1]);
    expect(nan.stopEpoch).toBe(2);
    expect(nan.bestEpoch).toEqual([-1, 1, 1]);
  });

  it('NaN is never an improvement and never becomes best', () => {
    // e1 NaN wait 1; e2 0.5 best (epoch 2); e3, e4 NaN wait 1, 2 → stop at e4
    const t = drive({ patience: 2 }, [1, NaN, 0.5, NaN, NaN]);
    expect(t.wait).toEqual([0, 1, 0, 1, 2]);
    expect(t.bestEpoch).toEqual([0, 0, 2, 2, 2]);
    expect(t.stopEpoch).toBe(4);
    expect(t.state.best).toBe(0.5);
    // NaN in mode 'max' too.
    expect(drive({ patience: 1 }, [0.5, NaN, NaN], 'max').stopEpoch).toBe(1);
  });

  it('restoreBestWeights: the weights are read only at new bests, and the stop hands back those of the best epoch', () => {
    const t = drive({ patience: 2, restoreBestWeights: true }, [1, 0.8, 0.9, 0.7, 0.75, 0.72, 0.6]);
    // e0, e1, e3 are bests; e4, e5 wait 1, 2 → stop at e5 with the weights of e3
    expect(t.weightCalls).toEqual([0, 1, 3]);
    expect(t.stopEpoch).toBe(5);
    expect(t.decisions[5].restore).toEqual(Float32Array.of(3, 3.5));
    // The best weights are JSON (base64) in the state, and survive checkEarlyStoppingState.
    const restored = checkEarlyStoppingState(JSON.parse(JSON.stringify(t.state)), 'state');
    expect(restored).toEqual(t.state);
    // Without restoreBestWeights no weights are read and nothing is handed back.
    const plain = drive({ patience: 2 }, [1, 0.8, 0.9, 0.7, 0.75, 0.72, 0.6]);
    expect(plain.weightCalls).toEqual([]);
    expect(plain.decisions[5]).toEqual({ stop: true, reason: 'early stopping: no improvement for 2 epochs (best at epoch 3)' });
    // No best ever seen (all NaN): a stop with nothing to restore.
    const none = drive({ patience: 0, restoreBestWeights: true }, [NaN, NaN]);
    expect(none.stopEpoch).toBe(1);
    expect(none.decisions[1].restore).toBeUndefined();
  });

  it('refuses bad specs with an LrlabError naming the field', () => {
    const field = (spec: unknown): string => {
      try {
        validateEarlyStopping(spec);
      } catch (e) {
        expect(e).toBeInstanceOf(LrlabError);
        return (e as LrlabError).field;
      }
      throw new Error('not refused');
    };
    expect(field({ patience: -1 })).toBe('earlyStopping.patience');
    expect(field({ minDelta: -0.1 })).toBe('earlyStopping.minDelta');
    expect(field({ restoreBestWeights: 1 })).toBe('earlyStopping.restoreBestWeights');
    expect(field({ monitor: 'val_loss' })).toBe('earlyStopping.monitor');
    expect(field({ baseline: 0.5 })).toBe('earlyStopping.baseline');
  });
});

// ---------------------------------------------------------------------------

function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length), ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return ua.every((v, i) => v === ub[i]);
}

describe('early stopping end to end (Model.fit, wasm)', () => {
  // Over-fitting: 24 training rows of noisy blobs, a wide two-hidden-layer network and Adam;
  // the validation rows are the other 376 points of the same draw.
  const all = blobs({ samples: 400, centers: 3, features: 2, clusterStd: 3, seed: 5 });
  const { train, test: val } = splitAt(all, 24);
  const config: ModelConfig = {
    seed: 3, backend: 'wasm',
    model: {
      inputs: 2,
      layers: [{ units: 128, activation: 'relu' }, { units: 128, activation: 'relu' }, { units: 3, activation: 'softmax' }],
      loss: 'categorical_crossentropy',
    },
    optimizer: { name: 'adam', lr: 0.01 },
  };
  const FIT = { epochs: 200, batchSize: 8, validationData: val } as const;

  it('restoreBestWeights: stops, restores exactly the weights of the best epoch', async () => {
    const model = await Model.create(config);
    // The policy (early stopping) runs before the user callbacks, and on the stopping epoch the callbacks are
    // not called: onEpochEnd(e) sees the weights trained through epoch e, which is what the policy saved.
    const perEpoch: Float32Array[] = [];
    const history = await model.fit(train, {
      ...FIT,
      earlyStopping: { monitor: 'valLoss', patience: 3, restoreBestWeights: true },
      callbacks: { onEpochEnd: (epoch) => { perEpoch[epoch] = model.getWeights(); } },
    });
    expect(history.status).toBe('stopped');
    const valLoss = history.valLoss!;
    const best = Math.min(...valLoss);
    const bestEpoch = valLoss.indexOf(best);
    const lastEpoch = history.epoch[history.epoch.length - 1];
    // Keras: stopped after `patience` epochs without improvement; the best is not the last epoch.
    expect(lastEpoch).toBe(bestEpoch + 3);
    expect(lastEpoch).toBeLessThan(199);
    expect(model.policy.earlyStopping!.bestEpoch).toBe(bestEpoch);
    expect(perEpoch).toHaveLength(lastEpoch); // no onEpochEnd for the stopping epoch

    const kinds = history.events.map((e) => e.kind);
    expect(kinds).toEqual(['restore', 'stop']);
    const [restore, stop] = history.events;
    expect(restore.epoch).toBe(lastEpoch);
    expect(restore.reason).toBe(`restored the weights of epoch ${bestEpoch}`);
    expect(stop.epoch).toBe(lastEpoch);
    expect(stop.reason).toBe(`early stopping: no improvement for 3 epochs (best at epoch ${bestEpoch})`);
    expect(stop.step).toBe(model.step);

    expect(sameBits(model.getWeights(), perEpoch[bestEpoch])).toBe(true);
    expect(sameBits(model.getWeights(), perEpoch[lastEpoch - 1])).toBe(false);
    expect(model.evaluate(val).loss).toBe(best);
    // The same weights as a fresh model trained for bestEpoch + 1 epochs without early stopping.
    const reference = await Model.create(config);
    await reference.fit(train, { ...FIT, epochs: bestEpoch + 1 });
    expect(sameBits(model.getWeights(), reference.getWeights())).toBe(true);
  });

  it('restoreBestWeights false keeps the last weights', async () => {
    const model = await Model.create(config);
    const history = await model.fit(train, { ...FIT, earlyStopping: { monitor: 'valLoss', patience: 3 } });
    expect(history.status).toBe('stopped');
    expect(history.events.map((e) => e.kind)).toEqual(['stop']);
    const epochs = history.epoch.length;
    expect(model.epochsTrained).toBe(epochs);
    expect(model.evaluate(val).loss).toBe(history.valLoss![epochs - 1]);
    expect(model.evaluate(val).loss).toBeGreaterThan(Math.min(...history.valLoss!));
    const reference = await Model.create(config);
    await reference.fit(train, { ...FIT, epochs });
    expect(sameBits(model.getWeights(), reference.getWeights())).toBe(true);
  });

  it("monitor defaults to valLoss with validation data; 'accuracy' watches with mode max", async () => {
    const model = await Model.create(config);
    const history = await model.fit(train, { ...FIT, earlyStopping: { patience: 3 } });
    const valLoss = history.valLoss!;
    expect(history.status).toBe('stopped');
    expect(model.policy.earlyStopping!.best).toBe(Math.min(...valLoss));
    const acc = await Model.create(config);
    const h = await acc.fit(train, { ...FIT, epochs: 60, earlyStopping: { monitor: 'valAccuracy', patience: 5 } });
    expect(acc.policy.earlyStopping!.best).toBe(Math.max(...h.valAccuracy!));
  });
});
