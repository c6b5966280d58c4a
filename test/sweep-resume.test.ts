// A sweep killed with SIGKILL in the middle and started again with the same
// output directory finishes with every trial recorded exactly once, and the
// same numbers as an uninterrupted sweep.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile, appendFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ResultStore } from '../bindings/sweep/store.js';
import { resultFromJson } from '../bindings/sweep/json.js';

const SWEEP = ['sweep', '--lr', '1:1e-7:8', '--momentum', '0,0.9', '--epochs', '150', '--workers', '2'];

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '');
}

function run(out: string, killWhenLines?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn('node', ['bin/lrlab.js', ...SWEEP, '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.resume();
    child.stderr.resume();
    let timer: NodeJS.Timeout | undefined;
    if (killWhenLines !== undefined) {
      // Poll the results file; kill -9 as soon as some but not all trials are recorded.
      timer = setInterval(async () => {
        const file = join(out, 'results.jsonl');
        if (!existsSync(file)) return;
        if (lines(await readFile(file, 'utf8')).length >= killWhenLines) {
          clearInterval(timer);
          child.kill('SIGKILL');
        }
      }, 5);
    }
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearInterval(timer);
      resolve({ code, signal });
    });
  });
}

it('kill -9 mid-sweep, then the same command: every trial exactly once, same numbers as an uninterrupted sweep', async () => {
  const killed = await mkdtemp(join(tmpdir(), 'lrlab-killed-'));
  const first = await run(killed, 3);
  expect(first.signal).toBe('SIGKILL');
  const before = lines(await readFile(join(killed, 'results.jsonl'), 'utf8')).length;
  expect(before).toBeGreaterThanOrEqual(3);
  expect(before).toBeLessThan(16);

  const second = await run(killed);
  expect(second.code).toBe(0);
  const ids = lines(await readFile(join(killed, 'results.jsonl'), 'utf8')).map((l) => resultFromJson(l).id);
  expect(ids).toHaveLength(16);
  expect(new Set(ids).size).toBe(16);

  const clean = await mkdtemp(join(tmpdir(), 'lrlab-clean-'));
  expect((await run(clean)).code).toBe(0);
  const byId = async (dir: string) => new Map((await ResultStore.read(dir)).results.map((r) => [r.id, r]));
  const [resumed, straight] = [await byId(killed), await byId(clean)];
  for (const [id, r] of straight) {
    expect(resumed.get(id)!.history!.loss).toStrictEqual(r.history!.loss);
    expect(resumed.get(id)!.test).toStrictEqual(r.test);
  }
  expect(existsSync(join(killed, 'report.html'))).toBe(true);
}, 120_000);

it('a results line cut short by a kill is dropped and the file trimmed, so the next append starts clean', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lrlab-cut-'));
  const spec = { base: {}, axes: { 'optimizer.lr': [0.1] } };
  const store = await ResultStore.open(dir, spec);
  await store.append({ id: 'a', index: 0, params: {}, repeat: 0, status: 'completed', timeMs: 1 });
  await appendFile(join(dir, 'results.jsonl'), '{"id":"b","index":1,"par');
  const reopened = await ResultStore.open(dir, spec);
  expect(reopened.results.map((r) => r.id)).toEqual(['a']);
  await reopened.append({ id: 'b', index: 1, params: {}, repeat: 0, status: 'completed', timeMs: 1 });
  expect(lines(await readFile(join(dir, 'results.jsonl'), 'utf8')).map((l) => JSON.parse(l).id)).toEqual(['a', 'b']);
});

it('a directory holding another sweep is refused before anything runs', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lrlab-other-'));
  await writeFile(join(dir, 'sweep.json'), JSON.stringify({ base: {}, axes: { 'optimizer.lr': [1] } }));
  await expect(ResultStore.open(dir, { base: {}, axes: { 'optimizer.lr': [2] } })).rejects.toMatchObject({ code: 'INVALID_OPTION', field: 'out' });
});
