/**
 * JSON for results: NaN and ±Infinity (a diverged loss) have no JSON form, so
 * they are written as null, and null in a number array is read back as NaN.
 */
import type { TrialResult } from './types.js';

export function resultToJson(result: TrialResult): string {
  // A replacer makes JSON.stringify call back into JS for every key and value (about 5x slower); a
  // result that holds no non-finite number needs none: the text is the same either way.
  return allFinite(result) ? JSON.stringify(result) : JSON.stringify(result, nullForNonFinite);
}

export function resultFromJson(line: string): TrialResult {
  // A reviver is called for every key and value (results.jsonl of the default sweep took about 45 ms to
  // read with one); only a line holding a null needs it, and the result is the same either way.
  if (!line.includes('null')) return JSON.parse(line) as TrialResult;
  return JSON.parse(line, (_key, value) => {
    if (Array.isArray(value)) return value.map((v) => (v === null ? NaN : v));
    return value;
  }) as TrialResult;
}

function nullForNonFinite(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}

/** False when a number anywhere in `value` is NaN or ±Infinity (it walks every enumerable key, a superset of what JSON.stringify writes). */
function allFinite(value: unknown): boolean {
  if (typeof value === 'number') return value - value === 0; // false only for NaN and ±Infinity
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      // Numbers checked here, not passed on: passing a double of a number array boxes it.
      if (typeof v === 'number' ? v - v !== 0 : !allFinite(v)) return false;
    }
    return true;
  }
  for (const key in value) if (!allFinite((value as Record<string, unknown>)[key])) return false;
  return true;
}
