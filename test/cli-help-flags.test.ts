// For every command, the flags its --help lists are exactly the flags its parser
// accepts: the help is made from the same declarations the parser reads. Checked
// both ways on the real CLI: every flag listed in the help is accepted (all of
// them at once, before --help), and every declared flag is listed.
import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES } from '../bindings/cli/index.js';
import type { FlagSpecs } from '../bindings/cli/flags.js';
import { EXIT } from '../bindings/cli/exit-codes.js';
import { lrlab } from './helpers/cli.js';

/** Each command's declared flags, as its module exports them. */
const DECLARED: Record<string, () => Promise<FlagSpecs>> = {
  sweep: async () => (await import('../bindings/cli/sweep.js')).SWEEP_FLAGS,
  train: async () => (await import('../bindings/cli/train.js')).TRAIN_FLAGS,
  'find-lr': async () => (await import('../bindings/cli/find-lr.js')).FIND_LR_FLAGS,
  report: async () => (await import('../bindings/cli/report.js')).REPORT_FLAGS,
  recommend: async () => (await import('../bindings/cli/recommend.js')).RECOMMEND_FLAGS,
  tutorial: async () => (await import('../bindings/cli/tutorial.js')).TUTORIAL_FLAGS,
  predict: async () => (await import('../bindings/cli/predict.js')).PREDICT_FLAGS,
  export: async () => (await import('../bindings/cli/export.js')).EXPORT_FLAGS,
  import: async () => (await import('../bindings/cli/import.js')).IMPORT_FLAGS,
  worker: async () => (await import('../bindings/cli/worker.js')).WORKER_FLAGS,
};

interface Listed { name: string; short?: string; takesValue: boolean }

/** The rows of a help's options table: "  -h, --help", "  --out DIR", at two spaces' indent. */
function listedFlags(help: string): Listed[] {
  return [...help.matchAll(/^ {2}(?:-([A-Za-z]), )?--([a-z][a-z-]*)( \S+)?/gm)].map((m) => ({ name: m[2], short: m[1], takesValue: m[3] !== undefined }));
}

describe.concurrent('every command: --help lists exactly the flags it accepts', () => {
  it('covers every command of lrlab', () => {
    expect(Object.keys(DECLARED).sort()).toEqual([...COMMAND_NAMES].sort());
  });

  for (const command of COMMAND_NAMES) {
    it(`lrlab ${command}`, async () => {
      const help = await lrlab([command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: lrlab ${command}\\b`));
      const listed = listedFlags(help.stdout);
      expect(listed.some((f) => f.name === 'help')).toBe(true);
      expect(new Set(listed.map((f) => f.name)).size, 'no flag listed twice').toBe(listed.length);

      // Listed -> accepted: every listed flag at once (a value for those that take one) is parsed, then --help answers.
      const all = listed.filter((f) => f.name !== 'help').flatMap((f) => (f.takesValue ? [`--${f.name}`, 'x'] : [`--${f.name}`]));
      const accepted = await lrlab([command, ...all, '--help']);
      expect(accepted.stderr).toBe('');
      expect(accepted.code).toBe(0);
      expect(accepted.stdout).toBe(help.stdout);

      // Declared (what the parser reads) -> listed, with the same kind (value or none) and alias.
      const declared = await DECLARED[command]();
      expect(listed.map((f) => f.name).sort()).toEqual(Object.keys(declared).sort());
      for (const f of listed) {
        expect(f.takesValue, `--${f.name} takes a value`).toBe(declared[f.name].type === 'string');
        expect(f.short).toBe(declared[f.name].short);
      }

      // And a flag not declared is refused, with one lrlab: line.
      const unknown = await lrlab([command, '--no-such-flag']);
      expect(unknown.code).toBe(EXIT.REFUSED);
      expect(unknown.stderr).toMatch(new RegExp(`^lrlab: --no-such-flag: is not an option of lrlab ${command}`));
      expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    });
  }
});
