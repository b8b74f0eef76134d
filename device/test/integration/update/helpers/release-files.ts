import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { create } from 'tar';
import pino from 'pino';

export function testLogger() {
  return pino({ level: process.env.GATECAST_TEST_LOG ?? 'silent' });
}

export async function tempDir(label: string) {
  const path = await mkdtemp(join(tmpdir(), `gatecast-update-${label}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export function sha256Of(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function randomArtifact(size: number): Buffer {
  return randomBytes(size);
}

/** One file of a release tree: text content, or a symbolic link to `link`. */
export type TreeEntry = { path: string; text: string } | { path: string; link: string };

/** A small agent release as the build makes it: a folder tree packed into a .tgz. */
export const AGENT_TREE: TreeEntry[] = [
  { path: 'bin/gatecast-agent.js', text: "import '../lib/main.js';\n" },
  { path: 'lib/main.js', text: "console.log('gatecast agent');\n" },
  { path: 'lib/entry.js', link: 'main.js' },
  { path: 'package.json', text: '{ "name": "gatecast-agent", "version": "1.4.0" }\n' },
];

export async function writeTree(dir: string, entries: TreeEntry[]): Promise<void> {
  for (const entry of entries) {
    const path = join(dir, entry.path);
    await mkdir(dirname(path), { recursive: true });
    if ('text' in entry) await writeFile(path, entry.text);
    else await symlink(entry.link, path);
  }
}

/**
 * Packs `paths` (relative to `cwd`, or absolute, or with `..`) as they are: preservePaths keeps
 * hostile names hostile, so the installer meets what a bad build or a forged archive would hold.
 */
export async function packTgz(file: string, cwd: string, paths: string[]): Promise<Buffer> {
  await create({ gzip: true, file, cwd, preservePaths: true, portable: true }, paths);
  const { readFile } = await import('node:fs/promises');
  return readFile(file);
}
