/**
 * A corpus of bad input, tried as a careless or hostile user would: every case
 * is refused, the CLI with exit 2 and one `lrlab: …` line naming the flag or
 * field (run in this process through run(), the function the bin calls; a
 * subset as real processes), the API with an LrlabError of the right code and
 * field. No case prints a stack trace, and the files of a train run and a sweep
 * saved beforehand are byte-identical afterwards.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../bindings/cli/run.js';
import { LrlabError } from '../bindings/errors.js';
import { Model, ResultStore, loadCsv, normalizeModel, normalizeOptimizer, parseCsv, runExperiment, validateSchedule, validateSweep, type ExperimentSpec } from '../bindings/index.js';
import { decodeModel, encodeModel } from '../bindings/serialize.js';
import { parseQueueUrl } from '../bindings/sweep/queue-connection.js';
import { ROOT } from './helpers/cli.js';

let tmp: string;
let saved: Map<string, string>;
const f = (...parts: string[]) => join(tmp, ...parts);

const BASE: ExperimentSpec = {
  data: { name: 'blobs', samples: 60, centers: 2, features: 2, seed: 1 },
  model: { inputs: 2, layers: [{ units: 4, activation: 'relu' }, { units: 2, activation: 'softmax' }], loss: 'categorical_crossentropy' },
  optimizer: { name: 'sgd', lr: 0.1 },
  epochs: 2,
  batchSize: 16,
  seed: 1,
};

/**
 * Every file under the saved runs: path -> SHA-256 of its bytes. (Deep-equal on the Buffers
 * themselves compares byte by byte in JS and took about a second per case.)
 */
async function snapshot(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const dir of ['saved-train', 'saved-sweep']) {
    for (const name of await readdir(f(dir))) out.set(`${dir}/${name}`, createHash('sha256').update(await readFile(f(dir, name))).digest('hex'));
  }
  return out;
}

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '', stderr = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => { stdout += String(chunk); return true; });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => { stderr += String(chunk); return true; });
  const w = vi.spyOn(console, 'warn').mockImplementation((...a) => { stderr += a.join(' ') + '\n'; });
  try {
    return { code: await run(args), stdout, stderr };
  } finally {
    o.mockRestore();
    e.mockRestore();
    w.mockRestore();
  }
}

const spec = (over: Record<string, unknown>) => JSON.stringify({ ...BASE, ...over });
const sweepFile = (over: Record<string, unknown>) => JSON.stringify({ base: BASE, axes: { 'optimizer.lr': [0.1] }, ...over });
const deep = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'lrlab-corpus-'));
  await writeFile(f('base.json'), JSON.stringify(BASE));
  const files: Record<string, string | Buffer> = {
    'bad.json': '{ "epochs": 5, oops }',
    'array.json': '[1, 2]',
    'deep.json': deep(100_000),
    'proto.json': '{"__proto__": {"momentum": 0.9}}',
    'unknown-key.json': spec({ epochz: 3 }),
    'opt-constructor.json': spec({ optimizer: { name: 'sgd', constructor: 1 } }),
    'opt-adamm.json': spec({ optimizer: { name: 'adamm' } }),
    'lr-huge.json': spec({ optimizer: { name: 'sgd', lr: 1e308 } }),
    'restarts.json': spec({ schedule: { name: 'cosine_restarts', T0: 1e-20 } }),
    'one-cycle.json': spec({ schedule: { name: 'one_cycle', maxLr: 0.01, divFactor: 1, finalDivFactor: 5e-324, totalSteps: 40 } }),
    'max-lr.json': spec({ schedule: { name: 'cyclical', maxLr: 1e308, stepSize: 2 } }),
    'tmult.json': spec({ schedule: { name: 'cosine_restarts', T0: 1, tMult: 1e308 } }),
    'epochs-string.json': spec({ epochs: '3' }),
    'layers-empty.json': spec({ model: { inputs: 2, layers: [], loss: 'mse' } }),
    'sw-proto.json': sweepFile({ axes: { '__proto__.momentum': [0.9] } }),
    'sw-constructor.json': sweepFile({ axes: { 'optimizer.constructor.prototype': [1] } }),
    'sw-prototype.json': sweepFile({ axes: { 'prototype': [1] } }),
    'sw-deep.json': `{"base": ${deep(50_000)}, "axes": {}}`,
    'sw-empty-axes.json': sweepFile({ axes: {} }),
    'sw-empty-values.json': sweepFile({ axes: { 'optimizer.lr': [] } }),
    'sw-repeat-values.json': sweepFile({ axes: { 'optimizer.lr': [0.1, 0.1] } }),
    'sw-mode.json': sweepFile({ mode: 'grd' }),
    'sw-repeats.json': sweepFile({ repeats: 0 }),
    'sw-random.json': sweepFile({ mode: 'random' }),
    'sw-halving.json': sweepFile({ halving: { rungs: 1 } }),
    'sw-bad-value.json': sweepFile({ axes: { 'optimizer.momentum': [0.5, 2] } }),
    'sw-unknown.json': sweepFile({ axis: {} }),
    'latin1.csv': Buffer.from('a,b,label\n1,2,caf\xe9\n3,4,caf\xe8\n', 'latin1'),
    'dup-header.csv': 'a,label,label\n1,0,1\n2,1,0\n',
    'ragged.csv': 'a,b,label\n1,2,0\n3,0\n',
    'empty.csv': '',
    'nan.csv': 'a,b,label\n1,NaN,0\n2,3,1\n',
    'text-feature.csv': 'a,b,label\n1,x,0\n2,3,1\n',
    'huge-cell.csv': `a,b,label\n1,${'9x'.repeat(500_000)},0\n2,3,1\n`,
    'header-only.csv': 'a,b,label\n',
    'quote.csv': 'a,b,label\n1,"2,0\n',
  };
  for (const [name, text] of Object.entries(files)) await writeFile(f(name), text);
  await writeFile(f('a-file'), 'not a folder\n');
  await mkdir(f('not-a-sweep'));
  await writeFile(f('not-a-sweep', 'notes.txt'), 'hello\n');
  await mkdir(f('orphan-results'));
  await writeFile(f('orphan-results', 'results.jsonl'), '{"id":"x"}\n');
  await mkdir(f('damaged-spec'));
  await writeFile(f('damaged-spec', 'sweep.json'), '{"base":');
  // The saved runs every case must leave alone.
  expect((await cli(['train', '--spec', f('base.json'), '--out', f('saved-train')])).code).toBe(0);
  expect((await cli(['sweep', '--spec', f('base.json'), '--lr', '0.1,0.05', '--momentum', '0', '--inline', '--out', f('saved-sweep')])).code).toBe(0);
  await mkdir(f('damaged-line'));
  await writeFile(f('damaged-line', 'sweep.json'), await readFile(f('saved-sweep', 'sweep.json')));
  await writeFile(f('damaged-line', 'results.jsonl'), '{"id": oops}\n');
  saved = await snapshot();
}, 120_000);

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

