// Nadam (Dozat 2016) with the momentum schedule of torch.optim.NAdam:
//   μ_t = β1 (1 − ½ · 0.96^(t ψ)),  μ_{t+1} likewise,  Π ← Π · μ_t  (Π starts at 1, kept in scalars)
//   m ← β1 m + (1 − β1) g
//   v ← β2 v + (1 − β2) g²
//   d = √(v / (1 − β2^t)) + ε
//   p ← p − lr (1 − μ_t) / (1 − Π) · g / d − lr μ_{t+1} / (1 − Π μ_{t+1}) · m / d
// Slots: 0 m, 1 v. Returns the new Π.
import { pinSplat } from './lanes';

export function nadamStep(p: usize, g: usize, m: usize, v: usize, n: i32, lr: f32,
                          b1: f32, b2: f32, eps: f32, psi: f32, t: f64, muProduct: f64): f64 {
  const mu = <f64>b1 * (1.0 - 0.5 * Math.pow(0.96, t * <f64>psi));
  const muNext = <f64>b1 * (1.0 - 0.5 * Math.pow(0.96, (t + 1.0) * <f64>psi));
  const product = muProduct * mu;
  const gradCoef = pinSplat(0, <f32>(<f64>lr * (1.0 - mu) / (1.0 - product)));
  const momentumCoef = pinSplat(1, <f32>(<f64>lr * muNext / (1.0 - product * muNext)));
  const correction2 = pinSplat(2, <f32>(1.0 - Math.pow(<f64>b2, t)));
  const vb1 = pinSplat(3, b1), vb2 = pinSplat(4, b2), keep1 = pinSplat(5, 1 - b1), keep2 = pinSplat(6, 1 - b2);
  const veps = pinSplat(7, eps);
  const end = <usize>n << 2;
  let o: usize = 0;
  for (; o + 64 <= end; o += 64) {
    nadamLanes(o, p, g, m, v, gradCoef, momentumCoef, correction2, vb1, vb2, keep1, keep2, veps);
    nadamLanes(o + 16, p, g, m, v, gradCoef, momentumCoef, correction2, vb1, vb2, keep1, keep2, veps);
    nadamLanes(o + 32, p, g, m, v, gradCoef, momentumCoef, correction2, vb1, vb2, keep1, keep2, veps);
    nadamLanes(o + 48, p, g, m, v, gradCoef, momentumCoef, correction2, vb1, vb2, keep1, keep2, veps);
  }
  for (; o < end; o += 16) nadamLanes(o, p, g, m, v, gradCoef, momentumCoef, correction2, vb1, vb2, keep1, keep2, veps);
  return product;
}

@inline
function nadamLanes(o: usize, p: usize, g: usize, m: usize, v: usize, gradCoef: v128, momentumCoef: v128, correction2: v128,
                    vb1: v128, vb2: v128, keep1: v128, keep2: v128, veps: v128): void {
  const gi = v128.load(g + o);
  const mi = f32x4.add(f32x4.mul(vb1, v128.load(m + o)), f32x4.mul(keep1, gi));
  const vi = f32x4.add(f32x4.mul(vb2, v128.load(v + o)), f32x4.mul(keep2, f32x4.mul(gi, gi)));
  v128.store(m + o, mi);
  v128.store(v + o, vi);
  const d = f32x4.add(f32x4.sqrt(f32x4.div(vi, correction2)), veps);
  const step = f32x4.sub(v128.load(p + o), f32x4.mul(gradCoef, f32x4.div(gi, d)));
  v128.store(p + o, f32x4.sub(step, f32x4.mul(momentumCoef, f32x4.div(mi, d))));
}
