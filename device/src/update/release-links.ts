import { readdir, readlink, rename, rm, stat, symlink, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { GatecastError, releaseVersionSchema } from '@gatecast/protocol';
import { syncDirectory, TEMP_MARKER, tempName } from './durable-fs.js';
import { isCompleteRelease, releaseDir, releasesDir, removeRelease } from './release-layout.js';

const CURRENT = 'current';
const PREVIOUS = 'previous';

/** The version `current` points at, or null when there is no such link (a fresh install root). */
export async function readCurrent(root: string): Promise<string | null> {
  return readLinkVersion(root, CURRENT);
}

/** The version `previous` points at: the release to go back to, or null. */
export async function readPrevious(root: string): Promise<string | null> {
  return readLinkVersion(root, PREVIOUS);
}

/**
 * Points `current` at a complete release, and `previous` at the one it replaces. Each link is
 * replaced by creating a new one beside it and renaming it over the old (rename(2) swaps the
 * name in one step), then the root folder is flushed; a power cut leaves the old link or the new,
 * never none. `previous` changes first, so `current` is always one of the two.
 */
export async function switchCurrent(root: string, version: string): Promise<{ previous: string | null }> {
  if (!(await isCompleteRelease(root, version))) {
    throw new GatecastError('UPDATE_FAILED', `release ${version} is not installed completely`);
  }
  await removeStaleLinks(root);
  const old = await readCurrent(root);
  if (old === version) return { previous: await readPrevious(root) };
  if (old !== null) await replaceLink(root, PREVIOUS, old);
  await replaceLink(root, CURRENT, version);
  return { previous: old };
}

/**
 * Goes back to `previous`, and removes that link: there is no way "forward" again to the release
 * that failed, only a new switch. Returns the version now current.
 */
export async function rollbackCurrent(root: string): Promise<string> {
  const previous = await readPrevious(root);
  // Only an earlier `current` ever became `previous`: it ran, even if an image laid it down unmarked.
  if (previous === null || !(await isDirectory(releaseDir(root, previous)))) {
    throw new GatecastError('UPDATE_FAILED', 'there is no complete previous release to go back to');
  }
  await removeStaleLinks(root);
  await replaceLink(root, CURRENT, previous);
  await unlink(join(root, PREVIOUS)).catch(() => undefined);
  await syncDirectory(root);
  return previous;
}

/**
 * Deletes every release but the current one, the previous one and `keep` (the one being
 * installed), so the card holds at most three. Returns the versions removed.
 */
export async function pruneReleases(root: string, keep: readonly string[] = []): Promise<string[]> {
  const current = await readCurrent(root);
  // Without a current release nothing is known to run; deleting by guess could remove the one that does.
  if (current === null) return [];
  const kept = new Set([...keep, current, await readPrevious(root)]);
  const names = await readdir(releasesDir(root)).catch(() => [] as string[]);
  const doomed = names.filter((name) => !name.includes(TEMP_MARKER) && !kept.has(name));
  for (const name of doomed) await removeRelease(root, name);
  return doomed;
}

async function replaceLink(root: string, name: string, version: string): Promise<void> {
  const temp = join(root, tempName(name));
  await symlink(join('releases', version), temp);
  try {
    await rename(temp, join(root, name));
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(root);
}

/** Links a crash left between symlink() and rename(). */
async function removeStaleLinks(root: string): Promise<void> {
  const names = await readdir(root);
  const stale = names.filter((name) => /^(current|previous)\.tmp-/.test(name));
  await Promise.all(stale.map((name) => rm(join(root, name), { force: true })));
}

async function readLinkVersion(root: string, name: string): Promise<string | null> {
  let target: string;
  try {
    target = await readlink(join(root, name));
  } catch {
    return null;
  }
  const match = /^releases\/([^/]+)\/?$/.exec(target);
  const version = match?.[1];
  return version !== undefined && releaseVersionSchema.safeParse(version).success ? version : null;
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
}
