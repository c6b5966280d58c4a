// What lrlab predict writes: a header and one row per input, class names
// quoted where CSV needs it, numbers that parse back to the same float32 bits;
// regression writes the target columns. The file is written whole (temporary
// file, then rename): an existing file is replaced and no temporary is left.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { predictionsCsv } from '../bindings/cli/predict.js';
import { writeFileAtomic } from '../bindings/files/atomic.js';
import type { Preprocessing } from '../bindings/preprocessing.js';

describe('predictionsCsv', () => {
  it('classes: the argmax name (quoted when it holds a comma or a quote) and each probability, exact to the bit', () => {
    const pre: Preprocessing = { features: ['a'], target: { kind: 'classes', columns: ['kind'], classes: ['x, y', 'say "hi"', 'z'] } };
    const probs = Float32Array.from([0.1, 0.7, 0.2, 0.6, 0.3, 0.1]);
    const lines = predictionsCsv(pre, { data: probs, rows: 2, cols: 3 }).trimEnd().split('\n');
    expect(lines[0]).toBe('kind,"p_x, y","p_say ""hi""",p_z');
    expect(lines[1].startsWith('"say ""hi""",')).toBe(true);
    expect(lines[2].startsWith('"x, y",')).toBe(true);
    const back = Float32Array.from(lines.slice(1).flatMap((l) => l.split(',').slice(-3).map(Number)));
    expect(Buffer.from(back.buffer).equals(Buffer.from(probs.buffer))).toBe(true);
  });

  it('regression: one column per target, the values as they are', () => {
    const pre: Preprocessing = { features: ['a', 'b'], target: { kind: 'regression', columns: ['price', 'volume'] } };
    const values = Float32Array.from([1.5, -2e-8, 3e7, 0.1]);
    expect(predictionsCsv(pre, { data: values, rows: 2, cols: 2 })).toBe(`price,volume\n1.5,${Math.fround(-2e-8)}\n30000000,${Math.fround(0.1)}\n`);
  });
});

describe('writeFileAtomic', () => {
  it('replaces an existing file whole and leaves no temporary file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lrlab-atomic-'));
    try {
      const path = join(dir, 'preds.csv');
      await writeFile(path, 'old content that is longer than the new one\n');
      await writeFileAtomic(path, 'new\n');
      expect(await readFile(path, 'utf8')).toBe('new\n');
      expect(await readdir(dir)).toEqual(['preds.csv']);
      await expect(writeFileAtomic(join(dir, 'missing', 'x.csv'), 'x')).rejects.toThrow(/ENOENT/);
      expect(await readdir(dir)).toEqual(['preds.csv']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
