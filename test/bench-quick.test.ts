// The benchmark command in its quick mode, so that it cannot rot: it must run
// every suite to the end and report every peer with a finite check value, the
// products and trainings against the js backend and TF.js, each beside the peak.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

it('npm run bench -- --quick runs every suite and peer', async () => {
  const out = join(await mkdtemp(join(tmpdir(), 'lrlab-bench-')), 'bench.md');
  await promisify(execFile)('npx', ['tsx', 'bench/run.ts', '--quick', '--out', out], { timeout: 300_000 });
  const report = await readFile(out, 'utf8');
  const tables = report.split('### ').slice(1);
  const peersOf = (table: string) => table.split('\n').filter((line) => /^\| lrlab|^\| tfjs/.test(line));
  const againstPeers = tables.filter((t) => peersOf(t).some((row) => row.startsWith('| tfjs')));
  expect(againstPeers.length).toBeGreaterThanOrEqual(5); // NN, NT, TN, blobs, 2 MLPs
  for (const table of againstPeers) {
    expect(peersOf(table).map((r) => r.split('|')[1].trim())).toEqual(expect.arrayContaining(['lrlab wasm', 'lrlab js', 'tfjs wasm', 'tfjs cpu']));
    expect(table).toMatch(/% of peak/);
    expect(Number(/peak, measured interleaved: ([\d.e+-]+) GFLOP\/s/.exec(table)?.[1])).toBeGreaterThan(0);
  }
  expect(tables.some((t) => /2 threads: [\d.]+× one thread/.test(t))).toBe(true);
  expect(report).toMatch(/serial part, split by parameter range\*\* \| \*\*\d+\.\d+\*\*/);
  expect(tables.some((t) => /pool: [\d.]+× faster than inline/.test(t))).toBe(true);
  expect(report).toMatch(/the kept pool: [\d.]+× faster than inline/);
  const tile = tables.find((t) => t.startsWith("the 4 × 8 tile's k loop"));
  expect(peersOf(tile ?? '')).toHaveLength(4);
  for (const table of tables) {
    const rows = peersOf(table);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const row of rows) {
      const cells = row.split('|').map((c) => c.trim());
      expect(Number(cells[2])).toBeGreaterThan(0); // median ms, or GFLOP/s for products
      expect(Number.isFinite(Number(cells.at(-2)))).toBe(true); // the check value
    }
  }
}, 300_000);
