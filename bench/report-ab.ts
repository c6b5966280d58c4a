/**
 * A/B of the sweep's non-trial work in fresh processes, as `lrlab sweep` pays it after its trials:
 * the analysis (analyzeSweep) and the report (writeSweepReport: report.html, summary.json,
 * epochs.csv), from a finished sweep's results.jsonl, cold (the JIT starts from nothing in each
 * process, as in the command). Each side is bundled by esbuild from a checkout's bindings/ (BASE,
 * and NEW, by default this one); rounds alternate base, new, new, base, … Timed in the main
 * thread's CPU time (/proc/self/task/PID/schedstat, Linux: other processes cost it cache, not
 * clock; the GC and compiler threads are left out) and in the whole process's CPU time. The two
 * sides' three files must be byte-identical, or the run stops.
 *   npx tsx bench/report-ab.ts SWEEP_DIR BASE_CHECKOUT [NEW_CHECKOUT] [--rounds N]
 * e.g. SWEEP_DIR from `lrlab sweep --out DIR`, BASE_CHECKOUT from `git worktree add /tmp/base main`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { median } from './timing.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { rounds: { type: 'string', default: '20' } } });
const [sweepDir, baseRoot, newRoot = fileURLToPath(new URL('..', import.meta.url))] = positionals;
if (!sweepDir || !baseRoot) throw new Error('usage: tsx bench/report-ab.ts SWEEP_DIR BASE_CHECKOUT [NEW_CHECKOUT] [--rounds N]');

/** One cold analysis + report in this process; prints the times as JSON. `ROOT` is the checkout. */
const ENTRY = `
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resultFromJson } from 'ROOT/bindings/sweep/json.ts';
import { validateSweep } from 'ROOT/bindings/sweep/spec.ts';
import { analyzeSweep } from 'ROOT/bindings/diagnostics/sweep.ts';
import { writeSweepReport } from 'ROOT/bindings/report/write.ts';
const [src, out] = process.argv.slice(2);
const main = () => Number(readFileSync('/proc/self/task/' + process.pid + '/schedstat', 'utf8').split(' ')[0]) / 1e6;
const all = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const spec = JSON.parse(readFileSync(join(src, 'sweep.json'), 'utf8'));
const sweep = validateSweep(spec);
// In sweep order, as runSweep returns them.
const results = readFileSync(join(src, 'results.jsonl'), 'utf8').split('\\n').filter(Boolean).map(resultFromJson).sort((a, b) => a.index - b.index);
const m0 = main(), c0 = all();
const analysis = analyzeSweep(results);
const m1 = main(), c1 = all();
await writeSweepReport(out, { title: 'Learning-rate sweep: ' + sweep.name, axes: sweep.axes.map((a) => a.path), results, analysis, specSummary: spec });
const m2 = main(), c2 = all();
process.stdout.write(JSON.stringify({ analysisMain: m1 - m0, reportMain: m2 - m1, analysisCpu: c1 - c0, reportCpu: c2 - c1 }));
`;

const work = await mkdtemp(join(tmpdir(), 'lrlab-report-ab-'));
try {
  const bundles = await Promise.all([baseRoot, newRoot].map(async (root, side) => {
    const entry = join(work, `entry-${side}.ts`);
    await writeFile(entry, ENTRY.replaceAll('ROOT', resolve(root)));
    const outfile = join(work, `side-${side}.mjs`);
    await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile, logLevel: 'warning' });
    return outfile;
  }));
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS; // ~80 ms of certificate loading per process where the machine sets it
  const times: Array<Array<Record<string, number>>> = [[], []];
  for (let r = 0; r < Number(values.rounds); r++) {
    for (const side of r & 1 ? [1, 0] : [0, 1]) {
      const out = join(work, `out-${side}`);
      await rm(out, { recursive: true, force: true });
      times[side]!.push(JSON.parse(execFileSync(process.execPath, [bundles[side]!, sweepDir, out], { env, encoding: 'utf8' })));
    }
    for (const file of ['report.html', 'summary.json', 'epochs.csv']) {
      const [a, b] = await Promise.all([0, 1].map((side) => readFile(join(work, `out-${side}`, file))));
      if (!a!.equals(b!)) throw new Error(`${file} differs between the two sides`);
    }
  }
  const rows = Object.keys(times[0]![0]!).map((key) => {
    const [base, now] = [0, 1].map((side) => median(times[side]!.map((t) => t[key]!)));
    const paired = median(times[0]!.map((t, i) => times[1]![i]![key]! - t[key]!));
    return `| ${key} | ${base!.toFixed(1)} | ${now!.toFixed(1)} | ${paired >= 0 ? '+' : ''}${paired.toFixed(1)} |`;
  });
  process.stdout.write([`${values.rounds} rounds, ms (medians; paired: the median of each round's new − base); the three files identical in every round`,
    '| | base | new | paired |', '|---|---:|---:|---:|', ...rows].join('\n') + '\n');
} finally {
  await rm(work, { recursive: true, force: true });
}
