/**
 * numpy's legacy `np.random.RandomState`, the part scikit-learn's make_blobs
 * uses, draw for draw: MT19937 seeded as numpy seeds it (an integer through
 * init_genrand, an array through init_by_array), `random_sample` (53-bit
 * doubles), the legacy Gaussian (polar Box–Muller, caching the second value)
 * and `shuffle` (bounded integers by masked rejection). The Gaussian's log is
 * glibc's (./glibc-log.ts), as numpy calls the C library's. Sources: numpy's
 * random/src/mt19937/mt19937.c, random/src/legacy/legacy-distributions.c,
 * random/src/distributions/distributions.c (random_interval), mtrand.pyx.
 */
import { glibcLog } from './glibc-log.js';

const N = 624;
const M = 397;

export class LegacyRandomState {
  readonly #key = new Uint32Array(N);
  #pos = N;
  #gauss = 0;
  #hasGauss = false;

  /** An integer seed in [0, 2^32) (init_genrand) or an array of them (init_by_array), as RandomState(seed). */
  constructor(seed: number | readonly number[]) {
    if (typeof seed === 'number') this.#initGenrand(seed);
    else this.#initByArray(seed);
  }

  #initGenrand(seed: number): void {
    const mt = this.#key;
    let s = seed >>> 0;
    for (let i = 0; i < N; i++) {
      mt[i] = s;
      s = (Math.imul(1812433253, (s ^ (s >>> 30)) >>> 0) + i + 1) >>> 0;
    }
    this.#pos = N;
  }

  #initByArray(key: readonly number[]): void {
    const mt = this.#key;
    this.#initGenrand(19650218);
    let i = 1, j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      mt[i] = ((mt[i] ^ Math.imul(mt[i - 1] ^ (mt[i - 1] >>> 30), 1664525)) + (key[j] >>> 0) + j) >>> 0;
      i++; j++;
      if (i >= N) { mt[0] = mt[N - 1]; i = 1; }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      mt[i] = ((mt[i] ^ Math.imul(mt[i - 1] ^ (mt[i - 1] >>> 30), 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) { mt[0] = mt[N - 1]; i = 1; }
    }
    mt[0] = 0x80000000; // MSB set: a non-zero state
    this.#pos = N;
  }

  /** The next 624 words at once (mt19937_gen). */
  #generate(): void {
    const mt = this.#key;
    const twist = (i: number, next: number, far: number): void => {
      const y = (mt[i] & 0x80000000) | (mt[next] & 0x7fffffff);
      mt[i] = (mt[far] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0)) >>> 0;
    };
    let i = 0;
    for (; i < N - M; i++) twist(i, i + 1, i + M);
    for (; i < N - 1; i++) twist(i, i + 1, i + M - N);
    twist(N - 1, 0, M - 1);
    this.#pos = 0;
  }

  nextUint32(): number {
    if (this.#pos === N) this.#generate();
    let y = this.#key[this.#pos++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** random_sample: (a >> 5, b >> 6) as a 53-bit fraction in [0, 1). */
  randomSample(): number {
    const a = this.nextUint32() >>> 5, b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** uniform(low, high) = low + (high − low)·random_sample(). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.randomSample();
  }

  /** legacy_gauss: the polar method; of each accepted pair, f·x2 is returned now and f·x1 on the next call. */
  standardNormal(): number {
    if (this.#hasGauss) {
      this.#hasGauss = false;
      return this.#gauss;
    }
    let x1: number, x2: number, r2: number;
    do {
      x1 = 2 * this.randomSample() - 1;
      x2 = 2 * this.randomSample() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * glibcLog(r2)) / r2);
    this.#gauss = f * x1;
    this.#hasGauss = true;
    return f * x2;
  }

  /** normal(loc, scale) = loc + scale·legacy_gauss. */
  normal(loc: number, scale: number): number {
    return loc + scale * this.standardNormal();
  }

  /** random_interval: uniform in [0, max] from the low bits under the smallest all-ones mask ≥ max, by rejection (max < 2^32). */
  interval(max: number): number {
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1; mask |= mask >>> 2; mask |= mask >>> 4; mask |= mask >>> 8; mask |= mask >>> 16;
    let value: number;
    do value = (this.nextUint32() & mask) >>> 0; while (value > max);
    return value;
  }

  /** shuffle of a 1-d array in place: for i from n−1 down to 1, swap a[i] with a[interval(i)]. */
  shuffle(a: { length: number; [i: number]: number }): void {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.interval(i);
      const t = a[j];
      a[j] = a[i];
      a[i] = t;
    }
  }
}
