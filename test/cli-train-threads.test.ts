// lrlab train --threads N: the one model on N threads; the same flags on one
// thread give the same curve up to float32 reduction error; a bad count is a
// one-line refusal with exit code 2, before anything is written.
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { lrlab } from './helpers/cli.js';

it('trains on 2 threads and writes the run like one thread does', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lrlab-threads-'));
  const [two, one] = [await lrlab(['train', '--threads', '2', '--epochs', '3', '--out', join(dir, 'two')]),
    await lrlab(['train', '--epochs', '3', '--out', join(dir, 'one')])];
  expect(two.stderr).toBe('');
  expect(two.code).toBe(0);
  expect(one.code).toBe(0);
  expect(two.stdout).toMatch(/status completed/);
  const history = async (name: string) => JSON.parse(await readFile(join(dir, name, 'history.json'), 'utf8')).history.loss as number[];
  const [a, b] = [await history('two'), await history('one')];
  expect(a).toHaveLength(3);
  a.forEach((loss, e) => expect(loss).toBeCloseTo(b[e], 5));
}, 120_000);

it('refuses --threads 0 with exit code 2 and one line', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lrlab-threads-'));
  const run = await lrlab(['train', '--threads', '0', '--out', join(dir, 'out')]);
  expect(run.code).toBe(2);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(/^lrlab: .*--threads/);
  expect(await readdir(dir)).toEqual([]);
}, 60_000);
