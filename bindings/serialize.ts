/**
 * A model as bytes: weights and optimizer state, so that training resumes
 * exactly where it stopped. Layout (little-endian):
 *
 *   "LRLAB1\0\0" | u32 header length | header JSON (UTF-8) | zero padding to 8
 *   | f64 scalars[8] | f32 params[paramCount] | f32 slots[slotCount × paramCount]
 *   | u32 CRC-32 of everything before it
 *
 * The header holds the model and optimizer specs, the seed, the LR policy's
 * state, the epochs trained and the preprocessing of the training data. Any
 * truncation, flipped bit or foreign file fails the magic, the lengths or the
 * checksum and is refused as CORRUPT_FILE.
 */
import { LrlabError } from './errors.js';
import type { ModelSpec, OptimizerSpec } from './spec.js';
import type { PolicyState } from './lr-policy.js';
import type { Preprocessing } from './preprocessing.js';

const FORMAT_VERSION = 1;
const MAGIC = `LRLAB${FORMAT_VERSION}\0\0`;

/** The format number of "LRLAB<n>\0…", whatever n is; undefined for another kind of file. */
function formatVersion(bytes: Uint8Array): number | undefined {
  if (bytes.length < 8 || String.fromCharCode(...bytes.subarray(0, 5)) !== 'LRLAB') return undefined;
  let n = 0, i = 5;
  for (; i < 8 && bytes[i] >= 48 && bytes[i] <= 57; i++) n = n * 10 + bytes[i] - 48;
  return i > 5 ? n : undefined;
}
const SCALARS = 8;

export interface SavedHeader {
  model: ModelSpec;
  optimizer: OptimizerSpec;
  seed: number;
  /** LR scale, plateau and early-stopping state, divergence reference. */
  policy: PolicyState;
  epochsTrained: number;
  paramCount: number;
  slotCount: number;
  /** Feature names, standardization and label encoding (see preprocessing.ts); absent in files saved before it was recorded. */
  preprocessing?: Preprocessing;
  /** Free-form JSON state of LR policies and trainers (e.g. plateau state). */
  extra?: Record<string, unknown>;
}

export interface SavedState {
  header: SavedHeader;
  scalars: Float64Array;
  params: Float32Array;
  slots: Float32Array; // slotCount × paramCount, slot after slot
}

export function encodeModel(state: SavedState): Uint8Array {
  const { header, scalars, params, slots } = state;
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerEnd = align8(MAGIC.length + 4 + json.length);
  const total = headerEnd + SCALARS * 8 + params.length * 4 + slots.length * 4 + 4;
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < MAGIC.length; i++) bytes[i] = MAGIC.charCodeAt(i);
  view.setUint32(MAGIC.length, json.length, true);
  bytes.set(json, MAGIC.length + 4);
  let at = headerEnd;
  for (let i = 0; i < SCALARS; i++, at += 8) view.setFloat64(at, scalars[i] ?? 0, true);
  for (const array of [params, slots]) for (let i = 0; i < array.length; i++, at += 4) view.setFloat32(at, array[i], true);
  view.setUint32(at, crc32(bytes.subarray(0, at)), true);
  return bytes;
}

export function decodeModel(bytes: Uint8Array, field = 'bytes'): SavedState {
  const corrupt = (what: string): never => {
    throw new LrlabError('CORRUPT_FILE', field, bytes, `is not a valid lrlab model (${what}); a damaged model cannot be repaired: restore a copy or train again`);
  };
  if (!(bytes instanceof Uint8Array)) throw new LrlabError('INVALID_OPTION', field, bytes, 'must be a Uint8Array');
  if (bytes.length < MAGIC.length + 8) corrupt(`only ${bytes.length} bytes`);
  const version = formatVersion(bytes);
  if (version !== undefined && version > FORMAT_VERSION) {
    throw new LrlabError('CORRUPT_FILE', field, bytes,
      `was saved by a newer lrlab (model format ${version}; this lrlab reads format ${FORMAT_VERSION}): upgrade lrlab to load it`);
  }
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC.charCodeAt(i)) corrupt('wrong magic number: not a model file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stored = view.getUint32(bytes.length - 4, true);
  if (crc32(bytes.subarray(0, bytes.length - 4)) !== stored) corrupt('checksum mismatch: truncated or altered');
  const jsonLength = view.getUint32(MAGIC.length, true);
  if (MAGIC.length + 4 + jsonLength > bytes.length) corrupt('header longer than the file');
  let header: SavedHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(MAGIC.length + 4, MAGIC.length + 4 + jsonLength)));
  } catch {
    return corrupt('unreadable header');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return corrupt('header is not an object');
  const { paramCount, slotCount } = header;
  if (!Number.isInteger(paramCount) || !Number.isInteger(slotCount) || paramCount < 1 || slotCount < 0) corrupt('bad sizes in header');
  if (!Number.isInteger(header.epochsTrained) || header.epochsTrained < 0) corrupt('epochsTrained in the header is not a whole number >= 0');
  if (!Number.isInteger(header.seed) || header.seed < 0) corrupt('seed in the header is not a whole number >= 0');
  for (const key of ['model', 'optimizer', 'policy'] as const) {
    if (typeof header[key] !== 'object' || header[key] === null || Array.isArray(header[key])) corrupt(`${key} in the header is not an object`);
  }
  let at = align8(MAGIC.length + 4 + jsonLength);
  if (at + SCALARS * 8 + (paramCount + slotCount * paramCount) * 4 + 4 !== bytes.length) corrupt('length does not match the header');
  const scalars = new Float64Array(SCALARS);
  for (let i = 0; i < SCALARS; i++, at += 8) scalars[i] = view.getFloat64(at, true);
  const params = new Float32Array(paramCount);
  for (let i = 0; i < paramCount; i++, at += 4) params[i] = view.getFloat32(at, true);
  const slots = new Float32Array(slotCount * paramCount);
  for (let i = 0; i < slots.length; i++, at += 4) slots[i] = view.getFloat32(at, true);
  return { header, scalars, params, slots };
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

let table: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3, as zlib and PNG). */
export function crc32(bytes: Uint8Array): number {
  table ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = table[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
