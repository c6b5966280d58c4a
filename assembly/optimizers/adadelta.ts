// AdaDelta (Zeiler 2012), as torch.optim.Adadelta (lr scales the step; 1.0 is the paper):
//   s ← ρ s + (1 − ρ) g²
//   Δ = √(u + ε) / √(s + ε) · g
//   u ← ρ u + (1 − ρ) Δ²
//   p ← p − lr Δ
// Slots: 0 s, 1 u.
export function adadeltaStep(p: usize, g: usize, s: usize, u: usize, n: i32, lr: f32, rho: f32, eps: f32): void {
  const vlr = f32x4.splat(lr), vrho = f32x4.splat(rho), keep = f32x4.splat(1 - rho), veps = f32x4.splat(eps);
  for (let o: usize = 0; o < (<usize>n << 2); o += 16) {
    const gi = v128.load(g + o);
    const si = f32x4.add(f32x4.mul(vrho, v128.load(s + o)), f32x4.mul(keep, f32x4.mul(gi, gi)));
    v128.store(s + o, si);
    const ui = v128.load(u + o);
    const delta = f32x4.mul(f32x4.div(f32x4.sqrt(f32x4.add(ui, veps)), f32x4.sqrt(f32x4.add(si, veps))), gi);
    v128.store(u + o, f32x4.add(f32x4.mul(vrho, ui), f32x4.mul(keep, f32x4.mul(delta, delta))));
    v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.mul(vlr, delta)));
  }
}
