/**
 * CSV text -> Dataset. Pure string processing, no Node built-ins, so it runs in
 * browsers too (csv-file.ts adds reading from disk).
 *
 * Format: RFC 4180 with a configurable one-character delimiter. Fields may be
 * quoted ("a, b" and "say ""hi""", quoted fields may span lines); unquoted
 * fields are trimmed; blank lines are skipped; a UTF-8 BOM is ignored.
 *
 * Errors name the line (1-based, as an editor shows it) and the column
 * (1-based, with its header name when there is one):
 * - CORRUPT_FILE: the text is not a table — empty text, ragged rows,
 *   unterminated quote, text after a closing quote.
 * - INVALID_DATA: the table is well formed but a value is unusable — a
 *   non-numeric or empty feature cell, NaN/Infinity (also a number beyond
 *   float32 range), a bad label, or no data rows after the header.
 */
import { LrlabError, shorten } from '../errors.js';
import { warn } from '../warn.js';
import type { Dataset } from '../types.js';
import { checkBoolean, checkChoice, checkKeys, checkNumber } from '../validate.js';
import { labelsOfOneHot } from './arrays.js';
import { oneHot, optionsObject } from './common.js';

/**
 * How the label column(s) become y:
 * - 'integer': one column of class indices 0..k-1 -> one-hot y, k = max + 1.
 * - 'category': one column of class names (any text) -> indices in SORTED
 *   order (numerically if every name is a number, else by code unit), exposed
 *   as `classNames`. Sorted, not first-appearance, so that two files with the
 *   same classes (train.csv, test.csv) map them identically whatever their row order.
 * - 'onehot': two or more columns that already hold one-hot rows -> y as is,
 *   labels = index of the 1, classNames = the header names of those columns.
 * - 'regression': numeric column(s) -> y as an n × m matrix, no labels.
 * - 'auto' (default): several columns -> 'onehot' if every row is one-hot,
 *   else 'regression'. One column -> 'category' if any cell is not a number;
 *   'regression' if some number is not an integer; 'integer' if all are
 *   integers >= 0; 'category' if some integer is negative (e.g. -1/1 labels).
 *   Integer-valued regression targets must ask for 'regression' explicitly.
 */
export type CsvLabelMode = 'auto' | 'integer' | 'category' | 'onehot' | 'regression';
export const CSV_LABEL_MODES: readonly CsvLabelMode[] = ['auto', 'integer', 'category', 'onehot', 'regression'];

export interface CsvOptions {
  /** First non-blank line holds the column names (default true). */
  header?: boolean;
  /**
   * The target column: a header name, or a 0-based index (negative counts from
   * the end, -1 = last). An array selects several columns ('onehot' or
   * multi-output 'regression'). Default: the last column.
   */
  labelColumn?: string | number | Array<string | number>;
  labels?: CsvLabelMode;
  /** One character, default ','. */
  delimiter?: string;
  /** Name used in error messages and as Dataset.name (default 'csv'; loadCsv passes the path). */
  source?: string;
}

export interface CsvDataset extends Dataset {
  /** Header names of the feature columns, in x column order (only with a header). */
  featureNames?: string[];
  /** Class index -> class name, for 'category' labels and headed 'onehot' columns. */
  classNames?: string[];
  /** Header names of the label column(s) (only with a header). */
  targetNames?: string[];
}

export const CSV_KEYS = ['header', 'labelColumn', 'labels', 'delimiter', 'source'] as const;

/** More one-hot columns than this is almost surely a regression target read as classes. */
export const MAX_CSV_CLASSES = 65536;

export interface ResolvedCsvOptions {
  header: boolean;
  labelColumn: Array<string | number> | undefined;
  labels: CsvLabelMode;
  delimiter: string;
  source: string;
}

export function resolveCsvOptions(options: unknown, field = 'csv', allow: readonly string[] = []): ResolvedCsvOptions {
  const o = optionsObject(field, options);
  checkKeys(field, o, [...CSV_KEYS, ...allow]);
  const delimiter = o.delimiter === undefined ? ',' : o.delimiter;
  if (typeof delimiter !== 'string' || delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new LrlabError('INVALID_OPTION', `${field}.delimiter`, delimiter, 'must be one character other than a quote or a line break');
  }
  let labelColumn: Array<string | number> | undefined;
  if (o.labelColumn !== undefined) {
    const list = Array.isArray(o.labelColumn) ? o.labelColumn : [o.labelColumn];
    if (list.length === 0) throw new LrlabError('INVALID_OPTION', `${field}.labelColumn`, o.labelColumn, 'must name at least one column');
    labelColumn = list.map((c, i) => {
      const f = Array.isArray(o.labelColumn) ? `${field}.labelColumn[${i}]` : `${field}.labelColumn`;
      if (typeof c === 'string') return c;
      return checkNumber(f, c, { integer: true });
    });
  }
  const source = o.source === undefined ? 'csv' : o.source;
  if (typeof source !== 'string') throw new LrlabError('INVALID_OPTION', `${field}.source`, source, 'must be a string');
  return {
    header: checkBoolean(`${field}.header`, o.header, true),
    labelColumn,
    labels: o.labels === undefined ? 'auto' : checkChoice(`${field}.labels`, o.labels, CSV_LABEL_MODES),
    delimiter,
    source,
  };
}

