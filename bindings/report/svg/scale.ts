/**
 * Scales: a value in the data's domain to a pixel in a range, with the ticks
 * and tick labels of its axis. Linear scales tick at 1, 2 or 5 × 10^k; log
 * scales at the powers of ten (with 2× and 5×, or 3×, over few decades), and
 * label them as the LR reads best: 3e-4, 1.5e-3, 0.01, 0.5, 2. Values outside
 * the domain are clamped to its edge: a diverged loss is drawn at the top.
 */
import { formatNumber } from '../util.js';

export interface Scale {
  type: 'linear' | 'log';
  domain: [number, number];
  range: [number, number];
  /** The pixel of a value, clamped to the range; a non-positive value on a log scale goes to its low end. */
  (v: number): number;
  /** Tick values inside the domain, about `count` of them for a linear scale. */
  ticks(count?: number): number[];
  /** The label of a tick. */
  label(v: number): string;
}

/** The scale function with its axis' data attached. */
function withAxis(f: (v: number) => number, type: Scale['type'], domain: [number, number], range: [number, number],
  ticks: Scale['ticks'], label: Scale['label']): Scale {
  return Object.assign(f, { type, domain, range, ticks, label });
}

/** The tick step of a linear axis: 1, 2 or 5 × 10^k, giving about `count` ticks over the span (as d3's ticks). */
function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m >= Math.SQRT2 * 5 ? 10 : m >= Math.sqrt(10) ? 5 : m >= Math.SQRT2 ? 2 : 1) * p;
}

export function linearTicks(lo: number, hi: number, count = 5, minStep = 0): number[] {
  if (!(hi > lo)) return Number.isFinite(lo) ? [lo] : [];
  const step = Math.max(niceStep(hi - lo, count), minStep);
  const out: number[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) out.push(Number((k * step).toPrecision(12)));
  return out;
}

/** Labels of linear ticks: as many decimals as the step needs, formatNumber for very small or large values. */
function linearLabel(ticks: () => number[]): (v: number) => string {
  return (v) => {
    const ts = ticks();
    const step = ts.length > 1 ? Math.abs(ts[1]! - ts[0]!) : Math.abs(v) || 1;
    if (v !== 0 && (Math.abs(v) >= 1e5 || step < 1e-3)) return formatNumber(v, 3);
    const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)));
    return v.toFixed(decimals);
  };
}

export interface LinearOptions {
  /** Tick count wanted (default 5). */
  ticks?: number;
  /** The smallest tick step (1 for epochs: no 0.5 ticks). */
  minStep?: number;
  /** Tick labels (default: decimals as the step needs). */
  format?: (v: number) => string;
}

export function linearScale(domain: [number, number], range: [number, number], o: LinearOptions = {}): Scale {
  const [lo, hi] = domain[1] > domain[0] ? domain : domain[0] === domain[1] ? [domain[0] - 0.5, domain[0] + 0.5] as [number, number] : domain;
  const ticks = (count = o.ticks ?? 5) => linearTicks(Math.min(lo, hi), Math.max(lo, hi), count, o.minStep);
  const r0 = range[0], dr = range[1] - range[0], inv = 1 / (hi - lo);
  // Clamped to the range; NaN goes to its start. (Called for every point of every curve: kept to plain arithmetic.)
  const f = (v: number) => {
    const u = (v - lo) * inv;
    return r0 + (u > 0 ? (u < 1 ? u : 1) : 0) * dr;
  };
  return withAxis(f, 'linear', [lo, hi], range, ticks, o.format ?? linearLabel(() => ticks()));
}

/** Tick values for a log axis: the powers of ten in [lo, hi], with 2× and 5× (or 3×) when that range spans few decades. */
export function logTicks(lo: number, hi: number): number[] {
  if (!(lo > 0) || !(hi > 0) || !Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi < lo) [lo, hi] = [hi, lo];
  const decades = Math.log10(hi / lo);
  const mults = decades <= 1.2 ? [1, 2, 5] : decades <= 2.5 ? [1, 3] : [1];
  const step = decades > 12 ? 2 : 1;
  const out: number[] = [];
  for (let p = Math.floor(Math.log10(lo)); p <= Math.ceil(Math.log10(hi)); p += step) {
    for (const m of mults) {
      const v = Number((m * 10 ** p).toPrecision(6));
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(v);
    }
  }
  return out;
}

/** The label of a log tick: 3e-4, 1.5e-3 below 0.01 and from 1e5 up; 0.01, 0.5, 2, 300 between. */
export function logLabel(v: number): string {
  const a = Math.abs(v);
  return a < 0.01 || a >= 1e5 ? formatNumber(v, 3) : formatNumber(v, 6);
}

export function logScale(domain: [number, number], range: [number, number], values?: number[]): Scale {
  const lo = domain[0] > 0 ? domain[0] : 1e-12;
  const hi = domain[1] > lo ? domain[1] : lo * 10;
  const span = Math.log(hi / lo);
  const chosen = values ?? logTicks(lo, hi);
  // Fewer than two ticks in a narrow domain: fall back to the domain's ends.
  const ticks = () => (chosen.length >= 2 ? chosen : [lo, hi]);
  const r0 = range[0], dr = range[1] - range[0], logLo = Math.log(lo), inv = 1 / span;
  const f = (v: number) => {
    const u = v > 0 ? (Math.log(v) - logLo) * inv : 0;
    return r0 + (u > 0 ? (u < 1 ? u : 1) : 0) * dr;
  };
  return withAxis(f, 'log', [lo, hi], range, ticks, logLabel);
}

/** Evenly spaced bands for categories (the sensitivity to an optimizer, a heatmap's cells). */
export interface BandScale {
  domain: string[];
  /** The left (or top) edge of a category's band; NaN for a category not in the domain. */
  start(c: string): number;
  center(c: string): number;
  bandwidth: number;
}

export function bandScale(domain: string[], range: [number, number], paddingInner = 0): BandScale {
  const n = Math.max(1, domain.length);
  const step = (range[1] - range[0]) / n; // the bands fill the range; the padding shrinks each band about its centre
  const bandwidth = step * (1 - paddingInner);
  const index = new Map(domain.map((c, i) => [c, i]));
  const start = (c: string) => {
    const i = index.get(c);
    return i === undefined ? NaN : range[0] + i * step + (step - bandwidth) / 2;
  };
  return { domain, start, center: (c) => start(c) + bandwidth / 2, bandwidth };
}
