// Weight initializers as Keras defines them (keras.initializers): uniform
// variants draw from [-limit, limit], normal variants from a normal truncated
// at two standard deviations whose stddev is divided by 0.8796... so that the
// truncated distribution keeps the intended variance.
import { normal, uniform } from './random';

export const INIT_ZEROS: i32 = 0;
export const INIT_GLOROT_UNIFORM: i32 = 1;
export const INIT_GLOROT_NORMAL: i32 = 2;
export const INIT_HE_UNIFORM: i32 = 3;
export const INIT_HE_NORMAL: i32 = 4;

const TRUNCATED_STD: f64 = 0.87962566103423978;

export function initFill(ptr: usize, count: i32, kind: i32, fanIn: i32, fanOut: i32): void {
  if (kind == INIT_ZEROS) {
    memory.fill(ptr, 0, <usize>count << 2);
    return;
  }
  const glorot = kind == INIT_GLOROT_UNIFORM || kind == INIT_GLOROT_NORMAL;
  const fan: f64 = glorot ? <f64>(fanIn + fanOut) / 2.0 : <f64>fanIn;
  if (kind == INIT_GLOROT_UNIFORM || kind == INIT_HE_UNIFORM) {
    const limit = Math.sqrt((glorot ? 3.0 : 6.0) / fan);
    for (let i = 0; i < count; i++) {
      store<f32>(ptr + (<usize>i << 2), <f32>((2.0 * uniform() - 1.0) * limit));
    }
  } else {
    const std = Math.sqrt((glorot ? 1.0 : 2.0) / fan) / TRUNCATED_STD;
    for (let i = 0; i < count; i++) {
      let z = normal();
      while (Math.abs(z) > 2.0) z = normal();
      store<f32>(ptr + (<usize>i << 2), <f32>(z * std));
    }
  }
}
