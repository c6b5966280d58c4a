// The flags for what a fit can do (--schedule, --plateau, --early-stopping, --divergence,
// --validation-split, --test-split, --standardize) and --optimizers in sweeps: each valid
// use lands in the experiment spec as the library spells it; each bad value is refused with
// exit 2 and one `lrlab:` line naming the flag (and the field); the README's sweep example runs.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { experimentFromFlags } from '../bindings/cli/experiment-flags.js';
import { sweepSpecFromFlags } from '../bindings/cli/sweep.js';
import { TUTORIAL_EXPERIMENT, validateExperiment } from '../bindings/experiment.js';
import { expandSweep, validateSweep } from '../bindings/sweep/spec.js';
import type { TrialResult } from '../bindings/sweep/types.js';
import { lrlab, type Run } from './helpers/cli.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'lrlab-fit-flags-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('fit flags reach the experiment spec', () => {
  it('--schedule in the compact form and as JSON', async () => {
    const compact = await experimentFromFlags({ schedule: 'multistep milestones=50,100 factor=0.5' });
    expect(compact.schedule).toEqual({ name: 'multistep', milestones: [50, 100], factor: 0.5 });
    const decay = await experimentFromFlags({ schedule: 'inverse_time rate=0.01 staircase=false' });
    expect(decay.schedule).toEqual({ name: 'inverse_time', rate: 0.01, staircase: false });
    const json = await experimentFromFlags({ schedule: '{"name":"warmup","steps":10,"schedule":{"name":"cosine","decaySteps":100}}' });
    expect(json.schedule).toEqual({ name: 'warmup', steps: 10, schedule: { name: 'cosine', decaySteps: 100 } });
    validateExperiment(json);
  });

  it('--plateau and --early-stopping as key=value pairs, "on" for the defaults, "off" to drop them', async () => {
    const spec = await experimentFromFlags({ plateau: 'patience=5,factor=0.5,semantics=keras,threshold=1e-7', 'early-stopping': 'patience=10,restoreBestWeights=true' });
    expect(spec.plateau).toEqual({ patience: 5, factor: 0.5, semantics: 'keras', threshold: 1e-7 });
    expect(spec.earlyStopping).toEqual({ patience: 10, restoreBestWeights: true });
    expect((await experimentFromFlags({ plateau: 'on', 'early-stopping': 'on' })).plateau).toEqual({});
    const off = await experimentFromFlags({ plateau: 'off', 'early-stopping': 'off' });
    expect('plateau' in off || 'earlyStopping' in off).toBe(false);
  });

  it('--divergence as a factor, key=value pairs, or off', async () => {
    expect((await experimentFromFlags({ divergence: '20' })).divergence).toEqual({ factor: 20 });
    expect((await experimentFromFlags({ divergence: 'factor=5' })).divergence).toEqual({ factor: 5 });
    expect((await experimentFromFlags({ divergence: 'factor=5,patience=3' })).divergence).toEqual({ factor: 5, patience: 3 });
    expect((await experimentFromFlags({ divergence: 'off' })).divergence).toBe(false);
  });

  it('--test-split by fraction, by rows, by row order, or none; --standardize; --validation-split', async () => {
    expect((await experimentFromFlags({ 'test-split': '0.25' })).split).toEqual({ testFraction: 0.25, shuffle: true, seed: 0 });
    expect((await experimentFromFlags({ 'test-split': '30%' })).split).toEqual({ testFraction: 0.3, shuffle: true, seed: 0 });
    expect((await experimentFromFlags({ 'test-split': '200' })).split).toEqual({ testRows: 200, shuffle: true, seed: 0 });
    expect((await experimentFromFlags({ 'test-split': 'last=500' })).split).toEqual({ testRows: 500, shuffle: false });
    expect((await experimentFromFlags({ 'test-split': 'last=50%' })).split).toEqual({ testFraction: 0.5, shuffle: false });
    expect('split' in (await experimentFromFlags({ 'test-split': 'none' }))).toBe(false);
    expect((await experimentFromFlags({ standardize: 'on' })).standardize).toBe(true);
    expect((await experimentFromFlags({ standardize: 'off' })).standardize).toBe(false);
    expect((await experimentFromFlags({ 'validation-split': '0.2' })).validationSplit).toBe(0.2);
  });

  it('a CSV-like data set gets the stated defaults (shuffle, 30 % test, standardize), which the flags override', async () => {
    const moons = await experimentFromFlags({ data: 'moons' });
    expect(moons.split).toEqual({ testFraction: 0.3, shuffle: true, seed: 0 });
    expect(moons.standardize).toBe(true);
    const ordered = await experimentFromFlags({ data: 'moons', 'test-split': 'last=100', standardize: 'off' });
    expect(ordered.split).toEqual({ testRows: 100, shuffle: false });
    expect(ordered.standardize).toBe(false);
  });

  it('--optimizer starts the optimizer from its own defaults; --momentum only where there is one', async () => {
    expect((await experimentFromFlags({ optimizer: 'adam' })).optimizer).toEqual({ name: 'adam' });
    expect((await experimentFromFlags({ optimizer: 'adam', lr: '0.003' })).optimizer).toEqual({ name: 'adam', lr: 0.003 });
    await expect(experimentFromFlags({ optimizer: 'adam', momentum: '0.9' })).rejects.toThrow(/^--momentum: applies only to sgd, rmsprop/);
  });

  it('sweep flags land in the base of the sweep', async () => {
    const spec = await sweepSpecFromFlags({ lr: '0.1,0.01', schedule: 'step every=2', plateau: 'patience=3', 'test-split': 'last=400', standardize: 'on' });
    expect(spec.base.schedule).toEqual({ name: 'step', every: 2 });
    expect(spec.base.plateau).toEqual({ patience: 3 });
    expect(spec.base.split).toEqual({ testRows: 400, shuffle: false });
    expect(spec.base.standardize).toBe(true);
    expect(spec.axes['optimizer.lr']).toEqual([0.1, 0.01]);
  });

  it('--spec FILE is the base of the default grid, the other flags change it; with --sweep it is refused', async () => {
    const file = join(tmp, 'experiment.json');
    const experiment = { ...structuredClone(TUTORIAL_EXPERIMENT), epochs: 7, batchSize: 64, optimizer: { name: 'sgd', lr: 0.2 } };
    await writeFile(file, JSON.stringify(experiment));
    const spec = await sweepSpecFromFlags({ spec: file, lr: '0.1,0.01', seed: '5' });
    expect(spec.base).toEqual({ ...experiment, seed: 5 });
    expect(spec.axes).toEqual({ 'optimizer.lr': [0.1, 0.01], 'optimizer.momentum': [0, 0.5, 0.9, 0.99] });
    await expect(sweepSpecFromFlags({ spec: file, sweep: file })).rejects.toMatchObject({ field: '--spec' });
  });
});

