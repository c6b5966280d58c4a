/**
 * The browser build with lrlab.wasm inside the bundle (lrlab.embedded.js): one
 * file to ship, nothing to fetch. The bundler turns the import below into the
 * wasm's bytes (esbuild's binary loader); sweeps still need lrlab-worker.js.
 */
import wasmBytes from '../../build/lrlab.wasm';
import { setDefaultWasm } from '../backend/wasm-module.js';

export * from './index.js';

setDefaultWasm(wasmBytes);
