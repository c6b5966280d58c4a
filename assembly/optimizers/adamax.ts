// Adamax (Kingma & Ba 2015, section 7.1), as torch.optim.Adamax:
//   m ← β1 m + (1 − β1) g
//   u ← max(β2 u, |g| + ε)
//   p ← p − (lr / (1 − β1^t)) · m / u
// Slots: 0 m, 1 u.
import { pinSplat } from './lanes';

export function adamaxStep(p: usize, g: usize, m: usize, u: usize, n: i32, lr: f32, b1: f32, b2: f32, eps: f32, t: f64): void {
  const stepSize = pinSplat(0, <f32>(<f64>lr / (1.0 - Math.pow(<f64>b1, t))));
  const vb1 = pinSplat(1, b1), vb2 = pinSplat(2, b2), keep1 = pinSplat(3, 1 - b1), veps = pinSplat(4, eps);
  const end = <usize>n << 2;
  let o: usize = 0;
  for (; o + 64 <= end; o += 64) {
    adamaxLanes(o, p, g, m, u, stepSize, vb1, vb2, keep1, veps);
    adamaxLanes(o + 16, p, g, m, u, stepSize, vb1, vb2, keep1, veps);
    adamaxLanes(o + 32, p, g, m, u, stepSize, vb1, vb2, keep1, veps);
    adamaxLanes(o + 48, p, g, m, u, stepSize, vb1, vb2, keep1, veps);
  }
  for (; o < end; o += 16) adamaxLanes(o, p, g, m, u, stepSize, vb1, vb2, keep1, veps);
}

@inline
function adamaxLanes(o: usize, p: usize, g: usize, m: usize, u: usize, stepSize: v128, vb1: v128, vb2: v128, keep1: v128, veps: v128): void {
  const gi = v128.load(g + o);
  const mi = f32x4.add(f32x4.mul(vb1, v128.load(m + o)), f32x4.mul(keep1, gi));
  const ui = f32x4.max(f32x4.mul(vb2, v128.load(u + o)), f32x4.add(f32x4.abs(gi), veps));
  v128.store(m + o, mi);
  v128.store(u + o, ui);
  v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.mul(stepSize, f32x4.div(mi, ui))));
}
