#!/usr/bin/env node
// Runs the CLI bundle (build/cli/, built from bindings/ by `npm run build:cli`; scripts/build-cli.ts says why a bundle).
// prestart() first: a sweep's pool workers boot while the CLI below is imported (bindings/cli/prestart.ts).
// run() turns every error into its message and exit status (see bindings/cli/exit-codes.ts).
const argv = process.argv.slice(2);
// A missing build/cli/ is reported below; any other failure to load prestart is a bug and is thrown.
const prestart = await import('../build/cli/prestart.js').catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('cli/prestart.js')) return undefined;
  throw error;
});
prestart?.prestart(argv);
const { run } = await import('../build/cli/run.js').catch((error) => {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('cli/run.js')) throw error;
  process.stderr.write('lrlab: the compiled CLI (build/cli/) is missing: run npm run build:cli in the lrlab checkout\n');
  process.exit(1);
});
process.exitCode = await run(argv);
