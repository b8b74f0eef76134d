import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { hostFiles, type HostFiles } from '../../../src/health/host-files.js';

export interface FakeTree {
  root: string;
  files: HostFiles;
  write(path: string, content: string): Promise<void>;
  /** An empty directory (a node whose presence is what counts). */
  dir(path: string): Promise<void>;
  remove(): Promise<void>;
}

/** A fake /sys or /proc in a temp dir: the probes read it exactly as they read the real one. */
export async function fakeTree(layout: Record<string, string> = {}): Promise<FakeTree> {
  const root = await mkdtemp(join(tmpdir(), 'gatecast-fake-tree-'));
  const tree: FakeTree = {
    root,
    files: hostFiles(root),
    async write(path, content) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), content);
    },
    async dir(path) {
      await mkdir(join(root, path), { recursive: true });
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
  for (const [path, content] of Object.entries(layout)) await tree.write(path, content);
  return tree;
}
