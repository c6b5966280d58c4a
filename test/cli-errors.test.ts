// Refused input at the command line (node bin/lrlab.js): a non-zero exit (2),
// exactly one `lrlab: …` line on stderr that names the flag or field at fault,
// no stack trace, and no work done (no output directory written).
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { lrlab } from './helpers/cli.js';

let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'lrlab-cli-errors-'));
  await writeFile(join(tmp, 'bad.json'), '{ "epochs": 5, oops }\n');
  await mkdir(join(tmp, 'not-a-sweep'));
  await writeFile(join(tmp, 'not-a-sweep', 'notes.txt'), 'hello\n');
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

interface Case {
  name: string;
  args: () => string[];
  /** What the one stderr line must contain (the flag or field, and the bad value where useful). */
  mentions: (string | RegExp)[];
  /** A directory the refused command must not have created. */
  noOutput?: () => string;
}

const CASES: Case[] = [
  { name: 'an unknown subcommand', args: () => ['frobnicate'], mentions: ['frobnicate', /sweep, train, find-lr, report/] },
  { name: 'an unknown flag', args: () => ['train', '--bogus', '--out', join(tmp, 'unknown-flag')], mentions: ['--bogus'], noOutput: () => join(tmp, 'unknown-flag') },
  { name: '--lr abc', args: () => ['train', '--lr', 'abc', '--out', join(tmp, 'lr-abc')], mentions: ['--lr', 'abc', /number/], noOutput: () => join(tmp, 'lr-abc') },
  { name: '--epochs 0', args: () => ['train', '--epochs', '0', '--out', join(tmp, 'epochs-0')], mentions: ['--epochs', /integer >= 1/], noOutput: () => join(tmp, 'epochs-0') },
  { name: '--data nosuch', args: () => ['train', '--data', 'nosuch', '--out', join(tmp, 'data')], mentions: ['--data', 'nosuch', /moons/], noOutput: () => join(tmp, 'data') },
  { name: '--spec missing.json', args: () => ['train', '--spec', join(tmp, 'missing.json'), '--out', join(tmp, 'spec-missing')], mentions: ['--spec', 'missing.json'], noOutput: () => join(tmp, 'spec-missing') },
  { name: '--spec with invalid JSON', args: () => ['train', '--spec', join(tmp, 'bad.json'), '--out', join(tmp, 'spec-bad')], mentions: ['--spec', 'bad.json', /JSON/], noOutput: () => join(tmp, 'spec-bad') },
  { name: 'report on a directory that is not a sweep', args: () => ['report', join(tmp, 'not-a-sweep')], mentions: ['not-a-sweep', /sweep\.json/] },
  { name: 'sweep --lr abc', args: () => ['sweep', '--lr', '0.1,abc', '--inline', '--out', join(tmp, 'sweep-lr')], mentions: ['--lr', 'abc'], noOutput: () => join(tmp, 'sweep-lr') },
  { name: 'sweep --epochs 0', args: () => ['sweep', '--epochs', '0', '--inline', '--out', join(tmp, 'sweep-epochs')], mentions: ['--epochs'], noOutput: () => join(tmp, 'sweep-epochs') },
  { name: 'find-lr --steps 0', args: () => ['find-lr', '--steps', '0', '--out', join(tmp, 'find-lr')], mentions: ['--steps'], noOutput: () => join(tmp, 'find-lr') },
  // A base experiment no trial can run is refused input too, as `lrlab train --optimizer bogus` is;
  // it must not become a "successful" sweep whose every trial failed.
  {
    name: 'sweep --optimizer bogus (an invalid base experiment)',
    args: () => ['sweep', '--optimizer', 'bogus', '--lr', '0.1', '--momentum', '0', '--epochs', '1', '--inline', '--out', join(tmp, 'sweep-optimizer')],
    mentions: [/optimizer/, 'bogus'],
    noOutput: () => join(tmp, 'sweep-optimizer', 'results.jsonl'),
  },
];

describe.concurrent('refused input', () => {
  for (const c of CASES) {
    it(`${c.name}: exit 2, one "lrlab:" line naming it, no stack trace`, async ({ expect }) => {
      const run = await lrlab(c.args());
      expect(run.code, `exit code; stdout: ${run.stdout.slice(0, 300)}`).toBe(2);
      const lines = run.stderr.trimEnd().split('\n');
      expect(lines, run.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^lrlab: \S/);
      for (const m of c.mentions) {
        if (typeof m === 'string') expect(lines[0]).toContain(m);
        else expect(lines[0]).toMatch(m);
      }
      expect(run.stderr).not.toMatch(/^\s+at /m);
      expect(run.stderr).not.toMatch(/node:internal|\.ts:\d+/);
      expect(run.stdout).toBe('');
      if (c.noOutput) expect(existsSync(c.noOutput()), `${c.noOutput()} must not be written`).toBe(false);
    });
  }
});
