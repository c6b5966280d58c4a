/** lrlab report DIR: rebuilds a sweep's report from its recorded results. */
import { analyzeSweep } from '../diagnostics/index.js';
import { LrlabError } from '../errors.js';
import { writeSweepReport } from '../report/write.js';
import { validateSweep } from '../sweep/spec.js';
import { ResultStore } from '../sweep/store.js';
import { expandSweep } from '../sweep/spec.js';
import type { TrialResult } from '../sweep/types.js';
import { describeBest } from './summary.js';
import { HELP_FLAG, flagsHelp, parseFlags } from './flags.js';

export const REPORT_FLAGS = HELP_FLAG;

export const REPORT_HELP = `Usage: lrlab report DIR

Rebuilds DIR/report.html, summary.json and epochs.csv from the results a sweep
recorded in DIR/results.jsonl (all of them so far, if the sweep is unfinished).

Options:
${flagsHelp(REPORT_FLAGS)}`;

export async function reportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, REPORT_FLAGS, 'lrlab report', { positionals: true });
  if (values.help) {
    process.stdout.write(REPORT_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new LrlabError('INVALID_OPTION', 'DIR', positionals.join(' '), 'must be exactly one sweep directory');
  const dir = positionals[0];
  const { spec, results } = await ResultStore.read(dir);
  const sweep = validateSweep(spec, `${dir}/sweep.json`);
  const finals = lastRungs(results);
  // Report the trials in sweep order; the results of trials not in this sweep's expansion are ignored.
  const order = new Map(expandSweep(sweep).map((t) => [t.id, t.index]));
  const ordered = finals.filter((r) => order.has(r.id)).sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  const analysis = analyzeSweep(ordered);
  const files = await writeSweepReport(dir, {
    title: `Learning-rate sweep: ${sweep.name}`, axes: sweep.axes.map((a) => a.path), results: ordered, analysis, specSummary: spec,
  });
  process.stdout.write(`${ordered.length} trials\n${describeBest(ordered, analysis)}report: ${files.html}\n`);
  return 0;
}

/** Under successive halving a trial has one result per rung: keep its last. */
function lastRungs(results: TrialResult[]): TrialResult[] {
  const byId = new Map<string, TrialResult>();
  for (const r of results) {
    const seen = byId.get(r.id);
    if (!seen || (r.rung ?? 0) >= (seen.rung ?? 0)) byId.set(r.id, r);
  }
  return [...byId.values()];
}
