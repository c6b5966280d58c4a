// The first three updates of every optimizer, every variant and every gradient
// option, on both backends, against a reference computed here in plain f64
// from the written update rule (PyTorch's conventions, see
// assembly/optimizers/*.ts).
//
// Controlled gradients: one linear unit, one input, one row, mse:
//   ŷ = w x + b,  L = (w x + b − y)²,  e = w x + b − y
//   dL/dw = 2 e x,  dL/db = 2 e
// The reference recomputes e from its own weights before every step, so it
// follows its own trajectory. It takes the hyperparameters rounded to f32, as
// the backends receive them (1 − β2 for β2 = 0.999 is 1.3e-5 off in f32, which
// would show in Adam's v slot, though not in the weights: the bias correction
// cancels it), and computes in f64; the backends compute in f32, hence the
// relative tolerance 1e-5 instead of equality (see expectClose for the scale).
// With x = 2, y = 3 and w = b = 0:  e = −3,  g = (dL/dw, dL/db) = (−12, −6).
import { describe, expect, it } from 'vitest';
import { TRAIN } from '../bindings/backend/types.js';
import { Model, type BackendKind, type Dataset, type OptimizerName, type OptimizerSpec } from '../bindings/index.js';

const BACKENDS: BackendKind[] = ['wasm', 'js'];
const TINY = { inputs: 1, layers: [{ units: 1, activation: 'linear' as const, init: 'zeros' as const }], loss: 'mse' as const };
const X = 2, Y = 3;
const STEPS = 3;
const REL = 1e-5;

// ---------------------------------------------------------------------------
// Reference, f64.

/** Every hyperparameter, defaults filled from torch.optim's (this table is the test's own, not spec.ts's). */
interface Hyper {
  name: OptimizerName;
  lr: number; momentum: number; nesterov: boolean; rho: number; centered: boolean;
  beta1: number; beta2: number; epsilon: number; amsgrad: boolean; initialAccumulator: number;
  momentumDecay: number; weightDecay: number; clipNorm: number; clipValue: number;
}

// sgd: torch.optim.SGD defaults to 1e-3 since PyTorch 2.2 (pytorch#114467); spec.ts uses 0.01 (Keras's).
// Every sgd case below passes lr explicitly, so this entry is never used.
const TORCH_LR: Record<OptimizerName, number> = {
  sgd: 1e-3, adagrad: 0.01, rmsprop: 0.01, adadelta: 1.0, adam: 1e-3, adamw: 1e-3, adamax: 2e-3, nadam: 2e-3,
};

/** The spec with torch's defaults filled in and every number rounded to f32 (what the backends are given). */
function resolve(s: OptimizerSpec): Hyper {
  const n = s.name;
  const h: Hyper = {
    name: n,
    lr: s.lr ?? TORCH_LR[n],
    momentum: s.momentum ?? 0,
    nesterov: s.nesterov ?? false,
    rho: s.rho ?? (n === 'adadelta' ? 0.9 : 0.99), // Adadelta rho 0.9, RMSprop alpha 0.99
    centered: s.centered ?? false,
    beta1: s.beta1 ?? 0.9,
    beta2: s.beta2 ?? 0.999,
    epsilon: s.epsilon ?? (n === 'adagrad' ? 1e-10 : n === 'adadelta' ? 1e-6 : 1e-8),
    amsgrad: s.amsgrad ?? false,
    initialAccumulator: s.initialAccumulator ?? 0,
    momentumDecay: s.momentumDecay ?? 4e-3,
    weightDecay: s.weightDecay ?? (n === 'adamw' ? 1e-2 : 0),
    clipNorm: s.clipNorm ?? 0,
    clipValue: s.clipValue ?? 0,
  };
  for (const key of Object.keys(h) as (keyof Hyper)[]) {
    if (typeof h[key] === 'number') (h as unknown as Record<string, number>)[key] = Math.fround(h[key] as number);
  }
  return h;
}

/** Optimizer state laid out as the backends' slots (slot k = one array per parameter). */
interface RefState {
  t: number;
  muProduct: number; // Nadam's Π
  slots: number[][];
}

const SLOT_COUNT: Record<OptimizerName, number> = { sgd: 1, adagrad: 1, rmsprop: 3, adadelta: 2, adam: 3, adamw: 3, adamax: 2, nadam: 2 };

