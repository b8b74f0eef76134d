import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isoTimeSchema } from '@gatecast/protocol';
import { z } from 'zod';
import { removeStaleTempFiles, writeFileAtomic } from '../state/atomic-file.js';

/**
 * The newest createdAt of a release this screen installed. verifyRelease refuses anything signed
 * before it (a replayed old rollback) and does not let the clock run behind it (an expired
 * manifest revived by a clock set back). It only ever moves forward.
 */
const trustedReleaseSchema = z.object({ createdAt: isoTimeSchema });

export function trustedReleasePath(dataDir: string): string {
  return join(dataDir, 'trusted-release.json');
}

/** Null before the first install. The file is replaced atomically; a broken one reads as none. */
export async function readTrustedCreatedAt(dataDir: string): Promise<string | null> {
  let text: string;
  try {
    text = await readFile(trustedReleasePath(dataDir), 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = trustedReleaseSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data.createdAt : null;
  } catch {
    return null;
  }
}

/** Raises the floor to `createdAt`; an older one leaves it where it is. */
export async function trustReleaseCreatedAt(dataDir: string, createdAt: string): Promise<void> {
  const current = await readTrustedCreatedAt(dataDir);
  if (current !== null && Date.parse(current) >= Date.parse(createdAt)) return;
  const file = trustedReleasePath(dataDir);
  await removeStaleTempFiles(file);
  await writeFileAtomic(file, `${JSON.stringify(trustedReleaseSchema.parse({ createdAt }))}\n`, 0o644);
}
