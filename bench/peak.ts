/**
 * The f32x4 multiply-add peak of this machine, measured in the benchmark's own
 * process and interleaved with each workload's peers (a register-only loop:
 * assembly/kernels/peak.ts). Workloads are reported as a share of it, so
 * figures compare across the machine's fast and slow states.
 */
import { instantiate } from '../bindings/backend/wasm-module.js';
import type { Peer, PeerTiming } from './timing.js';

const FLOPS_PER_ITERATION = 48; // 6 f32x4 multiplies + 6 f32x4 adds

export const PEAK_NAME = 'f32x4 peak';

export interface PeakPeer extends Peer {
  /** GFLOP/s of a timing of this peer. */
  gflops(timing: PeerTiming): number;
}

/** A peer that runs the peak loop for about `ms` milliseconds on a fast machine. */
export async function peakPeer(ms: number): Promise<PeakPeer> {
  const wasm = await instantiate();
  const iterations = Math.max(1000, Math.round((ms * 1e6 * 50) / FLOPS_PER_ITERATION)); // sized for ≈ 50 GFLOP/s
  return {
    name: PEAK_NAME,
    run: () => wasm.peakMulAdd(iterations, 1, 0),
    gflops: (t) => (iterations * FLOPS_PER_ITERATION) / (t.medianMs * 1e6),
  };
}
