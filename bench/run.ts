/**
 * The benchmark command: `npm run bench` (full: minutes) or `npm run bench -- --quick`
 * (tiny sizes, one round: what CI runs so that the suite cannot rot). Prints
 * markdown tables of peers measured side by side; `--out FILE` also writes them.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import os from 'node:os';
import './relaxed.js'; // first: enables relaxed SIMD before anything is compiled
import { blobsSuite, mlpSuite } from './suites/training.js';
import { gemmSuite } from './suites/gemm.js';
import { sweepSuite, threadsSuite } from './suites/parallel.js';
import { tileSuite } from './suites/tile.js';

const SUITES = { gemm: gemmSuite, tile: tileSuite, blobs: blobsSuite, mlp: mlpSuite, threads: threadsSuite, sweep: sweepSuite } as const;

const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, out: { type: 'string' }, suite: { type: 'string', multiple: true } },
});
const names = (values.suite ?? Object.keys(SUITES)) as (keyof typeof SUITES)[];
for (const name of names) if (!(name in SUITES)) throw new Error(`unknown suite ${name}; known: ${Object.keys(SUITES).join(', ')}`);

const header = `## lrlab benchmarks${values.quick ? ' (quick mode: tiny sizes, not for comparison)' : ''}\n\n` +
  `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}. ` +
  'Peers run interleaved in one process with the f32x4 multiply-add peak (the faster of two register-only loops); compare ratios and shares of the peak, ' +
  'not absolute times.\n';
const sections = [header];
process.stdout.write(header + '\n');
for (const name of names) {
  const section = await SUITES[name]({ quick: values.quick });
  sections.push(section);
  process.stdout.write(section + '\n');
}
if (values.out) await writeFile(values.out, sections.join('\n'));
