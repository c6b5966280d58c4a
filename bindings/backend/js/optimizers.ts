/**
 * The update rules of assembly/optimizers/, in the same f32 operations and
 * order (formulas and references in those files). Hyperparameters arrive
 * already rounded to f32, as the wasm exports receive them.
 */
import type { NormalizedOptimizer } from '../../spec.js';

const f = Math.fround;

export interface OptimizerState {
  p: Float32Array;
  g: Float32Array;
  slots: Float32Array[]; // each paramCount long
  scalars: Float64Array; // [t, Nadam μ product]
}

export function regularize(p: Float32Array, g: Float32Array, n: number, clipValue: number, clipNorm: number, l2: number): void {
  if (clipValue !== 0) for (let i = 0; i < n; i++) g[i] = Math.min(Math.max(g[i], -clipValue), clipValue);
  if (clipNorm !== 0) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += g[i] * g[i];
    const norm = Math.sqrt(sum);
    if (norm > clipNorm) {
      const scale = f(clipNorm / (norm + 1e-6));
      for (let i = 0; i < n; i++) g[i] = f(g[i] * scale);
    }
  }
  if (l2 !== 0) for (let i = 0; i < n; i++) g[i] = f(g[i] + f(l2 * p[i]));
}

/**
 * One step with lr on params [0, n), or with lr·lrScale on each range of `ranges`
 * (a layer's parameters, when any layer has an lrScale ≠ 1), as assembly/optimizers/index.ts.
 */
export function applyUpdate(o: NormalizedOptimizer, s: OptimizerState, lrIn: number, ranges?: readonly LrRange[]): void {
  const { p, g, scalars } = s;
  const n = p.length;
  const t = (scalars[0] += 1);
  regularize(p, g, n, f(o.clipValue), f(o.clipNorm), o.name === 'adamw' ? 0 : f(o.weightDecay));
  const lr = f(lrIn);
  const product = scalars[1];
  let next = product;
  if (!ranges) next = rule(o, s, lr, 0, n, t, product);
  else for (const r of ranges) next = rule(o, s, f(lr * r.scale), r.from, r.to, t, product);
  scalars[1] = next;
}

/** A layer's parameters [from, to) and its LR multiplier (f32, as the wasm core holds it). */
export interface LrRange { from: number; to: number; scale: number }

