/**
 * A private redis-server for one test file: on a free port of 127.0.0.1, no
 * persistence, in a temporary directory, stopped (and the directory removed)
 * by stop(). Under CI (env CI set) a missing redis-server fails the tests
 * (.ci/run installs Debian's redis-server); elsewhere the queue tests are
 * skipped with a message saying how to get it.
 *
 * Also: lrlab processes for the queue tests (workers, coordinators), with
 * their output collected and a way to wait for a line.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, it } from 'vitest';
import { ROOT } from './cli.js';

export interface RedisServer {
  url: string;
  port: number;
  /** Stops the server (its data is gone: nothing is saved). */
  kill(): Promise<void>;
  /** Starts a new, empty server on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export const REDIS_MISSING = 'redis-server is not installed: the queue tests need a real Redis ' +
  '(Debian: apt-get install redis-server; .ci/run installs it)';

/** Starts a private redis-server; undefined when redis-server is not installed (see describeWithRedis). */
export async function startRedis(): Promise<RedisServer | undefined> {
  const found = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (found.error || found.status !== 0) return undefined;
  const dir = await mkdtemp(join(tmpdir(), 'lrlab-redis-'));
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      let server = await launch(port, dir);
      return {
        url: `redis://127.0.0.1:${port}`,
        port,
        kill: () => server.kill(),
        async restart() {
          await server.kill();
          server = await launch(port, dir);
        },
        async stop() {
          await server.kill();
          await rm(dir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      lastError = error; // the port was taken between the check and the start: another one
    }
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError;
}

/**
 * The tests of `body` against `redis`; without a redis-server, a failing test
 * under CI (env CI set) and skipped tests, with a message, elsewhere.
 */
export function describeWithRedis(name: string, redis: RedisServer | undefined, body: (redis: RedisServer) => void): void {
  if (redis) {
    describe(name, () => body(redis));
  } else if (process.env.CI) {
    it(`${name}: needs redis-server`, () => {
      throw new Error(`${REDIS_MISSING}. CI is set, so this is a failure, not a skip`);
    });
  } else {
    console.warn(`skipping "${name}": ${REDIS_MISSING}`);
    describe.skip(name, () => it('needs redis-server', () => undefined));
  }
}

async function launch(port: number, dir: string): Promise<{ kill(): Promise<void> }> {
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  server.stdout!.on('data', (d) => { log += d; });
  server.stderr!.on('data', (d) => { log += d; });
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  const kill = async () => {
    if (server.exitCode === null && server.signalCode === null) {
      server.kill('SIGTERM');
      await Promise.race([exited, sleep(5000)]);
      if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
      await exited;
    }
  };
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) break;
    if (await ping(url)) return { kill };
    await sleep(50);
  }
  await kill();
  throw new Error(`redis-server did not start on port ${port}: ${log.slice(-500)}`);
}

async function ping(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, enableOfflineQueue: false });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    if (client.status !== 'end') client.disconnect();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A running `node bin/lrlab.js …` with its output so far. */
export interface LrlabProcess {
  child: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves with the exit code (or 128 + signal number style: -1 when killed by a signal). */
  exited: Promise<number>;
  /** Waits until stdout + stderr match `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<number>;
}

export function startLrlab(args: string[], env: NodeJS.ProcessEnv = {}): LrlabProcess {
  const child = spawn(process.execPath, ['bin/lrlab.js', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  child.stdout!.on('data', (d) => { stdout += d; });
  child.stderr!.on('data', (d) => { stderr += d; });
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? -1)));
  const proc: LrlabProcess = {
    child,
    get stdout() { return stdout; },
    get stderr() { return stderr; },
    exited,
    async waitFor(pattern, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(stdout + stderr)) {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`lrlab ${args[0]} exited before printing ${pattern}:\n${stdout}\n${stderr}`);
        if (Date.now() > deadline) throw new Error(`lrlab ${args[0]} printed no ${pattern} within ${timeoutMs} ms:\n${stdout}\n${stderr}`);
        await sleep(25);
      }
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return Promise.race([exited, sleep(20_000).then(() => { child.kill('SIGKILL'); return exited; })]);
    },
  };
  return proc;
}

export interface QueueTestEnvironment {
  /** The file's private Redis; undefined where none is installed (the tests then skip, or fail under CI). */
  redis: RedisServer | undefined;
  /** lrlab processes started by the file, killed when it ends. */
  processes: LrlabProcess[];
  /** A fresh temporary directory, removed when the file ends. */
  tempDir(prefix: string): Promise<string>;
}

/** Starts a test file's Redis and registers the clean-up of it, its processes and its directories. */
export async function queueTestEnvironment(): Promise<QueueTestEnvironment> {
  const redis = await startRedis();
  const processes: LrlabProcess[] = [];
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop('SIGKILL')));
    await redis?.stop();
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });
  return {
    redis,
    processes,
    async tempDir(prefix) {
      const dir = await mkdtemp(join(tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
  };
}
