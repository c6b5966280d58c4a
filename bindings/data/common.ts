/**
 * Helpers shared by the data generators and loaders (internal: not re-exported
 * by index.ts). No Node built-ins here: everything in bindings/data except
 * csv-file.ts and mnist.ts must also run in a browser.
 */
import { LrlabError } from '../errors.js';
import { createRng, type Rng } from '../random.js';
import type { Dataset, Matrix } from '../types.js';
import { checkNumber, checkObject, numberOr } from '../validate.js';

/**
 * Stream of createRng used for the final row shuffle. Generation uses stream 0,
 * so changing how rows are drawn never changes how they are permuted (and the
 * other way round).
 */
export const SHUFFLE_STREAM = 1;

/** Seeds are 32-bit unsigned integers: createRng folds larger values, so two seeds would silently collide. */
export function seedOr(field: string, value: unknown, fallback = 0): number {
  return numberOr(field, value, fallback, { integer: true, min: 0, max: 0xffffffff });
}

/** samples: an integer >= 1. */
export function samplesOr(field: string, value: unknown, fallback: number): number {
  return numberOr(field, value, fallback, { integer: true, min: 1 });
}

/**
 * Splits `total` as evenly as possible over `parts`: the first `total % parts`
 * parts get one extra, as scikit-learn's make_blobs does.
 */
export function evenCounts(total: number, parts: number): number[] {
  const base = Math.floor(total / parts);
  const extra = total % parts;
  return Array.from({ length: parts }, (_, i) => base + (i < extra ? 1 : 0));
}

/** A uniformly random permutation of 0..n-1 (Fisher-Yates, driven by `rng`). */
export function permutation(n: number, rng: Rng): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = randomBelow(rng, i + 1);
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

/**
 * Unbiased integer in [0, n) by rejection: `nextU32() % n` would favour small
 * values whenever n does not divide 2^32.
 */
export function randomBelow(rng: Rng, n: number): number {
  const limit = 0x100000000 - (0x100000000 % n);
  let r = rng.nextU32();
  while (r >= limit) r = rng.nextU32();
  return r % n;
}

/** One-hot n × classes matrix of integer labels (which must lie in [0, classes)). */
export function oneHot(labels: Int32Array, classes: number): Matrix {
  const rows = labels.length;
  const data = new Float32Array(rows * classes);
  for (let i = 0; i < rows; i++) data[i * classes + labels[i]!] = 1;
  return { data, rows, cols: classes };
}

/**
 * Builds a classification Dataset from rows generated in class order, shuffling
 * the rows (seeded, stream SHUFFLE_STREAM) so that classes are interleaved:
 * a model trained on the first k rows then sees every class.
 */
export function shuffledClassification(
  name: string,
  x: Float32Array,
  labels: Int32Array,
  cols: number,
  classes: number,
  seed: number,
): Dataset {
  const rows = labels.length;
  const perm = permutation(rows, createRng(seed, SHUFFLE_STREAM));
  const outX = new Float32Array(rows * cols);
  const outLabels = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const to = perm[i]!;
    for (let k = 0; k < cols; k++) outX[to * cols + k] = x[i * cols + k]!;
    outLabels[to] = labels[i]!;
  }
  return {
    x: { data: outX, rows, cols },
    y: oneHot(outLabels, classes),
    labels: outLabels,
    classes,
    name,
  };
}

/** `[lo, hi]` with finite lo <= hi. */
export function rangeOr(field: string, value: unknown, fallback: readonly [number, number]): [number, number] {
  if (value === undefined) return [fallback[0], fallback[1]];
  if (!Array.isArray(value) || value.length !== 2) {
    throw new LrlabError('INVALID_OPTION', field, value, 'must be a pair [low, high] of finite numbers with low <= high');
  }
  const lo = checkNumber(`${field}[0]`, value[0]);
  const hi = checkNumber(`${field}[1]`, value[1]);
  if (lo > hi) {
    throw new LrlabError('INVALID_OPTION', field, value, 'must be a pair [low, high] of finite numbers with low <= high');
  }
  return [lo, hi];
}

/** Options objects: `undefined` means "all defaults"; anything else must be a plain object. */
export function optionsObject(field: string, value: unknown): Record<string, unknown> {
  // checkObject copies the own properties only: an option is never read from a polluted Object.prototype.
  return checkObject(field, value === undefined ? {} : value);
}

/** numpy's linspace(start, stop, n) with endpoint: n = 1 gives [start]. */
export function linspace(start: number, stop: number, n: number, i: number): number {
  return n === 1 ? start : start + ((stop - start) * i) / (n - 1);
}
