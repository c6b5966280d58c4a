/**
 * Compiles build/lrlab.wasm once per process (or page) and hands out the
 * compiled module. No loader and no generated glue: the ABI is numbers only
 * (see assembly/index.ts), so plain WebAssembly.instantiate is all it takes,
 * and the same code runs in Node and browsers.
 */
type WasmLocationOrBytes = URL | string | ArrayBuffer | Uint8Array<ArrayBuffer>;
export type WasmSource = WasmLocationOrBytes | WebAssembly.Module;

export interface WasmExports {
  memory: WebAssembly.Memory;
  setLayerCount(count: number): void;
  setLayer(l: number, inDim: number, outDim: number, act: number, alpha: number, init: number): void;
  setLayerLrScale(l: number, scale: number): void;
  setLoss(kind: number): void;
  setOptimizer(kind: number, flags: number, h0: number, h1: number, h2: number, h3: number,
    l2: number, clipValue: number, clipNorm: number): void;
  layout(batchCap: number): number;
  initParams(seed: number): void;
  resetOptimizer(): void;
  dataReset(): void;
  dataReserve(slot: number, rows: number): void;
  beginEpoch(seed: number, epoch: number, shuffle: number): void;
  trainBatch(start: number, rows: number, lr: number): number;
  trainBatches(first: number, count: number, size: number, bound: number): number;
  lrTablePtr(): number;
  lossTablePtr(): number;
  computeGradients(slot: number, start: number, rows: number): number;
  sliceGradients(start: number, rows: number, batchRows: number): number;
  applyUpdate(lr: number): void;
  evaluateSlot(slot: number): number;
  predictRows(slot: number, start: number, rows: number): number;
  paramsPtr(): number;
  gradsPtr(): number;
  slotsPtr(): number;
  scalarsPtr(): number;
  paramCount(): number;
  slotStride(): number;
  slotCount(): number;
  dataXPtr(slot: number): number;
  dataYPtr(slot: number): number;
  correctCount(): number;
  epochCorrect(): number;
  // Kernel access for tests and benchmarks.
  scratchReserve(bytes: number): number;
  gemmNN(c: number, a: number, b: number, m: number, k: number, n: number, pack: number): void;
  gemmNT(c: number, a: number, b: number, m: number, k: number, n: number, pack: number): void;
  gemmTN(c: number, a: number, b: number, m: number, k: number, n: number, pack: number): void;
  peakMulAdd(iterations: number, s: number, t: number): number;
}

const DEFAULT_URL = new URL('../../build/lrlab.wasm', import.meta.url);
let defaultSource: WasmSource = DEFAULT_URL;
let cached: Promise<WebAssembly.Module> | undefined;

/** The compiled module; the first call compiles (from `source`, or the default: build/lrlab.wasm next to the package). */
export function wasmModule(source?: WasmSource): Promise<WebAssembly.Module> {
  // WebAssembly.Module has no members, so `instanceof` would narrow every object type away: test by hand.
  if (isModule(source)) return Promise.resolve(source);
  if (source !== undefined) return compile(source as WasmLocationOrBytes);
  cached ??= wasmModule(defaultSource);
  return cached;
}

/** Where wasmModule() loads from when given no source (the browser build points it at the lrlab.wasm next to its bundle). */
export function setDefaultWasm(source: WasmSource): void {
  defaultSource = source;
  cached = undefined;
}

export async function instantiate(source?: WasmSource): Promise<WasmExports> {
  const instance = await WebAssembly.instantiate(await wasmModule(source), {});
  return instance.exports as unknown as WasmExports;
}

function isModule(source: WasmSource | undefined): source is WebAssembly.Module {
  return Object.prototype.toString.call(source) === '[object WebAssembly.Module]';
}

async function compile(source: WasmLocationOrBytes): Promise<WebAssembly.Module> {
  if (source instanceof ArrayBuffer || source instanceof Uint8Array) return WebAssembly.compile(source);
  const url = typeof source === 'string' ? new URL(source, DEFAULT_URL) : source;
  if (url.protocol === 'file:') {
    const { readFile } = await import('node:fs/promises');
    return WebAssembly.compile(await readFile(url));
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`lrlab: cannot fetch ${url.href}: HTTP ${response.status}`);
  return WebAssembly.compile(await response.arrayBuffer());
}
