/** lrlab's public API. */
export { Model, type ModelConfig, type Evaluation, type PredictOptions } from './model.js';
export { preprocessingOf, type Preprocessing, type TargetEncoding, type RawRows } from './preprocessing.js';
export { fromTfjs, type TfjsImportOptions } from './formats/tfjs-import.js';
export type { TfjsArtifacts, TfjsModelJson, TfjsExportOptions } from './formats/tfjs-export.js';
export type { OnnxExportOptions } from './formats/onnx.js';
export { LrlabError, type ErrorCode } from './errors.js';
export type { Callbacks, FitOptions, TrainingContext } from './fit-options.js';
export type { History, HistoryEvent, EpochLogs, FitStatus } from './history.js';
export {
  ACTIVATIONS, INITIALIZERS, LOSSES, OPTIMIZERS, normalizeModel, normalizeOptimizer,
  type Activation, type Initializer, type LayerSpec, type LossName, type ModelSpec, type OptimizerName, type OptimizerSpec,
} from './spec.js';
export { KERAS_DEFAULTS, kerasDecaySchedule } from './keras-defaults.js';
export type { Backend, BackendKind, WasmSource } from './backend/index.js';
export { relaxedSimdSupported, relaxedWasmModule } from './backend/wasm-module.js';
export { createRng, type Rng } from './random.js';
export type { Dataset, Matrix } from './types.js';
export * from './data/index.js';
export * from './schedules/index.js';
export { findLr, suggest, type FindLrOptions, type FindLrResult } from './finder.js';
export { recommendLr, type Recommendation, type RecommendOptions, type LrEvidence, type AdviceObjective } from './advice/recommend.js';
export type { PlateauSpec, Monitor, Mode } from './plateau.js';
export type { EarlyStoppingSpec } from './early-stopping.js';
export type { LrPolicySpec, DivergenceSpec, PolicyState } from './lr-policy.js';
export { runExperiment, validateExperiment, TUTORIAL_EXPERIMENT, SKLEARN_TUTORIAL_DATA, type ExperimentSpec, type ExperimentResult } from './experiment.js';
export { validateSweep, expandSweep, sweepCells, type SweepSpec, type NormalizedSweep, type HalvingSpec } from './sweep/spec.js';
export { logGrid, linearGrid, type AxisSpec } from './sweep/axes.js';
export { runSweep, type SweepRunOptions, type SweepProgress } from './sweep/run.js';
export { runTrial, type TrialTask, type TrialOutcome } from './sweep/trial.js';
export { InlineExecutor, type Executor } from './sweep/executor.js';
export type { Trial, TrialResult, Diagnosis, CurveLabel, SensitivityPoint, SweepAnalysis } from './sweep/types.js';
export { analyzeSweep, diagnoseCurve } from './diagnostics/index.js';
export { renderSweepReport, renderRunReport, renderFinderReport, renderRecommendReport, summaryJson, epochsCsv } from './report/index.js';
// Node only (worker threads, the file system): not part of the browser build.
export { PoolExecutor } from './sweep/pool.js';
export { ResultStore } from './sweep/store.js';
export { writeSweepReport } from './report/write.js';
