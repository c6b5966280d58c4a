/**
 * The f32x4 multiply-add peak of this machine, measured in the benchmark's own
 * process and interleaved with each workload's peers: the faster of the two
 * register-only loops of assembly/kernels/peak.ts in each sample (cores differ
 * in which shape reaches their peak). Workloads are reported as a share of it,
 * so figures compare across the machine's fast and slow states: either as one
 * more peer (run) or, better, bracketing every peer's run (sample, passed to
 * timing.ts measure), each run set against the higher of its two neighbours.
 * The relaxed build's fused loop is the FMA peak (fmaPeakProbe), a second bracket
 * for the relaxed build's workloads.
 */
import { instantiate, type WasmExports } from '../bindings/backend/wasm-module.js';
import type { PeakProbe, Peer, PeerTiming } from './timing.js';

const FLOPS_PER_ITERATION = 48; // 6 f32x4 multiplies + 6 f32x4 adds

export const PEAK_NAME = 'f32x4 peak';

export interface PeakPeer extends Peer, PeakProbe {
  /** GFLOP/s: the median over the measured rounds of each round's faster loop. */
  gflops(timing: PeerTiming): number;
}

/** A peer that runs each peak loop for about `ms` milliseconds on a fast machine. */
export async function peakPeer(ms: number): Promise<PeakPeer> {
  const rate = loopRate(await instantiate(), ms);
  const rates: number[] = [];
  return {
    name: PEAK_NAME,
    run() {
      const best = Math.max(rate(1, 0, 0), rate(0.5, 0.5, 1));
      rates.push(best);
      return best;
    },
    sample() {
      return Math.max(rate(1, 0, 0), rate(0.5, 0.5, 1));
    },
    gflops(t) {
      const measured = rates.slice(-t.samples.length).sort((a, b) => a - b); // the warm-up rounds come first
      return measured[measured.length >> 1];
    },
  };
}

/**
 * The FMA peak: the fused loop of the relaxed build (`relaxed`, compiled from
 * build/lrlab.relaxed.wasm), where each x·s + t is one f32x4.relaxed_madd, two
 * floating-point operations per lane as in the mul+add loops.
 */
export async function fmaPeakProbe(ms: number, relaxed: WebAssembly.Module): Promise<PeakProbe> {
  const rate = loopRate(await instantiate(relaxed), ms);
  return { sample: () => rate(0.5, 0.5, 1) };
}

/** GFLOP/s of one run of a peak loop of `wasm`, sized to take about `ms` milliseconds at ≈ 50 GFLOP/s. */
function loopRate(wasm: WasmExports, ms: number): (s: number, t: number, fused: number) => number {
  const iterations = 2 * Math.max(1000, Math.round((ms * 1e6 * 25) / FLOPS_PER_ITERATION)); // even
  return (s, t, fused) => {
    const started = performance.now();
    wasm.peakMulAdd(iterations, s, t, fused);
    return (iterations * FLOPS_PER_ITERATION) / ((performance.now() - started) * 1e6);
  };
}
