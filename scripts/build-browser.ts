/**
 * The browser build, with esbuild (ES modules, platform browser, minified):
 *
 *   build/browser/lrlab.js            the library (bindings/browser/index.ts); loads lrlab.wasm next to it by URL
 *   build/browser/lrlab.embedded.js   the same with the wasm inside the bundle
 *   build/browser/lrlab-worker.js     the Web Worker of WebWorkerExecutor (sweeps)
 *   build/browser/lrlab-thread-worker.js  the Web Worker of threaded fits (fit({ threads }) in a Web Worker of a cross-origin isolated page)
 *   build/browser/lrlab.wasm          a copy of build/lrlab.wasm
 *
 * and the same bundles in build/, next to build/lrlab.wasm: the package's copy (see buildPackageBundles).
 *
 * With --site it also builds the playground page into site/dist/: index.html,
 * style.css, main.js (the page, importing ./lrlab.js) and the library files above.
 *
 * Node built-ins never reach a browser bundle: the few lazy `import('node:…')`
 * of Node-only paths (loadCsv, loadMnist, reading a file: URL) resolve to a stub
 * that rejects with a clear message, and a static import of one fails the build.
 *
 * Usage: tsx scripts/build-browser.ts [--site]   (npm run build:browser, npm run build:site)
 */
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { copyFile, mkdir, readdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const LIB_OUT = join(ROOT, 'build/browser');
const PACKAGE_OUT = join(ROOT, 'build');
const SITE_SRC = join(ROOT, 'site');
const SITE_OUT = join(ROOT, 'site/dist');
const WASM = join(ROOT, 'build/lrlab.wasm');

const BROWSER_ENTRY = resolve(ROOT, 'bindings/browser/index.ts');

/** Replaces `node:*` modules with a stub that throws when (lazily) imported. */
const noNodeBuiltins: Plugin = {
  name: 'no-node-builtins',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path.slice('node:'.length), namespace: 'node-builtin' }));
    b.onLoad({ filter: /.*/, namespace: 'node-builtin' }, (args) => ({
      loader: 'js',
      contents: `throw new Error(${JSON.stringify(`lrlab: the Node built-in "${args.path}" is not available in a browser ` +
        '(loadCsv and loadMnist read files: use parseCsv or fromArrays on data you already have)')});`,
    }));
  },
};

/** Threaded fits: the Node host (worker_threads) becomes the browser's (Web Workers). */
const browserThreads: Plugin = {
  name: 'browser-threads',
  setup(b) {
    b.onResolve({ filter: /backend\/threads-node\.js$/ }, () => ({ path: resolve(ROOT, 'bindings/browser/threads.ts') }));
  },
};

/** The page imports the library as '../bindings/browser/index.js' (typed); in the bundle that is the separate ./lrlab.js. */
const libraryAsExternal: Plugin = {
  name: 'library-as-external',
  setup(b) {
    b.onResolve({ filter: /bindings\/browser\/index\.js$/ }, (args) => {
      const target = resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts'));
      return target === BROWSER_ENTRY ? { path: './lrlab.js', external: true } : undefined;
    });
    // Anything else of bindings/ would be a second copy of the library (with its own wasm cache): refuse it.
    b.onResolve({ filter: /bindings\// }, (args) => ({
      errors: [{ text: `site code must import the library only through bindings/browser/index.js, not ${args.path}` }],
    }));
  },
};

const COMMON: BuildOptions = {
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022', 'chrome100', 'firefox115', 'safari16'],
  minify: true,
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  loader: { '.wasm': 'binary' },
};

export async function buildLibrary(outdir = LIB_OUT): Promise<void> {
  await mkdir(outdir, { recursive: true });
  await Promise.all([
    ...bundles(outdir, COMMON),
    copyFile(WASM, join(outdir, 'lrlab.wasm')),
    copyFile(join(ROOT, 'build/lrlab.relaxed.wasm'), join(outdir, 'lrlab.relaxed.wasm')),
  ]);
}

/**
 * The package's copy of the bundles (package.json "exports": lrlab/browser, lrlab/browser/embedded,
 * lrlab/browser/worker): in build/, next to build/lrlab.wasm, so that the one wasm file the package
 * ships serves Node and browsers alike. Without source maps: an application's bundler bundles them
 * again, and the package's declaration maps already lead to the sources.
 */
export async function buildPackageBundles(): Promise<void> {
  await Promise.all(bundles(PACKAGE_OUT, { ...COMMON, sourcemap: false }));
}

function bundles(outdir: string, options: BuildOptions): Promise<unknown>[] {
  const common = { ...options, outdir, plugins: [browserThreads, noNodeBuiltins], absWorkingDir: ROOT };
  return [
    build({ ...common, entryPoints: { lrlab: 'bindings/browser/index.ts' } }),
    build({ ...common, entryPoints: { 'lrlab.embedded': 'bindings/browser/embedded.ts' } }),
    build({ ...common, entryPoints: { 'lrlab-worker': 'bindings/browser/worker.ts' } }),
    build({ ...common, entryPoints: { 'lrlab-thread-worker': 'bindings/browser/thread-worker.ts' } }),
  ];
}

export async function buildSite(outdir = SITE_OUT): Promise<void> {
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  await build({
    ...COMMON, entryPoints: { main: 'site/main.ts' }, outdir, plugins: [libraryAsExternal, noNodeBuiltins], absWorkingDir: ROOT,
  });
  const library = (await readdir(LIB_OUT)).filter((f) => f !== 'lrlab.embedded.js' && !f.startsWith('lrlab.embedded.'));
  await Promise.all([
    ...library.map((f) => copyFile(join(LIB_OUT, f), join(outdir, f))),
    copyFile(join(SITE_SRC, 'index.html'), join(outdir, 'index.html')),
    copyFile(join(SITE_SRC, 'style.css'), join(outdir, 'style.css')),
  ]);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  await Promise.all([buildLibrary(), buildPackageBundles()]);
  if (process.argv.includes('--site')) await buildSite();
  console.log(`browser build: build/browser/, build/lrlab*.js${process.argv.includes('--site') ? ' and site/dist/' : ''} in ${Math.round(performance.now() - started)} ms`);
}
