// Type-checked (never run) under strict settings, with node16 and with bundler resolution.
import { Model, analyzeSweep, blobs, runSweep, trainTestSplit, validateSweep, InlineExecutor, TUTORIAL_EXPERIMENT, LrlabError } from 'lrlab';
import type { EpochLogs, History, SweepAnalysis, TrialResult, TrainingContext } from 'lrlab';
import { WebWorkerExecutor, loadWasm, runExperiment as runInBrowser } from 'lrlab/browser';

export async function example(): Promise<string> {
  const data = blobs({ samples: 200, centers: 3, features: 2, clusterStd: 2, seed: 2 });
  const { train, test } = trainTestSplit(data, { testFraction: 0.5, seed: 0 });
  const model = await Model.create({
    model: { inputs: 2, layers: [{ units: 16, activation: 'relu' }, { units: 3, activation: 'softmax' }], loss: 'categorical_crossentropy' },
    optimizer: { name: 'sgd', lr: 0.01, momentum: 0.9 },
    seed: 1,
  });
  const history: History = await model.fit(train, {
    epochs: 5,
    validationData: test,
    callbacks: {
      onEpochEnd(epoch: number, logs: EpochLogs, ctx: TrainingContext) {
        if (epoch === 3) ctx.lr = logs.lr / 10;
      },
    },
  });
  const first: number | undefined = history.loss[0];

  const sweep = validateSweep({ base: TUTORIAL_EXPERIMENT, axes: { 'optimizer.lr': { log: { from: 1, to: 1e-3, count: 4 } } } });
  const results: TrialResult[] = await runSweep(sweep, { executor: new InlineExecutor(), onResult: ({ done, total }) => void (done / total) });
  const analysis: SweepAnalysis = analyzeSweep(results);

  await loadWasm(new URL('https://example.com/lrlab.wasm'));
  const executor = new WebWorkerExecutor({ concurrency: 2 });
  const { history: inBrowser } = await runInBrowser({ ...TUTORIAL_EXPERIMENT, epochs: 2 });
  await executor.close();

  try {
    await Model.create({ model: { inputs: 0, layers: [], loss: 'mse' } });
  } catch (error) {
    if (error instanceof LrlabError) return `${error.code} ${error.field}`;
  }
  return `${first ?? NaN} ${analysis.bestTrialId ?? 'none'} ${inBrowser.status}`;
}
