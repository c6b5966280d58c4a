/**
 * The divergence guard stops only real divergence: a non-finite loss at once, or
 * a batch loss above factor × the best smoothed loss (and above the first batch
 * loss) for `patience` batches in a row. One spike never ends a run, and the
 * cause is recorded in the History and named by the diagnosis.
 */
import { describe, expect, it } from 'vitest';
import { LrPolicy, initialPolicyState, validateDivergence, type LrPolicySpec } from '../bindings/lr-policy.js';
import { LrlabError } from '../bindings/errors.js';
import { TUTORIAL_EXPERIMENT, runExperiment } from '../bindings/experiment.js';
import { diagnoseCurve } from '../bindings/diagnostics/curve.js';

const CTX = { baseLr: 0.1, totalSteps: 1e6, totalEpochs: 100, hasValidation: false, classification: false };

/** Feeds the losses to a fresh policy; returns the index of the batch that diverged (or -1) and its verdict. */
function feed(losses: number[], spec: LrPolicySpec = {}) {
  const policy = new LrPolicy(spec, CTX, initialPolicyState());
  for (let i = 0; i < losses.length; i++) {
    const verdict = policy.checkBatchLoss(losses[i]!);
    if (verdict) return { at: i, verdict, state: policy.state };
  }
  return { at: -1, verdict: null, state: policy.state };
}

const fall = (n: number, from: number, to: number) => Array.from({ length: n }, (_, i) => from * (to / from) ** (i / (n - 1)));

/** Feeds the losses in chunks of `chunk` through checkBatchLosses, as the fit loop does with an epoch's loss table. */
function feedChunks(losses: number[], chunk: number, spec: LrPolicySpec = {}) {
  const policy = new LrPolicy(spec, CTX, initialPolicyState());
  for (let from = 0; from < losses.length; from += chunk) {
    const table = Float64Array.from(losses.slice(from, from + chunk));
    const judged = policy.checkBatchLosses(table, table.length);
    if (policy.diverged) return { at: from + judged - 1, verdict: policy.diverged, state: policy.state };
    expect(judged).toBe(table.length);
  }
  return { at: -1, verdict: null, state: policy.state };
}

describe('LrPolicy.checkBatchLosses (an epoch\'s batches in one call)', () => {
  const head = fall(100, 1, 0.1);
  const cases: [string, number[], LrPolicySpec][] = [
    ['a falling loss', fall(300, 2, 0.01), {}],
    ['a spike', [...fall(100, 1, 0.01), 1e4, ...new Array(200).fill(0.01)], {}],
    ['an explosion the guard stops', [...head, ...new Array(60).fill(5)], {}],
    ['an explosion with a short patience', [...fall(50, 1, 0.1), ...new Array(10).fill(3)], { divergence: { patience: 5 } }],
    ['no guard', [...head, ...new Array(60).fill(5)], { divergence: false }],
    ['a NaN', [1, 0.5, ...fall(40, 0.5, 0.2), NaN, 1], {}],
    ['a NaN first', [NaN, 1], {}],
    ['Infinity without a guard', [...fall(30, 1, 0.5), Infinity], { divergence: false }],
  ];
  it.each(cases)('%s: the same verdict, at the same batch, and the same guard state bit for bit as one call per batch', (_, losses, spec) => {
    const single = feed(losses, spec);
    for (const chunk of [1, 7, 16, 1000]) {
      const chunked = feedChunks(losses, chunk, spec);
      expect(chunked.at).toBe(single.at);
      expect(chunked.verdict).toStrictEqual(single.verdict);
      expect(chunked.state).toStrictEqual(single.state);
    }
  });

  it('judges nothing in an empty table', () => {
    const policy = new LrPolicy({}, CTX, initialPolicyState());
    expect(policy.checkBatchLosses(new Float64Array(0), 0)).toBe(0);
    expect(policy.diverged).toBeNull();
    expect(policy.state.guard).toBeUndefined();
  });
});

