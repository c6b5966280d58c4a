/**
 * Side-by-side timing. The machine drifts between fast and slow states for
 * minutes at a time, so peers are measured interleaved (A B C, A B C, …) in
 * one process and compared by the ratio of their medians, never by absolute
 * times across runs. The f32x4 peak (peak.ts) brackets every peer's run
 * (P A P B P C P …): each run is set against the higher of the peaks taken just
 * before and just after it, so one slow peak sample cannot inflate a share.
 * A second probe (the relaxed build's FMA peak) may bracket the same runs. With
 * `alternate`, odd rounds run the peers in reverse order (A B C, C B A, …), so
 * that no peer always runs right after the same one (TF.js's garbage, say).
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
  /** With a bracketing peak: per measured round, the higher of the peaks (GFLOP/s) just before and just after this peer's run. */
  peaks?: number[];
  /** With a second bracketing probe (the FMA peak): the same, against that probe. */
  fmaPeaks?: number[];
}

/** Something that measures the f32x4 peak once and returns it in GFLOP/s (peak.ts). */
export interface PeakProbe {
  sample(): number;
}

export interface MeasureOptions {
  /** A second probe bracketing the same runs (the FMA peak): PeerTiming.fmaPeaks. */
  fma?: PeakProbe;
  /** Odd rounds in reverse peer order. */
  alternate?: boolean;
}

export async function measure(peers: Peer[], rounds: number, warmup = 1, peak?: PeakProbe, { fma, alternate = false }: MeasureOptions = {}): Promise<PeerTiming[]> {
  for (const p of peers) await p.setup?.();
  const samples = peers.map(() => [] as number[]);
  const peaks = peers.map(() => [] as number[]);
  const fmaPeaks = peers.map(() => [] as number[]);
  const checks = peers.map(() => NaN);
  // With two probes their order alternates from round to round, so neither always runs first after a peer.
  const probe = (r: number) => {
    if (r & 1) { const f = fma?.sample() ?? NaN; return [peak?.sample() ?? NaN, f]; }
    return [peak?.sample() ?? NaN, fma?.sample() ?? NaN];
  };
  for (let r = -warmup; r < rounds; r++) {
    let [before, fmaBefore] = probe(r);
    for (let q = 0; q < peers.length; q++) {
      const i = alternate && r & 1 ? peers.length - 1 - q : q;
      const started = performance.now();
      checks[i] = await peers[i].run();
      const ms = performance.now() - started;
      const [after, fmaAfter] = probe(r);
      if (r >= 0) {
        samples[i].push(ms);
        peaks[i].push(Math.max(before, after));
        fmaPeaks[i].push(Math.max(fmaBefore, fmaAfter));
      }
      before = after;
      fmaBefore = fmaAfter;
    }
  }
  for (const p of peers) await p.teardown?.();
  return peers.map((p, i) => {
    const sorted = [...samples[i]].sort((a, b) => a - b);
    return {
      name: p.name, medianMs: sorted[Math.floor(sorted.length / 2)], minMs: sorted[0], samples: samples[i], check: checks[i],
      ...(peak ? { peaks: peaks[i] } : {}), ...(fma ? { fmaPeaks: fmaPeaks[i] } : {}),
    };
  });
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

/** The share of the peak in each round (work / time against that round's bracketing peak, or FMA peak), as a median: 0.5 is 50 %. */
export function peakShare(t: PeerTiming, flopsPerMs: (ms: number) => number, peaks = t.peaks!): number {
  return median(t.samples.map((ms, r) => flopsPerMs(ms) / peaks[r]));
}

/** The note under a table whose runs the FMA peak bracketed too, so that its column is not read as the mul+add one. */
export function fmaPeakNote(t: PeerTiming): string {
  return `FMA peak (the relaxed build's fused loop, each multiply-add one relaxed_madd), measured interleaved: ${median(t.fmaPeaks!).toPrecision(3)} GFLOP/s ` +
    '(median). "% of peak" is against the strict f32x4 mul+add peak, the figure this benchmark reports as its peak; "% of FMA peak" against this one.';
}

export interface TableOptions {
  /** Rows (samples) per run: adds a samples/s column. */
  samplesPerRun?: number;
  /**
   * Floating-point operations per run, and the peak measured beside (or, when the
   * timings carry bracketing peaks, those round by round): adds GFLOP/s and % of peak.
   */
  flopsPerRun?: number;
  peakGflops?: number;
}

/** A markdown table: time per run, each peer's time as a multiple of the reference's, and its share of the peak. */
export function ratioTable(title: string, timings: PeerTiming[], reference: string, o: TableOptions = {}): string {
  const ref = timings.find((t) => t.name === reference)!;
  const bracketed = ref.peaks !== undefined;
  const flops = o.flopsPerRun !== undefined && (o.peakGflops !== undefined || bracketed);
  const fma = flops && ref.fmaPeaks !== undefined;
  const peakGflops = bracketed ? median(ref.peaks!) : o.peakGflops;
  const lines = [`### ${title}`, '',
    `| peer | median ms | min ms | × ${reference} time |${o.samplesPerRun ? ' samples/s |' : ''}${flops ? ' GFLOP/s | % of peak |' : ''}${fma ? ' % of FMA peak |' : ''} check |`,
    `|---|---:|---:|---:|${o.samplesPerRun ? '---:|' : ''}${flops ? '---:|---:|' : ''}${fma ? '---:|' : ''}---:|`];
  for (const t of timings) {
    let extra = '';
    if (o.samplesPerRun) {
      const perSecond = o.samplesPerRun / (t.medianMs / 1000);
      extra += ` ${perSecond.toFixed(perSecond >= 1000 ? 0 : 1)} |`;
    }
    if (flops) {
      const gflops = o.flopsPerRun! / (t.medianMs * 1e6);
      const share = t.peaks ? peakShare(t, (ms) => o.flopsPerRun! / (ms * 1e6)) : gflops / peakGflops!;
      extra += ` ${gflops.toPrecision(3)} | ${(100 * share).toFixed(1)} |`;
      if (fma) extra += ` ${(100 * peakShare(t, (ms) => o.flopsPerRun! / (ms * 1e6), t.fmaPeaks)).toFixed(1)} |`;
    }
    lines.push(`| ${t.name} | ${t.medianMs.toFixed(2)} | ${t.minMs.toFixed(2)} | ${(t.medianMs / ref.medianMs).toFixed(2)} |${extra} ${t.check.toPrecision(4)} |`);
  }
  if (bracketed) {
    lines.push('', `f32x4 multiply-add peak, measured interleaved: ${peakGflops!.toPrecision(3)} GFLOP/s (median, around the ${reference} runs; ` +
      'each run\'s share is against the higher of the peaks just before and after it).');
    if (fma) lines.push('', fmaPeakNote(ref));
  } else if (peakGflops !== undefined) {
    lines.push('', `f32x4 multiply-add peak, measured interleaved: ${peakGflops.toPrecision(3)} GFLOP/s.`);
  }
  return lines.join('\n') + '\n';
}
