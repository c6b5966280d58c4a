/**
 * The reports as a person sees them: written to a temp folder, opened from
 * file:// in headless Chromium with every network request refused, checked
 * for console errors, drawn charts (marks inside each figure's SVG, non-zero
 * size) and the diagnosis table, and screenshotted to test-results/.
 *
 * Skipped (with a message) only when /usr/bin/chromium is missing outside CI;
 * under CI a missing Chromium fails (see helpers/chromium.ts).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderFinderReport, renderRunReport } from '../bindings/report/index.js';
import { writeSweepReport } from '../bindings/report/write.js';
import { chromiumSkipReason, launchChromium } from './helpers/chromium.js';
import { makeFinderFixture, makeRunFixture, makeSweepFixture } from './helpers/report-fixture.js';

const RESULTS = resolve('test-results');
const suite = chromiumSkipReason ? describe.skip : describe;

suite(chromiumSkipReason ? `report in a browser (skipped: ${chromiumSkipReason})` : 'report in a browser', () => {
  let browser: Browser;
  let dir: string;

  let launchError: unknown = null;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lrlab-report-browser-'));
    await mkdir(RESULTS, { recursive: true });
    // A failed launch fails each test (counted as failures, not as skipped tests of a broken file).
    try {
      browser = await launchChromium();
    } catch (err) {
      launchError = err;
    }
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Opens a local file with the network cut off; returns the page and what went wrong on it. */
  async function open(file: string): Promise<{ page: Page; errors: string[]; requests: string[] }> {
    if (launchError) throw launchError;
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
    page.on('pageerror', (err) => errors.push(String(err)));
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      requests.push(url);
      return route.abort();
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    return { page, errors, requests };
  }

  /** Each figure[data-chart=id] holds an SVG with drawn marks and a non-empty box. */
  async function expectCharts(page: Page, ids: string[]): Promise<void> {
    for (const id of ids) {
      const fig = page.locator(`figure[data-chart="${id}"]`);
      await expect(fig.count(), `figure ${id}`).resolves.toBe(1);
      await expect(fig.locator('figcaption').innerText()).resolves.not.toBe('');
      const svg = fig.locator('svg').first();
      const stats = await svg.evaluate((el) => {
        const box = el.getBoundingClientRect();
        const marks = el.querySelectorAll('g[class^="mark-"] path, g[class^="mark-"] line, g[class^="mark-"] rect, g[class^="mark-"] circle');
        const drawn = Array.from(el.querySelectorAll('g[class^="mark-line"] path, g[class^="mark-symbol"] path'))
          .filter((p) => (p.getAttribute('d') ?? '').length > 3).length;
        const texts = Array.from(el.querySelectorAll('text')).filter((t) => (t.textContent ?? '').trim() !== '').length;
        const lines = el.querySelector('g[class^="mark-line"] path');
        const lineBox = lines ? (lines as SVGGraphicsElement).getBBox() : null;
        return { width: box.width, height: box.height, marks: marks.length, drawn, texts, lineWidth: lineBox?.width ?? 0 };
      });
      expect(stats.width, `${id} width`).toBeGreaterThan(100);
      expect(stats.height, `${id} height`).toBeGreaterThan(100);
      expect(stats.marks, `${id} marks`).toBeGreaterThan(0);
      expect(stats.drawn, `${id} drawn lines/points`).toBeGreaterThan(0);
      expect(stats.texts, `${id} text`).toBeGreaterThan(3);
      expect(stats.lineWidth, `${id} line extent`).toBeGreaterThan(10);
    }
  }

  it('renders a sweep report: charts, diagnosis table, failures, no errors, offline', async () => {
    const input = makeSweepFixture({ epochs: 200, stepsPerEpoch: 20 });
    const paths = await writeSweepReport(join(dir, 'sweep'), input);
    const { page, errors, requests } = await open(paths.html);
    try {
      await expect(page.title()).resolves.toBe(input.title);
      await expectCharts(page, ['u-curve', 'loss-grid', 'accuracy-grid', 'lr-schedules']);

      const rows = page.locator('table[data-table="diagnosis"] tbody tr');
      await expect(rows.count()).resolves.toBe(input.results.length);
      await expect(page.locator('tr.best').count()).resolves.toBe(1);
      await expect(page.locator(`tr[data-trial="${input.analysis.bestTrialId}"]`).getAttribute('class')).resolves.toContain('best');
      await expect(page.locator('table[data-table="diagnosis"] .badge.diverged').count()).resolves.toBeGreaterThan(0);

      const failed = input.results.filter((r) => r.status === 'failed');
      await expect(page.locator('section[data-section="failures"] li').count()).resolves.toBe(failed.length);
      await expect(page.locator('section[data-section="failures"]').innerText()).resolves.toContain('missing.csv');

      const lead = await page.locator('[data-section="recommendation"]').innerText();
      expect(lead).toMatch(/Use lr between 3e-3 and 0\.1/);
      await expect(page.locator('[data-section="best"]').innerText()).resolves.toContain('momentum');

      // The small multiples are a grid: 8 lr columns × 2 momentum rows, with the labels of the special cells.
      const grid = await page.locator('figure[data-chart="loss-grid"] svg').evaluate((el) => ({
        cells: el.querySelectorAll('g.cell').length,
        text: el.textContent ?? '',
      }));
      expect(grid.cells).toBeGreaterThanOrEqual(16);
      for (const word of ['diverged', 'failed', 'best', 'momentum', '1e-4', '0.3']) expect(grid.text).toContain(word);
      await expect(page.locator('figure[data-chart="u-curve"] svg').textContent()).resolves.toContain('recommended');

      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      await page.screenshot({ path: join(RESULTS, 'report.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });

  it('renders a run report', async () => {
    const file = join(dir, 'run.html');
    await writeFile(file, await renderRunReport(makeRunFixture()));
    const { page, errors, requests } = await open(file);
    try {
      await expectCharts(page, ['run-loss', 'run-accuracy', 'run-lr']);
      await expect(page.locator('table[data-table="events"] tbody tr').count()).resolves.toBe(2);
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      await page.screenshot({ path: join(RESULTS, 'run-report.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });

  it('renders a finder report', async () => {
    const file = join(dir, 'finder.html');
    const result = makeFinderFixture();
    await writeFile(file, await renderFinderReport({ title: 'LR range test', subtitle: 'blobs, SGD', result }));
    const { page, errors, requests } = await open(file);
    try {
      await expectCharts(page, ['lr-finder']);
      const text = await page.locator('figure[data-chart="lr-finder"] svg').textContent();
      expect(text).toContain('valley (suggested)');
      expect(text).toContain('steepest');
      await expect(page.locator('table[data-table="suggestions"] tbody tr').count()).resolves.toBe(3);
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      await page.screenshot({ path: join(RESULTS, 'finder-report.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });
});
