// Adam (Kingma & Ba 2015) with AMSGrad (Reddi et al. 2018) as a flag, and
// AdamW (Loshchilov & Hutter 2019) as decoupled decay, as torch.optim.Adam/AdamW:
//   AdamW only: p ← p (1 − lr λ)
//   m ← β1 m + (1 − β1) g
//   v ← β2 v + (1 − β2) g²
//   amsgrad: v̂ ← max(v̂, v), use v̂ below instead of v
//   p ← p − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε)
// The bias corrections are computed in f64 once per step.
// Slots: 0 m, 1 v, 2 v̂.
export function adamStep(p: usize, g: usize, m: usize, v: usize, vMax: usize, n: i32, lr: f32,
                         b1: f32, b2: f32, eps: f32, t: f64, amsgrad: bool, decoupledDecay: f32): void {
  const stepSize = <f32>(<f64>lr / (1.0 - Math.pow(<f64>b1, t)));
  const correction2 = <f32>Math.sqrt(1.0 - Math.pow(<f64>b2, t));
  const decay = <f32>(1.0 - <f64>lr * <f64>decoupledDecay);
  const keep1: f32 = 1 - b1;
  const keep2: f32 = 1 - b2;
  for (let i: usize = 0; i < <usize>n; i++) {
    const o = i << 2;
    const gi = load<f32>(g + o);
    let pi = load<f32>(p + o);
    if (decoupledDecay != 0) pi = pi * decay;
    const mi = b1 * load<f32>(m + o) + keep1 * gi;
    let vi = b2 * load<f32>(v + o) + keep2 * (gi * gi);
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    if (amsgrad) {
      vi = Mathf.max(load<f32>(vMax + o), vi);
      store<f32>(vMax + o, vi);
    }
    const denom = Mathf.sqrt(vi) / correction2 + eps;
    store<f32>(p + o, pi - stepSize * (mi / denom));
  }
}
