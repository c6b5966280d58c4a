#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so the package ships its sources as they are.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../bindings/cli/index.ts');
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
