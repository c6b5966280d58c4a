// The lrlab commands end to end, as a user runs them (node bin/lrlab.js, output
// to pipes as in CI): train prints its epochs and writes report, model and
// history; find-lr prints its suggestions and writes its plot; sweep writes
// its results and report, a rerun runs nothing new and rebuilds the report,
// and `lrlab report` rebuilds it too. Output to a pipe is plain lines.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Model } from '../bindings/model.js';
import type { TrialResult } from '../bindings/sweep/types.js';
import { lrlab, type Run } from './helpers/cli.js';

/** Output to a pipe: no carriage returns (redrawn bars) and no terminal escapes. */
function expectPlain(run: Run): void {
  expect(run.stdout + run.stderr).not.toContain('\r');
  expect(run.stdout + run.stderr).not.toContain('\u001b[');
}

async function lines(path: string): Promise<string[]> {
  return (await readFile(path, 'utf8')).split('\n').filter((l) => l.trim() !== '');
}

let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'lrlab-cli-run-'));
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('lrlab train --epochs 5', () => {
  let run: Run;
  let out: string;

  beforeAll(async () => {
    out = join(tmp, 'train');
    run = await lrlab(['train', '--epochs', '5', '--out', out]);
  });

  it('exits 0 and prints epoch lines with loss, acc and lr, the first and the last included', () => {
    expect(run.code, run.stderr).toBe(0);
    expectPlain(run);
    const epochLines = run.stdout.split('\n').filter((l) => /^epoch\s/.test(l));
    expect(epochLines.length).toBeGreaterThanOrEqual(2);
    expect(epochLines.length).toBeLessThanOrEqual(5);
    const parsed = epochLines.map((l) => {
      const m = /^epoch\s+(\d+)\s+loss\s+(\S+)\s+acc\s+([\d.]+).*\blr\s+(\S+)\s*$/.exec(l);
      expect(m, l).not.toBeNull();
      return { epoch: Number(m![1]), loss: Number(m![2]), acc: Number(m![3]), lr: Number(m![4]) };
    });
    expect(parsed[0].epoch).toBe(1);
    expect(parsed.at(-1)!.epoch).toBe(5);
    for (let i = 1; i < parsed.length; i++) expect(parsed[i].epoch).toBeGreaterThan(parsed[i - 1].epoch);
    for (const p of parsed) {
      expect(Number.isFinite(p.loss)).toBe(true);
      expect(p.acc).toBeGreaterThanOrEqual(0);
      expect(p.acc).toBeLessThanOrEqual(1);
      expect(p.lr).toBeCloseTo(0.01, 10); // the tutorial's SGD lr
    }
    expect(run.stdout).toMatch(/^status completed, 5 epochs/m);
  });

  it('writes report.html, model.lrlab and history.json that agree with what it printed', async () => {
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).toMatch(/<html/i);
    const history = JSON.parse(await readFile(join(out, 'history.json'), 'utf8')) as TrialResult;
    expect(history.status).toBe('completed');
    expect(history.history!.loss).toHaveLength(5);
    expect(history.history!.epoch).toEqual([0, 1, 2, 3, 4]);
    expect(history.test).toBeDefined();
    const printed = run.stdout.split('\n').filter((l) => /^epoch\s/.test(l));
    for (const l of printed) {
      const [, epoch, loss] = /^epoch\s+(\d+)\s+loss\s+(\S+)/.exec(l)!;
      expect(history.history!.loss[Number(epoch) - 1].toFixed(4)).toBe(loss);
    }
    const bytes = new Uint8Array(await readFile(join(out, 'model.lrlab')));
    expect(bytes.length).toBeGreaterThan(0);
    const model = await Model.load(bytes);
    expect(model.epochsTrained).toBe(5);
  });
});

