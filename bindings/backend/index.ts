/** Picks and builds a backend. `wasm` is the default; `js` is the pure-TypeScript reference. */
import { LrlabError } from '../errors.js';
import type { NormalizedModel, NormalizedOptimizer } from '../spec.js';
import { JsBackend } from './js/index.js';
import type { Backend, BackendKind } from './types.js';
import { WasmBackend } from './wasm.js';
import type { WasmSource } from './wasm-module.js';

export const BACKENDS: readonly BackendKind[] = ['wasm', 'js'];

export async function createBackend(kind: BackendKind, model: NormalizedModel, optimizer: NormalizedOptimizer,
  batchCapacity: number, wasm?: WasmSource): Promise<Backend> {
  if (kind === 'wasm') return WasmBackend.create(model, optimizer, batchCapacity, wasm);
  if (kind === 'js') return new JsBackend(model, optimizer, batchCapacity);
  throw new LrlabError('UNKNOWN_OPTION', 'backend', kind, `must be one of ${BACKENDS.join(', ')}`);
}

export type { Backend, BackendKind } from './types.js';
export type { WasmSource } from './wasm-module.js';