describe('--optimizers: each optimizer with its own defaults, momentum only where it applies', () => {
  it('expands lr × momentum × {sgd, adam} into sgd × both momenta and adam once', async () => {
    const spec = await sweepSpecFromFlags({ lr: '0.1,0.01', momentum: '0,0.9', optimizers: 'sgd,adam' });
    const trials = expandSweep(validateSweep(spec));
    expect(trials.map((t) => t.params)).toEqual([
      { 'optimizer.lr': 0.1, 'optimizer.momentum': 0, 'optimizer.name': 'sgd' },
      { 'optimizer.lr': 0.1, 'optimizer.name': 'adam' },
      { 'optimizer.lr': 0.1, 'optimizer.momentum': 0.9, 'optimizer.name': 'sgd' },
      { 'optimizer.lr': 0.01, 'optimizer.momentum': 0, 'optimizer.name': 'sgd' },
      { 'optimizer.lr': 0.01, 'optimizer.name': 'adam' },
      { 'optimizer.lr': 0.01, 'optimizer.momentum': 0.9, 'optimizer.name': 'sgd' },
    ]);
    expect(trials[1]!.spec.optimizer).toEqual({ name: 'adam', lr: 0.1 });
    expect(trials[2]!.spec.optimizer).toEqual({ name: 'sgd', lr: 0.1, momentum: 0.9 });
    for (const t of trials) validateExperiment(t.spec);
  });

  it('without an lr axis each optimizer keeps its own default lr (the base SGD lr and momentum are not carried over)', async () => {
    const trials = expandSweep(validateSweep({ base: TUTORIAL_EXPERIMENT, axes: { 'optimizer.name': ['sgd', 'adam', 'adagrad'] } }));
    expect(trials.map((t) => t.spec.optimizer)).toEqual([{ name: 'sgd' }, { name: 'adam' }, { name: 'adagrad' }]);
  });

  it('keeps the options every optimizer has (weightDecay, clipping) from the base', () => {
    const base = { ...structuredClone(TUTORIAL_EXPERIMENT), optimizer: { name: 'sgd' as const, lr: 0.05, momentum: 0.9, clipNorm: 1 } };
    const trials = expandSweep(validateSweep({ base, axes: { 'optimizer.name': ['adam', 'rmsprop'] } }));
    expect(trials.map((t) => t.spec.optimizer)).toEqual([{ name: 'adam', clipNorm: 1 }, { name: 'rmsprop', clipNorm: 1 }]);
  });

  it('an optimizer-object axis is set before the optimizer.* axes, whatever their order', () => {
    const axes = { 'optimizer.lr': [0.1], 'optimizer.momentum': [0.5], optimizer: [{ name: 'sgd', nesterov: true, momentum: 0.9 }, { name: 'adam', beta1: 0.8 }] };
    const trials = expandSweep(validateSweep({ base: TUTORIAL_EXPERIMENT, axes }));
    expect(trials.map((t) => t.spec.optimizer)).toEqual([{ name: 'sgd', nesterov: true, momentum: 0.5, lr: 0.1 }, { name: 'adam', beta1: 0.8, lr: 0.1 }]);
    expect(trials[1]!.params).toEqual({ 'optimizer.lr': 0.1, optimizer: { name: 'adam', beta1: 0.8 } });
  });

  it('refuses a momentum axis when no swept optimizer has a momentum', async () => {
    const spec = await sweepSpecFromFlags({ momentum: '0,0.9', optimizers: 'adam,adagrad' });
    expect(() => expandSweep(validateSweep(spec))).toThrow(/sweep\.axes\["optimizer\.momentum"\]: applies to none of the swept optimizers \(adam, adagrad\)/);
  });
});

