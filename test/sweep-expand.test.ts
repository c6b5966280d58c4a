// Sweep expansion (bindings/sweep/spec.ts, axes.ts, paths.ts, hash.ts): how a
// sweep spec becomes trials — grid counts and order, clean log/linear grids,
// seeds per repeat, values written at their paths, stable ids, random search
// (ranges, log-uniform spread, determinism, duplicates) and every refusal.
import { describe, expect, it } from 'vitest';
import { TUTORIAL_EXPERIMENT, type ExperimentSpec } from '../bindings/experiment.js';
import { linearGrid, logGrid } from '../bindings/sweep/axes.js';
import { canonicalJson, hashId, specId } from '../bindings/sweep/hash.js';
import { expandSweep, sweepCells, validateSweep, type SweepSpec } from '../bindings/sweep/spec.js';
import { thrown } from './helpers/errors.js';

const LRS = { log: { from: 1, to: 1e-7, count: 8 } };
const LR_VALUES = [1, 0.1, 0.01, 0.001, 1e-4, 1e-5, 1e-6, 1e-7];
const MOMENTA = [0, 0.5, 0.9, 0.99];

function base(): ExperimentSpec {
  return structuredClone(TUTORIAL_EXPERIMENT);
}

function grid(extra: Partial<SweepSpec> = {}): SweepSpec {
  return { base: base(), axes: { 'optimizer.lr': LRS, 'optimizer.momentum': MOMENTA }, ...extra };
}

describe('grid expansion', () => {
  it('8 learning rates × 4 momenta are 32 trials; × 3 repeats, 96', () => {
    expect(sweepCells(validateSweep(grid()))).toHaveLength(32);
    expect(expandSweep(validateSweep(grid()))).toHaveLength(32);
    expect(expandSweep(validateSweep(grid({ repeats: 3 })))).toHaveLength(96);
  });

  it('orders cell-major (first axis slowest, as nested loops in axis order), then repeat', () => {
    const trials = expandSweep(validateSweep(grid({ repeats: 3 })));
    trials.forEach((trial, i) => {
      const cell = Math.floor(i / 3);
      expect(trial.index).toBe(i);
      expect(trial.repeat).toBe(i % 3);
      expect(trial.params).toEqual({ 'optimizer.lr': LR_VALUES[Math.floor(cell / 4)], 'optimizer.momentum': MOMENTA[cell % 4] });
    });
    // The three repeats of a cell are adjacent and share their params.
    expect(trials[0].params).toEqual(trials[2].params);
    expect(trials[2].params).not.toEqual(trials[3].params);
  });

  it('a single axis is one cell per value, in the order given', () => {
    const trials = expandSweep(validateSweep({ base: base(), axes: { 'optimizer.lr': [0.3, 0.01, 0.1] } }));
    expect(trials.map((t) => t.params['optimizer.lr'])).toEqual([0.3, 0.01, 0.1]);
    expect(trials.map((t) => t.repeat)).toEqual([0, 0, 0]);
  });
});