export interface CsvRecord {
  line: number;
  cells: string[];
}

export function parseCsv(text: string, options: CsvOptions = {}): CsvDataset {
  const opts = resolveCsvOptions(options);
  const { source } = opts;
  if (typeof text !== 'string') throw new LrlabError('INVALID_OPTION', 'text', text, 'must be a string');
  const records = parseRecords(text, opts.delimiter, source);
  if (records.length === 0) {
    throw new LrlabError('CORRUPT_FILE', source, text.length > 0 ? '(blank lines only)' : '', 'is empty: expected a header line and data rows');
  }

  const names = opts.header ? records[0]!.cells : undefined;
  if (names) checkDistinctNames(names, source, records[0]!.line);
  const rows = opts.header ? records.slice(1) : records;
  const width = records[0]!.cells.length;
  for (const r of rows) {
    if (r.cells.length !== width) {
      const what = opts.header ? `the header (line ${records[0]!.line})` : `the first row (line ${records[0]!.line})`;
      throw new LrlabError('CORRUPT_FILE', `${source} line ${r.line}`, r.cells.length, `must have ${width} cells like ${what}`);
    }
  }
  const where = (line: number, col: number): string =>
    `${source} line ${line}, column ${col + 1}${names ? ` (${JSON.stringify(shorten(names[col]!))})` : ''}`;

  const targetCols = resolveLabelColumns(opts.labelColumn, width, names, source);
  const featureCols = [...Array(width).keys()].filter((c) => !targetCols.includes(c));
  if (featureCols.length === 0) {
    throw new LrlabError('INVALID_DATA', `${source}.labelColumn`, opts.labelColumn, 'leaves no feature column: x needs at least one');
  }
  if (rows.length === 0) {
    throw new LrlabError('INVALID_DATA', source, 0, `must have at least one data row after the header (line ${records[0]!.line})`);
  }

  const n = rows.length;
  const d = featureCols.length;
  const x = new Float32Array(n * d);
  rows.forEach((r, i) => {
    featureCols.forEach((c, j) => {
      x[i * d + j] = parseNumber(r.cells[c]!, where(r.line, c), 'feature');
    });
  });

  const ds: CsvDataset = { x: { data: x, rows: n, cols: d }, y: { data: new Float32Array(0), rows: n, cols: 0 }, name: source };
  if (names) {
    ds.featureNames = featureCols.map((c) => names[c]!);
    ds.targetNames = targetCols.map((c) => names[c]!);
  }
  const mode = opts.labels === 'auto' ? detectMode(rows, targetCols, where) : opts.labels;
  const single = (): number => {
    if (targetCols.length !== 1) {
      throw new LrlabError('INVALID_OPTION', `${source}.labelColumn`, opts.labelColumn, `must be a single column with labels: '${mode}'`);
    }
    return targetCols[0]!;
  };

  if (mode === 'regression') {
    const m = targetCols.length;
    const y = new Float32Array(n * m);
    rows.forEach((r, i) => targetCols.forEach((c, j) => {
      y[i * m + j] = parseNumber(r.cells[c]!, where(r.line, c), 'regression target');
    }));
    ds.y = { data: y, rows: n, cols: m };
  } else if (mode === 'integer') {
    const c = single();
    const labels = new Int32Array(n);
    let max = 0;
    rows.forEach((r, i) => {
      const v = parseNumber(r.cells[c]!, where(r.line, c), 'label');
      if (!Number.isInteger(v) || v < 0) {
        throw new LrlabError('INVALID_DATA', where(r.line, c), r.cells[c],
          "must be an integer class index >= 0 with labels: 'integer' (use 'category' for names, 'regression' for values)");
      }
      if (v >= MAX_CSV_CLASSES) {
        throw new LrlabError('INVALID_DATA', where(r.line, c), r.cells[c],
          `must be a class index below ${MAX_CSV_CLASSES}; for a numeric target pass labels: 'regression'`);
      }
      labels[i] = v;
      if (v > max) max = v;
    });
    Object.assign(ds, { y: oneHot(labels, max + 1), labels, classes: max + 1 });
    warnSingleClass(labels, names?.[c] ?? `column ${c + 1}`, source);
  } else if (mode === 'category') {
    const c = single();
    const cells = rows.map((r) => {
      const v = r.cells[c]!;
      if (v === '') throw new LrlabError('INVALID_DATA', where(r.line, c), v, 'must not be empty: every row needs a label');
      return v;
    });
    const classNames = sortClassNames([...new Set(cells)]);
    const index = new Map(classNames.map((name, k) => [name, k]));
    const labels = Int32Array.from(cells, (v) => index.get(v)!);
    Object.assign(ds, { y: oneHot(labels, classNames.length), labels, classes: classNames.length, classNames });
    warnSingleClass(labels, names?.[c] ?? `column ${c + 1}`, source);
  } else {
    const m = targetCols.length;
    if (m < 2) {
      throw new LrlabError('INVALID_OPTION', `${source}.labelColumn`, opts.labelColumn, "must list two or more columns with labels: 'onehot'");
    }
    const y = new Float32Array(n * m);
    rows.forEach((r, i) => targetCols.forEach((c, j) => {
      y[i * m + j] = parseNumber(r.cells[c]!, where(r.line, c), 'one-hot target');
    }));
    let labels: Int32Array;
    try {
      labels = labelsOfOneHot('y', y, n, m);
    } catch (err) {
      // Re-word with the file line rather than the row index.
      const row = Number(/\[(\d+)\]/.exec((err as LrlabError).field)?.[1] ?? 0);
      const r = rows[row]!;
      throw new LrlabError('INVALID_DATA', `${source} line ${r.line}`, targetCols.map((c) => r.cells[c]),
        `must hold a one-hot row in the label columns: exactly one 1 and ${m - 1} zeros`);
    }
    Object.assign(ds, { y: { data: y, rows: n, cols: m }, labels, classes: m });
    if (names) ds.classNames = targetCols.map((c) => names[c]!);
  }
  return ds;
}