function initialState(h: Hyper, n: number): RefState {
  const slots = Array.from({ length: SLOT_COUNT[h.name] }, () => new Array<number>(n).fill(0));
  if (h.name === 'adagrad') slots[0].fill(h.initialAccumulator); // s₀ = initial_accumulator_value
  return { t: 0, muProduct: 1, slots };
}

/** (dL/dw, dL/db) of L = (w x + b − y)². */
function gradient(p: number[], x: number, y: number): number[] {
  const e = p[0] * x + p[1] - y;
  return [2 * e * x, 2 * e];
}

/** One update of p (in place) with gradient gIn and learning rate lr. */
function referenceStep(h: Hyper, p: number[], gIn: number[], st: RefState, lr: number): void {
  const n = p.length;
  const t = ++st.t;
  let g = gIn.slice();
  // Gradient preprocessing, in this order:
  // 1. clip by value:  g ← min(max(g, −c), c)
  if (h.clipValue !== 0) g = g.map((v) => Math.min(Math.max(v, -h.clipValue), h.clipValue));
  // 2. clip by global norm:  if ‖g‖ > c:  g ← g · c / (‖g‖ + 1e−6)   (torch.nn.utils.clip_grad_norm_)
  if (h.clipNorm !== 0) {
    const norm = Math.sqrt(g.reduce((s, v) => s + v * v, 0));
    if (norm > h.clipNorm) g = g.map((v) => v * (h.clipNorm / (norm + 1e-6)));
  }
  // 3. coupled L2 (weight_decay of every torch optimizer but AdamW):  g ← g + λ p
  if (h.weightDecay !== 0 && h.name !== 'adamw') g = g.map((v, i) => v + h.weightDecay * p[i]);

  const [s0, s1, s2] = st.slots;
  for (let i = 0; i < n; i++) {
    const gi = g[i];
    switch (h.name) {
      case 'sgd': {
        // μ > 0:  v ← μ v + g;  p ← p − lr v  (Nesterov: p ← p − lr (g + μ v));  μ = 0:  p ← p − lr g
        let step = gi;
        if (h.momentum !== 0) {
          s0[i] = h.momentum * s0[i] + gi;
          step = h.nesterov ? gi + h.momentum * s0[i] : s0[i];
        }
        p[i] -= lr * step;
        break;
      }
      case 'adagrad': {
        // s ← s + g²;  p ← p − lr g / (√s + ε)
        s0[i] += gi * gi;
        p[i] -= (lr * gi) / (Math.sqrt(s0[i]) + h.epsilon);
        break;
      }
      case 'rmsprop': {
        // s ← ρ s + (1 − ρ) g²;  centered: ḡ ← ρ ḡ + (1 − ρ) g, d = √(s − ḡ²) + ε;  else d = √s + ε
        // μ > 0:  b ← μ b + g / d,  p ← p − lr b;  else p ← p − lr g / d
        s0[i] = h.rho * s0[i] + (1 - h.rho) * gi * gi;
        let d: number;
        if (h.centered) {
          s2[i] = h.rho * s2[i] + (1 - h.rho) * gi;
          d = Math.sqrt(s0[i] - s2[i] * s2[i]) + h.epsilon;
        } else {
          d = Math.sqrt(s0[i]) + h.epsilon;
        }
        if (h.momentum !== 0) {
          s1[i] = h.momentum * s1[i] + gi / d;
          p[i] -= lr * s1[i];
        } else {
          p[i] -= (lr * gi) / d;
        }
        break;
      }
      case 'adadelta': {
        // s ← ρ s + (1 − ρ) g²;  Δ = √(u + ε) / √(s + ε) · g;  u ← ρ u + (1 − ρ) Δ²;  p ← p − lr Δ
        s0[i] = h.rho * s0[i] + (1 - h.rho) * gi * gi;
        const delta = (Math.sqrt(s1[i] + h.epsilon) / Math.sqrt(s0[i] + h.epsilon)) * gi;
        s1[i] = h.rho * s1[i] + (1 - h.rho) * delta * delta;
        p[i] -= lr * delta;
        break;
      }
      case 'adam':
      case 'adamw': {
        // AdamW: p ← p (1 − lr λ);  m ← β1 m + (1 − β1) g;  v ← β2 v + (1 − β2) g²;  amsgrad: v̂ ← max(v̂, v)
        // p ← p − lr / (1 − β1^t) · m / (√v / √(1 − β2^t) + ε)   (v̂ in place of v with amsgrad)
        if (h.name === 'adamw') p[i] *= 1 - lr * h.weightDecay;
        s0[i] = h.beta1 * s0[i] + (1 - h.beta1) * gi;
        s1[i] = h.beta2 * s1[i] + (1 - h.beta2) * gi * gi;
        let v = s1[i];
        if (h.amsgrad) v = s2[i] = Math.max(s2[i], s1[i]);
        const denom = Math.sqrt(v) / Math.sqrt(1 - h.beta2 ** t) + h.epsilon;
        p[i] -= (lr / (1 - h.beta1 ** t)) * (s0[i] / denom);
        break;
      }
      case 'adamax': {
        // m ← β1 m + (1 − β1) g;  u ← max(β2 u, |g| + ε);  p ← p − lr / (1 − β1^t) · m / u
        s0[i] = h.beta1 * s0[i] + (1 - h.beta1) * gi;
        s1[i] = Math.max(h.beta2 * s1[i], Math.abs(gi) + h.epsilon);
        p[i] -= (lr / (1 - h.beta1 ** t)) * (s0[i] / s1[i]);
        break;
      }
      case 'nadam': {
        // μ_t = β1 (1 − ½ 0.96^(t ψ)),  Π_t = Π_{t−1} μ_t (Π₀ = 1);  m, v as Adam;  d = √(v / (1 − β2^t)) + ε
        // p ← p − lr (1 − μ_t) / (1 − Π_t) · g / d − lr μ_{t+1} / (1 − Π_t μ_{t+1}) · m / d
        const mu = h.beta1 * (1 - 0.5 * 0.96 ** (t * h.momentumDecay));
        const muNext = h.beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * h.momentumDecay));
        const product = st.muProduct * mu; // committed after the loop
        s0[i] = h.beta1 * s0[i] + (1 - h.beta1) * gi;
        s1[i] = h.beta2 * s1[i] + (1 - h.beta2) * gi * gi;
        const d = Math.sqrt(s1[i] / (1 - h.beta2 ** t)) + h.epsilon;
        p[i] -= ((lr * (1 - mu)) / (1 - product)) * (gi / d) + ((lr * muNext) / (1 - product * muNext)) * (s0[i] / d);
        break;
      }
    }
  }
  if (h.name === 'nadam') st.muProduct *= h.beta1 * (1 - 0.5 * 0.96 ** (t * h.momentumDecay));
}

