/**
 * Data sets of lrlab: generators (blobs, moons, circles, spiral), loaders (CSV,
 * MNIST), splits and checks, plus `DataSpec`, the plain-JSON description of a
 * data set that a config file or the CLI can carry, and `loadData` to build it.
 *
 * Importable in a browser: the Node-only parts (loadCsv, loadMnist) import
 * their Node built-ins lazily, when called.
 */
import { LrlabError } from '../errors.js';
import type { Dataset } from '../types.js';
import { checkChoice, checkKeys, checkObject } from '../validate.js';
import { blobs, resolveBlobsOptions, type BlobsOptions } from './blobs.js';
import { checkDataset } from './check.js';
import { circles, resolveCirclesOptions, type CirclesOptions } from './circles.js';
import { CSV_KEYS, resolveCsvOptions, type CsvOptions } from './csv.js';
import { loadCsv } from './csv-file.js';
import { loadMnist, resolveMnistOptions, type MnistOptions } from './mnist.js';
import { moons, resolveMoonsOptions, type MoonsOptions } from './moons.js';
import { resolveSpiralOptions, spiral, type SpiralOptions } from './spiral.js';

export { blobs, BLOBS_KEYS, BLOBS_GENERATORS, type BlobsDataset, type BlobsGenerator, type BlobsOptions } from './blobs.js';
export { sklearnMakeBlobs, type SklearnBlobs, type SklearnBlobsOptions } from './sklearn-blobs.js';
export { LegacyRandomState } from './numpy-random.js';
export { moons, MOONS_KEYS, type MoonsOptions } from './moons.js';
export { circles, CIRCLES_KEYS, type CirclesOptions } from './circles.js';
export { spiral, SPIRAL_KEYS, type SpiralOptions } from './spiral.js';
export { parseCsv, CSV_KEYS, CSV_LABEL_MODES, MAX_CSV_CLASSES, type CsvDataset, type CsvLabelMode, type CsvOptions } from './csv.js';
export { loadCsv } from './csv-file.js';
export { loadMnist, MNIST_COUNTS, MNIST_FEATURES, MNIST_KEYS, type MnistOptions } from './mnist.js';
export {
  applyStandardization, fitStandardization, splitAt, standardize, takeRows, trainTestSplit,
  type Split, type SplitOptions, type Standardization,
} from './split.js';
export { checkDataset } from './check.js';
export { fromArrays, type FromArraysOptions } from './arrays.js';

export type DataSpec =
  | ({ name: 'blobs' } & BlobsOptions)
  | ({ name: 'moons' } & MoonsOptions)
  | ({ name: 'circles' } & CirclesOptions)
  | ({ name: 'spiral' } & SpiralOptions)
  | ({ name: 'mnist' } & MnistOptions)
  | ({ name: 'csv'; path: string } & Omit<CsvOptions, 'source'>);

export type DataName = DataSpec['name'];
export const DATA_NAMES: readonly DataName[] = ['blobs', 'moons', 'circles', 'spiral', 'mnist', 'csv'];

/**
 * Checks a DataSpec (unknown name or key: UNKNOWN_OPTION; bad value:
 * INVALID_OPTION, with `field.key` in the message) and returns it with every
 * default filled in, so that a logged spec reproduces the same data.
 */
export function validateDataSpec(spec: unknown, field = 'data'): DataSpec {
  const s = checkObject(field, spec);
  const name = checkChoice(`${field}.name`, s.name, DATA_NAMES);
  const allow = ['name'];
  switch (name) {
    case 'blobs': return { name, ...resolveBlobsOptions(s, field, allow) };
    case 'moons': return { name, ...resolveMoonsOptions(s, field, allow) };
    case 'circles': return { name, ...resolveCirclesOptions(s, field, allow) };
    case 'spiral': return { name, ...resolveSpiralOptions(s, field, allow) };
    case 'mnist': {
      resolveMnistOptions(s, field, allow);
      const out: { name: 'mnist' } & MnistOptions = { name, seed: s.seed === undefined ? 0 : (s.seed as number) };
      if (s.perClass !== undefined) out.perClass = s.perClass as number;
      else out.samples = s.samples === undefined ? 1000 : (s.samples as number);
      return out;
    }
    case 'csv': {
      // `source` is not a spec key: in a spec the path names the file in messages.
      checkKeys(field, s, ['name', 'path', ...CSV_KEYS.filter((k) => k !== 'source')]);
      const { header, labels, delimiter } = resolveCsvOptions(s, field, ['name', 'path']);
      if (typeof s.path !== 'string' || s.path === '') {
        throw new LrlabError('INVALID_OPTION', `${field}.path`, s.path, 'must be a non-empty file path or http(s) URL');
      }
      const out: { name: 'csv'; path: string } & Omit<CsvOptions, 'source'> = { name, path: s.path, header, labels, delimiter };
      if (s.labelColumn !== undefined) out.labelColumn = s.labelColumn as NonNullable<CsvOptions['labelColumn']>;
      return out;
    }
  }
}

/** Validates `spec`, builds the data set and checks it (checkDataset) before handing it over. */
export async function loadData(spec: DataSpec, field = 'data'): Promise<Dataset> {
  const s = validateDataSpec(spec, field);
  let ds: Dataset;
  switch (s.name) {
    case 'blobs': { const { name: _, ...o } = s; ds = blobs(o); break; }
    case 'moons': { const { name: _, ...o } = s; ds = moons(o); break; }
    case 'circles': { const { name: _, ...o } = s; ds = circles(o); break; }
    case 'spiral': { const { name: _, ...o } = s; ds = spiral(o); break; }
    case 'mnist': { const { name: _, ...o } = s; ds = await loadMnist(o); break; }
    case 'csv': { const { name: _, path, ...o } = s; ds = await loadCsv(path, o); break; }
  }
  return checkDataset(ds, field);
}
