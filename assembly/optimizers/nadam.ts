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
  const gradCoef = <f32>(<f64>lr * (1.0 - mu) / (1.0 - product));
  const momentumCoef = <f32>(<f64>lr * muNext / (1.0 - product * muNext));
  const correction2 = <f32>(1.0 - Math.pow(<f64>b2, t));
  const keep1: f32 = 1 - b1;
  const keep2: f32 = 1 - b2;
  for (let i: usize = 0; i < <usize>n; i++) {
    const o = i << 2;
    const gi = load<f32>(g + o);
    const mi = b1 * load<f32>(m + o) + keep1 * gi;
    const vi = b2 * load<f32>(v + o) + keep2 * (gi * gi);
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    const d = Mathf.sqrt(vi / correction2) + eps;
    store<f32>(p + o, load<f32>(p + o) - gradCoef * (gi / d) - momentumCoef * (mi / d));
  }
  return product;
}
