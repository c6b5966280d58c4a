/**
 * Synthetic but realistic inputs for the report tests, built by hand (no
 * training): an LR × momentum sweep whose curves follow
 * loss = floor + (start − floor)·exp(−k·lr/(1−momentum)·epoch) with noise, where
 * too high an effective LR oscillates or diverges (NaN), too low trains too
 * slowly, and one trial fails before training.
 */
import type { History, HistoryEvent } from '../../bindings/history.js';
import type { CurveLabel, Diagnosis, SensitivityPoint, SweepAnalysis, TrialResult } from '../../bindings/sweep/types.js';
import type { FinderChartInput, RunReportInput, SweepReportInput } from '../../bindings/report/types.js';
import { suggest } from '../../bindings/finder.js';

export const LR_AXIS = 'optimizer.lr';
export const MOMENTUM_AXIS = 'optimizer.momentum';

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SweepFixtureOptions {
  epochs?: number;
  lrs?: number[];
  momenta?: number[];
  repeats?: number;
  /** Record a per-step LR (stepLr) with this many steps per epoch. */
  stepsPerEpoch?: number;
  /** Index (in expansion order) of the trial that fails; -1 for none. */
  failedIndex?: number;
  /** Extra param added to every trial (e.g. a malicious string). */
  extraParam?: [string, unknown];
}

interface Curve { history: History; label: CurveLabel; reason: string; numbers: Record<string, number> }

function cosine(lr: number, epoch: number, epochs: number): number {
  return lr * (0.05 + 0.95 * 0.5 * (1 + Math.cos((Math.PI * epoch) / epochs)));
}

function curve(lr: number, momentum: number, epochs: number, seed: number, stepsPerEpoch: number | undefined): Curve {
  const rand = rng(seed);
  const eff = lr / (1 - momentum);
  const wobble = eff >= 0.3 ? Math.min(0.5, 0.8 * eff) : 0.02;
  // Too high an LR leaves the loss higher (the right arm of the "U").
  const start = 1.1, floor = (0.09 + 0.02 * rand()) * (eff >= 0.3 ? 1 + 3 * wobble : 1) + (eff >= 0.9 ? 0.25 : 0);
  const k = 4;
  const divergeAt = eff >= 1.5 ? Math.max(2, Math.round(3 / eff)) : eff >= 0.9 ? Math.round(epochs * 0.4) : -1;
  const h: History = { epoch: [], loss: [], accuracy: [], valLoss: [], valAccuracy: [], lr: [], time: [], status: 'completed', events: [] };
  if (stepsPerEpoch) h.stepLr = [];
  for (let e = 0; e < epochs; e++) {
    const lrE = cosine(lr, e, epochs);
    let loss: number;
    if (divergeAt >= 0 && e >= divergeAt) {
      loss = NaN;
    } else if (divergeAt >= 0 && e >= divergeAt - 3) {
      loss = start * Math.pow(12, 4 - (divergeAt - e));
    } else {
      const base = floor + (start - floor) * Math.exp((-k * eff * (e + 1)) / 10);
      loss = base * (1 + wobble * (rand() - 0.5) * (eff >= 0.3 ? Math.sin(e * 1.7) + 1 : 1));
    }
    const overfit = 1 + 0.15 * Math.max(0, (e - epochs * 0.5) / epochs) * Math.min(1, eff * 20);
    const valLoss = Number.isFinite(loss) ? loss * (1.08 + 0.04 * rand()) * overfit : loss;
    h.epoch.push(e);
    h.loss.push(loss);
    h.valLoss!.push(valLoss);
    h.accuracy!.push(Number.isFinite(loss) ? Math.min(0.995, Math.max(1 / 3, 1 - 0.62 * Math.min(1, loss / start))) : NaN);
    h.valAccuracy!.push(Number.isFinite(valLoss) ? Math.min(0.99, Math.max(1 / 3, 1 - 0.64 * Math.min(1, valLoss / start))) : NaN);
    h.lr.push(lrE);
    h.time.push(4 + rand() * 2);
    if (h.stepLr) for (let s = 0; s < stepsPerEpoch!; s++) h.stepLr.push(cosine(lr, e + s / stepsPerEpoch!, epochs));
    if (!Number.isFinite(loss)) {
      h.status = 'diverged';
      h.events.push({ epoch: e, step: (e + 1) * (stepsPerEpoch ?? 16), kind: 'diverged', reason: `loss became NaN at epoch ${e}` });
      break;
    }
  }
  const finalLoss = h.loss[h.loss.length - 1];
  const drop = Number.isFinite(finalLoss) ? 1 - finalLoss / h.loss[0] : NaN;
  let label: CurveLabel, reason: string;
  if (h.status === 'diverged') { label = 'diverged'; reason = `The loss became NaN at epoch ${h.loss.length - 1} (effective LR ${eff.toPrecision(2)}).`; }
  else if (eff >= 0.3) { label = 'oscillating'; reason = `The loss swings by ${(wobble * 100).toFixed(0)} % between epochs; the LR is a bit too high.`; }
  else if (eff < 0.02) { label = 'too_slow'; reason = `The loss fell only ${(drop * 100).toFixed(0)} % and was still falling at the end.`; }
  else { label = 'good'; reason = `The loss fell ${(drop * 100).toFixed(0)} % and flattened out smoothly.`; }
  return { history: h, label, reason, numbers: { relativeDrop: drop, effectiveLr: eff } };
}

