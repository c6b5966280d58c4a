/**
 * The browser build's numbers: the gzipped size of each file, and the time
 * runExperiment takes for the same spec in Node (this process) and in headless
 * Chromium (the playground page's window.lrlab hook), median of interleaved
 * runs after a warm-up, with a check that both give the same weights.
 *
 * Usage: npm run bench:browser  (builds site/dist/ first; needs /usr/bin/chromium or CHROMIUM_PATH)
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runExperiment, TUTORIAL_EXPERIMENT, type ExperimentSpec } from '../bindings/index.js';
import { launchChromium } from '../test/helpers/chromium.js';
import type {} from '../site/main.js';
import { SITE_DIR, serveStatic } from './serve.js';

const LIB_DIR = new URL('../build/browser/', import.meta.url);
const REPEATS = Number(process.env.REPEATS ?? 11);

const SPECS: [string, ExperimentSpec][] = [
  ['tutorial: blobs 500 train rows, 2→50→3, SGD+momentum, 200 epochs', TUTORIAL_EXPERIMENT],
  ['spiral 900 train rows, 2→128→128→3, Adam, 20 epochs', {
    data: { name: 'spiral', samples: 1200, classes: 3, noise: 0.2, seed: 3 }, split: { testFraction: 0.25, seed: 0 }, standardize: true,
    model: {
      inputs: 2,
      layers: [{ units: 128, activation: 'relu', init: 'he_uniform' }, { units: 128, activation: 'relu', init: 'he_uniform' }, { units: 3, activation: 'softmax' }],
      loss: 'categorical_crossentropy',
    },
    optimizer: { name: 'adam', lr: 0.003 }, epochs: 20, batchSize: 32, seed: 1,
  }],
];

const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log('Sizes (raw, gzip -9):');
const libFiles = (await readdir(LIB_DIR)).filter((f) => !f.endsWith('.map')).map((f) => join(LIB_DIR.pathname, f));
const siteFiles = ['main.js', 'index.html', 'style.css'].map((f) => join(SITE_DIR, f));
for (const file of [...libFiles, ...siteFiles]) {
  const bytes = await readFile(file);
  console.log(`  ${file.replace(/^.*\/(build|site)\//, '$1/').padEnd(36)} ${kb(bytes.length).padStart(9)} ${kb(gzipSync(bytes, { level: 9 }).length).padStart(9)}`);
}

const server = await serveStatic({ root: SITE_DIR });
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
  const version = browser.version();
  console.log(`\nrunExperiment, median of ${REPEATS} interleaved runs after 2 warm-ups: Node ${process.version} vs Chromium ${version}`);
  for (const [name, spec] of SPECS) {
    const node: number[] = [], chromium: number[] = [];
    let same = true, reference: number[] = [];
    for (let i = 0; i < REPEATS + 2; i++) {
      const t = performance.now();
      const run = await runExperiment(spec);
      const ms = performance.now() - t;
      const w = run.model.getWeights();
      const bits = Array.from(new Uint32Array(w.buffer, w.byteOffset, w.length));
      if (i === 0) reference = bits;
      const b = await page.evaluate((s) => window.lrlab.trainBits(s), spec);
      same &&= b.bits.every((v, k) => v === reference[k]) && bits.every((v, k) => v === reference[k]);
      if (i >= 2) { node.push(ms); chromium.push(b.ms); }
    }
    const n = median(node), c = median(chromium);
    console.log(`  ${name}\n    Node ${n.toFixed(1)} ms, Chromium ${c.toFixed(1)} ms: the browser takes ${(c / n).toFixed(2)}× Node's time; weights bit-identical: ${same}`);
  }
} finally {
  await browser.close();
  await server.close();
}