describe('LrPolicy.checkBatchLoss', () => {
  it('a single spike of 1e6 × the floor, far above the first loss, does not end the run', () => {
    const losses = [...fall(100, 1, 0.01), 1e4, ...new Array(200).fill(0.01)];
    expect(feed(losses).at).toBe(-1);
  });

  it('49 exploded batches in a row do not stop it, the 50th does, with cause guard and the numbers', () => {
    const head = fall(100, 1, 0.1); // best smoothed ≈ 0.1, first loss 1 → limit = max(10 × best, 1) ≈ 1.0…
    const spikes = new Array(49).fill(5);
    expect(feed([...head, ...spikes, 0.1, ...spikes]).at).toBe(-1); // a calm batch resets the count
    const { at, verdict } = feed([...head, ...new Array(60).fill(5)]);
    expect(at).toBe(100 + 49);
    expect(verdict!.cause).toBe('guard');
    expect(verdict!.reason).toMatch(/stayed above 1\.\d+ \(10 × the best smoothed loss 0\.1\d*, and above the first batch loss 1\.000\) for 50 batches in a row, last 5\.000/);
  });

  it('a loss still below the first batch loss never counts as exploded, however far above its floor', () => {
    const losses = [...fall(100, 1, 1e-4), ...new Array(500).fill(0.9)]; // 9000 × the floor, below the start
    expect(feed(losses).at).toBe(-1);
  });

  it('patience and factor are options', () => {
    const losses = [...fall(50, 1, 0.1), ...new Array(10).fill(3)];
    expect(feed(losses, { divergence: { patience: 5 } }).at).toBe(54);
    expect(feed(losses, { divergence: { patience: 5, factor: 40 } }).at).toBe(-1); // limit 4 > 3
    expect(feed(losses, { divergence: false }).at).toBe(-1);
  });

  it('a non-finite loss ends the run at once, cause non_finite, guard or not', () => {
    for (const spec of [{}, { divergence: false as const }]) {
      const { at, verdict } = feed([1, 0.5, NaN], spec);
      expect(at).toBe(2);
      expect(verdict).toEqual({ cause: 'non_finite', reason: 'the training loss became NaN' });
    }
    expect(feed([1, Infinity]).verdict!.reason).toBe('the training loss became Infinity');
  });

  it('its state is plain JSON in the policy state (saved with checkpoints)', () => {
    const { state } = feed(fall(20, 1, 0.5));
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    expect(state.guard).toMatchObject({ batches: 20, first: 1, exploded: 0 });
  });

  it('bad settings are LrlabErrors naming the field', () => {
    for (const [spec, field] of [
      [{ patience: 0 }, 'fit.divergence.patience'], [{ patience: 2.5 }, 'fit.divergence.patience'],
      [{ factor: 1 }, 'fit.divergence.factor'], [{ window: 3 }, 'fit.divergence.window'],
    ] as const) {
      let error: unknown;
      try { validateDivergence(spec, 'fit.divergence'); } catch (e) { error = e; }
      expect(error).toBeInstanceOf(LrlabError);
      expect((error as LrlabError).field).toBe(field);
    }
  });
});

describe('the cause in the History and in the diagnosis', () => {
  it('guard: Adam at lr 100 on the tutorial experiment; the diagnosis names the guard, not a NaN validation loss', async () => {
    const { history } = await runExperiment({ ...TUTORIAL_EXPERIMENT, epochs: 30, optimizer: { name: 'adam', lr: 100 } });
    expect(history.status).toBe('diverged');
    expect(history.events.at(-1)).toMatchObject({ kind: 'diverged', cause: 'guard' });
    expect(Number.isNaN(history.valLoss!.at(-1))).toBe(true); // the unvalidated last epoch's placeholder
    const d = diagnoseCurve(history);
    expect(d.label).toBe('diverged');
    expect(d.reason).toMatch(/^the divergence guard stopped the run in epoch \d+: the batch loss stayed above/);
    expect(d.reason).not.toMatch(/validation loss/);
  });

  it('non_finite: SGD at lr 10 (momentum 0.9); the diagnosis names the training loss', async () => {
    const { history } = await runExperiment({ ...TUTORIAL_EXPERIMENT, epochs: 30, optimizer: { name: 'sgd', lr: 10, momentum: 0.9 } });
    expect(history.events.at(-1)).toMatchObject({ kind: 'diverged', cause: 'non_finite' });
    expect(diagnoseCurve(history).reason).toMatch(/^the training loss became (NaN|Infinity) in epoch \d+/);
  });
});
