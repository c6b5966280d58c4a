// SGD, with momentum and Nesterov as flags, in PyTorch's convention
// (torch.optim.SGD, dampening 0): the velocity accumulates gradients and the
// learning rate multiplies it at update time, so a new lr acts at once.
//   v ← μ v + g                      (only when μ > 0)
//   p ← p − lr v                     plain momentum (Polyak 1964)
//   p ← p − lr (g + μ v)             Nesterov (Sutskever et al. 2013, as PyTorch writes it)
//   p ← p − lr g                     μ = 0
// Slot 0: v. Four lanes at a time, then the tail; both do the same f32 operations.
export function sgdStep(p: usize, g: usize, v: usize, n: i32, lr: f32, momentum: f32, nesterov: bool): void {
  const n4 = <usize>(n & ~3);
  const vlr = f32x4.splat(lr), vmu = f32x4.splat(momentum);
  let i: usize = 0;
  if (momentum == 0) {
    for (; i < n4; i += 4) {
      const o = i << 2;
      v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.mul(vlr, v128.load(g + o))));
    }
  } else {
    for (; i < n4; i += 4) {
      const o = i << 2;
      const gi = v128.load(g + o);
      const vi = f32x4.add(f32x4.mul(vmu, v128.load(v + o)), gi);
      v128.store(v + o, vi);
      const step = nesterov ? f32x4.add(gi, f32x4.mul(vmu, vi)) : vi;
      v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.mul(vlr, step)));
    }
  }
  for (; i < <usize>n; i++) {
    const o = i << 2;
    const gi = load<f32>(g + o);
    let step = gi;
    if (momentum != 0) {
      const vi = momentum * load<f32>(v + o) + gi;
      store<f32>(v + o, vi);
      step = nesterov ? gi + momentum * vi : vi;
    }
    store<f32>(p + o, load<f32>(p + o) - lr * step);
  }
}
