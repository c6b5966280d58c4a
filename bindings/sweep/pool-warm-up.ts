/**
 * What a pool worker started ahead of its pool (pool-prestart.ts) does while
 * the command that started it is still importing and checking: short fits of
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

/** 64 points (one batch of 32 to train, 32 to test), 100 epochs in all: about a tenth of a trial of the tutorial. */
const WARM_UP = {
  ...TUTORIAL_EXPERIMENT,
  data: { ...TUTORIAL_EXPERIMENT.data, samples: 64 },
  epochs: 20,
};
const PIECES = 5;

/**
 * Starts the warm-up after the messages already queued for this thread, and runs it as a few short
 * fits: before each, it stops if `signal` has fired or the pool has set `runStarted` (announceRun in
 * pool-prestart.ts). The flag is seen at once, where the run's message is read only when a fit gives
 * the event loop a turn (every 20 ms): a run that came while one long fit ran waited up to that long,
 * or for the whole fit when the message missed the turn before it. Returns the last fit's own result
 * (for tests), undefined when none ran.
 */
export async function warmUp(wasm: WebAssembly.Module, signal: AbortSignal, runStarted?: Int32Array): Promise<TrialResult | undefined> {
  await new Promise((resolve) => setImmediate(resolve));
  let result: TrialResult | undefined;
  for (let piece = 0; piece < PIECES; piece++) {
    if (signal.aborted || (runStarted !== undefined && Atomics.load(runStarted, 0) !== 0)) break;
    result = (await runTrial({ trial: { id: 'warm-up', index: -1, params: {}, repeat: piece, spec: WARM_UP } }, { wasm, signal })).result;
  }
  return result;
}
