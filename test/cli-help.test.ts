// `lrlab --help` and every subcommand's --help, run as a user runs them
// (node bin/lrlab.js, the compiled CLI): exit 0, usage on stdout, every option listed.
// `lrlab` alone is a usage error: non-zero exit, the usage shown.
import { describe, it } from 'vitest';
import { lrlab } from './helpers/cli.js';

const EXPERIMENT = ['--spec', '--data', '--hidden', '--optimizer', '--lr', '--momentum', '--epochs', '--batch-size', '--seed', '--backend', '--test-split', '--standardize'];
const FIT = ['--schedule', '--plateau', '--early-stopping', '--divergence', '--validation-split'];

const COMMANDS: Record<string, string[]> = {
  sweep: ['--sweep', '--lr', '--momentum', '--optimizers', '--repeats', '--halving', '--out', '--workers', '--inline', '--queue', ...EXPERIMENT, ...FIT, '-h', '--help'],
  train: ['--out', '--resume', '--overwrite', '--every', '--threads', ...EXPERIMENT, ...FIT, '-h', '--help'],
  'find-lr': ['--start', '--end', '--steps', '--out', ...EXPERIMENT, '-h', '--help'],
  report: ['DIR', '-h', '--help'],
  recommend: ['--budget', '--objective', '--json', '--out', '--workers', '--inline', ...EXPERIMENT, '-h', '--help'],
  tutorial: ['--out', '--repeats', '--epochs', '--workers', '--inline', '-h', '--help'],
  worker: ['--queue', '--concurrency', '--name', '--lock-duration', '--stalled-interval', '-h', '--help'],
  predict: ['--model', '--data', '--out', '--delimiter', '--backend', '-h', '--help'],
  export: ['--model', '--format', '--out', '-h', '--help'],
  import: ['--format', '--model', '--out', '--optimizer', '--lr', '--loss', '--seed', '-h', '--help'],
};

/** Whether `help` lists `option` as an option (at the start of a line, as the help tables do). */
function lists(help: string, option: string): boolean {
  const escaped = option.replace(/[-]/g, '\\-');
  return new RegExp(`^\\s+(-h, )?${escaped}\\b`, 'm').test(help) || (option === 'DIR' && /^Usage: lrlab report DIR/m.test(help));
}

describe.concurrent('lrlab --help', () => {
  it('lrlab --help exits 0 and lists every command', async ({ expect }) => {
    const run = await lrlab(['--help']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^Usage: lrlab <command> \[options\]/);
    for (const command of Object.keys(COMMANDS)) expect(run.stdout).toMatch(new RegExp(`^\\s+${command}\\s+\\S`, 'm'));
    expect(run.stdout).toContain('lrlab <command> --help');
  });

  for (const [command, options] of Object.entries(COMMANDS)) {
    it(`lrlab ${command} --help exits 0 and lists its options`, async ({ expect }) => {
      const run = await lrlab([command, '--help']);
      expect(run.code).toBe(0);
      expect(run.stderr).toBe('');
      expect(run.stdout).toMatch(new RegExp(`^Usage: lrlab ${command}\\b`));
      for (const option of options) expect(lists(run.stdout, option), `${command} --help lists ${option}`).toBe(true);
      // Help does no work: nothing trained, nothing written.
      expect(run.stdout).not.toMatch(/^epoch\s/m);
      expect(run.stdout).not.toMatch(/report: /);
    });
  }

  it('lrlab with no command exits non-zero and shows the usage', async ({ expect }) => {
    const run = await lrlab([]);
    expect(run.code).not.toBe(0);
    expect(run.stdout + run.stderr).toMatch(/Usage: lrlab <command> \[options\]/);
    for (const command of Object.keys(COMMANDS)) expect(run.stdout + run.stderr).toContain(command);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });
});
