/**
 * Stable ids for trials: a 64-bit FNV-1a hash (as two 32-bit halves) of the
 * spec's canonical JSON (keys sorted). The same spec gets the same id in any
 * process, on any machine, in Node or a browser.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

export function hashId(text: string): string {
  // FNV-1a 64 split into high and low words: offset basis 0xcbf29ce484222325, prime 0x100000001b3.
  let hi = 0xcbf29ce4, lo = 0x84222325;
  for (let i = 0; i < text.length; i++) {
    lo = (lo ^ text.charCodeAt(i)) >>> 0;
    // (hi·2³² + lo) × (2⁴⁰ + 0x1b3) mod 2⁶⁴: lo × 0x1b3 is exact in a double (< 2⁴¹);
    // its upper part carries into hi, and lo × 2⁴⁰ lands in hi as lo << 8.
    const product = lo * 0x1b3;
    const carry = Math.floor(product / 0x100000000);
    hi = (Math.imul(hi, 0x1b3) + carry + (lo << 8)) >>> 0;
    lo = product >>> 0;
  }
  return (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');
}

export function specId(spec: unknown): string {
  return hashId(canonicalJson(spec));
}
