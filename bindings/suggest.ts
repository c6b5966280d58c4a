/**
 * "Did you mean": the known name closest to a mistyped one, by edit distance
 * (insertions, deletions, substitutions and swaps of neighbours count one each),
 * accepted only when it is close enough to be a typo of it.
 */
export function closest(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined, bestDistance = Infinity;
  for (const candidate of known) {
    const d = candidate.toLowerCase() === lower ? 0 : distance(lower, candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  // One edit in a short name, about one in three in a long one.
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(Math.min(name.length, best.length) / 3)) ? best : undefined;
}

/** ` (did you mean "adam"?)` for a close name, else ''. */
export function didYouMean(name: string, known: readonly string[], quote = (s: string) => JSON.stringify(s)): string {
  const match = typeof name === 'string' && name.length <= 64 ? closest(name, known) : undefined;
  return match === undefined ? '' : ` (did you mean ${quote(match)}?)`;
}

/** Optimal string alignment distance (Damerau–Levenshtein without repeated edits of one substring). */
function distance(a: string, b: string): number {
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2] + 1);
      row.push(d);
    }
    [before, previous] = [previous, row];
  }
  return previous[b.length];
}
