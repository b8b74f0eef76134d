import { join } from 'node:path';

export const SHA256_PATTERN = /^[a-f0-9]{64}$/;

/** Only a well-formed sha256 ever becomes part of a path, so a reference cannot point outside the cache. */
export function isSha256(value: string): boolean {
  return SHA256_PATTERN.test(value);
}

export interface CacheLayout {
  /** Verified files, named by their sha256. */
  objects: string;
  /** Downloads in progress, each with a `<sha256>.json` sidecar holding its validator. */
  partial: string;
  /** LRU order of the verified files, written atomically. */
  index: string;
  objectPath(sha256: string): string;
  partialPath(sha256: string): string;
  sidecarPath(sha256: string): string;
}

export function cacheLayout(dir: string): CacheLayout {
  const objects = join(dir, 'objects');
  const partial = join(dir, 'partial');
  return {
    objects,
    partial,
    index: join(dir, 'index.json'),
    objectPath: (sha256) => join(objects, sha256),
    partialPath: (sha256) => join(partial, sha256),
    sidecarPath: (sha256) => join(partial, `${sha256}.json`),
  };
}
