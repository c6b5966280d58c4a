import { describe, expect, it } from 'vitest';
import { diagnoseCurve, CURVE_THRESHOLDS } from '../bindings/diagnostics/index.js';
import { curveLabel, judgeCurve, measureCurve, structureLimit } from '../bindings/diagnostics/curve.js';
import type { FitStatus, History } from '../bindings/history.js';
import { createRng } from '../bindings/random.js';

/** A history with the given per-epoch training loss (and optional validation loss). */
function hist(loss: number[], opts: { status?: FitStatus; valLoss?: number[] } = {}): History {
  const h: History = {
    epoch: loss.map((_, i) => i),
    loss,
    lr: loss.map(() => 0.01),
    time: loss.map(() => 1),
    status: opts.status ?? 'completed',
    events: [],
  };
  if (opts.valLoss) h.valLoss = opts.valLoss;
  return h;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
/** 2.3 decaying exponentially towards 0.1. */
const decay = (n: number, rate = 0.1) => range(n).map((i) => 0.1 + 2.2 * Math.exp(-rate * i));

describe('diagnoseCurve on synthetic curves', () => {
  it('labels a smooth exponential decay good, with the drop in the reason and numbers', () => {
    const d = diagnoseCurve(hist(decay(50)));
    expect(d.label).toBe('good');
    const first = 2.3, final = 0.1 + 2.2 * Math.exp(-4.9);
    expect(d.numbers.relativeDrop).toBeCloseTo((first - final) / first, 10);
    expect(d.numbers.epochs).toBe(50);
    expect(d.numbers.riseFraction).toBe(0);
    expect(d.numbers.swing).toBeCloseTo(1, 10);
    expect(d.reason).toContain('50 epochs');
    expect(d.reason).toContain('2.30');
    expect(d.reason).toContain(final.toPrecision(3));
    expect(d.reason).toContain(`${((first - final) / first * 100).toFixed(1)}%`);
  });

  it('labels a NaN at epoch 5 diverged and says where', () => {
    const loss = decay(20);
    loss[5] = NaN;
    const d = diagnoseCurve(hist(loss));
    expect(d.label).toBe('diverged');
    expect(d.numbers.firstNonFiniteEpoch).toBe(6); // 1-based, index 5
    expect(d.reason).toContain('NaN');
    expect(d.reason).toContain('epoch 6 of 20');
    // JSONL reads a NaN back as null: same verdict.
    const fromJson = decay(20) as (number | null)[];
    fromJson[5] = null;
    const j = diagnoseCurve(hist(fromJson as number[]));
    expect(j.label).toBe('diverged');
    expect(j.numbers.firstNonFiniteEpoch).toBe(6);
  });

  it('labels status "diverged" diverged even when every recorded loss is finite', () => {
    const h = hist(decay(8), { status: 'diverged' });
    h.events.push({ epoch: 7, step: 70, kind: 'diverged', reason: 'the batch loss 40.1 exceeded 10 × the starting loss 2.300' });
    const d = diagnoseCurve(h);
    expect(d.label).toBe('diverged');
    expect(d.reason).toContain('8 epochs');
    expect(d.reason).toContain('exceeded 10 ×');
  });

  it('labels a non-finite validation loss diverged', () => {
    const val = decay(10);
    val[9] = Infinity;
    expect(diagnoseCurve(hist(decay(10), { valLoss: val })).label).toBe('diverged');
  });

  it('labels an exploding loss 1, 2, 4, 8, … diverged, with the ratio', () => {
    const loss = range(10).map((i) => 2 ** i);
    const d = diagnoseCurve(hist(loss));
    expect(d.label).toBe('diverged');
    expect(d.numbers.finalOverFirst).toBe(512);
    expect(d.reason).toContain('from 1.00 to 512');
    expect(d.reason).toContain('512×');
  });

  it('labels a loss that fell and then climbed back diverged', () => {
    // 2.3 → 0.2 over 10 epochs, then up to 1.7 (8.5× its minimum, giving back 71% of its progress).
    const loss = [...range(10).map((i) => 2.3 - 0.21 * i), ...range(10).map((i) => 0.2 + 0.15 * (i + 1))];
    const d = diagnoseCurve(hist(loss));
    expect(d.label).toBe('diverged');
    expect(d.numbers.finalOverMin).toBeGreaterThan(CURVE_THRESHOLDS.climbBackFactor);
    expect(d.numbers.giveBack).toBeGreaterThan(0.5);
    expect(d.reason).toContain('climbed back');
  });

  it('labels a decaying curve with alternating ±30% noise oscillating, exposing rises and swing', () => {
    const loss = decay(40, 0.05).map((v, i) => v * (1 + 0.3 * (i % 2 === 0 ? 1 : -1)));
    const d = diagnoseCurve(hist(loss));
    expect(d.label).toBe('oscillating');
    expect(d.numbers.riseFraction).toBeGreaterThanOrEqual(0.45);
    expect(d.numbers.swing).toBeGreaterThan(CURVE_THRESHOLDS.swing);
    expect(d.reason).toContain(`${d.numbers.rises} of`);
    expect(d.reason).toContain('oscillating');
  });

  it('does not call small (±1%) noise on a decaying curve oscillating', () => {
    const loss = decay(40, 0.05).map((v, i) => v * (1 + 0.01 * (i % 2 === 0 ? 1 : -1)));
    expect(diagnoseCurve(hist(loss)).label).toBe('good');
  });

  it('pure minibatch noise (6% lognormal, seeded) around a curve falling to 0.01 is not oscillating, though its rises would have been', () => {
    // (and independent noise of any size has no structure: see the 15% case below)
    const rng = createRng(3);
    const loss = range(100).map((i) => (0.01 + 0.7 * Math.exp(-i / 10)) * Math.exp(0.06 * rng.normal()));
    const d = diagnoseCurve(hist(loss));
    // The old fixed-threshold test fires: many rises of more than 5%, and a large swing.
    expect(d.numbers.riseFraction).toBeGreaterThanOrEqual(CURVE_THRESHOLDS.riseFraction);
    expect(d.numbers.swing).toBeGreaterThanOrEqual(CURVE_THRESHOLDS.swing);
    // But the scatter around the smoothed trend is the noise's own (≈ 0.06 in log units), and it has no period.
    expect(d.numbers.scatter).toBeGreaterThan(0.04);
    expect(d.numbers.scatter).toBeLessThan(CURVE_THRESHOLDS.scatter);
    expect(Math.abs(d.numbers.lag1!)).toBeLessThan(structureLimit(d.numbers.oscillationEpochs!));
    expect(d.label).toBe('good');
  });

  it('large independent noise (15% lognormal) scatters far from the trend but has no structure: not oscillating', () => {
    const rng = createRng(5);
    const loss = range(100).map((i) => (0.2 + 0.7 * Math.exp(-i / 10)) * Math.exp(0.15 * rng.normal()));
    const d = diagnoseCurve(hist(loss));
    expect(d.numbers.scatter).toBeGreaterThan(CURVE_THRESHOLDS.scatter);
    expect(Math.abs(d.numbers.lag1!)).toBeLessThan(structureLimit(d.numbers.oscillationEpochs!));
    expect(d.label).not.toBe('oscillating');
  });

  it('lasting excursions (a slow swing, 8-epoch period, ±20%) are oscillating, lag-1 correlation > 0', () => {
    const loss = range(80).map((i) => (0.4 + Math.exp(-i / 8)) * (1 + 0.2 * Math.sin((2 * Math.PI * i) / 8)));
    const d = diagnoseCurve(hist(loss));
    expect(d.numbers.lag1).toBeGreaterThan(structureLimit(d.numbers.oscillationEpochs!));
    expect(d.label).toBe('oscillating');
    expect(d.reason).toContain('in lasting swings');
  });

  it('a real period-2 swing (±25% around a slowly falling 0.5 → 0.4) is oscillating, with its scatter and lag-1 correlation', () => {
    const loss = range(60).map((i) => (0.5 - (0.1 * i) / 59 + (i < 10 ? 1 - i / 10 : 0)) * (i % 2 === 0 ? 1.25 : 0.75));
    const d = diagnoseCurve(hist(loss));
    expect(d.label).toBe('oscillating');
    expect(d.numbers.scatter).toBeGreaterThan(0.25);
    expect(d.numbers.lag1).toBeLessThan(-0.9);
    expect(d.reason).toMatch(/strayed \d+\.\d% \(RMS\) from its smoothed trend in alternating swings \(lag-1 correlation -0\.9\d\)/);
  });

  it('a validation loss that ran off (1e30) while the training loss looks tame is diverged', () => {
    const val = decay(30).map((v, i) => (i < 20 ? v : 1e30));
    const d = diagnoseCurve(hist(decay(30), { valLoss: val }));
    expect(d.label).toBe('diverged');
    expect(d.reason).toMatch(/^the validation loss rose from 2\.30 to 1e30 over 30 epochs/);
  });

  it('names the recorded cause of a diverged status: the guard, not the placeholder NaN of the last validation', () => {
    const h = hist(decay(8), { status: 'diverged', valLoss: [...decay(7), NaN] });
    h.events.push({ epoch: 7, step: 70, kind: 'diverged', cause: 'guard', reason: 'the batch loss stayed above 23.0 (…) for 50 batches in a row, last 40.1' });
    const d = diagnoseCurve(h);
    expect(d.label).toBe('diverged');
    expect(d.reason).toMatch(/^the divergence guard stopped the run in epoch 8: the batch loss stayed above 23\.0/);
    expect(d.reason).not.toContain('validation loss became NaN');
  });

  it('labels 4.00 → 3.95 linear over 200 epochs too_slow, with the numbers in the reason', () => {
    const loss = range(200).map((i) => 4 - (0.05 * i) / 199);
    const d = diagnoseCurve(hist(loss));
    expect(d.label).toBe('too_slow');
    expect(d.numbers.relativeDrop).toBeCloseTo(0.0125, 10);
    // 0.05 / 4 = 1.25% (1.2499… in binary floating point, printed 1.2%)
    expect(d.reason).toBe('loss fell 1.2% over 200 epochs (from 4.00 to 3.95): too slow for this learning rate');
  });

  it('labels a curve still falling but far above the reference too_slow', () => {
    const loss = range(30).map((i) => 2.3 - 0.03 * i); // 2.30 → 1.43, still falling
    const d = diagnoseCurve(hist(loss), { referenceLoss: 0.2 });
    expect(d.label).toBe('too_slow');
    expect(d.numbers.vsReference).toBeCloseTo(1.43 / 0.2, 10);
    expect(d.reason).toContain('0.200');
  });

  describe('a fast drop to a flat 1.0', () => {
    // 2.3 → 1.0 in 5 epochs (exponential), then flat at 1.0 for 45 more.
    const loss = range(50).map((i) => 1 + 1.3 * Math.exp(-1.5 * i));

    it('is plateaued_early when the best trial reached 0.2', () => {
      const d = diagnoseCurve(hist(loss), { referenceLoss: 0.2 });
      expect(d.label).toBe('plateaued_early');
      expect(d.numbers.earlyDropFraction).toBeLessThanOrEqual(0.2);
      expect(Math.abs(d.numbers.lastHalfImprovement!)).toBeLessThan(0.01);
      expect(d.numbers.vsReference).toBeCloseTo(5, 6);
      expect(d.reason).toContain('1.00');
      expect(d.reason).toContain('5×');
      expect(d.reason).toContain('0.200');
    });

    it('is good when the best trial reached only 0.9', () => {
      const d = diagnoseCurve(hist(loss), { referenceLoss: 0.9 });
      expect(d.label).toBe('good');
      expect(d.numbers.vsReference).toBeCloseTo(1 / 0.9, 6);
    });

    it('is good without a reference (nothing to compare with)', () => {
      expect(diagnoseCurve(hist(loss)).label).toBe('good');
    });

    it('judges "far from best" on the validation loss when present', () => {
      // Training loss as above; validation loss flat at 0.22, close to the reference 0.2.
      const d = diagnoseCurve(hist(loss, { valLoss: loss.map(() => 0.22) }), { referenceLoss: 0.2 });
      expect(d.label).toBe('good');
      expect(d.numbers.judgedFinalLoss).toBe(0.22);
    });
  });

  it('checks in priority order: a diverged status beats an oscillating shape', () => {
    const loss = decay(40, 0.05).map((v, i) => v * (1 + 0.3 * (i % 2 === 0 ? 1 : -1)));
    expect(diagnoseCurve(hist(loss, { status: 'diverged' })).label).toBe('diverged');
  });

  it('labels an empty history too_slow (nothing moved) and does not throw', () => {
    const d = diagnoseCurve(hist([], { status: 'aborted' }));
    expect(d.label).toBe('too_slow');
    expect(d.numbers.epochs).toBe(0);
  });
});

describe('a curve still falling far above the best, by where its learning rate sits', () => {
  // Falls 2.0 → ~0.6 and is still improving over its last half (about 4 %), ending 3× the best trial's 0.2.
  const curve = hist(range(100).map((i) => 0.55 + 1.45 * Math.exp(-i / 40)));

  it('is too slow below the best learning rate (more LR would help)', () => {
    expect(diagnoseCurve(curve, { referenceLoss: 0.2 }).label).toBe('too_slow');
    expect(diagnoseCurve(curve, { referenceLoss: 0.2, aboveBest: false }).label).toBe('too_slow');
  });

  it('is not called too slow above it (more LR would not help)', () => {
    expect(diagnoseCurve(curve, { referenceLoss: 0.2, aboveBest: true }).label).not.toBe('too_slow');
  });
});

describe('a curve measured once, judged against several references (as analyzeSweep does)', () => {
  const alternating = (n: number) => range(n).map((i) => (0.1 + 2.2 * Math.exp(-0.1 * i)) * (i % 2 ? 1.3 : 0.7));
  const curves: Array<[string, History]> = [
    ['good', hist(decay(50))],
    ['diverged: a NaN', hist([...decay(5), NaN, 1])],
    ['diverged: exploded', hist(range(10).map((i) => 2 ** i))],
    ['oscillating', hist(alternating(60))],
    ['too slow', hist(range(200).map((i) => 4 - i * 0.05 / 199))],
    ['with validation', hist(decay(40), { valLoss: decay(40, 0.05) })],
    ['empty', hist([])],
  ];
  const contexts = [{}, { referenceLoss: 0.05 }, { referenceLoss: 0.05, aboveBest: true }, { referenceLoss: 2 }];
  it('gives diagnoseCurve\'s diagnosis for every context, and curveLabel its label', () => {
    for (const [name, h] of curves) {
      const measured = measureCurve(h);
      for (const context of contexts) {
        const expected = diagnoseCurve(structuredClone(h), context);
        expect(judgeCurve(measured, context), `${name} ${JSON.stringify(context)}`).toEqual(expected);
        expect(curveLabel(measured, context)).toBe(expected.label);
      }
    }
  });
});
