// AdaDelta (Zeiler 2012), as torch.optim.Adadelta (lr scales the step; 1.0 is the paper):
//   s ← ρ s + (1 − ρ) g²
//   Δ = √(u + ε) / √(s + ε) · g
//   u ← ρ u + (1 − ρ) Δ²
//   p ← p − lr Δ
// Slots: 0 s, 1 u.
import { pinSplat } from './lanes';

export function adadeltaStep(p: usize, g: usize, s: usize, u: usize, n: i32, lr: f32, rho: f32, eps: f32): void {
  const vlr = pinSplat(0, lr), vrho = pinSplat(1, rho), keep = pinSplat(2, 1 - rho), veps = pinSplat(3, eps);
  const end = <usize>n << 2;
  let o: usize = 0;
  for (; o + 64 <= end; o += 64) {
    adadeltaLanes(o, p, g, s, u, vlr, vrho, keep, veps);
    adadeltaLanes(o + 16, p, g, s, u, vlr, vrho, keep, veps);
    adadeltaLanes(o + 32, p, g, s, u, vlr, vrho, keep, veps);
    adadeltaLanes(o + 48, p, g, s, u, vlr, vrho, keep, veps);
  }
  for (; o < end; o += 16) adadeltaLanes(o, p, g, s, u, vlr, vrho, keep, veps);
}

@inline
function adadeltaLanes(o: usize, p: usize, g: usize, s: usize, u: usize, vlr: v128, vrho: v128, keep: v128, veps: v128): void {
  const gi = v128.load(g + o);
  const si = f32x4.add(f32x4.mul(vrho, v128.load(s + o)), f32x4.mul(keep, f32x4.mul(gi, gi)));
  v128.store(s + o, si);
  const ui = v128.load(u + o);
  const delta = f32x4.mul(f32x4.div(f32x4.sqrt(f32x4.add(ui, veps)), f32x4.sqrt(f32x4.add(si, veps))), gi);
  v128.store(u + o, f32x4.add(f32x4.mul(vrho, ui), f32x4.mul(keep, f32x4.mul(delta, delta))));
  v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.mul(vlr, delta)));
}
