// lrlab tutorial end to end, as a user runs it (node bin/lrlab.js), with 3
// epochs instead of 200: one report with the tutorial's six sections, each
// with its figure(s), its diagnoses and its sentence; every run in results.jsonl.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lrlab, type Run } from './helpers/cli.js';
import { TUTORIAL_SECTIONS, decayFormula, tutorialTrials } from '../bindings/tutorial/experiments.js';
import { normalizeOptimizer } from '../bindings/spec.js';
import { SKLEARN_TUTORIAL_DATA } from '../bindings/experiment.js';

let tmp: string;
let run: Run;
let html: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'lrlab-tutorial-'));
  run = await lrlab(['tutorial', '--epochs', '3', '--workers', '2', '--out', tmp]);
  html = run.code === 0 ? await readFile(join(tmp, 'report.html'), 'utf8') : '';
}, 120_000);

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** The HTML of one <section data-section="id">. */
function section(id: string): string {
  const start = html.indexOf(`<section data-section="${id}">`);
  expect(start, id).toBeGreaterThanOrEqual(0);
  return html.slice(start, html.indexOf('</section>', start));
}

describe('lrlab tutorial --epochs 3', () => {
  it('exits 0, says how many runs took how long, and where the report is', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^24 runs of 3 epochs in [\d.]+ s on a pool of 2 threads$/m);
    expect(run.stdout).toContain(`report: ${join(tmp, 'report.html')}`);
  });

  it('writes one report with the six sections, in the tutorial\'s order', () => {
    const ids = [...html.matchAll(/<section data-section="([^"]+)">/g)].map((m) => m[1]);
    expect(ids).toEqual(['lr', 'momentum', 'decay-formula', 'decay', 'plateau', 'optimizers']);
  });

  it('each trained section: the accuracy small multiples (one panel per value), a diagnosis per run and a sentence', () => {
    for (const s of TUTORIAL_SECTIONS.filter((t) => t.axis !== null)) {
      const text = section(s.id);
      expect(text).toContain(`data-chart="${s.id}-accuracy"`);
      expect(text).toContain('<svg');
      const rows = text.slice(text.indexOf('<tbody>'), text.indexOf('</tbody>')).match(/<tr>/g) ?? [];
      expect(rows.length, s.id).toBe(s.values.length);
      expect(text).toMatch(/class="badge (good|diverged|oscillating|too_slow|plateaued_early)"/);
      expect(text).toMatch(/<p class="finding">The highest final test accuracy is [\d.]+% at /);
    }
  });

  it('the LR path where the LR moves: the decay formula, SGD with decay, and the plateau (with its train loss)', () => {
    expect(section('decay-formula')).toContain('data-chart="decay-formula-lr"');
    expect(section('decay')).toContain('data-chart="decay-lr"');
    expect(section('plateau')).toContain('data-chart="plateau-lr"');
    expect(section('plateau')).toContain('data-chart="plateau-loss"');
    expect(section('lr')).not.toContain('data-chart="lr-lr"');
    // The formula section states the values lrlab's schedule gives after 200 updates (lr 0.01 / (1 + 0.1 · 199) = 4.78e-4).
    expect(decayFormula()[0].lrs.at(-1)).toBeCloseTo(0.01 / (1 + 0.1 * 199), 15);
    expect(section('decay-formula')).toContain('decay 0.1: 4.78e-4');
  });

  it('records every run in results.jsonl, with its section', async () => {
    const lines = (await readFile(join(tmp, 'results.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { section: string; result: { status: string; history: { loss: number[] } } });
    expect(lines).toHaveLength(24);
    expect(new Set(lines.map((l) => l.section))).toEqual(new Set(['lr', 'momentum', 'decay', 'plateau', 'optimizers']));
    for (const l of lines) {
      expect(l.result.status).toBe('completed');
      expect(l.result.history.loss).toHaveLength(3);
    }
  });
});

it('refuses bad flags before any run: exit 2 and one "lrlab:" line', async () => {
  for (const args of [['--repeats', '0'], ['--epochs', 'many'], ['--bogus']]) {
    const bad = await lrlab(['tutorial', ...args]);
    expect(bad.code, args.join(' ')).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/^lrlab: /);
  }
  const help = await lrlab(['tutorial', '--help']);
  expect(help.code).toBe(0);
  expect(help.stdout).toContain('Usage: lrlab tutorial');
});

it("runs the issue's setups: the exact data, no guard, Keras's defaults for each optimizer of section 6, the plateau and decay as listed", () => {
  const trials = tutorialTrials();
  for (const list of trials.values()) {
    for (const t of list) {
      expect(t.spec.data).toEqual(SKLEARN_TUTORIAL_DATA);
      expect(t.spec.divergence).toBe(false);
      expect(t.spec.split).toEqual({ testFraction: 0.5, shuffle: false });
      expect([t.spec.epochs, t.spec.batchSize]).toEqual([200, 32]);
    }
  }
  const optimizers = trials.get('optimizers')!.map((t) => normalizeOptimizer(t.spec.optimizer));
  expect(optimizers.map((o) => [o.name, o.lr, o.epsilon])).toEqual([['sgd', 0.01, 1e-8], ['rmsprop', 0.001, 1e-7], ['adagrad', 0.001, 1e-7], ['adam', 0.001, 1e-7]]);
  expect(optimizers[2].initialAccumulator).toBe(0.1);
  expect(optimizers[1].rho).toBe(0.9);
  expect(trials.get('lr')!.map((t) => normalizeOptimizer(t.spec.optimizer)).map((o) => [o.lr, o.momentum])).toEqual(
    [1, 0.1, 0.01, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7].map((lr) => [lr, 0]));
  expect(trials.get('momentum')!.map((t) => t.spec.optimizer.momentum)).toEqual([0, 0.5, 0.9, 0.99]);
  expect(trials.get('plateau')!.map((t) => t.spec.plateau)).toEqual([2, 5, 10, 15].map((patience) => (
    { semantics: 'keras', monitor: 'valLoss', factor: 0.1, threshold: 1e-7, minLr: 0, patience })));
  expect(trials.get('decay')!.map((t) => t.spec.schedule)).toEqual([1e-1, 1e-2, 1e-3, 1e-4].map((rate) => (
    { name: 'inverse_time', rate, decaySteps: 1, unit: 'step' })));
});

it('--repeats N runs each value N times with seeds 1 … N; bad options are refused by name', () => {
  const trials = tutorialTrials({ repeats: 3, epochs: 7 }).get('momentum')!;
  expect(trials.map((t) => [t.params['optimizer.momentum'], t.repeat, t.spec.seed, t.spec.epochs])).toEqual(
    [0, 0.5, 0.9, 0.99].flatMap((m) => [0, 1, 2].map((r) => [m, r, 1 + r, 7])));
  expect(() => tutorialTrials({ repeats: 0 })).toThrow(/repeats/);
  expect(() => tutorialTrials({ epochs: 1.5 })).toThrow(/epochs/);
});
