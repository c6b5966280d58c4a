// AdaDelta (Zeiler 2012), as torch.optim.Adadelta (lr scales the step; 1.0 is the paper):
//   s ← ρ s + (1 − ρ) g²
//   Δ = √(u + ε) / √(s + ε) · g
//   u ← ρ u + (1 − ρ) Δ²
//   p ← p − lr Δ
// Slots: 0 s, 1 u.
export function adadeltaStep(p: usize, g: usize, s: usize, u: usize, n: i32, lr: f32, rho: f32, eps: f32): void {
  const keep: f32 = 1 - rho;
  for (let i: usize = 0; i < <usize>n; i++) {
    const o = i << 2;
    const gi = load<f32>(g + o);
    const si = rho * load<f32>(s + o) + keep * (gi * gi);
    store<f32>(s + o, si);
    const delta = (Mathf.sqrt(load<f32>(u + o) + eps) / Mathf.sqrt(si + eps)) * gi;
    store<f32>(u + o, rho * load<f32>(u + o) + keep * (delta * delta));
    store<f32>(p + o, load<f32>(p + o) - lr * delta);
  }
}
