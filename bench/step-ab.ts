/**
 * A/B of two builds (e.g. main's lrlab.wasm built to a temp file, against this
 * checkout's) on the parts of one training step of a 784 → H… → 10 Adam net at
 * batch 64, in one process, in CPU time (user + system: other processes on the
 * machine then cost this one its cache but not its clock), the builds
 * alternating ABBA for many rounds. Parts: the whole step (trainBatch: gather,
 * forward, loss, backward, update), the gradients alone (forward, loss,
 * backward of contiguous rows: computeGradients) and the update alone
 * (applyUpdate). With --fit, also whole fits (Model.create + fit of 2048 rows ×
 * 1 epoch + dispose, as the mlp suite runs them) on each build, on the base
 * build without dispose (a new instance per fit) and on TF.js's wasm backend, in CPU time and in wall time (TF.js's garbage keeps V8's
 * helper threads busy, so its CPU time exceeds its wall time: the suites
 * compare wall times); the builds' final losses must agree.
 *   npx tsx bench/step-ab.ts BASE.wasm [NEW.wasm] [--hidden 128] [--rounds 31] [--fit]
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { Model } from '../bindings/index.js';
import { WasmBackend } from '../bindings/backend/wasm.js';
import { TRAIN } from '../bindings/backend/types.js';
import { normalizeModel, normalizeOptimizer } from '../bindings/spec.js';
import { tfFit } from './peers/tfjs.js';
import { median } from './timing.js';
import { mnistShaped, randomClassification } from './suites/training.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { hidden: { type: 'string', default: '128' }, rounds: { type: 'string', default: '31' }, fit: { type: 'boolean', default: false } },
});
const [basePath, newPath = new URL('../build/lrlab.wasm', import.meta.url).pathname] = positionals;
if (!basePath) throw new Error('usage: tsx bench/step-ab.ts BASE.wasm [NEW.wasm] [--hidden 128] [--rounds 31] [--fit]');
const rounds = Number(values.rounds);
const spec = mnistShaped(values.hidden.split(',').map(Number));
const optimizer = { name: 'adam' as const, lr: 0.001 };
const ROWS = 2048, BATCH = 64;
const data = randomClassification(ROWS, 784, 10, 5);
const modules = await Promise.all([basePath, newPath].map(async (p) => WebAssembly.compile(await readFile(p))));
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

const backends = await Promise.all(modules.map(async (module) => {
  const b = await WasmBackend.create(normalizeModel(spec), normalizeOptimizer(optimizer), BATCH, module);
  b.initParams(1);
  b.setData(TRAIN, data.x.data, data.y.data, ROWS);
  b.beginEpoch(1, 0, true);
  return b;
}));
// Each part runs `reps` times per sample, the step on the epoch's batches in turn (a small lr keeps the weights sane).
const batches = ROWS / BATCH;
const parts: [string, (b: WasmBackend, reps: number) => unknown][] = [
  ['step (trainBatch)', (b, reps) => { for (let i = 0; i < reps; i++) b.trainBatch((i % batches) * BATCH, BATCH, 1e-6); }],
  ['gradients (computeGradients)', (b, reps) => { for (let i = 0; i < reps; i++) b.computeGradients(TRAIN, (i % batches) * BATCH, BATCH); }],
  ['update (applyUpdate)', (b, reps) => { for (let i = 0; i < reps; i++) b.applyUpdate(1e-6); }],
];
const REPS = 8;
const times = parts.map(() => backends.map(() => [] as number[]));
for (let r = -2; r < rounds; r++) {
  parts.forEach(([, run], p) => {
    for (let q = 0; q < 2; q++) {
      const i = r & 1 ? 1 - q : q;
      const t0 = cpuMs();
      run(backends[i], REPS);
      if (r >= 0) times[p][i].push((cpuMs() - t0) * 1000 / REPS);
    }
  });
}
const ratio = (t: number[][]) => median(t[1].map((x, r) => x / t[0][r]));
const lines = [`784 → ${values.hidden.replaceAll(',', ' → ')} → 10, Adam, batch ${BATCH}; CPU µs per call, median of ${rounds} rounds`, '',
  '| part | base µs | new µs | new/base (median of per-round ratios) |', '|---|---:|---:|---:|'];
const row = (name: string, t: number[][]) => lines.push(`| ${name} | ${median(t[0]).toFixed(1)} | ${median(t[1]).toFixed(1)} | ${ratio(t).toFixed(3)} |`);
parts.forEach(([name], p) => row(name, times[p]));

if (values.fit) {
  const fits: [string, () => Promise<number>][] = modules.map((wasm, i) => [i ? 'new' : 'base', async () => {
    const model = await Model.create({ model: spec, optimizer, backend: 'wasm', seed: 1, wasm });
    const h = await model.fit(data, { epochs: 1, batchSize: BATCH });
    model.dispose();
    return h.loss[h.loss.length - 1];
  }]);
  // The base build once more, in its own module (so its own spare instances), without dispose: a new instance per fit.
  const fresh = await WebAssembly.compile(await readFile(basePath));
  fits.push(['base, no dispose', async () => {
    const model = await Model.create({ model: spec, optimizer, backend: 'wasm', seed: 1, wasm: fresh });
    const h = await model.fit(data, { epochs: 1, batchSize: BATCH });
    return h.loss[h.loss.length - 1];
  }]);
  fits.push(['tfjs wasm', () => tfFit('wasm', spec, optimizer, data, 1, BATCH)]);
  const t = fits.map(() => [] as number[]), wall = fits.map(() => [] as number[]), checks = fits.map(() => NaN);
  const fitRounds = Math.max(5, rounds >> 1);
  for (let r = -1; r < fitRounds; r++) {
    for (let q = 0; q < fits.length; q++) {
      const i = r & 1 ? fits.length - 1 - q : q;
      const t0 = cpuMs(), w0 = performance.now();
      checks[i] = await fits[i][1]();
      if (r >= 0) { t[i].push(cpuMs() - t0); wall[i].push(performance.now() - w0); }
    }
  }
  if (checks[0] !== checks[1]) throw new Error(`final losses differ: ${checks[0]} vs ${checks[1]}`);
  lines.push('', `Whole fits (create + ${ROWS} rows × 1 epoch + dispose), median of ${fitRounds} rounds (× new: median of per-round ratios)`, '',
    '| peer | CPU ms | × new, CPU | wall ms | × new, wall |', '|---|---:|---:|---:|---:|');
  const per = (x: number[][], i: number) => median(x[i].map((v, r) => v / x[1][r])).toFixed(2);
  fits.forEach(([name], i) => lines.push(`| ${name} | ${median(t[i]).toFixed(1)} | ${per(t, i)} | ${median(wall[i]).toFixed(1)} | ${per(wall, i)} |`));
}
console.log(lines.join('\n'));
