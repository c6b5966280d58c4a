// Gradient preprocessing before any update rule, in this order (as a PyTorch
// loop does it: clip, then the optimizer's weight_decay adds λp to g):
//   1. clip by value:  g ← min(max(g, −c), c)
//   2. clip by global norm (torch.nn.utils.clip_grad_norm_):
//        ‖g‖ = √Σ g² over all parameters; if ‖g‖ > c: g ← g · c / (‖g‖ + 1e−6)
//   3. L2 weight decay:  g ← g + λ p
// A zero threshold or λ switches the step off. Split in two around the global
// sum so threads that each update a range of the parameters can chain it
// (optimizers/index.ts updateNormPart): Σ g² is one f64 sum in index order.

/** Step 1 on g[0, n), then `sum` + Σ g² over it in index order (step 2's sum; `sum` unchanged without clipNorm). */
export function clipAndSquares(g: usize, n: i32, clipValue: f32, clipNorm: f32, sum: f64): f64 {
  if (clipValue != 0) {
    for (let i: usize = 0; i < <usize>n; i++) {
      const o = i << 2;
      store<f32>(g + o, Mathf.min(Mathf.max(load<f32>(g + o), -clipValue), clipValue));
    }
  }
  if (clipNorm != 0) {
    for (let i: usize = 0; i < <usize>n; i++) {
      const gi = <f64>load<f32>(g + (i << 2));
      sum += gi * gi;
    }
  }
  return sum;
}

/** Step 2's scaling (given Σ g² over all parameters) and step 3, on g[0, n) with p[0, n). */
export function scaleAndDecay(p: usize, g: usize, n: i32, clipNorm: f32, sumSquares: f64, l2: f32): void {
  if (clipNorm != 0) {
    const norm = Math.sqrt(sumSquares);
    if (norm > <f64>clipNorm) {
      const scale = <f32>(<f64>clipNorm / (norm + 1e-6));
      for (let i: usize = 0; i < <usize>n; i++) store<f32>(g + (i << 2), load<f32>(g + (i << 2)) * scale);
    }
  }
  if (l2 != 0) {
    for (let i: usize = 0; i < <usize>n; i++) {
      const o = i << 2;
      store<f32>(g + o, load<f32>(g + o) + l2 * load<f32>(p + o));
    }
  }
}
