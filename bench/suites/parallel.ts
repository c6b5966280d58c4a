/**
 * Both cores: one large model trained on 1 and 2 threads (fit({ threads })),
 * and the default 32-trial sweep (what `npm start` runs) inline and on the
 * worker pool. Interleaved.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Model } from '../../bindings/index.js';
import { sweepSpecFromFlags } from '../../bindings/cli/sweep.js';
import { InlineExecutor, type Executor } from '../../bindings/sweep/executor.js';
import { PoolExecutor } from '../../bindings/sweep/pool.js';
import { runSweep } from '../../bindings/sweep/run.js';
import { validateSweep } from '../../bindings/sweep/spec.js';
import { coreShare } from '../core-share.js';
import { peakPeer } from '../peak.js';
import { threadStepTable } from '../thread-step.js';
import { measure, median, ratioTable, type Peer, type PeerTiming } from '../timing.js';
import { mnistShaped, randomClassification, trainingFlops, type SuiteOptions } from './training.js';

const execFileAsync = promisify(execFile);
const SWEEP_PHASE = fileURLToPath(new URL('../sweep-phase.ts', import.meta.url));

/** The cores this process got (bench/core-share.ts) before and after a suite: the ceiling of any speed-up from a second thread. */
function coreShareLine(before: number, after: number): string {
  return `Cores this process got (two f32x4 peak loops at once against one): ${before.toFixed(2)}× before the suite, ${after.toFixed(2)}× after.\n`;
}

/** The median over rounds of a[r] / b[r]: each round's two peers ran back to back, so drift between rounds cancels. */
function pairedRatio(a: number[], b: number[]): number {
  const n = Math.min(a.length, b.length);
  return median(Array.from({ length: n }, (_, r) => a[a.length - n + r] / b[b.length - n + r]));
}

/** 784 → 512 → 512 → 10, Adam, batch 256: the steady state is the second epoch (the first includes starting the workers). */
export async function threadsSuite({ quick }: SuiteOptions): Promise<string> {
  const rows = quick ? 512 : 4096;
  const data = randomClassification(rows, 784, 10, 5);
  const spec = mnistShaped(quick ? [64, 64] : [512, 512]);
  const peak = await peakPeer(quick ? 1 : 20);
  const epochMs = new Map<string, number[]>();
  const peer = (threads: number): Peer => {
    const name = `lrlab wasm, ${threads} thread${threads > 1 ? 's' : ''}`;
    epochMs.set(name, []);
    return {
      name,
      async run() {
        const model = await Model.create({ model: spec, optimizer: { name: 'adam', lr: 0.001 }, seed: 1 });
        const history = await model.fit(data, { epochs: 2, batchSize: 256, threads });
        epochMs.get(name)!.push(history.time[1]);
        return history.loss[1];
      },
    };
  };
  const peers = [peer(1), peer(2), peak];
  const shareBefore = await coreShare(quick ? 1 : 9);
  const timings = await measure(peers, quick ? 1 : 5);
  const shareAfter = await coreShare(quick ? 1 : 9);
  // Report the steady epoch as the timing (the whole fit's median is in the note below).
  const steady = timings.slice(0, 2).map((t) => {
    const samples = epochMs.get(t.name)!.slice(-t.samples.length);
    const sorted = [...samples].sort((a, b) => a - b);
    return { ...t, medianMs: sorted[sorted.length >> 1], minMs: sorted[0], samples };
  });
  const table = ratioTable(`784 → ${spec.layers.slice(0, -1).map((l) => l.units).join(' → ')} → 10, Adam, batch 256, ${rows} rows: one epoch, 1 and 2 threads`,
    steady, steady[0].name, { samplesPerRun: rows, flopsPerRun: trainingFlops(spec, rows), peakGflops: peak.gflops(timings[2]) });
  const speedUp = steady[0].medianMs / steady[1].medianMs;
  return table + `\n2 threads: ${speedUp.toFixed(2)}× one thread per epoch (median of the rounds' own ratios: ` +
    `${pairedRatio(epochMs.get(steady[0].name)!, epochMs.get(steady[1].name)!).toFixed(2)}×); whole 2-epoch fits with worker start-up: ` +
    `${timings[0].medianMs.toFixed(0)} ms and ${timings[1].medianMs.toFixed(0)} ms (${(timings[0].medianMs / timings[1].medianMs).toFixed(2)}×).\n` +
    coreShareLine(shareBefore, shareAfter) + '\n' + await threadStepTable(spec, data, 256, quick ? 3 : 40);
}

