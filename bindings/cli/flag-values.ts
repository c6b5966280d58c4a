/**
 * The structured values of the training flags, in forms a person can type:
 * a schedule as `NAME key=value …` or JSON, reduce-on-plateau and early
 * stopping as `key=value,key=value` (or `on` / `off`), a test split as
 * `0.3` / `last=500` / `none`. Each is checked by the validator of its spec
 * under the flag's name, so an error names the flag and the field
 * ("--plateau.factor: must be < 1 …").
 */
import { validateEarlyStopping, type EarlyStoppingSpec } from '../early-stopping.js';
import { LrlabError } from '../errors.js';
import type { ExperimentSpec } from '../experiment.js';
import { validateDivergence, type DivergenceSpec } from '../lr-policy.js';
import { validatePlateau, type PlateauSpec } from '../plateau.js';
import { validateSchedule, type ScheduleSpec } from '../schedules/index.js';
import { checkNumber } from '../validate.js';

const ON = ['on', 'true', 'yes', '1'];
const OFF = ['off', 'false', 'no', '0'];

/** on/true/yes/1 or off/false/no/0. */
export function flagSwitch(flag: string, text: string): boolean {
  const t = text.trim().toLowerCase();
  if (ON.includes(t)) return true;
  if (OFF.includes(t)) return false;
  throw new LrlabError('INVALID_OPTION', flag, text, 'must be on or off');
}

/** A typed value: a number, true/false, a comma list of numbers (where lists are allowed), else the text. */
function typedValue(flag: string, key: string, text: string, lists: boolean): unknown {
  if (text === '') throw new LrlabError('INVALID_OPTION', `${flag}.${key}`, text, 'needs a value after "="');
  if (text === 'true' || text === 'false') return text === 'true';
  if (lists && text.includes(',')) return text.split(',').map((part) => typedValue(flag, key, part.trim(), false));
  const n = Number(text);
  return Number.isFinite(n) ? n : text;
}

/** `key=value` pairs separated by `separator` into an object. */
function keyValues(flag: string, text: string, separator: RegExp, lists: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of text.split(separator).map((s) => s.trim()).filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new LrlabError('INVALID_OPTION', flag, pair, 'must be key=value pairs, e.g. "patience=5,factor=0.5"');
    const key = pair.slice(0, eq).trim();
    if (Object.hasOwn(out, key)) throw new LrlabError('INVALID_OPTION', `${flag}.${key}`, text, 'is given twice');
    out[key] = typedValue(flag, key, pair.slice(eq + 1).trim(), lists);
  }
  return out;
}

function parseJson(flag: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new LrlabError('INVALID_OPTION', flag, text, `must be valid JSON when it starts with "{" (${(error as Error).message})`);
  }
}

/** A schedule: JSON (`{"name":"cosine","decaySteps":2000}`) or `NAME key=value …` (`step every=10 factor=0.5`, `multistep milestones=50,100`). */
export function flagSchedule(flag: string, text: string): ScheduleSpec {
  const t = text.trim();
  let spec: unknown;
  if (t.startsWith('{')) {
    spec = parseJson(flag, t);
  } else {
    const [name = '', ...rest] = t.split(/\s+/);
    if (name === '' || name.includes('=')) throw new LrlabError('INVALID_OPTION', flag, text, 'must start with a schedule name, e.g. "cosine decaySteps=2000", or be JSON');
    spec = { name, ...keyValues(flag, rest.join(' '), /\s+/, true) };
  }
  validateSchedule(spec, flag);
  return spec as ScheduleSpec;
}

/** `on` (the defaults), `off` (null: none) or `key=value,…`, checked by `validate` under the flag's name. */
function flagPolicy<T>(flag: string, text: string, validate: (spec: unknown, field: string) => unknown): T | null {
  const t = text.trim();
  if (OFF.includes(t.toLowerCase())) return null;
  const spec = ON.includes(t.toLowerCase()) ? {} : t.startsWith('{') ? parseJson(flag, t) : keyValues(flag, t, /[,\s]+/, false);
  validate(spec, flag);
  return spec as T;
}

export function flagPlateau(flag: string, text: string): PlateauSpec | null {
  return flagPolicy<PlateauSpec>(flag, text, validatePlateau);
}

export function flagEarlyStopping(flag: string, text: string): EarlyStoppingSpec | null {
  return flagPolicy<EarlyStoppingSpec>(flag, text, validateEarlyStopping);
}

/** `off` (only a non-finite loss counts), a factor (`20`), or key=value pairs (`factor=20,patience=5`). */
export function flagDivergence(flag: string, text: string): DivergenceSpec | false {
  const t = text.trim();
  if (OFF.includes(t.toLowerCase())) return false;
  const spec = t.includes('=') ? keyValues(flag, t, /[,\s]+/, false) : { factor: Number(t) };
  if (!t.includes('=') && (t === '' || !Number.isFinite(spec.factor))) {
    throw new LrlabError('INVALID_OPTION', flag, text, 'must be a factor > 1 (e.g. 10) or off');
  }
  validateDivergence(spec, flag);
  return spec as DivergenceSpec;
}

/**
 * The test set: `0.3` or `30%` (that fraction of the rows, shuffled with seed 0), `200` (that many rows,
 * shuffled), `last=500` / `last=0.5` / `last=50%` (the last rows, in their order), or `none`.
 */
export function flagTestSplit(flag: string, text: string): ExperimentSpec['split'] | null {
  const t = text.trim().toLowerCase();
  if (t === 'none' || t === 'off') return null;
  const ordered = t.startsWith('last=');
  const amount = ordered ? t.slice('last='.length) : t;
  const percent = amount.endsWith('%');
  const n = Number(percent ? amount.slice(0, -1) : amount);
  const allowed = 'must be a fraction in (0, 1) ("0.3", "30%"), a number of rows ("200"), "last=" one of those (the last rows, in order) or "none"';
  if (amount === '' || !Number.isFinite(n) || n <= 0) throw new LrlabError('INVALID_OPTION', flag, text, allowed);
  const order = ordered ? { shuffle: false } : { shuffle: true, seed: 0 };
  if (percent) return { testFraction: checkNumber(flag, n / 100, { above: 0, below: 1 }), ...order };
  if (n < 1) return { testFraction: n, ...order };
  if (!Number.isInteger(n)) throw new LrlabError('INVALID_OPTION', flag, text, allowed);
  return { testRows: n, ...order };
}

/** A fraction of the training rows held out for validation, in (0, 1). */
export function flagValidationSplit(flag: string, text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new LrlabError('INVALID_OPTION', flag, text, 'must be a fraction in (0, 1), e.g. 0.2');
  return checkNumber(flag, n, { above: 0, below: 1 });
}
