/**
 * The feature columns of a CSV, found by header name, for scoring rows with a
 * trained model: every feature must be there (in any order), the label
 * column(s) may be and are skipped, and any other column is refused, naming it.
 * Pure string processing like csv.ts, so it runs in browsers too.
 */
import { LrlabError } from '../errors.js';
import type { Matrix } from '../types.js';
import { parseNumber, parseRecords } from './csv.js';

export interface ColumnsOptions {
  /** The model's feature names, in x column order. */
  features: string[];
  /** Columns that may be present and are skipped (the label columns of the training data). */
  optional?: string[];
  delimiter?: string;
  /** Name used in error messages (default 'csv'). */
  source?: string;
}

export function parseCsvColumns(text: string, options: ColumnsOptions): Matrix {
  const { features, optional = [], delimiter = ',', source = 'csv' } = options;
  if (typeof text !== 'string') throw new LrlabError('INVALID_OPTION', 'text', text, 'must be a string');
  const records = parseRecords(text, delimiter, source);
  if (records.length === 0) throw new LrlabError('CORRUPT_FILE', source, '', 'is empty: expected a header line and data rows');
  const header = records[0]!.cells;
  const expected = `the model's columns are ${features.join(', ')}${optional.length ? `, and optionally ${optional.join(', ')}` : ''}`;
  header.forEach((name, c) => {
    if (header.indexOf(name) !== c) throw new LrlabError('INVALID_DATA', `${source} column ${c + 1}`, name, 'must not repeat a column name');
    if (!features.includes(name) && !optional.includes(name)) {
      throw new LrlabError('INVALID_DATA', `${source} column ${c + 1}`, name, `is not a column of the model (extra column); ${expected}`);
    }
  });
  const index = features.map((name) => {
    const c = header.indexOf(name);
    if (c < 0) throw new LrlabError('INVALID_DATA', `${source} column ${JSON.stringify(name)}`, header, `is missing from the header; ${expected}`);
    return c;
  });
  const rows = records.slice(1);
  if (rows.length === 0) throw new LrlabError('INVALID_DATA', source, 0, `must have at least one data row after the header (line ${records[0]!.line})`);
  const d = features.length;
  const data = new Float32Array(rows.length * d);
  rows.forEach((r, i) => {
    if (r.cells.length !== header.length) {
      throw new LrlabError('CORRUPT_FILE', `${source} line ${r.line}`, r.cells.length, `must have ${header.length} cells like the header (line ${records[0]!.line})`);
    }
    index.forEach((c, j) => {
      data[i * d + j] = parseNumber(r.cells[c]!, `${source} line ${r.line}, column ${c + 1} (${JSON.stringify(header[c])})`, 'feature');
    });
  });
  return { data, rows: rows.length, cols: d };
}
