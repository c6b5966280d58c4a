/**
 * Node only: the files a command is about to write, checked before any work.
 * A file that already exists is replaced only when the user asked for it
 * (--overwrite); otherwise the command refuses, naming the flag and the file,
 * and writes nothing.
 */
import { stat } from 'node:fs/promises';
import { LrlabError } from '../errors.js';

export async function refuseToReplace(field: string, paths: readonly string[], overwrite: boolean): Promise<void> {
  if (overwrite) return;
  for (const path of paths) {
    const exists = await stat(path).then(() => true, (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? false : Promise.reject(error)));
    if (exists) throw new LrlabError('INVALID_OPTION', field, path, 'already exists: pass --overwrite to replace it, or choose another path');
  }
}
