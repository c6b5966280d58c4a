// The --out folder of train and sweep: checked before any training (a folder,
// writable, not another kind of run's), a finished train run replaced only with
// --overwrite, one run per folder at a time (a lock a killed process does not
// leave stuck), Ctrl-C during train keeps the epochs done, and a sweep resumed
// on an edited CSV is refused.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Model } from '../bindings/index.js';
import { resultFromJson } from '../bindings/sweep/json.js';
import { LOCK_FILE } from '../bindings/files/run-lock.js';
import { EXIT } from '../bindings/cli/exit-codes.js';
import { lrlab, ROOT } from './helpers/cli.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'lrlab-out-dir-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const TRAIN = ['train', '--data', 'moons', '--hidden', '8', '--batch-size', '32', '--seed', '1'];
const SWEEP = ['sweep', '--inline', '--data', 'moons', '--hidden', '8', '--batch-size', '32', '--lr', '0.1,0.01', '--momentum', '0'];

/** Every file of a folder, name -> bytes. */
async function snapshot(dir: string): Promise<Map<string, Buffer>> {
  const names = (await readdir(dir)).sort();
  return new Map(await Promise.all(names.map(async (n) => [n, await readFile(join(dir, n))] as const)));
}

async function waitFor(path: string, child: { exitCode: number | null }): Promise<void> {
  while (!existsSync(path)) {
    if (child.exitCode !== null) throw new Error(`the run ended early (exit ${child.exitCode})`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('lrlab train --out', () => {
  it('refuses a finished run without --overwrite, leaving its files byte-identical; replaces it with --overwrite', async () => {
    const dir = join(tmp, 'finished');
    const first = await lrlab([...TRAIN, '--epochs', '2', '--out', dir]);
    expect(first.code, first.stderr).toBe(0);
    const before = await snapshot(dir);
    const again = await lrlab([...TRAIN, '--epochs', '3', '--lr', '0.5', '--out', dir]);
    expect(again.code).toBe(EXIT.REFUSED);
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
    expect(again.stderr).toMatch(/^lrlab: --out: .*already holds a finished training run.*--overwrite/);
    expect(await snapshot(dir)).toEqual(before);

    const replaced = await lrlab([...TRAIN, '--epochs', '3', '--lr', '0.5', '--out', dir, '--overwrite']);
    expect(replaced.code, replaced.stderr).toBe(0);
    const saved = resultFromJson(await readFile(join(dir, 'history.json'), 'utf8'));
    expect(saved.history!.loss).toHaveLength(3);
    expect(JSON.parse(await readFile(join(dir, 'experiment.json'), 'utf8')).optimizer.lr).toBe(0.5);
    expect((await readFile(join(dir, 'history.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(3);
    expect((await readFile(join(dir, 'model.lrlab'))).equals(before.get('model.lrlab')!)).toBe(false);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false); // released
  });

  it('refuses a sweep folder, and a sweep refuses a train folder, before training', async () => {
    const trainDir = join(tmp, 'a-train');
    const sweepDir = join(tmp, 'a-sweep');
    expect((await lrlab([...TRAIN, '--epochs', '1', '--out', trainDir])).code).toBe(0);
    expect((await lrlab([...SWEEP, '--epochs', '1', '--out', sweepDir])).code).toBe(0);
    const [trainBefore, sweepBefore] = await Promise.all([snapshot(trainDir), snapshot(sweepDir)]);

    const trainIntoSweep = await lrlab([...TRAIN, '--epochs', '1', '--out', sweepDir, '--overwrite']);
    expect(trainIntoSweep.code).toBe(EXIT.REFUSED);
    expect(trainIntoSweep.stderr).toMatch(/^lrlab: --out: .*must not hold another kind of run: it holds sweep\.json/);
    const sweepIntoTrain = await lrlab([...SWEEP, '--epochs', '1', '--out', trainDir]);
    expect(sweepIntoTrain.code).toBe(EXIT.REFUSED);
    expect(sweepIntoTrain.stderr).toMatch(/^lrlab: --out: .*must not hold another kind of run: it holds model\.lrlab/);
    for (const r of [trainIntoSweep, sweepIntoTrain]) expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(await snapshot(trainDir)).toEqual(trainBefore);
    expect(await snapshot(sweepDir)).toEqual(sweepBefore);
  });

  it('refuses an --out that is a file', async () => {
    const file = join(tmp, 'a-file');
    await writeFile(file, 'keep me\n');
    const r = await lrlab([...TRAIN, '--epochs', '1', '--out', file]);
    expect(r.code).toBe(EXIT.REFUSED);
    expect(r.stderr).toMatch(/^lrlab: --out: .*must be a folder, but it is a file/);
    expect(await readFile(file, 'utf8')).toBe('keep me\n');
  });
});

describe('lrlab tutorial --out', () => {
  it("never writes into a sweep's or a train run's folder, and neither writes into a tutorial's; a tutorial reruns in its own", async () => {
    const sweepDir = join(tmp, 'sweep-not-tutorial');
    const tutorialDir = join(tmp, 'a-tutorial');
    const TUTORIAL = ['tutorial', '--inline', '--epochs', '1'];
    expect((await lrlab([...SWEEP, '--epochs', '1', '--out', sweepDir])).code).toBe(0);
    const sweepBefore = await snapshot(sweepDir);
    const intoSweep = await lrlab([...TUTORIAL, '--out', sweepDir]);
    expect(intoSweep.code).toBe(EXIT.REFUSED);
    expect(intoSweep.stderr).toMatch(/^lrlab: --out: .*must not hold another kind of run: it holds sweep\.json/);
    expect(await snapshot(sweepDir)).toEqual(sweepBefore);

    const first = await lrlab([...TUTORIAL, '--out', tutorialDir]);
    expect(first.code, first.stderr).toBe(0);
    const tutorialBefore = await snapshot(tutorialDir);
    expect([...tutorialBefore.keys()]).toEqual(['report.html', 'results.jsonl', 'tutorial.json']);
    for (const args of [[...SWEEP, '--epochs', '1'], [...TRAIN, '--epochs', '1', '--overwrite']]) {
      const r = await lrlab([...args, '--out', tutorialDir]);
      expect(r.code).toBe(EXIT.REFUSED);
      expect(r.stderr).toMatch(/^lrlab: --out: .*it holds tutorial\.json, the files of "lrlab tutorial"/);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(await snapshot(tutorialDir)).toEqual(tutorialBefore);
    const again = await lrlab([...TUTORIAL, '--out', tutorialDir]);
    expect(again.code, again.stderr).toBe(0);
    expect(existsSync(join(tutorialDir, LOCK_FILE))).toBe(false);
  });
});

describe('one run per folder', () => {
  it('a second sweep on a locked folder exits BUSY with one lrlab: line, while the first goes on', async () => {
    const dir = join(tmp, 'busy');
    // The first sweep is far longer than the second's start-up on any machine, so it still holds the lock.
    const args = [...SWEEP, '--epochs', '100000', '--out', dir];
    const first = spawn(process.execPath, ['bin/lrlab.js', ...args], { cwd: ROOT, stdio: 'ignore' });
    const firstExit = new Promise<number | null>((resolve) => first.on('exit', (code) => resolve(code)));
    try {
      await waitFor(join(dir, LOCK_FILE), first);
      const second = await lrlab(args);
      expect(second.code).toBe(EXIT.BUSY);
      expect(second.stderr.trim().split('\n')).toHaveLength(1);
      expect(second.stderr).toMatch(new RegExp(`^lrlab: --out: .*is in use by lrlab sweep \\(pid ${first.pid} `));
      expect(first.exitCode).toBeNull(); // the refusal did not disturb the running sweep
    } finally {
      first.kill('SIGKILL');
    }
    await firstExit;
    // The refused sweep recorded nothing: whatever is in results.jsonl came from the first, each trial once.
    const text = existsSync(join(dir, 'results.jsonl')) ? await readFile(join(dir, 'results.jsonl'), 'utf8') : '';
    const ids = text.split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { id: string }).id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('two sweeps started at the same moment on one folder: exactly one runs, the other exits BUSY', async () => {
    const dir = join(tmp, 'busy-together');
    const args = [...SWEEP, '--epochs', '100000', '--out', dir];
    const start = () => {
      const child = spawn(process.execPath, ['bin/lrlab.js', ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk) => { stderr += chunk; });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      return { child, exited, stderr: () => stderr };
    };
    const runs = [start(), start()];
    try {
      // The sweeps are far longer than any start-up: the first exit is the refused one.
      const [first, code] = await Promise.race(runs.map((r) => r.exited.then((c) => [r, c] as const)));
      expect(code).toBe(EXIT.BUSY);
      expect(first.stderr().trim().split('\n')).toHaveLength(1);
      const other = runs.find((r) => r !== first)!;
      expect(first.stderr()).toMatch(new RegExp(`^lrlab: --out: .*is in use by lrlab sweep \\(pid ${other.child.pid} `));
      expect(other.child.exitCode).toBeNull();
    } finally {
      for (const r of runs) r.child.kill('SIGKILL');
    }
    await Promise.all(runs.map((r) => r.exited));
  });

  it('takes over a lock left by a dead process', async () => {
    const dir = join(tmp, 'stale');
    await mkdir(dir);
    // A pid that is surely dead: a finished child's.
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((resolve) => dead.on('exit', resolve));
    const { hostname } = await import('node:os');
    await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid: dead.pid, host: hostname(), command: 'sweep', since: '2026-01-01T00:00:00.000Z' }) + '\n');
    const r = await lrlab([...SWEEP, '--epochs', '1', '--out', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect((await readFile(join(dir, 'results.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(2);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });
});

describe('Ctrl-C during lrlab train', () => {
  it('keeps the model, history and report of the epochs done (status aborted, exit 130), and --resume continues it', async () => {
    const dir = join(tmp, 'sigint');
    const child = spawn(process.execPath, ['bin/lrlab.js', ...TRAIN, '--epochs', '10000000', '--out', dir], { cwd: ROOT, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      // Wait for a few finished epochs in the live log, then interrupt.
      for (;;) {
        await waitFor(join(dir, 'history.jsonl'), child);
        if ((await readFile(join(dir, 'history.jsonl'), 'utf8')).split('\n').length > 3) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      child.kill('SIGINT');
      expect(await exited).toBe(EXIT.INTERRUPTED);
    } finally {
      child.kill('SIGKILL');
    }
    const saved = resultFromJson(await readFile(join(dir, 'history.json'), 'utf8'));
    expect(saved.status).toBe('aborted');
    const epochs = saved.history!.loss.length;
    expect(epochs).toBeGreaterThanOrEqual(3);
    expect(saved.history!.events.at(-1)!.kind).toBe('aborted');
    const model = await Model.load(new Uint8Array(await readFile(join(dir, 'model.lrlab'))));
    expect(model.epochsTrained).toBe(epochs);
    expect(await readFile(join(dir, 'report.html'), 'utf8')).toMatch(/<html/i);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);

    const resumed = await lrlab(['train', '--resume', dir, '--epochs', String(epochs + 2)]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const after = resultFromJson(await readFile(join(dir, 'history.json'), 'utf8'));
    expect(after.status).toBe('completed');
    expect(after.history!.loss).toHaveLength(epochs + 2);
  });
});

describe('a sweep on a CSV', () => {
  it('records the CSV content hash and refuses to resume after the CSV was edited', async () => {
    const dir = join(tmp, 'csv-sweep');
    const csv = join(tmp, 'points.csv');
    const rows = Array.from({ length: 40 }, (_, i) => `${(i % 7) / 7},${(i % 5) / 5},${i % 2 ? 'a' : 'b'}`);
    await writeFile(csv, `x1,x2,label\n${rows.join('\n')}\n`);
    const args = ['sweep', '--inline', '--data', csv, '--hidden', '4', '--epochs', '1', '--lr', '0.1', '--momentum', '0', '--out', dir];
    const first = await lrlab(args);
    expect(first.code, first.stderr).toBe(0);
    const { createHash } = await import('node:crypto');
    const hashes = JSON.parse(await readFile(join(dir, 'data.sha256.json'), 'utf8'));
    expect(hashes[csv]).toBe(createHash('sha256').update(await readFile(csv)).digest('hex'));
    const before = await snapshot(dir);

    await writeFile(csv, `x1,x2,label\n${rows.slice(1).join('\n')}\n`);
    const again = await lrlab(args);
    expect(again.code).toBe(EXIT.REFUSED);
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
    expect(again.stderr).toMatch(/^lrlab: --out: .*its contents changed since this sweep started/);
    expect(await snapshot(dir)).toEqual(before);
  });
});
