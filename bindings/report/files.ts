/**
 * The machine-readable companions of a sweep report: summary.json (a plain
 * object: recommendation, best configuration, per-trial diagnosis and final
 * numbers) and epochs.csv (one row per trial per epoch). Browser-safe: no I/O
 * here (see write.ts for the files on disk).
 */
import type { CurveLabel, SensitivityPoint, SweepAnalysis, TrialResult } from '../sweep/types.js';
import type { SweepReportInput } from './types.js';
import { trialNumbers, type TrialNumbers } from './util.js';

export interface TrialSummary extends TrialNumbers {
  id: string;
  index: number;
  repeat: number;
  params: Record<string, unknown>;
  status: TrialResult['status'];
  error: string | null;
  label: CurveLabel | null;
  reason: string | null;
  numbers: Record<string, number>;
  timeMs: number;
}

export interface SweepSummary {
  title: string;
  subtitle: string | null;
  /** The axis of the sensitivity curve (e.g. "optimizer.lr"). */
  axis: string;
  axes: string[];
  recommendation: SweepAnalysis['recommended'];
  /** The best configuration: the best cell by its mean over repeats (see analyzeSweep). */
  bestCell: SweepAnalysis['bestCell'] | null;
  bestTrialId: string | null;
  best: TrialSummary | null;
  counts: { trials: number; failed: number; byLabel: Record<string, number>; byStatus: Record<string, number> };
  trials: TrialSummary[];
  sensitivity: SensitivityPoint[];
}

/**
 * The summary of a sweep as a plain object. Absent numbers are null; NaN and
 * Infinity stay numbers here and become null when serialized with
 * JSON.stringify (as in the sweep's JSONL).
 */
export function summaryJson(input: SweepReportInput): SweepSummary {
  const { analysis } = input;
  const trials: TrialSummary[] = [...input.results].sort((a, b) => a.index - b.index).map((r) => {
    const d = analysis.diagnoses[r.id];
    return {
      id: r.id, index: r.index, repeat: r.repeat, params: { ...r.params }, status: r.status, error: r.error ?? null,
      label: d?.label ?? null, reason: d?.reason ?? null, numbers: { ...(d?.numbers ?? {}) },
      ...trialNumbers(r), timeMs: r.timeMs,
    };
  });
  const byLabel: Record<string, number> = {};
  const byStatus: Record<string, number> = {};
  for (const t of trials) {
    byStatus[t.status] = (byStatus[t.status] ?? 0) + 1;
    if (t.label) byLabel[t.label] = (byLabel[t.label] ?? 0) + 1;
  }
  return {
    title: input.title,
    subtitle: input.subtitle ?? null,
    axis: analysis.axis,
    axes: [...input.axes],
    recommendation: analysis.recommended ? { ...analysis.recommended } : null,
    bestCell: analysis.bestCell ? { ...analysis.bestCell, params: { ...analysis.bestCell.params }, trialIds: [...analysis.bestCell.trialIds] } : null,
    bestTrialId: analysis.bestTrialId,
    best: trials.find((t) => t.id === analysis.bestTrialId) ?? null,
    counts: { trials: trials.length, failed: byStatus.failed ?? 0, byLabel, byStatus },
    trials,
    sensitivity: analysis.sensitivity.map((p) => ({ ...p, group: { ...p.group } })),
  };
}

/** One CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF; quotes doubled. */
export function csvField(value: unknown): string {
  let text: string;
  if (value === undefined || value === null) text = '';
  else if (typeof value === 'number') text = Number.isNaN(value) ? 'NaN' : value === Infinity ? 'Infinity' : value === -Infinity ? '-Infinity' : String(value);
  else if (typeof value === 'string') text = value;
  else if (typeof value === 'boolean' || typeof value === 'bigint') text = String(value);
  else {
    try { text = JSON.stringify(value) ?? String(value); } catch { text = String(value); }
  }
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Every epoch of every trial as CSV: trial_id, one column per swept param (by
 * its path, in first-seen order), epoch (0-based, as History.epoch), loss,
 * accuracy, val_loss, val_accuracy, lr, time_ms. Lines end with \n; missing
 * values are empty cells; NaN and ±Infinity are spelled out. Failed trials
 * (no history) have no rows.
 */
export function epochsCsv(results: TrialResult[]): string {
  const params: string[] = [];
  for (const r of results) for (const k of Object.keys(r.params)) if (!params.includes(k)) params.push(k);
  const header = ['trial_id', ...params, 'epoch', 'loss', 'accuracy', 'val_loss', 'val_accuracy', 'lr', 'time_ms'];
  const chunks = [header.map(csvField).join(',')];
  for (const r of [...results].sort((a, b) => a.index - b.index)) {
    const h = r.history;
    if (!h) continue;
    // The trial's own fields once per trial; the numbers never need quoting.
    const fixed = [r.id, ...params.map((k) => r.params[k])].map(csvField).join(',');
    const { loss, lr, time } = h, epoch = h.epoch ?? NONE, accuracy = h.accuracy ?? NONE, valLoss = h.valLoss ?? NONE, valAccuracy = h.valAccuracy ?? NONE;
    // Rows and each trial's block are joined as they are made: a join gives one flat string where a template
    // literal leaves a tree of pieces, and 6 400 trees kept alive to the end made every young-generation GC copy them.
    const rows: string[] = [];
    for (let i = 0; i < loss.length; i++) {
      rows.push([fixed, numberField(epoch[i] ?? i), numberField(loss[i]), numberField(accuracy[i]), numberField(valLoss[i]),
        numberField(valAccuracy[i]), numberField(lr[i]), numberField(time[i])].join(','));
    }
    if (rows.length > 0) chunks.push(rows.join('\n'));
  }
  return chunks.join('\n') + '\n';
}

const NONE: readonly number[] = [];

/** A number's CSV field, as csvField writes it: empty when missing, NaN and ±Infinity spelled out. */
function numberField(v: number | undefined): string {
  return v === undefined || v === null ? '' : String(v);
}
