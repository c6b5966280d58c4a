/**
 * A/B of two builds of the products (e.g. main's lrlab.wasm, built to a temp
 * file, against this checkout's) in one process: each shape's runs alternate
 * base, new, new, base, …, each bracketed by the f32x4 peak and timed in CPU
 * time, and the table gives each build's median share of the peak and the
 * median over rounds of new/base time. With --train, also the 784 → 512 → 512
 * → 10 Adam batch-64 epoch of the mlp suite on each build (their final losses
 * must be equal).
 *   npx tsx bench/gemm-ab.ts BASE.wasm [NEW.wasm] [--rounds N] [--train] [--shape LABEL]
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { instantiate, type WasmExports } from '../bindings/backend/wasm-module.js';
import { Model } from '../bindings/index.js';
import { createRng } from '../bindings/random.js';
import { minOf } from '../bindings/extent.js';
import { peakPeer } from './peak.js';
import { peakShare, median, type Peer, type PeerTiming } from './timing.js';
import { mnistShaped, randomClassification, trainingFlops } from './suites/training.js';
import { SHAPES } from './suites/gemm.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { rounds: { type: 'string', default: '15' }, train: { type: 'boolean', default: false }, shape: { type: 'string', multiple: true } },
});
const [basePath, newPath = new URL('../build/lrlab.wasm', import.meta.url).pathname] = positionals;
if (!basePath) throw new Error('usage: tsx bench/gemm-ab.ts BASE.wasm [NEW.wasm] [--rounds N] [--train]');
const rounds = Number(values.rounds);
const modules = await Promise.all([basePath, newPath].map(async (p) => WebAssembly.compile(await readFile(p))));
const builds = await Promise.all(modules.map((m) => instantiate(m)));
const peak = await peakPeer(4);

// CPU time of this process (user + system), not wall time: other processes on the
// machine then cost this one its cache but not its clock.
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
async function measureCpu(peers: Peer[], rounds: number, warmup: number, probe: { sample(): number }): Promise<PeerTiming[]> {
  const samples = peers.map(() => [] as number[]), peaks = peers.map(() => [] as number[]);
  const checks = peers.map(() => NaN);
  const peakRate = () => { const t0 = cpuMs(), wall0 = performance.now(); const g = probe.sample(); return g * (performance.now() - wall0) / Math.max(1e-3, cpuMs() - t0); };
  for (let r = -warmup; r < rounds; r++) {
    let before = peakRate();
    // ABBA: the order alternates, so neither build always follows the peak loop.
    for (let q = 0; q < peers.length; q++) {
      const i = r & 1 ? peers.length - 1 - q : q;
      const t0 = cpuMs();
      checks[i] = await peers[i].run();
      const ms = cpuMs() - t0;
      const after = peakRate();
      if (r >= 0) { samples[i].push(ms); peaks[i].push(Math.max(before, after)); }
      before = after;
    }
  }
  return peers.map((p, i) => ({ name: p.name, medianMs: median(samples[i]), minMs: minOf(samples[i]), samples: samples[i], check: checks[i], peaks: peaks[i] }));
}

function productPeer(name: string, wasm: WasmExports, kind: 'NN' | 'NT' | 'TN', m: number, k: number, n: number): Peer {
  const rng = createRng(1, 0);
  const a = Float32Array.from({ length: m * k }, () => rng.normal());
  const b = Float32Array.from({ length: k * n }, () => rng.normal());
  const c = m * n;
  // The pack scratch of either build: packBytes(dMax) now, dMax·32 bytes and the strips of A (m·k floats) before cache blocking.
  const packSize = Math.max(wasm.packBytes(Math.max(m, k, n)), 32 * Math.max(m, k, n) + 4 * m * k);
  const base = wasm.scratchReserve(4 * (a.length + b.length + c) + packSize + 64);
  const pa = base, pb = pa + 4 * a.length, pc = pb + 4 * b.length, pack = (pc + 4 * c + 15) & ~15;
  new Float32Array(wasm.memory.buffer, pa, a.length).set(a);
  new Float32Array(wasm.memory.buffer, pb, b.length).set(b);
  const reps = Math.max(1, Math.round(2e8 / (2 * m * k * n)));
  const product = kind === 'NN' ? wasm.gemmNN : kind === 'NT' ? wasm.gemmNT : wasm.gemmTN;
  return {
    name,
    run() {
      for (let r = 0; r < reps; r++) product(pc, pa, pb, m, k, n, pack);
      return reps * 2 * m * k * n;
    },
  };
}

const lines = ['| shape | base % of peak | new % of peak | new/base time (median of per-round ratios) |', '|---|---:|---:|---:|'];
const paired = (t: PeerTiming[]) => median(t[1].samples.map((ms, r) => ms / t[0].samples[r]));
const peaks: number[] = [];
const shapes = SHAPES.filter((s) => !values.shape || values.shape.some((w) => s.label.includes(w)));
for (const s of shapes) {
  const peers = builds.map((w, i) => productPeer(i ? 'new' : 'base', w, s.kind, s.m, s.k, s.n));
  const flops = peers[0].run() as number;
  const t = await measureCpu(peers, rounds, 2, peak);
  const share = t.map((x) => peakShare(x, (ms) => flops / (ms * 1e6)));
  peaks.push(median(t[0].peaks!));
  lines.push(`| ${s.label} | ${(100 * share[0]).toFixed(1)} | ${(100 * share[1]).toFixed(1)} | ${paired(t).toFixed(3)} |`);
  console.log(lines.at(-1));
}
if (values.train) {
  const rows = 2048, spec = mnistShaped([512, 512]);
  const data = randomClassification(rows, 784, 10, 5);
  const peers = modules.map((wasm, i): Peer => ({
    name: i ? 'new' : 'base',
    async run() {
      const model = await Model.create({ model: spec, optimizer: { name: 'adam', lr: 0.001 }, backend: 'wasm', seed: 1, wasm });
      const h = await model.fit(data, { epochs: 1, batchSize: 64 });
      return h.loss[h.loss.length - 1];
    },
  }));
  const t = await measureCpu(peers, Math.max(3, rounds >> 1), 1, peak);
  const flops = trainingFlops(spec, rows);
  const share = t.map((x) => peakShare(x, (ms) => flops / (ms * 1e6)));
  if (t[0].check !== t[1].check) throw new Error(`final losses differ: ${t[0].check} vs ${t[1].check}`);
  lines.push(`| 784→512→512→10 Adam batch 64 epoch | ${(100 * share[0]).toFixed(1)} | ${(100 * share[1]).toFixed(1)} | ${paired(t).toFixed(3)} |`);
  console.log(lines.at(-1));
}
console.log(`\n${lines.join('\n')}\n\nf32x4 peak, median per shape: ${peaks.map((p) => p.toPrecision(3)).join(', ')} GFLOP/s`);