interface CliCase { args: () => string[]; names: string | RegExp }

const T = (...a: string[]) => ['train', '--spec', f('base.json'), ...a, '--out', f('t-out')];
const S = (...a: string[]) => ['sweep', '--spec', f('base.json'), '--inline', ...a, '--out', f('s-out')];

const CLI: Record<string, CliCase> = {
  // the command line itself
  'unknown command': { args: () => ['frobnicate'], names: 'command' },
  'command typo swep': { args: () => ['swep'], names: /did you mean "sweep"/ },
  'command typo trian': { args: () => ['trian'], names: /did you mean "train"/ },
  'train unknown flag': { args: () => T('--bogus'), names: '--bogus' },
  'train flag typo --optimzer': { args: () => T('--optimzer', 'adam'), names: /--optimzer.*did you mean --optimizer/ },
  'sweep flag typo --momentun': { args: () => S('--momentun', '0'), names: /did you mean --momentum/ },
  'find-lr unknown flag': { args: () => ['find-lr', '--bogus'], names: '--bogus' },
  'report unknown flag': { args: () => ['report', '--bogus', f('saved-sweep')], names: '--bogus' },
  'worker unknown flag': { args: () => ['worker', '--bogus'], names: '--bogus' },
  'tutorial unknown flag': { args: () => ['tutorial', '--bogus'], names: '--bogus' },
  'unknown short flag': { args: () => T('-x'), names: '-x' },
  '--out without a value': { args: () => ['train', '--out'], names: '--out' },
  '--lr followed by a flag': { args: () => ['train', '--lr', '--epochs', '2'], names: '--lr' },
  'boolean flag with a value': { args: () => S('--halving=yes'), names: '--halving' },
  'positional argument to train': { args: () => T('0.1'), names: 'arguments' },
  'positional argument to sweep': { args: () => S('fast'), names: 'arguments' },
  'report without a folder': { args: () => ['report'], names: 'DIR' },
  'report with two folders': { args: () => ['report', f('saved-sweep'), f('saved-train')], names: 'DIR' },
  // numbers, including negative ones (judged by lrlab, not by the parser)
  '--lr -1': { args: () => T('--lr', '-1'), names: 'optimizer.lr' },
  '--lr abc': { args: () => T('--lr', 'abc'), names: '--lr' },
  '--lr 1e400': { args: () => T('--lr', '1e400'), names: '--lr' },
  '--lr empty': { args: () => T('--lr', ''), names: '--lr' },
  '--lr NaN': { args: () => T('--lr', 'NaN'), names: '--lr' },
  '--lr Infinity': { args: () => T('--lr', 'Infinity'), names: '--lr' },
  '--lr 1e7': { args: () => T('--lr', '1e7'), names: 'optimizer.lr' },
  '--lr=-0.5': { args: () => T('--lr=-0.5'), names: 'optimizer.lr' },
  '--epochs -3': { args: () => T('--epochs', '-3'), names: '--epochs' },
  '--epochs 0': { args: () => T('--epochs', '0'), names: '--epochs' },
  '--epochs 1.5': { args: () => T('--epochs', '1.5'), names: '--epochs' },
  '--epochs abc': { args: () => T('--epochs', 'abc'), names: '--epochs' },
  '--momentum -0.5': { args: () => T('--momentum', '-0.5'), names: 'optimizer.momentum' },
  '--momentum 1': { args: () => T('--momentum', '1'), names: 'optimizer.momentum' },
  '--momentum 1.5': { args: () => T('--momentum', '1.5'), names: 'optimizer.momentum' },
  '--seed -1': { args: () => T('--seed', '-1'), names: '--seed' },
  '--seed 1.5': { args: () => T('--seed', '1.5'), names: '--seed' },
  '--seed 2^32': { args: () => T('--seed', '4294967296'), names: 'seed' },
  '--batch-size 0': { args: () => T('--batch-size', '0'), names: '--batch-size' },
  '--batch-size -5': { args: () => T('--batch-size', '-5'), names: '--batch-size' },
  '--batch-size x': { args: () => T('--batch-size', 'x'), names: '--batch-size' },
  '--hidden 0': { args: () => ['train', '--hidden', '0', '--out', f('t-out')], names: '--hidden' },
  '--hidden a': { args: () => ['train', '--hidden', 'a', '--out', f('t-out')], names: '--hidden' },
  '--hidden 5,,3': { args: () => ['train', '--hidden', '5,,3', '--out', f('t-out')], names: '--hidden' },
  '--hidden -3': { args: () => ['train', '--hidden', '-3', '--out', f('t-out')], names: '--hidden' },
  '--backend gpu': { args: () => T('--backend', 'gpu'), names: 'backend' },
  '--data nosuch': { args: () => ['train', '--data', 'nosuch', '--out', f('t-out')], names: '--data' },
  '--data moonz': { args: () => ['train', '--data', 'moonz', '--out', f('t-out')], names: /--data/ },
  '--every 0': { args: () => T('--every', '0'), names: '--every' },
  'sweep --lr 0.1,abc': { args: () => S('--lr', '0.1,abc'), names: '--lr' },
  'sweep --lr 1:2': { args: () => S('--lr', '1:2'), names: '--lr' },
  'sweep --lr 1:1e-7:0': { args: () => S('--lr', '1:1e-7:0'), names: '--lr' },
  'sweep --lr 0:1:3 (log from 0)': { args: () => S('--lr', '0:1:3'), names: /log/ },
  'sweep --lr empty': { args: () => S('--lr', ','), names: '--lr' },
  'sweep --lr -0.1': { args: () => S('--lr', '-0.1'), names: /^lrlab: --lr: must be a number >= 0/ },
  'sweep --momentum 0,1.5': { args: () => S('--momentum', '0,1.5'), names: /^lrlab: --momentum: must be a number >= 0 and < 1/ },
  'sweep --momentum -1': { args: () => S('--momentum', '-1'), names: /^lrlab: --momentum:/ },
  'sweep --repeats 0': { args: () => S('--repeats', '0'), names: '--repeats' },
  'sweep --workers 0': { args: () => ['sweep', '--workers', '0', '--lr', '0.1', '--out', f('s-out')], names: '--workers' },
  'sweep --workers with --inline': { args: () => S('--workers', '2'), names: '--workers' },
  'sweep --queue with --inline': { args: () => S('--queue', 'redis://127.0.0.1:1'), names: /--inline|--queue/ },
  'train --optimizer adamm': { args: () => T('--optimizer', 'adamm'), names: /^lrlab: --optimizer: .*\(did you mean "adam"\?\)/ },
  'sweep --optimizers sgd,adamm': { args: () => S('--optimizers', 'sgd,adamm'), names: /did you mean "adam"/ },
  'find-lr --steps 0': { args: () => ['find-lr', '--steps', '0'], names: '--steps' },
  'find-lr --steps 5': { args: () => ['find-lr', '--steps', '5', '--out', f('f-out')], names: /steps/ },
  'find-lr --start -1': { args: () => ['find-lr', '--start', '-1', '--out', f('f-out')], names: /startLr|start/ },
  'find-lr --end abc': { args: () => ['find-lr', '--end', 'abc'], names: '--end' },
  'worker without --queue': { args: () => ['worker'], names: '--queue' },
  'tutorial --epochs 0': { args: () => ['tutorial', '--epochs', '0'], names: '--epochs' },
  'tutorial --repeats -1': { args: () => ['tutorial', '--repeats', '-1'], names: '--repeats' },
  // spec files
  '--spec missing': { args: () => ['train', '--spec', f('missing.json'), '--out', f('t-out')], names: '--spec' },
  '--spec invalid JSON': { args: () => ['train', '--spec', f('bad.json'), '--out', f('t-out')], names: '--spec' },
  '--spec an array': { args: () => ['train', '--spec', f('array.json'), '--out', f('t-out')], names: 'experiment' },
  '--spec nested 100 000 deep': { args: () => ['train', '--spec', f('deep.json'), '--out', f('t-out')], names: /--spec.*nest/ },
  '--spec with a __proto__ key': { args: () => ['train', '--spec', f('proto.json'), '--out', f('t-out')], names: /__proto__|experiment/ },
  '--spec unknown key': { args: () => ['train', '--spec', f('unknown-key.json'), '--out', f('t-out')], names: /epochz.*did you mean "epochs"/ },
  '--spec optimizer.constructor': { args: () => ['train', '--spec', f('opt-constructor.json'), '--out', f('t-out')], names: 'optimizer.constructor' },
  '--spec optimizer adamm': { args: () => ['train', '--spec', f('opt-adamm.json'), '--out', f('t-out')], names: /did you mean "adam"/ },
  '--spec lr 1e308': { args: () => ['train', '--spec', f('lr-huge.json'), '--out', f('t-out')], names: 'optimizer.lr' },
  '--spec cosine_restarts T0 1e-20': { args: () => ['train', '--spec', f('restarts.json'), '--out', f('t-out')], names: 'schedule.T0' },
  '--spec one_cycle finalDivFactor 5e-324': { args: () => ['train', '--spec', f('one-cycle.json'), '--out', f('t-out')], names: 'schedule.finalDivFactor' },
  '--spec cyclical maxLr 1e308': { args: () => ['train', '--spec', f('max-lr.json'), '--out', f('t-out')], names: 'schedule.maxLr' },
  '--spec cosine_restarts tMult 1e308': { args: () => ['train', '--spec', f('tmult.json'), '--out', f('t-out')], names: 'schedule.tMult' },
  '--spec epochs "3"': { args: () => ['train', '--spec', f('epochs-string.json'), '--out', f('t-out')], names: 'epochs' },
  '--spec no layers': { args: () => ['train', '--spec', f('layers-empty.json'), '--out', f('t-out')], names: 'model.layers' },
  'sweep axis __proto__.momentum': { args: () => ['sweep', '--sweep', f('sw-proto.json'), '--inline', '--out', f('s-out')], names: /__proto__/ },
  'sweep axis through constructor': { args: () => ['sweep', '--sweep', f('sw-constructor.json'), '--inline', '--out', f('s-out')], names: /constructor/ },
  'sweep axis prototype': { args: () => ['sweep', '--sweep', f('sw-prototype.json'), '--inline', '--out', f('s-out')], names: /prototype/ },
  'sweep file nested 50 000 deep': { args: () => ['sweep', '--sweep', f('sw-deep.json'), '--inline', '--out', f('s-out')], names: /--sweep.*nest/ },
  'sweep with no axes': { args: () => ['sweep', '--sweep', f('sw-empty-axes.json'), '--inline', '--out', f('s-out')], names: 'sweep.axes' },
  'sweep axis without values': { args: () => ['sweep', '--sweep', f('sw-empty-values.json'), '--inline', '--out', f('s-out')], names: 'sweep.axes' },
  'sweep axis repeating a value': { args: () => ['sweep', '--sweep', f('sw-repeat-values.json'), '--inline', '--out', f('s-out')], names: 'sweep.axes' },
  'sweep mode grd': { args: () => ['sweep', '--sweep', f('sw-mode.json'), '--inline', '--out', f('s-out')], names: /sweep\.mode.*did you mean "grid"/ },
  'sweep repeats 0': { args: () => ['sweep', '--sweep', f('sw-repeats.json'), '--inline', '--out', f('s-out')], names: 'sweep.repeats' },
  'sweep random without samples': { args: () => ['sweep', '--sweep', f('sw-random.json'), '--inline', '--out', f('s-out')], names: 'sweep.samples' },
  'sweep halving rungs 1': { args: () => ['sweep', '--sweep', f('sw-halving.json'), '--inline', '--out', f('s-out')], names: 'sweep.halving.rungs' },
  'sweep axis value out of range': { args: () => ['sweep', '--sweep', f('sw-bad-value.json'), '--inline', '--out', f('s-out')], names: /momentum/ },
  'sweep unknown key axis': { args: () => ['sweep', '--sweep', f('sw-unknown.json'), '--inline', '--out', f('s-out')], names: /sweep\.axis.*did you mean "axes"/ },
  // CSV data
  'CSV in Latin-1': { args: () => ['train', '--data', f('latin1.csv'), '--out', f('t-out')], names: /latin1\.csv.*UTF-8/ },
  'CSV with a duplicate header name': { args: () => ['train', '--data', f('dup-header.csv'), '--out', f('t-out')], names: /dup-header\.csv line 1.*label/ },
  'CSV with a ragged row': { args: () => ['train', '--data', f('ragged.csv'), '--out', f('t-out')], names: /ragged\.csv line 3/ },
  'CSV empty': { args: () => ['train', '--data', f('empty.csv'), '--out', f('t-out')], names: /empty\.csv/ },
  'CSV with NaN': { args: () => ['train', '--data', f('nan.csv'), '--out', f('t-out')], names: /nan\.csv line 2/ },
  'CSV with text in a feature': { args: () => ['train', '--data', f('text-feature.csv'), '--out', f('t-out')], names: /text-feature\.csv line 2/ },
  'CSV with a 1 MB bad cell': { args: () => ['train', '--data', f('huge-cell.csv'), '--out', f('t-out')], names: /huge-cell\.csv line 2.*chars\)/ },
  'CSV with only a header': { args: () => ['train', '--data', f('header-only.csv'), '--out', f('t-out')], names: /header-only\.csv/ },
  'CSV with an open quote': { args: () => ['train', '--data', f('quote.csv'), '--out', f('t-out')], names: /quote\.csv/ },
  'CSV missing': { args: () => ['train', '--data', f('missing.csv'), '--out', f('t-out')], names: /missing\.csv/ },
  // --out
  'train into a finished run': { args: () => ['train', '--spec', f('base.json'), '--out', f('saved-train')], names: /--out.*finished training run.*--overwrite/ },
  'train into a sweep folder': { args: () => ['train', '--spec', f('base.json'), '--overwrite', '--out', f('saved-sweep')], names: /--out.*another kind of run.*sweep\.json/ },
  'sweep into a train folder': { args: () => ['sweep', '--spec', f('base.json'), '--inline', '--lr', '0.1', '--out', f('saved-train')], names: /--out.*another kind of run.*model\.lrlab/ },
  'train --out a file': { args: () => ['train', '--spec', f('base.json'), '--out', f('a-file')], names: /--out.*it is a file/ },
  'sweep --spec with --sweep': { args: () => ['sweep', '--spec', f('base.json'), '--sweep', f('sw-prototype.json'), '--inline', '--out', f('s-out')], names: /^lrlab: --spec: cannot be combined with --sweep/ },
  'find-lr --steps 100001': { args: () => ['find-lr', '--steps', '100001', '--out', f('f-out')], names: /--steps: must be an integer >= 10 and <= 10000/ },
  'find-lr --end below --start': { args: () => ['find-lr', '--start', '0.1', '--end', '0.01', '--out', f('f-out')], names: /--end: must be above --start/ },
  'find-lr into a train folder': { args: () => ['find-lr', '--out', f('saved-train')], names: /--out.*another kind of run.*model\.lrlab/ },
  'tutorial into a sweep folder': { args: () => ['tutorial', '--inline', '--epochs', '1', '--out', f('saved-sweep')], names: /--out.*another kind of run.*sweep\.json/ },
  'sweep --out a file': { args: () => ['sweep', '--spec', f('base.json'), '--inline', '--lr', '0.1', '--out', f('a-file')], names: /--out.*it is a file/ },
  'train --out under a file': { args: () => ['train', '--spec', f('base.json'), '--out', f('a-file', 'x')], names: /--out.*must be a folder.*ENOTDIR/ },
  'sweep into results.jsonl without sweep.json': { args: () => ['sweep', '--spec', f('base.json'), '--inline', '--lr', '0.1', '--out', f('orphan-results')], names: /--out.*results\.jsonl but no sweep\.json/ },
  'report on a folder that is not a sweep': { args: () => ['report', f('not-a-sweep')], names: /sweep\.json/ },
  'report on a damaged results line': { args: () => ['report', f('damaged-line')], names: /results\.jsonl.*line 1/ },
  'report on a damaged sweep.json': { args: () => ['report', f('damaged-spec')], names: /sweep\.json/ },
  'report on a missing folder': { args: () => ['report', f('nowhere')], names: /nowhere/ },
};

