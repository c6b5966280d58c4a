/**
 * The smooth fit recommendLr chooses from. Every run is one noisy point (one
 * seed at one LR); choosing the lowest point, or a parabola through it and its
 * two neighbours, lets one lucky seed decide. Instead the log objective is
 * smoothed over ALL runs by a local quadratic regression in log10 LR (a
 * Gaussian kernel, BANDWIDTH decades wide), and the choice is read from that
 * curve: the middle, in log scale, of the band where it is within
 * CHOICE_TOLERANCE of its minimum. In a flat valley that is the LR whose regret
 * is robust to where exactly the minimum is; in a sharp one it is the minimum.
 */

export interface FitPoint {
  lr: number;
  /** The objective of one run: finite and > 0. */
  value: number;
}

export interface FitChoice {
  /** The middle (log scale) of the band within CHOICE_TOLERANCE of the fitted minimum. */
  lr: number;
  /** Where the fitted curve is lowest, and its value there. */
  minimum: { lr: number; value: number };
  /** The contiguous LRs around the minimum whose fitted value is within `rangeTolerance` of it. */
  range: [number, number];
  /** The fitted curve on a grid of STEP decades over the domain. */
  curve: { lrs: number[]; values: number[] };
}

/** Kernel width in decades: the points within about ±½ decade shape the curve at an LR. */
export const BANDWIDTH = 0.5;
/** The band the choice is the middle of: fitted objective within 5 % of its minimum. */
export const CHOICE_TOLERANCE = 0.05;
const STEP = 1 / 40;

/**
 * The fitted log objective at x (log10 LR): a weighted least-squares quadratic around x, or a line,
 * or the weighted mean when the points near x cannot determine more.
 */
export function fitAt(xs: readonly number[], ys: readonly number[], x: number, bandwidth = BANDWIDTH): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, t0 = 0, t1 = 0, t2 = 0;
  for (let i = 0; i < xs.length; i++) {
    const u = xs[i]! - x, w = Math.exp(-0.5 * (u / bandwidth) ** 2), y = ys[i]!;
    s0 += w; s1 += w * u; s2 += w * u * u; s3 += w * u ** 3; s4 += w * u ** 4;
    t0 += w * y; t1 += w * u * y; t2 += w * u * u * y;
  }
  // The value at u = 0 of y = a + b·u + c·u² (Cramer's rule for a), when the system is well posed.
  const det3 = s0 * (s2 * s4 - s3 * s3) - s1 * (s1 * s4 - s3 * s2) + s2 * (s1 * s3 - s2 * s2);
  if (Math.abs(det3) > 1e-9 * s0 * s4 * s2) {
    return (t0 * (s2 * s4 - s3 * s3) - s1 * (t1 * s4 - s3 * t2) + s2 * (t1 * s3 - s2 * t2)) / det3;
  }
  const det2 = s0 * s2 - s1 * s1;
  if (Math.abs(det2) > 1e-9 * s0 * s2) return (t0 * s2 - s1 * t1) / det2;
  return t0 / s0;
}

/**
 * The fit over `points` on [domain[0], domain[1]] (LRs; the domain must lie within the points' span) and
 * the choice read from it.
 */
export function chooseFromFit(points: readonly FitPoint[], domain: [number, number], rangeTolerance: number,
  tolerance = CHOICE_TOLERANCE, bandwidth = BANDWIDTH): FitChoice {
  const xs = points.map((p) => Math.log10(p.lr)), ys = points.map((p) => Math.log(p.value));
  const lo = Math.log10(domain[0]), hi = Math.log10(domain[1]);
  const count = Math.max(1, Math.round((hi - lo) / STEP));
  const grid = Array.from({ length: count + 1 }, (_, i) => (i === count ? hi : lo + (i * (hi - lo)) / count));
  const fitted = grid.map((x) => fitAt(xs, ys, x, bandwidth));
  let best = 0;
  for (let i = 1; i < fitted.length; i++) if (fitted[i]! < fitted[best]!) best = i;
  const band = (tol: number): [number, number] => {
    const limit = fitted[best]! + Math.log1p(tol);
    let a = best, b = best;
    while (a > 0 && fitted[a - 1]! <= limit) a--;
    while (b < fitted.length - 1 && fitted[b + 1]! <= limit) b++;
    return [a, b];
  };
  const [a, b] = band(tolerance);
  const [ra, rb] = band(Math.max(rangeTolerance, tolerance));
  return {
    lr: tidy(10 ** ((grid[a]! + grid[b]!) / 2)),
    minimum: { lr: tidy(10 ** grid[best]!), value: Math.exp(fitted[best]!) },
    range: [tidy(10 ** grid[ra]!), tidy(10 ** grid[rb]!)],
    curve: { lrs: grid.map((x) => tidy(10 ** x)), values: fitted.map((y) => Math.exp(y)) },
  };
}

/** An LR rounded to 4 significant digits, so that the same LR reached two ways is one key. */
export function tidy(x: number): number {
  return Number(x.toPrecision(4));
}
