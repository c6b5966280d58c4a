/**
 * The esbuild options every Node bundle of the package shares (scripts/build-node.ts: the root entry;
 * scripts/build-cli.ts: the command's files).
 */
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export const NODE_BUNDLE = {
  absWorkingDir: ROOT,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // No package is bundled: lrlab has no runtime dependency, and the optional peers (bullmq, ioredis)
  // and `mnist` stay imports that run only when used.
  packages: 'external',
  legalComments: 'none',
  // Compiling a file costs V8 time in proportion to its length: whitespace and comments are left out
  // (names are kept, so stack traces still name the functions).
  minifyWhitespace: true,
  logLevel: 'warning',
} as const;