/** The cases also run as real processes (node bin/lrlab.js): the bin's own handling of exit code and output. */
const AS_PROCESS = [
  'unknown command', 'train flag typo --optimzer', '--out without a value', '--lr -1', '--epochs -3', '--momentum -0.5', '--seed -1',
  'sweep --lr 0:1:3 (log from 0)', '--spec nested 100 000 deep', '--spec cosine_restarts T0 1e-20',
  'sweep axis __proto__.momentum', 'CSV in Latin-1', 'CSV with a 1 MB bad cell',
  'report on a damaged results line',
  'worker without --queue',
];

function expectOneLine(r: { code: number; stdout: string; stderr: string }, names: string | RegExp): void {
  expect(r.code, `exit code; stderr: ${r.stderr.slice(0, 300)}`).toBe(2);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr.slice(0, 500)).toHaveLength(1);
  expect(lines[0]).toMatch(/^lrlab: \S/);
  if (typeof names === 'string') expect(lines[0]).toContain(names);
  else expect(lines[0]).toMatch(names);
  expect(lines[0].length, 'a value in a message is shortened').toBeLessThan(700);
  expect(r.stderr).not.toMatch(/^\s+at |node:internal|\.ts:\d+/m);
  expect(r.stdout).toBe('');
}

describe('bad input at the command line (in process, through run())', () => {
  for (const [name, c] of Object.entries(CLI)) {
    it(`${name}: exit 2, one lrlab: line naming it, saved files untouched`, async () => {
      expectOneLine(await cli(c.args()), c.names);
      expect(await snapshot()).toStrictEqual(saved);
    });
  }
});

