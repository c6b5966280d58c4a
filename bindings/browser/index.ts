/**
 * lrlab in the browser: the same API as the Node entry (Model, fit, schedules,
 * plateau, findLr, runExperiment, sweeps and their diagnostics) with no Node
 * built-in on any path, plus WebWorkerExecutor, which runs a sweep's trials in
 * Web Workers, one per core.
 *
 * Bundled (`npm run build:browser` → build/browser/lrlab.js), the library
 * loads the lrlab.wasm that sits next to the bundle, by URL; pass `wasm:` (a
 * URL, bytes or a compiled module) to Model.create / runExperiment /
 * WebWorkerExecutor, or call loadWasm(), to load it from elsewhere.
 * lrlab.embedded.js carries the wasm inside the bundle instead.
 */
import { setDefaultWasm, wasmModule, type WasmSource } from '../backend/wasm-module.js';

// The public API of ../index.ts, less its Node-only parts (PoolExecutor, ResultStore,
// writeSweepReport) and the HTML reports (kept out of the browser bundles); test/browser-playground.test.ts
// checks that the two lists stay in step.
export { Model, type ModelConfig, type Evaluation, type PredictOptions } from '../model.js';
export { preprocessingOf, type Preprocessing, type TargetEncoding, type RawRows } from '../preprocessing.js';
export { fromTfjs, type TfjsImportOptions } from '../formats/tfjs-import.js';
export type { TfjsArtifacts, TfjsModelJson, TfjsExportOptions } from '../formats/tfjs-export.js';
export type { OnnxExportOptions } from '../formats/onnx.js';
export { LrlabError, type ErrorCode } from '../errors.js';
export type { Callbacks, FitOptions, TrainingContext } from '../fit-options.js';
export type { History, HistoryEvent, EpochLogs, FitStatus } from '../history.js';
export {
  ACTIVATIONS, INITIALIZERS, LOSSES, OPTIMIZERS, normalizeModel, normalizeOptimizer,
  type Activation, type Initializer, type LayerSpec, type LossName, type ModelSpec, type OptimizerName, type OptimizerSpec,
} from '../spec.js';
export { KERAS_DEFAULTS, kerasDecaySchedule } from '../keras-defaults.js';
export type { Backend, BackendKind, WasmSource } from '../backend/index.js';
export { relaxedSimdSupported, relaxedWasmModule } from '../backend/wasm-module.js';
export { createRng, type Rng } from '../random.js';
export type { Dataset, Matrix } from '../types.js';
export * from '../data/index.js';
export * from '../schedules/index.js';
export { findLr, suggest, type FindLrOptions, type FindLrResult } from '../finder.js';
export { recommendLr, type Recommendation, type RecommendOptions, type LrEvidence, type AdviceObjective } from '../advice/recommend.js';
export type { PlateauSpec, Monitor, Mode } from '../plateau.js';
export type { EarlyStoppingSpec } from '../early-stopping.js';
export type { LrPolicySpec, DivergenceSpec, PolicyState } from '../lr-policy.js';
export { runExperiment, validateExperiment, TUTORIAL_EXPERIMENT, SKLEARN_TUTORIAL_DATA, type ExperimentSpec, type ExperimentResult } from '../experiment.js';
export { validateSweep, expandSweep, sweepCells, type SweepSpec, type NormalizedSweep, type HalvingSpec } from '../sweep/spec.js';
export { logGrid, linearGrid, type AxisSpec } from '../sweep/axes.js';
export { runSweep, type SweepRunOptions, type SweepProgress } from '../sweep/run.js';
export { runTrial, type TrialTask, type TrialOutcome } from '../sweep/trial.js';
export { InlineExecutor, type Executor } from '../sweep/executor.js';
export type { Trial, TrialResult, AxisValues, Diagnosis, CurveLabel, SensitivityPoint, SweepAnalysis } from '../sweep/types.js';
export { analyzeSweep, diagnoseCurve } from '../diagnostics/index.js';
export { setDefaultWasm } from '../backend/wasm-module.js';
export { WebWorkerExecutor, hardwareConcurrency, type WebWorkerExecutorOptions } from './web-worker-executor.js';

/** The lrlab.wasm next to this bundle (the browser build copies it there). */
export const WASM_URL = new URL('./lrlab.wasm', import.meta.url);

// Bundled, the wasm sits next to the bundle. Run from source (tsx, a dev server serving .ts), the
// library's own default, build/lrlab.wasm relative to bindings/backend/, is already right.
if (!new URL(import.meta.url).pathname.endsWith('.ts')) setDefaultWasm(WASM_URL);

/**
 * Compiles the wasm now (streaming from the network where the server sends
 * application/wasm) and makes it the default of every model created without a
 * `wasm` option. Optional: the first Model.create compiles it otherwise.
 */
export async function loadWasm(source: WasmSource = WASM_URL): Promise<WebAssembly.Module> {
  let module: WebAssembly.Module | undefined;
  if ((source instanceof URL || typeof source === 'string') && typeof WebAssembly.compileStreaming === 'function' && typeof fetch === 'function') {
    // compileStreaming needs the application/wasm content type; any failure falls back to a plain fetch and compile.
    module = await WebAssembly.compileStreaming(fetch(source)).catch(() => undefined);
  }
  module ??= await wasmModule(source);
  setDefaultWasm(module);
  return module;
}