const ERRORS: Array<{ args: string[]; mentions: RegExp }> = [
  { args: ['--schedule', 'step factor=0.5'], mentions: /^lrlab: --schedule\.every: is required for schedule "step"/ },
  { args: ['--schedule', 'nosuch rate=1'], mentions: /^lrlab: --schedule\.name: .*nosuch/ },
  { args: ['--schedule', '{"name":'], mentions: /^lrlab: --schedule: must be valid JSON/ },
  { args: ['--plateau', 'factor=2'], mentions: /^lrlab: --plateau\.factor: must be a number > 0 and < 1/ },
  { args: ['--plateau', 'patience'], mentions: /^lrlab: --plateau: must be key=value pairs/ },
  { args: ['--early-stopping', 'patience=-1'], mentions: /^lrlab: --early-stopping\.patience: / },
  { args: ['--early-stopping', 'wait=3'], mentions: /^lrlab: --early-stopping\.wait: is not an option/ },
  { args: ['--divergence', '0.5'], mentions: /^lrlab: --divergence\.factor: must be a number > 1/ },
  { args: ['--divergence', 'sometimes'], mentions: /^lrlab: --divergence: must be a factor > 1/ },
  { args: ['--validation-split', '1'], mentions: /^lrlab: --validation-split: must be a number > 0 and < 1/ },
  { args: ['--test-split', '1.5'], mentions: /^lrlab: --test-split: must be a fraction/ },
  { args: ['--test-split', 'last=150%'], mentions: /^lrlab: --test-split: / },
  { args: ['--standardize', 'maybe'], mentions: /^lrlab: --standardize: must be on or off/ },
  { args: ['--optimizer', 'adam', '--momentum', '0.9'], mentions: /^lrlab: --momentum: applies only to sgd, rmsprop/ },
];

