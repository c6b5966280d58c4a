// AssemblyScript, compiled by bench/suites/tile.ts: the k loop of gemm.ts's
// 4 × 8 tile (8 accumulators, 8 f32x4 multiplies and 8 adds per step of k) on
// data that stays in L1, with its loads in four arrangements, each in a function
// of its own so that V8 allocates its registers alone. Which loads a step makes,
// not its arithmetic, is what the suite measures; the sums are not checked
// (the held variants add the same products again and again).
//   splat:    4 load-splats of A (16 bytes per step) and 2 loads of B: the tile of gemm.ts
//   presplat: 4 plain loads of A stored splatted (64 bytes per step) and 2 of B
//   aHeld:    A's 4 splats loaded before the loop; 2 loads of B per step
//   bHeld:    B's 2 vectors loaded before the loop; 4 load-splats of A per step

@inline function madd(acc: v128, s: v128, b: v128): v128 { return f32x4.add(acc, f32x4.mul(s, b)); }

@inline function store8(out: usize, c0: v128, c1: v128, c2: v128, c3: v128, c4: v128, c5: v128, c6: v128, c7: v128): void {
  v128.store(out, c0); v128.store(out, c1, 16); v128.store(out, c2, 32); v128.store(out, c3, 48);
  v128.store(out, c4, 64); v128.store(out, c5, 80); v128.store(out, c6, 96); v128.store(out, c7, 112);
}

export function splat(strip: usize, panel: usize, k: i32, reps: i32, out: usize): void {
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  const end = panel + (<usize>k << 5);
  for (let r = 0; r < reps; r++) {
    for (let ap = strip, bp = panel; bp < end; ap += 16, bp += 32) {
      const b0 = v128.load(bp), b1 = v128.load(bp, 16);
      let s = v128.load32_splat(ap);
      c00 = madd(c00, s, b0); c01 = madd(c01, s, b1);
      s = v128.load32_splat(ap, 4);
      c10 = madd(c10, s, b0); c11 = madd(c11, s, b1);
      s = v128.load32_splat(ap, 8);
      c20 = madd(c20, s, b0); c21 = madd(c21, s, b1);
      s = v128.load32_splat(ap, 12);
      c30 = madd(c30, s, b0); c31 = madd(c31, s, b1);
    }
  }
  store8(out, c00, c01, c10, c11, c20, c21, c30, c31);
}

export function presplat(strip: usize, panel: usize, k: i32, reps: i32, out: usize): void {
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  const end = panel + (<usize>k << 5);
  for (let r = 0; r < reps; r++) {
    for (let ap = strip, bp = panel; bp < end; ap += 64, bp += 32) {
      const b0 = v128.load(bp), b1 = v128.load(bp, 16);
      let s = v128.load(ap);
      c00 = madd(c00, s, b0); c01 = madd(c01, s, b1);
      s = v128.load(ap, 16);
      c10 = madd(c10, s, b0); c11 = madd(c11, s, b1);
      s = v128.load(ap, 32);
      c20 = madd(c20, s, b0); c21 = madd(c21, s, b1);
      s = v128.load(ap, 48);
      c30 = madd(c30, s, b0); c31 = madd(c31, s, b1);
    }
  }
  store8(out, c00, c01, c10, c11, c20, c21, c30, c31);
}

export function aHeld(strip: usize, panel: usize, k: i32, reps: i32, out: usize): void {
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  const s0 = v128.load32_splat(strip), s1 = v128.load32_splat(strip, 4), s2 = v128.load32_splat(strip, 8), s3 = v128.load32_splat(strip, 12);
  const end = panel + (<usize>k << 5);
  for (let r = 0; r < reps; r++) {
    for (let bp = panel; bp < end; bp += 32) {
      const b0 = v128.load(bp), b1 = v128.load(bp, 16);
      c00 = madd(c00, s0, b0); c01 = madd(c01, s0, b1);
      c10 = madd(c10, s1, b0); c11 = madd(c11, s1, b1);
      c20 = madd(c20, s2, b0); c21 = madd(c21, s2, b1);
      c30 = madd(c30, s3, b0); c31 = madd(c31, s3, b1);
    }
  }
  store8(out, c00, c01, c10, c11, c20, c21, c30, c31);
}

export function bHeld(strip: usize, panel: usize, k: i32, reps: i32, out: usize): void {
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  const b0 = v128.load(panel), b1 = v128.load(panel, 16);
  const end = strip + (<usize>k << 4);
  for (let r = 0; r < reps; r++) {
    for (let ap = strip; ap < end; ap += 16) {
      let s = v128.load32_splat(ap);
      c00 = madd(c00, s, b0); c01 = madd(c01, s, b1);
      s = v128.load32_splat(ap, 4);
      c10 = madd(c10, s, b0); c11 = madd(c11, s, b1);
      s = v128.load32_splat(ap, 8);
      c20 = madd(c20, s, b0); c21 = madd(c21, s, b1);
      s = v128.load32_splat(ap, 12);
      c30 = madd(c30, s, b0); c31 = madd(c31, s, b1);
    }
  }
  store8(out, c00, c01, c10, c11, c20, c21, c30, c31);
}
