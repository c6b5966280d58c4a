// RMSProp (Hinton, Coursera lecture 6e), as torch.optim.RMSprop:
//   s ← ρ s + (1 − ρ) g²
//   centered: ḡ ← ρ ḡ + (1 − ρ) g,  d = √(s − ḡ²) + ε;   else d = √s + ε
//   μ > 0:  b ← μ b + g / d,  p ← p − lr b;               else p ← p − lr g / d
// Slots: 0 s, 1 b, 2 ḡ.
export function rmspropStep(p: usize, g: usize, s: usize, b: usize, gAvg: usize, n: i32, lr: f32,
                            rho: f32, momentum: f32, eps: f32, centered: bool): void {
  const keep: f32 = 1 - rho;
  for (let i: usize = 0; i < <usize>n; i++) {
    const o = i << 2;
    const gi = load<f32>(g + o);
    const si = rho * load<f32>(s + o) + keep * (gi * gi);
    store<f32>(s + o, si);
    let d: f32;
    if (centered) {
      const ai = rho * load<f32>(gAvg + o) + keep * gi;
      store<f32>(gAvg + o, ai);
      d = Mathf.sqrt(si - ai * ai) + eps;
    } else {
      d = Mathf.sqrt(si) + eps;
    }
    if (momentum != 0) {
      const bi = momentum * load<f32>(b + o) + gi / d;
      store<f32>(b + o, bi);
      store<f32>(p + o, load<f32>(p + o) - lr * bi);
    } else {
      store<f32>(p + o, load<f32>(p + o) - lr * (gi / d));
    }
  }
}
