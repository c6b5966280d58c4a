// Adamax (Kingma & Ba 2015, section 7.1), as torch.optim.Adamax:
//   m ← β1 m + (1 − β1) g
//   u ← max(β2 u, |g| + ε)
//   p ← p − (lr / (1 − β1^t)) · m / u
// Slots: 0 m, 1 u.
export function adamaxStep(p: usize, g: usize, m: usize, u: usize, n: i32, lr: f32, b1: f32, b2: f32, eps: f32, t: f64): void {
  const stepSize = <f32>(<f64>lr / (1.0 - Math.pow(<f64>b1, t)));
  const keep1: f32 = 1 - b1;
  for (let i: usize = 0; i < <usize>n; i++) {
    const o = i << 2;
    const gi = load<f32>(g + o);
    const mi = b1 * load<f32>(m + o) + keep1 * gi;
    const ui = Mathf.max(b2 * load<f32>(u + o), Mathf.abs(gi) + eps);
    store<f32>(m + o, mi);
    store<f32>(u + o, ui);
    store<f32>(p + o, load<f32>(p + o) - stepSize * (mi / ui));
  }
}
