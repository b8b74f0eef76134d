import { lstat, mkdir, readdir, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { GatecastError } from '@gatecast/protocol';
import { extract, list } from 'tar';
import { entryRefusal, isFileEntry, type ArchiveEntry } from './archive-rules.js';
import { freeBytesOf, syncDirectory, syncTree, TEMP_MARKER, tempName } from './durable-fs.js';
import { pruneReleases, readCurrent, readPrevious } from './release-links.js';
import {
  completeReleaseSha,
  RELEASE_MARKER,
  releaseDir,
  releasesDir,
  removeRelease,
} from './release-layout.js';

export interface InstallOptions {
  /** The agent's install root: releases live in `<root>/releases/<version>`. */
  root: string;
  version: string;
  /** A verified artifact (downloadRelease's result). */
  artifactPath: string;
  /** The manifest's sha256, recorded in the release so a same-named different build is not reused. */
  sha256: string;
  freeBytes?: (dir: string) => Promise<number>;
}

/** Room kept beyond the unpacked bytes, for file-system overhead and the agent's own logs. */
const SLACK_BYTES = 16 << 20;

/**
 * Unpacks a verified artifact beside the running release: into a temp folder, flushed to the
 * card, marked complete, then renamed into place in one step. A power cut at any point leaves
 * either no `releases/<version>` or a complete one; the temp folder it may leave is removed by
 * the next install. Hostile entries refuse the whole archive before anything is written.
 */
export async function installRelease(options: InstallOptions): Promise<string> {
  const { root, version, sha256 } = options;
  const dir = releasesDir(root);
  const target = releaseDir(root, version);
  await mkdir(dir, { recursive: true });
  await removeUnfinished(dir);
  const installed = await completeReleaseSha(root, version);
  if (installed === sha256) return target;
  // The release a link names may be running, or be the way back: it is never replaced in place.
  const inUse = [await readCurrent(root), await readPrevious(root)].includes(version);
  if (inUse && (await exists(target))) {
    throw new GatecastError('UPDATE_FAILED', `release ${version} is in use from another build; not replaced`);
  }

  const unpackedBytes = await checkArchive(options.artifactPath);
  // Retention first: the releases no longer needed make room for this one.
  await pruneReleases(root, [version]);
  const free = await (options.freeBytes ?? freeBytesOf)(dir);
  if (free < unpackedBytes + SLACK_BYTES) {
    throw new GatecastError(
      'DISK_FULL',
      `release ${version} unpacks to ${unpackedBytes} bytes; ${free} are free`,
    );
  }
  const temp = join(dir, tempName(version));
  try {
    await mkdir(temp);
    await extract({ file: options.artifactPath, cwd: temp, strict: true, preserveOwner: false });
    await checkLinksStayInside(temp);
    await writeFile(join(temp, RELEASE_MARKER), `${JSON.stringify({ version, sha256 })}\n`, { mode: 0o644 });
    await syncTree(temp);
    // A folder of this version from another build (or a half-removed one) is moved aside first.
    if (installed !== null || (await exists(target))) await removeRelease(root, version);
    await rename(temp, target);
    await syncDirectory(dir);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    if (error instanceof GatecastError) throw error;
    // The card filled after the space check (logs, media): say so, as the check would have.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') {
      throw new GatecastError(
        'DISK_FULL',
        `release ${version} could not be installed: the disk is full (${code})`,
      );
    }
    throw new GatecastError(
      'UPDATE_FAILED',
      `release ${version} could not be installed: ${(error as Error).message}`,
    );
  }
  return target;
}

/** Temp folders of an install or a removal that a crash interrupted. */
async function removeUnfinished(dir: string): Promise<void> {
  const names = await readdir(dir);
  const stale = names.filter((name) => name.includes(TEMP_MARKER));
  await Promise.all(stale.map((name) => rm(join(dir, name), { recursive: true, force: true })));
}

/** Judges every entry first; returns the bytes the files will take. */
async function checkArchive(file: string): Promise<number> {
  const refusals: string[] = [];
  let bytes = 0;
  await list({
    file,
    strict: true,
    onReadEntry: (entry) => {
      const facts: ArchiveEntry = { path: entry.path, type: entry.type, size: entry.size ?? 0 };
      if (entry.linkpath !== undefined) facts.linkpath = entry.linkpath;
      const refusal = entryRefusal(facts);
      if (refusal) refusals.push(refusal);
      if (isFileEntry(facts)) bytes += facts.size;
    },
  }).catch((error: unknown) => {
    throw new GatecastError(
      'UPDATE_TAMPERED',
      `the release archive is unreadable: ${(error as Error).message}`,
    );
  });
  if (refusals.length > 0) {
    const more = refusals.length > 1 ? ` (and ${refusals.length - 1} more)` : '';
    throw new GatecastError('UPDATE_TAMPERED', `the release archive is refused: ${refusals[0]}${more}`);
  }
  return bytes;
}

/**
 * Links judged one by one can still leave the folder through each other (`a -> ..` inside a
 * folder, then `b -> a/..`), so once unpacked every link must resolve, physically, inside it.
 */
async function checkLinksStayInside(top: string): Promise<void> {
  const realTop = await realpath(top);
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      if (!entry.isSymbolicLink()) continue;
      const resolved = await realpath(path).catch(() => null);
      const inside = resolved !== null && (resolved === realTop || resolved.startsWith(realTop + sep));
      if (!inside) {
        const name = relative(top, path);
        throw new GatecastError(
          'UPDATE_TAMPERED',
          `the release archive is refused: ${name}: link points outside the release or nowhere`,
        );
      }
    }
  };
  await walk(top);
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}
