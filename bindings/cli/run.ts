/**
 * The whole command line as one function: arguments in, exit status out, every
 * error turned into what the user sees. The bin calls it; tests call it in the
 * same process. Refused input (LrlabError) is one `lrlab: …` line and exit 2 (4
 * when --out is locked by another run); an error of the system (ENOSPC, EACCES…)
 * one line and exit 1; anything else is a bug: its stack trace, exit 1.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LrlabError } from '../errors.js';
import { EXIT } from './exit-codes.js';
import { main } from './index.js';

export async function run(argv: string[]): Promise<number> {
  try {
    if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
      process.stdout.write(`lrlab ${await packageVersion()}\n`);
      return EXIT.OK;
    }
    return await main(argv);
  } catch (error) {
    if (error instanceof LrlabError || (error as Error)?.name === 'LrlabError') {
      process.stderr.write(`lrlab: ${oneLine((error as Error).message)}\n`);
      return (error as LrlabError).code === 'BUSY' ? EXIT.BUSY : EXIT.REFUSED;
    }
    const system = error as NodeJS.ErrnoException;
    if (typeof system?.code === 'string' && typeof system.syscall === 'string') {
      process.stderr.write(`lrlab: ${oneLine(system.message)}\n`);
      return EXIT.FAILED;
    }
    process.stderr.write(`lrlab: internal error (please report it): ${(error as Error)?.stack ?? String(error)}\n`);
    return EXIT.FAILED;
  }
}

/** A message on one line, whatever text it quotes. */
function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ');
}

/** The version in lrlab's package.json, found upwards from this file (sources or compiled). */
async function packageVersion(): Promise<string> {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const text = await readFile(join(dir, 'package.json'), 'utf8').catch(() => undefined);
    if (text !== undefined) {
      const pkg = JSON.parse(text) as { name?: string; version?: string };
      if (pkg.name === 'lrlab' && pkg.version) return pkg.version;
    }
    const up = dirname(dir);
    if (up === dir) return 'unknown';
    dir = up;
  }
}
