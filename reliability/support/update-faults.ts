import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statfsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { extract } from 'tar';
import { fileURLToPath } from 'node:url';

/** The device's built code: fault children run what a screen runs, not the test's sources. */
export const DEVICE_DIST = fileURLToPath(new URL('../../device/dist/', import.meta.url));

/**
 * A child that rewrites two state files forever, alternating two versions of each, through the
 * agent's own atomic write, as the desired store and the update record call it (the record first
 * clears stale temp files). Only that module is loaded, so a start is quick. It prints `ready` once
 * both files exist; the test then SIGKILLs it at a moment of its choosing.
 */
const REWRITER = `
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
const { dist, files, documentsFile } = JSON.parse(process.env.GATECAST_REWRITE);
const { writeFileAtomic, removeStaleTempFiles } = await import(dist + 'state/atomic-file.js');
const texts = JSON.parse(readFileSync(documentsFile, 'utf8'));
for (const file of files) mkdirSync(dirname(file), { recursive: true });
const write = async (i) => {
  await writeFileAtomic(files[0], texts[0][i % 2]);
  await removeStaleTempFiles(files[1]);
  await writeFileAtomic(files[1], texts[1][i % 2], 0o644);
};
await write(0);
process.stdout.write('ready\\n');
for (let i = 1; ; i++) await write(i);
`;

export interface Rewriter {
  child: ChildProcess;
  /** Resolves when both state files are on disk and the rewrite loop runs. */
  ready: Promise<void>;
  exited: Promise<void>;
}

/** `files[i]` alternates between `texts[i][0]` and `texts[i][1]` (read from `documentsFile`). */
export function startRewriter(files: readonly string[], documentsFile: string): Rewriter {
  const child = spawn(process.execPath, ['--input-type=module', '-e', REWRITER], {
    env: { ...process.env, GATECAST_REWRITE: JSON.stringify({ dist: DEVICE_DIST, files, documentsFile }) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const ready = new Promise<void>((done, fail) => {
    child.stdout!.once('data', () => done());
    void exited.then(() => fail(new Error('the state rewriter ended before it was ready')));
  });
  return { child, ready, exited };
}

/**
 * A small tmpfs the test mounts and unmounts itself: a card partition of a known size, so a full
 * disk is a real ENOSPC from the kernel. Needs root (mount); `null` with the reason otherwise.
 */
export function tmpfsUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  const probe = spawnSync('mount', ['--version']);
  if (probe.status !== 0) return 'mount(8) is missing (Debian util-linux)';
  if (spawnSync('fallocate', ['--version']).status !== 0)
    return 'fallocate(1) is missing (Debian util-linux)';
  return null;
}

export async function mountTmpfs(dir: string, bytes: number): Promise<() => Promise<void>> {
  await mkdir(dir, { recursive: true });
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes},mode=0755`, 'tmpfs', dir]);
  if (mounted.status !== 0) throw new Error(`mount tmpfs on ${dir}: ${mounted.stderr.toString()}`);
  return async () => {
    const unmounted = spawnSync('umount', [dir]);
    if (unmounted.status !== 0) spawnSync('umount', ['-l', dir]);
    await rm(dir, { recursive: true, force: true });
  };
}

/** Takes all free space on `dir`'s file system but `leaveBytes`, at once, as another writer would. */
export function fillDisk(dir: string, file: string, leaveBytes: number): number {
  const stats = statfsSync(dir);
  const take = Math.max(0, stats.bavail * stats.bsize - leaveBytes);
  if (take === 0) return 0;
  const filled = spawnSync('fallocate', ['-l', String(take), file]);
  if (filled.status !== 0) throw new Error(`fallocate ${file}: ${filled.stderr.toString()}`);
  return take;
}

/** SIGKILLs every process of one screen's service (its command line names its config file): a power cut. */
export function cutPower(configFile: string): number {
  let killed = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    if (Number(pid) === process.pid || !cmdline.split('\0').includes(configFile)) continue;
    try {
      process.kill(Number(pid), 'SIGKILL');
      killed += 1;
    } catch {
      // gone meanwhile
    }
  }
  return killed;
}

/** Every file under `dir` by relative path, with its sha256 (links by their target). */
export async function fileTree(dir: string, skip: readonly string[] = []): Promise<Map<string, string>> {
  const tree = new Map<string, string>();
  const walk = async (at: string): Promise<void> => {
    for (const entry of await readdir(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      const name = relative(dir, path);
      if (skip.includes(name)) continue;
      if (entry.isDirectory()) await walk(path);
      else if (entry.isSymbolicLink()) tree.set(name, `link:${await readlink(path)}`);
      else
        tree.set(
          name,
          createHash('sha256')
            .update(await readFile(path))
            .digest('hex'),
        );
    }
  };
  await walk(dir);
  return tree;
}

/** The files an artifact unpacks to, as `fileTree` lists them. */
export async function artifactTree(artifactFile: string, work: string): Promise<Map<string, string>> {
  const dir = await mkdtemp(join(work, 'artifact-'));
  try {
    await extract({ file: artifactFile, cwd: dir });
    return await fileTree(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Paths that differ between two trees: missing, extra or changed. */
export function treeDifferences(expected: Map<string, string>, actual: Map<string, string>): string[] {
  const differences: string[] = [];
  for (const [name, hash] of expected) if (actual.get(name) !== hash) differences.push(name);
  for (const name of actual.keys()) if (!expected.has(name)) differences.push(`+${name}`);
  return differences;
}
