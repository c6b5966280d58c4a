/**
 * JSON for results: NaN and ±Infinity (a diverged loss) have no JSON form, so
 * they are written as null, and null in a number array is read back as NaN.
 */
import type { TrialResult } from './types.js';

export function resultToJson(result: TrialResult): string {
  return JSON.stringify(result, (_key, value) => (typeof value === 'number' && !Number.isFinite(value) ? null : value));
}

export function resultFromJson(line: string): TrialResult {
  return JSON.parse(line, (_key, value) => {
    if (Array.isArray(value)) return value.map((v) => (v === null ? NaN : v));
    return value;
  }) as TrialResult;
}