interface Snapshot {
  p: number[];
  slots: number[][];
  t: number;
  muProduct: number;
}

function referenceTrajectory(c: Case): Snapshot[] {
  const h = resolve(c.spec);
  const p = (c.p0 ?? [0, 0]).slice();
  const st = initialState(h, p.length);
  const out: Snapshot[] = [];
  for (let k = 0; k < STEPS; k++) {
    referenceStep(h, p, gradient(p, X, Y), st, c.lrs ? Math.fround(c.lrs[k]) : h.lr);
    out.push({ p: p.slice(), slots: st.slots.map((s) => s.slice()), t: st.t, muProduct: st.muProduct });
  }
  return out;
}

// ---------------------------------------------------------------------------
// The backends, driven through the public API: one fit epoch of one batch of one row per step.

const DATA: Dataset = {
  x: { data: Float32Array.of(X), rows: 1, cols: 1 },
  y: { data: Float32Array.of(Y), rows: 1, cols: 1 },
};

async function backendTrajectory(backend: BackendKind, c: Case): Promise<Snapshot[]> {
  const model = await Model.create({ backend, model: TINY, optimizer: c.spec, seed: 1 });
  if (c.p0) model.setWeights(Float32Array.from(c.p0));
  const out: Snapshot[] = [];
  for (let k = 0; k < STEPS; k++) {
    if (c.lrs) model.lr = c.lrs[k];
    // These hand-checked steps may raise the loss tenfold on purpose: only a non-finite loss counts as divergence here.
    const history = await model.fit(DATA, { epochs: model.epochsTrained + 1, batchSize: 1, shuffle: false, divergence: false });
    expect(history.status).toBe('completed');
    const b = model.internals;
    out.push({
      p: Array.from(model.getWeights()),
      slots: Array.from({ length: b.slotCount }, (_, s) => Array.from(b.slot(s))),
      t: b.scalars()[0],
      muProduct: b.scalars()[1],
    });
  }
  return out;
}

