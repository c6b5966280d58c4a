/**
 * Matrix products alone, in GFLOP/s and as a share of the f32x4 peak measured
 * just before and after each run: lrlab's f32x4 kernels (NN, NT for dY·Wᵀ, TN for the weight
 * gradient Xᵀ·dY), the js backend's loops, and TF.js matMul on its wasm
 * (XNNPACK) and cpu backends, on square sizes and on the three products of a
 * 784 → 512 layer's training step at batch 64. Where the engine has relaxed
 * SIMD, also the relaxed build's kernels, whose runs the relaxed build's FMA
 * peak brackets too, and whose products are checked against the strict ones
 * (close, not equal).
 */
import { instantiate, type WasmExports } from '../../bindings/backend/wasm-module.js';
import { gemmNN, gemmNT, gemmTN } from '../../bindings/backend/js/gemm.js';
import { createRng } from '../../bindings/random.js';
import { tfjs } from '../peers/tfjs.js';
import { fmaPeakProbe, peakPeer } from '../peak.js';
import { relaxedModule, RELAXED_PEER, RELAXED_SKIPPED } from '../relaxed.js';
import { fmaPeakNote, measure, peakShare, median, type Peer } from '../timing.js';
import type { SuiteOptions } from './training.js';

type Kind = 'NN' | 'NT' | 'TN';

interface Shape {
  label: string;
  kind: Kind;
  m: number;
  k: number;
  n: number;
}

const SQUARE = [128, 256, 512].flatMap((s) => (['NN', 'NT', 'TN'] as Kind[]).map((kind): Shape => ({ label: `${s}³ ${kind}`, kind, m: s, k: s, n: s })));
export const SHAPES: Shape[] = [
  ...SQUARE,
  { label: 'X·W (64×784 · 784×512) NN', kind: 'NN', m: 64, k: 784, n: 512 },
  { label: 'dY·Wᵀ (64×512 · (784×512)ᵀ) NT', kind: 'NT', m: 64, k: 512, n: 784 },
  { label: 'Xᵀ·dY ((64×784)ᵀ · 64×512) TN', kind: 'TN', m: 784, k: 64, n: 512 },
];

/** A product of one build on its own copy of A and B: A is [m×k] for NN and NT, [k×m] for TN; B is [k×n] for NN and TN, [n×k] for NT. */
function wasmProduct(wasm: WasmExports, { kind, m, k, n }: Shape, a: Float32Array, b: Float32Array): { run(reps: number): void; c(): Float32Array } {
  const cells = m * n;
  const base = wasm.scratchReserve(4 * (a.length + b.length + cells) + wasm.packBytes(Math.max(m, k, n)) + 64);
  const pa = base, pb = pa + 4 * a.length, pc = pb + 4 * b.length, pack = (pc + 4 * cells + 15) & ~15;
  new Float32Array(wasm.memory.buffer, pa, a.length).set(a);
  new Float32Array(wasm.memory.buffer, pb, b.length).set(b);
  const product = kind === 'NN' ? wasm.gemmNN : kind === 'NT' ? wasm.gemmNT : wasm.gemmTN;
  return {
    run(reps) { for (let r = 0; r < reps; r++) product(pc, pa, pb, m, k, n, pack); },
    c: () => new Float32Array(wasm.memory.buffer, pc, cells),
  };
}

/** One product C = A·B by each build from C = 0: how far the relaxed build's cells are from the strict build's. */
function relaxedAgainstStrict(strict: ReturnType<typeof wasmProduct>, relaxed: ReturnType<typeof wasmProduct>): string {
  strict.c().fill(0);
  relaxed.c().fill(0);
  strict.run(1);
  relaxed.run(1);
  const s = strict.c(), r = relaxed.c();
  let differ = 0, worst = 0, largest = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== r[i]) differ++;
    worst = Math.max(worst, Math.abs(s[i] - r[i]));
    largest = Math.max(largest, Math.abs(s[i]));
  }
  if (!(worst <= 1e-4 * largest)) throw new Error(`relaxed product far from the strict one: max |Δ| ${worst} against max |C| ${largest}`);
  return `${RELAXED_PEER} against lrlab wasm, one product from C = 0: ${differ} of ${s.length} cells differ, ` +
    `max |Δ| = ${(worst / largest).toExponential(2)} of max |C| (fused multiply-adds: other bits, outside the determinism promise).`;
}