describe.concurrent('bad input at the command line (real processes)', () => {
  for (const name of AS_PROCESS) {
    it(name, async () => {
      const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, ['bin/lrlab.js', ...CLI[name].args()], { cwd: ROOT, timeout: 90_000 }, (error, stdout, stderr) => {
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
        });
      });
      expectOneLine(r, CLI[name].names);
    }, 120_000);
  }
});

// --- the API -------------------------------------------------------------------------------

interface ApiCase { run: () => unknown; code: LrlabError['code']; field: string | RegExp }

const model = (m: unknown) => () => normalizeModel(m);
const optimizer = (o: unknown) => () => normalizeOptimizer(o);
const schedule = (s: unknown) => () => validateSchedule(s);
const sweep = (over: Record<string, unknown>) => () => validateSweep({ base: BASE, axes: { 'optimizer.lr': [0.1] }, ...over });
const csv = (text: string, options = {}) => () => parseCsv(text, options);
const experiment = (over: Record<string, unknown>) => () => runExperiment({ ...BASE, ...over } as ExperimentSpec);
const layer = { units: 2, activation: 'softmax' };

async function modelBytes(): Promise<Uint8Array> {
  const m = await Model.create({ model: BASE.model, optimizer: BASE.optimizer, seed: 1 });
  return m.save();
}
async function withHeader(change: (h: Record<string, unknown>) => void): Promise<Uint8Array> {
  const state = decodeModel(await modelBytes());
  change(state.header as unknown as Record<string, unknown>);
  return encodeModel(state);
}

