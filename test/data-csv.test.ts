import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCsv, parseCsv, type CsvOptions } from '../bindings/data/index.js';
import { LrlabError } from '../bindings/errors.js';

/** The reason a promise rejects with; fails the test if it resolves. */
async function rejection(promise: Promise<unknown>): Promise<LrlabError> {
  return promise.then(
    () => { throw new Error('expected a rejection'); },
    (err: unknown) => err as LrlabError,
  );
}


function fail(text: string, options?: CsvOptions): LrlabError {
  try {
    parseCsv(text, options);
  } catch (err) {
    expect(err).toBeInstanceOf(LrlabError);
    return err as LrlabError;
  }
  throw new Error('expected parseCsv to throw');
}

const rows = (ds: { data: Float32Array; rows: number; cols: number }): number[][] =>
  Array.from({ length: ds.rows }, (_, i) => Array.from(ds.data.subarray(i * ds.cols, (i + 1) * ds.cols)));

describe('parseCsv: tables', () => {
  it('reads a header, features in column order, integer labels in the last column as one-hot', () => {
    const ds = parseCsv('a,b,label\n1,2,0\n3.5,-4e-1,2\n5,6,1\n');
    expect(rows(ds.x)).toEqual([[1, 2], [3.5, Math.fround(-0.4)], [5, 6]]);
    expect(ds.featureNames).toEqual(['a', 'b']);
    expect(Array.from(ds.labels!)).toEqual([0, 2, 1]);
    expect(ds.classes).toBe(3);
    expect(rows(ds.y)).toEqual([[1, 0, 0], [0, 0, 1], [0, 1, 0]]);
    expect(ds.classNames).toBeUndefined();
    expect(ds.name).toBe('csv');
  });

  it('reads without a header', () => {
    const ds = parseCsv('1,2,1\n3,4,0\n', { header: false });
    expect(rows(ds.x)).toEqual([[1, 2], [3, 4]]);
    expect(Array.from(ds.labels!)).toEqual([1, 0]);
    expect(ds.featureNames).toBeUndefined();
  });

  it('maps string class names to indices in sorted order and exposes classNames', () => {
    const ds = parseCsv('x,species\n1,versicolor\n2,setosa\n3,virginica\n4,setosa\n');
    expect(ds.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(Array.from(ds.labels!)).toEqual([1, 0, 2, 0]);
    expect(ds.classes).toBe(3);
    expect(rows(ds.y)[0]).toEqual([0, 1, 0]);
  });

  it('sorts numeric class names numerically: -1/1 labels become classes 0/1', () => {
    const ds = parseCsv('x,y\n1,1\n2,-1\n3,10\n4,2\n');
    expect(ds.classNames).toEqual(['-1', '1', '2', '10']);
    expect(Array.from(ds.labels!)).toEqual([1, 0, 3, 2]);
  });

  it("labels: 'regression' gives an n × 1 y; non-integer numbers are detected as regression", () => {
    const explicit = parseCsv('x,price\n1,3\n2,5\n', { labels: 'regression' });
    expect(rows(explicit.y)).toEqual([[3], [5]]);
    expect(explicit.labels).toBeUndefined();
    expect(explicit.classes).toBeUndefined();
    const auto = parseCsv('x,t\n1,0.5\n2,1.25\n');
    expect(rows(auto.y)).toEqual([[0.5], [1.25]]);
    expect(auto.labels).toBeUndefined();
  });

  it('selects the label column by name or by index (negative from the end)', () => {
    const text = 'id,class,f\n1,0,10\n2,1,20\n';
    const byName = parseCsv(text, { labelColumn: 'class' });
    expect(byName.featureNames).toEqual(['id', 'f']);
    expect(rows(byName.x)).toEqual([[1, 10], [2, 20]]);
    expect(Array.from(byName.labels!)).toEqual([0, 1]);
    expect(parseCsv(text, { labelColumn: 1 }).x.data).toEqual(byName.x.data);
    expect(rows(parseCsv(text, { labelColumn: -3, labels: 'regression' }).y)).toEqual([[1], [2]]);
  });

  it("reads one-hot label columns ('onehot', also detected by 'auto') and multi-output regression", () => {
    const text = 'x,cat,dog\n1,1,0\n2,0,1\n3,0,1\n';
    const ds = parseCsv(text, { labelColumn: ['cat', 'dog'], labels: 'onehot' });
    expect(Array.from(ds.labels!)).toEqual([0, 1, 1]);
    expect(ds.classNames).toEqual(['cat', 'dog']);
    expect(ds.classes).toBe(2);
    expect(parseCsv(text, { labelColumn: [1, 2] }).labels).toEqual(ds.labels);
    const reg = parseCsv('x,a,b\n1,0.5,2\n2,1,1\n', { labelColumn: ['a', 'b'] });
    expect(rows(reg.y)).toEqual([[0.5, 2], [1, 1]]);
    expect(reg.labels).toBeUndefined();
  });

  it('handles quotes, CRLF, blank lines, a BOM, spaces and other delimiters', () => {
    const ds = parseCsv('\uFEFF"a";"b c";"kind"\r\n 1 ; 2 ;"x; ""quoted"""\r\n\r\n3;4;y\r\n', { delimiter: ';' });
    expect(rows(ds.x)).toEqual([[1, 2], [3, 4]]);
    expect(ds.featureNames).toEqual(['a', 'b c']);
    expect(ds.classNames).toEqual(['x; "quoted"', 'y']);
    const tabs = parseCsv('1\t2\t0\n3\t4\t1', { header: false, delimiter: '\t' });
    expect(rows(tabs.x)).toEqual([[1, 2], [3, 4]]);
  });

  it('counts lines inside multi-line quoted fields when reporting errors', () => {
    const err = fail('a,b,c\n1,0,"two\nlines"\n1,x,one\n');
    expect(err.message).toContain('line 4, column 2');
    expect(parseCsv('a,b\n1,"two\nlines"\n2,one\n').classNames).toEqual(['one', 'two\nlines']);
  });
});

describe('parseCsv: errors name the line and column', () => {
  it('ragged row -> CORRUPT_FILE with the line', () => {
    const err = fail('a,b,c\n1,2,0\n3,4\n5,6,1\n');
    expect(err.code).toBe('CORRUPT_FILE');
    expect(err.message).toContain('line 3');
    expect(err.message).toContain('3 cells');
  });

  it('non-numeric feature -> INVALID_DATA with line, column number and name', () => {
    const err = fail('a,b,c\n1,2,0\n3,abc,1\n');
    expect(err.code).toBe('INVALID_DATA');
    expect(err.message).toContain('line 3');
    expect(err.message).toContain('column 2');
    expect(err.message).toContain('"b"');
    expect(err.value).toBe('abc');
  });

  it('hexadecimal and empty cells are not numbers', () => {
    expect(fail('a,b\n0x1f,0\n').code).toBe('INVALID_DATA');
    const empty = fail('a,b\n1,0\n,1\n');
    expect(empty.code).toBe('INVALID_DATA');
    expect(empty.message).toContain('line 3, column 1');
  });

  it.each(['NaN', 'nan', 'Infinity', '-inf', '1e39'])('%s in a feature -> INVALID_DATA', (cell) => {
    const err = fail(`a,b\n1,0\n2,1\n${cell},0\n`);
    expect(err.code).toBe('INVALID_DATA');
    expect(err.message).toContain('line 4, column 1');
  });

  it('NaN in a regression target -> INVALID_DATA naming the line', () => {
    const err = fail('a,t\n1,0.5\n2,NaN\n', { labels: 'regression' });
    expect(err.code).toBe('INVALID_DATA');
    expect(err.message).toContain('line 3, column 2');
  });

  it('empty text -> CORRUPT_FILE; header without rows -> INVALID_DATA', () => {
    expect(fail('').code).toBe('CORRUPT_FILE');
    expect(fail('\n  \n').code).toBe('CORRUPT_FILE');
    const headerOnly = fail('a,b,c\n');
    expect(headerOnly.code).toBe('INVALID_DATA');
    expect(headerOnly.message).toContain('data row');
  });

  it('unterminated quote -> CORRUPT_FILE with the line where it opens', () => {
    const err = fail('a,b\n1,0\n2,"oops\n3,1\n');
    expect(err.code).toBe('CORRUPT_FILE');
    expect(err.message).toContain('line 3');
  });

  it("bad labels: 'integer' with a name or a fraction, missing label, broken one-hot row", () => {
    const name = fail('a,b\n1,0\n2,cat\n', { labels: 'integer' });
    expect(name.code).toBe('INVALID_DATA');
    expect(name.message).toContain('line 3, column 2');
    expect(fail('a,b\n1,0\n2,1.5\n', { labels: 'integer' }).message).toContain('line 3');
    const missing = fail('a,b\n1,0\n2,\n');
    expect(missing.code).toBe('INVALID_DATA');
    expect(missing.message).toContain('line 3');
    const hot = fail('x,p,q\n1,1,0\n2,1,1\n', { labelColumn: ['p', 'q'], labels: 'onehot' });
    expect(hot.code).toBe('INVALID_DATA');
    expect(hot.message).toContain('line 3');
  });

  it('bad options -> INVALID_OPTION / UNKNOWN_OPTION', () => {
    expect(fail('a,b\n1,0\n', { labelColumn: 'nope' }).code).toBe('UNKNOWN_OPTION');
    expect(fail('1,0\n', { header: false, labelColumn: 'b' }).code).toBe('INVALID_OPTION');
    expect(fail('a,b\n1,0\n', { labelColumn: 2 }).code).toBe('INVALID_OPTION');
    expect(fail('a,b\n1,0\n', { delimiter: '::' }).code).toBe('INVALID_OPTION');
    expect(fail('a,b\n1,0\n', { labels: 'ordinal' as never }).code).toBe('UNKNOWN_OPTION');
    expect(fail('a,b\n1,0\n', { labelColumn: [0, 1] }).code).toBe('INVALID_DATA'); // no feature left
    expect(fail('a,b,c\n1,0,1\n', { labelColumn: [1, 2], labels: 'integer' }).code).toBe('INVALID_OPTION');
  });
});

describe('loadCsv', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lrlab-csv-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a file and uses its path as name and in messages', async () => {
    const path = join(dir, 'iris.csv');
    await writeFile(path, 'w,h,kind\n1,2,b\n3,4,a\n');
    const ds = await loadCsv(path);
    expect(ds.name).toBe(path);
    expect(ds.classNames).toEqual(['a', 'b']);
    expect(Array.from(ds.labels!)).toEqual([1, 0]);

    const bad = join(dir, 'bad.csv');
    await writeFile(bad, 'w,h,kind\n1,2,b\n3,?,a\n');
    const err = await rejection(loadCsv(bad));
    expect(err).toBeInstanceOf(LrlabError);
    expect(err.message).toContain(`${bad} line 3, column 2`);
  });

  it('a missing file rejects with INVALID_OPTION naming the path', async () => {
    const missing = join(dir, 'missing.csv');
    const err = await rejection(loadCsv(missing));
    expect(err).toBeInstanceOf(LrlabError);
    expect(err.code).toBe('INVALID_OPTION');
    expect(err.message).toContain('ENOENT');
    expect(err.message).toContain(missing);
  });
});