/**
 * |actual − expected| ≤ 1e-5 · scale, where scale is the largest magnitude the
 * quantity takes over the trajectory (for a weight, its start included). f32
 * rounding errors are relative to the operands, not to the result: a weight
 * that passes near 0 (b going −0.15 → 0.005) keeps the absolute error of the
 * values it was computed from. Weights starting at 0 have as scale their
 * cumulative update, so the updates themselves are checked to 1e-5.
 * Measured worst err/scale (both backends alike): 1.7e-7 (adadelta) for the
 * cases starting at (0, 0); 1.5e-6 for 'adam weightDecay' and 9.5e-7 for
 * 'adamw', which start where e = 0 and so compute e = w x + b − y by
 * cancellation of f32 weights near 2.
 */
function expectClose(actual: number, expected: number, scale: number, what: string): void {
  const err = Math.abs(actual - expected);
  expect(err, `${what}: got ${actual}, expected ${expected}`).toBeLessThanOrEqual(REL * scale);
}

function expectTrajectory(got: Snapshot[], want: Snapshot[], p0: number[], label: string): void {
  const pScale = p0.map((v, i) => Math.max(Math.abs(v), ...want.map((s) => Math.abs(s.p[i]))));
  const slotScale = want[0].slots.map((slot, s) => slot.map((_, i) => Math.max(...want.map((w) => Math.abs(w.slots[s][i])))));
  for (let k = 0; k < STEPS; k++) {
    expect(got[k].t, `${label} step ${k + 1}: t`).toBe(k + 1);
    got[k].p.forEach((v, i) => expectClose(v, want[k].p[i], pScale[i], `${label} step ${k + 1} ${i ? 'b' : 'w'}`));
    expect(got[k].slots.length, `${label}: slot count`).toBe(want[k].slots.length);
    want[k].slots.forEach((slot, s) => slot.forEach((v, i) => {
      expectClose(got[k].slots[s][i], v, slotScale[s][i], `${label} step ${k + 1} slot ${s}[${i}]`);
    }));
    expectClose(got[k].muProduct, want[k].muProduct, 1, `${label} step ${k + 1}: Π`);
  }
}

// ---------------------------------------------------------------------------
// The cases. `first` is the first update worked out by hand from the formula
// (x = 2, y = 3), checked against the reference to 6 digits.

interface Case {
  name: string;
  spec: OptimizerSpec;
  p0?: [number, number]; // starting (w, b); default (0, 0) from init 'zeros'
  lrs?: [number, number, number]; // lr of each step (set as model.lr before each fit)
  first: [number, number]; // (w, b) after step 1, by hand
}

const g0 = { w: -12, b: -6 }; // g at (0, 0)
// At (0.5, −0.25): e = 1 − 0.25 − 3 = −2.25, g = (−9, −4.5).  At (0.5, 2): e = 0, g = (0, 0).
const nadamMu1 = 0.9 * (1 - 0.5 * 0.96 ** 0.004); // 0.450073...
const nadamMu2 = 0.9 * (1 - 0.5 * 0.96 ** 0.008); // 0.450147...

