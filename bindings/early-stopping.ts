/**
 * Early stopping with the semantics of keras.callbacks.EarlyStopping:
 *   each epoch: wait += 1; if a + minDelta < best (mode min; a − minDelta > best for max):
 *   best = a, remember the weights if restoring, wait = 0;
 *   else if wait >= patience (and epoch > 0): stop, and restore the best weights if asked.
 * Its state is JSON (best weights as base64 when restoring) and goes into checkpoints.
 */
import { LrlabError } from './errors.js';
import type { Mode, Monitor } from './plateau.js';
import { MONITORS } from './plateau.js';
import { checkBoolean, checkChoice, checkKeys, checkNumber, checkObject, numberOr } from './validate.js';

export interface EarlyStoppingSpec {
  monitor?: Monitor; // default: valLoss when there is validation data, else loss
  mode?: Mode; // default: max for accuracies, min otherwise
  patience?: number; // 0, as Keras
  minDelta?: number; // 0
  restoreBestWeights?: boolean; // false
}

export type NormalizedEarlyStopping = Required<Pick<EarlyStoppingSpec, 'patience' | 'minDelta' | 'restoreBestWeights'>> &
  Pick<EarlyStoppingSpec, 'monitor' | 'mode'>;

export interface EarlyStoppingState {
  best: number | null;
  bestEpoch: number;
  wait: number;
  bestWeights?: string; // base64 of the f32 weights at the best epoch
}

export function validateEarlyStopping(spec: unknown, field = 'earlyStopping'): NormalizedEarlyStopping {
  const o = checkObject(field, spec);
  checkKeys(field, o, ['monitor', 'mode', 'patience', 'minDelta', 'restoreBestWeights']);
  const out: NormalizedEarlyStopping = {
    patience: numberOr(`${field}.patience`, o.patience, 0, { min: 0, integer: true }),
    minDelta: numberOr(`${field}.minDelta`, o.minDelta, 0, { min: 0 }),
    restoreBestWeights: checkBoolean(`${field}.restoreBestWeights`, o.restoreBestWeights, false),
  };
  if (o.monitor !== undefined) out.monitor = checkChoice(`${field}.monitor`, o.monitor, MONITORS);
  if (o.mode !== undefined) out.mode = checkChoice(`${field}.mode`, o.mode, ['min', 'max'] as const);
  return out;
}

export function initialEarlyStoppingState(): EarlyStoppingState {
  return { best: null, bestEpoch: -1, wait: 0 };
}

export function checkEarlyStoppingState(value: unknown, field: string): EarlyStoppingState {
  const o = checkObject(field, value);
  checkKeys(field, o, ['best', 'bestEpoch', 'wait', 'bestWeights']);
  if (o.best !== null && typeof o.best !== 'number') throw new LrlabError('CORRUPT_FILE', `${field}.best`, o.best, 'must be a number or null');
  if (o.bestWeights !== undefined && typeof o.bestWeights !== 'string') throw new LrlabError('CORRUPT_FILE', `${field}.bestWeights`, o.bestWeights, 'must be base64 text');
  const state: EarlyStoppingState = {
    best: o.best as number | null,
    bestEpoch: checkNumber(`${field}.bestEpoch`, o.bestEpoch, { min: -1, integer: true }),
    wait: checkNumber(`${field}.wait`, o.wait, { min: 0, integer: true }),
  };
  if (o.bestWeights !== undefined) state.bestWeights = o.bestWeights as string;
  return state;
}

export interface EarlyStoppingDecision {
  stop: boolean;
  /** Weights to restore when stopping (restoreBestWeights and a best epoch seen). */
  restore?: Float32Array;
  reason?: string;
}

/** One epoch: updates `state`; `weights()` is called only when the epoch is the new best and weights are kept. */
export function earlyStoppingStep(spec: NormalizedEarlyStopping, mode: Mode, state: EarlyStoppingState, metric: number,
  epoch: number, weights: () => Float32Array): EarlyStoppingDecision {
  state.wait++;
  const best = state.best;
  const improved = !Number.isNaN(metric) &&
    (best === null || (mode === 'min' ? metric + spec.minDelta < best : metric - spec.minDelta > best));
  if (improved) {
    state.best = metric;
    state.bestEpoch = epoch;
    state.wait = 0;
    if (spec.restoreBestWeights) state.bestWeights = toBase64(weights());
    return { stop: false };
  }
  if (state.wait >= spec.patience && epoch > 0) {
    const decision: EarlyStoppingDecision = { stop: true, reason: `early stopping: no improvement for ${state.wait} epochs (best at epoch ${state.bestEpoch})` };
    if (spec.restoreBestWeights && state.bestWeights) decision.restore = fromBase64(state.bestWeights);
    return decision;
  }
  return { stop: false };
}

function toBase64(values: Float32Array): string {
  const bytes = new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

function fromBase64(text: string): Float32Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}
