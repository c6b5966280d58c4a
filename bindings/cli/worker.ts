/**
 * lrlab worker: pulls sweep trials from a BullMQ queue on Redis and runs them
 * on this machine's worker threads, until stopped. Any number of workers, on
 * any number of machines, serve the coordinators started with
 * `lrlab sweep --queue URL`.
 */
import { availableParallelism } from 'node:os';
import { LrlabError } from '../errors.js';
import { QueueWorker } from '../sweep/queue-worker.js';
import { HELP_FLAG, defineFlags, flagInteger, flagSet, flagsHelp, parseFlags } from './flags.js';
import { paramsText } from './sweep.js';

export const WORKER_FLAGS = flagSet(defineFlags({
  queue: {
    type: 'string', arg: 'URL',
    help: 'the Redis server: redis://HOST:PORT (rediss:// for TLS,\nredis://:PASSWORD@HOST:PORT/DB with a password and a database)',
  },
  concurrency: { type: 'string', arg: 'N', help: `trials at a time (default: one per core, ${availableParallelism()} here)` },
  name: { type: 'string', arg: 'NAME', help: "this worker's name in logs and on the jobs it runs (default HOST-PID)" },
  'lock-duration': {
    type: 'string', arg: 'MS',
    help: "a running trial's lock lasts this long unless renewed (default 30000);\na dead worker's trials are retried elsewhere after it",
  },
  'stalled-interval': { type: 'string', arg: 'MS', help: 'how often to look for trials of dead workers (default 30000)' },
}), HELP_FLAG);

export const WORKER_HELP = `Usage: lrlab worker --queue URL [options]

Runs the trials of sweeps started with "lrlab sweep --queue URL" (on this
machine or another), --concurrency at a time, each on a worker thread of this
process, until stopped. Start as many workers as you like, on as many
machines as you like, all with the same URL. Ctrl-C finishes the running
trials and exits; a second Ctrl-C exits at once. The trials of a worker that
exits at once, or is killed outright (SIGKILL, power loss), go back to the
queue for another worker when their locks lapse (--lock-duration).

Data sets are not sent with the trials, only their specs: a built-in
generator (blobs, moons, circles, spiral) is rebuilt here from its seed, MNIST
is read from the mnist package, and a CSV file is read from its path, which
must therefore exist on every worker machine (absolute, or relative to the
directory this worker runs in), or fetched from its http(s) URL.

Options:
${flagsHelp(WORKER_FLAGS)}
Environment:
  LRLAB_QUEUE_CONNECT_TIMEOUT   seconds the first connection is tried before giving up (default 10)
`;

export async function workerCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, WORKER_FLAGS, 'lrlab worker');
  if (values.help) {
    process.stdout.write(WORKER_HELP);
    return 0;
  }
  if (values.queue === undefined) {
    throw new LrlabError('INVALID_OPTION', '--queue', undefined, 'is required: the Redis server the sweeps queue their trials on, redis://HOST:PORT');
  }
  const worker = await QueueWorker.start({
    url: values.queue,
    concurrency: values.concurrency === undefined ? undefined : flagInteger('--concurrency', values.concurrency),
    name: values.name,
    lockDurationMs: values['lock-duration'] === undefined ? undefined : flagInteger('--lock-duration', values['lock-duration']),
    stalledIntervalMs: values['stalled-interval'] === undefined ? undefined : flagInteger('--stalled-interval', values['stalled-interval']),
    onTrial: ({ jobId, task, outcome }) => {
      const { result } = outcome;
      const rung = task.rung === undefined ? '' : ` rung ${task.rung}`;
      process.stdout.write(`trial ${jobId}${rung} ${paramsText(result.params)}: ${result.status} in ${(result.timeMs / 1000).toFixed(2)} s\n`);
    },
  });
  process.stderr.write(`worker ${worker.name}: connected to ${worker.url.text}, ${worker.concurrency} trial${worker.concurrency === 1 ? '' : 's'} at a time; waiting for trials (Ctrl-C to stop)\n`);
  let stops = 0;
  const stopped = new Promise<number>((resolve) => {
    // Being stopped is how a worker ends: exit 0 once the running trials are done.
    const stop = () => {
      stops++;
      if (stops === 1) {
        process.stderr.write(`\nworker ${worker.name}: finishing the running trials, then stopping (again to stop at once)\n`);
        void worker.close().then(() => resolve(0));
      } else {
        process.stderr.write(`worker ${worker.name}: stopping now; the running trials go back to the queue when their locks lapse\n`);
        void worker.close(true).finally(() => process.exit(130));
      }
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  const code = await stopped;
  process.stderr.write(`worker ${worker.name}: stopped\n`);
  return code;
}
