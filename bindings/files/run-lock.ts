/**
 * Node only: one lrlab run per folder at a time. The lock is DIR/.lrlab.lock,
 * holding the owner's pid, host and command. It is created whole (written to a
 * temporary file, then hard-linked to its name, which fails if the name exists),
 * removed when the process exits, and a lock left by a killed process is
 * recognised (its pid is no longer alive on this host) and taken over.
 */
import { unlinkSync } from 'node:fs';
import { link, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { LrlabError } from '../errors.js';
import { TEMP_MARK } from './atomic.js';

export const LOCK_FILE = '.lrlab.lock';

interface LockOwner { pid: number; host: string; command: string; since: string }

export interface RunLock {
  readonly path: string;
  release(): Promise<void>;
}

export async function acquireRunLock(dir: string, command: string, field = '--out'): Promise<RunLock> {
  const path = join(dir, LOCK_FILE);
  const me: LockOwner = { pid: process.pid, host: hostname(), command, since: new Date().toISOString() };
  const temp = `${path}${TEMP_MARK}${process.pid}`;
  await writeFile(temp, JSON.stringify(me) + '\n');
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await link(temp, path);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw error;
      }
      const owner = await readOwner(path);
      if (owner && owner.host === me.host && !alive(owner.pid)) {
        await breakStale(path, owner);
        continue;
      }
      if (owner === undefined) continue; // it was released meanwhile
      const who = owner ? `lrlab ${owner.command} (pid ${owner.pid} on ${owner.host}, since ${owner.since})` : 'another lrlab run';
      throw new LrlabError('BUSY', field, dir,
        `is in use by ${who}: one run per folder at a time; wait for it, or use another --out (if no such run is alive, delete ${path})`);
    }
  } finally {
    await rm(temp, { force: true });
  }
  const releaseSync = () => {
    try { unlinkSync(path); } catch { /* already gone */ }
  };
  process.once('exit', releaseSync);
  return {
    path,
    async release() {
      process.off('exit', releaseSync);
      await unlink(path).catch(() => undefined);
    },
  };
}

/** The lock's owner; undefined when there is no lock; null when it cannot be read (then it is treated as held). */
async function readOwner(path: string): Promise<LockOwner | null | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return null;
  }
  try {
    const o = JSON.parse(text) as LockOwner;
    return Number.isInteger(o.pid) && typeof o.host === 'string' ? o : null;
  } catch {
    return null;
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
}

/** Moves a dead owner's lock aside (only one of several racing processes can), then deletes it. */
async function breakStale(path: string, owner: LockOwner): Promise<void> {
  const aside = `${path}.stale-${process.pid}`;
  try {
    await rename(path, aside);
  } catch {
    return; // another process broke it first
  }
  const moved = await readOwner(aside);
  if (moved && moved.pid !== owner.pid) {
    // A fresh lock was created between our read and the rename: put it back.
    await link(aside, path).catch(() => undefined);
  }
  await rm(aside, { force: true });
}
