import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { removeStaleTempFiles } from '../state/atomic-file.js';
import { isSha256, type CacheLayout } from './cache-layout.js';
import type { LruEntry } from './lru-index.js';

export interface FoundObject {
  sizeBytes: number;
  mtime: Date;
}

/**
 * Brings the cache directory to a known shape at start, without hashing anything: creates the
 * folders, deletes what a crash can leave behind (temp files, sidecars without data and the
 * reverse, partials of files already complete, any name that is not a sha256), and returns the LRU
 * order of the files actually present.
 */
export async function scanCacheDir(layout: CacheLayout, saved: readonly LruEntry[], log: Logger) {
  await mkdir(layout.objects, { recursive: true });
  await mkdir(layout.partial, { recursive: true });
  const staleIndexTemps = await removeStaleTempFiles(layout.index);
  const objects = await scanObjects(layout.objects, log);
  const partials = await scanPartials(layout.partial, new Set(objects.keys()), log);
  if (staleIndexTemps.length > 0)
    log.info({ files: staleIndexTemps }, 'removed stale media index temp files');
  return { entries: mergeIndex(saved, objects), partials };
}

async function scanObjects(dir: string, log: Logger): Promise<Map<string, FoundObject>> {
  const found = new Map<string, FoundObject>();
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    const stats = await stat(path).catch(() => null);
    if (!isSha256(name) || !stats?.isFile()) {
      log.warn({ file: name }, 'removing a stray file from the media cache');
      await rm(path, { recursive: true, force: true });
      continue;
    }
    found.set(name, { sizeBytes: stats.size, mtime: stats.mtime });
  }
  return found;
}

/** Returns the sha256 of every partial download that can be resumed. */
async function scanPartials(dir: string, complete: ReadonlySet<string>, log: Logger): Promise<string[]> {
  const names = new Set(await readdir(dir));
  const resumable: string[] = [];
  for (const name of names) {
    const sha256 = name.endsWith('.json') ? name.slice(0, -'.json'.length) : name;
    const pairedWith = name === sha256 ? `${sha256}.json` : sha256;
    const keep = isSha256(sha256) && names.has(pairedWith) && !complete.has(sha256);
    if (keep) {
      if (name === sha256) resumable.push(sha256);
      continue;
    }
    log.info({ file: name }, 'removing a stale partial media file');
    await rm(join(dir, name), { recursive: true, force: true });
  }
  return resumable;
}

/**
 * The saved order for files still present (with their real size), preceded by files the index
 * does not know, oldest first: they are the first to go when space is needed.
 */
export function mergeIndex(saved: readonly LruEntry[], found: ReadonlyMap<string, FoundObject>): LruEntry[] {
  const known = new Set(saved.map((entry) => entry.sha256));
  const unknown = [...found.entries()]
    .filter(([sha256]) => !known.has(sha256))
    .sort(([, a], [, b]) => a.mtime.getTime() - b.mtime.getTime())
    .map(([sha256, file]) => ({ sha256, sizeBytes: file.sizeBytes, lastUsedAt: file.mtime.toISOString() }));
  const present = saved.flatMap((entry) => {
    const file = found.get(entry.sha256);
    return file ? [{ ...entry, sizeBytes: file.sizeBytes }] : [];
  });
  return [...unknown, ...present];
}