const API: Record<string, ApiCase> = {
  'optimizer name bogus': { run: optimizer({ name: 'bogus' }), code: 'UNKNOWN_OPTION', field: 'optimizer.name' },
  'optimizer name adamm': { run: optimizer({ name: 'adamm' }), code: 'UNKNOWN_OPTION', field: 'optimizer.name' },
  'optimizer name missing': { run: optimizer({}), code: 'UNKNOWN_OPTION', field: 'optimizer.name' },
  'optimizer not an object': { run: optimizer('sgd'), code: 'INVALID_OPTION', field: 'optimizer' },
  'optimizer an array': { run: optimizer([]), code: 'INVALID_OPTION', field: 'optimizer' },
  'lr -1': { run: optimizer({ name: 'sgd', lr: -1 }), code: 'INVALID_OPTION', field: 'optimizer.lr' },
  'lr NaN': { run: optimizer({ name: 'sgd', lr: NaN }), code: 'INVALID_OPTION', field: 'optimizer.lr' },
  'lr Infinity': { run: optimizer({ name: 'sgd', lr: Infinity }), code: 'INVALID_OPTION', field: 'optimizer.lr' },
  'lr 1e308': { run: optimizer({ name: 'sgd', lr: 1e308 }), code: 'INVALID_OPTION', field: 'optimizer.lr' },
  'lr a string': { run: optimizer({ name: 'sgd', lr: '0.1' }), code: 'INVALID_OPTION', field: 'optimizer.lr' },
  'momentum 1': { run: optimizer({ name: 'sgd', momentum: 1 }), code: 'INVALID_OPTION', field: 'optimizer.momentum' },
  'momentum -0.1': { run: optimizer({ name: 'sgd', momentum: -0.1 }), code: 'INVALID_OPTION', field: 'optimizer.momentum' },
  'beta1 1': { run: optimizer({ name: 'adam', beta1: 1 }), code: 'INVALID_OPTION', field: 'optimizer.beta1' },
  'beta2 -1': { run: optimizer({ name: 'adam', beta2: -1 }), code: 'INVALID_OPTION', field: 'optimizer.beta2' },
  'epsilon 0': { run: optimizer({ name: 'adam', epsilon: 0 }), code: 'INVALID_OPTION', field: 'optimizer.epsilon' },
  'rho 1': { run: optimizer({ name: 'rmsprop', rho: 1 }), code: 'INVALID_OPTION', field: 'optimizer.rho' },
  'nesterov without momentum': { run: optimizer({ name: 'sgd', nesterov: true }), code: 'INVALID_OPTION', field: 'optimizer.nesterov' },
  'nesterov "yes"': { run: optimizer({ name: 'sgd', momentum: 0.9, nesterov: 'yes' }), code: 'INVALID_OPTION', field: 'optimizer.nesterov' },
  'amsgrad on sgd': { run: optimizer({ name: 'sgd', amsgrad: true }), code: 'UNKNOWN_OPTION', field: 'optimizer.amsgrad' },
  'weightDecay -1': { run: optimizer({ name: 'sgd', weightDecay: -1 }), code: 'INVALID_OPTION', field: 'optimizer.weightDecay' },
  'clipNorm -1': { run: optimizer({ name: 'sgd', clipNorm: -1 }), code: 'INVALID_OPTION', field: 'optimizer.clipNorm' },
  'optimizer own __proto__ key': { run: optimizer(JSON.parse('{"name":"sgd","__proto__":{"momentum":0.9}}')), code: 'UNKNOWN_OPTION', field: 'optimizer.__proto__' },
  'optimizer constructor key': { run: optimizer({ name: 'sgd', constructor: 1 }), code: 'UNKNOWN_OPTION', field: 'optimizer.constructor' },
  'experiment optimizer own __proto__ key': { run: experiment({ optimizer: JSON.parse('{"name":"sgd","lr":0.1,"__proto__":{"momentum":0.9}}') }), code: 'UNKNOWN_OPTION', field: /optimizer\.__proto__$/ },
  'Keras defaults and a __proto__ key': { run: optimizer(JSON.parse('{"name":"rmsprop","defaults":"keras","__proto__":{"momentum":0.9}}')), code: 'UNKNOWN_OPTION', field: 'optimizer.__proto__' },
  'optimizer prototype key': { run: optimizer(JSON.parse('{"name":"adam","prototype":{"beta1":0.5}}')), code: 'UNKNOWN_OPTION', field: 'optimizer.prototype' },
  'experiment own __proto__ key': { run: experiment(JSON.parse('{"__proto__":{"epochs":1}}')), code: 'UNKNOWN_OPTION', field: /__proto__$/ },
  'experiment constructor key': { run: experiment({ constructor: { name: 'x' } }), code: 'UNKNOWN_OPTION', field: /constructor$/ },
  'schedule own __proto__ key': { run: schedule(JSON.parse('{"name":"step","every":2,"__proto__":{"factor":5}}')), code: 'UNKNOWN_OPTION', field: 'schedule.__proto__' },
  'plateau own __proto__ key': { run: experiment({ plateau: JSON.parse('{"__proto__":{"factor":5}}') }), code: 'UNKNOWN_OPTION', field: /plateau\.__proto__$/ },
  'data own __proto__ key': { run: experiment({ data: JSON.parse('{"name":"blobs","__proto__":{"samples":3}}') }), code: 'UNKNOWN_OPTION', field: /data\.__proto__$/ },
  'optimizer typo momentun': { run: optimizer({ name: 'sgd', momentun: 0.9 }), code: 'UNKNOWN_OPTION', field: 'optimizer.momentun' },
  'model inputs 0': { run: model({ inputs: 0, layers: [layer], loss: 'mse' }), code: 'INVALID_OPTION', field: 'model.inputs' },
  'model inputs 2.5': { run: model({ inputs: 2.5, layers: [layer], loss: 'mse' }), code: 'INVALID_OPTION', field: 'model.inputs' },
  'model no layers': { run: model({ inputs: 2, layers: [], loss: 'mse' }), code: 'INVALID_OPTION', field: 'model.layers' },
  'model 65 layers': { run: model({ inputs: 2, layers: Array(65).fill({ units: 2 }), loss: 'mse' }), code: 'INVALID_OPTION', field: 'model.layers' },
  'model units 0': { run: model({ inputs: 2, layers: [{ units: 0 }], loss: 'mse' }), code: 'INVALID_OPTION', field: 'model.layers[0].units' },
  'model activation relux': { run: model({ inputs: 2, layers: [{ units: 2, activation: 'relux' }], loss: 'mse' }), code: 'UNKNOWN_OPTION', field: 'model.layers[0].activation' },
  'model init bogus': { run: model({ inputs: 2, layers: [{ units: 2, init: 'bogus' }], loss: 'mse' }), code: 'UNKNOWN_OPTION', field: 'model.layers[0].init' },
  'model loss bogus': { run: model({ inputs: 2, layers: [layer], loss: 'bogus' }), code: 'UNKNOWN_OPTION', field: 'model.loss' },
  'model crossentropy without softmax': { run: model({ inputs: 2, layers: [{ units: 2 }], loss: 'categorical_crossentropy' }), code: 'INVALID_OPTION', field: 'model.layers[0].activation' },
  'model too many parameters': { run: model({ inputs: 1 << 20, layers: [{ units: 1 << 16 }], loss: 'mse' }), code: 'INVALID_OPTION', field: 'model.layers' },
  'model layer __proto__ key': { run: model({ inputs: 2, layers: [JSON.parse('{"units":2,"__proto__":{}}')], loss: 'mse' }), code: 'UNKNOWN_OPTION', field: 'model.layers[0].__proto__' },
  'schedule cosine_restarts T0 1e-20': { run: schedule({ name: 'cosine_restarts', T0: 1e-20 }), code: 'INVALID_OPTION', field: 'schedule.T0' },
  'schedule cosine_restarts tMult 1e308': { run: schedule({ name: 'cosine_restarts', T0: 1, tMult: 1e308 }), code: 'INVALID_OPTION', field: 'schedule.tMult' },
  'schedule one_cycle finalDivFactor 5e-324': { run: schedule({ name: 'one_cycle', maxLr: 0.01, divFactor: 1, finalDivFactor: 5e-324, totalSteps: 40 }), code: 'INVALID_OPTION', field: 'schedule.finalDivFactor' },
  'schedule one_cycle divFactor 0': { run: schedule({ name: 'one_cycle', maxLr: 0.01, divFactor: 0, totalSteps: 40 }), code: 'INVALID_OPTION', field: 'schedule.divFactor' },
  'schedule one_cycle maxLr 1e308': { run: schedule({ name: 'one_cycle', maxLr: 1e308, totalSteps: 40 }), code: 'INVALID_OPTION', field: 'schedule.maxLr' },
  'schedule cyclical maxLr 1e308': { run: schedule({ name: 'cyclical', maxLr: 1e308, stepSize: 2 }), code: 'INVALID_OPTION', field: 'schedule.maxLr' },
  'schedule cyclical stepSize 1e-9': { run: schedule({ name: 'cyclical', maxLr: 0.1, stepSize: 1e-9 }), code: 'INVALID_OPTION', field: 'schedule.stepSize' },
  'schedule constant lr 1e308': { run: schedule({ name: 'constant', lr: 1e308 }), code: 'INVALID_OPTION', field: 'schedule.lr' },
  'schedule exponential rate 2': { run: schedule({ name: 'exponential', rate: 2 }), code: 'INVALID_OPTION', field: 'schedule.rate' },
  'schedule exponential decaySteps 5e-324': { run: schedule({ name: 'exponential', rate: 0.5, decaySteps: 5e-324 }), code: 'INVALID_OPTION', field: 'schedule.decaySteps' },
  'schedule inverse_time decaySteps 1e-300': { run: schedule({ name: 'inverse_time', rate: 0, decaySteps: 1e-300 }), code: 'INVALID_OPTION', field: 'schedule.decaySteps' },
  'schedule polynomial power 1e9': { run: schedule({ name: 'polynomial', decaySteps: 10, power: 1e9 }), code: 'INVALID_OPTION', field: 'schedule.power' },
  'schedule cosine minLr 1e308': { run: schedule({ name: 'cosine', decaySteps: 10, minLr: 1e308 }), code: 'INVALID_OPTION', field: 'schedule.minLr' },
  'schedule warmup start 1e308': { run: schedule({ name: 'warmup', steps: 5, start: 1e308 }), code: 'INVALID_OPTION', field: 'schedule.start' },
  'schedule step every 0.5': { run: schedule({ name: 'step', every: 0.5 }), code: 'INVALID_OPTION', field: 'schedule.every' },
  'schedule name cosin': { run: schedule({ name: 'cosin' }), code: 'UNKNOWN_OPTION', field: 'schedule.name' },
  'schedule unknown key': { run: schedule({ name: 'constant', rate: 1 }), code: 'UNKNOWN_OPTION', field: 'schedule.rate' },
  'schedule nested too deep': {
    run: schedule(Array.from({ length: 12 }).reduce<unknown>((inner) => ({ name: 'warmup', steps: 1, schedule: inner }), { name: 'constant' })),
    code: 'INVALID_OPTION', field: /schedule(\.schedule)+/,
  },
  'sweep axis __proto__.momentum': { run: sweep({ axes: { '__proto__.momentum': [0.9] } }), code: 'INVALID_OPTION', field: 'sweep.axes' },
  'sweep axis optimizer.__proto__': { run: sweep({ axes: { 'optimizer.__proto__': [{}] } }), code: 'INVALID_OPTION', field: 'sweep.axes' },
  'sweep axis constructor.prototype': { run: sweep({ axes: { 'constructor.prototype.x': [1] } }), code: 'INVALID_OPTION', field: 'sweep.axes' },
  'sweep axis prototype': { run: sweep({ axes: { 'model.prototype': [1] } }), code: 'INVALID_OPTION', field: 'sweep.axes' },
  'sweep axis bad path': { run: sweep({ axes: { 'optimizer..lr': [1] } }), code: 'INVALID_OPTION', field: 'sweep.axes' },
  'sweep nested 100 000 deep': {
    run: () => validateSweep(JSON.parse(`{"base": ${deep(100_000)}, "axes": {}}`)), code: 'INVALID_OPTION', field: 'sweep',
  },
  'sweep base not an object': { run: () => validateSweep({ base: 1, axes: { 'optimizer.lr': [1] } }), code: 'INVALID_OPTION', field: 'sweep.base' },
  'sweep no axes': { run: sweep({ axes: {} }), code: 'INVALID_OPTION', field: 'sweep.axes' },
  'sweep axis []': { run: sweep({ axes: { 'optimizer.lr': [] } }), code: 'INVALID_OPTION', field: 'sweep.axes["optimizer.lr"]' },
  'sweep log from 0': { run: sweep({ axes: { 'optimizer.lr': { log: { from: 0, to: 1, count: 3 } } } }), code: 'INVALID_OPTION', field: 'sweep.axes["optimizer.lr"].log.from' },
  'sweep log count 1e6': { run: sweep({ axes: { 'optimizer.lr': { log: { from: 1, to: 2, count: 1e6 } } } }), code: 'INVALID_OPTION', field: 'sweep.axes["optimizer.lr"].log.count' },
  'sweep too many trials': { run: sweep({ axes: { 'optimizer.lr': { linear: { from: 0, to: 1, count: 10_000 } }, seed: { linear: { from: 0, to: 100, count: 101 } } } }), code: 'INVALID_OPTION', field: 'sweep.axes' },
  'sweep mode grd': { run: sweep({ mode: 'grd' }), code: 'UNKNOWN_OPTION', field: 'sweep.mode' },
  'sweep samples 0': { run: sweep({ mode: 'random', samples: 0 }), code: 'INVALID_OPTION', field: 'sweep.samples' },
  'sweep repeats 1.5': { run: sweep({ repeats: 1.5 }), code: 'INVALID_OPTION', field: 'sweep.repeats' },
  'sweep halving eta 1': { run: sweep({ halving: { eta: 1 } }), code: 'INVALID_OPTION', field: 'sweep.halving.eta' },
  'sweep unknown key': { run: sweep({ axis: {} }), code: 'UNKNOWN_OPTION', field: 'sweep.axis' },
  'CSV duplicate header': { run: csv('a,label,label\n1,0,1\n'), code: 'CORRUPT_FILE', field: 'csv line 1' },
  'CSV duplicate header with labelColumn': { run: csv('a,label,label\n1,0,1\n', { labelColumn: 'label' }), code: 'CORRUPT_FILE', field: 'csv line 1' },
  'CSV ragged': { run: csv('a,b\n1,2\n3\n'), code: 'CORRUPT_FILE', field: 'csv line 3' },
  'CSV empty': { run: csv(''), code: 'CORRUPT_FILE', field: 'csv' },
  'CSV NaN': { run: csv('a,b\nNaN,1\n'), code: 'INVALID_DATA', field: /csv line 2/ },
  'CSV 1e39 (beyond float32)': { run: csv('a,b\n1e39,1\n'), code: 'INVALID_DATA', field: /csv line 2/ },
  'CSV unknown labelColumn': { run: csv('a,b\n1,0\n', { labelColumn: 'c' }), code: 'UNKNOWN_OPTION', field: 'csv.labelColumn' },
  'CSV labelColumn out of range': { run: csv('a,b\n1,0\n', { labelColumn: 5 }), code: 'INVALID_OPTION', field: 'csv.labelColumn' },
  'CSV delimiter ""': { run: csv('a,b\n1,0\n', { delimiter: '' }), code: 'INVALID_OPTION', field: 'csv.delimiter' },
  'CSV labels bogus': { run: csv('a,b\n1,0\n', { labels: 'bogus' }), code: 'UNKNOWN_OPTION', field: 'csv.labels' },
  'CSV option typo': { run: csv('a,b\n1,0\n', { labelColum: 'b' }), code: 'UNKNOWN_OPTION', field: 'csv.labelColum' },
  'CSV negative integer label': { run: csv('a,b\n1,-1\n', { labels: 'integer' }), code: 'INVALID_DATA', field: /csv line 2/ },
  'CSV a 1 MB bad cell': { run: csv(`a,b\n${'x'.repeat(1 << 20)},0\n`), code: 'INVALID_DATA', field: /csv line 2/ },
  'loadCsv Latin-1 bytes': { run: () => loadCsv(f('latin1.csv')), code: 'INVALID_DATA', field: /latin1\.csv/ },
  'loadCsv missing file': { run: () => loadCsv(f('missing.csv')), code: 'INVALID_OPTION', field: 'path' },
  'loadCsv empty path': { run: () => loadCsv(''), code: 'INVALID_OPTION', field: 'path' },
  'model bytes truncated': { run: async () => Model.load((await modelBytes()).subarray(0, 40)), code: 'CORRUPT_FILE', field: 'bytes' },
  'model bytes with a flipped bit': { run: async () => { const b = await modelBytes(); b[60] ^= 1; return Model.load(b); }, code: 'CORRUPT_FILE', field: 'bytes' },
  'model bytes of a newer format': { run: async () => { const b = await modelBytes(); b[5] = 0x32; return Model.load(b); }, code: 'CORRUPT_FILE', field: 'bytes' },
  'model bytes not a model': { run: () => Model.load(new TextEncoder().encode('PK\u0003\u0004 not a model at all')), code: 'CORRUPT_FILE', field: 'bytes' },
  'model header epochsTrained "abc"': { run: async () => Model.load(await withHeader((h) => { h.epochsTrained = 'abc'; })), code: 'CORRUPT_FILE', field: 'bytes' },
  'model header epochsTrained -1': { run: async () => Model.load(await withHeader((h) => { h.epochsTrained = -1; })), code: 'CORRUPT_FILE', field: 'bytes' },
  'model header seed "x"': { run: async () => Model.load(await withHeader((h) => { h.seed = 'x'; })), code: 'CORRUPT_FILE', field: 'bytes' },
  'model header optimizer null': { run: async () => Model.load(await withHeader((h) => { h.optimizer = null; })), code: 'CORRUPT_FILE', field: 'bytes' },
  'model bytes a string': { run: () => Model.load('model' as unknown as Uint8Array), code: 'INVALID_OPTION', field: 'bytes' },
  'ResultStore.open("")': { run: () => ResultStore.open('', {}), code: 'INVALID_OPTION', field: 'out' },
  'ResultStore.open(a file)': { run: () => ResultStore.open(f('a-file'), {}), code: 'INVALID_OPTION', field: 'out' },
  'ResultStore.open(under a file)': { run: () => ResultStore.open(f('a-file', 'x'), {}), code: 'INVALID_OPTION', field: 'out' },
  'ResultStore.open(results without sweep.json)': { run: () => ResultStore.open(f('orphan-results'), {}), code: 'CORRUPT_FILE', field: 'out' },
  'ResultStore.open(damaged sweep.json)': { run: () => ResultStore.open(f('damaged-spec'), {}), code: 'CORRUPT_FILE', field: /damaged-spec.sweep\.json/ },
  'ResultStore.read(damaged line)': { run: () => ResultStore.read(f('damaged-line')), code: 'CORRUPT_FILE', field: /results\.jsonl/ },
  'queue URL with a password and a bad port': { run: () => parseQueueUrl('redis://:hunter2@localhost:99999'), code: 'INVALID_OPTION', field: '--queue' },
  'queue URL not redis': { run: () => parseQueueUrl('http://x'), code: 'INVALID_OPTION', field: '--queue' },
  'experiment epochs 0': { run: experiment({ epochs: 0 }), code: 'INVALID_OPTION', field: /epochs/ },
  'experiment batchSize 0': { run: experiment({ batchSize: 0 }), code: 'INVALID_OPTION', field: /batchSize/ },
  'experiment validationSplit 1': { run: experiment({ validationSplit: 1 }), code: 'INVALID_OPTION', field: /validationSplit/ },
  'experiment unknown key': { run: experiment({ epoch: 3 }), code: 'UNKNOWN_OPTION', field: 'experiment.epoch' },
  'experiment nested 100 000 deep': { run: () => runExperiment(JSON.parse(deep(100_000))), code: 'INVALID_OPTION', field: 'experiment' },
  'experiment data bogus': { run: experiment({ data: { name: 'bogus' } }), code: 'UNKNOWN_OPTION', field: /data\.name/ },
  'experiment blobs samples 0': { run: experiment({ data: { name: 'blobs', samples: 0 } }), code: 'INVALID_OPTION', field: /samples/ },
  'experiment split testFraction 1': { run: experiment({ split: { testFraction: 1 } }), code: 'INVALID_OPTION', field: 'experiment.split.testFraction' },
  'experiment model inputs 3 for 2 features': { run: experiment({ model: { ...BASE.model, inputs: 3 } }), code: 'SHAPE_MISMATCH', field: /x|inputs/ },
};

