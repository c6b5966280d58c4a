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
  updateNormPart(from: number, to: number, sum: number): number;
  updateRange(lr: number, from: number, to: number, sumSquares: number): void;
  addFloats(dst: number, src: number, count: number): void;
  firstNonFinite(ptr: number, count: number): number;
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
  /** Bytes of scratch a product's `pack` needs for dimensions ≤ dMax. */
  packBytes(dMax: number): number;
  /** C = init (row i at init + i·initRow bytes) + A·B (Bᵀ when transB), epilogue 0 store, 1 relu, 2 relu mask by aux. */
  productNN(c: number, init: number, initRow: number, a: number, b: number, transB: number,
    m: number, k: number, n: number, pack: number, epi: number, aux: number): void;
  peakMulAdd(iterations: number, s: number, t: number, fused: number): number;
  /** The backward pass of layers 1 (h → n ≤ 4) and 0 (m ≤ 4 → h, relu) in one: dW1, dW0, db0 from X, H, dZ1 and W1. */
  backwardNarrowPair(gw1: number, gw0: number, gb0: number, x: number, h: number, d: number, w: number,
    rows: number, m: number, hidden: number, n: number): void;
  /** dst[i] = log src[i] for count floats (a multiple of 4), four lanes at a time with Mathf.log's bits. */
  logFloats(dst: number, src: number, count: number): void;
}

const DEFAULT_URL = new URL('../../build/lrlab.wasm', import.meta.url);
let defaultSource: WasmSource = DEFAULT_URL;
let cached: Promise<WebAssembly.Module> | undefined;
let relaxedCached: Promise<WebAssembly.Module> | undefined;

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
  relaxedCached = undefined;
}

/**
 * Whether this engine runs relaxed SIMD (f32x4.relaxed_madd): a one-function
 * module that uses it must validate. (Chrome 114+, Firefox 120+; Node 20 only
 * with --experimental-wasm-relaxed-simd.)
 */
export function relaxedSimdSupported(): boolean {
  const v128 = (fill: number) => [0xfd, 0x0c, ...new Array(16).fill(fill)];
  const body = [0x00, ...v128(0), ...v128(0), ...v128(0), 0xfd, 0x85, 0x02, 0x0b]; // f32x4.relaxed_madd of three constants
  const bytes = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type: () -> v128
    0x03, 0x02, 0x01, 0x00, // one function of that type
    0x0a, body.length + 2, 0x01, body.length, ...body];
  return WebAssembly.validate(new Uint8Array(bytes));
}

/**
 * Opt-in: the relaxed-SIMD build (build/lrlab.relaxed.wasm), whose products
 * fuse each multiply and add where the CPU can (faster, and other bits than
 * the strict build: outside the same-seed-same-bits promise, and not
 * bit-equal to the js backend). It sits next to the default lrlab.wasm; where
 * the engine lacks relaxed SIMD (or the default wasm is embedded bytes) this
 * is the strict module. Pass it as `wasm` to Model.create.
 */
export function relaxedWasmModule(): Promise<WebAssembly.Module> {
  const next = typeof defaultSource === 'string' || defaultSource instanceof URL ? new URL('lrlab.relaxed.wasm', new URL(defaultSource, DEFAULT_URL)) : undefined;
  if (!next || !relaxedSimdSupported()) return wasmModule();
  relaxedCached ??= compile(next);
  return relaxedCached;
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
