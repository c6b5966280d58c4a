// RMSProp (Hinton, Coursera lecture 6e), as torch.optim.RMSprop:
//   s ← ρ s + (1 − ρ) g²
//   centered: ḡ ← ρ ḡ + (1 − ρ) g,  d = √(s − ḡ²) + ε;   else d = √s + ε
//   keras ε (keras.optimizers.RMSprop): ε inside the root, d = √(s − ḡ² + ε) or √(s + ε)
//   μ > 0:  b ← μ b + g / d,  p ← p − lr b;               else p ← p − lr g / d
// Slots: 0 s, 1 b, 2 ḡ.
export function rmspropStep(p: usize, g: usize, s: usize, b: usize, gAvg: usize, n: i32, lr: f32,
                            rho: f32, momentum: f32, eps: f32, centered: bool, kerasEps: bool): void {
  const vlr = f32x4.splat(lr), vrho = f32x4.splat(rho), keep = f32x4.splat(1 - rho);
  const mu = f32x4.splat(momentum), veps = f32x4.splat(eps);
  for (let o: usize = 0; o < (<usize>n << 2); o += 16) {
    const gi = v128.load(g + o);
    const si = f32x4.add(f32x4.mul(vrho, v128.load(s + o)), f32x4.mul(keep, f32x4.mul(gi, gi)));
    v128.store(s + o, si);
    let d: v128;
    if (centered) {
      const ai = f32x4.add(f32x4.mul(vrho, v128.load(gAvg + o)), f32x4.mul(keep, gi));
      v128.store(gAvg + o, ai);
      const centeredS = f32x4.sub(si, f32x4.mul(ai, ai));
      d = kerasEps ? f32x4.sqrt(f32x4.add(centeredS, veps)) : f32x4.add(f32x4.sqrt(centeredS), veps);
    } else {
      d = kerasEps ? f32x4.sqrt(f32x4.add(si, veps)) : f32x4.add(f32x4.sqrt(si), veps);
    }
    if (momentum != 0) {
      const bi = f32x4.add(f32x4.mul(mu, v128.load(b + o)), f32x4.div(gi, d));
      v128.store(b + o, bi);
      v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.mul(vlr, bi)));
    } else {
      v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.mul(vlr, f32x4.div(gi, d))));
    }
  }
}
