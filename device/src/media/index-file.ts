import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { z } from 'zod';
import { sha256Schema } from '@gatecast/protocol';
import { writeFileAtomic } from '../state/atomic-file.js';
import type { LruEntry } from './lru-index.js';

const indexFileSchema = z.object({
  version: z.literal(1),
  /** Least recently used first. */
  entries: z.array(
    z.object({
      sha256: sha256Schema,
      sizeBytes: z.number().int().nonnegative(),
      lastUsedAt: z.string(),
    }),
  ),
});

/** The saved LRU order; an absent or damaged file only costs the order, never a cached file. */
export async function loadIndexFile(path: string, log: Logger): Promise<LruEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      log.warn({ err: error }, 'media index unreadable');
    return [];
  }
  try {
    const parsed = indexFileSchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data.entries;
    log.warn(
      { reason: parsed.error.issues[0]?.message },
      'media index does not match its schema; rebuilding',
    );
  } catch {
    log.warn('media index is not JSON; rebuilding');
  }
  return [];
}

export async function saveIndexFile(path: string, entries: readonly LruEntry[]): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify({ version: 1, entries })}\n`, 0o644);
}
