/**
 * QueueExecutor: runs a sweep's trials on any number of machines through a
 * BullMQ queue on Redis. This side (the coordinator) enqueues one job per
 * trial task and collects each result as it finishes, feeding it to runSweep
 * like any executor does, so the JSONL store and the report work unchanged.
 * `lrlab worker --queue URL` processes (queue-worker.ts), on this machine or
 * others, pull the jobs and run them on their local worker threads.
 *
 * Design:
 * - Idempotent submission. Job ids derive from the sweep and trial specs
 *   (queue-jobs.ts), and before adding anything the coordinator looks at each
 *   pending job: finished there → collected, waiting or running → awaited,
 *   absent → added. runSweep never even hands over a trial whose result is in
 *   the JSONL store, so a re-run of a finished sweep enqueues nothing, and a
 *   re-run after Ctrl-C (which only stops the waiting: the jobs stay queued and
 *   workers go on) collects what finished meanwhile and waits for the rest.
 * - The JSONL store is the record, Redis only the transport. A finished job is
 *   removed once its result has been handed to runSweep (appended to the
 *   store), so Redis holds what is in flight, not every result ever computed.
 *   Until then it is kept (removeOnComplete/removeOnFail by age, 7 days), so a
 *   coordinator that was stopped collects it when it comes back.
 * - Results arrive through QueueEvents (the queue's event stream), read from
 *   the last event before the first look at the jobs, so nothing finishing in
 *   between is missed. The jobs are looked at again every few seconds and
 *   after a reconnection (a missed event, a Redis restarted empty: missing
 *   jobs are added again).
 * - Faults, BullMQ's way: a worker that dies mid-trial loses its job lock and
 *   another worker's stalled-job check puts the job back in the queue (once:
 *   a job that stalls twice fails); an unexpected exception in a worker is
 *   retried `attempts` times with exponential backoff, then recorded as a
 *   failed trial. A trial that throws inside runTrial is not an exception
 *   here: it already is a result with status 'failed'.
 * - Successive halving: a rung's checkpoint travels base64 in the job and back
 *   in its result, so continued trials give the same result as on the pool.
 */
import { Queue, QueueEvents } from 'bullmq';
import { LrlabError } from '../errors.js';
import type { Executor } from './executor.js';
import {
  ConnectionReporter, QUEUE_NAME, bullConnection, connectTimeoutMs, parseQueueUrl, probeRedis, type QueueUrl,
} from './queue-connection.js';
import { JOB_NAME, decodeOutcome, encodeTask, jobId, type TrialJobData, type TrialJobReturn } from './queue-jobs.js';
import type { TrialOutcome, TrialTask } from './trial.js';

export interface QueueExecutorOptions {
  /** redis://HOST:PORT[/DB] (rediss:// for TLS). */
  url: string;
  /** Ties the jobs to one sweep: a hash of its spec (letters, digits, '_'). */
  sweepKey: string;
  /** How long the first connection is tried (default: LRLAB_QUEUE_CONNECT_TIMEOUT seconds, else 10 s). */
  connectTimeoutMs?: number;
  /** Runs of a job before it is recorded as failed, after worker crashes or unexpected exceptions (default 3). */
  attempts?: number;
  /** How often pending jobs are looked at besides the events, in ms (default 5000; more for thousands of jobs). */
  reconcileMs?: number;
  /** Status lines: what was enqueued, connection loss, retries (default: stderr). */
  log?: (line: string) => void;
}

export interface QueueRunStats {
  /** Jobs added by this run. */
  enqueued: number;
  /** Jobs found waiting or running in the queue (added by an earlier run). */
  queued: number;
  /** Results found finished in the queue when this run started. */
  collected: number;
}

/** Finished jobs nobody collected are kept this long (seconds) before BullMQ may evict them. */
const KEEP_SECONDS = 7 * 24 * 3600;
/** Events kept in the queue's event stream (approximately). */
const EVENTS_KEPT = 2000;

type TrialQueue = Queue<TrialJobData, TrialJobReturn, string>;

interface ActiveRun {
  pending: Map<string, TrialTask>;
  onOutcome: (outcome: TrialOutcome) => void | Promise<void>;
  /** Deliveries, one after another (the store appends one line at a time). */
  chain: Promise<void>;
  error?: unknown;
  wake: () => void;
}

export class QueueExecutor implements Executor {
  readonly name = 'queue';
  /** Not decided here: the workers' concurrency, summed over the connected workers. */
  readonly concurrency = 0;
  readonly url: QueueUrl;
  readonly sweepKey: string;
  /** Counts of the last run() (for the command's output and the tests). */
  lastRun: QueueRunStats = { enqueued: 0, queued: 0, collected: 0 };
  readonly #options: QueueExecutorOptions;
  readonly #log: (line: string) => void;
  readonly #reporter: ConnectionReporter;
  #connecting?: Promise<void>;
  #queue?: TrialQueue;
  #events?: QueueEvents;
  #run?: ActiveRun;
  #reconciling = false;

