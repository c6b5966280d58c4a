/**
 * The one error class of lrlab. Every refusal of bad input throws it before any
 * work starts, with a stable `code`, the offending `field` and `value`, and a
 * message that says what is allowed ("Received: field=value" as Keras does).
 */
export type ErrorCode =
  | 'INVALID_OPTION' // a value outside its allowed range or of the wrong type
  | 'UNKNOWN_OPTION' // a name (option key, activation, optimizer...) that lrlab does not know
  | 'SHAPE_MISMATCH' // arrays whose lengths do not fit the declared shapes
  | 'INVALID_DATA' // NaN/Infinity in data, labels out of range, empty data set
  | 'CORRUPT_FILE' // a saved model or CSV that cannot be parsed or fails its checksum
  | 'ABORTED' // an operation cancelled through an AbortSignal
  | 'BUSY' // a folder in use by another lrlab run (its lock is held by a live process)
  | 'DISPOSED'; // a model used after its dispose()

export class LrlabError extends Error {
  readonly code: ErrorCode;
  readonly field: string;
  readonly value: unknown;
  /** What the field allows, as in the message. */
  readonly allowed: string;

  constructor(code: ErrorCode, field: string, value: unknown, allowed: string) {
    super(`${field}: ${allowed}. Received: ${field}=${describe(value)}`);
    this.name = 'LrlabError';
    this.code = code;
    this.field = field;
    this.value = value;
    this.allowed = allowed;
  }
}

/** Values are shown shortened: a 100 MB CSV cell must not become a 100 MB message. */
const SHOWN = 48;

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(shorten(value));
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (typeof value === 'bigint' || typeof value === 'symbol' || typeof value === 'function') return shorten(String(value));
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as Float32Array).length})`;
  try {
    return shorten(JSON.stringify(value) ?? String(value));
  } catch {
    return Array.isArray(value) ? `array(${value.length})` : 'object';
  }
}

export function shorten(text: string, length = SHOWN): string {
  return text.length > length ? `${text.slice(0, length - 1)}…(${text.length} chars)` : text;
}
