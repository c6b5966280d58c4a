/**
 * Side-by-side timing. The machine drifts between fast and slow states for
 * minutes at a time, so peers are measured interleaved (A B C, A B C, …) in
 * one process and compared by the ratio of their medians, never by absolute
 * times across runs; the f32x4 peak (peak.ts) runs as one more peer.
 */
export interface Peer {
  name: string;
  /** Runs the workload once; returns a number the workload produced (to check it did real work). */
  run(): Promise<number> | number;
  setup?(): Promise<void> | void;
  teardown?(): Promise<void> | void;
}

export interface PeerTiming {
  name: string;
  medianMs: number;
  minMs: number;
  samples: number[];
  /** The last value the workload returned (e.g. a final loss), printed as a sanity check. */
  check: number;
}

export async function measure(peers: Peer[], rounds: number, warmup = 1): Promise<PeerTiming[]> {
  for (const p of peers) await p.setup?.();
  const samples = peers.map(() => [] as number[]);
  const checks = peers.map(() => NaN);
  for (let r = -warmup; r < rounds; r++) {
    for (let i = 0; i < peers.length; i++) {
      const started = performance.now();
      checks[i] = await peers[i].run();
      const ms = performance.now() - started;
      if (r >= 0) samples[i].push(ms);
    }
  }
  for (const p of peers) await p.teardown?.();
  return peers.map((p, i) => {
    const sorted = [...samples[i]].sort((a, b) => a - b);
    return { name: p.name, medianMs: sorted[Math.floor(sorted.length / 2)], minMs: sorted[0], samples: samples[i], check: checks[i] };
  });
}

export interface TableOptions {
  /** Rows (samples) per run: adds a samples/s column. */
  samplesPerRun?: number;
  /** Floating-point operations per run, and the peak measured beside: adds GFLOP/s and % of peak. */
  flopsPerRun?: number;
  peakGflops?: number;
}

/** A markdown table: time per run, each peer's time as a multiple of the reference's, and its share of the peak. */
export function ratioTable(title: string, timings: PeerTiming[], reference: string, o: TableOptions = {}): string {
  const ref = timings.find((t) => t.name === reference)!;
  const flops = o.flopsPerRun !== undefined && o.peakGflops !== undefined;
  const lines = [`### ${title}`, '',
    `| peer | median ms | min ms | × ${reference} time |${o.samplesPerRun ? ' samples/s |' : ''}${flops ? ' GFLOP/s | % of peak |' : ''} check |`,
    `|---|---:|---:|---:|${o.samplesPerRun ? '---:|' : ''}${flops ? '---:|---:|' : ''}---:|`];
  for (const t of timings) {
    let extra = '';
    if (o.samplesPerRun) {
      const perSecond = o.samplesPerRun / (t.medianMs / 1000);
      extra += ` ${perSecond.toFixed(perSecond >= 1000 ? 0 : 1)} |`;
    }
    if (flops) {
      const gflops = o.flopsPerRun! / (t.medianMs * 1e6);
      extra += ` ${gflops.toPrecision(3)} | ${((100 * gflops) / o.peakGflops!).toFixed(1)} |`;
    }
    lines.push(`| ${t.name} | ${t.medianMs.toFixed(2)} | ${t.minMs.toFixed(2)} | ${(t.medianMs / ref.medianMs).toFixed(2)} |${extra} ${t.check.toPrecision(4)} |`);
  }
  if (o.peakGflops !== undefined) lines.push('', `f32x4 multiply-add peak, measured interleaved: ${o.peakGflops.toPrecision(3)} GFLOP/s.`);
  return lines.join('\n') + '\n';
}