describe('log and linear grids', () => {
  it('{log: {from: 1, to: 1e-7, count: 8}} is exactly 1, 0.1, …, 1e-7 (clean values)', () => {
    expect(logGrid(1, 1e-7, 8)).toEqual(LR_VALUES);
    const sweep = validateSweep({ base: base(), axes: { 'optimizer.lr': LRS } });
    const values = sweep.axes[0].axis.kind === 'values' ? sweep.axes[0].axis.values : [];
    expect(values).toEqual(LR_VALUES);
    // Exactly equal, so no 0.00009999999999999999 or 0.0010000000000000002.
    values.forEach((v, i) => expect(Object.is(v, LR_VALUES[i])).toBe(true));
    expect(values.map(String)).toEqual(['1', '0.1', '0.01', '0.001', '0.0001', '0.00001', '0.000001', '1e-7']);
    for (const v of values) expect(String(v)).not.toMatch(/9{4}|0{8}/);
  });

  it('log grids go either direction and need not be whole decades', () => {
    expect(logGrid(1e-7, 1, 8)).toEqual([...LR_VALUES].reverse());
    expect(logGrid(1e-4, 1, 5)).toEqual([1e-4, 1e-3, 1e-2, 0.1, 1]);
    expect(logGrid(0.1, 10, 3)).toEqual([0.1, 1, 10]);
    expect(logGrid(1e-3, 1e-1, 5)).toEqual([0.001, 0.00316227766017, 0.01, 0.0316227766017, 0.1]);
    expect(logGrid(0.05, 0.05, 1)).toEqual([0.05]);
    const g = logGrid(1, 1e-3, 7);
    for (let i = 1; i < g.length; i++) expect(g[i - 1] / g[i]).toBeCloseTo(Math.sqrt(10), 9);
  });

  it('linear grids are evenly spaced and clean, both ends included', () => {
    expect(linearGrid(0, 1, 5)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(linearGrid(0, 0.9, 4)).toEqual([0, 0.3, 0.6, 0.9]);
    expect(linearGrid(0.1, 0.3, 3)).toEqual([0.1, 0.2, 0.3]);
    expect(linearGrid(0.9, 0, 4)).toEqual([0.9, 0.6, 0.3, 0]);
    expect(linearGrid(-1, 1, 3)).toEqual([-1, 0, 1]);
    expect(linearGrid(0.7, 0.7, 1)).toEqual([0.7]);
    const trials = expandSweep(validateSweep({ base: base(), axes: { 'optimizer.momentum': { linear: { from: 0, to: 0.9, count: 10 } } } }));
    expect(trials.map((t) => t.params['optimizer.momentum'])).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
    expect(trials.map((t) => t.spec.optimizer.momentum)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
  });
});

describe('trial specs: seeds and values at paths', () => {
  it("each repeat's seed is the base seed + repeat", () => {
    const trials = expandSweep(validateSweep(grid({ repeats: 3 })));
    expect(TUTORIAL_EXPERIMENT.seed).toBe(1);
    for (const t of trials) expect(t.spec.seed).toBe(1 + t.repeat);
    const b = base();
    b.seed = 40;
    expect(expandSweep(validateSweep({ base: b, axes: { 'optimizer.lr': [0.1] }, repeats: 4 })).map((t) => t.spec.seed)).toEqual([40, 41, 42, 43]);
    delete b.seed; // no base seed: 0, 1, 2…
    expect(expandSweep(validateSweep({ base: b, axes: { 'optimizer.lr': [0.1] }, repeats: 3 })).map((t) => t.spec.seed)).toEqual([0, 1, 2]);
  });

  it('sets each axis value at its path and leaves the rest of the base as it was', () => {
    const b = base();
    const before = structuredClone(b);
    const trials = expandSweep(validateSweep({ base: b, axes: { 'optimizer.lr': LRS, 'optimizer.momentum': MOMENTA }, repeats: 2 }));
    for (const t of trials) {
      expect(t.spec.optimizer.lr).toBe(t.params['optimizer.lr']);
      expect(t.spec.optimizer.momentum).toBe(t.params['optimizer.momentum']);
      expect(t.spec.optimizer.name).toBe('sgd');
      const { optimizer: _o, seed: _s, ...rest } = t.spec;
      const { optimizer: _bo, seed: _bs, ...baseRest } = before;
      expect(rest).toEqual(baseRest);
    }
    expect(b).toEqual(before); // the base is never written to
  });

  it('a nested path like model.layers[0].units changes that layer only', () => {
    const b = base();
    const trials = expandSweep(validateSweep({ base: b, axes: { 'model.layers[0].units': [8, 16, 32], 'optimizer.lr': [0.1, 0.01] } }));
    expect(trials).toHaveLength(6);
    for (const t of trials) {
      expect(t.spec.model.layers).toHaveLength(2);
      expect(t.spec.model.layers[0]).toEqual({ ...TUTORIAL_EXPERIMENT.model.layers[0], units: t.params['model.layers[0].units'] });
      expect(t.spec.model.layers[1]).toEqual(TUTORIAL_EXPERIMENT.model.layers[1]);
      expect(t.spec.optimizer.lr).toBe(t.params['optimizer.lr']);
    }
    expect(trials.map((t) => t.spec.model.layers[0].units)).toEqual([8, 8, 16, 16, 32, 32]);
    expect(b.model.layers[0].units).toBe(50);
  });

  it('a whole-object axis (schedule) puts an independent copy of the object in each trial', () => {
    const schedules = [
      { name: 'constant' },
      { name: 'step', every: 3, factor: 0.5 },
      { name: 'cosine', unit: 'epoch' },
    ];
    const trials = expandSweep(validateSweep({ base: base(), axes: { schedule: schedules }, repeats: 2 } as unknown as SweepSpec));
    expect(trials).toHaveLength(6);
    trials.forEach((t, i) => {
      expect(t.spec.schedule).toEqual(schedules[Math.floor(i / 2)]);
      expect(t.params.schedule).toEqual(schedules[Math.floor(i / 2)]);
    });
    // The two repeats of a cell, and the sweep spec itself, do not share the object.
    expect(trials[2].spec.schedule).not.toBe(trials[3].spec.schedule);
    (trials[2].spec.schedule as unknown as Record<string, unknown>).factor = 0.9;
    expect(trials[3].spec.schedule).toEqual(schedules[1]);
    expect(schedules[1]).toEqual({ name: 'step', every: 3, factor: 0.5 });
    expect(new Set(trials.map((t) => t.id)).size).toBe(6);
  });

  it('creates the objects a path leads through when the base lacks them', () => {
    const trials = expandSweep(validateSweep({ base: base(), axes: { 'plateau.factor': [0.5, 0.1] } } as unknown as SweepSpec));
    expect(trials.map((t) => (t.spec as unknown as { plateau: unknown }).plateau)).toEqual([{ factor: 0.5 }, { factor: 0.1 }]);
  });
});

describe('trial ids', () => {
  it('are 16 hex digits, the hash of the trial spec, stable across calls and key order', () => {
    const first = expandSweep(validateSweep(grid({ repeats: 3 })));
    const again = expandSweep(validateSweep(grid({ repeats: 3 })));
    expect(again.map((t) => t.id)).toEqual(first.map((t) => t.id));
    for (const t of first) {
      expect(t.id).toMatch(/^[0-9a-f]{16}$/);
      expect(t.id).toBe(specId(t.spec));
    }
    // The same sweep written with its keys in another order gets the same ids.
    const reordered = Object.fromEntries(Object.entries(grid({ repeats: 3 })).reverse()) as unknown as SweepSpec;
    reordered.base = Object.fromEntries(Object.entries(reordered.base).reverse()) as unknown as ExperimentSpec;
    expect(expandSweep(validateSweep(reordered)).map((t) => t.id)).toEqual(first.map((t) => t.id));
  });

  it('are distinct across cells and repeats', () => {
    const trials = expandSweep(validateSweep(grid({ repeats: 3 })));
    expect(new Set(trials.map((t) => t.id)).size).toBe(96);
  });

  it('hashId is FNV-1a 64 (known vectors and a BigInt reference)', () => {
    expect(hashId('')).toBe('cbf29ce484222325');
    expect(hashId('a')).toBe('af63dc4c8601ec8c');
    expect(hashId('foobar')).toBe('85944171f73967e8');
    const reference = (text: string): string => {
      let h = 0xcbf29ce484222325n;
      for (let i = 0; i < text.length; i++) h = ((h ^ BigInt(text.charCodeAt(i))) * 0x100000001b3n) & 0xffffffffffffffffn;
      return h.toString(16).padStart(16, '0');
    };
    for (const t of expandSweep(validateSweep(grid()))) {
      const text = canonicalJson(t.spec);
      expect(hashId(text)).toBe(reference(text));
    }
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: 3 } })).toBe('{"a":{"c":3,"d":[2,{"e":0,"f":1}]},"b":1}');
  });
});