/** A header naming two columns alike is ambiguous: labelColumn "label" would pick one and feed the other in as a feature. */
function checkDistinctNames(names: string[], source: string, line: number): void {
  const first = new Map<string, number>();
  names.forEach((name, i) => {
    const seen = first.get(name);
    if (seen !== undefined) {
      throw new LrlabError('CORRUPT_FILE', `${source} line ${line}`, name, `must name every column once: columns ${seen + 1} and ${i + 1} are both called this`);
    }
    first.set(name, i);
  });
}

/** Column indices of the target(s): names looked up in the header, negative indices from the end. */
function resolveLabelColumns(spec: Array<string | number> | undefined, width: number, names: string[] | undefined, source: string): number[] {
  if (spec === undefined) return [width - 1];
  const cols = spec.map((c) => {
    if (typeof c === 'string') {
      if (!names) {
        throw new LrlabError('INVALID_OPTION', `${source}.labelColumn`, c, 'can be a column name only with header: true; give a 0-based index instead');
      }
      const i = names.indexOf(c);
      if (i < 0) throw new LrlabError('UNKNOWN_OPTION', `${source}.labelColumn`, c, `must be one of the header names ${names.join(', ')}`);
      return i;
    }
    if (c < -width || c >= width) {
      throw new LrlabError('INVALID_OPTION', `${source}.labelColumn`, c, `must be a column index in [${-width}, ${width - 1}] (the file has ${width} columns)`);
    }
    return c < 0 ? width + c : c;
  });
  if (new Set(cols).size !== cols.length) {
    throw new LrlabError('INVALID_OPTION', `${source}.labelColumn`, spec, 'must not name the same column twice');
  }
  return cols;
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(?:nan|inf|infinity)$/i;

/** A strict decimal number: Number() alone would accept '', ' ', '0x1f' and 'Infinity'. */
export function parseNumber(cell: string, where: string, what: string): number {
  if (NUMBER.test(cell)) {
    const v = Number(cell);
    // Finite in f64 (1e39) can still be Infinity once stored as f32.
    if (Number.isFinite(Math.fround(v))) return v;
    throw new LrlabError('INVALID_DATA', where, cell, `must be a finite number (${what}) within float32 range (|v| < 3.4e38)`);
  }
  if (NON_FINITE.test(cell)) throw new LrlabError('INVALID_DATA', where, cell, `must be a finite number (${what}): NaN and Infinity are not allowed`);
  if (cell === '') throw new LrlabError('INVALID_DATA', where, cell, `must not be empty: missing ${what} values are not supported`);
  throw new LrlabError('INVALID_DATA', where, cell, `must be a number (${what})`);
}

function detectMode(rows: CsvRecord[], cols: number[], where: (line: number, col: number) => string): Exclude<CsvLabelMode, 'auto'> {
  if (cols.length > 1) {
    const oneHotRows = rows.every((r) => {
      let ones = 0;
      for (const c of cols) {
        const v = r.cells[c]!;
        if (!NUMBER.test(v)) return false;
        const num = Number(v);
        if (num === 1) ones++;
        else if (num !== 0) return false;
      }
      return ones === 1;
    });
    return oneHotRows ? 'onehot' : 'regression';
  }
  const c = cols[0]!;
  let integers = true;
  let negative = false;
  for (const r of rows) {
    const v = r.cells[c]!;
    if (v === '') throw new LrlabError('INVALID_DATA', where(r.line, c), v, 'must not be empty: every row needs a label');
    if (NON_FINITE.test(v)) throw new LrlabError('INVALID_DATA', where(r.line, c), v, 'must be a finite label: NaN and Infinity are not allowed');
    if (!NUMBER.test(v)) return 'category';
    const num = Number(v);
    if (!Number.isInteger(num)) integers = false;
    if (num < 0) negative = true;
  }
  if (!integers) return 'regression';
  return negative ? 'category' : 'integer';
}

/** Numeric order when every name is a number ('2' before '10'), else code-unit order (locale-independent). */
function sortClassNames(names: string[]): string[] {
  if (names.every((s) => NUMBER.test(s))) return names.sort((a, b) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0));
  return names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * RFC 4180 records with the line each starts on. Works on index ranges and
 * slices rather than char-by-char concatenation: a 100 MB file stays fast.
 */
export function parseRecords(text: string, delim: string, source: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let recordLine = 1;
  let cells: string[] = [];
  let fieldStart = i;
  let quoted: string | null = null; // value of the current field when it was quoted
  let recordHasQuote = false;

  const endField = (end: number): void => {
    cells.push(quoted ?? text.slice(fieldStart, end).trim());
    quoted = null;
  };
  const endRecord = (): void => {
    const blank = cells.length === 1 && cells[0] === '' && !recordHasQuote;
    if (!blank) records.push({ line: recordLine, cells });
    cells = [];
    recordHasQuote = false;
  };

  while (i < n) {
    const ch = text[i]!;
    if (ch === '"' && quoted === null && text.slice(fieldStart, i).trim() === '') {
      const startLine = line;
      let value = '';
      let j = i + 1;
      let seg = j;
      for (;;) {
        if (j >= n) {
          throw new LrlabError('CORRUPT_FILE', `${source} line ${startLine}`, text.slice(i, i + 20), 'has a quoted field that is never closed');
        }
        const c = text[j]!;
        if (c === '"') {
          if (text[j + 1] === '"') { // "" inside quotes is one literal quote
            value += text.slice(seg, j + 1);
            j += 2;
            seg = j;
            continue;
          }
          value += text.slice(seg, j);
          j++;
          break;
        }
        if (c === '\n' || (c === '\r' && text[j + 1] !== '\n')) line++;
        j++;
      }
      quoted = value;
      recordHasQuote = true;
      i = j;
      continue;
    }
    if (ch === delim) {
      endField(i);
      i++;
      fieldStart = i;
      continue;
    }
    if (ch === '\n' || ch === '\r') {
      endField(i);
      endRecord();
      if (ch === '\r' && text[i + 1] === '\n') i++;
      i++;
      line++;
      recordLine = line;
      fieldStart = i;
      continue;
    }
    if (quoted !== null && ch.trim() !== '') {
      throw new LrlabError('CORRUPT_FILE', `${source} line ${line}`, text.slice(i, i + 20), 'has text after a closing quote; the delimiter or a line break must follow it');
    }
    i++;
  }
  endField(n);
  endRecord();
  return records;
}

/** One class in the label column trains to loss 0 and learns nothing: say so (it may be the wrong column). */
function warnSingleClass(labels: Int32Array, column: string, source: string): void {
  if (labels.length > 0 && labels.every((l) => l === labels[0])) {
    warn(`${source}: every row of the label column ${JSON.stringify(column)} holds the same class; the model can only learn to predict it (is labelColumn right?)`);
  }
}
