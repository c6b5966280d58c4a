/**
 * Reports: self-contained HTML (inline SVG charts drawn by ./svg/, no scripts), summary.json
 * and epochs.csv. This module has no Node-only imports; writeSweepReport,
 * which writes the files, is in './write.js'.
 */
export { renderSweepReport, renderRunReport, renderFinderReport } from './html.js';
export { renderRecommendReport } from '../advice/report.js';
export { summaryJson, epochsCsv, csvField, type SweepSummary, type TrialSummary } from './files.js';
export {
  chartSvg, lossGridChart, accuracyGridChart, scheduleChart, gridLayout, lrSeries, logTicks, logLabel, MAX_POINTS,
  type Chart, type GridChartInput, type GridLayout,
} from './charts.js';
export { uCurveChart, type UCurveInput } from './u-curve.js';
export { runLossChart, runAccuracyChart, runLrChart } from './run-charts.js';
export { finderChart } from './finder-chart.js';
export { categorySensitivityChart, heatmapChart, heatmapCells, type HeatCell } from './cell-charts.js';
export type { SweepReportInput, RunReportInput, FinderReportInput, FinderChartInput } from './types.js';
export { escapeHtml, formatNumber, downsampleIndices } from './util.js';
