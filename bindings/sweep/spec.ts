/**
 * A sweep: a base experiment spec plus axes, expanded as a full grid or
 * sampled at random, with repeats (each its own seed) and optional successive
 * halving. Plain JSON in, a list of trials out.
 */
import { LrlabError } from '../errors.js';
import { validateExperiment, type ExperimentSpec } from '../experiment.js';
import { createRng } from '../random.js';
import { checkChoice, checkKeys, checkNumber, checkObject, numberOr } from '../validate.js';
import { resolveAxis, sampleAxis, type AxisSpec, type ResolvedAxis } from './axes.js';
import { specId } from './hash.js';
import { parsePath, setAtPath } from './paths.js';
import type { AxisValues, Trial } from './types.js';

export interface HalvingSpec {
  /** Rungs of training budgets (default 3): rung r trains to epochs / eta^(rungs − 1 − r). */
  rungs?: number;
  /** Keep the best 1/eta of the trials at each rung (default 3). */
  eta?: number;
}

export interface SweepSpec {
  name?: string;
  base: ExperimentSpec;
  /** Axis path → values, e.g. { "optimizer.lr": { log: { from: 1, to: 1e-7, count: 8 } }, "optimizer.momentum": [0, 0.9] }. */
  axes: Record<string, AxisSpec>;
  mode?: 'grid' | 'random';
  /** Random mode: how many configurations to draw. */
  samples?: number;
  /** Seeds random sampling; repeat r of a trial uses seed base.seed + r. */
  seed?: number;
  repeats?: number;
  halving?: HalvingSpec;
}

export interface NormalizedSweep {
  name: string;
  base: ExperimentSpec;
  axes: { path: string; axis: ResolvedAxis }[];
  mode: 'grid' | 'random';
  samples: number;
  seed: number;
  repeats: number;
  halving?: { rungs: number; eta: number };
}

const KEYS = ['name', 'base', 'axes', 'mode', 'samples', 'seed', 'repeats', 'halving'];
const MAX_TRIALS = 100_000;

export function validateSweep(spec: unknown, field = 'sweep'): NormalizedSweep {
  const o = checkObject(field, spec);
  checkKeys(field, o, KEYS);
  validateExperiment(o.base, `${field}.base`);
  const base = o.base as ExperimentSpec;
  const axesObject = checkObject(`${field}.axes`, o.axes);
  const mode = o.mode === undefined ? 'grid' : checkChoice(`${field}.mode`, o.mode, ['grid', 'random'] as const);
  const axes = Object.entries(axesObject).map(([path, axis]) => {
    parsePath(path, `${field}.axes`);
    const resolved = resolveAxis(axis, `${field}.axes["${path}"]`);
    if (mode === 'grid' && resolved.kind !== 'values') {
      throw new LrlabError('INVALID_OPTION', `${field}.axes["${path}"]`, axis, 'must be a list or a {log}/{linear} grid in grid mode (distributions need mode "random")');
    }
    return { path, axis: resolved };
  });
  if (axes.length === 0) throw new LrlabError('INVALID_OPTION', `${field}.axes`, axesObject, 'must name at least one axis');
  const samples = mode === 'random' ? checkNumber(`${field}.samples`, o.samples, { min: 1, max: MAX_TRIALS, integer: true }) : 0;
  const out: NormalizedSweep = {
    name: o.name === undefined ? 'sweep' : String(o.name),
    base,
    axes,
    mode,
    samples,
    seed: numberOr(`${field}.seed`, o.seed, 0, { min: 0, max: 0xffffffff, integer: true }),
    repeats: numberOr(`${field}.repeats`, o.repeats, 1, { min: 1, max: 1000, integer: true }),
  };
  if (o.halving !== undefined) {
    const h = checkObject(`${field}.halving`, o.halving);
    checkKeys(`${field}.halving`, h, ['rungs', 'eta']);
    out.halving = {
      rungs: numberOr(`${field}.halving.rungs`, h.rungs, 3, { min: 2, max: 10, integer: true }),
      eta: numberOr(`${field}.halving.eta`, h.eta, 3, { min: 2, max: 100, integer: true }),
    };
  }
  const cells = mode === 'grid' ? axes.reduce((n, a) => n * (a.axis as { values: unknown[] }).values.length, 1) : samples;
  if (cells * out.repeats > MAX_TRIALS) {
    throw new LrlabError('INVALID_OPTION', `${field}.axes`, cells * out.repeats, `must expand to at most ${MAX_TRIALS} trials`);
  }
  return out;
}

/** The cells of the sweep (one AxisValues per configuration), in a stable order. */
export function sweepCells(sweep: NormalizedSweep): AxisValues[] {
  if (sweep.mode === 'random') {
    const rng = createRng(sweep.seed, 0x5eed);
    return Array.from({ length: sweep.samples }, () =>
      Object.fromEntries(sweep.axes.map(({ path, axis }) => [path, sampleAxis(axis, rng)])));
  }
  let cells: AxisValues[] = [{}];
  for (const { path, axis } of sweep.axes) {
    const values = (axis as { values: unknown[] }).values;
    cells = cells.flatMap((cell) => values.map((v) => ({ ...cell, [path]: v })));
  }
  return cells;
}

/** Every trial: each cell × each repeat, with its spec and stable id. */
export function expandSweep(sweep: NormalizedSweep): Trial[] {
  const trials: Trial[] = [];
  const seen = new Set<string>();
  const baseSeed = sweep.base.seed ?? 0;
  sweepCells(sweep).forEach((params) => {
    for (let repeat = 0; repeat < sweep.repeats; repeat++) {
      const spec = structuredClone(sweep.base) as unknown as Record<string, unknown>;
      for (const [path, value] of Object.entries(params)) setAtPath(spec, parsePath(path, 'sweep.axes'), value, `sweep.axes["${path}"]`);
      spec.seed = ((spec.seed as number | undefined) ?? baseSeed) + repeat;
      const experiment = spec as unknown as ExperimentSpec;
      const id = specId(experiment);
      // Random search can draw the same configuration twice: it is one trial.
      if (seen.has(id)) continue;
      seen.add(id);
      trials.push({ id, index: trials.length, params, repeat, spec: experiment });
    }
  });
  return trials;
}

export { type AxisSpec } from './axes.js';