const CASES: Case[] = [
  // p ← p − lr g:  w = 0.01·12 = 0.12,  b = 0.01·6 = 0.06
  { name: 'sgd', spec: { name: 'sgd', lr: 0.01 }, first: [0.12, 0.06] },
  // v₁ = g, so step 1 equals plain sgd: (0.12, 0.06); steps 2-3 carry 0.9 v
  { name: 'sgd momentum', spec: { name: 'sgd', lr: 0.01, momentum: 0.9 }, first: [0.12, 0.06] },
  // p ← p − lr (g + μ v₁) = p − lr·1.9 g:  w = 0.01·1.9·12 = 0.228,  b = 0.114
  { name: 'sgd nesterov', spec: { name: 'sgd', lr: 0.01, momentum: 0.9, nesterov: true }, first: [0.228, 0.114] },
  // s = g²:  p ← −lr g / (|g| + 1e−10) = 0.1 (both)
  { name: 'adagrad', spec: { name: 'adagrad', lr: 0.1 }, first: [0.1, 0.1] },
  // s = 0.5 + g²:  w = 0.1·12/√144.5 = 0.0998268,  b = 0.1·6/√36.5 = 0.0993127
  { name: 'adagrad initialAccumulator 0.5', spec: { name: 'adagrad', lr: 0.1, initialAccumulator: 0.5 }, first: [1.2 / Math.sqrt(144.5), 0.6 / Math.sqrt(36.5)] },
  // s = 0.01 g², d = 0.1|g|:  p ← −lr g/d = 0.01/0.1 = 0.1 (both)
  { name: 'rmsprop', spec: { name: 'rmsprop', lr: 0.01, rho: 0.99 }, first: [0.1, 0.1] },
  // b₁ = g/d, p ← −lr b₁: step 1 as plain rmsprop, 0.1 (both)
  { name: 'rmsprop momentum', spec: { name: 'rmsprop', lr: 0.01, momentum: 0.9 }, first: [0.1, 0.1] },
  // s − ḡ² = 0.01g² − 0.0001g² = 0.0099 g²:  p = 0.01/√0.0099 = 0.1005038 (both)
  { name: 'rmsprop centered', spec: { name: 'rmsprop', lr: 0.01, centered: true }, first: [0.01 / Math.sqrt(0.0099), 0.01 / Math.sqrt(0.0099)] },
  { name: 'rmsprop centered momentum', spec: { name: 'rmsprop', lr: 0.01, centered: true, momentum: 0.5 }, first: [0.01 / Math.sqrt(0.0099), 0.01 / Math.sqrt(0.0099)] },
  // s = 0.1 g², Δ = √1e−6 / √(0.1g² + 1e−6) · g:  w = 0.001·12/√14.400001 = 0.00316228,  b = 0.006/√3.600001 = 0.00316228
  { name: 'adadelta', spec: { name: 'adadelta', lr: 1, rho: 0.9, epsilon: 1e-6 }, first: [0.012 / Math.sqrt(14.400001), 0.006 / Math.sqrt(3.600001)] },
  // m̂ = g, v̂ = g²:  p ← −lr g/(|g| + ε) = 0.01 (both)
  { name: 'adam', spec: { name: 'adam', lr: 0.01 }, first: [0.01, 0.01] },
  // β2 = 0.3 and lr 0.75 so that the gradient shrinks ((−12,−6) → (−3,−1.5)) and v falls below v̂ at step 2:
  // step 1 as adam, lr·sign = 0.75 (both)
  { name: 'adam amsgrad', spec: { name: 'adam', lr: 0.75, beta2: 0.3, amsgrad: true }, first: [0.75, 0.75] },
  // from (0.5, 2), g = 0: m = 0, so only the decay moves p:  p ← p (1 − lr λ) = (0.5·0.9, 2·0.9) = (0.45, 1.8)
  { name: 'adamw', spec: { name: 'adamw', lr: 0.1, weightDecay: 1 }, p0: [0.5, 2], first: [0.45, 1.8] },
  { name: 'adamw amsgrad', spec: { name: 'adamw', lr: 0.75, beta2: 0.3, amsgrad: true, weightDecay: 0.1 }, first: [0.75, 0.75] },
  // m = 0.1g, u = |g| + ε:  p ← −(lr/0.1)·0.1 g/|g| = 0.01 (both)
  { name: 'adamax', spec: { name: 'adamax', lr: 0.01 }, first: [0.01, 0.01] },
  // m = 0.1 g, v = 0.001 g², d = |g|:  p = lr + lr μ₂/(1 − μ₁μ₂)·0.1 = 0.01 + 0.01·0.0450147/0.797401 = 0.0105645 (both)
  { name: 'nadam', spec: { name: 'nadam', lr: 0.01 }, first: Array(2).fill(0.01 + (0.01 * nadamMu2 * 0.1) / (1 - nadamMu1 * nadamMu2)) as [number, number] },

  // Gradient options.
  // L2 from (0.5, −0.25): g + λp = (−9 + 0.05, −4.5 − 0.025):  p = (0.5 + 0.0895, −0.25 + 0.04525) = (0.5895, −0.20475)
  { name: 'sgd weightDecay (L2)', spec: { name: 'sgd', lr: 0.01, weightDecay: 0.1 }, p0: [0.5, -0.25], first: [0.5895, -0.20475] },
  // L2 from (0.5, 2), g = 0: g + λp = (0.05, 0.2), Adam moves by −lr sign:  (0.4, 1.9)  (AdamW, decoupled, would give (0.495, 1.98))
  { name: 'adam weightDecay (L2, coupled)', spec: { name: 'adam', lr: 0.1, weightDecay: 0.1 }, p0: [0.5, 2], first: [0.4, 1.9] },
  // L2 from (0.5, −0.25): g + 0.5 p = (−8.75, −4.625);  rmsprop's first step is lr·sign/√0.01 = 0.1:  (0.6, −0.15)
  { name: 'rmsprop weightDecay (L2)', spec: { name: 'rmsprop', lr: 0.01, weightDecay: 0.5, momentum: 0.9 }, p0: [0.5, -0.25], first: [0.6, -0.15] },
  // clip by value 8: g = (−12, −6) → (−8, −6):  p = (0.08, 0.06)
  { name: 'sgd clipValue', spec: { name: 'sgd', lr: 0.01, clipValue: 8 }, first: [0.08, 0.06] },
  // ‖g‖ = √180 = 13.41641 > 1:  g ← g/(‖g‖ + 1e−6) = (−0.894427, −0.447214):  p = 0.1·(0.894427, 0.447214)
  { name: 'sgd clipNorm', spec: { name: 'sgd', lr: 0.1, clipNorm: 1 }, first: [1.2 / (Math.sqrt(180) + 1e-6), 0.6 / (Math.sqrt(180) + 1e-6)] },
  // ‖g‖ = 13.4 < 100: no clipping, as plain sgd
  { name: 'sgd clipNorm above the norm', spec: { name: 'sgd', lr: 0.01, clipNorm: 100 }, first: [0.12, 0.06] },
  // the order clip value → clip norm → L2, from (0.5, −0.25), g = (−9, −4.5):
  //   clip 8: (−8, −4.5);  ‖·‖ = √84.25 = 9.178780 > 5: ×5/(9.178780 + 1e−6) = (−4.357877, −2.451306);  + 0.1 p: (−4.307877, −2.476306)
  //   p = (0.5 + 0.04307877, −0.25 + 0.02476306)
  { name: 'sgd momentum clipValue + clipNorm + weightDecay', spec: { name: 'sgd', lr: 0.01, momentum: 0.9, clipValue: 8, clipNorm: 5, weightDecay: 0.1 }, p0: [0.5, -0.25],
    first: [0.5 + 0.01 * (8 * 5 / (Math.sqrt(84.25) + 1e-6) - 0.05), -0.25 + 0.01 * (4.5 * 5 / (Math.sqrt(84.25) + 1e-6) + 0.025)] },
  { name: 'adam clipValue + clipNorm', spec: { name: 'adam', lr: 0.01, clipValue: 8, clipNorm: 5 }, first: [0.01, 0.01] },

  // The learning rate changes between steps, with momentum (PyTorch: lr multiplies v at update time).
  // Step 1 (lr 0.1): v₁ = g, p = (1.2, 0.6), which zeroes e; step 2 (g = 0): v₂ = 0.9 v₁, p ← p − 0.02·v₂
  // (Keras's v ← μv − lr g would give p − 0.9·0.1·v₁ instead).
  { name: 'sgd momentum, lr changing 0.1 → 0.02 → 0.3', spec: { name: 'sgd', lr: 0.1, momentum: 0.9 }, lrs: [0.1, 0.02, 0.3], first: [1.2, 0.6] },
  // lr 0 at step 2: p stays, the velocity still accumulates
  { name: 'sgd momentum, lr 0.05 → 0 → 0.05', spec: { name: 'sgd', lr: 0.05, momentum: 0.9 }, lrs: [0.05, 0, 0.05], first: [0.6, 0.3] },
  { name: 'sgd nesterov, lr changing 0.01 → 0.03 → 0.005', spec: { name: 'sgd', lr: 0.01, momentum: 0.9, nesterov: true }, lrs: [0.01, 0.03, 0.005], first: [0.228, 0.114] },

  // A hyperparameter given as 0 means 0.
  { name: 'sgd momentum 0', spec: { name: 'sgd', lr: 0.01, momentum: 0 }, first: [0.12, 0.06] },
  // β1 = 0: m = g and 1 − β1^t = 1, so p ← p − lr g / (√v̂ + ε): lr·sign at step 1 (0.01, both), no momentum after
  { name: 'adam beta1 0', spec: { name: 'adam', lr: 0.01, beta1: 0 }, first: [0.01, 0.01] },
  // ρ = 0: s = g², p ← p − lr g/(|g| + ε) at every step
  { name: 'rmsprop rho 0', spec: { name: 'rmsprop', lr: 0.01, rho: 0 }, first: [0.01, 0.01] },
  // ψ = 0: μ_t = 0.45 for all t
  { name: 'nadam momentumDecay 0', spec: { name: 'nadam', lr: 0.01, momentumDecay: 0 }, first: Array(2).fill(0.01 + (0.01 * 0.45 * 0.1) / (1 - 0.45 * 0.45)) as [number, number] },
  { name: 'adamw weightDecay 0', spec: { name: 'adamw', lr: 0.01, weightDecay: 0 }, p0: [0.5, -0.25], first: [0.51, -0.24] },
  { name: 'sgd weightDecay 0, clipValue 0, clipNorm 0', spec: { name: 'sgd', lr: 0.01, weightDecay: 0, clipValue: 0, clipNorm: 0 }, first: [0.12, 0.06] },
];

