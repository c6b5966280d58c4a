// AdaGrad (Duchi et al. 2011), as torch.optim.Adagrad (no lr decay):
//   s ← s + g²          (s starts at initialAccumulator)
//   p ← p − lr g / (√s + ε)         keras ε: p ← p − lr g / √(s + ε)  (keras.optimizers.Adagrad)
// Slot 0: s.
import { pinSplat } from './lanes';

export function adagradStep(p: usize, g: usize, s: usize, n: i32, lr: f32, eps: f32, kerasEps: bool): void {
  const vlr = pinSplat(0, lr), veps = pinSplat(1, eps);
  const end = <usize>n << 2;
  let o: usize = 0;
  for (; o + 64 <= end; o += 64) {
    adagradLanes(o, p, g, s, vlr, veps, kerasEps);
    adagradLanes(o + 16, p, g, s, vlr, veps, kerasEps);
    adagradLanes(o + 32, p, g, s, vlr, veps, kerasEps);
    adagradLanes(o + 48, p, g, s, vlr, veps, kerasEps);
  }
  for (; o < end; o += 16) adagradLanes(o, p, g, s, vlr, veps, kerasEps);
}

@inline
function adagradLanes(o: usize, p: usize, g: usize, s: usize, vlr: v128, veps: v128, kerasEps: bool): void {
  const gi = v128.load(g + o);
  const si = f32x4.add(v128.load(s + o), f32x4.mul(gi, gi));
  v128.store(s + o, si);
  const d = kerasEps ? f32x4.sqrt(f32x4.add(si, veps)) : f32x4.add(f32x4.sqrt(si), veps);
  v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.mul(vlr, f32x4.div(gi, d))));
}
