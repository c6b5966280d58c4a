/**
 * Limits on the JSON lrlab is given (spec files, sweep.json, model headers) and
 * on spec objects passed to the API: the validators, structuredClone and the
 * canonical JSON of trial ids all recurse, so a spec nested 100 000 deep would
 * overflow the stack. This walk is iterative and runs first.
 */
import { LrlabError } from './errors.js';

/** Deeper than any real spec (a sweep of composite schedules nests about 20 levels). */
export const MAX_SPEC_DEPTH = 64;
/** Values (objects, arrays, numbers, strings…) in one spec. */
export const MAX_SPEC_NODES = 1_000_000;
/** Bytes of one spec file. */
export const MAX_SPEC_BYTES = 16 * 1024 * 1024;

export function checkJsonShape(field: string, value: unknown): void {
  const stack: [unknown, number][] = [[value, 1]];
  let nodes = 0;
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (++nodes > MAX_SPEC_NODES) throw new LrlabError('INVALID_OPTION', field, `${nodes}+ values`, `must hold at most ${MAX_SPEC_NODES} values`);
    if (typeof node !== 'object' || node === null || ArrayBuffer.isView(node)) continue;
    if (depth > MAX_SPEC_DEPTH) {
      throw new LrlabError('INVALID_OPTION', field, `nested ${depth}+ levels`, `must nest at most ${MAX_SPEC_DEPTH} levels of objects and arrays`);
    }
    for (const child of Object.values(node)) if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
}

/** JSON text to a value: size, syntax and shape checked; refusals name `field` with `source` (a path) as the value. */
export function parseJsonText(field: string, source: string, text: string, recovery = ''): unknown {
  if (text.length > MAX_SPEC_BYTES) throw new LrlabError('INVALID_OPTION', field, source, `must be at most ${MAX_SPEC_BYTES} bytes (it has ${text.length})`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new LrlabError('CORRUPT_FILE', field, source, `must hold valid JSON (${(error as Error).message.slice(0, 60)})${recovery}`);
  }
  checkJsonShape(field, value);
  return value;
}
