import { existsSync } from 'node:fs';
import { lstat, mkdir, readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installRelease } from '../../../src/update/install-release.js';
import { completeReleaseSha, releaseDir, releasesDir } from '../../../src/update/release-layout.js';
import { switchCurrent } from '../../../src/update/release-links.js';
import {
  AGENT_TREE,
  packTgz,
  sha256Of,
  tempDir,
  writeTree,
  type TreeEntry,
} from './helpers/release-files.js';

describe('installRelease', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let root: string;

  beforeEach(async () => {
    dir = await tempDir('install');
    root = join(dir.path, 'opt-gatecast');
  });

  afterEach(async () => {
    await dir.remove();
  });

  /** Packs a tree staged under `stage/` and returns the artifact with its sha256. */
  async function artifactOf(entries: TreeEntry[], paths = ['.'], name = 'agent.tgz') {
    const stage = join(dir.path, 'stage');
    await writeTree(stage, entries);
    const file = join(dir.path, name);
    return { artifactPath: file, sha256: sha256Of(await packTgz(file, stage, paths)), stage };
  }

  const install = (artifact: { artifactPath: string; sha256: string }, version = '1.4.0') =>
    installRelease({ root, version, ...artifact });

  it('unpacks a release beside the others, marks it complete and leaves no temp folder', async () => {
    const artifact = await artifactOf(AGENT_TREE);
    const target = await install(artifact);
    expect(target).toBe(releaseDir(root, '1.4.0'));
    expect(await readFile(join(target, 'lib/main.js'), 'utf8')).toContain('gatecast agent');
    expect(await readlink(join(target, 'lib/entry.js'))).toBe('main.js');
    expect(await completeReleaseSha(root, '1.4.0')).toBe(artifact.sha256);
    expect(await readdir(releasesDir(root))).toEqual(['1.4.0']);
  });

  it('reuses a complete release of the same build instead of unpacking again', async () => {
    const artifact = await artifactOf(AGENT_TREE);
    const target = await install(artifact);
    await writeFile(join(target, 'kept.txt'), 'still here');
    await install(artifact);
    expect(await readFile(join(target, 'kept.txt'), 'utf8')).toBe('still here');
  });

  it('replaces a folder of the same version from another build', async () => {
    const first = await artifactOf(AGENT_TREE);
    await install(first);
    const second = await artifactOf([{ path: 'lib/extra.js', text: 'new build' }], ['.'], 'second.tgz');
    await install(second);
    expect(await completeReleaseSha(root, '1.4.0')).toBe(second.sha256);
    expect(await readFile(join(releaseDir(root, '1.4.0'), 'lib/extra.js'), 'utf8')).toBe('new build');
  });

  it('keeps current, previous and the one being installed; older releases go', async () => {
    const artifact = await artifactOf(AGENT_TREE);
    for (const version of ['1.1.0', '1.2.0', '1.3.0']) {
      await install(artifact, version);
      await switchCurrent(root, version);
    }
    await install(artifact, '1.4.0');
    expect((await readdir(releasesDir(root))).sort()).toEqual(['1.2.0', '1.3.0', '1.4.0']);
  });

  it('never replaces the running release in place, even with another build of its version', async () => {
    await install(await artifactOf(AGENT_TREE));
    await switchCurrent(root, '1.4.0');
    const other = await artifactOf([{ path: 'lib/extra.js', text: 'new build' }], ['.'], 'other.tgz');
    await expect(install(other)).rejects.toMatchObject({ code: 'UPDATE_FAILED', message: /in use/ });
    expect(existsSync(join(releaseDir(root, '1.4.0'), 'lib/main.js'))).toBe(true);
  });

  it('cleans a temp folder a killed install left behind, then installs', async () => {
    const stale = join(releasesDir(root), '1.4.0.tmp-0badc0ffee00');
    await mkdir(join(stale, 'lib'), { recursive: true });
    await writeFile(join(stale, 'lib/main.js'), 'half written');
    const artifact = await artifactOf(AGENT_TREE);
    await install(artifact);
    expect(existsSync(stale)).toBe(false);
    expect(await readdir(releasesDir(root))).toEqual(['1.4.0']);
    expect(await readFile(join(releaseDir(root, '1.4.0'), 'lib/main.js'), 'utf8')).toContain(
      'gatecast agent',
    );
  });

  it('refuses an archive with a ../ path as UPDATE_TAMPERED and writes nothing', async () => {
    await writeTree(dir.path, [{ path: 'evil', text: 'escaped' }]);
    const artifact = await artifactOf(AGENT_TREE, ['lib/main.js', '../evil']);
    await expect(install(artifact)).rejects.toMatchObject({ code: 'UPDATE_TAMPERED', message: /\.\.\/evil/ });
    expect(await readdir(releasesDir(root))).toEqual([]);
  });

  it('refuses an archive with an absolute path as UPDATE_TAMPERED', async () => {
    const outside = join(dir.path, 'outside.txt');
    await writeFile(outside, 'absolute');
    const artifact = await artifactOf(AGENT_TREE, ['lib/main.js', outside]);
    await expect(install(artifact)).rejects.toMatchObject({ code: 'UPDATE_TAMPERED', message: /absolute/ });
    expect(await readdir(releasesDir(root))).toEqual([]);
  });

  it.each([
    ['to an absolute path', '/etc'],
    ['up and out of the release', '../../outside'],
  ])('refuses a symbolic link %s as UPDATE_TAMPERED', async (_label, link) => {
    const artifact = await artifactOf([...AGENT_TREE, { path: 'lib/escape', link }]);
    await expect(install(artifact)).rejects.toMatchObject({
      code: 'UPDATE_TAMPERED',
      message: /lib\/escape/,
    });
    expect(await readdir(releasesDir(root))).toEqual([]);
  });

  it('refuses links that leave the release only through each other, once unpacked', async () => {
    // Each looks inside on its own: d/up -> .. is the release itself, and out -> d/up/.. reads as d.
    const artifact = await artifactOf([
      ...AGENT_TREE,
      { path: 'd/up', link: '..' },
      { path: 'out', link: 'd/up/..' },
    ]);
    await expect(install(artifact)).rejects.toMatchObject({
      code: 'UPDATE_TAMPERED',
      message: /refused: out: link points outside/,
    });
    expect(await readdir(releasesDir(root))).toEqual([]);
  });

  it('refuses when the unpacked release does not fit on the disk (DISK_FULL)', async () => {
    const artifact = await artifactOf(AGENT_TREE);
    await expect(
      installRelease({ root, version: '1.4.0', ...artifact, freeBytes: async () => 1024 }),
    ).rejects.toMatchObject({
      code: 'DISK_FULL',
    });
    expect((await lstat(releasesDir(root))).isDirectory()).toBe(true);
    expect(await readdir(releasesDir(root))).toEqual([]);
  });

  it('refuses a file that is not a gzip tar as UPDATE_TAMPERED', async () => {
    const file = join(dir.path, 'junk.tgz');
    await writeFile(file, 'not an archive at all');
    await expect(install({ artifactPath: file, sha256: 'f'.repeat(64) })).rejects.toMatchObject({
      code: 'UPDATE_TAMPERED',
    });
  });
});
