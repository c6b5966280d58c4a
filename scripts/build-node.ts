/**
 * The package's Node root entry (`import … from 'lrlab'`) as one esbuild bundle: build/node/lrlab.js,
 * from bindings/index.ts. tsc's dist/ keeps the declarations (.d.ts and their maps) that `types` points at.
 *
 * Why one file: Node resolves, reads, compiles and links every ES module on its own. dist/index.js is
 * about 150 tsc-emitted modules, which took about 80–100 ms to import; the same code in one file takes
 * about 20–30 ms (README, "What the package costs"). Most of that is V8 compiling the file, which scales
 * with its length, so whitespace and comments are left out (378 → 298 KB, about 4 ms less); names are
 * kept, so stack traces still name the functions.
 *
 * The file sits two directories below the package root, as dist/'s modules and build/cli/'s files do, so
 * that the sources' `new URL('../../build/…', import.meta.url)` find the wasm (build/lrlab.wasm, and the
 * relaxed build beside it), package.json, and the worker bundles (build/pool-worker.mjs,
 * build/thread-worker.mjs, from `npm run build:worker`: spawn-worker.ts falls back to them when no
 * compiled worker sits next to the importing file, and none sits in build/node/). Being one file, it
 * holds one copy of the per-process state (the compiled wasm, the prestarted pool workers, the parked
 * threads). Its esbuild options are the CLI's (scripts/node-bundle-options.ts).
 *
 * Usage: tsx scripts/build-node.ts   (npm run build:node)
 */
import { build } from 'esbuild';
import { NODE_BUNDLE } from './node-bundle-options.js';

await build({ ...NODE_BUNDLE, entryPoints: ['bindings/index.ts'], outfile: 'build/node/lrlab.js' });
