/**
 * Threaded fits in a browser: the browser build (build/browser/, made by the
 * global setup) served on 127.0.0.1 with COOP/COEP headers, so the page is
 * cross-origin isolated; a module Web Worker of the page trains the test's
 * model on 1 and 2 threads (the second thread a Web Worker of that worker).
 * Two 2-thread runs give the same bits, which are the bits Node's 2-thread
 * fit gives, and agree with one thread up to float32 reduction error. On the
 * page's main thread, and on a page that is not isolated, the fit refuses
 * with an error that says why.
 *
 * Skipped (with a message) only when Chromium is missing outside CI (see helpers/chromium.ts).
 */
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Model, blobs, splitAt, type ModelSpec, type OptimizerSpec } from '../bindings/index.js';
import { TUTORIAL_EXPERIMENT } from '../bindings/experiment.js';
import { serveStatic, type StaticServer } from '../scripts/serve.js';
import { chromiumSkipReason, launchChromium } from './helpers/chromium.js';

const ISOLATION = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };

const { name: _, ...options } = TUTORIAL_EXPERIMENT.data as { name: 'blobs' };
const { train } = splitAt(blobs(options as never), 500);
const spec: ModelSpec = {
  inputs: 2,
  layers: [{ units: 24, activation: 'relu', init: 'he_uniform' }, { units: 16, activation: 'tanh' }, { units: 3, activation: 'softmax' }],
  loss: 'categorical_crossentropy',
};
const optimizer: OptimizerSpec = { name: 'adam', lr: 0.01, clipNorm: 0.5 };
const FIT = { epochs: 4, batchSize: 50 };

/** The page's worker: trains the model once per entry of `threads` and posts each run's weight bits (or its error). */
const FIT_WORKER = `import { Model } from './lrlab.js';
onmessage = async ({ data }) => {
  const { spec, optimizer, fit, x, y, threads } = data;
  const ds = { x: { data: new Float32Array(x), rows: x.length / spec.inputs, cols: spec.inputs }, y: { data: new Float32Array(y), rows: x.length / spec.inputs, cols: 3 } };
  const runs = [];
  for (const t of threads) {
    try {
      const model = await Model.create({ model: spec, optimizer, seed: 4 });
      const history = await model.fit(ds, { ...fit, threads: t });
      runs.push({ threads: t, status: history.status, bits: Array.from(new Uint32Array(model.getWeights().buffer)) });
    } catch (error) {
      runs.push({ threads: t, error: String(error) });
    }
  }
  postMessage({ isolated: self.crossOriginIsolated, runs });
};
`;

interface Run { threads: number; status?: string; bits?: number[]; error?: string }

async function nodeBits(threads: number): Promise<number[]> {
  const model = await Model.create({ model: spec, optimizer, seed: 4 });
  await model.fit(train, { ...FIT, threads });
  return Array.from(new Uint32Array(model.getWeights().buffer));
}

const suite = chromiumSkipReason ? describe.skip : describe;

suite(chromiumSkipReason ? `threaded fit in Chromium (skipped: ${chromiumSkipReason})` : 'threaded fit in Chromium', () => {
  let root: string;
  let isolated: StaticServer;
  let plain: StaticServer;
  let browser: Browser;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'lrlab-browser-threads-'));
    await cp(resolve('build/browser'), root, { recursive: true });
    await writeFile(join(root, 'index.html'), '<!doctype html><meta charset="utf-8"><title>lrlab threads</title>');
    await writeFile(join(root, 'fit-worker.js'), FIT_WORKER);
    isolated = await serveStatic({ root, headers: ISOLATION });
    plain = await serveStatic({ root });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await isolated?.close();
    await plain?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  /** Runs the fits in a Web Worker of a page from `server`; returns what the worker posted. */
  async function inWorker(page: Page, server: StaticServer, threads: number[]): Promise<{ isolated: boolean; runs: Run[] }> {
    await page.goto(`${server.url}index.html`);
    return page.evaluate((message) => new Promise((done, fail) => {
      const worker = new Worker('./fit-worker.js', { type: 'module' });
      worker.onmessage = (event) => { done(event.data); worker.terminate(); };
      worker.onerror = (event) => fail(new Error(event.message));
      worker.postMessage(message);
    }), { spec, optimizer, fit: FIT, x: Array.from(train.x.data), y: Array.from(train.y.data), threads });
  }

  it('trains on 2 threads in a Web Worker of an isolated page: the same bits twice, the bits of Node, and one thread\'s result within float32 reduction error', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    const result = await inWorker(page, isolated, [2, 2, 1]);
    expect(result.isolated).toBe(true);
    const [a, b, one] = result.runs;
    for (const run of result.runs) expect(run.error, `${run.threads} threads`).toBeUndefined();
    expect(a.status).toBe('completed');
    expect(a.bits).toEqual(b.bits);
    expect(a.bits).toEqual(await nodeBits(2));
    expect(one.bits).toEqual(await nodeBits(1));
    const f = (bits: number[]) => new Float32Array(new Uint32Array(bits).buffer);
    const [many, single] = [f(a.bits!), f(one.bits!)];
    let worst = 0;
    for (let i = 0; i < single.length; i++) worst = Math.max(worst, Math.abs(many[i] - single[i]));
    expect(worst).toBeLessThan(1e-4);
    expect(a.bits).not.toEqual(one.bits); // two threads really summed the slices
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('refuses on a page that is not cross-origin isolated, and on the page\'s main thread, saying why', async () => {
    const page = await browser.newPage();
    const { isolated: wasIsolated, runs } = await inWorker(page, plain, [2]);
    expect(wasIsolated).toBe(false);
    expect(runs[0].error).toMatch(/fit\.threads.*cross-origin isolated/);
    await page.goto(`${isolated.url}index.html`);
    const onMain = await page.evaluate(async (message) => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const m = await (new Function('u', 'return import(u)') as (u: string) => Promise<any>)(`${location.origin}/lrlab.js`);
      const rows = message.x.length / 2;
      const model = await m.Model.create({ model: message.spec, optimizer: message.optimizer, seed: 4 });
      try {
        await model.fit({ x: { data: new Float32Array(message.x), rows, cols: 2 }, y: { data: new Float32Array(message.y), rows, cols: 3 } }, { epochs: 1, threads: 2 });
        return 'trained';
      } catch (error) {
        return String(error);
      }
    }, { spec, optimizer, x: Array.from(train.x.data), y: Array.from(train.y.data) });
    expect(onMain).toMatch(/fit\.threads.*Web Worker/);
    await page.close();
  }, 60_000);
});
