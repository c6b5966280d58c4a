/** The few lines a command prints at the end: the best configuration and the recommendation. */
import { finalLoss, finalAccuracy, fmtAxisValue } from '../diagnostics/index.js';
import type { SweepAnalysis, TrialResult } from '../sweep/types.js';

export function describeBest(results: TrialResult[], analysis: SweepAnalysis): string {
  const lines: string[] = [];
  const best = results.find((r) => r.id === analysis.bestTrialId);
  const counts = new Map<string, number>();
  for (const d of Object.values(analysis.diagnoses)) counts.set(d.label, (counts.get(d.label) ?? 0) + 1);
  const failed = results.filter((r) => r.status === 'failed').length;
  const parts = [...counts].map(([label, n]) => `${n} ${label.replace('_', ' ')}`);
  if (failed) parts.push(`${failed} failed`);
  lines.push(`diagnoses: ${parts.join(', ') || 'none'}`);
  if (best) {
    const params = Object.entries(best.params).map(([k, v]) => `${k}=${typeof v === 'string' ? JSON.stringify(v) : fmtAxisValue(v)}`).join(', ');
    const cell = analysis.bestCell;
    if (cell && cell.trialIds.length > 1) {
      const accuracy = cell.finalAccuracy ? `, accuracy ${cell.finalAccuracy.mean.toFixed(3)}` : '';
      lines.push(`best: ${params}: mean final loss ${cell.finalLoss.mean.toFixed(4)} ± ${cell.finalLoss.std.toFixed(4)} over ${cell.finalLoss.n} repeats${accuracy}`);
    } else {
      const accuracy = finalAccuracy(best);
      lines.push(`best: ${params}: final loss ${finalLoss(best).toFixed(4)}${accuracy !== undefined && Number.isFinite(accuracy) ? `, accuracy ${accuracy.toFixed(3)}` : ''}`);
    }
  }
  lines.push(analysis.recommended ? `recommended: ${analysis.recommended.explanation}` : 'recommended: no configuration trained well enough to recommend a range');
  return lines.join('\n') + '\n';
}
