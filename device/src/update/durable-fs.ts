import { randomBytes } from 'node:crypto';
import { open, readdir, statfs } from 'node:fs/promises';
import { join } from 'node:path';

/** Makes renames and new entries in `dir` durable: without it a power cut may forget them. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Flushes every file and folder under `dir` to the card, folders after their entries. */
export async function syncTree(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await syncTree(path);
    else if (entry.isFile()) {
      const handle = await open(path, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
  }
  await syncDirectory(dir);
}

export async function freeBytesOf(dir: string): Promise<number> {
  const stats = await statfs(dir);
  return stats.bavail * stats.bsize;
}

/** Names of work in progress: anything with this marker is unfinished and safe to delete at start. */
export const TEMP_MARKER = '.tmp-';

export function tempName(name: string): string {
  return `${name}${TEMP_MARKER}${randomBytes(6).toString('hex')}`;
}
