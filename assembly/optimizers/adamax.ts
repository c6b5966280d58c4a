// Adamax (Kingma & Ba 2015, section 7.1), as torch.optim.Adamax:
//   m ← β1 m + (1 − β1) g
//   u ← max(β2 u, |g| + ε)
//   p ← p − (lr / (1 − β1^t)) · m / u
// Slots: 0 m, 1 u.
export function adamaxStep(p: usize, g: usize, m: usize, u: usize, n: i32, lr: f32, b1: f32, b2: f32, eps: f32, t: f64): void {
  const stepSize = f32x4.splat(<f32>(<f64>lr / (1.0 - Math.pow(<f64>b1, t))));
  const vb1 = f32x4.splat(b1), vb2 = f32x4.splat(b2), keep1 = f32x4.splat(1 - b1), veps = f32x4.splat(eps);
  for (let o: usize = 0; o < (<usize>n << 2); o += 16) {
    const gi = v128.load(g + o);
    const mi = f32x4.add(f32x4.mul(vb1, v128.load(m + o)), f32x4.mul(keep1, gi));
    const ui = f32x4.max(f32x4.mul(vb2, v128.load(u + o)), f32x4.add(f32x4.abs(gi), veps));
    v128.store(m + o, mi);
    v128.store(u + o, ui);
    v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.mul(stepSize, f32x4.div(mi, ui))));
  }
}
