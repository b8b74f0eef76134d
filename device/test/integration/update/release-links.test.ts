import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, realpath, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  isCompleteRelease,
  RELEASE_MARKER,
  releaseDir,
  releasesDir,
} from '../../../src/update/release-layout.js';
import {
  pruneReleases,
  readCurrent,
  readPrevious,
  rollbackCurrent,
  switchCurrent,
} from '../../../src/update/release-links.js';
import { tempDir } from './helpers/release-files.js';

/** The built module the child process imports: run `npx tsc -b device` before these tests alone. */
const LINKS_MODULE = fileURLToPath(new URL('../../../dist/update/release-links.js', import.meta.url));
const SWITCH_LOOP = fileURLToPath(new URL('./fixtures/switch-loop.mjs', import.meta.url));

describe('release links', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let root: string;

  beforeEach(async () => {
    dir = await tempDir('links');
    root = dir.path;
  });

  afterEach(async () => {
    await dir.remove();
  });

  /** A complete release as installRelease leaves it (its tests cover unpacking). */
  async function release(version: string): Promise<void> {
    await mkdir(join(releaseDir(root, version), 'lib'), { recursive: true });
    await writeFile(join(releaseDir(root, version), 'lib/main.js'), `// ${version}\n`);
    await writeFile(
      join(releaseDir(root, version), RELEASE_MARKER),
      JSON.stringify({ version, sha256: 'a'.repeat(64) }),
    );
  }

  it('points current at the new release and previous at the one it replaces', async () => {
    await release('1.3.0');
    await release('1.4.0');
    expect(await readCurrent(root)).toBeNull();
    expect(await switchCurrent(root, '1.3.0')).toEqual({ previous: null });
    expect(await switchCurrent(root, '1.4.0')).toEqual({ previous: '1.3.0' });
    expect(await readCurrent(root)).toBe('1.4.0');
    expect(await readPrevious(root)).toBe('1.3.0');
    expect(await realpath(join(root, 'current'))).toBe(await realpath(releaseDir(root, '1.4.0')));
    // Switching to what is current changes nothing.
    expect(await switchCurrent(root, '1.4.0')).toEqual({ previous: '1.3.0' });
    expect(await readPrevious(root)).toBe('1.3.0');
  });

  it('refuses to switch to a release that is not complete', async () => {
    await mkdir(releaseDir(root, '1.5.0'), { recursive: true });
    await expect(switchCurrent(root, '1.5.0')).rejects.toMatchObject({ code: 'UPDATE_FAILED' });
    await expect(switchCurrent(root, '9.9.9')).rejects.toMatchObject({ code: 'UPDATE_FAILED' });
    expect(await readCurrent(root)).toBeNull();
  });

  it('keeps only current, previous and the one being installed', async () => {
    for (const version of ['1.1.0', '1.2.0', '1.3.0', '1.4.0']) await release(version);
    await switchCurrent(root, '1.2.0');
    await switchCurrent(root, '1.3.0');
    expect(await pruneReleases(root, ['1.4.0'])).toEqual(['1.1.0']);
    expect((await readdir(releasesDir(root))).sort()).toEqual(['1.2.0', '1.3.0', '1.4.0']);
    expect(await pruneReleases(root)).toEqual(['1.4.0']);
    expect((await readdir(releasesDir(root))).sort()).toEqual(['1.2.0', '1.3.0']);
  });

  it('prunes nothing while no release is current', async () => {
    await release('1.3.0');
    expect(await pruneReleases(root)).toEqual([]);
    expect(await isCompleteRelease(root, '1.3.0')).toBe(true);
  });

  it('rolls back to previous and forgets the failed release as a way back', async () => {
    await release('1.3.0');
    await release('1.4.0');
    await switchCurrent(root, '1.3.0');
    await switchCurrent(root, '1.4.0');
    expect(await rollbackCurrent(root)).toBe('1.3.0');
    expect(await readCurrent(root)).toBe('1.3.0');
    expect(await readPrevious(root)).toBeNull();
    await expect(rollbackCurrent(root)).rejects.toMatchObject({ code: 'UPDATE_FAILED' });
    expect(await readCurrent(root)).toBe('1.3.0');
  });

  it('rolls back to a release the SD image laid down without a marker', async () => {
    await mkdir(join(releaseDir(root, '1.0.0'), 'lib'), { recursive: true });
    await symlink(join('releases', '1.0.0'), join(root, 'current'));
    await release('1.1.0');
    await switchCurrent(root, '1.1.0');
    expect(await rollbackCurrent(root)).toBe('1.0.0');
    expect(await readCurrent(root)).toBe('1.0.0');
  });

  it(
    'always names a complete release when the switching process is killed at random moments',
    { timeout: 120_000 },
    async () => {
      if (!existsSync(LINKS_MODULE))
        throw new Error(`${LINKS_MODULE} is missing: run "npx tsc -b device" first`);
      const versions = ['1.3.0', '1.4.0', '1.5.0-rc.1'];
      for (const version of versions) await release(version);
      const random = seeded(8);
      for (let kill = 0; kill < 20; kill++) {
        const child = spawn(process.execPath, [SWITCH_LOOP, LINKS_MODULE, root, ...versions], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        const exited = new Promise<NodeJS.Signals | null>((resolve) =>
          child.once('exit', (_c, s) => resolve(s)),
        );
        await new Promise<void>((resolve, reject) => {
          child.stdout.once('data', () => resolve());
          child.once('exit', () => reject(new Error(`switch loop exited early: ${stderr}`)));
        });
        await sleep(Math.floor(random() * 25));
        child.kill('SIGKILL');
        expect(await exited).toBe('SIGKILL');

        const current = await readCurrent(root);
        expect(versions).toContain(current);
        expect(await isCompleteRelease(root, current!)).toBe(true);
        expect(await realpath(join(root, 'current'))).toBe(await realpath(releaseDir(root, current!)));
        const previous = await readPrevious(root);
        if (previous !== null) expect(await isCompleteRelease(root, previous)).toBe(true);
      }
      // The next switch clears whatever link a kill left half made.
      await switchCurrent(root, '1.3.0');
      expect((await readdir(root)).filter((name) => name.includes('.tmp-'))).toEqual([]);
    },
  );
});

/** A small seeded generator (mulberry32), so a failing run can be replayed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
