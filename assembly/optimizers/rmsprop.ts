// RMSProp (Hinton, Coursera lecture 6e), as torch.optim.RMSprop:
//   s ← ρ s + (1 − ρ) g²
//   centered: ḡ ← ρ ḡ + (1 − ρ) g,  d = √(s − ḡ²) + ε;   else d = √s + ε
//   keras ε (keras.optimizers.RMSprop): ε inside the root, d = √(s − ḡ² + ε) or √(s + ε)
//   μ > 0:  b ← μ b + g / d,  p ← p − lr b;               else p ← p − lr g / d
// Slots: 0 s, 1 b, 2 ḡ.
import { pinSplat } from './lanes';

export function rmspropStep(p: usize, g: usize, s: usize, b: usize, gAvg: usize, n: i32, lr: f32,
                            rho: f32, momentum: f32, eps: f32, centered: bool, kerasEps: bool): void {
  const vlr = pinSplat(0, lr), vrho = pinSplat(1, rho), keep = pinSplat(2, 1 - rho);
  const mu = pinSplat(3, momentum), veps = pinSplat(4, eps);
  const moves = momentum != 0;
  const end = <usize>n << 2;
  let o: usize = 0;
  for (; o + 64 <= end; o += 64) {
    rmspropLanes(o, p, g, s, b, gAvg, vlr, vrho, keep, mu, veps, moves, centered, kerasEps);
    rmspropLanes(o + 16, p, g, s, b, gAvg, vlr, vrho, keep, mu, veps, moves, centered, kerasEps);
    rmspropLanes(o + 32, p, g, s, b, gAvg, vlr, vrho, keep, mu, veps, moves, centered, kerasEps);
    rmspropLanes(o + 48, p, g, s, b, gAvg, vlr, vrho, keep, mu, veps, moves, centered, kerasEps);
  }
  for (; o < end; o += 16) rmspropLanes(o, p, g, s, b, gAvg, vlr, vrho, keep, mu, veps, moves, centered, kerasEps);
}

@inline
function rmspropLanes(o: usize, p: usize, g: usize, s: usize, b: usize, gAvg: usize, vlr: v128, vrho: v128, keep: v128, mu: v128, veps: v128,
                      moves: bool, centered: bool, kerasEps: bool): void {
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
  if (moves) {
    const bi = f32x4.add(f32x4.mul(mu, v128.load(b + o)), f32x4.div(gi, d));
    v128.store(b + o, bi);
    v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.mul(vlr, bi)));
  } else {
    v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.mul(vlr, f32x4.div(gi, d))));
  }
}
