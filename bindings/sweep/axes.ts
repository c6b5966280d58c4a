/**
 * Axis values of a sweep: explicit lists, log- and linear-spaced grids, and
 * the distributions random search samples from.
 */
import { LrlabError } from '../errors.js';
import type { Rng } from '../random.js';
import { checkKeys, checkNumber, checkObject } from '../validate.js';

export type AxisSpec =
  | unknown[] // explicit values (a grid axis; random search picks among them)
  | { log: { from: number; to: number; count: number } }
  | { linear: { from: number; to: number; count: number } }
  | { uniform: [number, number] }
  | { logUniform: [number, number] };

/** 12 significant digits: 10 ** -4 is 1e-4, not 0.00009999999999999999. */
function tidy(x: number): number {
  return Number(x.toPrecision(12));
}

/** `count` values from `from` to `to` (both included) evenly spaced in log scale: logGrid(1, 1e-7, 8) = 1, 0.1, …, 1e-7. */
export function logGrid(from: number, to: number, count: number): number[] {
  if (!(from > 0) || !(to > 0)) throw new LrlabError('INVALID_OPTION', 'log.from', from, 'and log.to must be > 0');
  if (count === 1) return [tidy(from)];
  const a = Math.log10(from), b = Math.log10(to);
  return Array.from({ length: count }, (_, i) => tidy(10 ** (a + ((b - a) * i) / (count - 1))));
}

export function linearGrid(from: number, to: number, count: number): number[] {
  if (count === 1) return [tidy(from)];
  return Array.from({ length: count }, (_, i) => tidy(from + ((to - from) * i) / (count - 1)));
}

export type ResolvedAxis = { kind: 'values'; values: unknown[] } | { kind: 'uniform' | 'logUniform'; low: number; high: number };

export function resolveAxis(spec: unknown, field: string): ResolvedAxis {
  if (Array.isArray(spec)) {
    if (spec.length === 0) throw new LrlabError('INVALID_OPTION', field, spec, 'must list at least one value');
    const seen = new Set(spec.map((v) => JSON.stringify(v)));
    if (seen.size !== spec.length) throw new LrlabError('INVALID_OPTION', field, spec, 'must not repeat a value');
    return { kind: 'values', values: spec };
  }
  const o = checkObject(field, spec);
  const [kind, ...rest] = Object.keys(o);
  if (rest.length || !['log', 'linear', 'uniform', 'logUniform'].includes(kind)) {
    throw new LrlabError('UNKNOWN_OPTION', field, spec, 'must be a list of values or one of {log}, {linear}, {uniform}, {logUniform}');
  }
  if (kind === 'log' || kind === 'linear') {
    const g = checkObject(`${field}.${kind}`, o[kind]);
    checkKeys(`${field}.${kind}`, g, ['from', 'to', 'count']);
    const positive = kind === 'log' ? { above: 0 } : {};
    const from = checkNumber(`${field}.${kind}.from`, g.from, positive);
    const to = checkNumber(`${field}.${kind}.to`, g.to, positive);
    const count = checkNumber(`${field}.${kind}.count`, g.count, { min: 1, max: 10_000, integer: true });
    if (count > 1 && from === to) throw new LrlabError('INVALID_OPTION', `${field}.${kind}.to`, to, 'must differ from from when count > 1');
    return { kind: 'values', values: kind === 'log' ? logGrid(from, to, count) : linearGrid(from, to, count) };
  }
  const range = o[kind];
  if (!Array.isArray(range) || range.length !== 2) throw new LrlabError('INVALID_OPTION', `${field}.${kind}`, range, 'must be [low, high]');
  const positive = kind === 'logUniform' ? { above: 0 } : {};
  const low = checkNumber(`${field}.${kind}[0]`, range[0], positive);
  const high = checkNumber(`${field}.${kind}[1]`, range[1], { ...positive, min: low });
  return { kind: kind as 'uniform' | 'logUniform', low, high };
}

/** One random draw from an axis (values: uniform choice). */
export function sampleAxis(axis: ResolvedAxis, rng: Rng): unknown {
  if (axis.kind === 'values') return axis.values[rng.nextU32() % axis.values.length];
  const u = rng.uniform();
  if (axis.kind === 'uniform') return tidy(axis.low + (axis.high - axis.low) * u);
  return tidy(Math.exp(Math.log(axis.low) + (Math.log(axis.high) - Math.log(axis.low)) * u));
}