describe('the reference agrees with the hand-computed first steps', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const [w1, b1] = referenceTrajectory(c)[0].p;
    expect(w1).toBeCloseTo(c.first[0], 6);
    expect(b1).toBeCloseTo(c.first[1], 6);
  });

  it('the gradient at (0, 0) is (−12, −6)', () => {
    expect(gradient([0, 0], X, Y)).toEqual([g0.w, g0.b]);
  });
});

describe.each(BACKENDS)('first three updates on %s', (backend) => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const got = await backendTrajectory(backend, c);
    expectTrajectory(got, referenceTrajectory(c), c.p0 ?? [0, 0], `${backend} ${c.name}`);
  });
});

/** Runs a case on a backend and returns its weights after each step as bit patterns. */
async function bits(backend: BackendKind, c: Omit<Case, 'first'>): Promise<number[][]> {
  return (await backendTrajectory(backend, { ...c, first: [0, 0] })).map((s) => Array.from(new Uint32Array(Float32Array.from(s.p).buffer)));
}

describe.each(BACKENDS)('options given as 0 on %s', (backend) => {
  it('momentum 0 is plain SGD, bit for bit', async () => {
    expect(await bits(backend, { name: 'm0', spec: { name: 'sgd', lr: 0.01, momentum: 0 } }))
      .toEqual(await bits(backend, { name: 'plain', spec: { name: 'sgd', lr: 0.01 } }));
  });

  it('adamw with weightDecay 0 is adam, bit for bit; the default (0.01) is not', async () => {
    const p0: [number, number] = [0.5, -0.25];
    const adam = await bits(backend, { name: 'adam', spec: { name: 'adam', lr: 0.01 }, p0 });
    expect(await bits(backend, { name: 'adamw0', spec: { name: 'adamw', lr: 0.01, weightDecay: 0 }, p0 })).toEqual(adam);
    expect(await bits(backend, { name: 'adamw', spec: { name: 'adamw', lr: 0.01 }, p0 })).not.toEqual(adam);
  });

  it('clipValue, clipNorm and weightDecay 0 are the defaults (off), bit for bit', async () => {
    const spec: OptimizerSpec = { name: 'rmsprop', lr: 0.01, momentum: 0.9 };
    expect(await bits(backend, { name: 'zeros', spec: { ...spec, clipValue: 0, clipNorm: 0, weightDecay: 0 }, p0: [0.5, -0.25] }))
      .toEqual(await bits(backend, { name: 'plain', spec, p0: [0.5, -0.25] }));
  });

  it('lr 0 leaves the weights where they are', async () => {
    const got = await backendTrajectory(backend, { name: 'lr0', spec: { name: 'adam', lr: 0 }, p0: [0.5, -0.25], first: [0, 0] });
    for (const s of got) expect(s.p).toEqual([0.5, -0.25]);
  });
});