function meanStd(xs: number[]): { mean: number; std: number; n: number } {
  const f = xs.filter(Number.isFinite);
  if (f.length === 0) return { mean: NaN, std: NaN, n: xs.length };
  const mean = f.reduce((a, b) => a + b, 0) / f.length;
  const std = Math.sqrt(f.reduce((a, b) => a + (b - mean) ** 2, 0) / f.length);
  return { mean, std, n: xs.length };
}

export function makeSweepFixture(options: SweepFixtureOptions = {}): SweepReportInput {
  const epochs = options.epochs ?? 200;
  const lrs = options.lrs ?? [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1];
  const momenta = options.momenta ?? [0, 0.9];
  const repeats = options.repeats ?? 1;
  const failedIndex = options.failedIndex ?? 1;
  const results: TrialResult[] = [];
  const diagnoses: Record<string, Diagnosis> = {};
  let index = 0;
  for (const momentum of momenta) {
    for (const lr of lrs) {
      for (let repeat = 0; repeat < repeats; repeat++, index++) {
        const id = `t${index.toString(16).padStart(4, '0')}${((lr * 1e6) | 0).toString(36)}`;
        const params: Record<string, unknown> = { [LR_AXIS]: lr, [MOMENTUM_AXIS]: momentum };
        if (options.extraParam) params[options.extraParam[0]] = options.extraParam[1];
        if (index === failedIndex) {
          results.push({
            id, index, params, repeat, status: 'failed', timeMs: 3,
            error: 'LrlabError: data.path: must name a readable CSV file. Received: data.path="missing.csv"',
          });
          continue;
        }
        const c = curve(lr, momentum, epochs, 1000 + index * 7919, options.stepsPerEpoch);
        const h = c.history;
        results.push({
          id, index, params, repeat, status: h.status, history: h,
          train: { loss: h.loss[h.loss.length - 1], accuracy: h.accuracy![h.accuracy!.length - 1] },
          test: { loss: h.valLoss![h.valLoss!.length - 1] * 1.01, accuracy: h.valAccuracy![h.valAccuracy!.length - 1] },
          timeMs: h.time.reduce((a, b) => a + b, 0),
        });
        diagnoses[id] = { label: c.label, reason: c.reason, numbers: c.numbers };
      }
    }
  }

  const sensitivity: SensitivityPoint[] = [];
  for (const momentum of momenta) {
    for (const lr of lrs) {
      const cell = results.filter((r) => r.params[LR_AXIS] === lr && r.params[MOMENTUM_AXIS] === momentum && r.history);
      if (cell.length === 0) continue;
      const ok = cell.filter((r) => r.status !== 'diverged');
      const finals = ok.map((r) => r.history!.valLoss![r.history!.valLoss!.length - 1]);
      const bests = ok.map((r) => r.history!.valLoss!.filter(Number.isFinite).reduce((m, v) => Math.min(m, v), Infinity));
      const accs = ok.map((r) => r.history!.valAccuracy![r.history!.valAccuracy!.length - 1]);
      sensitivity.push({
        x: lr, group: { [MOMENTUM_AXIS]: momentum },
        finalLoss: { ...meanStd(finals), n: cell.length },
        bestLoss: { ...meanStd(bests), n: cell.length },
        finalAccuracy: { ...meanStd(accs), n: cell.length },
        diverged: cell.length - ok.length,
      });
    }
  }

  const finite = results.filter((r) => r.history && r.status !== 'diverged');
  const finalVal = (r: TrialResult) => r.history!.valLoss![r.history!.valLoss!.length - 1];
  const best = finite.reduce<TrialResult | null>((b, r) => (b === null || finalVal(r) < finalVal(b) ? r : b), null);
  const good = results.filter((r) => diagnoses[r.id]?.label === 'good').map((r) => r.params[LR_AXIS] as number);
  const analysis: SweepAnalysis = {
    axis: LR_AXIS,
    diagnoses,
    sensitivity,
    bestTrialId: best?.id ?? null,
    recommended: good.length
      ? {
        low: Math.min(...good), high: Math.max(...good), x: best!.params[LR_AXIS] as number, group: {},
        explanation: `Trials with lr from ${Math.min(...good)} to ${Math.max(...good)} trained smoothly; above that the loss oscillated or diverged, below it training was too slow.`,
      }
      : null,
  };
  return {
    title: 'LR sweep: blobs, Dense(50) → Dense(3)',
    subtitle: `${lrs.length} learning rates × ${momenta.length} momenta, ${epochs} epochs, SGD`,
    axes: [LR_AXIS, MOMENTUM_AXIS, ...(options.extraParam ? [options.extraParam[0]] : [])],
    results,
    analysis,
    specSummary: { base: { optimizer: { name: 'sgd' }, epochs }, axes: { [LR_AXIS]: lrs, [MOMENTUM_AXIS]: momenta }, repeats },
  };
}

