/**
 * Connecting to the Redis server behind a BullMQ queue (`--queue URL`): the
 * URL checked before anything else, a first connection tried for a bounded
 * time (a wrong host or port is an error naming the URL, not a hang), and,
 * once connected, a lost connection reported on stderr and retried with
 * exponential backoff for as long as it takes.
 */
import type { RedisOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { LrlabError } from '../errors.js';

/** The BullMQ queue every lrlab coordinator and worker on a Redis server shares (jobs are told apart by id). */
export const QUEUE_NAME = 'lrlab-trials';

/** How long the first connection is tried before giving up, unless LRLAB_QUEUE_CONNECT_TIMEOUT (seconds) says otherwise. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** Backoff between reconnection attempts once connected: 0.5 s, 1 s, 2 s … capped at 20 s. */
export function reconnectDelay(attempt: number): number {
  return Math.min(500 * 2 ** Math.max(0, attempt - 1), 20_000);
}

export interface QueueUrl {
  /** The URL for messages, its password (and user name) replaced by "***". */
  text: string;
  /** The URL as given, password included: for connecting only, never printed. */
  secret: string;
  host: string;
  port: number;
  /** host:port, for messages. */
  address: string;
}

const URL_HELP = 'must be a Redis URL: redis://HOST:PORT (rediss:// for TLS; redis://:PASSWORD@HOST:PORT/DB with a password and a database)';

/** Checks `--queue URL` without connecting. */
export function parseQueueUrl(text: unknown, field = '--queue'): QueueUrl {
  if (typeof text !== 'string' || text.trim() === '') throw new LrlabError('INVALID_OPTION', field, text, URL_HELP);
  const shown = redactUrl(text);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new LrlabError('INVALID_OPTION', field, shown, URL_HELP);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new LrlabError('INVALID_OPTION', field, shown, URL_HELP);
  if (url.hostname === '') throw new LrlabError('INVALID_OPTION', field, shown, `${URL_HELP}; the host is missing`);
  const port = url.port === '' ? 6379 : Number(url.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new LrlabError('INVALID_OPTION', field, shown, `${URL_HELP}; the port must be 1 … 65535`);
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw new LrlabError('INVALID_OPTION', field, shown, `${URL_HELP}; the database (the path) must be a number`);
  if (url.search || url.hash) throw new LrlabError('INVALID_OPTION', field, shown, `${URL_HELP}; nothing may follow the database`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { text: shown, secret: text, host, port, address: `${url.hostname}:${port}` };
}

/** A URL with its credentials hidden: redis://:***@host:6379, so that no log, banner or error shows a password. */
export function redactUrl(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^@/?#]*)@/i, (_m, scheme: string, auth: string) => `${scheme}${auth.includes(':') ? `${auth.slice(0, auth.indexOf(':')) ? '***' : ''}:***` : '***'}@`);
}

/** The connect timeout: LRLAB_QUEUE_CONNECT_TIMEOUT seconds when set, else 10 s. */
export function connectTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.LRLAB_QUEUE_CONNECT_TIMEOUT;
  if (text === undefined || text === '') return DEFAULT_CONNECT_TIMEOUT_MS;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new LrlabError('INVALID_OPTION', 'LRLAB_QUEUE_CONNECT_TIMEOUT', text, 'must be a number of seconds > 0');
  }
  return seconds * 1000;
}

/**
 * Connects once to check the server: tries for up to `timeoutMs` (backing off
 * between attempts), then refuses with a message that names the URL and the
 * last error. A server that answers with an error (a wrong password) is
 * refused at once; so is a Redis older than BullMQ's minimum (5.0).
 */
export async function probeRedis(url: QueueUrl, timeoutMs: number, field = '--queue'): Promise<{ version: string }> {
  const deadline = Date.now() + timeoutMs;
  let delay = 200;
  let last = 'no answer';
  for (;;) {
    const remaining = Math.max(100, deadline - Date.now());
    const client = new Redis(url.secret, {
      lazyConnect: true, connectTimeout: Math.min(2000, remaining), commandTimeout: Math.min(2000, remaining),
      retryStrategy: () => null, maxRetriesPerRequest: 0, enableOfflineQueue: false,
    });
    let error: Error | undefined;
    client.on('error', (e: Error) => { error = e; });
    try {
      await client.connect();
      const info = await client.info('server');
      const version = /redis_version:(\S+)/.exec(info)?.[1] ?? '0';
      if (Number(version.split('.')[0]) < 5) {
        throw new LrlabError('INVALID_OPTION', field, url.text, `must name a Redis server of version 5 or later (BullMQ needs it); ${url.address} runs Redis ${version}`);
      }
      return { version };
    } catch (e) {
      if (e instanceof LrlabError) throw e;
      const reason = error ?? (e as Error);
      last = reason.message;
      // The server answered, with an error: retrying will not help.
      if (reason.name === 'ReplyError') {
        throw new LrlabError('INVALID_OPTION', field, url.text, `must name a Redis server that accepts this connection; ${url.address} answered: ${last}`);
      }
    } finally {
      // disconnect() on a client that already ended arms a 2 s timer that would hold the process.
      if (client.status !== 'end') client.disconnect();
    }
    const left = deadline - Date.now();
    if (left <= 0) break;
    await new Promise((resolve) => setTimeout(resolve, Math.min(delay, left)));
    delay = Math.min(delay * 2, 2000);
  }
  throw new LrlabError('INVALID_OPTION', field, url.text,
    `must name a reachable Redis server; none answered at ${url.address} within ${(timeoutMs / 1000).toFixed(timeoutMs % 1000 ? 1 : 0)} s (${last})`);
}

/**
 * Reports the state of the connection once per change, not once per failed
 * attempt: "lost … retrying", then "reconnected" (and a reminder every 30 s
 * while it stays down). Fed by the BullMQ objects' and the raw clients' events.
 */
export class ConnectionReporter {
  #down = false;
  #since = 0;
  #lastNote = 0;
  #lastOther = '';
  #lastOtherAt = 0;
  readonly #listeners = new Set<() => void>();

  constructor(private readonly url: QueueUrl, private readonly write: (line: string) => void) {}

  get down(): boolean {
    return this.#down;
  }

  /** Called after each reconnection (the executor then re-checks what it waits for). */
  onReconnect(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  error(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    const now = Date.now();
    if (!isConnectionError(error)) {
      // Not the connection: an error of BullMQ or of a command (e.g. a job that vanished with a restarted Redis).
      if (message !== this.#lastOther || now - this.#lastOtherAt > 30_000) this.write(`lrlab: queue error at ${this.url.text}: ${message}`);
      this.#lastOther = message;
      this.#lastOtherAt = now;
      return;
    }
    if (!this.#down) {
      this.#down = true;
      this.#since = now;
      this.#lastNote = now;
      this.write(`lrlab: lost the connection to the queue at ${this.url.text} (${message}); retrying with backoff (0.5 s, 1 s, 2 s … every 20 s)`);
    } else if (now - this.#lastNote >= 30_000) {
      this.#lastNote = now;
      this.write(`lrlab: the queue at ${this.url.text} is still unreachable after ${Math.round((now - this.#since) / 1000)} s (${message}); still retrying`);
    }
  }

  ready(): void {
    if (!this.#down) return;
    this.#down = false;
    this.write(`lrlab: reconnected to the queue at ${this.url.text} after ${((Date.now() - this.#since) / 1000).toFixed(1)} s`);
    for (const listener of this.#listeners) listener();
  }

  /** Follows a raw ioredis client (as BullMQ hands it out). */
  watch(client: { on(event: string, listener: (...args: unknown[]) => void): unknown }): void {
    client.on('error', (e) => this.error(e));
    client.on('ready', () => this.ready());
  }
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN',
  'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN']);

/** Whether an error says the connection is gone (rather than a command or job failing). */
export function isConnectionError(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  if (e && typeof e.code === 'string' && CONNECTION_CODES.has(e.code)) return true;
  const message = typeof e?.message === 'string' ? e.message : String(error);
  return /Connection is closed|connect ETIMEDOUT|Stream isn't writeable|socket (hang up|closed)/i.test(message);
}

/**
 * Connection options for BullMQ's Queue, Worker and QueueEvents: the URL, and
 * reconnection forever with backoff (BullMQ's blocking connections need
 * maxRetriesPerRequest null: commands wait for the connection to come back).
 */
export function bullConnection(url: QueueUrl): RedisOptions {
  return { url: url.secret, maxRetriesPerRequest: null, retryStrategy: reconnectDelay };
}
