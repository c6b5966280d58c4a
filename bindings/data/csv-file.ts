/**
 * loadCsv: parseCsv on a file read from disk (Node only). node:fs/promises is
 * imported inside the function, not at the top, so that index.ts can
 * re-export loadCsv and still be imported by a browser bundle.
 */
import { LrlabError } from '../errors.js';
import { parseCsv, type CsvDataset, type CsvOptions } from './csv.js';

export async function loadCsv(path: string, options: CsvOptions = {}): Promise<CsvDataset> {
  if (typeof path !== 'string' || path === '') throw new LrlabError('INVALID_OPTION', 'path', path, 'must be a non-empty file path');
  const { readFile } = await import('node:fs/promises');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new LrlabError('INVALID_OPTION', 'path', path, `must be a readable CSV file (${reason})`);
  }
  return parseCsv(text, { ...options, source: options.source ?? path });
}