describe('random search', () => {
  const random = (extra: Partial<SweepSpec> = {}): SweepSpec => ({
    base: base(),
    mode: 'random',
    samples: 50,
    axes: { 'optimizer.lr': { logUniform: [1e-6, 1] }, 'optimizer.momentum': { uniform: [0.5, 0.99] } },
    ...extra,
  });

  it('draws `samples` configurations (× repeats), each inside its range', () => {
    const trials = expandSweep(validateSweep(random()));
    expect(trials).toHaveLength(50);
    for (const t of trials) {
      const lr = t.params['optimizer.lr'] as number, momentum = t.params['optimizer.momentum'] as number;
      expect(lr).toBeGreaterThanOrEqual(1e-6);
      expect(lr).toBeLessThanOrEqual(1);
      expect(momentum).toBeGreaterThanOrEqual(0.5);
      expect(momentum).toBeLessThanOrEqual(0.99);
      expect(t.spec.optimizer.lr).toBe(lr);
      expect(t.spec.optimizer.momentum).toBe(momentum);
    }
    expect(expandSweep(validateSweep(random({ repeats: 3 })))).toHaveLength(150);
    expect(expandSweep(validateSweep(random({ samples: 1 })))).toHaveLength(1);
  });

  it('log-uniform draws spread evenly over the decades; uniform ones do not', () => {
    const trials = expandSweep(validateSweep(random({ samples: 3000 })));
    expect(trials).toHaveLength(3000);
    const exponents = trials.map((t) => Math.log10(t.params['optimizer.lr'] as number));
    // Six decades 1e-6 … 1: each should hold 1/6 of the draws (sd ≈ 0.0068 at n = 3000).
    for (let d = -6; d < 0; d++) {
      const share = exponents.filter((e) => e >= d && e < d + 1).length / exponents.length;
      expect(share).toBeGreaterThan(1 / 6 - 0.04);
      expect(share).toBeLessThan(1 / 6 + 0.04);
    }
    const mean = exponents.reduce((a, b) => a + b, 0) / exponents.length;
    expect(mean).toBeGreaterThan(-3.15);
    expect(mean).toBeLessThan(-2.85);
    // A plain uniform draw over the same range almost never goes below 1e-3.
    const uniform = expandSweep(validateSweep(random({ samples: 1000, axes: { 'optimizer.lr': { uniform: [1e-6, 1] } } })));
    const small = uniform.filter((t) => (t.params['optimizer.lr'] as number) < 1e-3).length;
    expect(small).toBeLessThan(20);
    const momenta = trials.map((t) => t.params['optimizer.momentum'] as number);
    const m = momenta.reduce((a, b) => a + b, 0) / momenta.length;
    expect(m).toBeGreaterThan(0.745 - 0.02);
    expect(m).toBeLessThan(0.745 + 0.02);
  });

  it('a list axis in random mode picks among its values', () => {
    const trials = expandSweep(validateSweep(random({ samples: 200, axes: { 'optimizer.name': ['sgd', 'adam', 'rmsprop'], 'optimizer.lr': { logUniform: [1e-4, 1e-1] } } })));
    expect(trials).toHaveLength(200);
    expect(new Set(trials.map((t) => t.params['optimizer.name']))).toEqual(new Set(['sgd', 'adam', 'rmsprop']));
  });

  it('is deterministic by seed; another seed draws other values', () => {
    const a = expandSweep(validateSweep(random({ seed: 7 })));
    const b = expandSweep(validateSweep(random({ seed: 7 })));
    const c = expandSweep(validateSweep(random({ seed: 8 })));
    expect(b.map((t) => t.params)).toEqual(a.map((t) => t.params));
    expect(b.map((t) => t.id)).toEqual(a.map((t) => t.id));
    expect(c.map((t) => t.params)).not.toEqual(a.map((t) => t.params));
    const shared = c.filter((t) => a.some((u) => u.params['optimizer.lr'] === t.params['optimizer.lr'])).length;
    expect(shared).toBe(0);
    // No seed is seed 0.
    expect(expandSweep(validateSweep(random())).map((t) => t.params)).toEqual(expandSweep(validateSweep(random({ seed: 0 }))).map((t) => t.params));
  });

  it('collapses a configuration drawn twice into one trial (per repeat)', () => {
    const sweep = random({ samples: 40, axes: { 'optimizer.lr': [0.1, 0.01] } });
    const trials = expandSweep(validateSweep(sweep));
    expect(trials).toHaveLength(2);
    expect(new Set(trials.map((t) => t.params['optimizer.lr']))).toEqual(new Set([0.1, 0.01]));
    expect(trials.map((t) => t.index)).toEqual([0, 1]);
    const repeated = expandSweep(validateSweep({ ...sweep, repeats: 3 }));
    expect(repeated).toHaveLength(6);
    expect(new Set(repeated.map((t) => t.id)).size).toBe(6);
    expect(repeated.map((t) => t.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(repeated.map((t) => t.repeat)).toEqual([0, 1, 2, 0, 1, 2]);
  });
});

describe('validation', () => {
  const lrAxis = (axis: unknown, extra: Record<string, unknown> = {}) =>
    () => validateSweep({ base: base(), axes: { 'optimizer.lr': axis }, ...extra });

  it('refuses a sweep with no axes', () => {
    const e = thrown(() => validateSweep({ base: base(), axes: {} }));
    expect(e.field).toBe('sweep.axes');
    expect(thrown(() => validateSweep({ base: base() })).field).toBe('sweep.axes');
  });

  it('refuses an unknown mode', () => {
    const e = thrown(lrAxis([0.1], { mode: 'bayesian' }));
    expect(e.field).toBe('sweep.mode');
    expect(e.code).toBe('UNKNOWN_OPTION');
    expect(e.message).toMatch(/grid, random/);
  });

  it('refuses a distribution in grid mode', () => {
    for (const axis of [{ logUniform: [1e-5, 1] }, { uniform: [0, 1] }]) {
      const e = thrown(lrAxis(axis));
      expect(e.field).toBe('sweep.axes["optimizer.lr"]');
      expect(e.message).toMatch(/random/);
    }
  });

  it('refuses an empty list and a list repeating a value', () => {
    expect(thrown(lrAxis([])).field).toBe('sweep.axes["optimizer.lr"]');
    const repeated = thrown(lrAxis([0.1, 0.01, 0.1]));
    expect(repeated.field).toBe('sweep.axes["optimizer.lr"]');
    expect(repeated.message).toMatch(/repeat/);
    const objects = thrown(() => validateSweep({ base: base(), axes: { schedule: [{ name: 'constant' }, { name: 'constant' }] } }));
    expect(objects.field).toBe('sweep.axes["schedule"]');
  });

  it('refuses a path of bad syntax', () => {
    for (const path of ['optimizer..lr', 'optimizer.', '1optimizer', 'model.layers[x].units', 'model.layers[-1]', 'optimizer lr', '']) {
      const e = thrown(() => validateSweep({ base: base(), axes: { [path]: [0.1] } }));
      expect(e.field).toBe('sweep.axes');
      expect(e.value).toBe(path);
    }
  });

  it('refuses count 0 and a log grid from or to <= 0', () => {
    expect(thrown(lrAxis({ log: { from: 1, to: 1e-3, count: 0 } })).field).toBe('sweep.axes["optimizer.lr"].log.count');
    expect(thrown(lrAxis({ linear: { from: 0, to: 1, count: 0 } })).field).toBe('sweep.axes["optimizer.lr"].linear.count');
    expect(thrown(lrAxis({ log: { from: 1, to: 1e-3, count: 2.5 } })).field).toBe('sweep.axes["optimizer.lr"].log.count');
    expect(thrown(lrAxis({ log: { from: 0, to: 1e-3, count: 4 } })).field).toBe('sweep.axes["optimizer.lr"].log.from');
    expect(thrown(lrAxis({ log: { from: -1, to: 1e-3, count: 4 } })).field).toBe('sweep.axes["optimizer.lr"].log.from');
    expect(thrown(lrAxis({ log: { from: 1, to: 0, count: 4 } })).field).toBe('sweep.axes["optimizer.lr"].log.to');
    expect(thrown(() => logGrid(0, 1, 3)).field).toBe('log.from');
  });

  it('refuses an axis object that is not one of the known kinds, and unknown keys', () => {
    expect(thrown(lrAxis({ geometric: { from: 1, to: 2, count: 3 } })).field).toBe('sweep.axes["optimizer.lr"]');
    expect(thrown(lrAxis({ log: { from: 1, to: 0.1, count: 3, base: 2 } })).field).toBe('sweep.axes["optimizer.lr"].log.base');
    expect(thrown(() => validateSweep({ ...grid(), repeat: 3 })).field).toBe('sweep.repeat');
  });

  it('refuses random mode without a valid samples count', () => {
    const axes = { 'optimizer.lr': { logUniform: [1e-5, 1] } };
    expect(thrown(() => validateSweep({ base: base(), mode: 'random', axes })).field).toBe('sweep.samples');
    expect(thrown(() => validateSweep({ base: base(), mode: 'random', axes, samples: 0 })).field).toBe('sweep.samples');
  });

  it('refuses a sweep expanding to too many trials', () => {
    const twenty = linearGrid(1, 20, 20);
    const huge = { 'optimizer.lr': twenty, 'optimizer.momentum': twenty, 'model.layers[0].units': twenty, batchSize: twenty }; // 160 000
    const e = thrown(() => validateSweep({ base: base(), axes: huge }));
    expect(e.field).toBe('sweep.axes');
    expect(e.value).toBe(160_000);
    expect(e.message).toMatch(/100000/);
    // Repeats count too: 1000 cells × 101 repeats.
    const r = thrown(() => validateSweep({ base: base(), axes: { 'optimizer.lr': { log: { from: 1, to: 1e-7, count: 1000 } } }, repeats: 101 }));
    expect(r.field).toBe('sweep.axes');
    // And random samples × repeats.
    expect(thrown(() => validateSweep({ base: base(), mode: 'random', samples: 60_000, repeats: 2, axes: { 'optimizer.lr': { logUniform: [1e-5, 1] } } })).field).toBe('sweep.axes');
    // 100 000 exactly is allowed.
    expect(() => validateSweep({ base: base(), axes: { 'optimizer.lr': { log: { from: 1, to: 1e-7, count: 1000 } } }, repeats: 100 })).not.toThrow();
  });
});
