/**
 * A/B of two builds (e.g. main's lrlab.wasm built to a temp file, against this
 * checkout's) on the small-network path, in one process: the tutorial's blobs
 * fit (2 → 50 relu → 3 softmax, SGD momentum, batch 32, 500 rows, 200 epochs),
 * the same fit with a 500-row validation pass every epoch (a default-sweep
 * trial), and each product of its step on its own shape. Runs alternate base,
 * new, new, base, … and are timed in CPU time (this process's user + system,
 * so other processes cost it cache, not clock); the figure is the median over
 * rounds of new/base. The two builds' final losses must be equal.
 *   npx tsx bench/narrow-ab.ts BASE.wasm [NEW.wasm] [--rounds N]
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { instantiate, type WasmExports } from '../bindings/backend/wasm-module.js';
import { Model, blobs, splitAt } from '../bindings/index.js';
import { TUTORIAL_EXPERIMENT } from '../bindings/experiment.js';
import { median } from './timing.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { rounds: { type: 'string', default: '21' } } });
const [basePath, newPath = new URL('../build/lrlab.wasm', import.meta.url).pathname] = positionals;
if (!basePath) throw new Error('usage: tsx bench/narrow-ab.ts BASE.wasm [NEW.wasm] [--rounds N]');
const rounds = Number(values.rounds);
const modules = await Promise.all([basePath, newPath].map(async (p) => WebAssembly.compile(await readFile(p))));
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

/** Per round, each of the two runs once (ABBA order); returns the median new/base ratio and each side's median ms. */
async function ab(run: (side: number) => Promise<number> | number): Promise<{ ratio: number; ms: number[] }> {
  const ms: number[][] = [[], []], checks = [NaN, NaN];
  for (let r = -2; r < rounds; r++) {
    for (const side of r & 1 ? [1, 0] : [0, 1]) {
      const t0 = cpuMs();
      checks[side] = await run(side);
      if (r >= 0) ms[side].push(cpuMs() - t0);
    }
  }
  if (checks[0] !== checks[1]) throw new Error(`results differ: ${checks[0]} vs ${checks[1]}`);
  return { ratio: median(ms[1].map((t, i) => t / ms[0][i])), ms: ms.map(median) };
}

const { name: _, ...options } = TUTORIAL_EXPERIMENT.data as { name: 'blobs' };
const { train, test } = splitAt(blobs(options as never), 500);
const { model, optimizer } = TUTORIAL_EXPERIMENT;
const fit = (validation: boolean) => async (side: number) => {
  const m = await Model.create({ model, optimizer, backend: 'wasm', seed: 1, wasm: modules[side] });
  const h = await m.fit(train, { epochs: 200, batchSize: 32, ...(validation ? { validationData: test } : {}) });
  m.dispose();
  return h.loss[199] + (validation ? h.valLoss![199] : 0);
};

// The products of one blobs step, on its shapes: [label, transB or TN, m, k, n, epilogue].
const EPI_STORE = 0, EPI_RELU = 1, EPI_RELU_MASK = 2;
const PRODUCTS: [string, 'NN' | 'NT' | 'TN', number, number, number, number][] = [
  ['Z1 = X·W1 + b1, relu (32×2 · 2×50)', 'NN', 32, 2, 50, EPI_RELU], ['Z2 = H·W2 + b2 (32×50 · 50×3)', 'NN', 32, 50, 3, EPI_STORE],
  ['dW2 = Hᵀ·dZ2 (50×32 · 32×3)', 'TN', 50, 32, 3, 0], ['dH = dZ2·W2ᵀ, relu mask (32×3 · 3×50)', 'NT', 32, 3, 50, EPI_RELU_MASK],
  ['dW1 = Xᵀ·dH (2×32 · 32×50)', 'TN', 2, 32, 50, 0],
];
// A build without the productNN export (older than it) takes gemmNN/gemmNT on both sides: no bias, no epilogue.
const epilogues = (await Promise.all(modules.map((m) => instantiate(m)))).every((w) => typeof w.productNN === 'function');
function product(wasm: WasmExports, [, kind, m, k, n, epi]: (typeof PRODUCTS)[number]): () => number {
  const base = wasm.scratchReserve(65536); // 8 KB for each operand (the largest is 32 × 50 floats), the pack after them
  const f = new Float32Array(wasm.memory.buffer, base, 10240);
  for (let i = 0; i < f.length; i++) f[i] = Math.sin(i * 0.37); // mixed signs, for the masks
  const [a, b, init, aux, c, pack] = [0, 1, 2, 3, 4, 5].map((q) => base + q * 8192);
  const reps = 2000;
  return () => {
    for (let r = 0; r < reps; r++) {
      if (kind === 'TN') wasm.gemmTN(c, a, b, m, k, n, pack);
      else if (epilogues) wasm.productNN(c, init, 0, a, b, kind === 'NT' ? 1 : 0, m, k, n, pack, epi, aux);
      else (kind === 'NT' ? wasm.gemmNT : wasm.gemmNN)(c, a, b, m, k, n, pack);
    }
    return reps;
  };
}

const lines = ['| workload | base ms | new ms | new/base (median of per-round ratios) |', '|---|---:|---:|---:|'];
const row = (label: string, t: { ratio: number; ms: number[] }) => {
  lines.push(`| ${label} | ${t.ms[0].toFixed(2)} | ${t.ms[1].toFixed(2)} | ${t.ratio.toFixed(3)} |`);
  console.log(lines.at(-1));
};
row('blobs fit, 200 epochs', await ab(fit(false)));
row('blobs fit + 500-row validation per epoch (a sweep trial)', await ab(fit(true)));
const builds = await Promise.all(modules.map((m) => instantiate(m)));
for (const p of PRODUCTS) {
  const runs = builds.map((w) => product(w, p));
  row(`${p[0]}${epilogues ? '' : ' (no epilogue)'}, 2,000 calls`, await ab((side) => runs[side]()));
}
console.log(`\n${lines.join('\n')}`);
