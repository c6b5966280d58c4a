/**
 * What a pool worker started ahead of its pool (pool-prestart.ts) does while
 * the command that started it is still importing and checking: a short fit of
 * the tutorial's experiment through runTrial, the code every trial runs. A
 * thread's first trial otherwise pays for everything being cold in it (each
 * JS function parsed and compiled on its first call, inline caches empty,
 * the wasm functions compiled on their first call): about twice as long as
 * its later ones. Its result is thrown away; its wasm instance is kept for
 * the first trial (WasmBackend reuses a disposed model's instance, laid out
 * anew), so no result changes by a bit.
 */
import { TUTORIAL_EXPERIMENT } from '../experiment.js';
import { runTrial } from './trial.js';
import type { TrialResult } from './types.js';

/** 64 points (one batch of 32 to train, 32 to test) for 100 epochs: about a tenth of a trial of the tutorial. */
const WARM_UP = {
  ...TUTORIAL_EXPERIMENT,
  data: { ...TUTORIAL_EXPERIMENT.data, samples: 64 },
  epochs: 100,
};

/**
 * Starts the warm-up after the messages already queued for this thread: when a run is among them,
 * `signal` has fired by then and there is none (undefined). A run that arrives later (it can only be
 * received when the fit gives the event loop a turn, every 20 ms) aborts it at the next epoch.
 * Returns the warm-up's own result (for tests).
 */
export async function warmUp(wasm: WebAssembly.Module, signal: AbortSignal): Promise<TrialResult | undefined> {
  await new Promise((resolve) => setImmediate(resolve));
  if (signal.aborted) return undefined;
  return (await runTrial({ trial: { id: 'warm-up', index: -1, params: {}, repeat: 0, spec: WARM_UP } }, { wasm, signal })).result;
}
