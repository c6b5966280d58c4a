/** Small helpers shared by the charts, the HTML and the files of the reports. */
import { fmtAxisValue } from '../diagnostics/stats.js';
import type { History } from '../history.js';
import type { TrialResult } from '../sweep/types.js';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and (double- or single-quoted) attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** A number for people: 1e-3, 3.2e-5, 0.9, 0.0523, 1234; NaN and ±Infinity spelled out; "—" for missing. */
export function formatNumber(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined) return '—';
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a < 1e-2 || a >= 1e5) {
    const [m, e] = x.toExponential(Math.max(0, digits - 1)).split('e');
    const mantissa = m.includes('.') ? m.replace(/0+$/, '').replace(/\.$/, '') : m;
    return `${mantissa}e${Number(e)}`;
  }
  return String(Number(x.toPrecision(digits)));
}

/**
 * A swept value for people: numbers as formatNumber (4 significant digits), strings as they are,
 * objects as "name key=value …" (fmtAxisValue: "inverse_time rate=0.01"), "—" for a value the trial
 * does not have (momentum of an optimizer without one).
 */
export function formatValue(v: unknown): string {
  if (typeof v === 'number') return formatNumber(v, 4);
  if (typeof v === 'string') return v;
  if (v === undefined) return '—';
  return fmtAxisValue(v);
}

export function formatPercent(x: number | null | undefined): string {
  if (x === null || x === undefined) return '—';
  if (!Number.isFinite(x)) return formatNumber(x);
  return `${(x * 100).toFixed(1)}%`;
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms - m * 60_000) / 1000)} s`;
}

/**
 * Short names for axis paths: the last segment ("optimizer.momentum" → "momentum"),
 * or the whole path where two axes would share a last segment.
 */
export function axisNamer(axes: string[]): (path: string) => string {
  const last = (p: string) => p.slice(p.lastIndexOf('.') + 1) || p;
  const counts = new Map<string, number>();
  for (const a of new Set(axes)) counts.set(last(a), (counts.get(last(a)) ?? 0) + 1);
  return (path) => ((counts.get(last(path)) ?? 0) > 1 ? path : last(path));
}

/** Sorts axis values: numbers ascending, then the rest by their text. */
export function compareValues(a: unknown, b: unknown): number {
  const na = typeof a === 'number', nb = typeof b === 'number';
  if (na && nb) return (a as number) - (b as number);
  if (na !== nb) return na ? -1 : 1;
  return formatValue(a).localeCompare(formatValue(b));
}

/** The final and best numbers of one trial; null where the trial did not record them. */
export interface TrialNumbers {
  epochs: number;
  finalLoss: number | null;
  bestLoss: number | null;
  finalAccuracy: number | null;
  finalValLoss: number | null;
  bestValLoss: number | null;
  finalValAccuracy: number | null;
  testLoss: number | null;
  testAccuracy: number | null;
  finalLr: number | null;
}

const last = (xs: number[] | undefined): number | null => (xs && xs.length > 0 ? xs[xs.length - 1] : null);

/** The lowest finite value, or null when there is none. */
export function finiteMin(xs: number[] | undefined): number | null {
  let best: number | null = null;
  if (xs) for (let i = 0; i < xs.length; i++) { const x = xs[i]!; if (Number.isFinite(x) && (best === null || x < best)) best = x; }
  return best;
}

export function historyNumbers(history: History | undefined): Omit<TrialNumbers, 'testLoss' | 'testAccuracy'> {
  return {
    epochs: history?.loss.length ?? 0,
    finalLoss: last(history?.loss),
    bestLoss: finiteMin(history?.loss),
    finalAccuracy: last(history?.accuracy),
    finalValLoss: last(history?.valLoss),
    bestValLoss: finiteMin(history?.valLoss),
    finalValAccuracy: last(history?.valAccuracy),
    finalLr: last(history?.lr),
  };
}

export function trialNumbers(result: TrialResult): TrialNumbers {
  return { ...historyNumbers(result.history), testLoss: result.test?.loss ?? null, testAccuracy: result.test?.accuracy ?? null };
}

/**
 * Indices that keep a long series drawable: all of them up to maxPoints, else
 * the first, the last, and the lowest and highest point of each of maxPoints/2
 * equal buckets (in order), so spikes and the envelope of oscillations survive.
 * Non-finite values count as the highest.
 */
export function downsampleIndices(values: ArrayLike<number>, maxPoints: number): number[] {
  const n = values.length;
  if (n <= maxPoints) {
    const all: number[] = [];
    for (let i = 0; i < n; i++) all.push(i);
    return all;
  }
  const buckets = Math.max(1, Math.floor((maxPoints - 2) / 2));
  const out: number[] = [0];
  const key = (i: number) => (Number.isFinite(values[i]) ? values[i] : Infinity);
  for (let b = 0; b < buckets; b++) {
    const from = 1 + Math.floor((b * (n - 2)) / buckets);
    const to = 1 + Math.floor(((b + 1) * (n - 2)) / buckets);
    if (to <= from) continue;
    let lo = from, hi = from, low = key(from), high = low;
    for (let i = from + 1; i < to; i++) {
      const k = key(i);
      if (k < low) { lo = i; low = k; }
      if (k > high) { hi = i; high = k; }
    }
    if (lo === hi) out.push(lo);
    else out.push(Math.min(lo, hi), Math.max(lo, hi));
  }
  out.push(n - 1);
  return out;
}

/** JSON for showing: non-finite numbers spelled out, long arrays shortened, cycles cut. */
export function displayJson(value: unknown): string {
  const seen = new WeakSet<object>();
  try {
    const text = JSON.stringify(
      value,
      (_key, v: unknown) => {
        if (typeof v === 'number' && !Number.isFinite(v)) return formatNumber(v);
        if (typeof v === 'bigint') return v.toString();
        if (typeof v === 'function') return undefined;
        if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as unknown as ArrayLike<number>).length})`;
        if (v && typeof v === 'object') {
          if (seen.has(v)) return '[circular]';
          seen.add(v);
          if (Array.isArray(v) && v.length > 50) return [...v.slice(0, 50), `… ${v.length - 50} more`];
        }
        return v;
      },
      2,
    );
    return text ?? String(value);
  } catch {
    return String(value);
  }
}