describe('the cases exercise what they claim (reference)', () => {
  it('amsgrad: v̂ > v after step 2, so the trajectory differs from plain adam', () => {
    const c = CASES.find((k) => k.name === 'adam amsgrad')!;
    const s = referenceTrajectory(c)[1];
    for (let i = 0; i < 2; i++) expect(s.slots[2][i]).toBeGreaterThan(s.slots[1][i] * 1.5);
    const plain = referenceTrajectory({ ...c, spec: { ...c.spec, amsgrad: false } });
    expect(Math.abs(plain[2].p[0] - referenceTrajectory(c)[2].p[0])).toBeGreaterThan(1e-2);
  });

  it('lr change with momentum: PyTorch and Keras conventions give different step-2 weights', () => {
    const c = CASES.find((k) => k.name.startsWith('sgd momentum, lr changing'))!;
    const [s1, s2] = referenceTrajectory(c);
    // Keras: velocity carries lr₁: p₂ = p₁ + μ(−lr₁ g₁) − lr₂ g₂ with g₂ ≈ 0;  PyTorch: p₂ = p₁ − lr₂ μ g₁
    const keras = s1.p[0] - 0.9 * 0.1 * g0.w;
    const torch = s1.p[0] - 0.02 * 0.9 * g0.w;
    expect(s2.p[0]).toBeCloseTo(torch, 6);
    expect(Math.abs(s2.p[0] - keras)).toBeGreaterThan(0.5);
  });

  it('the combined clip case clips by value, then by norm, and adds L2 last', () => {
    const c = CASES.find((k) => k.name.includes('clipValue + clipNorm + weightDecay'))!;
    // L2 first would give g = (−8.95, −4.525) → clipped (−8, −4.525) → … a different first step.
    const l2First = [-8.95, -4.525].map((v) => Math.min(Math.max(v, -8), 8));
    const n = Math.hypot(...l2First);
    const wrong = 0.5 - 0.01 * l2First[0] * (5 / (n + 1e-6));
    expect(Math.abs(referenceTrajectory(c)[0].p[0] - wrong)).toBeGreaterThan(1e-4);
  });
});

