/**
 * A sweep: a base experiment spec plus axes, expanded as a full grid or
 * sampled at random, with repeats (each its own seed) and optional successive
 * halving. Plain JSON in, a list of trials out.
 */
import { LrlabError } from '../errors.js';
import { checkJsonShape } from '../json-limits.js';
import { validateExperiment, type ExperimentSpec } from '../experiment.js';
import { createRng } from '../random.js';
import { OPTIMIZERS, optimizerKeys, type OptimizerName } from '../spec.js';
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
  checkJsonShape(field, spec);
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
  const applied = new Set<string>();
  sweepCells(sweep).forEach((cell) => {
    for (let repeat = 0; repeat < sweep.repeats; repeat++) {
      const { spec, params } = cellSpec(sweep.base, cell);
      for (const path of Object.keys(params)) applied.add(path);
      spec.seed = ((spec.seed as number | undefined) ?? baseSeed) + repeat;
      const experiment = spec as unknown as ExperimentSpec;
      const id = specId(experiment);
      // Random search can draw the same configuration twice: it is one trial.
      if (seen.has(id)) continue;
      seen.add(id);
      trials.push({ id, index: trials.length, params, repeat, spec: experiment });
    }
  });
  for (const { path } of sweep.axes) {
    if (!applied.has(path)) {
      const key = path.slice('optimizer.'.length);
      const names = [...new Set(trials.map((t) => t.spec.optimizer.name))].join(', ');
      throw new LrlabError('INVALID_OPTION', `sweep.axes["${path}"]`, key,
        `applies to none of the swept optimizers (${names}): it is an option of ${OPTIMIZERS.filter((n) => optimizerKeys(n).own.includes(key)).join(', ')}`);
    }
  }
  return trials;
}

/**
 * One cell's spec: the base with the cell's values set at their paths, a path
 * before the paths inside it ("optimizer" before "optimizer.lr") and
 * optimizer.name before the other optimizer options. Two rules let one sweep
 * compare optimizers: an optimizer.name value starts that optimizer from its
 * own defaults (the base optimizer's lr and its own options, such as SGD's
 * momentum, belong to the base optimizer; weightDecay and clipping, which
 * every optimizer has, are kept); and an optimizer option that the cell's
 * optimizer does not have (momentum for adam) is not set, and left out of the
 * trial's params, so that the cells it alone told apart become one trial.
 */
function cellSpec(base: ExperimentSpec, cell: AxisValues): { spec: Record<string, unknown>; params: AxisValues } {
  const spec = structuredClone(base) as unknown as Record<string, unknown>;
  const params: AxisValues = {};
  const entries = Object.entries(cell).map(([path, value]) => ({ path, value, keys: parsePath(path, 'sweep.axes') }));
  const rank = (e: (typeof entries)[number]) => e.keys.length * 2 - (e.path === 'optimizer.name' ? 1 : 0);
  for (const { path, value, keys } of [...entries].sort((a, b) => rank(a) - rank(b))) {
    if (path === 'optimizer.name' && typeof value === 'string' && isOptimizerName(value)) {
      const previous = (spec.optimizer ?? {}) as Record<string, unknown>;
      const kept = optimizerKeys(value).common.filter((k) => k !== 'lr' && k !== 'name' && previous[k] !== undefined);
      spec.optimizer = { name: value, ...Object.fromEntries(kept.map((k) => [k, previous[k]])) };
      continue;
    }
    if (keys.length === 2 && keys[0] === 'optimizer' && typeof keys[1] === 'string' && !appliesTo(spec.optimizer, keys[1])) continue;
    setAtPath(spec, keys, value, `sweep.axes["${path}"]`);
  }
  // In the cell's own order, without the values that were not set.
  for (const { path, value, keys } of entries) {
    if (path === 'optimizer.name' || !(keys.length === 2 && keys[0] === 'optimizer' && !appliesTo(spec.optimizer, keys[1] as string))) params[path] = value;
  }
  return { spec, params };
}

function isOptimizerName(name: string): name is OptimizerName {
  return (OPTIMIZERS as readonly string[]).includes(name);
}

/** False only for an option that some optimizer has but this one does not (an unknown option is left to validation). */
function appliesTo(optimizer: unknown, key: string): boolean {
  const name = (optimizer as { name?: unknown } | undefined)?.name;
  if (typeof name !== 'string' || !isOptimizerName(name)) return true;
  const { common, own } = optimizerKeys(name);
  return common.includes(key) || own.includes(key) || !OPTIMIZERS.some((n) => optimizerKeys(n).own.includes(key));
}

export { type AxisSpec } from './axes.js';
