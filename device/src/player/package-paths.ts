import { posix } from 'node:path';

/** Caps for one html package: a signage page has no business being larger. */
export const PACKAGE_LIMITS = {
  maxEntries: 2_000,
  maxFileBytes: 64 * 1024 * 1024,
  maxTotalBytes: 256 * 1024 * 1024,
};

/**
 * Pure: the relative path a zip entry may be written to, or null. Refuses absolute paths, drive
 * letters, backslashes and any `..` step (zip-slip), so nothing lands outside the package folder.
 */
export function safeEntryPath(name: string): string | null {
  if (name.length === 0 || name.length > 512 || name.includes('\0') || name.includes('\\')) return null;
  if (name.startsWith('/') || /^[a-zA-Z]:/.test(name)) return null;
  const parts = name.split('/');
  if (parts.some((part) => part === '..')) return null;
  const normalized = posix.normalize(name);
  if (normalized.startsWith('..') || posix.isAbsolute(normalized)) return null;
  return normalized;
}
