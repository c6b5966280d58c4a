// lrlab train --resume DIR continues a saved run to the same bits as one
// uninterrupted run, and DIR/history.jsonl gets one whole JSON line per epoch
// while the run is still going, read here from another process than the one training.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultFromJson } from '../bindings/sweep/json.js';
import { lrlab, ROOT } from './helpers/cli.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'lrlab-resume-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const RUN = ['--data', 'moons', '--hidden', '16', '--optimizer', 'adam', '--lr', '0.01', '--batch-size', '16', '--seed', '4'];

async function logLines(dir: string): Promise<Record<string, number | null>[]> {
  const text = await readFile(join(dir, 'history.jsonl'), 'utf8');
  expect(text.endsWith('\n') || text === '').toBe(true);
  return text.split('\n').filter(Boolean).map((line) => JSON.parse(line));
}

describe('lrlab train --resume DIR', () => {
  it('3 epochs, then --resume to 8, gives the bytes of an 8-epoch run: model file, history and log', async () => {
    const whole = join(tmp, 'whole'), parts = join(tmp, 'parts');
    const [a, b] = await Promise.all([
      lrlab(['train', ...RUN, '--epochs', '8', '--out', whole]),
      lrlab(['train', ...RUN, '--epochs', '3', '--out', parts]),
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(await logLines(parts)).toHaveLength(3);
    const c = await lrlab(['train', '--resume', parts, '--epochs', '8']);
    expect(c.code, c.stderr).toBe(0);
    const [wholeModel, partsModel] = await Promise.all([readFile(join(whole, 'model.lrlab')), readFile(join(parts, 'model.lrlab'))]);
    expect(partsModel.equals(wholeModel)).toBe(true); // weights, optimizer state, step, policy, preprocessing

    const [h1, h2] = await Promise.all([whole, parts].map(async (d) => resultFromJson(await readFile(join(d, 'history.json'), 'utf8'))));
    const { time: _t1, ...rest1 } = h1.history!;
    const { time: _t2, ...rest2 } = h2.history!;
    expect(rest2).toEqual(rest1);
    expect(h2.test).toEqual(h1.test);
    const [l1, l2] = await Promise.all([logLines(whole), logLines(parts)]);
    expect(l2.map(({ time: _, ...r }) => r)).toEqual(l1.map(({ time: _, ...r }) => r));
    expect(l2.map((l) => l.epoch)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('refuses flags that would change the run, and a total not above the epochs trained', async () => {
    const dir = join(tmp, 'parts');
    const changed = await lrlab(['train', '--resume', dir, '--lr', '0.1', '--epochs', '9']);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(/^lrlab: --lr: --resume continues the run as it was saved/);
    const short = await lrlab(['train', '--resume', dir, '--epochs', '8']);
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/^lrlab: --epochs: must be above the 8 epochs/);
    const none = await lrlab(['train', '--resume', join(tmp, 'nothing-here'), '--epochs', '8']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^lrlab: --resume: must name a readable JSON file/);
  });
});

describe('DIR/history.jsonl while the run is going', () => {
  it('has one valid line per finished epoch, read by another process mid-run', async () => {
    const dir = join(tmp, 'live');
    // A run far longer than this test: it is still going when the lines are read, then killed.
    const child = spawn(process.execPath, ['bin/lrlab.js', 'train', ...RUN, '--epochs', '10000000', '--out', dir], { cwd: ROOT, stdio: 'ignore' });
    try {
      let lines: Record<string, number | null>[] = [];
      while (lines.length < 5) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        if (child.exitCode !== null) throw new Error(`the run ended early (exit ${child.exitCode})`);
        if (existsSync(join(dir, 'history.jsonl'))) lines = await logLines(dir);
      }
      expect(child.exitCode).toBeNull(); // still running
      lines.forEach((line, i) => {
        expect(Object.keys(line).sort()).toEqual(['accuracy', 'epoch', 'loss', 'lr', 'time', 'valAccuracy', 'valLoss']);
        expect(line.epoch).toBe(i);
        for (const key of ['loss', 'accuracy', 'valLoss', 'valAccuracy', 'time'] as const) expect(Number.isFinite(line[key])).toBe(true);
        expect(line.lr).toBe(0.01);
      });
      expect(existsSync(join(dir, 'model.lrlab'))).toBe(false); // written at the end: the run is not over
      expect(JSON.parse(await readFile(join(dir, 'experiment.json'), 'utf8')).epochs).toBe(10000000);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
