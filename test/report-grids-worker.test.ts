// lrlab sweep on the pool draws its report's loss and accuracy grids on a worker (PoolExecutor.call of
// renderSweepGrids) while the main thread draws the rest: the HTML must be exactly what one thread
// draws, and the pool's call must pass on values and failures.
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { renderSweepGrids, renderSweepReport, type SweepGridFigures } from '../bindings/report/html.js';
import { PoolExecutor } from '../bindings/sweep/pool.js';
import { lrlab } from './helpers/cli.js';
import { makeSweepFixture } from './helpers/report-fixture.js';

// Workers run compiled JavaScript: the dist/ build of the report module (rebuilt by the global setup).
const COMPILED_HTML = new URL('../dist/report/html.js', import.meta.url);

let tmp: string;
const pool = new PoolExecutor({ concurrency: 2 });

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'lrlab-report-grids-'));
});

afterAll(async () => {
  await pool.close();
  await rm(tmp, { recursive: true, force: true });
});

it('a report with its grids drawn apart (and cloned, as to a worker) is the report drawn in one go, byte for byte', async () => {
  for (const input of [makeSweepFixture(), makeSweepFixture({ repeats: 2, stepsPerEpoch: 4, epochs: 400 })]) {
    const grids = renderSweepGrids(structuredClone(input));
    expect(grids.lossGrid).toContain('data-chart="loss-grid"');
    expect(await renderSweepReport(input, Promise.resolve(grids))).toBe(await renderSweepReport(input));
  }
});

it("a pool worker's call returns what the function returns there, and passes on what it throws", async () => {
  const input = makeSweepFixture();
  expect(await pool.hasWorker()).toBe(true);
  const grids = await pool.call<SweepGridFigures>(COMPILED_HTML, 'renderSweepGrids', [input]);
  expect(grids).toStrictEqual(renderSweepGrids(input));
  await expect(pool.call(COMPILED_HTML, 'noSuchFunction', [])).rejects.toThrow(/has no function noSuchFunction/);
  await expect(pool.call(COMPILED_HTML, 'renderSweepGrids', [null])).rejects.toThrow(/renderSweepGrids: TypeError/);
  const alone = new PoolExecutor({ concurrency: 1 });
  expect(await alone.hasWorker()).toBe(false);
  await expect(alone.call(COMPILED_HTML, 'renderSweepGrids', [input])).rejects.toThrow(/no worker/);
});

it('lrlab sweep on the pool writes the report that lrlab report rebuilds from the same results on one thread', async () => {
  const out = join(tmp, 'sweep');
  const run = await lrlab(['sweep', '--lr', '0.1,0.01', '--momentum', '0,0.9', '--epochs', '5', '--workers', '2', '--out', out]);
  expect(run.code, run.stderr).toBe(0);
  expect(run.stderr).toMatch(/sweep \(pool, 2 at a time\): 4 trials in/);
  const copy = join(tmp, 'rebuilt');
  await cp(out, copy, { recursive: true });
  const rebuild = await lrlab(['report', copy]);
  expect(rebuild.code, rebuild.stderr).toBe(0);
  const [pooled, rebuilt] = await Promise.all([readFile(join(out, 'report.html'), 'utf8'), readFile(join(copy, 'report.html'), 'utf8')]);
  expect(pooled).toContain('data-chart="loss-grid"');
  expect(pooled).toBe(rebuilt.replaceAll(copy, out));
});
