/**
 * The parts of one threaded step (bindings/backend/threads.ts), each timed on
 * this one thread with the fit's own functions and views: what a thread
 * computes alone (its half-batch gradients) and the serial part around it
 * (publishing its gradients, adding its range of the slices, the update,
 * exchanging the parameters), against the serial part as it was when every
 * thread added and updated everything. One thread needs no idle machine, so
 * these figures hold under load, unlike the 2-thread speed-up itself; they
 * bound it: one-thread step / (half-batch gradients + serial part).
 */
import { Model, type Dataset, type ModelSpec } from '../bindings/index.js';
import { TRAIN } from '../bindings/backend/types.js';
import type { WasmBackend } from '../bindings/backend/wasm.js';
import { StepViews, copyAll, sharedBuffers, sharedViews } from '../bindings/backend/threads.js';
import { median } from './timing.js';

interface Phase { name: string; run(i: number): void }

/** This process's CPU time in ms: on one thread, the time it ran, whatever share of the machine other sessions left it. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Median CPU ms per call of each phase, the phases interleaved call by call (`reps` rounds after a warm-up). */
function timePhases(phases: Phase[], reps: number): number[] {
  const samples = phases.map(() => [] as number[]);
  for (let i = -3; i < reps; i++) {
    phases.forEach((phase, p) => {
      const started = cpuMs();
      phase.run(i);
      if (i >= 0) samples[p].push(cpuMs() - started);
    });
  }
  return samples.map(median);
}

export async function threadStepTable(spec: ModelSpec, data: Dataset, batch: number, reps: number): Promise<string> {
  const model = await Model.create({ model: spec, optimizer: { name: 'adam', lr: 0.001 }, seed: 1 });
  const b = model.internals as WasmBackend;
  const rows = data.x.rows, batches = Math.floor(rows / batch);
  b.setBatchCapacity(batch);
  b.setData(TRAIN, data.x.data, data.y.data, rows);
  b.beginEpoch(1, 0, true);
  const n = b.paramCount, lr = 1e-7; // a tiny LR: the update runs again and again on the same model
  const shared = sharedViews(sharedBuffers(2, n));
  const views = new StepViews(b, shared, 0);
  // What the other thread would have published: its half of a batch's gradients, and the parameters as they are
  // (the exchange copies them back in again and again; the tiny LR keeps them where they were).
  b.sliceGradients(batch >> 1, batch >> 1, batch);
  shared.parts[1].set(b.gradsView());
  shared.params.set(b.paramsView());
  const split: Phase[] = [
    { name: 'publish the gradients of the other thread\'s range', run: () => copyAll(views.current().publish) },
    {
      name: 'add the other slice into its own range', run: () => {
        const v = views.current();
        for (const part of v.addends) {
          v.scratch.set(part);
          b.addScratchToGrads(0, v.scratch);
        }
      },
    },
    { name: 'Adam update of its own range', run: () => b.updateRange(lr, shared.ranges[0], shared.ranges[1], b.updateNormPart(shared.ranges[0], shared.ranges[1], 0)) },
    {
      name: 'publish its range, copy in the other\'s', run: () => {
        const v = views.current();
        v.ownParams[0].set(v.ownParams[1]);
        copyAll(v.otherParams);
      },
    },
  ];
  const whole: Phase[] = [
    { name: 'publish all its gradients', run: () => shared.parts[0].set(b.gradsView()) },
    {
      name: 'add the other slice into all', run: () => {
        const scratch = b.scratch(n);
        scratch.set(shared.parts[1]);
        b.addScratchToGrads(0, scratch);
      },
    },
    { name: 'Adam update of all', run: () => b.applyUpdate(lr) },
  ];
  const compute: Phase[] = [
    { name: `one-thread step (batch ${batch})`, run: (i) => b.trainBatch((((i % batches) + batches) % batches) * batch, batch, lr) },
    { name: `half-batch gradients (${batch >> 1} of ${batch} rows)`, run: (i) => b.sliceGradients((((i % batches) + batches) % batches) * batch, batch >> 1, batch) },
  ];
  const ms = timePhases([...compute, ...whole, ...split], reps);
  const [full, half] = ms;
  const wholeMs = ms.slice(2, 2 + whole.length), splitMs = ms.slice(2 + whole.length);
  const sum = (xs: number[]) => xs.reduce((a, x) => a + x, 0);
  const serialWhole = sum(wholeMs), serialSplit = sum(splitMs);
  const lines = [
    `**One step of a 2-thread fit, by part** (each part timed on one thread: median CPU ms of ${reps} interleaved calls)`, '',
    '| part | ms |', '|---|---:|',
    ...compute.map((p, i) => `| ${p.name} | ${ms[i].toFixed(2)} |`),
    ...whole.map((p, i) => `| serial, every thread adding and updating everything: ${p.name} | ${wholeMs[i].toFixed(2)} |`),
    `| **serial part, everything on every thread** | **${serialWhole.toFixed(2)}** |`,
    ...split.map((p, i) => `| serial, each thread its own half: ${p.name} | ${splitMs[i].toFixed(2)} |`),
    `| **serial part, split by parameter range** | **${serialSplit.toFixed(2)}** |`,
    '',
    `Bound on 2 threads against 1 from these parts (one-thread step / (half-batch gradients + serial part), no waiting): ` +
      `${(full / (half + serialSplit)).toFixed(2)}× split, ${(full / (half + serialWhole)).toFixed(2)}× everything on every thread.`,
  ];
  return lines.join('\n') + '\n';
}
