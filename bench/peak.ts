/**
 * The f32x4 multiply-add peak of this machine, measured in the benchmark's own
 * process and interleaved with each workload's peers: the faster of the two
 * register-only loops of assembly/kernels/peak.ts in each sample (cores differ
 * in which shape reaches their peak). Workloads are reported as a share of it,
 * so figures compare across the machine's fast and slow states: either as one
 * more peer (run) or, better, bracketing every peer's run (sample, passed to
 * timing.ts measure), each run set against the higher of its two neighbours.
 */
import { instantiate } from '../bindings/backend/wasm-module.js';
import type { PeakProbe, Peer, PeerTiming } from './timing.js';

const FLOPS_PER_ITERATION = 48; // 6 f32x4 multiplies + 6 f32x4 adds

export const PEAK_NAME = 'f32x4 peak';

export interface PeakPeer extends Peer, PeakProbe {
  /** GFLOP/s: the median over the measured rounds of each round's faster loop. */
  gflops(timing: PeerTiming): number;
}

/** A peer that runs each peak loop for about `ms` milliseconds on a fast machine. */
export async function peakPeer(ms: number): Promise<PeakPeer> {
  const wasm = await instantiate();
  const iterations = 2 * Math.max(1000, Math.round((ms * 1e6 * 25) / FLOPS_PER_ITERATION)); // sized for ≈ 50 GFLOP/s, even
  const rates: number[] = [];
  const rate = (s: number, t: number, fused: number) => {
    const started = performance.now();
    wasm.peakMulAdd(iterations, s, t, fused);
    return (iterations * FLOPS_PER_ITERATION) / ((performance.now() - started) * 1e6);
  };
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
