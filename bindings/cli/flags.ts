/** Turning command-line text into spec values, with the project's errors. */
import { LrlabError } from '../errors.js';
import type { AxisSpec } from '../sweep/axes.js';

export function flagNumber(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new LrlabError('INVALID_OPTION', flag, text, 'must be a number');
  return value;
}

export function flagInteger(flag: string, text: string, min = 1): number {
  const value = flagNumber(flag, text);
  if (!Number.isInteger(value) || value < min) throw new LrlabError('INVALID_OPTION', flag, text, `must be an integer >= ${min}`);
  return value;
}

/**
 * An axis from a flag: "0.1,0.01,0.001" (a list), "1e0:1e-7:8" (from:to:count, log-spaced)
 * or, for names, "sgd,adam".
 */
export function flagAxis(flag: string, text: string, numeric = true): AxisSpec {
  if (text.includes(':')) {
    const parts = text.split(':');
    if (parts.length !== 3) throw new LrlabError('INVALID_OPTION', flag, text, 'must be a list "a,b,c" or a log range "from:to:count"');
    return { log: { from: flagNumber(flag, parts[0]), to: flagNumber(flag, parts[1]), count: flagInteger(flag, parts[2]) } };
  }
  const items = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new LrlabError('INVALID_OPTION', flag, text, 'must list at least one value');
  return numeric ? items.map((s) => flagNumber(flag, s)) : items;
}