describe('lrlab find-lr --steps 30', () => {
  it('prints the three suggestions and writes finder.html', async () => {
    const out = join(tmp, 'find-lr');
    const run = await lrlab(['find-lr', '--steps', '30', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    expectPlain(run);
    for (const label of [/^suggested \(valley\):\s+(\S+)$/m, /^steepest descent:\s+(\S+)$/m, /^minimum \/ 10:\s+(\S+)$/m]) {
      const m = label.exec(run.stdout);
      expect(m, `${label} in ${run.stdout}`).not.toBeNull();
      const lr = Number(m![1]);
      expect(lr).toBeGreaterThanOrEqual(1e-7);
      expect(lr).toBeLessThanOrEqual(10);
    }
    expect(await readFile(join(out, 'finder.html'), 'utf8')).toMatch(/<html/i);
    const result = JSON.parse(await readFile(join(out, 'finder.json'), 'utf8')) as { lrs: number[] };
    expect(result.lrs.length).toBeGreaterThan(1);
    expect(result.lrs.length).toBeLessThanOrEqual(30);
  });
});

describe('lrlab sweep --lr 0.1,0.01 --momentum 0,0.9 --epochs 5 --inline', () => {
  const ARGS = ['sweep', '--lr', '0.1,0.01', '--momentum', '0,0.9', '--epochs', '5', '--inline'];
  let out: string;
  let first: Run, second: Run, report: Run;
  let resultsAfterFirst: string, resultsAfterSecond: string;
  let rebuiltBySweep: boolean, rebuiltByReport: boolean;

  beforeAll(async () => {
    out = join(tmp, 'sweep');
    first = await lrlab([...ARGS, '--out', out]);
    resultsAfterFirst = await readFile(join(out, 'results.jsonl'), 'utf8').catch(() => '');
    // Remove the report so a rebuild is visible, then run the same command again.
    await rm(join(out, 'report.html'), { force: true });
    await rm(join(out, 'summary.json'), { force: true });
    second = await lrlab([...ARGS, '--out', out]);
    resultsAfterSecond = await readFile(join(out, 'results.jsonl'), 'utf8').catch(() => '');
    rebuiltBySweep = existsSync(join(out, 'report.html')) && existsSync(join(out, 'summary.json'));
    await rm(join(out, 'report.html'), { force: true });
    report = await lrlab(['report', out]);
    rebuiltByReport = existsSync(join(out, 'report.html'));
  }, 120_000);

  it('exits 0 and writes report.html, summary.json, epochs.csv and 4 results', async () => {
    expect(first.code, first.stderr).toBe(0);
    expect(await readFile(join(out, 'epochs.csv'), 'utf8')).toMatch(/\n/);
    const results = resultsAfterFirst.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as TrialResult);
    expect(results).toHaveLength(4);
    const params = results.map((r) => [r.params['optimizer.lr'], r.params['optimizer.momentum']]);
    expect(params).toEqual(expect.arrayContaining([[0.1, 0], [0.1, 0.9], [0.01, 0], [0.01, 0.9]]));
    for (const r of results) expect(r.history!.loss.length).toBeLessThanOrEqual(5);
    expect(results.filter((r) => r.status === 'completed').every((r) => r.history!.loss.length === 5)).toBe(true);
    expect(first.stdout).toMatch(/^best: /m);
    expect(first.stdout).toMatch(/^report: .*report\.html$/m);
  });

  it('writes plain progress lines to a pipe (no carriage returns)', () => {
    expectPlain(first);
    expectPlain(second);
    expectPlain(report);
    expect(first.stderr).toMatch(/^sweep \(inline, 1 at a time\): \d\/4 /m);
    expect(first.stderr).toMatch(/^sweep \(inline, 1 at a time\): 4\/4 /m);
    expect(first.stderr).toMatch(/^sweep \(inline, 1 at a time\): 4 trials in [\d.]+ s$/m);
  });

  it('rerunning the same command runs nothing new and rebuilds the report', async () => {
    expect(second.code, second.stderr).toBe(0);
    expect(await lines(join(out, 'results.jsonl'))).toHaveLength(4);
    expect(resultsAfterSecond).toBe(resultsAfterFirst);
    expect(second.stderr).not.toMatch(/\d+\/\d+ ETA/); // no trial reported as run
    expect(rebuiltBySweep).toBe(true);
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
    expect(summary).toBeTypeOf('object');
  });

  it('says so when a rerun had nothing new to run', () => {
    // The rerun's output must tell the user that every trial was already recorded,
    // not report "4 trials" exactly as a fresh run does.
    expect(second.stdout + second.stderr).toMatch(/nothing new|no new trial|0 new|already (been )?(recorded|done|run)|all \d+ trials were/i);
  });

  it('lrlab report DIR rebuilds report.html from the results', async () => {
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toMatch(/^4 trials$/m);
    expect(rebuiltByReport).toBe(true);
    expect((await stat(join(out, 'report.html'))).size).toBeGreaterThan(1000);
    expect(await lines(join(out, 'results.jsonl'))).toHaveLength(4);
  });
});
