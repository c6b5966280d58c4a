/**
 * The lrlab command: one subcommand per job, each with its own --help.
 * A command's module is imported only when that command runs, so `lrlab --help`
 * loads this file and nothing else (no training code, no report, no BullMQ).
 */
import { LrlabError } from '../errors.js';
import { didYouMean } from '../suggest.js';
import { EXIT_CODES_HELP } from './exit-codes.js';
import { importQueueCode } from '../sweep/queue-import.js';

interface Command {
  summary: string;
  run: (args: string[]) => Promise<number>;
}

/** Every command, in the order --help lists them. To add one: one line here, its module imported inside `run`. */
const COMMANDS: Record<string, Command> = {
  sweep: { summary: 'learning-rate sensitivity analysis over a grid, in parallel, with a report', run: async (args) => (await import('./sweep.js')).sweepCommand(args) },
  train: { summary: 'one training run, with per-epoch output, a report and the saved model', run: async (args) => (await import('./train.js')).trainCommand(args) },
  'find-lr': { summary: 'the LR range test, with suggested learning rates', run: async (args) => (await import('./find-lr.js')).findLrCommand(args) },
  report: { summary: "rebuild a sweep's report from its results directory", run: async (args) => (await import('./report.js')).reportCommand(args) },
  recommend: { summary: 'the learning rate to use, from a budgeted search on the experiment, with the evidence', run: async (args) => (await import('./recommend.js')).recommendCommand(args) },
  tutorial: { summary: "the learning-rate tutorial's six experiments on its exact data, in one report", run: async (args) => (await import('./tutorial.js')).tutorialCommand(args) },
  predict: { summary: 'score the rows of a CSV file with a saved model', run: async (args) => (await import('./predict.js')).predictCommand(args) },
  export: { summary: 'write a saved model in the TF.js Layers or the ONNX format', run: async (args) => (await import('./export.js')).exportCommand(args) },
  import: { summary: 'read a Dense TF.js Layers model into an lrlab model file', run: async (args) => (await import('./import.js')).importCommand(args) },
  worker: { summary: 'run the trials of sweeps queued with "sweep --queue URL" (Redis), on any machine', run: async (args) => (await importQueueCode('command', 'worker', () => import('./worker.js'))).workerCommand(args) },
};

/** The command names, in --help order. */
export const COMMAND_NAMES = Object.keys(COMMANDS);

const width = Object.keys(COMMANDS).reduce((w, name) => Math.max(w, name.length), 0) + 3;

export const HELP = `Usage: lrlab <command> [options]

Commands:
${Object.entries(COMMANDS).map(([name, { summary }]) => `  ${name.padEnd(width)} ${summary}`).join('\n')}

Run "lrlab <command> --help" for a command's options, "lrlab --version" for the version.

${EXIT_CODES_HELP}`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(HELP);
    return command === undefined ? 2 : 0;
  }
  const entry = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!entry) throw new LrlabError('UNKNOWN_OPTION', 'command', command, `must be one of ${Object.keys(COMMANDS).join(', ')}${didYouMean(command, Object.keys(COMMANDS))}; see lrlab --help`);
  return entry.run(rest);
}
