// SGD, with momentum and Nesterov as flags, in PyTorch's convention
// (torch.optim.SGD, dampening 0): the velocity accumulates gradients and the
// learning rate multiplies it at update time, so a new lr acts at once.
//   v ← μ v + g                      (only when μ > 0)
//   p ← p − lr v                     plain momentum (Polyak 1964)
//   p ← p − lr (g + μ v)             Nesterov (Sutskever et al. 2013, as PyTorch writes it)
//   p ← p − lr g                     μ = 0
// Slot 0: v.
export function sgdStep(p: usize, g: usize, v: usize, n: i32, lr: f32, momentum: f32, nesterov: bool): void {
  for (let i: usize = 0; i < <usize>n; i++) {
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
