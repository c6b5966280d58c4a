/**
 * The opt-in relaxed-SIMD build as a benchmark peer. Node 20 validates relaxed
 * SIMD only with --experimental-wasm-relaxed-simd; V8 takes the flag at run time
 * if it is set before any module is compiled, so run.ts imports this file
 * first. Where the engine still lacks it (or in a process that did not import
 * this first) the suites skip the relaxed peer with a printed line.
 */
import v8 from 'node:v8';
import { relaxedSimdSupported, relaxedWasmModule } from '../bindings/backend/wasm-module.js';

v8.setFlagsFromString('--experimental-wasm-relaxed-simd');

export const RELAXED_PEER = 'lrlab wasm relaxed';

/** What a suite prints in place of the relaxed peer's rows. */
export const RELAXED_SKIPPED = `${RELAXED_PEER}: skipped, this engine has no relaxed SIMD (f32x4.relaxed_madd does not validate).\n`;

/** build/lrlab.relaxed.wasm compiled, or undefined where this engine has no relaxed SIMD. */
export async function relaxedModule(): Promise<WebAssembly.Module | undefined> {
  return relaxedSimdSupported() ? relaxedWasmModule() : undefined;
}
