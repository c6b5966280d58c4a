/** The messages between a WebWorkerExecutor and its Web Workers (worker.ts). */
import type { TrialOutcome, TrialTask } from '../sweep/trial.js';

export type ToWorker =
  /** Sent once, first: the module the page compiled (a WebAssembly.Module crosses postMessage without recompiling). */
  | { type: 'init'; wasm: WebAssembly.Module }
  | { type: 'run'; id: number; task: TrialTask }
  /** Aborts the running trial (it resolves with status 'aborted', keeping the epochs done). */
  | { type: 'abort' };

export type FromWorker =
  | { type: 'outcome'; id: number; outcome: TrialOutcome }
  | { type: 'error'; id: number; message: string };
