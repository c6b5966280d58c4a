/**
 * Curves of any length: a 200 000-epoch run, a sweep whose trials have
 * 150 000 epochs each and a 200 000-step LR range test all render (drawn
 * downsampled), while epochs.csv keeps every point. Before, Math.max(...values)
 * overflowed the stack above about 125 000 points. And no source file spreads an
 * array into Math.max/min or push, so the pattern cannot come back.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderFinderReport, renderRunReport } from '../bindings/report/index.js';
import { writeSweepReport } from '../bindings/report/write.js';
import { makeRunFixture, makeSweepFixture } from './helpers/report-fixture.js';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('reports of long curves', () => {
  it('renders a 200 000-epoch run', async () => {
    const input = makeRunFixture(200_000);
    expect(input.history.loss.length).toBe(200_000);
    const html = await renderRunReport(input);
    expect(html).toContain('<svg');
  });

  it('writes a sweep report of a 130 000-epoch trial with every epoch in epochs.csv', async () => {
    const input = makeSweepFixture({ epochs: 130_000, lrs: [1e-2], momenta: [0], failedIndex: -1 });
    const dir = await mkdtemp(join(tmpdir(), 'lrlab-long-'));
    dirs.push(dir);
    const files = await writeSweepReport(dir, input);
    expect(await readFile(files.html, 'utf8')).toContain('<svg');
    const csv = await readFile(files.csv, 'utf8');
    const rows = csv.split('\n').filter((l) => l !== '').length - 1;
    const epochs = input.results.reduce((n, r) => n + (r.history?.loss.length ?? 0), 0);
    expect(rows).toBe(epochs);
  });

  it('renders a 200 000-step LR range test', async () => {
    const n = 200_000;
    const lrs = Array.from({ length: n }, (_, i) => 1e-7 * 1e8 ** (i / (n - 1)));
    const losses = lrs.map((lr) => 1 + Math.log10(lr) ** 2 / 50);
    const suggestions = { steepest: 1e-4, minimum: 1e-2, valley: 1e-3 };
    const html = await renderFinderReport({ title: 'long', result: { lrs, losses, smoothed: losses, suggestions, suggested: 1e-3 } });
    expect(html).toContain('<svg');
  });
});

describe('no spread of unbounded arrays into arguments', () => {
  it('finds no Math.max(...xs), Math.min(...xs) or push(...xs) in the library, the site, the benchmarks or the scripts', async () => {
    const offenders: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path);
        else if (/\.ts$/.test(entry.name)) {
          const text = await readFile(path, 'utf8');
          text.split('\n').forEach((line, i) => {
            if (/^\s*(\*|\/\/)/.test(line)) return; // comments may name the pattern
            if (/Math\.(max|min)\((?:[^()]|\([^()]*\))*\.\.\.|\.push\(\s*\.\.\./.test(line)) offenders.push(`${path}:${i + 1}`);
          });
        }
      }
    };
    for (const dir of ['bindings', 'site', 'bench', 'scripts', 'bin']) await walk(join(import.meta.dirname, '..', dir)).catch((e) => { if (e.code !== 'ENOENT') throw e; });
    expect(offenders).toEqual([]);
  });
});