  constructor(options: QueueExecutorOptions) {
    this.url = parseQueueUrl(options.url);
    if (typeof options.sweepKey !== 'string' || !/^\w{1,64}$/.test(options.sweepKey)) {
      throw new LrlabError('INVALID_OPTION', 'sweepKey', options.sweepKey, 'must be 1 to 64 letters, digits or _');
    }
    const attempts = options.attempts ?? 3;
    if (!Number.isInteger(attempts) || attempts < 1) throw new LrlabError('INVALID_OPTION', 'attempts', attempts, 'must be an integer >= 1');
    this.sweepKey = options.sweepKey;
    this.#options = { ...options, attempts };
    this.#log = options.log ?? ((line) => process.stderr.write(line + '\n'));
    this.#reporter = new ConnectionReporter(this.url, this.#log);
    this.#reporter.onReconnect(() => void this.#reconcile(false));
  }

  /** Connects (tried for a bounded time, then an LrlabError naming the URL). run() connects by itself. */
  connect(): Promise<void> {
    this.#connecting ??= this.#connect().catch(async (error) => {
      await this.close();
      this.#connecting = undefined;
      throw error;
    });
    return this.#connecting;
  }

  /** Workers connected to the queue now (each runs --concurrency trials at a time). */
  async workerCount(): Promise<number> {
    await this.connect();
    return this.#queue!.getWorkersCount();
  }

  async run(tasks: TrialTask[], onOutcome: (outcome: TrialOutcome) => void | Promise<void>, signal?: AbortSignal): Promise<void> {
    this.lastRun = { enqueued: 0, queued: 0, collected: 0 };
    if (tasks.length === 0 || signal?.aborted) return;
    await this.connect();
    const pending = new Map(tasks.map((task) => [jobId(this.sweepKey, task), task]));
    let wake!: () => void;
    const woken = new Promise<void>((resolve) => { wake = resolve; });
    const run: ActiveRun = { pending, onOutcome, chain: Promise.resolve(), wake };
    this.#run = run;
    const onAbort = () => run.wake();
    signal?.addEventListener('abort', onAbort);
    let timer: NodeJS.Timeout | undefined;
    const schedule = () => {
      // Each look costs a Redis call per pending job: with thousands pending, look less often.
      const every = Math.max(this.#options.reconcileMs ?? 5000, run.pending.size * 2);
      timer = setTimeout(() => void this.#reconcile(false).finally(() => { if (this.#run === run) schedule(); }), every);
      timer.unref();
    };
    try {
      await this.#reconcile(true);
      await this.#report(run);
      schedule();
      if (run.pending.size > 0 && !signal?.aborted && run.error === undefined) await woken;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      this.#run = undefined;
      await run.chain;
    }
    if (run.error !== undefined) throw run.error;
  }

  async close(): Promise<void> {
    const events = this.#events, queue = this.#queue;
    this.#events = undefined;
    this.#queue = undefined;
    this.#connecting = undefined;
    await Promise.allSettled([events?.close(), queue?.close()]);
  }

  async #connect(): Promise<void> {
    await probeRedis(this.url, this.#options.connectTimeoutMs ?? connectTimeoutMs());
    const connection = bullConnection(this.url);
    const queue: TrialQueue = new Queue(QUEUE_NAME, {
      connection,
      // Each 'completed' event carries the result (a History: kilobytes; a checkpoint under halving: more).
      // The coordinator reads events as they come and looks at the jobs themselves for anything trimmed
      // away, so a short stream is enough (BullMQ's default keeps about 10,000 events).
      streams: { events: { maxLen: EVENTS_KEPT } },
      defaultJobOptions: {
        attempts: this.#options.attempts,
        backoff: { type: 'exponential', delay: 1000 },
        removeOnComplete: { age: KEEP_SECONDS },
        removeOnFail: { age: KEEP_SECONDS },
      },
    });
    this.#queue = queue;
    queue.on('error', (e) => this.#reporter.error(e));
    await queue.waitUntilReady();
    const client = await queue.getBackend().client;
    this.#reporter.watch(client as unknown as Parameters<ConnectionReporter['watch']>[0]);
    // Read events from the newest one there now: whatever finishes after this line is seen as an event,
    // whatever finished before it is found by the first look at the jobs.
    const newest = (await (client as unknown as { xrevrange(...args: unknown[]): Promise<[string, string[]][]> })
      .xrevrange(queue.keys.events, '+', '-', 'COUNT', 1));
    const events = new QueueEvents(QUEUE_NAME, { connection, lastEventId: newest[0]?.[0] ?? '0-0' });
    this.#events = events;
    events.on('error', (e) => this.#reporter.error(e));
    events.on('completed', ({ jobId: id, returnvalue }) => this.#completed(id, returnvalue));
    events.on('failed', ({ jobId: id, failedReason }) => this.#failed(id, failedReason));
    events.on('stalled', ({ jobId: id }) => {
      if (this.#run?.pending.has(id)) this.#log(`queue: trial ${id} stalled (its worker stopped or hung); BullMQ put it back in the queue for another worker`);
    });
    await events.waitUntilReady();
    this.#reporter.watch((await events.getBackend().client) as unknown as Parameters<ConnectionReporter['watch']>[0]);
  }

  /** What the first look found, and whether anyone will run it. */
  async #report(run: ActiveRun): Promise<void> {
    const { enqueued, queued, collected } = this.lastRun;
    const workers = await this.#queue!.getWorkersCount().catch(() => -1);
    const who = workers === 0
      ? `no worker is connected yet: start some with "lrlab worker --queue ${this.url.text}"`
      : workers > 0 ? `${workers} worker${workers === 1 ? '' : 's'} connected` : 'workers unknown';
    this.#log(`queue ${this.url.text}: ${enqueued} trials enqueued, ${queued} already in the queue, ${collected} finished there; ${who}` +
      (run.pending.size === 0 ? '' : `; waiting for ${run.pending.size}`));
  }

  /**
   * Looks at every pending job: collects the finished ones and, on the first
   * look of a run or when one went missing, adds the absent ones.
   */
  async #reconcile(first: boolean): Promise<void> {
    const run = this.#run, queue = this.#queue;
    if (!run || !queue || (this.#reconciling && !first)) return;
    this.#reconciling = true;
    try {
      const missing: string[] = [];
      const ids = [...run.pending.keys()];
      for (let i = 0; i < ids.length; i += 200) {
        const chunk = ids.slice(i, i + 200);
        const states = await Promise.all(chunk.map((id) => queue.getJobState(id)));
        await Promise.all(chunk.map(async (id, k) => {
          if (!run.pending.has(id)) return;
          const state = states[k];
          if (state === 'completed' || state === 'failed') {
            const job = await queue.getJob(id);
            if (!job) return missing.push(id);
            if (first) this.lastRun.collected++;
            if (state === 'completed') this.#completed(id, job.returnvalue);
            else this.#failed(id, job.failedReason, job.attemptsMade);
          } else if (state === 'unknown') {
            missing.push(id);
          } else if (first) {
            this.lastRun.queued++;
          }
        }));
      }
      if (!first && missing.length) this.#log(`queue: ${missing.length} pending trials were no longer in the queue (was Redis restarted?); adding them again`);
      for (let i = 0; i < missing.length; i += 500) {
        const jobs = missing.slice(i, i + 500).filter((id) => run.pending.has(id))
          .map((id) => ({ name: JOB_NAME, data: encodeTask(run.pending.get(id)!), opts: { jobId: id } }));
        await queue.addBulk(jobs);
        if (first) this.lastRun.enqueued += jobs.length;
      }
    } catch (error) {
      // A lost connection: the reporter says so, and the next look (or the reconnection) tries again.
      if (first) throw error;
    } finally {
      this.#reconciling = false;
    }
  }

  #completed(id: string, returnvalue: unknown): void {
    const task = this.#run?.pending.get(id);
    if (!task) return;
    const outcome = decodeOutcome(returnvalue);
    if (!outcome || outcome.result.id !== task.trial.id || outcome.result.rung !== task.rung) {
      this.#deliver(id, async () => failedOutcome(task, 'the worker returned no result for this trial'));
      return;
    }
    this.#deliver(id, async () => outcome);
  }

  #failed(id: string, reason: string | undefined, attemptsMade?: number): void {
    const task = this.#run?.pending.get(id);
    if (!task) return;
    this.#deliver(id, async () => {
      const attempts = attemptsMade ?? (await this.#queue?.getJob(id).catch(() => undefined))?.attemptsMade;
      const runs = attempts ? ` after ${attempts} attempt${attempts === 1 ? '' : 's'}` : '';
      this.#log(`queue: trial ${id} failed${runs}: ${reason ?? 'no reason given'}`);
      return failedOutcome(task, `the queue gave up on this trial${runs}: ${reason ?? 'no reason given'}`);
    });
  }

  /** Hands one outcome to runSweep (once), then removes the job: the store holds the result now. */
  #deliver(id: string, outcome: () => Promise<TrialOutcome>): void {
    const run = this.#run;
    if (!run || !run.pending.delete(id)) return;
    run.chain = run.chain.then(async () => {
      if (run.error !== undefined) return;
      try {
        await run.onOutcome(await outcome());
      } catch (error) {
        run.error = error;
        run.wake();
        return;
      }
      await this.#queue?.remove(id).catch(() => undefined);
    });
    if (run.pending.size === 0) void run.chain.then(run.wake);
  }
}

function failedOutcome(task: TrialTask, error: string): TrialOutcome {
  const { trial } = task;
  return {
    result: {
      id: trial.id, index: trial.index, params: trial.params, repeat: trial.repeat,
      ...(task.rung === undefined ? {} : { rung: task.rung }),
      status: 'failed', error, timeMs: 0,
    },
  };
}
