// SGD, with momentum and Nesterov as flags, in either convention:
//   PyTorch's (torch.optim.SGD, dampening 0; the default): the velocity
//   accumulates gradients and the learning rate multiplies it at update time,
//   so a new lr acts at once.
//     v ← μ v + g                      (only when μ > 0)
//     p ← p − lr v                     plain momentum (Polyak 1964)
//     p ← p − lr (g + μ v)             Nesterov (Sutskever et al. 2013, as PyTorch writes it)
//   Keras's (keras.optimizers.SGD): the lr is folded into the velocity, so
//   after an lr change v still carries the old lr for about 1/(1 − μ) steps.
//     v ← μ v − lr g
//     p ← p + v                        plain
//     p ← p + μ v − lr g               Nesterov
//   μ = 0 (either):  p ← p − lr g
// Slot 0: v.
//
// All update rules run four lanes at a time over n, a multiple of 4: the
// arrays are padded to it with zeros, and a zero parameter with a zero
// gradient stays zero under every rule here.
import { pinSplat } from './lanes';

export function sgdStep(p: usize, g: usize, v: usize, n: i32, lr: f32, momentum: f32, nesterov: bool, keras: bool): void {
  // Plain SGD and PyTorch's momentum with their flags literal (tests of them per vector cost as much as
  // its arithmetic), the other rules with the flags as given.
  if (momentum == 0) sgdLoop(p, g, v, n, lr, momentum, false, false, false);
  else if (!nesterov && !keras) sgdLoop(p, g, v, n, lr, momentum, true, false, false);
  else sgdLoop(p, g, v, n, lr, momentum, true, nesterov, keras);
}

@inline
function sgdLoop(p: usize, g: usize, v: usize, n: i32, lr: f32, momentum: f32, moves: bool, nesterov: bool, keras: bool): void {
  const vlr = pinSplat(0, lr), mu = pinSplat(1, momentum);
  const end = <usize>n << 2;
  let o: usize = 0;
  for (; o + 64 <= end; o += 64) {
    sgdLanes(o, p, g, v, vlr, mu, moves, nesterov, keras);
    sgdLanes(o + 16, p, g, v, vlr, mu, moves, nesterov, keras);
    sgdLanes(o + 32, p, g, v, vlr, mu, moves, nesterov, keras);
    sgdLanes(o + 48, p, g, v, vlr, mu, moves, nesterov, keras);
  }
  for (; o < end; o += 16) sgdLanes(o, p, g, v, vlr, mu, moves, nesterov, keras);
}

@inline
function sgdLanes(o: usize, p: usize, g: usize, v: usize, vlr: v128, mu: v128, moves: bool, nesterov: bool, keras: bool): void {
  const gi = v128.load(g + o);
  if (moves && keras) {
    const lrg = f32x4.mul(vlr, gi);
    const vi = f32x4.sub(f32x4.mul(mu, v128.load(v + o)), lrg);
    v128.store(v + o, vi);
    const step = nesterov ? f32x4.sub(f32x4.mul(mu, vi), lrg) : vi;
    v128.store(p + o, f32x4.add(v128.load(p + o), step));
    return;
  }
  let step = gi;
  if (moves) {
    const vi = f32x4.add(f32x4.mul(mu, v128.load(v + o)), gi);
    v128.store(v + o, vi);
    step = nesterov ? f32x4.add(gi, f32x4.mul(mu, vi)) : vi;
  }
  v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.mul(vlr, step)));
}
