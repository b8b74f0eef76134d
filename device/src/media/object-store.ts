import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { hashInto } from './hash-file.js';

/**
 * Identity of a file on disk at the moment it was verified. Any write to the file changes its
 * ctime (which, unlike mtime, cannot be set back), so a file with the same fingerprint still holds
 * the bytes that were hashed, and a changed one is treated as unverified until hashed again.
 */
export interface Fingerprint {
  ino: bigint;
  size: bigint;
  ctimeNs: bigint;
}

export function fingerprintOf(path: string): Fingerprint | null {
  const stats = statSync(path, { bigint: true, throwIfNoEntry: false });
  if (!stats?.isFile()) return null;
  return { ino: stats.ino, size: stats.size, ctimeNs: stats.ctimeNs };
}

export function sameFingerprint(a: Fingerprint, b: Fingerprint): boolean {
  return a.ino === b.ino && a.size === b.size && a.ctimeNs === b.ctimeNs;
}

/**
 * Whether the file at `path` has exactly `sizeBytes` bytes hashing to `sha256`. An aborted check
 * throws rather than answering false: being interrupted says nothing about the file.
 */
export async function fileMatches(
  path: string,
  sha256: string,
  sizeBytes: number,
  signal: AbortSignal,
): Promise<boolean> {
  const before = fingerprintOf(path);
  if (!before || before.size !== BigInt(sizeBytes)) return false;
  const hash = createHash('sha256');
  try {
    const bytes = await hashInto(hash, path, signal);
    return bytes === sizeBytes && hash.digest('hex') === sha256;
  } catch (error) {
    if (signal.aborted) throw error;
    return false;
  }
}

/** Moves a verified file into place: its bytes reach the disk before the rename, and the rename too. */
export async function moveIntoPlace(from: string, to: string, dirs: readonly string[]): Promise<void> {
  await syncPath(from);
  await rename(from, to);
  for (const dir of dirs) await syncPath(dir);
}

/** fsync through a read-only descriptor, which works for files and directories alike on Linux. */
export async function syncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function removeFile(path: string): Promise<void> {
  await unlink(path).catch(() => undefined);
}
