/**
 * The queue's packages, bullmq and ioredis, are optional peer dependencies:
 * the queue code is imported through this, so that a missing one is a one-line
 * refusal that says what to install instead of a module-resolution stack trace.
 */
import { LrlabError } from '../errors.js';

const QUEUE_PACKAGES = ['bullmq', 'ioredis'];

export async function importQueueCode<T>(field: string, value: unknown, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    const missing = QUEUE_PACKAGES.find((name) => String(message).includes(`'${name}'`));
    if (code !== 'ERR_MODULE_NOT_FOUND' || missing === undefined) throw error;
    throw new LrlabError('INVALID_OPTION', field, value,
      `needs the optional packages ${QUEUE_PACKAGES.join(' and ')} (${missing} is not installed): run npm install ${QUEUE_PACKAGES.join(' ')}`);
  }
}
