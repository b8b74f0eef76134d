import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installRelease } from '../../../src/update/install-release.js';
import { releasesDir } from '../../../src/update/release-layout.js';
import { packTgz, sha256Of, tempDir } from './helpers/release-files.js';

// A real ENOSPC needs a small file system of its own: a tmpfs, which only root may mount.
const isRoot = process.getuid?.() === 0;
// CI runs as root (.ci/run), so there the test must run: a missing privilege is a failure, not a skip.
if (!isRoot && process.env.CI)
  throw new Error('install-disk-full: mounting a tmpfs needs root, and CI runs as root');
if (!isRoot) process.stdout.write('install-disk-full: skipped: mounting a tmpfs needs root\n');

describe.skipIf(!isRoot)('installRelease on a card that fills while it unpacks', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let card: string;

  beforeEach(async () => {
    dir = await tempDir('install-disk-full');
    card = join(dir.path, 'card');
    await mkdir(card);
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', card]);
    expect(mounted.status, mounted.stderr.toString()).toBe(0);
  });

  afterEach(async () => {
    spawnSync('umount', [card]);
    await dir.remove();
  });

  it('says DISK_FULL and leaves no temp folder', async () => {
    const stage = join(dir.path, 'stage');
    await mkdir(stage);
    await writeFile(join(stage, 'agent.mjs'), "console.log('agent');\n");
    await writeFile(join(stage, 'payload.bin'), randomBytes(8 << 20));
    const artifactPath = join(dir.path, 'agent.tgz');
    const sha256 = sha256Of(await packTgz(artifactPath, stage, ['agent.mjs', 'payload.bin']));
    const root = join(card, 'opt-gatecast');

    // The space reading was taken before another writer filled the card.
    const installing = installRelease({
      root,
      version: '2.0.0',
      artifactPath,
      sha256,
      freeBytes: async () => 1 << 30,
    });

    await expect(installing).rejects.toMatchObject({
      code: 'DISK_FULL',
      message: expect.stringMatching(/ENOSPC/),
    });
    expect(await readdir(releasesDir(root))).toEqual([]);
  });
});
