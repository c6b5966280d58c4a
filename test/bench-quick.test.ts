// The benchmark command in its quick mode, so that it cannot rot: it must run
// every suite to the end and report every peer with a finite check value.
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
  expect(tables.length).toBeGreaterThanOrEqual(3);
  for (const table of tables) {
    const rows = table.split('\n').filter((line) => /^\| (lrlab|tfjs) /.test(line));
    expect(rows.map((r) => r.split('|')[1].trim())).toEqual(expect.arrayContaining(['lrlab wasm', 'lrlab js', 'tfjs wasm']));
    for (const row of rows) {
      const cells = row.split('|').map((c) => c.trim());
      expect(Number(cells[2])).toBeGreaterThan(0); // median ms
      expect(Number.isFinite(Number(cells.at(-2)))).toBe(true); // the check value
    }
  }
}, 300_000);
