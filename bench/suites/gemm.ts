/**
 * Matrix products alone, in GFLOP/s: lrlab's f32x4 kernels (NN and the weight
 * gradient's TN), the js backend's loops, and TF.js matMul on its wasm
 * (XNNPACK) and cpu backends, on square sizes and on the three products of a
 * 784 → 512 layer's training step at batch 64.
 */
import { instantiate } from '../../bindings/backend/wasm-module.js';
import { gemmNN, gemmTN } from '../../bindings/backend/js/gemm.js';
import { createRng } from '../../bindings/random.js';
import { tfjs } from '../peers/tfjs.js';
import { measure, type Peer } from '../timing.js';
import type { SuiteOptions } from './training.js';

interface Shape {
  label: string;
  kind: 'NN' | 'TN';
  m: number;
  k: number;
  n: number;
}

const SHAPES: Shape[] = [
  ...[64, 128, 256, 512].map((s): Shape => ({ label: `${s}³ NN`, kind: 'NN', m: s, k: s, n: s })),
  { label: 'X·W (64×784 · 784×512)', kind: 'NN', m: 64, k: 784, n: 512 },
  { label: 'dY·Wᵀ (64×512 · 512×784)', kind: 'NN', m: 64, k: 512, n: 784 },
  { label: 'Xᵀ·dY (784×64 · 64×512)', kind: 'TN', m: 784, k: 64, n: 512 },
];

export async function gemmSuite({ quick }: SuiteOptions): Promise<string> {
  const wasm = await instantiate();
  const tf = await tfjs('wasm');
  const out: string[] = [];
  for (const shape of quick ? SHAPES.slice(0, 1).map((s) => ({ ...s, m: 16, k: 16, n: 16 })) : SHAPES) {
    const { m, k, n, kind } = shape;
    const rng = createRng(1, 0);
    const a = Float32Array.from({ length: m * k }, () => rng.normal());
    const b = Float32Array.from({ length: k * n }, () => rng.normal());
    const c = new Float32Array(m * n);
    // A is [m×k] for NN and [k×m] for TN: the same number of values either way.
    const base = wasm.scratchReserve(4 * (a.length + b.length + c.length) + 32 * Math.max(m, k) + 64);
    const pa = base, pb = pa + 4 * a.length, pc = pb + 4 * b.length, pack = (pc + 4 * c.length + 15) & ~15;
    new Float32Array(wasm.memory.buffer, pa, a.length).set(a);
    new Float32Array(wasm.memory.buffer, pb, b.length).set(b);
    const reps = quick ? 1 : Math.max(1, Math.round(2e8 / (2 * m * k * n)));
    const first = () => new Float32Array(wasm.memory.buffer, pc, 1)[0];
    const lrlab: Peer = {
      name: 'lrlab wasm',
      run() {
        for (let r = 0; r < reps; r++) kind === 'NN' ? wasm.gemmNN(pc, pa, pb, m, k, n, pack) : wasm.gemmTN(pc, pa, pb, m, k, n, pack);
        return first();
      },
    };
    const js: Peer = {
      name: 'lrlab js',
      run() {
        for (let r = 0; r < Math.max(1, reps >> 4); r++) kind === 'NN' ? gemmNN(c, 0, a, 0, b, 0, m, k, n) : gemmTN(c, 0, a, 0, b, 0, m, k, n);
        return c[0];
      },
    };
    const tfPeer = (backend: 'wasm' | 'cpu', divide: number): Peer => ({
      name: `tfjs ${backend}`,
      async run() {
        await tfjs(backend);
        const ta = kind === 'NN' ? tf.tensor2d(a, [m, k]) : tf.tensor2d(a, [k, m]);
        const tb = tf.tensor2d(b, [k, n]);
        let value = 0;
        for (let r = 0; r < Math.max(1, Math.round(reps / divide)); r++) {
          const tc = tf.matMul(ta, tb, kind === 'TN', false);
          value = (await tc.data())[0];
          tc.dispose();
        }
        ta.dispose();
        tb.dispose();
        return value;
      },
    });
    // The slow peers do fewer repetitions; the table reports each per-product rate.
    const peers = [lrlab, js, tfPeer('wasm', 1), tfPeer('cpu', 16)];
    const reps_ = [reps, Math.max(1, reps >> 4), reps, Math.max(1, Math.round(reps / 16))];
    const timings = await measure(peers, quick ? 1 : 5);
    const flops = 2 * m * k * n;
    const lines = [`### ${shape.label}${quick ? ' (quick: 16³)' : ''}`, '', '| peer | GFLOP/s | × lrlab wasm speed |', '|---|---:|---:|'];
    const rate = timings.map((t, i) => (flops * reps_[i]) / (t.medianMs * 1e6));
    timings.forEach((t, i) => lines.push(`| ${t.name} | ${rate[i].toPrecision(3)} | ${(rate[i] / rate[0]).toPrecision(3)} |`));
    out.push(lines.join('\n') + '\n');
  }
  await tfjs('wasm');
  return out.join('\n');
}
