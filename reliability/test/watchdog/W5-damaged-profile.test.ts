import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { profileDir } from '../../../device/src/player/launch-player.js';
import { recordFigure, sized } from '../../support/figures.js';
import {
  chromiumMissing,
  contentOnScreen,
  document,
  startHarness,
  timeUntil,
  type Harness,
} from '../../support/player-faults.js';

const missing = chromiumMissing();
const ROUNDS = sized(1, 5);
const GIVE_UP_MS = 45_000;

const WELCOME = document({
  defaultItem: { kind: 'text', id: 'welcome', body: { vi: 'Chào mừng', en: 'Welcome' } },
});

/** Every regular file under `dir`, recursively. */
async function filesUnder(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await filesUnder(path)));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

/** Overwrites every file of the profile with random bytes of its own size (at least 64). */
async function damage(profile: string): Promise<number> {
  const files = await filesUnder(profile);
  for (const file of files) {
    const { size } = await stat(file);
    await writeFile(file, randomBytes(Math.max(64, Math.min(size, 256 * 1024))));
  }
  return files.length;
}

/**
 * The lock a killed browser left before the device was renamed (commissioning sets the hostname):
 * Chromium cannot tell whether a browser on "another computer" still uses the profile, and
 * refuses it. The socket and cookie lead nowhere.
 */
async function staleLock(profile: string): Promise<void> {
  await symlink(`${hostname()}-old-name-${process.pid}`, join(profile, 'SingletonLock'));
  await symlink(
    join(tmpdir(), 'gatecast-no-such-socket', 'SingletonSocket'),
    join(profile, 'SingletonSocket'),
  );
  await symlink('1234567890123456789', join(profile, 'SingletonCookie'));
}

describe.skipIf(missing !== null)('W5: damaged profile, stale lock, missing profile dir', () => {
  let harness: Harness | null = null;
  const dirs: string[] = [];
  afterEach(async () => {
    await harness?.close();
    harness = null;
    for (const dir of dirs.splice(0)) {
      await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    }
  });

  /** Shows the welcome item from `dataDir`; the ms until it is on screen, or null. */
  async function launch(dataDir: string): Promise<{ ms: number | null; launchFailures: number }> {
    harness = await startHarness({ dataDir, supervision: {} });
    const h = harness;
    await h.screen.show(WELCOME);
    const ms = await timeUntil(() => contentOnScreen(h, 'welcome'), GIVE_UP_MS);
    const { launchFailures } = h.screen.chromium;
    await h.close();
    harness = null;
    return { ms, launchFailures };
  }

  /** A data dir with a profile Chromium itself wrote. */
  async function usedDataDir(): Promise<string> {
    const dataDir = await mkdtemp(join(tmpdir(), 'gatecast-w5-'));
    dirs.push(dataDir);
    const first = await launch(dataDir);
    if (first.ms === null) throw new Error('the first, clean launch showed nothing');
    return dataDir;
  }

  it(`launches from each broken profile, ${ROUNDS} round(s)`, async () => {
    const cases: Record<string, () => Promise<string>> = {
      'damaged profile': async () => {
        const dataDir = await usedDataDir();
        const files = await damage(profileDir(dataDir));
        if (files < 3) throw new Error(`only ${files} profile files to damage`);
        return dataDir;
      },
      'stale lock': async () => {
        const dataDir = await usedDataDir();
        await staleLock(profileDir(dataDir));
        return dataDir;
      },
      'missing profile dir': async () => {
        const dataDir = await usedDataDir();
        await rm(profileDir(dataDir), { recursive: true, force: true });
        return dataDir;
      },
    };
    const results: Array<{ name: string; ms: number | null; launchFailures: number }> = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, prepare] of Object.entries(cases)) {
        results.push({ name, ...(await launch(await prepare())) });
      }
    }

    const launched = results.filter((result) => result.ms !== null && result.launchFailures === 0);
    const each = Object.keys(cases).map((name) => {
      const mine = results.filter((result) => result.name === name);
      const ok = mine.filter((result) => result.ms !== null && result.launchFailures === 0);
      const slowest = Math.max(...ok.map((result) => result.ms ?? 0));
      return `${name} ${ok.length}/${mine.length}${ok.length > 0 ? ` (content in ${(slowest / 1000).toFixed(1)} s)` : ''}`;
    });
    const passed = launched.length === results.length;
    recordFigure({
      id: 'W5',
      figure: `launches ${launched.length}/${results.length}: ${each.join(', ')}`,
      pass: '3/3 launches',
      passed,
      size: `${ROUNDS} round(s) of 3 cases`,
    });
    expect(launched.length).toBe(results.length);
  });
});
