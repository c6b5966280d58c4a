/**
 * The playground hands over the model it trained: "Download the model" gives
 * a model.lrlab that Node loads, byte for byte the file runExperiment's model
 * saves for the same spec (weights, optimizer state, preprocessing); "Download
 * for TF.js" gives model.json and weights.bin that tf.loadLayersModel reads and
 * that predict as lrlab does.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Browser, Download, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it, describe } from 'vitest';
import { Model, runExperiment, createRng } from '../bindings/index.js';
import { serveStatic, SITE_DIR, type StaticServer } from '../scripts/serve.js';
import type {} from '../site/main.js';
import { chromiumSkipReason, launchChromium } from './helpers/chromium.js';
import { fromFiles, relativeError } from './helpers/tfjs-files.js';

const suite = chromiumSkipReason ? describe.skip : describe;

suite('playground downloads in Chromium', () => {
  let server: StaticServer;
  let browser: Browser;
  let page: Page;
  let tmp: string;

  beforeAll(async () => {
    await tf.setBackend('cpu');
    tmp = await mkdtemp(join(tmpdir(), 'lrlab-downloads-'));
    server = await serveStatic({ root: SITE_DIR });
    browser = await launchChromium();
    page = await browser.newPage({ acceptDownloads: true });
    await page.goto(server.url, { waitUntil: 'load' });
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 15_000 });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  /** Clicks `button` and saves the `count` downloads it starts into tmp, by their suggested names. */
  async function download(button: string, count: number): Promise<string[]> {
    const seen: Promise<Download>[] = [];
    const done = new Promise<void>((resolve) => {
      page.on('download', function listener(d) {
        seen.push(Promise.resolve(d));
        if (seen.length === count) { page.off('download', listener); resolve(); }
      });
    });
    await page.click(button);
    await done;
    return Promise.all(seen.map(async (p) => {
      const d = await p;
      const path = join(tmp, d.suggestedFilename());
      await d.saveAs(path);
      return d.suggestedFilename();
    }));
  }

  it('offers nothing before training, then the .lrlab file Node would save and TF.js files that predict the same', async () => {
    expect(await page.locator('#download-lrlab').isDisabled()).toBe(true);
    await page.fill('#epochs', '8');
    await page.locator('#epochs').dispatchEvent('change');
    const before = await page.evaluate(() => Number(document.documentElement.dataset.trainRuns ?? 0));
    await page.click('#train');
    await page.waitForFunction((n) => Number(document.documentElement.dataset.trainRuns ?? 0) > n, before, { timeout: 40_000 });
    expect(await page.locator('#download-lrlab').isDisabled()).toBe(false);

    expect(await download('#download-lrlab', 1)).toEqual(['model.lrlab']);
    const spec = (await page.evaluate(() => window.lrlab.lastRun()))!.spec;
    const { model: node } = await runExperiment(spec);
    const bytes = await readFile(join(tmp, 'model.lrlab'));
    expect(bytes.equals(Buffer.from(node.save()))).toBe(true);
    const loaded = await Model.load(new Uint8Array(bytes));
    expect(loaded.preprocessing?.features).toEqual(['x1', 'x2']);

    expect((await download('#download-tfjs', 2)).sort()).toEqual(['model.json', 'weights.bin']);
    const tfModel = await tf.loadLayersModel(fromFiles(join(tmp, 'model.json')));
    const rng = createRng(3);
    const x = { data: Float32Array.from({ length: 200 }, () => rng.normal()), rows: 100, cols: 2 };
    const theirs = (tfModel.predict(tf.tensor2d(x.data, [100, 2])) as tf.Tensor).dataSync();
    expect(relativeError(theirs, node.predict(x, { prepared: true }).data)).toBeLessThan(1e-6);
  });
});
