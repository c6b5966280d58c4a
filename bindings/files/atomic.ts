/**
 * Node only: files written so that a kill at any moment leaves either the old
 * file or the new one, never a part of either. The bytes go to a temporary file
 * beside the target (same folder, so the same file system), are flushed to disk,
 * and the temporary file is renamed over the target (rename is atomic on POSIX).
 */
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pauseForKill, pausesAt } from '../test-hooks/fault-pause.js';

/** Marks the temporary files of writeFileAtomic: `.NAME.tmp-PID-N`. */
export const TEMP_MARK = '.tmp-';

let counter = 0;

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}${TEMP_MARK}${process.pid}-${counter++}`);
  try {
    const handle = await open(temp, 'wx');
    try {
      if (pausesAt(`write:${basename(path)}`)) {
        await handle.writeFile(typeof data === 'string' ? data.slice(0, data.length >> 1) : data.subarray(0, data.length >> 1));
        pauseForKill(`write:${basename(path)}`);
      }
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Appends whole lines in one write, so a kill leaves at most one cut-off last line (which readers drop). */
export async function appendLines(path: string, lines: string[]): Promise<void> {
  const handle = await open(path, 'a');
  try {
    await handle.write(lines.map((l) => l + '\n').join(''));
  } finally {
    await handle.close();
  }
}
