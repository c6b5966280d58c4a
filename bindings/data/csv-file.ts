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
    return decodeUtf8(await readFile(path), path);
  } catch (err) {
    if (err instanceof LrlabError) throw err;
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new LrlabError('INVALID_OPTION', 'path', path, `must be a readable CSV file (${reason})`);
  }
}

/**
 * The file's text, refusing bytes that are not UTF-8: decoded leniently, the
 * Latin-1 names "caf\xe9" and "caf\xe8" both became "caf\ufffd", one class.
 */
export function decodeUtf8(bytes: Uint8Array, source: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const text = new TextDecoder('utf-8').decode(bytes);
    const at = text.indexOf('\ufffd');
    const line = text.slice(0, Math.max(0, at)).split('\n').length;
    throw new LrlabError('INVALID_DATA', source, `line ${line}`,
      'must be UTF-8 text: this file has bytes that are not (it may be Latin-1 or Windows-1252); convert it, e.g. iconv -f latin1 -t utf-8');
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
  return decodeUtf8(new Uint8Array(await response.arrayBuffer()), url);
}
