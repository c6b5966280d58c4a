/**
 * A Node worker thread of threaded fits (threads-node.ts): for each fit's init
 * message it runs the worker loop (thread-loop.ts), then waits for the next fit.
 */
import { parentPort } from 'node:worker_threads';
import { runThreadWorker, type ThreadInit } from './thread-loop.js';

parentPort!.on('message', (init: ThreadInit) => runThreadWorker(init, () => parentPort!.postMessage('ready')));
