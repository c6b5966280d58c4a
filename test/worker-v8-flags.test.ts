// A process started with V8 flags (node --no-liftoff, --max-old-space-size=…) still starts lrlab's
// workers: a Worker refuses V8 flags in an explicit execArgv, so spawnModuleWorker lets such a worker
// inherit the process's flags (V8 flags apply to every thread anyway).
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

const run = promisify(execFile);
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'lrlab-worker-v8-flags-'));
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

it('lrlab sweep on the pool runs under node --no-liftoff --max-old-space-size=512 (its worker starts)', async () => {
  // With a loader flag too (an empty --import), so that the worker is given an explicit execArgv
  // without it, which the V8 flags make Node refuse: the fallback to inheriting them is what runs.
  const args = ['--no-liftoff', '--max-old-space-size=512', '--import=data:text/javascript,', 'bin/lrlab.js', 'sweep', '--lr', '0.1,0.01', '--momentum', '0', '--epochs', '3', '--workers', '2', '--out', join(tmp, 'sweep')];
  const { stderr } = await run(process.execPath, args, { cwd: ROOT });
  expect(stderr).toMatch(/sweep \(pool, 2 at a time\): 2 trials in/);
});
