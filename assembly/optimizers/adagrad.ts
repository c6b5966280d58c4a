// AdaGrad (Duchi et al. 2011), as torch.optim.Adagrad (no lr decay):
//   s ← s + g²          (s starts at initialAccumulator)
//   p ← p − lr g / (√s + ε)
// Slot 0: s.
export function adagradStep(p: usize, g: usize, s: usize, n: i32, lr: f32, eps: f32): void {
  for (let i: usize = 0; i < <usize>n; i++) {
    const o = i << 2;
    const gi = load<f32>(g + o);
    const si = load<f32>(s + o) + gi * gi;
    store<f32>(s + o, si);
    store<f32>(p + o, load<f32>(p + o) - lr * (gi / (Mathf.sqrt(si) + eps)));
  }
}
