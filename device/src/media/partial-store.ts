import { readFile, stat, unlink } from 'node:fs/promises';
import { z } from 'zod';
import { writeFileAtomic } from '../state/atomic-file.js';
import type { CacheLayout } from './cache-layout.js';
import type { Validator } from './range-response.js';

/** The sidecar of a partial file: where its bytes came from and which version of the file they are. */
const sidecarSchema = z.object({
  url: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  etag: z.string().optional(),
  lastModified: z.string().optional(),
});

export type Sidecar = z.infer<typeof sidecarSchema>;

export interface PartialState {
  /** Bytes of the partial file that may be resumed; 0 means start over. */
  have: number;
  validator: Validator;
}

/**
 * What of a previous attempt can be resumed. Without a readable sidecar, or with one for another
 * declared size, or with more bytes than declared, nothing can: the caller starts from zero. A
 * validator is only reused for the same URL; for another URL of the same sha256 the range is still
 * asked, and the final hash decides.
 */
export async function readPartial(layout: CacheLayout, sha256: string, url: string, sizeBytes: number) {
  const none: PartialState = { have: 0, validator: {} };
  const have = await stat(layout.partialPath(sha256)).then(
    (stats) => stats.size,
    () => 0,
  );
  const sidecar = await readSidecar(layout.sidecarPath(sha256));
  if (!sidecar || sidecar.sizeBytes !== sizeBytes || have > sizeBytes) return none;
  const validator: Validator =
    sidecar.url === url
      ? {
          ...(sidecar.etag ? { etag: sidecar.etag } : {}),
          ...(sidecar.lastModified ? { lastModified: sidecar.lastModified } : {}),
        }
      : {};
  return { have, validator } satisfies PartialState;
}

async function readSidecar(path: string): Promise<Sidecar | null> {
  try {
    const parsed = sidecarSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export async function writeSidecar(layout: CacheLayout, sha256: string, sidecar: Sidecar): Promise<void> {
  await writeFileAtomic(layout.sidecarPath(sha256), `${JSON.stringify(sidecar)}\n`, 0o644);
}

/** Drops a partial download and its sidecar; missing files are fine. */
export async function removePartial(layout: CacheLayout, sha256: string): Promise<void> {
  await Promise.all([
    unlink(layout.partialPath(sha256)).catch(() => undefined),
    unlink(layout.sidecarPath(sha256)).catch(() => undefined),
  ]);
}