/** The update rule on params [from, to); returns Nadam's new μ product (the old one for the others). */
function rule(o: NormalizedOptimizer, s: OptimizerState, lr: number, from: number, to: number, t: number, product: number): number {
  const { p, g, slots } = s;
  const kerasEps = o.epsilonConvention === 'keras';
  const [s0, s1, s2] = slots;
  switch (o.name) {
    case 'sgd': {
      const mu = f(o.momentum);
      const keras = o.momentumConvention === 'keras';
      for (let i = from; i < to; i++) {
        if (mu !== 0 && keras) {
          // Keras: v ← μv − lr·g; p ← p + v (Nesterov: p ← p + μv − lr·g).
          const lrg = f(lr * g[i]);
          const v = f(f(mu * s0[i]) - lrg);
          s0[i] = v;
          p[i] = f(p[i] + (o.nesterov ? f(f(mu * v) - lrg) : v));
          continue;
        }
        let step = g[i];
        if (mu !== 0) {
          const v = f(f(mu * s0[i]) + g[i]);
          s0[i] = v;
          step = o.nesterov ? f(g[i] + f(mu * v)) : v;
        }
        p[i] = f(p[i] - f(lr * step));
      }
      return product;
    }
    case 'adagrad': {
      const eps = f(o.epsilon);
      for (let i = from; i < to; i++) {
        const si = f(s0[i] + f(g[i] * g[i]));
        s0[i] = si;
        const d = kerasEps ? f(Math.sqrt(f(si + eps))) : f(f(Math.sqrt(si)) + eps);
        p[i] = f(p[i] - f(lr * f(g[i] / d)));
      }
      return product;
    }
    case 'rmsprop': {
      const rho = f(o.rho), mu = f(o.momentum), eps = f(o.epsilon), keep = f(1 - rho);
      for (let i = from; i < to; i++) {
        const gi = g[i];
        const si = f(f(rho * s0[i]) + f(keep * f(gi * gi)));
        s0[i] = si;
        let d: number;
        if (o.centered) {
          const ai = f(f(rho * s2[i]) + f(keep * gi));
          s2[i] = ai;
          const centered = f(si - f(ai * ai));
          d = kerasEps ? f(Math.sqrt(f(centered + eps))) : f(f(Math.sqrt(centered)) + eps);
        } else {
          d = kerasEps ? f(Math.sqrt(f(si + eps))) : f(f(Math.sqrt(si)) + eps);
        }
        if (mu !== 0) {
          const bi = f(f(mu * s1[i]) + f(gi / d));
          s1[i] = bi;
          p[i] = f(p[i] - f(lr * bi));
        } else {
          p[i] = f(p[i] - f(lr * f(gi / d)));
        }
      }
      return product;
    }
    case 'adadelta': {
      const rho = f(o.rho), eps = f(o.epsilon), keep = f(1 - rho);
      for (let i = from; i < to; i++) {
        const gi = g[i];
        const si = f(f(rho * s0[i]) + f(keep * f(gi * gi)));
        s0[i] = si;
        const delta = f(f(f(Math.sqrt(f(s1[i] + eps))) / f(Math.sqrt(f(si + eps)))) * gi);
        s1[i] = f(f(rho * s1[i]) + f(keep * f(delta * delta)));
        p[i] = f(p[i] - f(lr * delta));
      }
      return product;
    }
    case 'adam':
    case 'adamw': {
      const b1 = f(o.beta1), b2 = f(o.beta2), eps = f(o.epsilon);
      const wd = o.name === 'adamw' ? f(o.weightDecay) : 0;
      const stepSize = f(lr / (1 - Math.pow(b1, t)));
      const correction2 = f(Math.sqrt(1 - Math.pow(b2, t)));
      const decay = f(1 - lr * wd);
      const keep1 = f(1 - b1), keep2 = f(1 - b2);
      for (let i = from; i < to; i++) {
        const gi = g[i];
        let pi = p[i];
        if (wd !== 0) pi = f(pi * decay);
        const mi = f(f(b1 * s0[i]) + f(keep1 * gi));
        let vi = f(f(b2 * s1[i]) + f(keep2 * f(gi * gi)));
        s0[i] = mi;
        s1[i] = vi;
        if (o.amsgrad) {
          vi = Math.max(s2[i], vi);
          s2[i] = vi;
        }
        const denom = kerasEps ? f(f(f(Math.sqrt(vi)) + eps) / correction2) : f(f(f(Math.sqrt(vi)) / correction2) + eps);
        p[i] = f(pi - f(stepSize * f(mi / denom)));
      }
      return product;
    }
    case 'adamax': {
      const b1 = f(o.beta1), b2 = f(o.beta2), eps = f(o.epsilon);
      const stepSize = f(lr / (1 - Math.pow(b1, t)));
      const keep1 = f(1 - b1);
      for (let i = from; i < to; i++) {
        const gi = g[i];
        const mi = f(f(b1 * s0[i]) + f(keep1 * gi));
        const ui = Math.max(f(b2 * s1[i]), f(Math.abs(gi) + eps));
        s0[i] = mi;
        s1[i] = ui;
        p[i] = f(p[i] - f(stepSize * f(mi / ui)));
      }
      return product;
    }
    case 'nadam': {
      const b1 = f(o.beta1), b2 = f(o.beta2), eps = f(o.epsilon), psi = f(o.momentumDecay);
      const mu = b1 * (1 - 0.5 * Math.pow(0.96, t * psi));
      const muNext = b1 * (1 - 0.5 * Math.pow(0.96, (t + 1) * psi));
      const next = product * mu;
      const gradCoef = f(lr * (1 - mu) / (1 - next));
      const momentumCoef = f(lr * muNext / (1 - next * muNext));
      const correction2 = f(1 - Math.pow(b2, t));
      const keep1 = f(1 - b1), keep2 = f(1 - b2);
      for (let i = from; i < to; i++) {
        const gi = g[i];
        const mi = f(f(b1 * s0[i]) + f(keep1 * gi));
        const vi = f(f(b2 * s1[i]) + f(keep2 * f(gi * gi)));
        s0[i] = mi;
        s1[i] = vi;
        const d = f(f(Math.sqrt(f(vi / correction2))) + eps);
        p[i] = f(f(p[i] - f(gradCoef * f(gi / d))) - f(momentumCoef * f(mi / d)));
      }
      return next;
    }
  }
}
