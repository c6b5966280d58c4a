/**
 * The worker side of the queue executor (`lrlab worker --queue URL`): a
 * BullMQ Worker that takes `concurrency` trial jobs at a time and runs each on
 * a worker thread of this process (the pool's threads, pool.ts), so this
 * thread stays free to renew the jobs' locks while trials train. The wasm
 * module is compiled once and shared with every thread.
 *
 * A trial that throws is still a result (status 'failed', returned as the
 * job's value); what makes BullMQ retry the job is a crash: a thread that
 * dies (it is replaced for the next job), or this process killed outright —
 * its jobs' locks then lapse after lockDuration and another worker's
 * stalled-job check (every stalledInterval) puts them back in the queue.
 */
import { availableParallelism, hostname } from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { wasmModule, type WasmSource } from '../backend/wasm-module.js';
import { LrlabError } from '../errors.js';
import { PoolExecutor } from './pool.js';
import {
  ConnectionReporter, QUEUE_NAME, bullConnection, connectTimeoutMs, parseQueueUrl, probeRedis, type QueueUrl,
} from './queue-connection.js';
import { LRLAB_VERSION, decodeTask, encodeOutcome, type TrialJobData, type TrialJobReturn } from './queue-jobs.js';
import type { TrialOutcome, TrialTask } from './trial.js';

export interface QueueWorkerOptions {
  url: string;
  /** Trials at a time, one worker thread each (default: one per core). */
  concurrency?: number;
  /** Shown in logs and stored on the jobs it runs (default: host-pid). */
  name?: string;
  /** How long a job's lock lasts without renewal (renewed every half of it); a dead worker's job is retried after it. Default 30 s. */
  lockDurationMs?: number;
  /** How often this worker checks for jobs whose worker died. Default 30 s. */
  stalledIntervalMs?: number;
  connectTimeoutMs?: number;
  wasm?: WasmSource;
  /** Status lines (connection, retries, stalls). Default: stderr. */
  log?: (line: string) => void;
  /** Called after every trial this worker ran. */
  onTrial?: (event: { jobId: string; task: TrialTask; outcome: TrialOutcome }) => void;
}

export class QueueWorker {
  readonly url: QueueUrl;
  readonly name: string;
  readonly concurrency: number;
  #worker?: Worker<TrialJobData, TrialJobReturn>;
  #slots: PoolExecutor[] = [];
  #free: PoolExecutor[] = [];
  #warned = new Set<string>();
  readonly #log: (line: string) => void;

  private constructor(readonly options: QueueWorkerOptions) {
    this.url = parseQueueUrl(options.url);
    this.concurrency = options.concurrency ?? availableParallelism();
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) {
      throw new LrlabError('INVALID_OPTION', '--concurrency', this.concurrency, 'must be an integer >= 1');
    }
    for (const [field, value] of [['--lock-duration', options.lockDurationMs], ['--stalled-interval', options.stalledIntervalMs]] as const) {
      if (value !== undefined && (!Number.isInteger(value) || value < 100)) {
        throw new LrlabError('INVALID_OPTION', field, value, 'must be a whole number of milliseconds >= 100');
      }
    }
    this.name = options.name ?? `${hostname()}-${process.pid}`;
    this.#log = options.log ?? ((line) => process.stderr.write(line + '\n'));
  }

  /** Connects (a bounded time, then an LrlabError naming the URL), starts the threads and starts taking jobs. */
  static async start(options: QueueWorkerOptions): Promise<QueueWorker> {
    const worker = new QueueWorker(options);
    await probeRedis(worker.url, options.connectTimeoutMs ?? connectTimeoutMs());
    await worker.#start();
    return worker;
  }

  /** Stops taking jobs; waits for the running trials to finish unless `force`, then ends the threads. */
  async close(force = false): Promise<void> {
    await this.#worker?.close(force);
    await Promise.all(this.#slots.map((slot) => slot.close()));
  }

  async #start(): Promise<void> {
    const wasm = await wasmModule(this.options.wasm); // compiled once, shared with every thread
    this.#slots = Array.from({ length: this.concurrency }, () => new PoolExecutor({ concurrency: 1, wasm }));
    this.#free = [...this.#slots];
    await Promise.all(this.#slots.map((slot) => slot.run([], () => undefined))); // start the threads now, not at the first job
    const reporter = new ConnectionReporter(this.url, this.#log);
    const worker = new Worker<TrialJobData, TrialJobReturn>(QUEUE_NAME, (job) => this.#process(job), {
      connection: bullConnection(this.url),
      concurrency: this.concurrency,
      name: this.name,
      lockDuration: this.options.lockDurationMs ?? 30_000,
      stalledInterval: this.options.stalledIntervalMs ?? 30_000,
      maxStalledCount: 1,
    });
    this.#worker = worker;
    worker.on('error', (e) => reporter.error(e));
    worker.on('failed', (job, error) => {
      if (!job) return;
      const left = (job.opts.attempts ?? 1) - job.attemptsMade;
      this.#log(`worker: trial ${job.id} attempt ${job.attemptsMade} failed (${error.message})${left > 0 ? `; BullMQ retries it (${left} left)` : '; no attempts left'}`);
    });
    worker.on('stalled', (id) => this.#log(`worker: trial ${id} stalled (its worker stopped); back in the queue`));
    await worker.waitUntilReady();
    const backend = worker.getBackend();
    const watch = (client: unknown) => reporter.watch(client as Parameters<ConnectionReporter['watch']>[0]);
    watch(await backend.client);
    const blocking = backend.blockingClient;
    if (blocking) watch(await blocking);
  }

  async #process(job: Job<TrialJobData, TrialJobReturn>): Promise<TrialJobReturn> {
    const task = decodeTask(job.data);
    // A job this worker cannot read fails at once: another attempt would read it no better.
    if (typeof task === 'string') throw new UnrecoverableError(task);
    const version = job.data.lrlab;
    if (version !== LRLAB_VERSION && !this.#warned.has(version)) {
      this.#warned.add(version);
      this.#log(`worker: the coordinator runs lrlab ${version} and this worker ${LRLAB_VERSION}: results may differ from a run on one version`);
    }
    const slot = this.#free.pop();
    if (!slot) throw new Error('no free worker thread (BullMQ gave more jobs than --concurrency)');
    try {
      let outcome: TrialOutcome | undefined;
      await slot.run([task], (o) => { outcome = o; });
      if (!outcome) throw new Error('the worker thread returned no result');
      this.options.onTrial?.({ jobId: job.id!, task, outcome });
      return encodeOutcome(outcome);
    } catch (error) {
      await slot.close(); // a thread that died is started afresh for the next job
      throw error;
    } finally {
      this.#free.push(slot);
    }
  }
}