/**
 * The default sweep of `npm start` (lr × momentum, 32 trials of the tutorial's blobs experiment),
 * inline and on a pool of 2, each in a fresh process as the command runs it (bench/sweep-phase.ts:
 * cold JIT on every thread, the pool's worker started before the imports as bin/lrlab.js starts it,
 * results appended to a store), and
 * again in this warm process with a fresh pool each time (inline then has the warm JIT, the
 * worker does not) and with one pool kept over the rounds (both warm). Interleaved; the times are
 * the sweep phase only.
 */
export async function sweepSuite({ quick }: SuiteOptions): Promise<string> {
  const spec = await sweepSpecFromFlags({});
  const epochs = quick ? 5 : spec.base.epochs;
  const rounds = quick ? 1 : 7;
  const phaseMs = new Map<string, number[]>();
  const busyMs: number[][] = []; // per fresh pool run: each thread's busy time in the trials (main thread first)
  const fresh = (name: string, mode: 'inline' | 'pool'): Peer => {
    phaseMs.set(name, []);
    return {
      name,
      async run() {
        const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', SWEEP_PHASE, mode, String(epochs)], { encoding: 'utf8' });
        const { ms, trials, runners } = JSON.parse(stdout) as { ms: number; trials: number; runners?: { busyMs: number }[] };
        phaseMs.get(name)!.push(ms);
        if (runners) busyMs.push(runners.map((r) => r.busyMs));
        return trials;
      },
    };
  };
  const shareBefore = await coreShare(quick ? 1 : 9);
  const coldPeers = [fresh('lrlab inline, fresh process', 'inline'), fresh('lrlab pool (2 at a time), fresh process', 'pool')];
  const cold = (await measure(coldPeers, rounds)).map((t) => {
    const samples = phaseMs.get(t.name)!.slice(-t.samples.length);
    const sorted = [...samples].sort((a, b) => a - b);
    return { ...t, medianMs: sorted[sorted.length >> 1], minMs: sorted[0], samples };
  });
  const sweep = validateSweep({ ...spec, base: { ...spec.base, epochs } });
  const warm = (name: string, make: () => Executor): Peer => ({
    name,
    async run() {
      const executor = make();
      try {
        const results = await runSweep(sweep, { executor });
        return results.filter((r) => r.status !== 'failed').length;
      } finally {
        await executor.close();
      }
    },
  });
  // A pool made once and kept: its worker warmed by the warm-up round and by every run before (an app
  // that embeds the trainer, `lrlab worker`); what is left is the cost of sharing two cores.
  let kept: PoolExecutor | undefined;
  const keptPeer: Peer = {
    name: 'lrlab pool (2 at a time), kept',
    setup: () => { kept = new PoolExecutor({ concurrency: 2 }); },
    async run() {
      const results = await runSweep(sweep, { executor: kept! });
      return results.filter((r) => r.status !== 'failed').length;
    },
    teardown: () => kept?.close(),
  };
  const warmPeers = [warm('lrlab inline', () => new InlineExecutor()), warm('lrlab pool (2 at a time)', () => new PoolExecutor({ concurrency: 2 })), keptPeer];
  const warmTimings = await measure(warmPeers, rounds);
  const shareAfter = await coreShare(quick ? 1 : 9);
  const ratio = (t: PeerTiming[]) => `${(t[0].medianMs / t[1].medianMs).toFixed(2)}× faster than inline ` +
    `(median of the rounds' own ratios: ${pairedRatio(t[0].samples, t[1].samples).toFixed(2)}×)`;
  return ratioTable(`the default sweep (${spec.name}, 32 trials × ${epochs} epochs), sweep phase in a fresh process each, as npm start runs it (check: trials run)`,
    cold, cold[0].name) +
    `\npool: ${ratio(cold)}, fresh processes as npm start runs them; each thread's busy time in the trials ` +
    `(median of the measured runs): main thread ${median(busyMs.slice(-rounds).map((b) => b[0]!)).toFixed(0)} ms, ` +
    `worker ${median(busyMs.slice(-rounds).map((b) => b[1] ?? 0)).toFixed(0)} ms.\n\n` +
    ratioTable('the same sweep in this warm process, a fresh pool each time (its worker starts cold) and one pool kept (check: trials run)', warmTimings, 'lrlab inline') +
    `\npool in a warm process: ${ratio(warmTimings)}; the kept pool: ${ratio([warmTimings[0], warmTimings[2]])}.\n` + coreShareLine(shareBefore, shareAfter);
}
