/**
 * What the package costs a user before it does any work: how long its commands take to start and
 * how much `npm install lrlab` brings in (npm run bench:startup; a benchmark, not a test).
 *
 * It packs the package, installs the tarball into a temporary project with production
 * dependencies only (no optional peers), and there times whole processes: `lrlab --help`,
 * `node -e "import('lrlab')"`, `lrlab report` on the default sweep's results, and `npm start` in
 * this checkout (the default sweep, end to end, from an empty runs/default-sweep), beside `npm run
 * env`, npm starting a built-in script with no lrlab code: npm's own share of `npm start`; npm start
 * runs with LRLAB_PHASES=1, so the command also reports when each of its phases ended and each
 * thread's busy time in the trials (bindings/cli/phases.ts). Then, in this
 * process, the time to render the default sweep's report.html (its first render, as a command
 * pays it, and the median of 5 more). Peers run interleaved, round after round, next to
 * `node -e 0`, and are reported as medians and as multiples of `node -e 0`'s median in the same
 * run: the machine drifts and is often shared, and the ratio is what carries over.
 *
 * Every process runs twice per round: without NODE_EXTRA_CA_CERTS (the headline: a user's machine
 * normally does not set it, and with it every node process first loads the extra certificates, about
 * 80 ms on a machine that points it at the system bundle) and with the environment as it is; each
 * variant has its own `node -e 0` to divide by. When the variable is not set the two are the same
 * processes and only one is run. It also times, inside a process, how long `await import('lrlab')`
 * takes in the installed package (the bundle build/node/lrlab.js), and the same for this
 * checkout's tsc output (dist/index.js, one module per source file, which the package does not ship).
 *
 * The f32x4 multiply-add peak (bench/peak.ts), sampled before and after, and the CPU's name say which
 * state the machine was in: this virtual machine runs on hosts whose peaks differ about twofold,
 * and a whole-process time only compares with one taken in the same state.
 *
 * Writes bench/results/startup.md (atomically) and prints it.
 * Usage: npm run bench:startup [-- --rounds 5]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, cpSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { peakPeer } from './peak.js';
import { measure, median, type Peer, type PeerTiming } from './timing.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' } } });
const rounds = Number(values.rounds);

const sh = (command: string, args: string[], cwd: string) => execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

/** Bytes of every file under `dir` (what the files hold, as `du --apparent-size`), and the packages in it. */
function installed(dir: string): { bytes: number; packages: number } {
  let bytes = 0;
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) bytes += statSync(path).size;
    }
  };
  walk(join(dir, 'node_modules'));
  const lock = JSON.parse(readFileSync(join(dir, 'node_modules/.package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
  return { bytes, packages: Object.keys(lock.packages).length };
}

function project(work: string, name: string, install: string[]): string {
  const dir = join(work, name);
  cpSync(join(ROOT, 'test/package-consumer'), dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }));
  sh('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', ...install], dir);
  return dir;
}

