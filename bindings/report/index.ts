/**
 * Reports: self-contained HTML (inline SVG charts, no scripts), summary.json
 * and epochs.csv. This module has no Node-only imports; writeSweepReport,
 * which writes the files, is in './write.js'.
 */
export { renderSweepReport, renderRunReport, renderFinderReport } from './html.js';
export { renderRecommendReport } from '../advice/report.js';
export { summaryJson, epochsCsv, csvField, type SweepSummary, type TrialSummary } from './files.js';
export {
  renderChart, uCurveSpec, lossGridSpec, accuracyGridSpec, scheduleSpec, runLossSpec, runAccuracySpec, runLrSpec, finderSpec,
  gridLayout, lrSeries, MAX_POINTS, CHART_CONFIG, type VegaLiteSpec, type GridChartInput, type UCurveInput, type GridLayout,
} from './charts.js';
export type { SweepReportInput, RunReportInput, FinderReportInput, FinderChartInput } from './types.js';
export { escapeHtml, formatNumber, downsampleIndices } from './util.js';
