/**
 * loadCsv: parseCsv on a file read from disk (Node only) or fetched from an
 * http(s) URL (anywhere fetch exists), so that queue workers on other machines
 * can read a data set by reference. node:fs/promises is imported inside the
 * function, not at the top, so that index.ts can re-export loadCsv and still be
 * imported by a browser bundle.
 */
import { LrlabError } from '../errors.js';
import { parseCsv, type CsvDataset, type CsvOptions } from './csv.js';

export async function loadCsv(path: string, options: CsvOptions = {}): Promise<CsvDataset> {
  if (typeof path !== 'string' || path === '') throw new LrlabError('INVALID_OPTION', 'path', path, 'must be a non-empty file path or http(s) URL');
  const text = /^https?:\/\//i.test(path) ? await fetchText(path) : await readText(path);
  return parseCsv(text, { ...options, source: options.source ?? path });
}

async function readText(path: string): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new LrlabError('INVALID_OPTION', 'path', path, `must be a readable CSV file (${reason})`);
  }
}

async function fetchText(url: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (err) {
    throw new LrlabError('INVALID_OPTION', 'path', url, `must be a reachable URL (${(err as Error).cause ?? (err as Error).message})`);
  }
  if (!response.ok) throw new LrlabError('INVALID_OPTION', 'path', url, `must answer 200 with a CSV file (HTTP ${response.status})`);
  return response.text();
}
