/**
 * Small numeric and formatting helpers of the diagnostics. Values read back from
 * JSONL carry `null` where a loss was NaN/Infinity, so every reader goes through
 * `num`, and "finite" always means a real, finite number.
 */

/** A value as a number: numbers pass through, anything else (null, undefined, strings) is NaN. */
export function num(value: unknown): number {
  return typeof value === 'number' ? value : NaN;
}

/** True for a finite number; false for null, NaN, ±Infinity and non-numbers. */
export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

export interface MeanStd {
  mean: number;
  std: number;
  n: number;
}

/**
 * Mean, sample standard deviation (n − 1 in the denominator; 0 for a single
 * value) and count of the FINITE values; null/NaN/Infinity are skipped.
 * With no finite value: { mean: NaN, std: NaN, n: 0 }.
 */
export function meanStd(values: readonly unknown[]): MeanStd {
  const xs = values.filter(isFiniteNumber);
  const n = xs.length;
  if (n === 0) return { mean: NaN, std: NaN, n: 0 };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, std: 0, n };
  const ss = xs.reduce((a, b) => a + (b - mean) ** 2, 0);
  return { mean, std: Math.sqrt(ss / (n - 1)), n };
}

/** Median of the finite values; NaN when there is none. */
export function median(values: readonly unknown[]): number {
  const xs = values.filter(isFiniteNumber).sort((a, b) => a - b);
  if (xs.length === 0) return NaN;
  const mid = xs.length >> 1;
  return xs.length % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
}

function stripZeros(text: string): string {
  // "1.00e-3" -> "1e-3", "0.100" -> "0.1", "2.50" -> "2.5"; leaves integers alone.
  const [mantissa, exponent] = text.split('e');
  let m = mantissa!;
  if (m.includes('.')) m = m.replace(/0+$/, '').replace(/\.$/, '');
  if (exponent === undefined) return m;
  return `${m}e${exponent.replace(/^\+/, '')}`;
}

/** A loss for a sentence: 3 significant digits ("4.07", "0.198"), exponent form outside [1e-3, 1e5). */
export function fmtLoss(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e5 ? x.toPrecision(3) : stripZeros(x.toExponential(2));
}

/** An axis value (a learning rate…): short, "1e-3", "3.16e-4", "0.1", "0.9", "64". */
export function fmtValue(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e-2 && a < 1e4 ? stripZeros(x.toPrecision(3)) : stripZeros(x.toExponential(2));
}

/** A fraction as a percentage with one decimal: 0.0231 -> "2.3%". */
export function fmtPct(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

/** A ratio: 3 significant digits without trailing zeros, "5×", "12.3×". */
export function fmtRatio(x: number): string {
  if (!Number.isFinite(x)) return `${String(x)}×`;
  return `${stripZeros(x.toPrecision(3))}×`;
}

/**
 * Any swept value for people: numbers as fmtValue, strings as they are, and
 * objects (a schedule, an optimizer) as "name key=value …" with nested objects
 * in parentheses and lists joined by commas, the way the CLI takes them:
 * {name: 'inverse_time', rate: 0.01} → "inverse_time rate=0.01".
 */
export function fmtAxisValue(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) < 1e6 ? String(value) : fmtValue(value);
  if (typeof value === 'string') return value;
  if (value === null || value === undefined || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'object' && v !== null ? `(${fmtAxisValue(v)})` : fmtAxisValue(v))).join(',');
  const o = value as Record<string, unknown>;
  const parts = typeof o.name === 'string' ? [o.name] : [];
  for (const [k, v] of Object.entries(o)) {
    if (k === 'name' && typeof v === 'string') continue;
    parts.push(`${k}=${typeof v === 'object' && v !== null && !Array.isArray(v) ? `(${fmtAxisValue(v)})` : fmtAxisValue(v)}`);
  }
  return parts.length > 0 ? parts.join(' ') : '{}';
}
