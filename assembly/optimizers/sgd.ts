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
export function sgdStep(p: usize, g: usize, v: usize, n: i32, lr: f32, momentum: f32, nesterov: bool, keras: bool): void {
  const vlr = f32x4.splat(lr), mu = f32x4.splat(momentum);
  for (let o: usize = 0; o < (<usize>n << 2); o += 16) {
    const gi = v128.load(g + o);
    if (momentum != 0 && keras) {
      const lrg = f32x4.mul(vlr, gi);
      const vi = f32x4.sub(f32x4.mul(mu, v128.load(v + o)), lrg);
      v128.store(v + o, vi);
      const step = nesterov ? f32x4.sub(f32x4.mul(mu, vi), lrg) : vi;
      v128.store(p + o, f32x4.add(v128.load(p + o), step));
      continue;
    }
    let step = gi;
    if (momentum != 0) {
      const vi = f32x4.add(f32x4.mul(mu, v128.load(v + o)), gi);
      v128.store(v + o, vi);
      step = nesterov ? f32x4.add(gi, f32x4.mul(mu, vi)) : vi;
    }
    v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.mul(vlr, step)));
  }
}