/** A peer that runs one whole process; its check is the exit code (0 for every peer here). */
function processPeer(name: string, env: NodeJS.ProcessEnv, command: string, args: string[], cwd: string, before?: () => void, stderr?: (text: string) => void): Peer {
  const childEnv = stderr ? { ...env, LRLAB_PHASES: '1' } : env;
  return {
    name,
    run() {
      before?.();
      const result = spawnSync(command, args, { cwd, env: childEnv, stdio: ['ignore', 'ignore', stderr ? 'pipe' : 'ignore'], encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`${name} exited with ${result.status}`);
      stderr?.(result.stderr);
      return result.status;
    },
  };
}

interface RunnerTimes { trials: number; busyMs: number; firstStartMs: number; lastEndMs: number }
type Phases = Record<'imported' | 'checked' | 'trials' | 'analysis' | 'report' | 'done', number> & { runners: RunnerTimes[] };

/** The phases line a command prints with LRLAB_PHASES=1. */
function phasesOf(stderr: string): Phases {
  const line = stderr.split('\n').find((l) => l.startsWith('lrlab: phases '));
  if (!line) throw new Error(`no phases line in npm start's output:\n${stderr}`);
  return JSON.parse(line.slice('lrlab: phases '.length)) as Phases;
}

/** npm start's phases as table rows: medians over the runs of each phase's end and length. */
function phaseRows(runs: Phases[]): string[] {
  const med = (f: (p: Phases) => number) => median(runs.map(f)).toFixed(0);
  const steps: [string, keyof Phases, string][] = [
    ['node started, the CLI imported (pool workers started before the imports)', 'imported', ''],
    ['flags parsed, every trial checked, --out locked, the store opened', 'checked', 'imported'],
    ['the 32 trials on the pool', 'trials', 'checked'],
    ['the analysis (diagnoses, recommendation)', 'analysis', 'trials'],
    ['report.html, summary.json and epochs.csv rendered and written', 'report', 'analysis'],
    ['the lock released', 'done', 'report'],
  ];
  const rows = steps.map(([what, end, start]) => `| ${what} | ${med((p) => p[end] as number)} | ${med((p) => (p[end] as number) - (start ? (p[start as keyof Phases] as number) : 0))} |`);
  const threads = runs[0]!.runners.map((_, i) => {
    const name = i === 0 ? 'main thread' : `worker ${i}`;
    return `${name}: ${med((p) => p.runners[i]!.trials)} trials, busy ${med((p) => p.runners[i]!.busyMs)} ms from ${med((p) => p.runners[i]!.firstStartMs)} to ${med((p) => p.runners[i]!.lastEndMs)} ms`;
  });
  return [
    '| phase of npm start\'s node process | ended at (ms since it started, median) | took (ms, median) |',
    '|---|---:|---:|',
    ...rows,
    '',
    `Each thread's share of the trials (medians): ${threads.join('; ')}.`,
  ];
}

const CA_CERTS = 'NODE_EXTRA_CA_CERTS';

/**
 * The environments every process runs in: without NODE_EXTRA_CA_CERTS first (the headline), then, when
 * this environment sets it, as it is. With it set, node reads and parses those certificates before it runs anything.
 */
function environments(): { name: string; label: string; env: NodeJS.ProcessEnv }[] {
  const { [CA_CERTS]: certs, ...without } = process.env;
  if (certs === undefined) return [{ name: `${CA_CERTS} not set`, label: `${CA_CERTS} not set (this environment does not set it)`, env: process.env }];
  return [
    { name: `without ${CA_CERTS}`, label: `without ${CA_CERTS} (as on a machine that does not set it)`, env: without },
    { name: 'environment as it is', label: `the environment as it is, which sets ${CA_CERTS}`, env: process.env },
  ];
}

/** Milliseconds of `await import(specifier)` inside a fresh node process started in `cwd`. */
function importMs(specifier: string, cwd: string, env: NodeJS.ProcessEnv): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(specifier)}); process.stdout.write(String(performance.now() - t));`;
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd, env, encoding: 'utf8' }));
}

/** The default sweep's report rendered from its recorded results by the built library: the first render (what a command pays) and 5 more. */
async function renderTimes(dir: string): Promise<{ trials: number; bytes: number; firstMs: number; medianMs: number }> {
  const load = (path: string) => import(pathToFileURL(join(ROOT, 'dist', path)).href);
  const [{ ResultStore }, { analyzeSweep }, { renderSweepReport }] = await Promise.all([load('sweep/store.js'), load('diagnostics/index.js'), load('report/html.js')]);
  const { spec, results } = await ResultStore.read(dir);
  const input = { title: 'default sweep', axes: Object.keys(spec.axes), results, analysis: analyzeSweep(results), specSummary: spec };
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 6; i++) {
    const started = performance.now();
    bytes = (await renderSweepReport(input)).length;
    times.push(performance.now() - started);
  }
  const rest = times.slice(1).sort((a, b) => a - b);
  return { trials: results.length, bytes, firstMs: times[0]!, medianMs: rest[2]! };
}

for (const script of ['build:dist', 'build:node', 'build:worker', 'build:cli', 'build:browser']) sh('npm', ['run', '--silent', script], ROOT);
const peak = await peakPeer(20);
const peakNow = () => Math.max(peak.sample(), peak.sample(), peak.sample());
const peakBefore = peakNow();
const work = mkdtempSync(join(tmpdir(), 'lrlab-startup-'));
try {
  const packed = JSON.parse(sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT)) as [{ filename: string; size: number; unpackedSize: number }];
  const tarball = join(work, packed[0].filename);
  const app = project(work, 'app', [tarball]);
  const size = installed(app);

  // The default sweep's results, for `lrlab report` (npm start writes them; one run first, untimed, for the report peer).
  const defaultSweep = join(ROOT, 'runs/default-sweep');
  const clean = () => rmSync(defaultSweep, { recursive: true, force: true });
  clean();
  sh('npm', ['start', '--silent'], ROOT);
  const sweepCopy = join(work, 'default-sweep');
  cpSync(defaultSweep, sweepCopy, { recursive: true });
  const node = process.execPath;
  const lrlab = join(app, 'node_modules/lrlab/bin/lrlab.js');
  const variants = environments();
  const phaseRuns = variants.map(() => [] as Phases[]);
  const peers = variants.flatMap(({ env }, v) => [
    processPeer('node -e 0', env, node, ['-e', '0'], app),
    processPeer('lrlab --help', env, node, [lrlab, '--help'], app),
    processPeer(`node -e "import('lrlab')"`, env, node, ['-e', `import('lrlab')`], app),
    processPeer('lrlab report (default sweep)', env, node, [lrlab, 'report', sweepCopy], app),
    processPeer('npm start (default sweep, from empty)', env, 'npm', ['start', '--silent'], ROOT, clean, (text) => phaseRuns[v]!.push(phasesOf(text))),
    // npm's own share of `npm start`: a built-in script that starts no lrlab code.
    processPeer('npm run env (npm alone, no lrlab)', env, 'npm', ['run', 'env', '--silent'], ROOT),
  ]);
  const timings = await measure(peers, rounds);
  const perVariant = peers.length / variants.length;
  const of = (v: number) => timings.slice(v * perVariant, (v + 1) * perVariant);

  const imports = [
    { what: "`await import('lrlab')` in the installed package (build/node/lrlab.js, one file)", cwd: app, specifier: 'lrlab' },
    { what: "this checkout's dist/index.js (tsc's output, one module per source file; not shipped)", cwd: ROOT, specifier: pathToFileURL(join(ROOT, 'dist/index.js')).href },
  ].map((peer) => ({ ...peer, ms: [] as number[] }));
  for (let r = 0; r < rounds; r++) for (const peer of imports) peer.ms.push(importMs(peer.specifier, peer.cwd, variants[0]!.env));

  const render = await renderTimes(sweepCopy);
  const peakAfter = peakNow();
  const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const cell = (t: PeerTiming, base: number) => `${t.medianMs.toFixed(0)} | ${t.minMs.toFixed(0)} | ${(t.medianMs / base).toFixed(2)}`;
  const lines = [
    '## lrlab startup and install size',
    '',
    `Node ${process.version}; medians of ${rounds} whole-process runs per peer, interleaved with \`node -e 0\` in the same run.`,
    `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores; f32x4 multiply-add peak ${peakBefore.toPrecision(3)} GFLOP/s before the runs and ${peakAfter.toPrecision(3)} after (the machine's state).`,
    `Load average at the end: ${load} (2 cores); compare the ratios, not the milliseconds.`,
    '',
    ...variants.map(({ label }, v) => `${v === 0 ? 'Headline' : 'Beside it'}: ${label}.`),
    '',
    `| process | ${variants.map((_, v) => (v === 0 ? 'median ms | min ms | × node -e 0' : 'as is: median ms | min ms | × node -e 0')).join(' | ')} |`,
    `|---|${variants.map(() => '---:|---:|---:|').join('')}`,
    ...of(0).map((t, i) => `| ${t.name} | ${variants.map((_, v) => cell(of(v)[i]!, of(v)[0]!.medianMs)).join(' | ')} |`),
    '',
    `Importing the library inside one process (\`performance.now()\` around \`await import(…)\` in a fresh node, ${variants[0]!.name}; medians of ${rounds}):`,
    '',
    '| import | median ms | min ms |',
    '|---|---:|---:|',
    ...imports.map(({ what, ms }) => `| ${what} | ${median(ms).toFixed(1)} | ${ms.reduce((a, b) => Math.min(a, b)).toFixed(1)} |`),
    '',
    `\`npm install lrlab\` (the packed ${packed[0].filename}, ${mb(packed[0].size)} MB packed, ${mb(packed[0].unpackedSize)} MB unpacked), production dependencies only, no optional peers:`,
    `**${mb(size.bytes)} MB in ${size.packages} package${size.packages === 1 ? '' : 's'}** (earlier: 46 MB in 103 packages with tsx and the queue packages, then 20.3 MB in 80 with Vega-Lite).`,
    '',
    `Where npm start's time goes, as the command marks it (LRLAB_PHASES=1) in the same ${rounds} runs (${variants[0]!.name}); the rest of npm start is npm's own start (\`npm run env\` above) and node's exit:`,
    '',
    ...phaseRows(phaseRuns[0]!.slice(-rounds)),
    ...(variants.length > 1 ? ['', `With the environment as it is, the CLI had been imported at ${median(phaseRuns[1]!.slice(-rounds).map((p) => p.imported)).toFixed(0)} ms and the report written at ${median(phaseRuns[1]!.slice(-rounds).map((p) => p.report)).toFixed(0)} ms (medians).`] : []),
    '',
    `Rendering the default sweep's report.html (${render.trials} trials, ${(render.bytes / 1024).toFixed(0)} KiB) in this process: first render ${render.firstMs.toFixed(0)} ms, then a median of ${render.medianMs.toFixed(0)} ms over 5.`,
    // Recorded, not measured here: Vega-Lite is no longer installed. The README says how it was measured.
    `Before, with Vega-Lite 6.4.3 (the code before the SVG charts, alternating with them in one session, load average 10): first render 2.7 s and later ones 1.5 s against 176 ms and 81 ms; \`lrlab report\` 5.2 s against 1.0 s (720 KiB of HTML against 282 KiB).`,
    '',
  ];
  const text = lines.join('\n');
  const out = join(ROOT, 'bench/results/startup.md');
  writeFileSync(out + '.tmp', text);
  renameSync(out + '.tmp', out);
  console.log(text);
} finally {
  rmSync(work, { recursive: true, force: true });
}
