// Helpers for the update rules' loops over f32x4 lanes.
//
// pin: the rules' loop-invariant vectors (lr, β, the bias corrections) pass
// through memory once per step. TurboFan schedules a pure value at its use, so
// a splat computed before a loop is otherwise recomputed in every iteration
// (for Adam: an f64 division and square root per four parameters, on the
// divider its own rule needs); a load is ordered before the loop's stores and
// stays there. Each rule also does four vectors per iteration (then the rest
// one by one), which leaves more independent work in flight than one: a plain
// loop over Adam's lanes ran at half the speed.
const pins = memory.data(16 * 16, 16);

@inline export function pin(slot: i32, v: v128): v128 {
  const at = pins + (<usize>slot << 4);
  v128.store(at, v);
  return v128.load(at);
}

@inline export function pinSplat(slot: i32, x: f32): v128 {
  return pin(slot, f32x4.splat(x));
}
