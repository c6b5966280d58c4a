/**
 * A training thread (bindings/backend/thread-loop.ts) that also reports how
 * much its JS heap grew while it served a fit's steps: from just after it is
 * ready to just after its loop ends, with a full GC first, so only what the
 * steps allocated (and the loop's exit) is counted.
 */
import { parentPort } from 'node:worker_threads';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { runThreadWorker, type ThreadInit } from '../../bindings/backend/thread-loop.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

parentPort!.on('message', async (init: ThreadInit) => {
  let before = 0;
  await runThreadWorker(init, () => {
    parentPort!.postMessage('ready');
    gc();
    before = process.memoryUsage().heapUsed;
  });
  parentPort!.postMessage({ grew: process.memoryUsage().heapUsed - before });
});
