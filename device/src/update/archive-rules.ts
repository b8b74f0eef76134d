import { posix } from 'node:path';

/** What the installer knows of one archive entry, enough to judge it before anything is written. */
export interface ArchiveEntry {
  path: string;
  type: string;
  size: number;
  linkpath?: string;
}

const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);
const ALLOWED_TYPES = new Set([...FILE_TYPES, 'Directory', 'SymbolicLink', 'Link']);

/**
 * Why an entry may not be unpacked, or null when it may. A release stays inside its folder: no
 * absolute path, no `..`, no link whose target leaves the folder, and nothing but files, folders
 * and links. The archive is signed, so a refusal means a broken build or a stolen key, and the
 * whole release is refused rather than unpacked without the entry.
 */
export function entryRefusal(entry: ArchiveEntry): string | null {
  if (!ALLOWED_TYPES.has(entry.type)) return `${entry.path}: ${entry.type} entries are not allowed`;
  const pathProblem = pathRefusal(entry.path);
  if (pathProblem) return `${entry.path}: ${pathProblem}`;
  if (entry.type !== 'SymbolicLink' && entry.type !== 'Link') return null;
  const target = entry.linkpath ?? '';
  if (target === '' || isAbsolute(target)) return `${entry.path}: link to an absolute or empty path`;
  // A symbolic link is relative to its own folder; a hard link names another entry of the archive.
  const base = entry.type === 'SymbolicLink' ? posix.dirname(entry.path) : '.';
  if (leavesRoot(posix.join(base, target))) return `${entry.path}: link points outside the release`;
  return null;
}

export function isFileEntry(entry: ArchiveEntry): boolean {
  return FILE_TYPES.has(entry.type);
}

function pathRefusal(path: string): string | null {
  if (path === '' || path.includes('\0')) return 'empty path';
  if (isAbsolute(path)) return 'absolute path';
  if (path.split(/[\\/]/).includes('..')) return 'path climbs out with ..';
  return null;
}

function isAbsolute(path: string): boolean {
  return path.startsWith('/') || path.startsWith('\\') || /^[A-Za-z]:/.test(path);
}

function leavesRoot(relative: string): boolean {
  const normal = posix.normalize(relative);
  return normal === '..' || normal.startsWith('../') || posix.isAbsolute(normal);
}
