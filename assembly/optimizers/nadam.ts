// Nadam (Dozat 2016) with the momentum schedule of torch.optim.NAdam:
//   μ_t = β1 (1 − ½ · 0.96^(t ψ)),  μ_{t+1} likewise,  Π ← Π · μ_t  (Π starts at 1, kept in scalars)
//   m ← β1 m + (1 − β1) g
//   v ← β2 v + (1 − β2) g²
//   d = √(v / (1 − β2^t)) + ε
//   p ← p − lr (1 − μ_t) / (1 − Π) · g / d − lr μ_{t+1} / (1 − Π μ_{t+1}) · m / d
// Slots: 0 m, 1 v. Returns the new Π.
export function nadamStep(p: usize, g: usize, m: usize, v: usize, n: i32, lr: f32,
                          b1: f32, b2: f32, eps: f32, psi: f32, t: f64, muProduct: f64): f64 {
  const mu = <f64>b1 * (1.0 - 0.5 * Math.pow(0.96, t * <f64>psi));
  const muNext = <f64>b1 * (1.0 - 0.5 * Math.pow(0.96, (t + 1.0) * <f64>psi));
  const product = muProduct * mu;
  const gradCoef = f32x4.splat(<f32>(<f64>lr * (1.0 - mu) / (1.0 - product)));
  const momentumCoef = f32x4.splat(<f32>(<f64>lr * muNext / (1.0 - product * muNext)));
  const correction2 = f32x4.splat(<f32>(1.0 - Math.pow(<f64>b2, t)));
  const vb1 = f32x4.splat(b1), vb2 = f32x4.splat(b2), keep1 = f32x4.splat(1 - b1), keep2 = f32x4.splat(1 - b2);
  const veps = f32x4.splat(eps);
  for (let o: usize = 0; o < (<usize>n << 2); o += 16) {
    const gi = v128.load(g + o);
    const mi = f32x4.add(f32x4.mul(vb1, v128.load(m + o)), f32x4.mul(keep1, gi));
    const vi = f32x4.add(f32x4.mul(vb2, v128.load(v + o)), f32x4.mul(keep2, f32x4.mul(gi, gi)));
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    const d = f32x4.add(f32x4.sqrt(f32x4.div(vi, correction2)), veps);
    const step = f32x4.sub(v128.load(p + o), f32x4.mul(gradCoef, f32x4.div(gi, d)));
    v128.store(p + o, f32x4.sub(step, f32x4.mul(momentumCoef, f32x4.div(mi, d))));
  }
  return product;
}
