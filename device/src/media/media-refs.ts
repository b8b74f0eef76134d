import { isSha256 } from './cache-layout.js';
import { mediaFailure, type MediaFailure } from './media-errors.js';
import type { MediaRef } from './media-types.js';

export interface SplitRefs {
  /** Usable references, one per sha256 (the first one listed wins). */
  refs: MediaRef[];
  /** References that are never fetched, because their key or size cannot be trusted. */
  invalid: Array<{ sha256: string; failure: MediaFailure }>;
}

/**
 * Refs normally come from a schema-checked desired document; this is the last line before a
 * sha256 becomes a file name, so anything malformed is reported rather than used.
 */
export function splitRefs(needed: readonly MediaRef[]): SplitRefs {
  const refs: MediaRef[] = [];
  const invalid: SplitRefs['invalid'] = [];
  const seen = new Set<string>();
  for (const ref of needed) {
    if (seen.has(ref.sha256)) continue;
    seen.add(ref.sha256);
    const problem = problemOf(ref);
    if (problem) invalid.push({ sha256: ref.sha256, failure: mediaFailure('badRef', problem) });
    else refs.push(ref);
  }
  return { refs, invalid };
}

function problemOf(ref: MediaRef): string | null {
  if (!isSha256(ref.sha256)) return 'not a lowercase hex sha256';
  if (!Number.isSafeInteger(ref.sizeBytes) || ref.sizeBytes < 0) return `unusable size ${ref.sizeBytes}`;
  if (!/^https?:\/\//i.test(ref.url)) return 'only http and https URLs are fetched';
  return null;
}
