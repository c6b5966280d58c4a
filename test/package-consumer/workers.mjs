// Plain Node, no loader: what the root entry finds beside itself in the installed package: a sweep on
// the pool's worker threads, a threaded fit, the relaxed wasm next to the default one (Node 20 needs
// --experimental-wasm-relaxed-simd for it), and the lrlab/pool-worker entry.
// Prints what each produced, as JSON.
import { Worker } from 'node:worker_threads';
import { Model, PoolExecutor, TUTORIAL_EXPERIMENT, blobs, relaxedSimdSupported, relaxedWasmModule, runSweep, splitAt, validateSweep } from 'lrlab';

const sweep = validateSweep({ base: { ...TUTORIAL_EXPERIMENT, epochs: 3 }, axes: { 'optimizer.lr': [0.1, 0.01, 0.001] } });
const executor = new PoolExecutor({ concurrency: 2 });
const results = await runSweep(sweep, { executor });
await executor.close();

const { train, test } = splitAt(blobs({ samples: 200, centers: 3, features: 2, clusterStd: 2, seed: 2 }), 100);
const model = await Model.create({
  model: { inputs: 2, layers: [{ units: 16, activation: 'relu' }, { units: 3, activation: 'softmax' }], loss: 'categorical_crossentropy' },
  optimizer: { name: 'adam', lr: 0.01 },
  seed: 4,
});
const threaded = await model.fit(train, { epochs: 3, batchSize: 50, threads: 2, validationData: test });

if (!relaxedSimdSupported()) throw new Error('this engine lacks relaxed SIMD: on Node 20 run with --experimental-wasm-relaxed-simd');
const relaxed = await relaxedWasmModule();

const worker = new Worker(new URL(import.meta.resolve('lrlab/pool-worker')));
const poolWorker = await new Promise((resolve, reject) => {
  worker.once('online', () => resolve('online'));
  worker.once('error', reject);
});
await worker.terminate();

console.log(JSON.stringify({
  sweep: results.map((r) => ({ id: r.id, status: r.status, loss: r.history?.loss })),
  threaded: threaded.loss,
  relaxedExports: WebAssembly.Module.exports(relaxed).length,
  poolWorker,
}));
