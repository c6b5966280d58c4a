// Small vector helpers for the training step.

// dst[j] = Σ_r src[r, j] over a [rows × cols] matrix: the bias gradient.
// Summed in row order for every column, vector and tail alike.
export function columnSums(dst: usize, src: usize, rows: i32, cols: i32): void {
  const cols4 = cols & ~3;
  const rowBytes = <usize>cols << 2;
  for (let j = 0; j < cols4; j += 4) {
    let acc = f32x4.splat(0);
    for (let r = 0; r < rows; r++) acc = f32x4.add(acc, v128.load(src + <usize>r * rowBytes + (<usize>j << 2)));
    v128.store(dst + (<usize>j << 2), acc);
  }
  for (let j = cols4; j < cols; j++) {
    let acc: f32 = 0;
    for (let r = 0; r < rows; r++) acc += load<f32>(src + <usize>r * rowBytes + (<usize>j << 2));
    store<f32>(dst + (<usize>j << 2), acc);
  }
}

// dst[i] += src[i] for `count` floats, f32x4 lanes then a scalar tail: one f32
// add per element, so the bits of a plain loop (data-parallel gradient sums).
export function addFloats(dst: usize, src: usize, count: i32): void {
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const p = <usize>i << 2;
    v128.store(dst + p, f32x4.add(v128.load(dst + p), v128.load(src + p)));
  }
  for (; i < count; i++) {
    const p = <usize>i << 2;
    store<f32>(dst + p, load<f32>(dst + p) + load<f32>(src + p));
  }
}

// Copies `count` floats; short rows by hand, where memory.copy costs more than it moves.
@inline
export function copyFloats(dst: usize, src: usize, count: i32): void {
  if (count > 16) {
    memory.copy(dst, src, <usize>count << 2);
    return;
  }
  let i = 0;
  for (; i + 4 <= count; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  for (; i < count; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}
