import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Read-only access to a kernel file tree (`/sys` or `/proc`) under a configurable root, so tests
 * feed a fake tree in a temp dir. A file or directory that is missing or unreadable is null:
 * on hardware without a node the reading is unknown, never an error.
 */
export interface HostFiles {
  readonly root: string;
  read(path: string): Promise<string | null>;
  list(path: string): Promise<string[] | null>;
}

export function hostFiles(root: string): HostFiles {
  return {
    root,
    async read(path) {
      return readFile(join(root, path), 'utf8').catch(() => null);
    },
    async list(path) {
      return readdir(join(root, path)).catch(() => null);
    },
  };
}
