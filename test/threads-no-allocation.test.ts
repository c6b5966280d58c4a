// A threaded step allocates nothing on the JS heap, on the fit's thread and
// on the worker's: no boxed number, no closure, no view per step. Measured as
// the heap's growth over thousands of steps after a full GC, against one
// boxed number per step (12–16 bytes), which the steps did allocate when the
// worker passed the learning rate as an argument.
import { Worker } from 'node:worker_threads';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Model, blobs, type OptimizerSpec } from '../bindings/index.js';
import { ThreadedBackend, type TrainingWorker, type TrainingWorkers } from '../bindings/backend/threads.js';
import { spawnModuleWorker } from '../bindings/backend/spawn-worker.js';
import { TRAIN } from '../bindings/backend/types.js';
import type { WasmBackend } from '../bindings/backend/wasm.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const WARM_STEPS = 10_000, SETTLE = [2000, 2000, 2000], SHORT = 2000, LONG = 12_000, ROWS = 400, BATCH = 40, batches = ROWS / BATCH;
const lrs = new Float64Array(batches).fill(0.01), losses = new Float64Array(batches);
const data = blobs({ samples: ROWS, centers: 3, seed: 2 });

/** One worker of helpers/thread-heap-worker.ts, kept for several fits; `grown` resolves with its heap growth over each. */
function heapWorkers() {
  const worker: Worker = spawnModuleWorker(new URL('./helpers/thread-heap-worker.js', import.meta.url), 'no-bundle');
  const reports: number[] = [];
  let waiting: (() => void) | undefined;
  worker.on('message', (m) => {
    if (typeof m === 'object') {
      reports.push(m.grew);
      waiting?.();
    }
  });
  const source: TrainingWorkers = {
    start: (init) => new Promise<TrainingWorker>((resolve) => {
      worker.once('message', () => resolve({ release: async () => {} }));
      worker.postMessage(init);
    }),
  };
  const report = (count: number) => new Promise<number>((resolve) => {
    if (reports.length >= count) resolve(reports[count - 1]);
    else waiting = () => reports.length >= count && resolve(reports[count - 1]);
  });
  return { source, report, stop: () => worker.terminate() };
}

describe('a threaded step allocates nothing', () => {
  it.each<[string, OptimizerSpec]>([
    ['adam', { name: 'adam', lr: 0.01 }],
    ['adam with clipNorm (the chained Σ g²)', { name: 'adam', lr: 0.01, clipNorm: 0.5 }],
  ])('%s: on the fit\'s thread and on the worker', async (_, optimizer) => {
    const model = await Model.create({
      model: { inputs: 2, layers: [{ units: 16, activation: 'relu' }, { units: 3, activation: 'softmax' }], loss: 'categorical_crossentropy' },
      optimizer, seed: 1,
    });
    const main = model.internals as WasmBackend;
    main.setBatchCapacity(BATCH);
    main.setData(TRAIN, data.x.data, data.y.data, ROWS);
    const workers = heapWorkers();
    const grew: number[] = [], workerGrew: number[] = [];
    try {
      // Fits on the same kept worker. The first warms both threads up (JIT), and the worker's next
      // few fits still allocate a few hundred KB each, less every time, as V8 settles on code for a
      // new instance's functions. Each later fit still pays a little once (its set-up, re-entering
      // optimized code), so the steps are measured as the least growth of three long fits less the
      // least of three short ones: an allocation per step shows in every long fit, a one-off (code
      // landing late on a loaded machine, a few hundred KB) only in some. (With two pairs and the
      // smaller difference, a full CI run once had a one-off in a fit of each pair.)
      const steps = [WARM_STEPS, ...SETTLE, SHORT, LONG, SHORT, LONG, SHORT, LONG];
      for (let fit = 0; fit < steps.length; fit++) {
        const threaded = await ThreadedBackend.start(main, 2, { x: data.x.data, y: data.y.data, rows: ROWS }, workers.source);
        threaded.beginEpoch(1, 0, true);
        gc();
        const before = process.memoryUsage().heapUsed;
        // An epoch's batches in one call, as a fit without batch callbacks makes it (bindings/train.ts).
        for (let done = 0; done < steps[fit]; done += batches) threaded.trainBatches(0, batches, BATCH, lrs, losses, Infinity);
        grew.push(process.memoryUsage().heapUsed - before);
        await threaded.close();
        workerGrew.push(await workers.report(fit + 1));
      }
    } finally {
      await workers.stop();
    }
    const measured = 1 + SETTLE.length; // the first short fit
    const least = (g: number[], from: number) => Math.min(...g.filter((_, i) => i >= from && (i - from) % 2 === 0));
    const perStep = (g: number[]) => (least(g, measured + 1) - least(g, measured)) / (LONG - SHORT);
    expect(losses.every(Number.isFinite)).toBe(true);
    // One boxed number per step would be 12–16 bytes.
    expect(perStep(grew), `fit's thread: the heap grew by ${grew} bytes`).toBeLessThan(3);
    expect(perStep(workerGrew), `worker: the heap grew by ${workerGrew} bytes`).toBeLessThan(3);
  }, 60_000);
});
