/**
 * What a command can start before its own imports, flag parsing and checks,
 * so that it overlaps them: `lrlab sweep` on the default pool (one runner per
 * core) starts its worker threads and the wasm compile. It only looks at the
 * arguments; the command still parses and checks them in full, and refused
 * input is refused as before (a worker started here does no work until the
 * pool adopts it, and never keeps the process alive).
 */
import { availableParallelism } from 'node:os';
import { prestartPoolWorkers } from '../sweep/pool-prestart.js';

/** Flags after which `lrlab sweep` makes no default pool (or does nothing at all). */
const NO_DEFAULT_POOL = ['--inline', '--queue', '--workers', '--help', '-h'];

export function prestart(argv: string[]): void {
  if (argv[0] !== 'sweep') return;
  if (argv.some((arg) => NO_DEFAULT_POOL.some((flag) => arg === flag || arg.startsWith(`${flag}=`)))) return;
  prestartPoolWorkers(availableParallelism() - 1);
}
