// LRLAB_PHASES=1 makes lrlab sweep print where its time went (for bench/startup.ts): one stderr line
// with its phases in the order they happen and each pool runner's share of the trials; without the
// variable nothing of it is printed.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

const run = promisify(execFile);
const ARGS = ['bin/lrlab.js', 'sweep', '--lr', '0.1,0.01', '--momentum', '0,0.9', '--epochs', '3', '--workers', '2'];
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'lrlab-cli-phases-'));
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

interface RunnerTimes { trials: number; busyMs: number; firstStartMs: number; lastEndMs: number }

it('prints the phases in order, and runner times that account for every trial', async () => {
  const { stderr } = await run(process.execPath, [...ARGS, '--out', join(tmp, 'on')], { cwd: ROOT, env: { ...process.env, LRLAB_PHASES: '1' } });
  const lines = stderr.split('\n').filter((l) => l.startsWith('lrlab: phases '));
  expect(lines).toHaveLength(1);
  const phases = JSON.parse(lines[0].slice('lrlab: phases '.length)) as Record<string, number> & { runners: RunnerTimes[] };
  const order = ['imported', 'checked', 'trials', 'analysis', 'report', 'done'];
  expect(Object.keys(phases).filter((k) => k !== 'runners')).toEqual(order);
  for (let i = 1; i < order.length; i++) expect(phases[order[i]]).toBeGreaterThanOrEqual(phases[order[i - 1]]);
  expect(phases.runners).toHaveLength(2);
  expect(phases.runners.reduce((n, r) => n + r.trials, 0)).toBe(4);
  for (const r of phases.runners.filter((r) => r.trials > 0)) {
    expect(r.firstStartMs).toBeGreaterThanOrEqual(phases.checked);
    expect(r.lastEndMs).toBeLessThanOrEqual(phases.trials);
  }
});

it('prints nothing of it without LRLAB_PHASES', async () => {
  const env = { ...process.env };
  delete env.LRLAB_PHASES;
  const { stderr } = await run(process.execPath, [...ARGS, '--out', join(tmp, 'off')], { cwd: ROOT, env });
  expect(stderr).not.toContain('phases');
  expect(stderr).toMatch(/4 trials in/);
});
