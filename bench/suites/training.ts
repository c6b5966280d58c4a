/**
 * Whole-training benchmarks: the same model, data and schedule trained by
 * lrlab (wasm and js backends) and by TensorFlow.js (wasm and cpu backends),
 * interleaved in one process, each run bracketed by the f32x4 peak; the MNIST-shaped
 * MLPs also on the relaxed-SIMD build where the engine has it (bracketed by its
 * FMA peak too; its final loss must be close to the strict build's, not equal).
 */
import { Model, blobs, splitAt, createRng, type ModelSpec, type OptimizerSpec } from '../../bindings/index.js';
import type { Dataset } from '../../bindings/types.js';
import { TUTORIAL_EXPERIMENT } from '../../bindings/experiment.js';
import { tfFit } from '../peers/tfjs.js';
import { fmaPeakProbe, peakPeer } from '../peak.js';
import { relaxedModule, RELAXED_PEER, RELAXED_SKIPPED } from '../relaxed.js';
import { measure, ratioTable, type Peer, type PeerTiming } from '../timing.js';

export interface SuiteOptions {
  quick: boolean;
}

function lrlabPeer(name: string, backend: 'wasm' | 'js', spec: ModelSpec, optimizer: OptimizerSpec, data: Dataset, epochs: number, batchSize: number,
  wasm?: WebAssembly.Module): Peer {
  return {
    name,
    async run() {
      const model = await Model.create({ model: spec, optimizer, backend, seed: 1, wasm });
      const history = await model.fit(data, { epochs, batchSize });
      model.dispose(); // as the TF.js peer disposes its model and tensors
      return history.loss[history.loss.length - 1];
    },
  };
}

function tfPeer(name: string, backend: 'wasm' | 'cpu', spec: ModelSpec, optimizer: OptimizerSpec, data: Dataset, epochs: number, batchSize: number): Peer {
  return { name, run: () => tfFit(backend, spec, optimizer, data, epochs, batchSize) };
}

/**
 * Floating-point operations of training on `samples` rows: per layer 2·in·out
 * for Z = X·W, 2·in·out for dW = Xᵀ·dZ and, above the first layer, 2·in·out
 * for dX = dZ·Wᵀ (activations, loss and the update are not counted).
 */
export function trainingFlops(spec: ModelSpec, samples: number): number {
  let inDim = spec.inputs, perRow = 0;
  spec.layers.forEach((layer, l) => {
    perRow += (l === 0 ? 4 : 6) * inDim * layer.units;
    inDim = layer.units;
  });
  return perRow * samples;
}

/** The tutorial's blobs experiment: 2 → 50 relu → 3 softmax, SGD 0.01 momentum 0.9, batch 32, 500 rows. */
export async function blobsSuite({ quick }: SuiteOptions): Promise<string> {
  const { name: _, ...options } = TUTORIAL_EXPERIMENT.data as { name: 'blobs' };
  const { train } = splitAt(blobs(options as never), 500);
  const epochs = quick ? 5 : 200;
  const { model, optimizer } = TUTORIAL_EXPERIMENT;
  const peak = await peakPeer(quick ? 1 : 4);
  const peers = [
    lrlabPeer('lrlab wasm', 'wasm', model, optimizer, train, epochs, 32),
    lrlabPeer('lrlab js', 'js', model, optimizer, train, epochs, 32),
    tfPeer('tfjs wasm', 'wasm', model, optimizer, train, epochs, 32),
    tfPeer('tfjs cpu', 'cpu', model, optimizer, train, epochs, 32),
  ];
  // A fit here takes milliseconds: more rounds keep the median steady on a noisy machine.
  const timings = await measure(peers, quick ? 1 : 15, 1, peak, { alternate: true });
  return ratioTable(`blobs experiment, ${epochs} epochs (check: final training loss)`, timings, 'lrlab wasm',
    { samplesPerRun: 500 * epochs, flopsPerRun: trainingFlops(model, 500 * epochs) });
}

export function randomClassification(rows: number, inputs: number, classes: number, seed: number): Dataset {
  const rng = createRng(seed, 0);
  const x = Float32Array.from({ length: rows * inputs }, () => rng.uniform());
  const y = new Float32Array(rows * classes);
  for (let r = 0; r < rows; r++) y[r * classes + (rng.nextU32() % classes)] = 1;
  return { x: { data: x, rows, cols: inputs }, y: { data: y, rows, cols: classes } };
}

export function mnistShaped(hidden: number[]): ModelSpec {
  return {
    inputs: 784,
    layers: [...hidden.map((units) => ({ units, activation: 'relu' as const, init: 'he_uniform' as const })), { units: 10, activation: 'softmax' }],
    loss: 'categorical_crossentropy',
  };
}

/** MNIST-shaped MLPs with Adam, batch 64, on random inputs (the speed does not depend on the values). */
export async function mlpSuite({ quick }: SuiteOptions): Promise<string> {
  const rows = quick ? 128 : 2048;
  const data = randomClassification(rows, 784, 10, 5);
  const optimizer: OptimizerSpec = { name: 'adam', lr: 0.001 };
  const peak = await peakPeer(quick ? 1 : 4);
  const relaxed = await relaxedModule();
  const fma = relaxed && await fmaPeakProbe(quick ? 1 : 4, relaxed);
  const out: string[] = relaxed ? [] : [RELAXED_SKIPPED];
  for (const hidden of [[128], [512, 512]]) {
    const spec = mnistShaped(hidden);
    const epochs = 1;
    const peers = [
      lrlabPeer('lrlab wasm', 'wasm', spec, optimizer, data, epochs, 64),
      ...(relaxed ? [lrlabPeer(RELAXED_PEER, 'wasm', spec, optimizer, data, epochs, 64, relaxed)] : []),
      lrlabPeer('lrlab js', 'js', spec, optimizer, data, epochs, 64),
      tfPeer('tfjs wasm', 'wasm', spec, optimizer, data, epochs, 64),
      tfPeer('tfjs cpu', 'cpu', spec, optimizer, data, epochs, 64),
    ];
    const timings = await measure(peers, quick ? 1 : 3, 1, peak, { fma, alternate: true });
    out.push(ratioTable(`784 → ${hidden.join(' → ')} → 10, Adam, batch 64, ${rows} rows × ${epochs} epoch`, timings, 'lrlab wasm',
      { samplesPerRun: rows * epochs, flopsPerRun: trainingFlops(spec, rows * epochs) }) + (relaxed ? relaxedLoss(timings) : ''));
  }
  return out.join('\n');
}

/** The relaxed build's final loss beside the strict build's: close (fused roundings), not equal. */
function relaxedLoss(timings: PeerTiming[]): string {
  const [strict, fused] = ['lrlab wasm', RELAXED_PEER].map((name) => timings.find((t) => t.name === name)!.check);
  const relative = Math.abs(fused - strict) / Math.abs(strict);
  if (!(relative < 1e-2)) throw new Error(`the relaxed build's final loss ${fused} is far from the strict build's ${strict}`);
  return `\n${RELAXED_PEER}: final loss ${fused} against the strict build's ${strict} (relative difference ${relative.toExponential(2)}; ` +
    'fused multiply-adds: other bits, outside the determinism promise).\n';
}
