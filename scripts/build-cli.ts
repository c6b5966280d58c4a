/**
 * The lrlab command's JavaScript, bundled by esbuild into build/cli/ (what bin/lrlab.js runs):
 *
 *   build/cli/prestart.js   what a command starts before its imports (bindings/cli/prestart.ts), and the
 *                           modules whose state the whole process shares (see SHARED)
 *   build/cli/run.js        the command line and its table of commands (bindings/cli/run.ts)
 *   build/cli/<command>.js  one file per command (bindings/cli/<command>.ts), imported when it runs
 *   build/cli/queue.js      the queue executor of `sweep --queue`, the one module that imports the optional peers
 *
 * Why files per command rather than dist/'s file per source module: Node resolves, reads, compiles and
 * links every ES module on its own, and the ~110 modules of `lrlab sweep` cost 50–80 ms of CPU more
 * than the same code in one file (node -e 0 takes about 100 ms). A command's file holds all it uses, the
 * report code that a sweep imports while its trials run included; what several files hold is copied
 * into each, except SHARED. Every import of another entry (a command, the queue) or of a SHARED
 * module stays an import of that file, so `lrlab --help` loads only run.js (and prestart.js), and
 * bullmq and ioredis are loaded only by queue.js and worker.js, when used.
 *
 * The files sit two directories below the package root, as dist/'s modules do, so that the sources'
 * `new URL('../../build/…', import.meta.url)` find the wasm and the worker bundles
 * (build/pool-worker.mjs, build/thread-worker.mjs, from `npm run build:worker`).
 *
 * Usage: tsx scripts/build-cli.ts   (npm run build:cli)
 */
import { build, type Plugin } from 'esbuild';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { NODE_BUNDLE, ROOT } from './node-bundle-options.js';
const OUT = join(ROOT, 'build/cli');

const COMMANDS = ['sweep', 'train', 'find-lr', 'report', 'recommend', 'tutorial', 'predict', 'export', 'import', 'worker'];

/** Output file name → its source. */
const ENTRIES: Record<string, string> = {
  run: 'bindings/cli/run.ts',
  ...Object.fromEntries(COMMANDS.map((name) => [name, `bindings/cli/${name}.ts`])),
  queue: 'bindings/sweep/queue.ts',
};

/**
 * Modules with state that must be one per process: the pool workers and the wasm compile that
 * prestart() starts are taken over by the command (a copy in the command's file would start its own).
 * prestart.js exports them all, and every other file imports them from there.
 */
const SHARED = ['bindings/sweep/pool-prestart.ts', 'bindings/backend/wasm-module.ts', 'bindings/backend/spawn-worker.ts'];
const PRESTART_ENTRY = [
  "export { prestart } from './bindings/cli/prestart.ts';",
  ...SHARED.map((path) => `export * from './${path}';`),
].join('\n');

const sourceToFile = new Map(Object.entries(ENTRIES).map(([name, path]) => [resolve(ROOT, path), `./${name}.js`]));
const shared = new Set(SHARED.map((path) => resolve(ROOT, path)));

/** In the file of `self`: imports of another entry or of a SHARED module stay imports of that file. */
function otherFilesExternal(self: string): Plugin {
  return {
    name: 'other-files-external',
    setup(b) {
      b.onResolve({ filter: /^\.\.?\// }, (args) => {
        const source = resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts'));
        if (self !== 'prestart' && shared.has(source)) return { path: './prestart.js', external: true };
        const file = sourceToFile.get(source);
        return file !== undefined && file !== `./${self}.js` ? { path: file, external: true } : undefined;
      });
    },
  };
}


// A file left from an earlier build (a command since removed) would be packed.
await rm(OUT, { recursive: true, force: true });
await Promise.all([
  build({ ...NODE_BUNDLE, stdin: { contents: PRESTART_ENTRY, resolveDir: ROOT, sourcefile: 'prestart-entry.ts', loader: 'ts' }, outfile: join(OUT, 'prestart.js'), plugins: [otherFilesExternal('prestart')] }),
  ...Object.entries(ENTRIES).map(([name, path]) =>
    build({ ...NODE_BUNDLE, entryPoints: [path], outfile: join(OUT, `${name}.js`), plugins: [otherFilesExternal(name)] })),
]);
