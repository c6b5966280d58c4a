/**
 * The few protocol-buffers encodings the ONNX export needs: varints, 32-bit
 * floats, length-delimited bytes, strings and nested messages, and packed
 * varints (https://protobuf.dev/programming-guides/encoding/). A message is
 * the concatenation of its fields, so each helper returns one encoded field.
 */
const utf8 = new TextEncoder();

/** A field's key: its number and wire type (0 varint, 2 length-delimited, 5 32-bit). */
function key(field: number, wireType: 0 | 2 | 5): Uint8Array {
  return varintBytes(field * 8 + wireType);
}

/** Base-128 varint of an integer in [0, 2^53), low groups first; arithmetic rather than bit operators, which stop at 32 bits. */
export function varintBytes(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`varint: ${value} is not an integer in [0, 2^53)`);
  const out: number[] = [];
  while (value >= 0x80) {
    out.push((value % 0x80) + 0x80);
    value = Math.floor(value / 0x80);
  }
  out.push(value);
  return Uint8Array.from(out);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function varintField(field: number, value: number): Uint8Array {
  return concat([key(field, 0), varintBytes(value)]);
}

export function floatField(field: number, value: number): Uint8Array {
  const out = new Uint8Array(5);
  out.set(key(field, 5));
  new DataView(out.buffer).setFloat32(1, value, true);
  return out;
}

export function bytesField(field: number, bytes: Uint8Array): Uint8Array {
  return concat([key(field, 2), varintBytes(bytes.length), bytes]);
}

export function stringField(field: number, text: string): Uint8Array {
  return bytesField(field, utf8.encode(text));
}

/** A nested message: its fields, length-delimited. */
export function messageField(field: number, fields: Uint8Array[]): Uint8Array {
  return bytesField(field, concat(fields));
}

/** A repeated integer field in packed form (one length-delimited run of varints). */
export function packedField(field: number, values: number[]): Uint8Array {
  return bytesField(field, concat(values.map(varintBytes)));
}