export async function gemmSuite({ quick }: SuiteOptions): Promise<string> {
  const wasm = await instantiate();
  const relaxed = await relaxedModule();
  const wasmRelaxed = relaxed && await instantiate(relaxed);
  const tf = await tfjs('wasm');
  const peak = await peakPeer(quick ? 1 : 4);
  const fma = relaxed && await fmaPeakProbe(quick ? 1 : 4, relaxed);
  const out: string[] = relaxed ? [] : [RELAXED_SKIPPED];
  const shapes = quick ? (['NN', 'NT', 'TN'] as Kind[]).map((kind): Shape => ({ label: `16³ ${kind}`, kind, m: 16, k: 16, n: 16 })) : SHAPES;
  for (const shape of shapes) {
    const { m, k, n, kind } = shape;
    const rng = createRng(1, 0);
    const a = Float32Array.from({ length: m * k }, () => rng.normal());
    const b = Float32Array.from({ length: k * n }, () => rng.normal());
    const c = new Float32Array(m * n);
    const reps = quick ? 1 : Math.max(1, Math.round(2e8 / (2 * m * k * n)));
    const strict = wasmProduct(wasm, shape, a, b);
    const fused = wasmRelaxed && wasmProduct(wasmRelaxed, shape, a, b);
    const agreement = fused && relaxedAgainstStrict(strict, fused);
    const wasmPeer = (name: string, product: ReturnType<typeof wasmProduct>): Peer => ({
      name,
      run() {
        product.run(reps);
        return product.c()[0];
      },
    });
    const jsProduct = kind === 'NN' ? gemmNN : kind === 'NT' ? gemmNT : gemmTN;
    const js: Peer = {
      name: 'lrlab js',
      run() {
        for (let r = 0; r < Math.max(1, reps >> 4); r++) jsProduct(c, 0, a, 0, b, 0, m, k, n);
        return c[0];
      },
    };
    const tfPeer = (backend: 'wasm' | 'cpu', divide: number): Peer => ({
      name: `tfjs ${backend}`,
      async run() {
        await tfjs(backend);
        const ta = kind === 'TN' ? tf.tensor2d(a, [k, m]) : tf.tensor2d(a, [m, k]);
        const tb = kind === 'NT' ? tf.tensor2d(b, [n, k]) : tf.tensor2d(b, [k, n]);
        let value = 0;
        for (let r = 0; r < Math.max(1, Math.round(reps / divide)); r++) {
          const tc = tf.matMul(ta, tb, kind === 'TN', kind === 'NT');
          value = (await tc.data())[0];
          tc.dispose();
        }
        ta.dispose();
        tb.dispose();
        return value;
      },
    });
    // The slow peers do fewer repetitions; the table reports each per-product rate.
    const peers = [wasmPeer('lrlab wasm', strict), ...(fused ? [wasmPeer(RELAXED_PEER, fused)] : []), js, tfPeer('wasm', 1), tfPeer('cpu', 16)];
    const reps_ = [reps, ...(fused ? [reps] : []), Math.max(1, reps >> 4), reps, Math.max(1, Math.round(reps / 16))];
    // Each round of each peer is bracketed by the peak (and the FMA peak); its share is against the higher of the two.
    // Odd rounds run the peers in reverse order.
    const timings = await measure(peers, quick ? 1 : 7, 1, peak, { fma, alternate: true });
    const flops = 2 * m * k * n;
    const lines = [`### ${shape.label}`, '', `| peer | GFLOP/s | % of peak |${fma ? ' % of FMA peak |' : ''} × lrlab wasm speed |`, `|---|---:|---:|${fma ? '---:|' : ''}---:|`];
    const rate = timings.map((t, i) => (flops * reps_[i]) / (t.medianMs * 1e6));
    rate.forEach((g, i) => {
      const perMs = (ms: number) => (flops * reps_[i]) / (ms * 1e6);
      const fmaShare = fma ? ` ${(100 * peakShare(timings[i], perMs, timings[i].fmaPeaks)).toFixed(1)} |` : '';
      lines.push(`| ${timings[i].name} | ${g.toPrecision(3)} | ${(100 * peakShare(timings[i], perMs)).toFixed(1)} |${fmaShare} ${(g / rate[0]).toPrecision(3)} |`);
    });
    lines.push('', `f32x4 multiply-add peak, measured interleaved: ${median(timings[0].peaks!).toPrecision(3)} GFLOP/s ` +
      '(median, around the lrlab wasm runs; each run\'s share is against the higher of the peaks just before and after it).');
    if (fma) lines.push('', fmaPeakNote(timings[0]));
    if (agreement) lines.push('', agreement);
    out.push(lines.join('\n') + '\n');
  }
  await tfjs('wasm');
  return out.join('\n');
}
