/**
 * Starts a worker thread on one of lrlab's own modules, given the URL its
 * compiled .js has next to the importing module: the compiled file when it
 * exists (the built package), the bundle build/<name>.mjs when `npm run build`
 * made one, else the TypeScript source through tsx's loader (a few hundred
 * milliseconds: Node 20 does not apply a loader given by --import to a
 * worker's own entry file). Compiled JavaScript needs no loader, so those
 * workers start without the process's --import/--require/--loader flags
 * (under tsx, loading it again in the worker took about 120 ms).
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';

export function spawnModuleWorker(compiled: URL, bundleName: string, workerData?: unknown): Worker {
  if (existsSync(fileURLToPath(compiled))) return compiledWorker(compiled, workerData);
  const bundle = new URL(`../../build/${bundleName}.mjs`, import.meta.url);
  if (existsSync(fileURLToPath(bundle))) return compiledWorker(bundle, workerData);
  const entry = new URL(compiled.href.replace(/\.js$/, '.ts'));
  const boot = `(async () => { (await import(${JSON.stringify(tsxApi())})).register(); await import(${JSON.stringify(entry.href)}); })()`;
  return new Worker(boot, { eval: true, workerData });
}

let api: string | undefined;
function tsxApi(): string {
  // The ESM build of tsx's API (the CommonJS one registers a loader the worker cannot find).
  api ??= pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  return api;
}

/**
 * A worker on compiled JavaScript, without the process's loader flags. A
 * Worker refuses an explicit execArgv that holds V8 flags (node --no-liftoff,
 * --expose-gc, --max-old-space-size=…: ERR_WORKER_INVALID_EXEC_ARGV); those
 * apply to every thread anyway, so such a worker inherits the process's
 * flags instead, loaders included.
 */
function compiledWorker(file: URL, workerData: unknown): Worker {
  const execArgv = withoutLoaders(process.execArgv);
  if (execArgv.length === process.execArgv.length) return new Worker(file, { workerData });
  try {
    return new Worker(file, { workerData, execArgv });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw error;
    return new Worker(file, { workerData });
  }
}

const LOADER_FLAGS = ['--import', '--require', '-r', '--loader', '--experimental-loader'];

/** execArgv without the flags that preload modules (each with its value, given as the next item or after '='). */
export function withoutLoaders(execArgv: string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const flag = execArgv[i];
    if (LOADER_FLAGS.includes(flag)) i++;
    else if (!LOADER_FLAGS.some((name) => flag.startsWith(`${name}=`))) kept.push(flag);
  }
  return kept;
}
