/**
 * Small guards used by every spec parser. Each throws LrlabError naming the
 * field, the received value and what is allowed. An explicit 0 is a value,
 * never "missing": defaults apply only to `undefined`.
 */
import { LrlabError } from './errors.js';
import { didYouMean } from './suggest.js';

/**
 * The largest learning rate lrlab accepts anywhere (optimizer, schedules): far
 * above any that trains (1e6 still makes a run diverge on purpose), low enough
 * that every schedule's arithmetic on it stays finite (maxLr 1e308 did not).
 */
export const MAX_LR = 1e6;

export interface NumberRule {
  min?: number; // inclusive
  max?: number; // inclusive
  above?: number; // exclusive lower bound
  below?: number; // exclusive upper bound
  integer?: boolean;
}

export function checkNumber(field: string, value: unknown, rule: NumberRule = {}): number {
  const { min, max, above, below, integer } = rule;
  // The rule's text is built only for an error: a trial's specs pass a few hundred checks.
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new LrlabError('INVALID_OPTION', field, value, `must be a finite number${describeRule(rule)}`);
  }
  if (integer && !Number.isInteger(value)) {
    throw new LrlabError('INVALID_OPTION', field, value, `must be an integer${describeRule(rule)}`);
  }
  if ((min !== undefined && value < min) || (max !== undefined && value > max) ||
      (above !== undefined && value <= above) || (below !== undefined && value >= below)) {
    throw new LrlabError('INVALID_OPTION', field, value, `must be ${integer ? 'an integer' : 'a number'}${describeRule(rule)}`);
  }
  return value;
}

/** `value ?? fallback`, then checked: 0 stays 0. */
export function numberOr(field: string, value: unknown, fallback: number, rule: NumberRule = {}): number {
  return checkNumber(field, value === undefined ? fallback : value, rule);
}

export function checkBoolean(field: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new LrlabError('INVALID_OPTION', field, value, 'must be true or false');
  return value;
}

export function checkChoice<T extends string>(field: string, value: unknown, choices: readonly T[]): T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw new LrlabError('UNKNOWN_OPTION', field, value, `must be one of ${choices.join(', ')}${didYouMean(value as string, choices)}`);
  }
  return value as T;
}

/**
 * The object's own enumerable properties, as a new object: what a spec
 * parser reads from the result is never inherited (an option on a prototype, or
 * on a polluted Object.prototype, is not an option of this spec).
 */
export function checkObject(field: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new LrlabError('INVALID_OPTION', field, value, 'must be an object');
  }
  const own = Object.create(null) as Record<string, unknown>; // no prototype: a missing key reads undefined, even from a polluted Object.prototype
  for (const key of Object.keys(value)) {
    own[key] = (value as Record<string, unknown>)[key];
  }
  return own;
}

/** Refuses keys a spec does not define, so a typo never silently becomes a default. */
export function checkKeys(field: string, value: Record<string, unknown>, known: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw new LrlabError('UNKNOWN_OPTION', `${field}.${key}`, value[key], `is not an option${didYouMean(key, known)}; known options are ${known.join(', ')}`);
    }
  }
}

function describeRule({ min, max, above, below }: NumberRule): string {
  const parts: string[] = [];
  if (min !== undefined) parts.push(`>= ${min}`);
  if (above !== undefined) parts.push(`> ${above}`);
  if (max !== undefined) parts.push(`<= ${max}`);
  if (below !== undefined) parts.push(`< ${below}`);
  return parts.length ? ' ' + parts.join(' and ') : '';
}
