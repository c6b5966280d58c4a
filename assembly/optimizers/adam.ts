// Adam (Kingma & Ba 2015) with AMSGrad (Reddi et al. 2018) as a flag, and
// AdamW (Loshchilov & Hutter 2019) as decoupled decay, as torch.optim.Adam/AdamW:
//   AdamW only: p ← p (1 − lr λ)
//   m ← β1 m + (1 − β1) g
//   v ← β2 v + (1 − β2) g²
//   amsgrad: v̂ ← max(v̂, v), use v̂ below instead of v
//   p ← p − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε)
//   keras ε (keras.optimizers.Adam): ε added before the bias correction,
//     p ← p − (lr / (1 − β1^t)) · m / ((√v + ε) / √(1 − β2^t))
// The bias corrections are computed in f64 once per step.
// Slots: 0 m, 1 v, 2 v̂.
import { pinSplat } from './lanes';

export function adamStep(p: usize, g: usize, m: usize, v: usize, vMax: usize, n: i32, lr: f32,
                         b1: f32, b2: f32, eps: f32, t: f64, amsgrad: bool, decoupledDecay: f32, kerasEps: bool): void {
  const stepSize = pinSplat(0, <f32>(<f64>lr / (1.0 - Math.pow(<f64>b1, t))));
  const correction2 = pinSplat(1, <f32>Math.sqrt(1.0 - Math.pow(<f64>b2, t)));
  const decay = pinSplat(2, <f32>(1.0 - <f64>lr * <f64>decoupledDecay));
  const vb1 = pinSplat(3, b1), vb2 = pinSplat(4, b2), keep1 = pinSplat(5, 1 - b1), keep2 = pinSplat(6, 1 - b2);
  const veps = pinSplat(7, eps);
  const decays = decoupledDecay != 0;
  const end = <usize>n << 2;
  let o: usize = 0;
  for (; o + 64 <= end; o += 64) {
    adamLanes(o, p, g, m, v, vMax, stepSize, correction2, decay, vb1, vb2, keep1, keep2, veps, decays, amsgrad, kerasEps);
    adamLanes(o + 16, p, g, m, v, vMax, stepSize, correction2, decay, vb1, vb2, keep1, keep2, veps, decays, amsgrad, kerasEps);
    adamLanes(o + 32, p, g, m, v, vMax, stepSize, correction2, decay, vb1, vb2, keep1, keep2, veps, decays, amsgrad, kerasEps);
    adamLanes(o + 48, p, g, m, v, vMax, stepSize, correction2, decay, vb1, vb2, keep1, keep2, veps, decays, amsgrad, kerasEps);
  }
  for (; o < end; o += 16) adamLanes(o, p, g, m, v, vMax, stepSize, correction2, decay, vb1, vb2, keep1, keep2, veps, decays, amsgrad, kerasEps);
}

@inline
function adamLanes(o: usize, p: usize, g: usize, m: usize, v: usize, vMax: usize, stepSize: v128, correction2: v128, decay: v128,
                   vb1: v128, vb2: v128, keep1: v128, keep2: v128, veps: v128, decays: bool, amsgrad: bool, kerasEps: bool): void {
  const gi = v128.load(g + o);
  let pi = v128.load(p + o);
  if (decays) pi = f32x4.mul(pi, decay);
  const mi = f32x4.add(f32x4.mul(vb1, v128.load(m + o)), f32x4.mul(keep1, gi));
  let vi = f32x4.add(f32x4.mul(vb2, v128.load(v + o)), f32x4.mul(keep2, f32x4.mul(gi, gi)));
  v128.store(m + o, mi);
  v128.store(v + o, vi);
  if (amsgrad) {
    vi = f32x4.max(v128.load(vMax + o), vi);
    v128.store(vMax + o, vi);
  }
  const denom = kerasEps ? f32x4.div(f32x4.add(f32x4.sqrt(vi), veps), correction2) : f32x4.add(f32x4.div(f32x4.sqrt(vi), correction2), veps);
  v128.store(p + o, f32x4.sub(pi, f32x4.mul(stepSize, f32x4.div(mi, denom))));
}
