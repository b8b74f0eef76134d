import { readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDirectory, tempName } from './durable-fs.js';

/**
 * The install root of the agent:
 *   releases/<version>/   one complete release each, with RELEASE_MARKER written last
 *   current -> releases/<version>    what systemd starts
 *   previous -> releases/<version>   what to go back to
 */

/** Written last into a release folder: a folder without it is not a complete release. */
export const RELEASE_MARKER = '.gatecast-release.json';

export function releasesDir(root: string): string {
  return join(root, 'releases');
}

export function releaseDir(root: string, version: string): string {
  return join(releasesDir(root), version);
}

/** The sha256 a complete release was installed from, or null when the folder is missing or unfinished. */
export async function completeReleaseSha(root: string, version: string): Promise<string | null> {
  try {
    const text = await readFile(join(releaseDir(root, version), RELEASE_MARKER), 'utf8');
    const marker = JSON.parse(text) as { version?: unknown; sha256?: unknown };
    return marker.version === version && typeof marker.sha256 === 'string' ? marker.sha256 : null;
  } catch {
    return null;
  }
}

export async function isCompleteRelease(root: string, version: string): Promise<boolean> {
  return (await completeReleaseSha(root, version)) !== null;
}

/** Moves a release aside (one atomic rename) and deletes it, so no half-deleted folder keeps its name. */
export async function removeRelease(root: string, version: string): Promise<void> {
  const dir = releasesDir(root);
  const doomed = join(dir, tempName(version));
  await rename(join(dir, version), doomed);
  await syncDirectory(dir);
  await rm(doomed, { recursive: true, force: true });
}