/** One classification run with validation, a reduce-on-plateau LR change and an early stop. */
export function makeRunFixture(epochs = 120): RunReportInput {
  const c = curve(0.01, 0.9, epochs, 42, undefined);
  const h = c.history;
  const events: HistoryEvent[] = [];
  // A plateau halving at 60 %, as ReduceLROnPlateau would do.
  const at = Math.round(epochs * 0.6);
  for (let e = at; e < h.lr.length; e++) h.lr[e] = h.lr[e] / 2;
  events.push({ epoch: at - 1, step: at * 16, kind: 'lr', oldLr: h.lr[at - 1], newLr: h.lr[at], reason: 'val_loss did not improve for 10 epochs' });
  events.push({ epoch: h.loss.length - 1, step: h.loss.length * 16, kind: 'stop', reason: 'early stopping: val_loss did not improve for 20 epochs' });
  h.status = 'stopped';
  h.events = events;
  return {
    title: 'Run: blobs, SGD lr 0.01 momentum 0.9',
    history: h,
    diagnosis: { label: c.label, reason: c.reason, numbers: c.numbers },
    test: { loss: h.valLoss![h.valLoss!.length - 1] * 1.02, accuracy: h.valAccuracy![h.valAccuracy!.length - 1] - 0.01 },
    spec: { optimizer: { name: 'sgd', lr: 0.01, momentum: 0.9 }, epochs },
  };
}

/** An LR range test result shaped like findLr's: flat, a fall, a valley, then an explosion. */
export function makeFinderFixture(steps = 100): FinderChartInput {
  const rand = rng(7);
  const lrs: number[] = [], losses: number[] = [], smoothed: number[] = [];
  let avg = 0, lowest = Infinity;
  const beta = 0.98;
  for (let i = 0; i < steps; i++) {
    const lr = 1e-7 * Math.pow(1e8, i / (steps - 1));
    const t = Math.log10(lr);
    const base = 1.1 - 0.95 / (1 + Math.exp(-(t + 3) * 2.2)) + (t > -1 ? Math.pow(10, (t + 1) * 1.6) - 1 : 0);
    const loss = base * (1 + 0.12 * (rand() - 0.5));
    avg = beta * avg + (1 - beta) * loss;
    lrs.push(lr);
    losses.push(loss);
    smoothed.push(avg / (1 - Math.pow(beta, i + 1)));
    // findLr stops once the smoothed loss exceeds 4× its minimum.
    lowest = Math.min(lowest, smoothed[i]);
    if (smoothed[i] > 4 * lowest) break;
  }
  const suggestions = suggest(lrs, smoothed);
  return { lrs, losses, smoothed, stoppedEarly: true, suggestions, suggested: suggestions.valley };
}
