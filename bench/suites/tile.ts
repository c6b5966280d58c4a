/**
 * What bounds the products' 4 × 8 tile: its k loop alone, on data in L1, with
 * its loads in four arrangements (bench/assembly/tile-steps.ts, compiled here
 * by asc), each as a share of the f32x4 peak measured around its runs. Every
 * arrangement does the same 8 multiplies and 8 adds per step of k; only the
 * loads differ, so the spread between them is the cost of the loads.
 */
import { readFile } from 'node:fs/promises';
import asc from 'assemblyscript/asc';
import { peakPeer } from '../peak.js';
import { measure, median, peakShare, type Peer } from '../timing.js';
import type { SuiteOptions } from './training.js';

type Step = (strip: number, panel: number, k: number, reps: number, out: number) => void;

const ARRANGEMENTS = [
  ['splat', '4 load-splats of A, 2 loads of B (gemm.ts)'],
  ['presplat', '4 plain loads of A stored splatted (64 bytes per step), 2 of B'],
  ['bHeld', '4 load-splats of A; B held in registers'],
  ['aHeld', '2 loads of B; A held in registers'],
] as const;

const FLOPS_PER_STEP = 64; // 8 f32x4 multiplies + 8 adds

async function compileSteps(): Promise<WebAssembly.Exports> {
  const source = await readFile(new URL('../assembly/tile-steps.ts', import.meta.url), 'utf8');
  const { binary, error, stderr } = await asc.compileString({ 'tile-steps.ts': source }, { optimizeLevel: 3, runtime: 'stub', enable: ['simd'], noAssert: true });
  if (error || !binary) throw new Error(`bench/assembly/tile-steps.ts does not compile: ${error?.message}\n${stderr}`);
  return new WebAssembly.Instance(new WebAssembly.Module(binary as Uint8Array<ArrayBuffer>), {}).exports;
}

export async function tileSuite({ quick }: SuiteOptions): Promise<string> {
  const wasm = await compileSteps();
  const memory = wasm.memory as WebAssembly.Memory;
  memory.grow(2); // strip, panel and out in the new 128 KiB
  const strip = 65536 * Math.floor(memory.buffer.byteLength / 65536 - 2), panel = strip + 65536, out = panel + 32768;
  // Values near 1: the sums stay finite and normal over every run.
  new Float32Array(memory.buffer, strip, 65536 / 4 + 32768 / 4).forEach((_, i, f) => { f[i] = 1 + (i % 7) * 1e-7; });
  const k = 64; // a strip of 1 KiB (4 KiB with A splatted) and a panel of 2 KiB: all in L1
  const reps = quick ? 10 : 40000;
  const peak = await peakPeer(quick ? 1 : 4);
  const peers = ARRANGEMENTS.map(([fn, name]): Peer => ({
    name: `lrlab tile, ${name}`,
    run() {
      (wasm[fn] as Step)(strip, panel, k, reps, out);
      return new Float32Array(memory.buffer, out, 1)[0]; // finite: the sums stay normal
    },
  }));
  const flopsPerMs = (ms: number) => (reps * k * FLOPS_PER_STEP) / (ms * 1e6);
  const timings = await measure(peers, quick ? 1 : 15, 2, peak, { alternate: true });
  const rows = timings.map((t) => `| ${t.name} | ${flopsPerMs(t.medianMs).toPrecision(3)} | ${(100 * peakShare(t, flopsPerMs)).toFixed(1)} | ${t.check.toPrecision(4)} |`);
  return `### the 4 × 8 tile's k loop on data in L1: the same 16 f32x4 operations per step, four arrangements of its loads (check: a sum)\n\n` +
    `| peer | GFLOP/s | % of peak | check |\n|---|---:|---:|---:|\n${rows.join('\n')}\n` +
    `f32x4 multiply-add peak, measured interleaved: ${median(timings.flatMap((t) => t.peaks!)).toPrecision(3)} GFLOP/s (median; each run's share is against the higher of the peaks just before and after it).\n`;
}
