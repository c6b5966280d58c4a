/** The inputs of the reports (see html.ts, files.ts). */
import type { History } from '../history.js';
import type { Diagnosis, SweepAnalysis, TrialResult } from '../sweep/types.js';
import type { FindLrResult } from '../finder.js';

export interface SweepReportInput {
  title: string;
  subtitle?: string;
  /** The swept axes by path (e.g. ["optimizer.lr", "optimizer.momentum"]), in the sweep's order. */
  axes: string[];
  results: TrialResult[];
  analysis: SweepAnalysis;
  /** The sweep's spec (or any JSON-able summary of it), shown folded at the end of the report. */
  specSummary?: unknown;
}

export interface RunReportInput {
  title: string;
  subtitle?: string;
  history: History;
  diagnosis: Diagnosis;
  test?: { loss: number; accuracy?: number };
  /** The experiment spec, shown folded at the end of the report. */
  spec?: unknown;
}

/** What the LR range test chart needs: findLr's result (stoppedEarly is optional). */
export type FinderChartInput = Pick<FindLrResult, 'lrs' | 'losses' | 'smoothed' | 'suggestions' | 'suggested'> & {
  stoppedEarly?: boolean;
};

export interface FinderReportInput {
  title: string;
  subtitle?: string;
  result: FinderChartInput;
  spec?: unknown;
}
