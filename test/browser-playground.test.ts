/**
 * lrlab in a browser: the browser build has no Node built-ins and the Node
 * entry's browser-safe API; the playground page (site/dist/, built by the
 * global setup) served on 127.0.0.1 and driven in headless Chromium loads with
 * no console errors, trains live (the loss on the page goes down), gives the
 * same weights as Node bit for bit, sweeps in Web Workers and draws the
 * plots, runs the LR range test, and works from the keyboard. A screenshot goes
 * to test-results/playground.png, the measured speed to
 * test-results/browser-speed.json.
 *
 * The Chromium part is skipped (with a message) only when /usr/bin/chromium is
 * missing outside CI; under CI a missing Chromium fails (see helpers/chromium.ts).
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as nodeApi from '../bindings/index.js';
import * as browserApi from '../bindings/browser/index.js';
import * as reportApi from '../bindings/report/index.js';
import { recommendLr } from '../bindings/advice/recommend.js';
import { runExperiment, TUTORIAL_EXPERIMENT, type ExperimentSpec } from '../bindings/index.js';
import { serveStatic, SITE_DIR, type StaticServer } from '../scripts/serve.js';
import type {} from '../site/main.js'; // window.lrlab, the page's test hook
import { chromiumSkipReason, launchChromium } from './helpers/chromium.js';

const RESULTS = resolve('test-results');
const LIB_DIR = resolve('build/browser');

/** The Node entry's exports that are Node-only (worker threads, the file system), besides the HTML reports (kept out of the browser bundles). */
const NODE_ONLY = ['PoolExecutor', 'ResultStore', 'writeSweepReport'];

