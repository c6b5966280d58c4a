#!/usr/bin/env node
// Runs the compiled CLI (dist/, built from bindings/ by `npm run build:dist`).
const { main } = await import('../dist/cli/index.js').catch((error) => {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('cli/index.js')) throw error;
  process.stderr.write('lrlab: the compiled CLI (dist/) is missing: run npm run build:dist in the lrlab checkout\n');
  process.exit(1);
});
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  // Refused input is a message for the user, not a stack trace.
  if (error?.name === 'LrlabError' || String(error?.code).startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`lrlab: ${error.message}\n`);
    process.exitCode = 2;
  } else {
    throw error;
  }
}