describe.each(BACKENDS)('the gradient the optimizer sees, through model.internals, on %s', (backend) => {
  it('computeGradients gives the closed form (dL/dw, dL/db) = (2ex, 2e)', async () => {
    const model = await Model.create({ backend, model: TINY, optimizer: { name: 'sgd' } });
    const b = model.internals;
    b.setData(TRAIN, DATA.x.data, DATA.y.data, 1);
    expect(b.computeGradients(TRAIN, 0, 1)).toBe(9); // L = e² = 9
    expect(Array.from(b.grads())).toEqual([g0.w, g0.b]);
    model.setWeights(Float32Array.of(0.5, -0.25)); // e = −2.25
    b.computeGradients(TRAIN, 0, 1);
    expect(Array.from(b.grads())).toEqual([-9, -4.5]);
  });

  it('after a step, grads hold the gradient clipped by value, then by norm, plus L2', async () => {
    const model = await Model.create({
      backend, model: TINY, optimizer: { name: 'sgd', lr: 0.01, clipValue: 8, clipNorm: 5, weightDecay: 0.1 },
    });
    const b = model.internals;
    model.setWeights(Float32Array.of(0.5, -0.25));
    b.setData(TRAIN, DATA.x.data, DATA.y.data, 1);
    b.beginEpoch(0, 0, false);
    b.trainBatch(0, 1, 0.01);
    // g = (−9, −4.5) → clip 8: (−8, −4.5) → ×5/(√84.25 + 1e−6) → + 0.1·(0.5, −0.25) = (−4.307877, −2.476306)
    const scale = 5 / (Math.sqrt(84.25) + 1e-6);
    const want = [-8 * scale + 0.05, -4.5 * scale - 0.025];
    b.grads().forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-5 * Math.abs(want[i])));
  });
});
