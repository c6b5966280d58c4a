// A test set given by its row count (split.testRows): with shuffle false exactly the last rows,
// in order — the tutorial's "last 500 rows as test", and the CLI's --test-split last=N.
import { describe, expect, it } from 'vitest';
import { fromArrays, trainTestSplit } from '../bindings/data/index.js';
import { runExperiment, TUTORIAL_EXPERIMENT, validateExperiment } from '../bindings/experiment.js';

const ids = (n: number) => fromArrays(Array.from({ length: n }, (_, i) => [i]), Array.from({ length: n }, (_, i) => i % 2));

describe('split.testRows', () => {
  it('takes exactly the last N rows in order without shuffling, N rows at random with it', () => {
    const { train, test } = trainTestSplit(ids(7), { testRows: 3, shuffle: false });
    expect(Array.from(train.x.data)).toEqual([0, 1, 2, 3]);
    expect(Array.from(test.x.data)).toEqual([4, 5, 6]);
    const shuffled = trainTestSplit(ids(50), { testRows: 20, seed: 3 });
    expect(shuffled.test.x.rows).toBe(20);
    expect(new Set([...shuffled.train.x.data, ...shuffled.test.x.data]).size).toBe(50);
  });

  it('refuses testRows with testFraction, and a test set that leaves no training row', () => {
    expect(() => trainTestSplit(ids(7), { testRows: 3, testFraction: 0.5 })).toThrow(/^split\.testRows: cannot be combined with split\.testFraction/);
    expect(() => trainTestSplit(ids(7), { testRows: 7 })).toThrow(/testRows=7/);
    expect(() => validateExperiment({ ...TUTORIAL_EXPERIMENT, split: { shuffle: false } })).toThrow(/^experiment\.split\.testFraction: is required/);
    expect(() => validateExperiment({ ...TUTORIAL_EXPERIMENT, split: { testRows: 0.5 } })).toThrow(/^experiment\.split\.testRows: must be an integer/);
  });

  it('gives the tutorial the same fit as testFraction 0.5 in order (first 500 rows train, last 500 test)', async () => {
    const spec = { ...TUTORIAL_EXPERIMENT, epochs: 2 };
    const byFraction = await runExperiment(spec);
    const byRows = await runExperiment({ ...spec, split: { testRows: 500, shuffle: false } });
    expect(byRows.history.valLoss).toEqual(byFraction.history.valLoss);
    expect(byRows.test).toEqual(byFraction.test);
  });
});
