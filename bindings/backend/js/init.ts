/** Weight initialization with the same draws as assembly/init.ts (Keras's definitions, see there). */
import type { Initializer } from '../../spec.js';
import type { Rng } from '../../random.js';

const TRUNCATED_STD = 0.87962566103423978;

export function initFill(w: Float32Array, kind: Initializer, fanIn: number, fanOut: number, rng: Rng): void {
  if (kind === 'zeros') {
    w.fill(0);
    return;
  }
  const glorot = kind === 'glorot_uniform' || kind === 'glorot_normal';
  const fan = glorot ? (fanIn + fanOut) / 2 : fanIn;
  if (kind === 'glorot_uniform' || kind === 'he_uniform') {
    const limit = Math.sqrt((glorot ? 3 : 6) / fan);
    for (let i = 0; i < w.length; i++) w[i] = (2 * rng.uniform() - 1) * limit;
  } else {
    const std = Math.sqrt((glorot ? 1 : 2) / fan) / TRUNCATED_STD;
    for (let i = 0; i < w.length; i++) {
      let z = rng.normal();
      while (Math.abs(z) > 2) z = rng.normal();
      w[i] = z * std;
    }
  }
}
