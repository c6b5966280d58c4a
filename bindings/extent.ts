/**
 * The largest and smallest of a list, by a loop. `Math.max(...xs)` passes every
 * element as an argument and overflows the stack above about 100 000 of them
 * (a 65 000-epoch curve with its validation twin); these work for any length.
 * Empty input gives -Infinity / Infinity, as Math.max() / Math.min() do.
 */
export function maxOf(xs: ArrayLike<number>): number {
  let best = -Infinity;
  for (let i = 0; i < xs.length; i++) if (xs[i] > best || Number.isNaN(xs[i])) best = xs[i];
  return best;
}

export function minOf(xs: ArrayLike<number>): number {
  let best = Infinity;
  for (let i = 0; i < xs.length; i++) if (xs[i] < best || Number.isNaN(xs[i])) best = xs[i];
  return best;
}