describe('bad values of the fit flags', () => {
  for (const c of ERRORS) {
    it(`${c.args.join(' ')} is refused, naming the flag`, async () => {
      const values = Object.fromEntries([[c.args[0]!.slice(2), c.args[1]!], ...(c.args.length > 2 ? [[c.args[2]!.slice(2), c.args[3]!]] : [])]);
      await expect(experimentFromFlags(values)).rejects.toThrow(new RegExp(c.mentions.source.replace('^lrlab: ', '^')));
      if (c.args[0] !== '--optimizer') await expect(sweepSpecFromFlags(values)).rejects.toThrow(new RegExp(c.mentions.source.replace('^lrlab: ', '^')));
    });
  }
});

// The command turns those refusals into exit 2 and one line (bin/lrlab.js does it for every LrlabError): a few through it.
describe.concurrent('bad values through the command', () => {
  const cases = [['train', 0], ['sweep', 3], ['train', 10], ['sweep', 12]] as const;
  for (const [command, i] of cases) {
    const c = ERRORS[i]!;
    it(`${command} ${c.args.join(' ')}: exit 2, one line naming the flag, nothing written`, async ({ expect }) => {
      const out = join(tmp, `${command}-${i}`);
      const run = await lrlab([command, ...c.args, '--epochs', '1', ...(command === 'sweep' ? ['--inline'] : []), '--out', out]);
      expect(run.code, run.stderr).toBe(2);
      const lines = run.stderr.trimEnd().split('\n');
      expect(lines, run.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(c.mentions);
      expect(existsSync(out)).toBe(false);
    });
  }
});

describe('the flags through the command', () => {
  let train: Run, sweep: Run;
  let trainDir: string, sweepDir: string;
  beforeAll(async () => {
    trainDir = join(tmp, 'train');
    sweepDir = join(tmp, 'readme-sweep');
    [train, sweep] = await Promise.all([
      lrlab(['train', '--epochs', '4', '--schedule', 'step every=2 factor=0.5', '--test-split', 'last=300', '--standardize', 'on',
        '--plateau', 'patience=1,factor=0.5', '--divergence', 'off', '--out', trainDir]),
      // The README's example, with fewer epochs.
      lrlab(['sweep', '--lr', '1e0:1e-7:8', '--momentum', '0,0.9', '--optimizers', 'sgd,adam', '--repeats', '3', '--epochs', '2', '--inline', '--out', sweepDir]),
    ]);
  }, 120_000);

  it('train: the schedule halves the LR every 2 epochs and the test set is the last 300 rows', async () => {
    expect(train.code, train.stderr).toBe(0);
    const result = JSON.parse(await readFile(join(trainDir, 'history.json'), 'utf8')) as TrialResult;
    expect(result.history!.lr).toEqual([0.01, 0.01, 0.005, 0.005]);
    expect(train.stdout).toMatch(/^test: /m);
  });

  it('sweep: the README example runs every trial (8 lrs × (sgd × 2 momenta + adam) × 3 repeats)', async () => {
    expect(sweep.code, sweep.stderr).toBe(0);
    const results = (await readFile(join(sweepDir, 'results.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as TrialResult);
    expect(results).toHaveLength(8 * 3 * 3);
    expect(results.filter((r) => r.status === 'failed')).toEqual([]);
    expect(results.filter((r) => r.params['optimizer.name'] === 'adam').every((r) => !('optimizer.momentum' in r.params))).toBe(true);
  });
});
