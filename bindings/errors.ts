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
  | 'ABORTED'; // an operation cancelled through an AbortSignal

export class LrlabError extends Error {
  readonly code: ErrorCode;
  readonly field: string;
  readonly value: unknown;

  constructor(code: ErrorCode, field: string, value: unknown, allowed: string) {
    super(`${field}: ${allowed}. Received: ${field}=${describe(value)}`);
    this.name = 'LrlabError';
    this.code = code;
    this.field = field;
    this.value = value;
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as Float32Array).length})`;
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? text.slice(0, 77) + '...' : text;
  } catch {
    return String(value);
  }
}