describe('bad input to the API', () => {
  for (const [name, c] of Object.entries(API)) {
    it(`${name}: ${c.code}`, async () => {
      let error: unknown;
      try {
        await c.run();
      } catch (e) {
        error = e;
      }
      expect(error, 'refused').toBeInstanceOf(LrlabError);
      const e = error as LrlabError;
      expect(e.code, e.message).toBe(c.code);
      if (typeof c.field === 'string') expect(e.field, e.message).toBe(c.field);
      else expect(e.field, e.message).toMatch(c.field);
      expect(e.message.length, 'values are shortened').toBeLessThan(700);
      expect(e.message).not.toContain('hunter2');
      expect(await snapshot()).toStrictEqual(saved);
    }, 30_000);
  }
});

describe('holes that are closed without an error', () => {
  it('an option on a prototype is not an option: only own properties are read', () => {
    const inherited = Object.assign(Object.create({ momentum: 0.9, lr: 5 }), { name: 'sgd' });
    const o = normalizeOptimizer(inherited);
    expect([o.momentum, o.lr]).toEqual([0, 0.01]);
  });

  it('a polluted Object.prototype.momentum does not reach the optimizer: the weights equal an unpolluted run\'s', async () => {
    const spec = { ...BASE, optimizer: { name: 'sgd', lr: 0.1 } } as ExperimentSpec;
    const weights = async () => new Uint32Array((await runExperiment(structuredClone(spec))).model.getWeights().buffer);
    const reference = await weights();
    (Object.prototype as Record<string, unknown>).momentum = 0.9;
    let polluted;
    try {
      polluted = await weights();
    } finally {
      delete (Object.prototype as Record<string, unknown>).momentum;
    }
    expect(polluted).toStrictEqual(reference);
  });

  it('a label column with a single class is warned about', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      parseCsv('a,label\n1,cat\n2,cat\n');
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0][0])).toMatch(/^lrlab: warning: .*"label".*same class/);
      parseCsv('a,label\n1,cat\n2,cat\n'); // read again (the CLI checks a CSV, then trains on it): said once
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      warn.mockRestore();
    }
  });

  it('the corpus is large enough', () => {
    expect(Object.keys(CLI).length + Object.keys(API).length).toBeGreaterThanOrEqual(150);
  });
});
