// The package as a user meets it: `npm pack`, the tarball installed into a fresh project with
// production dependencies only (no optional peers), and used there as users do: plain Node, a strict
// TypeScript project, two bundlers in Chromium, npx lrlab, and the package linters.
// One pack and one install serve every check (the project files are in test/package-consumer/).
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import semver from 'semver';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { InlineExecutor, Model, TUTORIAL_EXPERIMENT, blobs, relaxedSimdSupported, runExperiment, runSweep, splitAt, validateSweep } from '../bindings/index.js';
import { serveStatic } from '../scripts/serve.js';
import { chromiumSkipReason, launchChromium } from './helpers/chromium.js';
import { ROOT } from './helpers/cli.js';

interface Run { code: number; stdout: string; stderr: string }

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env: { ...process.env, ...env }, timeout: 240_000, maxBuffer: 1 << 26 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

const bin = (name: string) => join(ROOT, 'node_modules/.bin', name);
const OPTIONAL_PEERS = ['bullmq', 'ioredis'];
const DEV_ONLY = ['tsx', 'typescript', 'esbuild', 'vite', 'vitest', '@tensorflow/tfjs'];

let work: string;
let app: string;
let tarball: string;
/** The tutorial model's first 3 epochs run from the sources in this process: what every installed copy must reproduce. */
let expected: { status: string; loss: number[] };

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'lrlab-package-'));
  app = join(work, 'app');
  // dist/ and build/ are fresh (the global setup rebuilt them), so pack them as they are.
  const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT);
  expect(packed.code, packed.stderr).toBe(0);
  tarball = join(work, (JSON.parse(packed.stdout) as [{ filename: string }])[0].filename);
  await cp(join(ROOT, 'test/package-consumer'), app, { recursive: true });
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'lrlab-consumer', private: true, type: 'module' }, null, 2));
  const installed = await run('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--engine-strict', tarball], app);
  expect(installed.code, installed.stderr).toBe(0);
  const { history } = await runExperiment({ ...TUTORIAL_EXPERIMENT, epochs: 3 });
  expected = { status: history.status, loss: history.loss };
}, 300_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the packed package, installed with production dependencies only', () => {
  it('installs no optional peer and no development tool, and every package it installs accepts the Node versions lrlab declares', async () => {
    const lock = JSON.parse(await readFile(join(app, 'node_modules/.package-lock.json'), 'utf8')) as { packages: Record<string, object> };
    const names = Object.keys(lock.packages).map((path) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
    for (const name of [...OPTIONAL_PEERS, ...DEV_ONLY]) expect(names, name).not.toContain(name);
    const own = JSON.parse(await readFile(join(app, 'node_modules/lrlab/package.json'), 'utf8')) as { engines: { node: string } };
    const refused: string[] = [];
    for (const path of Object.keys(lock.packages)) {
      const manifest = JSON.parse(await readFile(join(app, path, 'package.json'), 'utf8')) as { name: string; engines?: { node?: string } };
      const range = manifest.engines?.node;
      if (range !== undefined && !semver.subset(own.engines.node, range)) refused.push(`${manifest.name} (node ${range})`);
    }
    expect(refused).toEqual([]);
  });

  it("ships dist/ as declarations and their maps only: the JavaScript that runs is build/'s bundles", async () => {
    const files = await readdir(join(app, 'node_modules/lrlab/dist'), { recursive: true, withFileTypes: true });
    const other = files.filter((f) => f.isFile() && !/\.d\.ts(\.map)?$/.test(f.name)).map((f) => f.name);
    expect(other).toEqual([]);
    expect(files.some((f) => f.name === 'index.d.ts')).toBe(true);
  });

  it('plain node runs an ESM script that trains the tutorial model, loading no queue package and no tsx', async () => {
    const log = join(work, 'loaded.txt');
    await writeFile(log, '');
    const trained = await run(process.execPath, ['--import', './spy-imports.mjs', 'train.mjs'], app, { LRLAB_LOADED_LOG: log });
    expect(trained.code, trained.stderr).toBe(0);
    expect(JSON.parse(trained.stdout)).toEqual(expected);
    const loaded = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
    // The root entry is one file: no other module of lrlab's, and no package, is loaded.
    expect(loaded.filter((url) => url.includes('/node_modules/')).map((url) => url.slice(url.lastIndexOf('/node_modules/')))).toEqual(['/node_modules/lrlab/build/node/lrlab.js']);
  });

  it("the root entry's pool workers, threads, relaxed wasm and lrlab/pool-worker all start from where it is installed", async () => {
    // Node 20 runs relaxed SIMD only with the flag (newer Node without it).
    const flags = relaxedSimdSupported() ? [] : ['--experimental-wasm-relaxed-simd'];
    const ran = await run(process.execPath, [...flags, 'workers.mjs'], app);
    expect(ran.code, ran.stderr).toBe(0);
    const got = JSON.parse(ran.stdout) as { sweep: unknown[]; threaded: number[]; relaxedExports: number; poolWorker: string };
    // The same sweep inline and the same threaded fit, from the sources in this process: what the workers must reproduce, bit for bit.
    const sweep = validateSweep({ base: { ...TUTORIAL_EXPERIMENT, epochs: 3 }, axes: { 'optimizer.lr': [0.1, 0.01, 0.001] } });
    const inline = await runSweep(sweep, { executor: new InlineExecutor() });
    expect(got.sweep).toEqual(inline.map((r) => ({ id: r.id, status: r.status, loss: r.history?.loss })));
    const { train, test } = splitAt(blobs({ samples: 200, centers: 3, features: 2, clusterStd: 2, seed: 2 }), 100);
    const model = await Model.create({
      model: { inputs: 2, layers: [{ units: 16, activation: 'relu' }, { units: 3, activation: 'softmax' }], loss: 'categorical_crossentropy' },
      optimizer: { name: 'adam', lr: 0.01 },
      seed: 4,
    });
    expect(got.threaded).toEqual((await model.fit(train, { epochs: 3, batchSize: 50, threads: 2, validationData: test })).loss);
    expect(got.relaxedExports).toBeGreaterThan(0);
    expect(got.poolWorker).toBe('online');
  });

  it("the README's Install example runs as written", async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const example = /## Install\n[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toContain("from 'lrlab'");
    await writeFile(join(app, 'readme-example.mjs'), example!);
    const ran = await run(process.execPath, ['readme-example.mjs'], app);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/^completed \{ loss: \d\.\d+, accuracy: 0\.\d+ \}$/m);
  });

  for (const resolution of ['node16', 'bundler']) {
    it(`a strict TypeScript project type-checks against it with moduleResolution ${resolution}, 0 errors`, async () => {
      const checked = await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', `tsconfig.${resolution}.json`], app);
      expect(checked.stdout + checked.stderr).toBe('');
      expect(checked.code).toBe(0);
    });
  }

  it.skipIf(chromiumSkipReason !== null)('vite and esbuild bundle a page importing lrlab/browser that trains in Chromium, as Node does', async () => {
    const viteOut = join(work, 'vite-dist');
    const vite = await run(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', viteOut, '--emptyOutDir', '--logLevel', 'warn'], app);
    expect(vite.code, vite.stderr).toBe(0);
    // esbuild copies no `new URL(…, import.meta.url)` asset: the page passes the wasm it was given (lrlab/wasm), and the embedded entry needs none.
    const esbuildOut = join(work, 'esbuild-dist');
    await mkdir(esbuildOut, { recursive: true });
    const esbuild = await run(bin('esbuild'), ['page.js', 'page-embedded.js', '--bundle', '--format=esm', '--platform=browser', `--outdir=${esbuildOut}`, '--log-level=warning'], app);
    expect(esbuild.code, esbuild.stderr).toBe(0);
    await copyFile(join(app, 'node_modules/lrlab/build/lrlab.wasm'), join(esbuildOut, 'lrlab.wasm'));
    await writeFile(join(esbuildOut, 'index.html'), (await readFile(join(app, 'index.html'), 'utf8')));
    await writeFile(join(esbuildOut, 'embedded.html'), (await readFile(join(app, 'index.html'), 'utf8')).replace('./page.js', './page-embedded.js'));

    const servers = [await serveStatic({ root: viteOut }), await serveStatic({ root: esbuildOut })];
    const browser = await launchChromium();
    try {
      const pages = [`${servers[0]!.url}index.html`, `${servers[1]!.url}index.html?wasm=lrlab.wasm`, `${servers[1]!.url}embedded.html`];
      for (const url of pages) {
        const page = await browser.newPage();
        const errors: string[] = [];
        page.on('pageerror', (error) => errors.push(String(error)));
        await page.goto(url);
        await page.waitForFunction(() => (window as { lrlabResult?: unknown }).lrlabResult !== undefined, undefined, { timeout: 60_000 });
        expect(await page.evaluate(() => (window as { lrlabResult?: unknown }).lrlabResult), url).toEqual(expected);
        expect(errors, url).toEqual([]);
        await page.close();
      }
    } finally {
      await browser.close();
      await Promise.all(servers.map((s) => s.close()));
    }
  });

  it('npx lrlab --help and npx lrlab sweep --epochs 5 --out DIR work', async () => {
    const help = await run('npx', ['--no-install', 'lrlab', '--help'], app);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^Usage: lrlab <command> \[options\]/);
    const out = join(work, 'sweep');
    const sweep = await run('npx', ['--no-install', 'lrlab', 'sweep', '--epochs', '5', '--out', out], app);
    expect(sweep.code, sweep.stderr).toBe(0);
    expect(sweep.stdout).toMatch(/^best: /m);
    expect((await readFile(join(out, 'results.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(32);
    expect(await readFile(join(out, 'report.html'), 'utf8')).toMatch(/<svg[\s>]/);
    expect(JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'))).toBeTypeOf('object');
  });

  it('without the optional queue packages, --queue and the worker command refuse in one line that says what to install', async () => {
    for (const args of [['sweep', '--queue', 'redis://127.0.0.1:1', '--out', join(work, 'queued')], ['worker', '--queue', 'redis://127.0.0.1:1']]) {
      const refused = await run('npx', ['--no-install', 'lrlab', ...args], app);
      expect(refused.code, args.join(' ')).toBe(2);
      expect(refused.stderr).toMatch(/^lrlab: .*needs the optional packages bullmq and ioredis.*: run npm install bullmq ioredis\. Received: .*\n$/);
      expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('publint and arethetypeswrong find no problem in the tarball', async () => {
    const bytes = await readFile(tarball);
    const packed = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const { messages, pkg } = await publint({ pack: { tarball: packed }, level: 'suggestion', strict: true });
    expect(messages.map((m) => formatMessage(m, pkg) ?? m.code)).toEqual([]);
    // The package is ESM only, so require() from CommonJS (node16-cjs) and TypeScript's pre-exports node10 resolution
    // are out of scope (esm-only profile); lrlab/wasm is a wasm file, not a module to type.
    const attw = await run(bin('attw'), [tarball, '--profile', 'esm-only', '--exclude-entrypoints', './wasm', '--format', 'ascii'], work);
    expect(attw.code, attw.stdout + attw.stderr).toBe(0);
    expect(attw.stdout).toMatch(/"lrlab\/browser\/embedded"\s+node16 \(from ESM\): 🟢 \(ESM\)\s+bundler: 🟢/u);
  });
});
