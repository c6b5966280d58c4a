/** Diagnostics of training curves and sweeps: labels per trial, sensitivity curve, recommended range. */
export { diagnoseCurve, CURVE_THRESHOLDS, type CurveContext } from './curve.js';
export { analyzeSweep, resolveAxis, DEFAULT_AXIS, SWEEP_DEFAULTS, type AnalyzeSweepOptions } from './sweep.js';
export { finalLoss, bestLoss, finalAccuracy, judgedLossSeries, hasCurve } from './results.js';
export { meanStd, median, num, isFiniteNumber, fmtLoss, fmtValue, fmtAxisValue, fmtPct, fmtRatio, type MeanStd } from './stats.js';
