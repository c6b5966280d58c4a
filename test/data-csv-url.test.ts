// A CSV data set by URL: what lets queue workers on other machines read the
// same file by reference. Served here from 127.0.0.1.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadCsv } from '../bindings/data/csv-file.js';
import { runExperiment } from '../bindings/experiment.js';
import { rejected } from './helpers/errors.js';

const CSV = ['x1,x2,label', ...Array.from({ length: 40 }, (_, i) => `${(i % 7) / 7},${(i % 5) / 5},${i % 2}`)].join('\n') + '\n';
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/data.csv') res.writeHead(200, { 'content-type': 'text/csv' }).end(CSV);
    else res.writeHead(404).end('not here');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

it('loads a CSV from an http URL as it would from a file', async () => {
  const ds = await loadCsv(`${base}/data.csv`);
  expect(ds.x.rows).toBe(40);
  expect(ds.x.cols).toBe(2);
  expect(ds.classes).toBe(2);
  expect(Array.from(ds.labels!.slice(0, 4))).toEqual([0, 1, 0, 1]);
});

it('trains from a data spec that names the URL', async () => {
  const result = await runExperiment({
    data: { name: 'csv', path: `${base}/data.csv` },
    model: { inputs: 2, layers: [{ units: 8, activation: 'relu' }, { units: 2, activation: 'softmax' }], loss: 'categorical_crossentropy' },
    optimizer: { name: 'adam', lr: 0.01 },
    epochs: 3,
  });
  expect(result.history.loss).toHaveLength(3);
});

it('refuses a URL that answers 404, or where nothing listens, naming it', async () => {
  const missing = await rejected(() => loadCsv(`${base}/nope.csv`));
  expect(missing.field).toBe('path');
  expect(missing.message).toMatch(/HTTP 404/);
  const closed = await rejected(() => loadCsv('http://127.0.0.1:1/data.csv'));
  expect(closed.code).toBe('INVALID_OPTION');
  expect(closed.message).toContain('http://127.0.0.1:1/data.csv');
});
