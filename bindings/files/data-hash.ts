/**
 * Node only: the CSV files a sweep trains on, fingerprinted (SHA-256) in
 * DIR/data.sha256.json when it starts. A rerun that resumes the sweep checks
 * them again: recorded trials trained on the old contents of an edited file
 * must not be mixed with new ones.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LrlabError } from '../errors.js';
import { writeFileAtomic } from './atomic.js';

export const DATA_HASH_FILE = 'data.sha256.json';

export async function checkDataUnchanged(dir: string, dataPaths: Iterable<string>, field = '--out'): Promise<void> {
  const file = join(dir, DATA_HASH_FILE);
  const text = await readFile(file, 'utf8').catch(() => undefined);
  let known: Record<string, string> = {};
  if (text !== undefined) {
    try {
      known = JSON.parse(text) as Record<string, string>;
    } catch {
      throw new LrlabError('CORRUPT_FILE', file, 'unreadable', `must hold the data fingerprints of the sweep; delete ${file} to record them afresh`);
    }
  }
  let added = false;
  for (const path of new Set(dataPaths)) {
    if (/^\w+:\/\//.test(path)) continue; // a URL: nothing to read here
    const bytes = await readFile(path).catch(() => undefined);
    if (bytes === undefined) continue; // the trial itself will report it
    // node:crypto is imported only here: loading it costs every sweep about 10 ms, and most train on no CSV file.
    const { createHash } = await import('node:crypto');
    const hash = createHash('sha256').update(bytes).digest('hex');
    if (Object.hasOwn(known, path) && known[path] !== hash) {
      throw new LrlabError('INVALID_OPTION', field, dir,
        `holds results trained on another version of ${path}: its contents changed since this sweep started; restore the file, or use another --out`);
    }
    if (!Object.hasOwn(known, path)) {
      known[path] = hash;
      added = true;
    }
  }
  if (added) await writeFileAtomic(file, JSON.stringify(known, null, 2) + '\n');
}