/** import() written so that vitest leaves it alone in functions that run in the page (it rewrites `import(` in this file). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ImportModule = (url: string) => Promise<any>;

describe('browser build', () => {
  it('bundles no Node built-in', async () => {
    for (const dir of [LIB_DIR, SITE_DIR]) {
      const files = (await readdir(dir)).filter((f) => f.endsWith('.js'));
      expect(files.length, dir).toBeGreaterThan(0);
      for (const file of files) {
        const text = await readFile(join(dir, file), 'utf8');
        expect(text, `${file} imports a Node built-in`).not.toMatch(/["'`]node:/);
        expect(text, `${file} calls require`).not.toMatch(/\brequire\(/);
        expect(text, `${file} bundles the Node pool`).not.toMatch(/worker_threads|availableParallelism/);
      }
    }
    for (const file of ['lrlab.js', 'lrlab-worker.js', 'lrlab.wasm', 'main.js', 'index.html', 'style.css']) {
      await expect(readFile(join(SITE_DIR, file)).then((b) => b.length), file).resolves.toBeGreaterThan(0);
    }
  });

  it('exports the API of the Node entry, less its Node-only parts and the HTML reports', () => {
    const excluded = new Set([...NODE_ONLY, ...Object.keys(reportApi)]);
    const missing = Object.keys(nodeApi).filter((name) => !excluded.has(name) && !(name in browserApi));
    expect(missing, 'exported by bindings/index.ts but not by bindings/browser/index.ts (add them there, or to NODE_ONLY here if they need Node)').toEqual([]);
    for (const name of NODE_ONLY) expect(name in browserApi, name).toBe(false);
    expect(typeof browserApi.WebWorkerExecutor).toBe('function');
  });
});

const suite = chromiumSkipReason ? describe.skip : describe;

suite(chromiumSkipReason ? `playground in Chromium (skipped: ${chromiumSkipReason})` : 'playground in Chromium', () => {
  let server: StaticServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const outside: string[] = [];
  let launchError: unknown = null;

  beforeAll(async () => {
    await mkdir(RESULTS, { recursive: true });
    server = await serveStatic({ root: SITE_DIR });
    try {
      browser = await launchChromium();
    } catch (err) {
      launchError = err;
      return;
    }
    page = await browser.newPage({ viewport: { width: 1360, height: 1000 } });
    page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
    page.on('pageerror', (err) => errors.push(String(err)));
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(server.url) || url.startsWith('data:')) return route.continue();
      outside.push(url);
      return route.abort();
    });
    await page.goto(server.url, { waitUntil: 'load' });
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 15_000 });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Clicks `button` and waits for that kind of run to finish. */
  async function runAndWait(kind: 'train' | 'sweep' | 'find' | 'recommend', press: () => Promise<void>): Promise<void> {
    const key = `${kind}Runs`;
    const before = await page.evaluate((k) => Number(document.documentElement.dataset[k] ?? 0), key);
    await press();
    await page.waitForFunction(([k, n]) => Number(document.documentElement.dataset[k as string] ?? 0) > (n as number), [key, before] as const, { timeout: 40_000 });
  }

  async function setValue(selector: string, value: string): Promise<void> {
    const tag = await page.locator(selector).evaluate((e) => e.tagName);
    if (tag === 'SELECT') await page.selectOption(selector, value);
    else await page.fill(selector, value);
    await page.locator(selector).dispatchEvent('change');
  }

  const nodeBits = async (spec: ExperimentSpec) => {
    const w = (await runExperiment(spec)).model.getWeights();
    return Array.from(new Uint32Array(w.buffer, w.byteOffset, w.length));
  };

  it('loads with no console errors, labels on every control, nothing fetched from elsewhere', async () => {
    if (launchError) throw launchError;
    expect(await page.title()).toMatch(/learning-rate playground/i);
    const unlabelled = await page.evaluate(() => Array.from(document.querySelectorAll('input, select, button, canvas'))
      .filter((e) => {
        if (e instanceof HTMLButtonElement) return (e.textContent ?? '').trim() === '';
        if (e instanceof HTMLCanvasElement) return !e.getAttribute('aria-label');
        const labels = (e as HTMLInputElement).labels;
        return !(labels && labels.length > 0) && !e.getAttribute('aria-label');
      })
      .map((e) => e.id || e.outerHTML.slice(0, 60)));
    expect(unlabelled).toEqual([]);
    expect(await page.locator('#lr-slider').getAttribute('aria-valuetext')).toBe('0.05');
    expect(errors).toEqual([]);
    expect(outside).toEqual([]);
  });

  it('trains live: the loss shown on the page goes down, the plots and the boundary are drawn, and Node gives the same weights', async () => {
    if (launchError) throw launchError;
    await setValue('#epochs', '8');
    await runAndWait('train', () => page.click('#train'));
    const first = Number(await page.textContent('#stat-loss-start'));
    const last = Number(await page.textContent('#stat-loss'));
    expect(first).toBeGreaterThan(0);
    expect(last).toBeLessThan(first * 0.8);
    expect(await page.textContent('#stat-epoch')).toBe('8 / 8');
    expect(await page.textContent('#train-status')).toMatch(/^Done: 8 epochs/);
    // The loss curve has a point per epoch; the boundary canvas holds more than one colour.
    const d = await page.locator('#loss-chart path[data-series="train"]').getAttribute('d');
    expect(d?.match(/[ML]/g)?.length).toBe(8);
    const colours = await page.locator('#boundary').evaluate((c: HTMLCanvasElement) => {
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const seen = new Set<number>();
      for (let i = 0; i < data.length; i += 4 * 97) seen.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
      return seen.size;
    });
    expect(colours).toBeGreaterThan(20);

    // The page's live training (with the boundary predicted between epochs) is exactly runExperiment's.
    const run = (await page.evaluate(() => window.lrlab.lastRun()))!;
    expect(run.epochs).toBe(8);
    expect(run.bits).toEqual(await nodeBits(run.spec));
  });

  it('gives the same weights as Node for the same spec and seed, bit for bit, and trains about as fast', async () => {
    if (launchError) throw launchError;
    const spec: ExperimentSpec = { ...TUTORIAL_EXPERIMENT, backend: 'wasm' };
    const inBrowser = await page.evaluate((s) => window.lrlab.trainBits(s), spec);
    expect(inBrowser.status).toBe('completed');
    expect(inBrowser.bits).toEqual(await nodeBits(spec));

    // Speed, same spec both sides (median of 5 after a warm-up): the tutorial, and a larger network.
    const bigger: ExperimentSpec = {
      data: { name: 'spiral', samples: 1200, classes: 3, noise: 0.2, seed: 3 }, split: { testFraction: 0.25, seed: 0 }, standardize: true,
      model: { inputs: 2, layers: [{ units: 128, activation: 'relu', init: 'he_uniform' }, { units: 128, activation: 'relu', init: 'he_uniform' }, { units: 3, activation: 'softmax' }], loss: 'categorical_crossentropy' },
      optimizer: { name: 'adam', lr: 0.003 }, epochs: 20, batchSize: 32, seed: 1,
    };
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const speed: Record<string, { nodeMs: number; browserMs: number; browserOverNode: number; bitIdentical: boolean }> = {};
    for (const [name, s] of [['tutorial (blobs, 50 relu, SGD, 200 epochs)', spec], ['spiral, 2×128 relu, Adam, 20 epochs', bigger]] as const) {
      const nodeMs: number[] = [], browserMs: number[] = [];
      let same = true;
      const reference = await nodeBits(s);
      for (let i = 0; i < 6; i++) {
        const t = performance.now();
        await runExperiment(s);
        nodeMs.push(performance.now() - t);
        const b = await page.evaluate((x) => window.lrlab.trainBits(x), s);
        browserMs.push(b.ms);
        same &&= b.bits.length === reference.length && b.bits.every((v, k) => v === reference[k]);
      }
      const n = median(nodeMs.slice(1)), b = median(browserMs.slice(1));
      speed[name] = { nodeMs: Math.round(n * 10) / 10, browserMs: Math.round(b * 10) / 10, browserOverNode: Math.round((b / n) * 100) / 100, bitIdentical: same };
      expect(same, name).toBe(true);
    }
    await writeFile(join(RESULTS, 'browser-speed.json'), JSON.stringify(speed, null, 2) + '\n');
    console.log('[browser vs Node training time]', JSON.stringify(speed));
  });

  it('sweeps in Web Workers, one per core, and draws the U curve and the per-LR curves', async () => {
    if (launchError) throw launchError;
    await setValue('#epochs', '30');
    await setValue('#sweep-count', '8');
    await runAndWait('sweep', () => page.click('#sweep'));
    const sweep = (await page.evaluate(() => window.lrlab.lastSweep()))!;
    const cores = await page.evaluate(() => window.lrlab.hardwareConcurrency);
    expect(sweep.trials).toBe(8);
    expect(sweep.statuses.filter((s) => s === 'failed')).toEqual([]);
    expect(sweep.workers).toBe(Math.min(cores, 8));
    expect(page.workers().length).toBe(Math.min(cores, 8));
    const finalLoss = await page.locator('#u-chart path[data-series="final loss"]').getAttribute('d');
    expect(finalLoss?.match(/[ML]/g)?.length ?? 0).toBeGreaterThanOrEqual(3);
    await expect(page.locator('#curves-chart path.series').count()).resolves.toBe(8);
    expect(await page.textContent('#sweep-summary')).toMatch(/8 models in .* on \d+ Web Workers?/);
    await expect(page.locator('#use-best').isEnabled()).resolves.toBe(true);
  });

  it('runs the LR range test, marks the suggestion and applies it', async () => {
    if (launchError) throw launchError;
    await runAndWait('find', () => page.click('#find'));
    const found = (await page.evaluate(() => window.lrlab.lastFind()))!;
    expect(found.suggested).toBeGreaterThan(1e-6);
    expect(found.suggested).toBeLessThan(10);
    await expect(page.locator('#finder-chart .marker-label', { hasText: 'valley (suggested)' }).count()).resolves.toBe(1);
    await page.click('#use-suggested');
    const lr = Number(await page.inputValue('#lr'));
    expect(lr).toBeCloseTo(Number(found.suggested.toPrecision(3)), 12);
  });

  it('recommends an LR with its trials in Web Workers, the same advice as recommendLr in Node, and applies it', async () => {
    if (launchError) throw launchError;
    await setValue('#epochs', '12');
    await runAndWait('recommend', () => page.click('#recommend'));
    const advice = (await page.evaluate(() => window.lrlab.lastAdvice()))!;
    const spec = await page.evaluate(() => window.lrlab.currentSpec());
    delete spec.recordStepLr;
    expect(advice.cost.epochs).toBeLessThanOrEqual(8 * 12);
    const node = await recommendLr(spec);
    for (const key of ['lr', 'range', 'objective', 'cost', 'explanation'] as const) expect(advice[key], key).toEqual(node[key]);
    expect(advice.evidence.lrs).toEqual(node.evidence.lrs);
    // The range test's LR ramp and smoothing use JS Math.pow, whose last bit differs between
    // V8 builds (Node's and Chromium's): equal to 1e-12 relative, and the advice above is bit-identical.
    const near = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => Math.abs(x - b[i]!) <= 1e-12 * Math.abs(b[i]!));
    expect(near(advice.evidence.finder!.lrs, node.evidence.finder!.lrs)).toBe(true);
    expect(near(advice.evidence.finder!.smoothed, node.evidence.finder!.smoothed)).toBe(true);
    expect(advice.evidence.finder!.losses).toEqual(node.evidence.finder!.losses);
    expect(await page.textContent('#recommend-summary')).toMatch(/^lr = /);
    await page.click('#use-advice');
    expect(Number(await page.inputValue('#lr'))).toBeCloseTo(Number(advice.lr.toPrecision(3)), 12);
  }, 120_000);

  it('works from the keyboard: Enter in a field trains, Escape stops', async () => {
    if (launchError) throw launchError;
    // Long enough to still be running when Escape arrives.
    await setValue('#samples', '1600');
    await setValue('#hidden', '64,64');
    await setValue('#epochs', '2000');
    await page.uncheck('#animate');
    await page.focus('#epochs');
    const before = await page.evaluate(() => Number(document.documentElement.dataset.trainRuns ?? 0));
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /epoch \d+ of 2000/.test(document.getElementById('train-status')!.textContent ?? ''), null, { timeout: 10_000 });
    await page.keyboard.press('Escape');
    await page.waitForFunction((n) => Number(document.documentElement.dataset.trainRuns ?? 0) > n, before, { timeout: 10_000 });
    expect(await page.textContent('#train-status')).toMatch(/^Stopped after \d+ epochs/);
    await page.check('#animate');
    await setValue('#samples', '400');
    await setValue('#hidden', '16,16');
  });

  it('the library bundles work on their own: lrlab.js loads the wasm by URL and sweeps in workers; lrlab.embedded.js fetches nothing', async () => {
    if (launchError) throw launchError;
    const lib = await serveStatic({ root: LIB_DIR });
    const other = await browser.newPage();
    try {
      const problems: string[] = [];
      const wasmRequests: string[] = [];
      other.on('pageerror', (err) => problems.push(String(err)));
      other.on('console', (msg) => { if (msg.type() === 'error') problems.push(msg.text()); });
      await other.route('**/*', (route) => {
        const url = route.request().url();
        if (url.endsWith('/blank.html')) return route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>lrlab</title>' });
        if (url.endsWith('.wasm')) wasmRequests.push(url);
        return url.startsWith(lib.url) ? route.continue() : route.abort();
      });
      const spec: ExperimentSpec = { ...TUTORIAL_EXPERIMENT, epochs: 20 };
      const expected = await nodeBits(spec);

      await other.goto(`${lib.url}blank.html`);
      const embedded = await other.evaluate(async (s) => {
        const m = await (new Function('u', 'return import(u)') as ImportModule)(`${location.origin}/lrlab.embedded.js`);
        const w: Float32Array = (await m.runExperiment(s)).model.getWeights();
        return Array.from(new Uint32Array(w.buffer, w.byteOffset, w.length));
      }, spec);
      expect(embedded).toEqual(expected);
      expect(wasmRequests).toEqual([]);

      await other.goto(`${lib.url}blank.html`);
      const byUrl = await other.evaluate(async (s) => {
        const m = await (new Function('u', 'return import(u)') as ImportModule)(`${location.origin}/lrlab.js`);
        const w: Float32Array = (await m.runExperiment(s)).model.getWeights();
        const executor = new m.WebWorkerExecutor({ concurrency: 2 });
        const sweep = m.validateSweep({ base: { ...s, epochs: 5 }, axes: { 'optimizer.lr': [0.001, 0.01, 0.1] } });
        const results: { status: string }[] = await m.runSweep(sweep, { executor });
        await executor.close();
        return { bits: Array.from(new Uint32Array(w.buffer, w.byteOffset, w.length)), statuses: results.map((r) => r.status) };
      }, spec);
      expect(byUrl.bits).toEqual(expected);
      expect(byUrl.statuses).toEqual(['completed', 'completed', 'completed']);
      expect(wasmRequests).toEqual([`${lib.url}lrlab.wasm`]);
      expect(problems).toEqual([]);
    } finally {
      await other.close();
      await lib.close();
    }
  });

  it('leaves a screenshot of the page, with no console errors along the way', async () => {
    if (launchError) throw launchError;
    // A spiral with Adam and warmup + cosine: every panel of the page filled in, for test-results/ and docs/playground.png.
    await setValue('#dataset', 'spiral');
    await setValue('#hidden', '64,64');
    await setValue('#optimizer', 'adam');
    await setValue('#lr', '0.01');
    await setValue('#epochs', '150');
    await setValue('#schedule', 'warmup_cosine');
    await setValue('#sweep-from', '0.0001');
    await setValue('#sweep-to', '3');
    await setValue('#sweep-count', '10');
    await runAndWait('sweep', () => page.click('#sweep'));
    await runAndWait('find', () => page.click('#find'));
    await runAndWait('train', () => page.click('#train'));
    expect(await page.textContent('#train-status')).toMatch(/^Done: 150 epochs/);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(RESULTS, 'playground.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(outside).toEqual([]);
  });
});
