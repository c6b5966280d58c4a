/** The lrlab command: one subcommand per job, each with its own --help. */
import { LrlabError } from '../errors.js';
import { findLrCommand } from './find-lr.js';
import { reportCommand } from './report.js';
import { sweepCommand } from './sweep.js';
import { trainCommand } from './train.js';

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  sweep: sweepCommand,
  train: trainCommand,
  'find-lr': findLrCommand,
  report: reportCommand,
  // Loaded when used: BullMQ and ioredis take a while to import, and only this command and sweep --queue need them.
  worker: async (args) => (await import('./worker.js')).workerCommand(args),
};

export const HELP = `Usage: lrlab <command> [options]

Commands:
  sweep      learning-rate sensitivity analysis over a grid, in parallel, with a report
  train      one training run, with per-epoch output, a report and the saved model
  find-lr    the LR range test, with suggested learning rates
  report     rebuild a sweep's report from its results directory
  worker     run the trials of sweeps queued with "sweep --queue URL" (Redis), on any machine

Run "lrlab <command> --help" for a command's options.
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(HELP);
    return command === undefined ? 2 : 0;
  }
  const run = COMMANDS[command];
  if (!run) throw new LrlabError('UNKNOWN_OPTION', 'command', command, `must be one of ${Object.keys(COMMANDS).join(', ')} (see lrlab --help)`);
  return run(rest);
}
